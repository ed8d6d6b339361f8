// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the css driver for I/O subchannels, the interrupt path
 * (irq callback I -> work item Q) and the retire path (R).
 *
 * The cp area is owned through private->own (vfio_ccw_own.h); every
 * function below that touches or frees the cp says by which right.
 */

#include <linux/debugfs.h>
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
debug_info_t *vfio_ccw_debug_msg_id;
debug_info_t *vfio_ccw_debug_trace_id;
static struct dentry *vfio_ccw_debugfs_root;

static struct vfio_ccw_private *vccw_private_locked(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);

	lockdep_assert_held(&sch->lock);
	return parent ? parent->private : NULL;
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
 * the submitted cp (rule 1), and hands the IRB with that decision to Q.
 */
static void vccw_irq_take(struct vfio_ccw_private *private, struct irb *irb)
{
	struct subchannel *sch = private->sch;
	struct vccw_irb_entry *e;
	bool solicited, final, claim;
	unsigned int slot;

	lockdep_assert_held(&sch->lock);
	solicited = scsw_is_solicited(&irb->scsw);
	/* Final: nothing active any more, or a deferred condition code. */
	final = !(scsw_actl(&irb->scsw) &
		  (SCSW_ACTL_DEVACT | SCSW_ACTL_SCHACT)) ||
		scsw_cc(&irb->scsw);
	/*
	 * Only a solicited final IRB taken while the word is SUBMITTED ends
	 * the cp: the claim's acquire pairs with the release in
	 * vccw_own_submit(), which W did under this same sch->lock.
	 */
	claim = solicited && final && vccw_own_claim(&private->own);

	vccw_stat_inc(private, solicited ? VCCW_STAT_IRB_SOLICITED :
					   VCCW_STAT_IRB_UNSOLICITED);
	vccw_stat_inc(private, final ? VCCW_STAT_IRB_FINAL :
				       VCCW_STAT_IRB_INTERMEDIATE);
	if (claim) {
		vccw_stat_inc(private, VCCW_STAT_CLAIMS_IRQ);
		trace_vfio_ccw_own(sch->schid, "I", VCCW_OWN_SUBMITTED,
				   VCCW_OWN_CLAIMED);
	}

	if (private->ring_len == VCCW_RING_SIZE) {
		if (!claim) {
			vccw_stat_inc(private, VCCW_STAT_IRB_DROPPED);
			VCCW_MSG(2, "sch %x.%x.%04x: IRB queue full, dropped\n",
				 sch->schid.cssid, sch->schid.ssid,
				 sch->schid.sch_no);
			goto out;
		}
		/* Keep the claim: overwrite the newest entry (see header). */
		vccw_stat_inc(private, VCCW_STAT_IRB_DROPPED);
		slot = (private->ring_head + VCCW_RING_SIZE - 1) % VCCW_RING_SIZE;
	} else {
		slot = (private->ring_head + private->ring_len) % VCCW_RING_SIZE;
		private->ring_len++;
	}
	e = &private->ring[slot];
	memcpy(&e->irb, irb, sizeof(*irb));
	e->claim = claim;
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
}

#ifdef CONFIG_VFIO_CCW_DEBUG_HOOKS
/* Debug hooks, in I: hold @irb back instead of taking it? */
static bool vccw_hook_hold_irb(struct vfio_ccw_private *private,
			       struct irb *irb)
{
	struct vccw_hooks *h = &private->hooks;

	if (!h->hold_irbs || h->nr_held == ARRAY_SIZE(h->held))
		return false;
	memcpy(&h->held[h->nr_held++], irb, sizeof(*irb));
	return true;
}

/*
 * Debug hooks (vfio_ccw_hooks.h): start holding back the real IRBs (@on),
 * or stop and hand I the held ones, in order, with sch->lock held as cio
 * would.
 */
void vfio_ccw_hook_hold_irbs(struct vfio_ccw_private *private, bool on)
{
	struct vccw_hooks *h = &private->hooks;
	struct subchannel *sch = private->sch;
	unsigned int i;

	spin_lock_irq(&sch->lock);
	h->hold_irbs = on;
	if (!on) {
		for (i = 0; i < h->nr_held; i++)
			vccw_irq_take(private, &h->held[i]);
		h->nr_held = 0;
	}
	spin_unlock_irq(&sch->lock);
}

