// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the css driver for I/O subchannels, the interrupt path
 * (irq callback I -> work item Q) and the retire path (R).
 *
 * The cp area is owned through private->own (vfio_ccw_own.h); every
 * function below that touches or frees the cp says by which right.
 */

#include <linux/error-injection.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/isc.h>

#include "chp.h"
#include "cio.h"
#include "ioasm.h"
#include "vfio_ccw_private.h"
#include "vccw_trace.h"

struct workqueue_struct *vfio_ccw_work_q;
/* CRWs allocated and not yet freed, all devices: <debugfs>/vfio_ccw/crws */
atomic_t vfio_ccw_crws_live;
/* Parked channel programs not yet freed: <debugfs>/vfio_ccw/parked */
atomic_t vfio_ccw_parked_live;
debug_info_t *vfio_ccw_debug_msg_id;

static struct vfio_ccw_private *vccw_private_locked(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);

	lockdep_assert_held(&sch->lock);
	return parent ? parent->private : NULL;
}

/*
 * With sch->lock held: the subchannel can no longer be used. Mark the
 * device (I/O gets -ENODEV) and have css unregister the subchannel, which
 * removes the mdev: userspace gets the request irq. True if this call
 * marked it, so that exactly one caller retires the device.
 */
static bool vccw_mark_not_oper(struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;

	lockdep_assert_held(&sch->lock);
	if (test_and_set_bit(VCCW_FLAG_NOT_OPER, &private->flags))
		return false;
	VCCW_MSG(2, "sch %x.%x.%04x: not operational\n",
		 sch->schid.cssid, sch->schid.ssid, sch->schid.sch_no);
	css_sched_sch_todo(sch, SCH_TODO_UNREG);
	return true;
}

/*
 * Fault injection: returns 0, or a deferred condition code, negated, to
 * force into the IRB (fail_function with retval -1..-3). Never called
 * with anything injected outside of tests.
 */
static noinline int vccw_inject_deferred_cc(struct subchannel *sch)
{
	return 0;
}
ALLOW_ERROR_INJECTION(vccw_inject_deferred_cc, ERRNO);

/*
 * I, with sch->lock held: decides here, and only here, whether @irb ends
 * the submitted cp (only a solicited final IRB taken while SUBMITTED
 * does), and hands the IRB with that decision to Q.
 */
void vccw_irq_take(struct vfio_ccw_private *private, struct irb *irb)
{
	struct subchannel *sch = private->sch;
	unsigned int cls = vccw_irb_classify(irb);
	bool solicited = cls & VCCW_IRB_SOLICITED;
	bool final = cls & VCCW_IRB_FINAL;
	struct vccw_irb_entry *e;
	bool claim, dropped;

	lockdep_assert_held(&sch->lock);
	/*
	 * Only a solicited final IRB taken while the word is SUBMITTED ends
	 * the cp: the claim's acquire pairs with the release in
	 * vccw_own_submit(), which W did under this same sch->lock.
	 */
	claim = vccw_irb_ends_cp(cls) &&
		vccw_own_claim(&private->own, &sch->lock);

	vccw_stat_inc(private, solicited ? VCCW_STAT_IRB_SOLICITED :
					   VCCW_STAT_IRB_UNSOLICITED);
	vccw_stat_inc(private, final ? VCCW_STAT_IRB_FINAL :
				       VCCW_STAT_IRB_INTERMEDIATE);
	if (claim) {
		vccw_stat_inc(private, VCCW_STAT_CLAIMS_IRQ);
		trace_vfio_ccw_own(sch->schid, VCCW_PARTY_I, VCCW_OWN_SUBMITTED,
				   VCCW_OWN_CLAIMED);
	}

	/* A full ring drops this IRB, or the newest queued for a claim. */
	e = vccw_ring_slot(&private->ring, claim, &dropped);
	if (dropped)
		vccw_stat_inc(private, VCCW_STAT_IRB_DROPPED);
	if (!e) {
		VCCW_MSG(2, "sch %x.%x.%04x: IRB queue full, dropped\n",
			 sch->schid.cssid, sch->schid.ssid, sch->schid.sch_no);
		goto out;
	}
	memcpy(&e->irb, irb, sizeof(*irb));
	e->claim = claim;
	e->gen = private->status_gen;
	/*
	 * The cp this IRB reports on stays allocated until Q has processed
	 * this entry: it can only be freed with its claim, which is this
	 * entry or a later one, or by R after it flushed Q.
	 */
	e->for_cp = claim || (solicited &&
			      vccw_own_read(&private->own) == VCCW_OWN_SUBMITTED);
	trace_vfio_ccw_irb(sch->schid, ((u32 *)&irb->scsw)[0],
			   ((u32 *)&irb->scsw)[2], claim, e->for_cp);
out:
	if (final && private->completion)
		complete(private->completion);
	queue_work(vfio_ccw_work_q, &private->io_work);
	/* A reader may wait for the first IRB of this generation. */
	WRITE_ONCE(private->gen_taken, private->status_gen);
	if (wq_has_sleeper(&private->gen_wq))
		wake_up(&private->gen_wq);
}

