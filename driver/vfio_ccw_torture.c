// SPDX-License-Identifier: GPL-2.0
/*
 * Ownership torture test for vfio-ccw, in the style of locktorture.
 *
 * Kernel threads and a timer play the parties of vfio_ccw_own.h on the
 * driver's real ownership word and its real I -> Q ring (vfio_ccw_irb.h),
 * with a stand-in for the channel and a channel program (cp) that is only
 * a few plain fields:
 *
 *   W  nwriters kthreads: vccw_own_begin(), fill the cp, then either
 *      abort (free it, vccw_own_abort()) or hand it to the channel and
 *      vccw_own_submit() in the same sch->lock section, as the driver's
 *      ssch path does;
 *   I  an hrtimer and a kthread standing in for the channel and the irq
 *      callback (the timer runs in interrupt context like the real one,
 *      the kthread keeps the channel busy between the ticks): it
 *      reads the running cp (as the channel reads CCWs), makes up
 *      intermediate, final (some with a deferred condition code),
 *      unsolicited and clear-function IRBs, classifies them with
 *      vccw_irb_classify(), claims with vccw_own_claim() and queues them
 *      on the ring, under sch->lock;
 *   Q  a work item: takes the ring's entries and, for the one carrying
 *      the claim, frees the cp and vccw_own_release()s;
 *   R  a kthread: under retire_mutex, fences an idle word, or clears the
 *      channel and claims a submitted cp, frees and releases.
 *
 * Checked all the time: one owner at a time (a counter of holders that
 * every begin and fence raises and every abort and release lowers must
 * go 0 -> 1 -> 0), a new cp never finds the previous one still allocated,
 * no cp is freed twice, the channel never runs a freed or a different
 * cp, and SUBMITTED under sch->lock means the channel has a cp. At the
 * end: every cp begun was freed exactly once, nothing is left owned.
 *
 * Parameters: duration (seconds, default 20), nwriters (default 2),
 * irq_period_us (default 200), retire_ms (R's pace, default 3) and
 * break_rule, which breaks one rule on purpose to show that the checks
 * see it: 1 W begins with a read and a store instead of the
 * compare-exchange (with a sleep between the two, for a preemption),
 * 2 I claims with a store whatever the state, 3 R takes a cp by a store
 * without winning the claim, even one I claimed and Q is about to free.
 *
 * The run ends by itself after @duration seconds with one line
 * "vfio_ccw_torture: end: PASS ..." or "... FAIL ..." and its counts
 * (scripts/check-log.py judges it); unloading the module stops it early.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include "vfio_ccw_irb.h"
#include "vfio_ccw_own.h"

static int duration = 20;
module_param(duration, int, 0444);
MODULE_PARM_DESC(duration, "Seconds to run (default 20)");

static int nwriters = 2;
module_param(nwriters, int, 0444);
MODULE_PARM_DESC(nwriters, "Writer (W) threads (default 2)");

static int irq_period_us = 200;
module_param(irq_period_us, int, 0444);
MODULE_PARM_DESC(irq_period_us, "Channel (I) timer period in us (default 200)");

static int retire_ms = 3;
module_param(retire_ms, int, 0444);
MODULE_PARM_DESC(retire_ms, "Longest pause of R between retires in ms (default 3)");

static int break_rule;
module_param(break_rule, int, 0444);
MODULE_PARM_DESC(break_rule,
		 "Break a rule: 1 begin without cmpxchg, 2 I claims by store, 3 R claims by store");

enum {
	VT_BREAK_NONE,
	VT_BREAK_BEGIN,
	VT_BREAK_CLAIM,
	VT_BREAK_RETIRE,
};

#define VT_MAX_WRITERS	8
#define VT_CP_WORDS	8
#define VT_MAX_ERRORS	10

/* The channel program: plain fields, touched by its owner only. */
struct vt_cp {
	bool live;
	u64 id;
	u64 words[VT_CP_WORDS];
};

struct vt_sch {
	spinlock_t lock;	/* the channel, the ring, SUBMITTED */
};