unsigned int vfio_ccw_hook_nr_held(struct vfio_ccw_private *private)
{
	unsigned int n;

	spin_lock_irq(&private->sch->lock);
	n = private->hooks.nr_held;
	spin_unlock_irq(&private->sch->lock);
	return n;
}
#else
static inline bool vccw_hook_hold_irb(struct vfio_ccw_private *private,
				      struct irb *irb)
{
	return false;
}
#endif

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

#ifdef CONFIG_VFIO_CCW_DEBUG_HOOKS
/*
 * Debug hooks (vfio_ccw_hooks.h): hand I a made-up IRB, with sch->lock
 * held as cio would. An intermediate one reports the running START as
 * still active after a program-controlled interruption at @cpa (a kernel
 * CCW address, as the channel would give it); an unsolicited one is an
 * attention from the device, no function in progress.
 */
void vfio_ccw_inject_irb(struct vfio_ccw_private *private,
			 enum vccw_inject kind, u32 cpa)
{
	struct irb irb = {};
	union scsw *scsw = &irb.scsw;

	switch (kind) {
	case VCCW_INJECT_INTERMEDIATE:
		scsw->cmd.fctl = SCSW_FCTL_START_FUNC;
		scsw->cmd.actl = SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT;
		scsw->cmd.stctl = SCSW_STCTL_INTER_STATUS |
				  SCSW_STCTL_STATUS_PEND;
		scsw->cmd.cstat = SCHN_STAT_PCI;
		scsw->cmd.cpa = u32_to_dma32(cpa);
		break;
	case VCCW_INJECT_UNSOLICITED:
		scsw->cmd.stctl = SCSW_STCTL_ALERT_STATUS |
				  SCSW_STCTL_STATUS_PEND;
		scsw->cmd.dstat = DEV_STAT_ATTENTION;
		break;
	default:
		return;
	}
	VCCW_MSG(2, "sch %x.%x.%04x: injecting a made-up IRB (%d)\n",
		 private->sch->schid.cssid, private->sch->schid.ssid,
		 private->sch->schid.sch_no, kind);
	vccw_irq_take(private, &irb);
}
#endif

/*
 * Q: process the queued IRBs in order. Frees the cp only for an entry
 * that carries I's claim (rule 2): it never looks at the word to guess.
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
		empty = !private->ring_len;
		spin_unlock_irq(&sch->lock);
		if (empty)
			break;
		vccw_hook(&private->hooks, VCCW_HOOK_WORK);

		/* The lock hands the entry (and a claim) over from I. */
		spin_lock_irq(&sch->lock);
		e = private->ring[private->ring_head];
		private->ring_head = (private->ring_head + 1) % VCCW_RING_SIZE;
		private->ring_len--;
		spin_unlock_irq(&sch->lock);

		if (e.for_cp)
			vccw_cp_update_scsw(&private->cp, &e.irb.scsw);
		if (e.claim) {
			vccw_cp_free(&private->cp);
			vccw_stat_inc(private, VCCW_STAT_FREES);
			trace_vfio_ccw_own(sch->schid, "Q", VCCW_OWN_CLAIMED,
					   VCCW_OWN_IDLE);
			/* Pairs with vccw_own_begin() of the next W. */
			vccw_own_release(&private->own);
		}

		mutex_lock(&private->io_mutex);
		memcpy(private->io_region->irb_area, &e.irb, sizeof(e.irb));
		mutex_unlock(&private->io_mutex);
		vccw_stat_inc(private, VCCW_STAT_IRB_DELIVERED);

		mutex_lock(&private->trigger_mutex);
		if (private->io_trigger)
			eventfd_signal(private->io_trigger);
		mutex_unlock(&private->trigger_mutex);
	}
}

/*
 * Stop all channel activity and disable the subchannel: cancel, halt or
 * clear whatever runs, wait for the final IRB, then flush Q. After this
 * I runs no more for this subchannel.
 */