/*
 * I: the css irq callback, called by cio with sch->lock held and the IRB
 * in this CPU's cio_irb.
 */
static void vfio_ccw_sch_irq(struct subchannel *sch)
{
	struct vfio_ccw_private *private = vccw_private_locked(sch);
	struct irb *irb = this_cpu_ptr(&cio_irb);
	int ret;

	inc_irq_stat(IRQIO_CIO);
	if (!private) {
		/* Not set up (no mdev): nobody can take it; quiet it down. */
		VCCW_MSG(2, "sch %x.%x.%04x: unexpected interrupt\n",
			 sch->schid.cssid, sch->schid.ssid, sch->schid.sch_no);
		cio_disable_subchannel(sch);
		return;
	}

	ret = -vccw_inject_deferred_cc(sch);
	if (ret > 0 && ret <= 3)
		irb->scsw.cmd.cc = ret;
	if (vccw_hook_hold_irb(private, irb))
		return;
	vccw_irq_take(private, irb);
}

static void vccw_check_channel_done(struct vfio_ccw_private *private);
static void vccw_deliver(struct vfio_ccw_private *private,
			 const struct vccw_irb_entry *e);

/*
 * Q: process the queued IRBs in order. Frees the cp only for an entry
 * that carries I's claim: it never looks at the word to guess.
 */
void vfio_ccw_io_work(struct work_struct *work)
{
	struct vfio_ccw_private *private =
		container_of(work, struct vfio_ccw_private, io_work);
	struct subchannel *sch = private->sch;
	struct vccw_irb_entry e;
	bool empty;

	for (;;) {
		/* Only Q takes entries: one seen here stays until taken. */
		spin_lock_irq(&sch->lock);
		empty = vccw_ring_empty(&private->ring);
		spin_unlock_irq(&sch->lock);
		if (empty)
			break;
		vccw_hook(&private->hooks, VCCW_HOOK_WORK);

		/* The lock hands the entry (and a claim) over from I. */
		spin_lock_irq(&sch->lock);
		vccw_ring_take(&private->ring, &e);
		spin_unlock_irq(&sch->lock);

		if (e.for_cp) {
			vccw_cp_update_scsw(&private->cp, &e.irb.scsw);
			private->guest_cpa = e.irb.scsw.cmd.cpa;
		} else {
			/*
			 * Not about a cp of ours (an idle HSCH or CSCH, an
			 * unsolicited IRB): the channel's cpa is the address
			 * of a kernel CCW. Show the last one the guest saw.
			 */
			e.irb.scsw.cmd.cpa = private->guest_cpa;
		}
		if (e.claim) {
			vccw_check_channel_done(private);
			vccw_cp_free(&private->cp);
			vccw_stat_inc(private, VCCW_STAT_FREES);
			trace_vfio_ccw_cp_free(sch->schid, VCCW_PARTY_Q, false);
			trace_vfio_ccw_own(sch->schid, VCCW_PARTY_Q, VCCW_OWN_CLAIMED,
					   VCCW_OWN_IDLE);
			/* Pairs with vccw_own_begin() of the next W. */
			vccw_own_release(&private->own);
		}

		vccw_deliver(private, &e);
	}
}

/* Tell userspace that the io region holds a new IRB. */
static void vccw_signal_io(struct vfio_ccw_private *private)
{
	mutex_lock(&private->trigger_mutex);
	if (private->io_trigger)
		eventfd_signal(private->io_trigger);
	mutex_unlock(&private->trigger_mutex);
}

/*
 * With io_mutex held: did an HSCH or CSCH accepted after I took the IRB
 * stamped @gen supersede it? Status that userspace has not been given
 * yet is pending status for userspace: a CSCH clears it, and an HSCH is
 * only accepted when, as far as userspace knows, no status is pending
 * (a channel would refuse it with cc 1, which the UAPI cannot say). Each
 * owes userspace one interruption, its own: QEMU makes one interruption
 * for its guest out of every IRB it reads.
 */
static bool vccw_superseded(struct vfio_ccw_private *private, u32 gen)
{
	lockdep_assert_held(&private->io_mutex);
	return gen != READ_ONCE(private->status_gen);
}

/* With io_mutex held: put @e's IRB in the region for userspace. */
static void vccw_post_irb(struct vfio_ccw_private *private,
			  const struct vccw_irb_entry *e)
{
	lockdep_assert_held(&private->io_mutex);
	memcpy(private->io_region->irb_area, &e->irb, sizeof(e->irb));
	private->irb_unread = true;
	private->region_gen = e->gen;
}