enum vt_count {
	VT_BEGINS, VT_REFUSED, VT_ABORTS, VT_SUBMITS, VT_FREES,
	VT_CLAIMS_IRQ, VT_CLAIMS_RETIRE, VT_FENCES, VT_IRBS, VT_INTERMEDIATE,
	VT_UNSOLICITED, VT_DEFERRED, VT_CLEARS, VT_DROPPED, VT_ERRORS,
	VT_NR_COUNTS,
};

static const char * const vt_count_names[VT_NR_COUNTS] = {
	"begins", "refused", "aborts", "submits", "frees", "claims_irq",
	"claims_retire", "fences", "irbs", "intermediate", "unsolicited",
	"deferred_cc", "clears", "dropped", "errors",
};

static struct vt_state {
	atomic_t own;
	struct vt_sch sch_obj;
	struct mutex retire_mutex;	/* one R at a time */
	struct vt_cp cp;
	atomic_t holders;

	/* The channel, under sch->lock. */
	u64 chan_id;		/* cp the channel runs, 0: none */
	unsigned int chan_steps;	/* intermediate IRBs still to come */
	bool chan_clear_irb;	/* a clear function's final IRB is due */
	struct vccw_ring ring;

	struct hrtimer timer;
	struct work_struct work;
	struct workqueue_struct *wq;
	struct task_struct *writers[VT_MAX_WRITERS];
	struct task_struct *retirer;
	struct task_struct *channel;
	struct delayed_work end_work;
	atomic64_t next_id;
	atomic_long_t counts[VT_NR_COUNTS];
	bool ended;		/* under vt_end_mutex */
} vt;

static DEFINE_MUTEX(vt_end_mutex);

static void vt_count(enum vt_count c)
{
	atomic_long_inc(&vt.counts[c]);
}

static long vt_read(enum vt_count c)
{
	return atomic_long_read(&vt.counts[c]);
}