static int vccw_quiesce(struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;
	DECLARE_COMPLETION_ONSTACK(done);
	int iretry = 255;
	int ret;

	spin_lock_irq(&sch->lock);
	if (!sch->schib.pmcw.ena) {
		spin_unlock_irq(&sch->lock);
		goto out;
	}
	ret = cio_disable_subchannel(sch);
	while (ret == -EBUSY) {
		ret = cio_cancel_halt_clear(sch, &iretry);
		if (ret == -EIO) {
			pr_err("vfio_ccw: could not quiesce subchannel 0.%x.%04x\n",
			       sch->schid.ssid, sch->schid.sch_no);
			break;
		}
		reinit_completion(&done);
		private->completion = &done;
		spin_unlock_irq(&sch->lock);
		if (ret == -EBUSY)
			wait_for_completion_timeout(&done, 3 * HZ);
		spin_lock_irq(&sch->lock);
		private->completion = NULL;
		ret = cio_disable_subchannel(sch);
	}
	spin_unlock_irq(&sch->lock);
out:
	flush_work(&private->io_work);
	return 0;
}

int vfio_ccw_enable(struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;
	int ret;

	spin_lock_irq(&sch->lock);
	sch->isc = VFIO_CCW_ISC;
	ret = cio_enable_subchannel(sch, (u32)virt_to_phys(sch));
	spin_unlock_irq(&sch->lock);
	return ret;
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
 * R: close, reset, DMA unmap, not-operational, shutdown and remove. Quiesce,
 * then take the claim (of a submitted cp) or fence the idle area, free only
 * what was claimed, optionally re-enable, and release (rule 4). Never frees
 * while W translates: it waits for W to leave TRANSLATING.
 */
void vfio_ccw_retire(struct vfio_ccw_private *private, bool reenable)
{
	atomic_t *own = &private->own;
	bool free_cp = false;

	mutex_lock(&private->retire_mutex);
	for (;;) {
		switch (vccw_settle(private)) {
		case VCCW_OWN_IDLE:
			if (!vccw_own_fence(own))
				continue;
			trace_vfio_ccw_own(private->sch->schid, "R",
					   VCCW_OWN_IDLE, VCCW_OWN_CLAIMED);
			break;
		case VCCW_OWN_SUBMITTED:
			vccw_quiesce(private);
			if (!vccw_own_claim(own))
				continue;	/* Q got the final IRB first */
			vccw_stat_inc(private, VCCW_STAT_CLAIMS_RETIRE);
			trace_vfio_ccw_own(private->sch->schid, "R",
					   VCCW_OWN_SUBMITTED, VCCW_OWN_CLAIMED);
			free_cp = true;
			break;
		}
		break;
	}

	/* We hold CLAIMED: no W can start, I cannot claim. */
	vccw_quiesce(private);
	if (free_cp) {
		vccw_cp_free(&private->cp);
		vccw_stat_inc(private, VCCW_STAT_FREES);
	}
	if (reenable && !test_bit(VCCW_FLAG_NOT_OPER, &private->flags) &&
	    vfio_ccw_enable(private))
		set_bit(VCCW_FLAG_NOT_OPER, &private->flags);
	trace_vfio_ccw_own(private->sch->schid, "R", VCCW_OWN_CLAIMED,
			   VCCW_OWN_IDLE);
	vccw_own_release(own);
	mutex_unlock(&private->retire_mutex);
}

/*
 * R, for a DMA unmap of [@iova, @iova + @length): does the cp hold pins
 * there, so that it must be ended? Looks at the cp without owning it, the
 * one reader besides Q's vccw_cp_update_scsw() that does: only while the
 * word is SUBMITTED and only under retire_mutex (no other R can claim)
 * and sch->lock (I cannot claim), so nobody can free it meanwhile
 * (lkmm/P4-unmap-peek-vs-work). A TRANSLATING or CLAIMED area is waited
 * for first (vccw_settle()).
 */
bool vfio_ccw_unmap_needs_retire(struct vfio_ccw_private *private, u64 iova,
				 u64 length)
{
	struct subchannel *sch = private->sch;
	atomic_t *own = &private->own;
	bool pinned = false, seen = false;

	mutex_lock(&private->retire_mutex);
	while (!seen && vccw_settle(private) == VCCW_OWN_SUBMITTED) {
		spin_lock_irq(&sch->lock);
		if (vccw_own_read(own) == VCCW_OWN_SUBMITTED) {
			pinned = vccw_cp_iova_pinned(&private->cp, iova, length);
			seen = true;
		}
		spin_unlock_irq(&sch->lock);
	}
	mutex_unlock(&private->retire_mutex);
	return pinned;
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
	dev_set_drvdata(&sch->dev, NULL);
	device_unregister(&parent->dev);

	VCCW_MSG(4, "unbound from subchannel %x.%x.%04x\n",
		 sch->schid.cssid, sch->schid.ssid, sch->schid.sch_no);
}

static void vfio_ccw_sch_shutdown(struct subchannel *sch)
{
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);
	struct vfio_ccw_private *private;

	spin_lock_irq(&sch->lock);
	private = parent ? parent->private : NULL;
	if (private)
		set_bit(VCCW_FLAG_NOT_OPER, &private->flags);
	spin_unlock_irq(&sch->lock);
	/*
	 * The mdev cannot go away under us: css shutdown and mdev remove are
	 * both serialized by the device core on the subchannel's device.
	 */
	if (private)
		vfio_ccw_retire(private, false);
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
	if (cio_update_schib(sch) && private &&
	    !test_and_set_bit(VCCW_FLAG_NOT_OPER, &private->flags)) {
		VCCW_MSG(2, "sch %x.%x.%04x: not operational\n",
			 sch->schid.cssid, sch->schid.ssid, sch->schid.sch_no);
		css_sched_sch_todo(sch, SCH_TODO_UNREG);
		queue_work(vfio_ccw_work_q, &private->notoper_work);
	}
out:
	spin_unlock_irqrestore(&sch->lock, flags);
	return rc;
}