/*
 * With io_mutex held: drop the oldest IRBs of the outbox that an HSCH or
 * CSCH superseded (they are in the order I took them, so those come
 * first). They were never delivered.
 */
static void vccw_outbox_drop_superseded(struct vfio_ccw_private *private)
{
	lockdep_assert_held(&private->io_mutex);
	while (private->outbox_len &&
	       vccw_superseded(private,
			       private->outbox[private->outbox_head].gen)) {
		private->outbox_head = (private->outbox_head + 1) %
				       VCCW_OUTBOX_SIZE;
		private->outbox_len--;
		vccw_stat_inc(private, VCCW_STAT_IRB_SUPERSEDED);
	}
}

/*
 * Q: hand @e's IRB to userspace: into the io region if userspace read the
 * last one, else into the outbox behind the others, so that none is
 * overwritten unread while the reader keeps up (it reads the region after
 * each eventfd signal, as QEMU does). An IRB that an HSCH or CSCH
 * superseded before it got here is not handed over. An unread IRB in the
 * region that one superseded is replaced by @e, which takes over its
 * signal: the reader reads once for it and gets @e (a second signal would
 * make it read @e twice). The replaced IRB counts as superseded, @e as
 * delivered in its place.
 */
static void vccw_deliver(struct vfio_ccw_private *private,
			 const struct vccw_irb_entry *e)
{
	bool signal = false;
	unsigned int slot;

	mutex_lock(&private->io_mutex);
	vccw_outbox_drop_superseded(private);
	if (vccw_superseded(private, e->gen)) {
		vccw_stat_inc(private, VCCW_STAT_IRB_SUPERSEDED);
	} else if (private->irb_unread &&
		   vccw_superseded(private, private->region_gen)) {
		vccw_post_irb(private, e);
		vccw_stat_inc(private, VCCW_STAT_IRB_SUPERSEDED);
	} else if (!private->irb_unread) {
		vccw_post_irb(private, e);
		vccw_stat_inc(private, VCCW_STAT_IRB_DELIVERED);
		signal = true;
	} else if (private->outbox_len < VCCW_OUTBOX_SIZE) {
		slot = (private->outbox_head + private->outbox_len++) %
		       VCCW_OUTBOX_SIZE;
		private->outbox[slot] = *e;
	} else {
		/* Full: a START's final status replaces the newest. */
		vccw_stat_inc(private, VCCW_STAT_IRB_DROPPED);
		if (e->claim) {
			slot = (private->outbox_head + VCCW_OUTBOX_SIZE - 1) %
			       VCCW_OUTBOX_SIZE;
			private->outbox[slot] = *e;
		}
	}
	mutex_unlock(&private->io_mutex);
	if (signal)
		vccw_signal_io(private);
}

/*
 * Userspace reads the io region: when the IRB there was superseded by an
 * HSCH or CSCH, first wait until I took the status that ends it (every
 * accepted HSCH or CSCH ends with an interruption), then let Q hand that
 * over, so that a reader woken by the earlier signal gets it and not the
 * superseded status. The wait is bounded: from a channel that never ends
 * the function the reader gets the old status after a second. Called
 * without io_mutex.
 */
void vfio_ccw_irb_before_read(struct vfio_ccw_private *private)
{
	bool superseded;

	mutex_lock(&private->io_mutex);
	superseded = private->irb_unread &&
		     vccw_superseded(private, private->region_gen);
	mutex_unlock(&private->io_mutex);
	if (!superseded)
		return;
	wait_event_interruptible_timeout(private->gen_wq,
					 READ_ONCE(private->gen_taken) ==
					 READ_ONCE(private->status_gen), HZ);
	flush_work(&private->io_work);
}

/*
 * Userspace read the irb_area of the io region (called after the read,
 * without io_mutex): post the next waiting IRB, if any.
 */
void vfio_ccw_irb_read(struct vfio_ccw_private *private)
{
	bool signal = false;

	mutex_lock(&private->io_mutex);
	private->irb_unread = false;
	vccw_outbox_drop_superseded(private);
	if (private->outbox_len) {
		vccw_post_irb(private, &private->outbox[private->outbox_head]);
		vccw_stat_inc(private, VCCW_STAT_IRB_DELIVERED);
		private->outbox_head = (private->outbox_head + 1) %
				       VCCW_OUTBOX_SIZE;
		private->outbox_len--;
		signal = true;
	}
	mutex_unlock(&private->io_mutex);
	if (signal)
		vccw_signal_io(private);
}

/* close_device: what userspace did not read is nobody's any more. */
void vfio_ccw_outbox_reset(struct vfio_ccw_private *private)
{
	mutex_lock(&private->io_mutex);
	atomic_long_add(private->outbox_len,
			&private->stats[VCCW_STAT_IRB_DROPPED]);
	private->irb_unread = false;
	private->outbox_head = 0;
	private->outbox_len = 0;
	mutex_unlock(&private->io_mutex);
}