#define vt_error(fmt, ...)						\
	do {								\
		if (atomic_long_inc_return(&vt.counts[VT_ERRORS]) <=	\
		    VT_MAX_ERRORS)					\
			pr_err("ERROR: " fmt "\n", ##__VA_ARGS__);	\
	} while (0)

/* A party takes the empty area (W's begin, R's fence): it must be alone. */
static void vt_take(const char *who)
{
	int n = atomic_inc_return(&vt.holders);

	if (n != 1)
		vt_error("%s took the cp area with %d owners", who, n);
}

/* The owner gives the area back (abort, release). */
static void vt_give(const char *who)
{
	int n = atomic_dec_return(&vt.holders);

	if (n != 0)
		vt_error("%s gave the cp area back, %d owners left", who, n);
}

static void vt_cp_fill(u64 id)
{
	unsigned int i;

	if (vt.cp.live)
		vt_error("cp %llu begun while cp %llu is not freed", id,
			 vt.cp.id);
	vt.cp.live = true;
	vt.cp.id = id;
	for (i = 0; i < VT_CP_WORDS; i++)
		vt.cp.words[i] = id * VT_CP_WORDS + i;
}

/* The channel reads the cp it runs: it must be that cp, allocated. */
static void vt_cp_check(u64 id)
{
	unsigned int i;

	if (!vt.cp.live || vt.cp.id != id) {
		vt_error("channel runs cp %llu, the area holds %llu (%s)", id,
			 vt.cp.id, vt.cp.live ? "live" : "freed");
		return;
	}
	for (i = 0; i < VT_CP_WORDS; i++)
		if (vt.cp.words[i] != id * VT_CP_WORDS + i)
			vt_error("cp %llu word %u is %llu", id, i,
				 vt.cp.words[i]);
}

static void vt_cp_free(const char *who)
{
	if (!vt.cp.live) {
		vt_error("%s frees cp %llu, already freed", who, vt.cp.id);
		return;
	}
	vt.cp.live = false;
	memset(vt.cp.words, 0, sizeof(vt.cp.words));
	vt_count(VT_FREES);
}

/* W: one begin and what follows it. */
static void vt_write_one(struct rnd_state *rnd)
{
	struct vt_sch *sch = &vt.sch_obj;
	bool pending;
	int ret;
	u64 id;

	if (break_rule == VT_BREAK_BEGIN) {
		/*
		 * Broken: a check and a store, two W can both get through.
		 * The sleep stands in for a preemption between the two.
		 */
		ret = -EBUSY;
		if (vccw_own_read(&vt.own) == VCCW_OWN_IDLE) {
			usleep_range(50, 100);
			atomic_set(&vt.own, VCCW_OWN_TRANSLATING);
			ret = 0;
		}
	} else {
		ret = vccw_own_begin(&vt.own);
	}
	if (ret) {
		vt_count(VT_REFUSED);
		/* As userspace would retry: once the word is idle again. */
		wait_var_event_timeout(&vt.own,
				       vccw_own_read(&vt.own) == VCCW_OWN_IDLE ||
				       kthread_should_stop(), HZ);
		return;
	}
	vt_take("W");
	id = atomic64_inc_return(&vt.next_id);
	vt_cp_fill(id);
	vt_count(VT_BEGINS);

	if (!(prandom_u32_state(rnd) % 8)) {
		/* Translation failed, or ssch did not start it. */
		vt_cp_free("W");
		vt_count(VT_ABORTS);
		vt_give("W");
		vccw_own_abort(&vt.own);
		return;
	}
	spin_lock_irq(&sch->lock);
	/* Status pending from R's clear: ssch would give cc 1. */
	pending = vt.chan_clear_irb;
	if (!pending) {
		vt.chan_id = id;
		vt.chan_steps = prandom_u32_state(rnd) % 4;
		vccw_own_submit(&vt.own, &sch->lock);
	}
	spin_unlock_irq(&sch->lock);
	if (!pending) {
		vt_count(VT_SUBMITS);
		return;
	}
	vt_cp_free("W");
	vt_count(VT_ABORTS);
	vt_give("W");
	vccw_own_abort(&vt.own);
	/* As userspace would retry: once the status is no longer pending. */
	wait_var_event_timeout(&vt.chan_clear_irb,
			       !READ_ONCE(vt.chan_clear_irb) ||
			       kthread_should_stop(), HZ);
}

static int vt_writer(void *arg)
{
	struct rnd_state rnd;

	prandom_seed_state(&rnd, get_random_u64());
	while (!kthread_should_stop()) {
		vt_write_one(&rnd);
		cond_resched();
	}
	return 0;
}

/* I, with sch->lock held: what the irq callback does with @irb. */
static void vt_irq_take(struct irb *irb)
{
	struct vt_sch *sch = &vt.sch_obj;
	unsigned int cls = vccw_irb_classify(irb);
	struct vccw_irb_entry *e;
	bool claim, dropped;

	lockdep_assert_held(&sch->lock);
	if (break_rule == VT_BREAK_CLAIM && vccw_irb_ends_cp(cls)) {
		/* Broken: claims by a store, whatever the word says. */
		claim = vccw_own_read(&vt.own) != VCCW_OWN_IDLE;
		if (claim)
			atomic_set(&vt.own, VCCW_OWN_CLAIMED);
	} else {
		claim = vccw_irb_ends_cp(cls) &&
			vccw_own_claim(&vt.own, &sch->lock);
	}
	vt_count(VT_IRBS);
	if (!(cls & VCCW_IRB_SOLICITED))
		vt_count(VT_UNSOLICITED);
	if (!(cls & VCCW_IRB_FINAL))
		vt_count(VT_INTERMEDIATE);
	if (claim)
		vt_count(VT_CLAIMS_IRQ);

	e = vccw_ring_slot(&vt.ring, claim, &dropped);
	if (dropped)
		vt_count(VT_DROPPED);
	if (!e)
		return;
	memcpy(&e->irb, irb, sizeof(*irb));
	e->claim = claim;
	e->for_cp = claim;
	queue_work(vt.wq, &vt.work);
}

static ktime_t vt_period(void)
{
	return ns_to_ktime((u64)irq_period_us * NSEC_PER_USEC);
}

/* I, with sch->lock held: the channel makes its next IRB, if any. */
static void vt_channel_step(void)
{
	struct vt_sch *sch = &vt.sch_obj;
	union scsw *scsw;
	struct irb irb;
	u32 r = get_random_u32();

	lockdep_assert_held(&sch->lock);
	memset(&irb, 0, sizeof(irb));
	scsw = &irb.scsw;
	if (vt.chan_id && vccw_own_read(&vt.own) != VCCW_OWN_SUBMITTED &&
	    break_rule == VT_BREAK_NONE)
		vt_error("the channel runs cp %llu, the word is %d", vt.chan_id,
			 vccw_own_read(&vt.own));
	if (vt.chan_clear_irb) {
		/* The clear function R started has ended. */
		WRITE_ONCE(vt.chan_clear_irb, false);
		wake_up_var(&vt.chan_clear_irb);
		scsw->cmd.fctl = SCSW_FCTL_CLEAR_FUNC;
		scsw->cmd.stctl = SCSW_STCTL_STATUS_PEND;
		vt_count(VT_CLEARS);
	} else if (vt.chan_id && !(r % 8)) {
		/* Attention while the program runs: unsolicited. */
		scsw->cmd.stctl = SCSW_STCTL_ALERT_STATUS |
				  SCSW_STCTL_STATUS_PEND;
		scsw->cmd.dstat = DEV_STAT_ATTENTION;
	} else if (vt.chan_id) {
		vt_cp_check(vt.chan_id);
		scsw->cmd.fctl = SCSW_FCTL_START_FUNC;
		if (vt.chan_steps) {
			vt.chan_steps--;
			scsw->cmd.actl = SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT;
			scsw->cmd.stctl = SCSW_STCTL_INTER_STATUS |
					  SCSW_STCTL_STATUS_PEND;
			scsw->cmd.cstat = SCHN_STAT_PCI;
		} else if (!((r >> 4) % 16)) {
			/* The start did not happen: deferred cc 1..3. */
			scsw->cmd.cc = 1 + (r >> 8) % 3;
			scsw->cmd.actl = SCSW_ACTL_START_PEND;
			scsw->cmd.stctl = SCSW_STCTL_ALERT_STATUS |
					  SCSW_STCTL_STATUS_PEND;
			vt_count(VT_DEFERRED);
			vt.chan_id = 0;
		} else {
			scsw->cmd.stctl = SCSW_STCTL_PRIM_STATUS |
					  SCSW_STCTL_SEC_STATUS |
					  SCSW_STCTL_STATUS_PEND;
			scsw->cmd.dstat = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
			vt.chan_id = 0;
		}
	} else if (!(r % 32)) {
		/* Attention from the idle device. */
		scsw->cmd.stctl = SCSW_STCTL_ALERT_STATUS |
				  SCSW_STCTL_STATUS_PEND;
		scsw->cmd.dstat = DEV_STAT_ATTENTION;
	} else {
		return;
	}
	vt_irq_take(&irb);
}

/* I in interrupt context, as the real irq callback runs. */
static enum hrtimer_restart vt_channel_timer(struct hrtimer *t)
{
	struct vt_sch *sch = &vt.sch_obj;

	spin_lock(&sch->lock);
	vt_channel_step();
	spin_unlock(&sch->lock);
	hrtimer_forward_now(t, vt_period());
	return HRTIMER_RESTART;
}

/*
 * I from a kthread as well: the timer fires at most once a jiffy without
 * high-resolution timers, this one keeps the channel busy in between.
 */
static int vt_channel_thread(void *arg)
{
	struct vt_sch *sch = &vt.sch_obj;

	while (!kthread_should_stop()) {
		spin_lock_irq(&sch->lock);
		vt_channel_step();
		spin_unlock_irq(&sch->lock);
		cond_resched();
	}
	return 0;
}

/* Q: process the ring; free for the entry that carries the claim. */
static void vt_work(struct work_struct *work)
{
	struct vt_sch *sch = &vt.sch_obj;
	struct vccw_irb_entry e;

	for (;;) {
		spin_lock_irq(&sch->lock);
		if (vccw_ring_empty(&vt.ring)) {
			spin_unlock_irq(&sch->lock);
			break;
		}
		vccw_ring_take(&vt.ring, &e);
		spin_unlock_irq(&sch->lock);
		if (e.claim) {
			vt_cp_free("Q");
			vt_give("Q");
			vccw_own_release(&vt.own);
		}
	}
}

/* R, holding retire_mutex: retire whatever the area holds. */
static void vt_retire_locked(void)
{
	struct vt_sch *sch = &vt.sch_obj;
	struct vt_state *t = &vt;
	bool claimed;
	int state;

	lockdep_assert_held(&t->retire_mutex);
	for (;;) {
		state = vccw_own_read(&vt.own);
		switch (state) {
		case VCCW_OWN_IDLE:
			if (!vccw_own_fence(&t->own, &t->retire_mutex))
				continue;
			vt_take("R");
			vt_count(VT_FENCES);
			if (vt.cp.live)
				vt_error("fenced an idle area holding cp %llu",
					 vt.cp.id);
			vt_give("R");
			vccw_own_release(&vt.own);
			return;
		case VCCW_OWN_CLAIMED:
			if (break_rule != VT_BREAK_RETIRE)
				goto wait;
			fallthrough;
		case VCCW_OWN_SUBMITTED:
			spin_lock_irq(&sch->lock);
			if (break_rule == VT_BREAK_RETIRE) {
				/* Broken: takes what it saw, I's claim or not. */
				atomic_set(&vt.own, VCCW_OWN_CLAIMED);
				claimed = true;
			} else {
				claimed = vccw_own_claim(&vt.own, &sch->lock);
			}
			if (claimed) {
				if (!vt.chan_id && break_rule == VT_BREAK_NONE)
					vt_error("claimed cp %llu, the channel has none",
						 vt.cp.id);
				/* Quiesce: clear the subchannel. */
				vt.chan_id = 0;
				WRITE_ONCE(vt.chan_clear_irb, true);
			}
			spin_unlock_irq(&sch->lock);
			if (!claimed)
				continue;	/* I's claim won */
			vt_count(VT_CLAIMS_RETIRE);
			vt_cp_free("R");
			vt_give("R");
			vccw_own_release(&vt.own);
			return;
		default:
wait:
			/* W translating, or Q about to free: it moves on. */
			if (!wait_var_event_timeout(&vt.own,
						    vccw_own_read(&vt.own) != state,
						    10 * HZ)) {
				vt_error("R: the word stays %d for 10 s", state);
				return;
			}
		}
	}
}

static int vt_retirer(void *arg)
{
	struct rnd_state rnd;

	prandom_seed_state(&rnd, get_random_u64());
	while (!kthread_should_stop()) {
		unsigned long us = 100 + prandom_u32_state(&rnd) %
					 (retire_ms * 1000U + 1);

		/* Pace only: how often a reset or an unmap comes along. */
		usleep_range(us, us + 100);
		mutex_lock(&vt.retire_mutex);
		vt_retire_locked();
		mutex_unlock(&vt.retire_mutex);
	}
	return 0;
}

static void vt_stop_threads(void)
{
	int i;

	for (i = 0; i < nwriters; i++) {
		if (!IS_ERR_OR_NULL(vt.writers[i]))
			kthread_stop(vt.writers[i]);
		vt.writers[i] = NULL;
	}
	if (!IS_ERR_OR_NULL(vt.retirer))
		kthread_stop(vt.retirer);
	vt.retirer = NULL;
}

/* Stop, drain, check the totals, print the verdict; once. */
static void vt_end(const char *why)
{
	long begins, frees;
	int state;
	int i;

	mutex_lock(&vt_end_mutex);
	if (vt.ended) {
		mutex_unlock(&vt_end_mutex);
		return;
	}
	vt.ended = true;
	vt_stop_threads();
	/* The channel ends the last cp, Q frees it: bounded. */
	if (!wait_var_event_timeout(&vt.own,
				    vccw_own_read(&vt.own) == VCCW_OWN_IDLE,
				    30 * HZ))
		vt_error("the word stays %d after the run",
			 vccw_own_read(&vt.own));
	if (!IS_ERR_OR_NULL(vt.channel))
		kthread_stop(vt.channel);
	vt.channel = NULL;
	hrtimer_cancel(&vt.timer);
	flush_workqueue(vt.wq);

	state = vccw_own_read(&vt.own);
	begins = vt_read(VT_BEGINS);
	frees = vt_read(VT_FREES);
	if (state != VCCW_OWN_IDLE)
		vt_error("ends with the word %d", state);
	if (vt.cp.live)
		vt_error("ends with cp %llu allocated", vt.cp.id);
	if (atomic_read(&vt.holders))
		vt_error("ends with %d owners", atomic_read(&vt.holders));
	if (begins != frees)
		vt_error("%ld cps begun, %ld frees", begins, frees);
	if (vt_read(VT_SUBMITS) + vt_read(VT_ABORTS) != begins)
		vt_error("%ld submitted + %ld aborted != %ld begun",
			 vt_read(VT_SUBMITS), vt_read(VT_ABORTS), begins);
	if (!vt_read(VT_SUBMITS) || !vt_read(VT_CLAIMS_IRQ) ||
	    !vt_read(VT_CLAIMS_RETIRE) || !vt_read(VT_FENCES))
		vt_error("a party never got its turn (too short a run?)");

	for (i = 0; i < VT_NR_COUNTS; i++)
		pr_info("%s %ld\n", vt_count_names[i], vt_read(i));
	pr_info("end: %s: %s, break_rule=%d, %ld cps begun, %ld submitted, %ld freed, %ld errors\n",
		vt_read(VT_ERRORS) ? "FAIL" : "PASS", why, break_rule, begins,
		vt_read(VT_SUBMITS), frees, vt_read(VT_ERRORS));
	mutex_unlock(&vt_end_mutex);
}

static void vt_end_work(struct work_struct *work)
{
	vt_end("time is up");
}

static int __init vt_init(void)
{
	int i;

	if (nwriters < 1 || nwriters > VT_MAX_WRITERS || duration < 1 ||
	    irq_period_us < 10 || retire_ms < 0 || break_rule < 0 ||
	    break_rule > VT_BREAK_RETIRE)
		return -EINVAL;
	atomic_set(&vt.own, VCCW_OWN_IDLE);
	spin_lock_init(&vt.sch_obj.lock);
	mutex_init(&vt.retire_mutex);
	INIT_WORK(&vt.work, vt_work);
	INIT_DELAYED_WORK(&vt.end_work, vt_end_work);
	vt.wq = alloc_workqueue("vfio_ccw_torture", 0, 0);
	if (!vt.wq)
		return -ENOMEM;
	pr_info("start: %d s, %d writers, I every %d us, R within %d ms, break_rule=%d\n",
		duration, nwriters, irq_period_us, retire_ms, break_rule);

	hrtimer_init(&vt.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	vt.timer.function = vt_channel_timer;
	hrtimer_start(&vt.timer, vt_period(), HRTIMER_MODE_REL);
	for (i = 0; i < nwriters; i++)
		vt.writers[i] = kthread_run(vt_writer, NULL,
					    "vccw_torture_w%d", i);
	vt.retirer = kthread_run(vt_retirer, NULL, "vccw_torture_r");
	vt.channel = kthread_run(vt_channel_thread, NULL, "vccw_torture_i");
	for (i = 0; i < nwriters; i++)
		if (IS_ERR(vt.writers[i]))
			goto fail;
	if (IS_ERR(vt.retirer) || IS_ERR(vt.channel))
		goto fail;
	schedule_delayed_work(&vt.end_work, duration * HZ);
	return 0;

fail:
	vt_end("could not start its threads");
	destroy_workqueue(vt.wq);
	return -ENOMEM;
}

static void __exit vt_exit(void)
{
	cancel_delayed_work_sync(&vt.end_work);
	vt_end("unloaded early");
	destroy_workqueue(vt.wq);
	mutex_destroy(&vt.retire_mutex);
}

module_init(vt_init);
module_exit(vt_exit);

MODULE_DESCRIPTION("vfio-ccw ownership torture test");
MODULE_LICENSE("GPL");