/* Called with sch->lock held. */
static void vfio_ccw_queue_crw(struct vfio_ccw_private *private,
			       unsigned int rsc, unsigned int erc,
			       unsigned int rsid)
{
	struct vfio_ccw_crw *c;
	unsigned long flags;

	/* Without memory the event is lost; userspace still has stsch. */
	c = kzalloc(sizeof(*c), GFP_ATOMIC);
	if (!c)
		return;
	c->crw.rsc = rsc;
	c->crw.erc = erc;
	c->crw.rsid = rsid;
	spin_lock_irqsave(&private->crw_lock, flags);
	list_add_tail(&c->next, &private->crw);
	spin_unlock_irqrestore(&private->crw_lock, flags);
	queue_work(vfio_ccw_work_q, &private->crw_work);
}

/* Called by cio with sch->lock held. */
static int vfio_ccw_chp_event(struct subchannel *sch, struct chp_link *link,
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

#ifdef CONFIG_VFIO_CCW_DEBUG_HOOKS
/*
 * Debug hooks (vfio_ccw_hooks.h): what css does for a channel-path event
 * from a CRW (CHP_OFFLINE, CHP_ONLINE), on the subchannel's first path.
 * QEMU never reports one for its virtual channel paths.
 */
int vfio_ccw_inject_chp_event(struct vfio_ccw_private *private, int event)
{
	struct subchannel *sch = private->sch;
	struct chp_link link = {};
	int ret = -ENODEV;

	spin_lock_irq(&sch->lock);
	if (sch->ssd_info.path_mask & 0x80) {
		link.chpid = sch->ssd_info.chpid[0];
		ret = vfio_ccw_chp_event(sch, &link, event);
	}
	spin_unlock_irq(&sch->lock);
	return ret;
}
#endif

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

/* debugfs: <debugfs>/vfio_ccw/<mdev uuid>/{stats,own} */

static const char * const vccw_stat_names[VCCW_NR_STATS] = {
	[VCCW_STAT_STARTS] = "starts",
	[VCCW_STAT_REFUSED_EAGAIN] = "refused_eagain",
	[VCCW_STAT_REFUSED_EBUSY] = "refused_ebusy",
	[VCCW_STAT_REFUSED_OTHER] = "refused_other",
	[VCCW_STAT_HALTS] = "halts",
	[VCCW_STAT_CLEARS] = "clears",
	[VCCW_STAT_IRB_SOLICITED] = "irb_solicited",
	[VCCW_STAT_IRB_UNSOLICITED] = "irb_unsolicited",
	[VCCW_STAT_IRB_FINAL] = "irb_final",
	[VCCW_STAT_IRB_INTERMEDIATE] = "irb_intermediate",
	[VCCW_STAT_IRB_DROPPED] = "irb_dropped",
	[VCCW_STAT_IRB_DELIVERED] = "irb_delivered",
	[VCCW_STAT_CLAIMS_IRQ] = "claims_irq",
	[VCCW_STAT_CLAIMS_RETIRE] = "claims_retire",
	[VCCW_STAT_FREES] = "frees",
};

static int vccw_stats_show(struct seq_file *m, void *unused)
{
	struct vfio_ccw_private *private = m->private;
	int i;

	for (i = 0; i < VCCW_NR_STATS; i++)
		seq_printf(m, "%s %ld\n", vccw_stat_names[i],
			   atomic_long_read(&private->stats[i]));
	seq_printf(m, "pinned_pages %ld\n",
		   atomic_long_read(&private->pinned_now));
	seq_printf(m, "own %d\n", atomic_read(&private->own));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vccw_stats);

void vfio_ccw_debugfs_add(struct vfio_ccw_private *private)
{
	private->debugfs = debugfs_create_dir(dev_name(private->vdev.dev),
					      vfio_ccw_debugfs_root);
	debugfs_create_file("stats", 0444, private->debugfs, private,
			    &vccw_stats_fops);
	vccw_hooks_debugfs(&private->hooks, private->debugfs);
}

void vfio_ccw_debugfs_remove(struct vfio_ccw_private *private)
{
	vccw_hooks_release(&private->hooks);
	debugfs_remove_recursive(private->debugfs);
	private->debugfs = NULL;
}

static void vfio_ccw_debug_exit(void)
{
	debug_unregister(vfio_ccw_debug_msg_id);
	debug_unregister(vfio_ccw_debug_trace_id);
}

static int __init vfio_ccw_debug_init(void)
{
	vfio_ccw_debug_msg_id = debug_register("vfio_ccw_msg", 16, 1,
					       11 * sizeof(long));
	vfio_ccw_debug_trace_id = debug_register("vfio_ccw_trace", 16, 1, 16);
	if (!vfio_ccw_debug_msg_id || !vfio_ccw_debug_trace_id) {
		vfio_ccw_debug_exit();
		return -ENOMEM;
	}
	debug_register_view(vfio_ccw_debug_msg_id, &debug_sprintf_view);
	debug_set_level(vfio_ccw_debug_msg_id, 2);
	debug_register_view(vfio_ccw_debug_trace_id, &debug_hex_ascii_view);
	debug_set_level(vfio_ccw_debug_trace_id, 2);
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
	 * flushes the io work on this same queue. Per-CPU, not unbound: Q
	 * then runs where I queued the IRB (two mdevs at once: about 5%
	 * more programs per second in make bench).
	 */
	vfio_ccw_work_q = alloc_workqueue("vfio-ccw", 0, 0);
	if (!vfio_ccw_work_q) {
		ret = -ENOMEM;
		goto err_debug;
	}
	vfio_ccw_debugfs_root = debugfs_create_dir("vfio_ccw", NULL);
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
	debugfs_remove_recursive(vfio_ccw_debugfs_root);
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
	debugfs_remove_recursive(vfio_ccw_debugfs_root);
	destroy_workqueue(vfio_ccw_work_q);
	vfio_ccw_debug_exit();
}

module_init(vfio_ccw_init);
module_exit(vfio_ccw_exit);

MODULE_DESCRIPTION("VFIO based subchannel (vfio-ccw) with lock-free cp ownership");
MODULE_LICENSE("GPL v2");