/*
 * With sch->lock held: enable the subchannel for our ISC. A fault-injection
 * point (fail_function): an injected error is an enable that failed.
 */
static noinline int vccw_enable_locked(struct subchannel *sch)
{
	lockdep_assert_held(&sch->lock);
	sch->isc = VFIO_CCW_ISC;
	return cio_enable_subchannel(sch, (u32)virt_to_phys(sch));
}
ALLOW_ERROR_INJECTION(vccw_enable_locked, ERRNO);

int vfio_ccw_enable(struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;
	int ret;

	spin_lock_irq(&sch->lock);
	ret = vccw_enable_locked(sch);
	trace_vfio_ccw_enable(sch->schid, ret);
	spin_unlock_irq(&sch->lock);
	return ret;
}

/*
 * Fault-injection points (fail_function) of the quiesce: an injected
 * error is a cancel/halt/clear or a disable that failed.
 */
static noinline int vccw_cancel_halt_clear(struct subchannel *sch,
					   int *iretry)
{
	return cio_cancel_halt_clear(sch, iretry);
}
ALLOW_ERROR_INJECTION(vccw_cancel_halt_clear, ERRNO);

static noinline int vccw_disable_locked(struct subchannel *sch)
{
	return cio_disable_subchannel(sch);
}
ALLOW_ERROR_INJECTION(vccw_disable_locked, ERRNO);

/*
 * Stop all channel activity and disable the subchannel: cancel, halt or
 * clear whatever runs, wait for the final IRB, then flush Q. Returns 0
 * when the subchannel is disabled (or was never enabled), -ENODEV when it
 * is gone: in both cases the channel runs nothing for us any more and I
 * runs no more for this subchannel. Any other error: the channel could
 * not be stopped and may still run what was started.
 */
static int vccw_quiesce(struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;
	DECLARE_COMPLETION_ONSTACK(done);
	int iretry = 255;
	int ret = 0;

	spin_lock_irq(&sch->lock);
	if (!sch->schib.pmcw.ena)
		goto out;
	ret = vccw_disable_locked(sch);
	while (ret == -EBUSY) {
		ret = vccw_cancel_halt_clear(sch, &iretry);
		if (ret && ret != -EBUSY)
			break;
		reinit_completion(&done);
		private->completion = &done;
		spin_unlock_irq(&sch->lock);
		if (ret == -EBUSY)
			wait_for_completion_timeout(&done, 3 * HZ);
		spin_lock_irq(&sch->lock);
		private->completion = NULL;
		ret = vccw_disable_locked(sch);
	}
	if (ret && ret != -ENODEV)
		pr_err("vfio_ccw: could not quiesce subchannel 0.%x.%04x: %d\n",
		       sch->schid.ssid, sch->schid.sch_no, ret);
out:
	if (!ret || ret == -ENODEV)
		vfio_ccw_hook_channel_stopped(private);
	trace_vfio_ccw_quiesce(sch->schid, ret, sch->schib.pmcw.ena);
	spin_unlock_irq(&sch->lock);
	flush_work(&private->io_work);
	return ret;
}

/*
 * Debug builds: before a submitted cp is unpinned, the channel must be
 * done with it: the subchannel disabled, gone, or with its start function
 * neither active nor with status pending (stsch), and no IRB of this cp held back by the
 * debug hooks (a channel they pretend still runs). QEMU runs a whole
 * channel program inside ssch, so this is what makes a missing quiesce
 * visible in the tests.
 */
static void vccw_check_channel_done(struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;
	struct schib schib;
	bool busy;

	if (!IS_ENABLED(CONFIG_VFIO_CCW_DEBUG_HOOKS))
		return;
	if (stsch(sch->schid, &schib) || !schib.pmcw.ena)
		busy = false;
	else
		busy = (scsw_fctl(&schib.scsw) & SCSW_FCTL_START_FUNC) &&
		       ((scsw_actl(&schib.scsw) &
			 (SCSW_ACTL_START_PEND | SCSW_ACTL_RESUME_PEND |
			  SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT |
			  SCSW_ACTL_SUSPENDED)) ||
			(scsw_stctl(&schib.scsw) & SCSW_STCTL_STATUS_PEND));
	busy |= vfio_ccw_hook_cp_running(private);
	WARN(busy, "vfio_ccw: sch 0.%x.%04x: unpinning a cp the channel may still run\n",
	     sch->schid.ssid, sch->schid.sch_no);
}

/*
 * R, under retire_mutex: wait until nobody else owns the area, i.e. W
 * left TRANSLATING and Q released I's claim. Returns what the word was
 * then, IDLE or SUBMITTED; it may change again right after (a new W, or
 * I's claim), which the caller's compare-exchange or sch->lock catches.
 */
static int vccw_settle(struct vfio_ccw_private *private)
{
	atomic_t *own = &private->own;
	int state;

	lockdep_assert_held(&private->retire_mutex);
	for (;;) {
		state = vccw_own_read(own);
		switch (state) {
		case VCCW_OWN_TRANSLATING:
			vccw_own_wait_leave(own, VCCW_OWN_TRANSLATING);
			break;
		case VCCW_OWN_CLAIMED:
			/* I's claim on its way to Q (R holds retire_mutex). */
			flush_work(&private->io_work);
			vccw_own_wait_leave(own, VCCW_OWN_CLAIMED);
			break;
		default:
			return state;
		}
	}
}

/*
 * R, for a DMA unmap of @range: does the submitted cp hold pins there?
 * Looks at the cp without owning it, the one reader besides Q's
 * vccw_cp_update_scsw() that does: only while the word is SUBMITTED and
 * only under retire_mutex (no other R can claim) and sch->lock (I cannot
 * claim), so nobody can free it meanwhile (lkmm/P4-unmap-peek-vs-work).
 * Returns 1 (pinned), 0 (not), or -EAGAIN: the word is no longer
 * SUBMITTED, settle again.
 */
static int vccw_peek_pinned(struct vfio_ccw_private *private,
			    const struct vccw_range *range)
{
	struct subchannel *sch = private->sch;
	int ret = -EAGAIN;

	lockdep_assert_held(&private->retire_mutex);
	spin_lock_irq(&sch->lock);
	if (vccw_own_read(&private->own) == VCCW_OWN_SUBMITTED)
		ret = vccw_cp_iova_pinned(&private->cp, range->iova,
					  range->length);
	spin_unlock_irq(&sch->lock);
	return ret;
}

/* R: enable the subchannel again; if it will not, the device is gone. */
static void vccw_reenable(struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;
	int ret;

	if (test_bit(VCCW_FLAG_NOT_OPER, &private->flags))
		return;
	spin_lock_irq(&sch->lock);
	ret = vccw_enable_locked(sch);
	trace_vfio_ccw_enable(sch->schid, ret);
	if (ret)
		vccw_mark_not_oper(private);
	spin_unlock_irq(&sch->lock);
}

/*
 * R, under retire_mutex: quiesce, then take the claim (of a submitted cp)
 * or fence the idle area, free only what was claimed, optionally
 * re-enable, and release. Never frees while W translates: it waits for W
 * to leave TRANSLATING. With @range (a DMA unmap), only a submitted cp
 * that pins a page of @range is ended; the decision and the retire are
 * one step under retire_mutex, so no other R (a close) can come between.
 *
 * A channel that cannot be stopped keeps its pages: the cp is parked
 * (vccw_cp_park()) on the parent until the subchannel is gone, the device
 * is marked not operational and css unregisters the subchannel.
 */
static void vccw_retire_locked(struct vfio_ccw_private *private,
			       bool reenable, const struct vccw_range *range)
{
	struct subchannel *sch = private->sch;
	atomic_t *own = &private->own;
	bool free_cp = false, quiesced = false, claimed;
	struct vccw_parked *parked;
	int ret;

	lockdep_assert_held(&private->retire_mutex);
	for (;;) {
		switch (vccw_settle(private)) {
		case VCCW_OWN_IDLE:
			if (range)
				goto unfenced;	/* nothing pinned */
			if (!vccw_own_fence(own, &private->retire_mutex))
				continue;
			trace_vfio_ccw_own(sch->schid, VCCW_PARTY_R,
					   VCCW_OWN_IDLE, VCCW_OWN_CLAIMED);
			break;
		case VCCW_OWN_SUBMITTED:
			if (range) {
				ret = vccw_peek_pinned(private, range);
				if (ret < 0)
					continue;
				if (!ret)
					goto unfenced;
			}
			vccw_quiesce(private);
			quiesced = true;
			spin_lock_irq(&sch->lock);
			claimed = vccw_own_claim(own, &sch->lock);
			spin_unlock_irq(&sch->lock);
			if (!claimed)
				continue;	/* Q got the final IRB first */
			vccw_stat_inc(private, VCCW_STAT_CLAIMS_RETIRE);
			trace_vfio_ccw_own(sch->schid, VCCW_PARTY_R,
					   VCCW_OWN_SUBMITTED, VCCW_OWN_CLAIMED);
			free_cp = true;
			break;
		}
		break;
	}

	/* We hold CLAIMED: no W can start, I cannot claim. */
	ret = vccw_quiesce(private);
	if (ret && ret != -ENODEV) {
		spin_lock_irq(&sch->lock);
		vccw_mark_not_oper(private);
		spin_unlock_irq(&sch->lock);
		reenable = false;
	}
	if (free_cp && ret && ret != -ENODEV) {
		parked = vccw_cp_park(&private->cp);
		if (parked)
			vfio_ccw_park(private, parked);
		else
			pr_err("vfio_ccw: sch 0.%x.%04x: no memory to park a running channel program\n",
			       sch->schid.ssid, sch->schid.sch_no);
		vccw_stat_inc(private, VCCW_STAT_FREES);
		trace_vfio_ccw_cp_free(sch->schid, VCCW_PARTY_R, !!parked);
	} else if (free_cp) {
		vccw_check_channel_done(private);
		vccw_cp_free(&private->cp);
		vccw_stat_inc(private, VCCW_STAT_FREES);
		trace_vfio_ccw_cp_free(sch->schid, VCCW_PARTY_R, false);
	}
	if (reenable)
		vccw_reenable(private);
	trace_vfio_ccw_own(sch->schid, VCCW_PARTY_R, VCCW_OWN_CLAIMED,
			   VCCW_OWN_IDLE);
	vccw_own_release(own);
	return;

unfenced:
	/* A quiesce that then found nothing to end: undo its disable. */
	if (quiesced && reenable)
		vccw_reenable(private);
}

/*
 * Keep a parked channel program (vccw_cp_park()) on the parent, which
 * lives as long as the subchannel is bound to us; vfio_ccw_sch_remove()
 * frees it.
 */
void vfio_ccw_park(struct vfio_ccw_private *private, struct vccw_parked *p)
{
	struct vfio_ccw_parent *parent = private->parent;

	mutex_lock(&parent->parked_lock);
	vccw_parked_push(&parent->parked, p);
	mutex_unlock(&parent->parked_lock);
	atomic_inc(&vfio_ccw_parked_live);
}

/*
 * R: close, reset, not-operational, shutdown and remove: end whatever cp
 * there is.
 */
void vfio_ccw_retire(struct vfio_ccw_private *private, bool reenable)
{
	mutex_lock(&private->retire_mutex);
	vccw_retire_locked(private, reenable, NULL);
	mutex_unlock(&private->retire_mutex);
}

/*
 * R, for a DMA unmap of [@iova, @iova + @length): end the submitted cp if
 * it holds a pin there. The invalidation may not return while any page of
 * the range stays pinned.
 */
void vfio_ccw_retire_range(struct vfio_ccw_private *private, u64 iova,
			   u64 length)
{
	struct vccw_range range = { .iova = iova, .length = length };

	mutex_lock(&private->retire_mutex);
	vccw_retire_locked(private, true, &range);
	mutex_unlock(&private->retire_mutex);
}

void vfio_ccw_notoper_work(struct work_struct *work)
{
	struct vfio_ccw_private *private =
		container_of(work, struct vfio_ccw_private, notoper_work);

	vfio_ccw_retire(private, false);
}

void vfio_ccw_crw_work(struct work_struct *work)
{
	struct vfio_ccw_private *private =
		container_of(work, struct vfio_ccw_private, crw_work);
	bool pending;

	spin_lock_irq(&private->crw_lock);
	pending = !list_empty(&private->crw);
	spin_unlock_irq(&private->crw_lock);

	mutex_lock(&private->trigger_mutex);
	if (pending && private->crw_trigger)
		eventfd_signal(private->crw_trigger);
	mutex_unlock(&private->trigger_mutex);
}

static void vfio_ccw_free_parent(struct device *dev)
{
	struct vfio_ccw_parent *parent =
		container_of(dev, struct vfio_ccw_parent, dev);

	kfree(parent);
}

static int vfio_ccw_sch_probe(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent;
	int ret;

	if (sch->schib.pmcw.qf) {
		dev_warn(&sch->dev, "vfio-ccw does not support QDIO\n");
		return -ENODEV;
	}

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return -ENOMEM;

	mutex_init(&parent->parked_lock);
	dev_set_name(&parent->dev, "parent");
	parent->dev.parent = &sch->dev;
	parent->dev.release = vfio_ccw_free_parent;
	ret = device_register(&parent->dev);
	if (ret)
		goto err_put;
	dev_set_drvdata(&sch->dev, parent);

	parent->mdev_type.sysfs_name = "io";
	parent->mdev_type.pretty_name = "I/O subchannel (Non-QDIO)";
	parent->mdev_types[0] = &parent->mdev_type;
	ret = mdev_register_parent(&parent->parent, &sch->dev,
				   &vfio_ccw_mdev_driver, parent->mdev_types, 1);
	if (ret)
		goto err_del;

	VCCW_MSG(4, "bound to subchannel %x.%x.%04x\n",
		 sch->schid.cssid, sch->schid.ssid, sch->schid.sch_no);
	return 0;

err_del:
	dev_set_drvdata(&sch->dev, NULL);
	device_del(&parent->dev);
err_put:
	put_device(&parent->dev);
	return ret;
}

static void vfio_ccw_sch_remove(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);

	/* Removes the mdev, whose remove retires and frees the device. */
	mdev_unregister_parent(&parent->parent);
	/*
	 * The irq, sch_event and chp_event callbacks read drvdata under
	 * sch->lock: once this section ends none of them can still hold the
	 * parent, which device_unregister() may free.
	 */
	spin_lock_irq(&sch->lock);
	dev_set_drvdata(&sch->dev, NULL);
	spin_unlock_irq(&sch->lock);
	/* The subchannel is gone for us: what the channel ran is over. */
	atomic_sub(vccw_parked_free_all(&parent->parked),
		   &vfio_ccw_parked_live);
	device_unregister(&parent->dev);

	VCCW_MSG(4, "unbound from subchannel %x.%x.%04x\n",
		 sch->schid.cssid, sch->schid.ssid, sch->schid.sch_no);
}

static void vfio_ccw_sch_shutdown(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);
	struct vfio_ccw_private *private;

	/*
	 * The parent cannot go away under us (css shutdown and css remove
	 * both run under the subchannel's device lock), but the mdev can: a
	 * write to its "remove" attribute takes only the mdev's own lock.
	 * A reference taken while parent->private is set keeps the device
	 * until we are done; mdev remove clears the pointer under sch->lock
	 * before it drops its own reference.
	 */
	spin_lock_irq(&sch->lock);
	private = parent ? parent->private : NULL;
	if (private) {
		set_bit(VCCW_FLAG_NOT_OPER, &private->flags);
		get_device(&private->vdev.device);
	}
	spin_unlock_irq(&sch->lock);
	if (private) {
		vfio_ccw_retire(private, false);
		vfio_put_device(&private->vdev);
	}
}

/*
 * With sch->lock held: the subchannel is gone (stsch fails). Mark the
 * device not operational, which has css unregister the subchannel, and
 * retire it from process context.
 */
void vccw_gone(struct vfio_ccw_private *private)
{
	lockdep_assert_held(&private->sch->lock);
	if (vccw_mark_not_oper(private))
		queue_work(vfio_ccw_work_q, &private->notoper_work);
}

/*
 * Something happened to the subchannel. Returns 0 when handled, -EAGAIN to
 * be called again in process context.
 */
static int vfio_ccw_sch_event(struct subchannel *sch, int process)
{
	struct vfio_ccw_private *private;
	unsigned long flags;
	int rc = -EAGAIN;

	spin_lock_irqsave(&sch->lock, flags);
	if (!device_is_registered(&sch->dev) || work_pending(&sch->todo_work))
		goto out;
	rc = 0;
	private = vccw_private_locked(sch);
	if (cio_update_schib(sch)) {
		if (!private)
			css_sched_sch_todo(sch, SCH_TODO_UNREG);
		else
			vccw_gone(private);
	}
out:
	spin_unlock_irqrestore(&sch->lock, flags);
	return rc;
}

/* Called with sch->lock held. */
void vfio_ccw_queue_crw(struct vfio_ccw_private *private, unsigned int rsc,
			unsigned int erc, unsigned int rsid)
{
	struct vfio_ccw_crw *c;
	unsigned long flags;

	/* Without memory the event is lost; userspace still has stsch. */
	c = kzalloc(sizeof(*c), GFP_ATOMIC);
	if (!c)
		return;
	atomic_inc(&vfio_ccw_crws_live);
	c->crw.rsc = rsc;
	c->crw.erc = erc;
	c->crw.rsid = rsid;
	spin_lock_irqsave(&private->crw_lock, flags);
	list_add_tail(&c->next, &private->crw);
	spin_unlock_irqrestore(&private->crw_lock, flags);
	queue_work(vfio_ccw_work_q, &private->crw_work);
}

void vfio_ccw_crw_free(struct vfio_ccw_crw *c)
{
	kfree(c);
	atomic_dec(&vfio_ccw_crws_live);
}

/*
 * Free the CRWs nobody read. No chp_event may queue more meanwhile: the
 * device is closed (close_device) or no longer published (mdev remove).
 */
void vfio_ccw_crw_flush(struct vfio_ccw_private *private)
{
	struct vfio_ccw_crw *c, *tmp;
	LIST_HEAD(gone);

	spin_lock_irq(&private->crw_lock);
	list_splice_init(&private->crw, &gone);
	spin_unlock_irq(&private->crw_lock);
	list_for_each_entry_safe(c, tmp, &gone, next)
		vfio_ccw_crw_free(c);
}

/* Called by cio with sch->lock held. */
int vfio_ccw_chp_event(struct subchannel *sch, struct chp_link *link,
		       int event)
{
	struct vfio_ccw_private *private = vccw_private_locked(sch);
	int mask = chp_ssd_get_mask(&sch->ssd_info, link);
	int retry = 255;
	bool active;

	if (!private || !mask)
		return 0;

	VCCW_MSG(2, "sch %x.%x.%04x: chp event %d mask %02x\n",
		 sch->schid.cssid, sch->schid.ssid, sch->schid.sch_no,
		 event, mask);
	if (cio_update_schib(sch))
		return -ENODEV;

	/*
	 * A function in progress on the path going away is ended; an idle
	 * subchannel is left alone (a halt would only make an interrupt).
	 */
	active = (sch->schib.pmcw.lpum & mask) && scsw_actl(&sch->schib.scsw);
	switch (event) {
	case CHP_VARY_OFF:
		sch->opm &= ~mask;
		sch->lpm &= ~mask;
		if (active)
			cio_cancel_halt_clear(sch, &retry);
		break;
	case CHP_OFFLINE:
		if (active)
			cio_cancel_halt_clear(sch, &retry);
		vfio_ccw_queue_crw(private, CRW_RSC_CPATH, CRW_ERC_PERRN,
				   link->chpid.id);
		break;
	case CHP_VARY_ON:
		sch->opm |= mask;
		sch->lpm |= mask;
		break;
	case CHP_ONLINE:
		sch->lpm |= mask & sch->opm;
		vfio_ccw_queue_crw(private, CRW_RSC_CPATH, CRW_ERC_INIT,
				   link->chpid.id);
		break;
	}
	return 0;
}

static struct css_device_id vfio_ccw_sch_ids[] = {
	{ .match_flags = 0x1, .type = SUBCHANNEL_TYPE_IO, },
	{ /* end of list */ },
};
MODULE_DEVICE_TABLE(css, vfio_ccw_sch_ids);

static struct css_driver vfio_ccw_sch_driver = {
	.drv = {
		.name = "vfio_ccw",
		.owner = THIS_MODULE,
	},
	.subchannel_type = vfio_ccw_sch_ids,
	.irq = vfio_ccw_sch_irq,
	.probe = vfio_ccw_sch_probe,
	.remove = vfio_ccw_sch_remove,
	.shutdown = vfio_ccw_sch_shutdown,
	.sch_event = vfio_ccw_sch_event,
	.chp_event = vfio_ccw_chp_event,
};

static void vfio_ccw_debug_exit(void)
{
	debug_unregister(vfio_ccw_debug_msg_id);
}

static int __init vfio_ccw_debug_init(void)
{
	vfio_ccw_debug_msg_id = debug_register("vfio_ccw_msg", 16, 1,
					       11 * sizeof(long));
	if (!vfio_ccw_debug_msg_id) {
		vfio_ccw_debug_exit();
		return -ENOMEM;
	}
	debug_register_view(vfio_ccw_debug_msg_id, &debug_sprintf_view);
	debug_set_level(vfio_ccw_debug_msg_id, 2);
	return 0;
}

static int __init vfio_ccw_init(void)
{
	int ret;

	ret = vfio_ccw_debug_init();
	if (ret)
		return ret;
	/*
	 * Not max_active 1: the not-oper work retires the device, which
	 * flushes the io work on this same queue. Unbound, not per-CPU: a
	 * bound Q runs only on the CPU whose interrupt queued it, and waits
	 * there for as long as that CPU stays busy in the kernel (cio's scan
	 * after a channel-path vary on kept one busy for over a minute on a
	 * loaded host); unbound, any idle CPU takes it.
	 */
	vfio_ccw_work_q = alloc_workqueue("vfio-ccw", WQ_UNBOUND, 0);
	if (!vfio_ccw_work_q) {
		ret = -ENOMEM;
		goto err_debug;
	}
	vfio_ccw_debugfs_init();
	isc_register(VFIO_CCW_ISC);
	ret = mdev_register_driver(&vfio_ccw_mdev_driver);
	if (ret)
		goto err_isc;
	ret = css_driver_register(&vfio_ccw_sch_driver);
	if (ret)
		goto err_mdev;
	return 0;

err_mdev:
	mdev_unregister_driver(&vfio_ccw_mdev_driver);
err_isc:
	isc_unregister(VFIO_CCW_ISC);
	vfio_ccw_debugfs_exit();
	destroy_workqueue(vfio_ccw_work_q);
err_debug:
	vfio_ccw_debug_exit();
	return ret;
}

static void __exit vfio_ccw_exit(void)
{
	css_driver_unregister(&vfio_ccw_sch_driver);
	mdev_unregister_driver(&vfio_ccw_mdev_driver);
	isc_unregister(VFIO_CCW_ISC);
	vfio_ccw_debugfs_exit();
	destroy_workqueue(vfio_ccw_work_q);
	vfio_ccw_debug_exit();
}

module_init(vfio_ccw_init);
module_exit(vfio_ccw_exit);

MODULE_DESCRIPTION("VFIO based subchannel (vfio-ccw) with lock-free cp ownership");
MODULE_LICENSE("GPL v2");
