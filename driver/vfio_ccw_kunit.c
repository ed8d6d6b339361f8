// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of vfio-ccw, with no hardware and no VFIO:
 *
 *  vfio_ccw_own  every transition of vfio_ccw_own.h from every state;
 *  vfio_ccw_irb  IRB classification on crafted IRBs, whether each claims
 *                the cp, and the I -> Q ring (vfio_ccw_irb.h);
 *  vfio_ccw_cp   channel-program translation (vfio_ccw_cp.c) on crafted
 *                chains in a double of guest memory that stands in for
 *                vfio_dma_rw() and vfio_pin_pages() (struct vccw_cp_ops)
 *                and checks that every pin is unpinned exactly once.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/idals.h>

#include "css.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_irb.h"
#include "vfio_ccw_own.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* ---- vfio_ccw_own ---------------------------------------------------- */

/* The locks the transitions are called under, as in the driver. */
struct vccw_test_sch {
	spinlock_t lock;	/* stands in for sch->lock */
};

struct vccw_own_fix {
	atomic_t own;
	struct mutex retire_mutex;	/* as the driver's */
};

enum vccw_test_op {
	OP_BEGIN, OP_ABORT, OP_SUBMIT, OP_CLAIM, OP_FENCE, OP_RELEASE,
};

/*
 * Take transition @op from state @from; expect the return @ret (0 for
 * the stores, 1/0 for true/false) and the state @to afterwards.
 */
static void vccw_own_check(struct kunit *test, enum vccw_test_op op,
			   int from, int ret, int to)
{
	struct vccw_test_sch sch_obj;
	struct vccw_test_sch *sch = &sch_obj;
	struct vccw_own_fix *f;
	int got = 0;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	spin_lock_init(&sch->lock);
	mutex_init(&f->retire_mutex);
	atomic_set(&f->own, from);

	switch (op) {
	case OP_BEGIN:
		got = vccw_own_begin(&f->own);
		break;
	case OP_ABORT:
		vccw_own_abort(&f->own);
		break;
	case OP_SUBMIT:
		spin_lock_irq(&sch->lock);
		vccw_own_submit(&f->own, &sch->lock);
		spin_unlock_irq(&sch->lock);
		break;
	case OP_CLAIM:
		spin_lock_irq(&sch->lock);
		got = vccw_own_claim(&f->own, &sch->lock);
		spin_unlock_irq(&sch->lock);
		break;
	case OP_FENCE:
		mutex_lock(&f->retire_mutex);
		got = vccw_own_fence(&f->own, &f->retire_mutex);
		mutex_unlock(&f->retire_mutex);
		break;
	case OP_RELEASE:
		vccw_own_release(&f->own);
		break;
	}
	KUNIT_EXPECT_EQ(test, got, ret);
	KUNIT_EXPECT_EQ(test, vccw_own_read(&f->own), to);
	mutex_destroy(&f->retire_mutex);
}

#define I VCCW_OWN_IDLE
#define T VCCW_OWN_TRANSLATING
#define S VCCW_OWN_SUBMITTED
#define C VCCW_OWN_CLAIMED

/* One case per transition and state: name, op, from, return, to. */
#define VCCW_OWN_CASE(name, op, from, ret, to)				\
static void own_##name(struct kunit *test)				\
{									\
	vccw_own_check(test, op, from, ret, to);			\
}

/* begin: only IDLE is taken; -EAGAIN while translating, else -EBUSY. */
VCCW_OWN_CASE(begin_idle, OP_BEGIN, I, 0, T)
VCCW_OWN_CASE(begin_translating, OP_BEGIN, T, -EAGAIN, T)
VCCW_OWN_CASE(begin_submitted, OP_BEGIN, S, -EBUSY, S)
VCCW_OWN_CASE(begin_claimed, OP_BEGIN, C, -EBUSY, C)
/* claim: only SUBMITTED is taken; everything else refused, unchanged. */
VCCW_OWN_CASE(claim_idle, OP_CLAIM, I, 0, I)
VCCW_OWN_CASE(claim_translating, OP_CLAIM, T, 0, T)
VCCW_OWN_CASE(claim_submitted, OP_CLAIM, S, 1, C)
VCCW_OWN_CASE(claim_claimed, OP_CLAIM, C, 0, C)
/* fence: only IDLE is taken; everything else refused, unchanged. */
VCCW_OWN_CASE(fence_idle, OP_FENCE, I, 1, C)
VCCW_OWN_CASE(fence_translating, OP_FENCE, T, 0, T)
VCCW_OWN_CASE(fence_submitted, OP_FENCE, S, 0, S)
VCCW_OWN_CASE(fence_claimed, OP_FENCE, C, 0, C)
/*
 * abort, submit and release are stores: their precondition (the caller
 * owns the word in T, T and C) is the protocol's, not checked. From any
 * state they store their target; these cases pin that down, so that a
 * change into a checked transition is a deliberate one.
 */
VCCW_OWN_CASE(abort_idle, OP_ABORT, I, 0, I)
VCCW_OWN_CASE(abort_translating, OP_ABORT, T, 0, I)
VCCW_OWN_CASE(abort_submitted, OP_ABORT, S, 0, I)
VCCW_OWN_CASE(abort_claimed, OP_ABORT, C, 0, I)
VCCW_OWN_CASE(submit_idle, OP_SUBMIT, I, 0, S)
VCCW_OWN_CASE(submit_translating, OP_SUBMIT, T, 0, S)
VCCW_OWN_CASE(submit_submitted, OP_SUBMIT, S, 0, S)
VCCW_OWN_CASE(submit_claimed, OP_SUBMIT, C, 0, S)
VCCW_OWN_CASE(release_idle, OP_RELEASE, I, 0, I)
VCCW_OWN_CASE(release_translating, OP_RELEASE, T, 0, I)
VCCW_OWN_CASE(release_submitted, OP_RELEASE, S, 0, I)
VCCW_OWN_CASE(release_claimed, OP_RELEASE, C, 0, I)

/* A full cycle: W begins and submits, I claims, Q releases, R fences. */
static void own_cycle(struct kunit *test)
{
	vccw_own_check(test, OP_BEGIN, I, 0, T);
	vccw_own_check(test, OP_SUBMIT, T, 0, S);
	vccw_own_check(test, OP_CLAIM, S, 1, C);
	vccw_own_check(test, OP_CLAIM, C, 0, C);	/* R loses to I */
	vccw_own_check(test, OP_RELEASE, C, 0, I);
	vccw_own_check(test, OP_FENCE, I, 1, C);
	vccw_own_check(test, OP_BEGIN, C, -EBUSY, C);	/* fenced */
}

#undef I
#undef T
#undef S
#undef C

struct vccw_waiter {
	atomic_t *own;
	struct completion left;
};

static int vccw_wait_fn(void *data)
{
	struct vccw_waiter *w = data;

	vccw_own_wait_leave(w->own, VCCW_OWN_TRANSLATING);
	complete(&w->left);
	return 0;
}

/* R waiting for W to leave TRANSLATING is woken by vccw_own_abort(). */
static void own_wait_leave_woken(struct kunit *test)
{
	struct vccw_waiter *w;
	struct task_struct *t;
	atomic_t *own;

	own = kunit_kzalloc(test, sizeof(*own), GFP_KERNEL);
	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, own);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_EQ(test, vccw_own_begin(own), 0);
	w->own = own;
	init_completion(&w->left);
	t = kthread_run(vccw_wait_fn, w, "vccw_kunit_wait");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* Still TRANSLATING: the waiter must not get through. */
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&w->left, HZ / 10),
			0UL);
	vccw_own_abort(own);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&w->left, 30 * HZ),
			0UL);
	KUNIT_EXPECT_EQ(test, vccw_own_read(own), VCCW_OWN_IDLE);
}

static struct kunit_case vccw_own_cases[] = {
	KUNIT_CASE(own_begin_idle),
	KUNIT_CASE(own_begin_translating),
	KUNIT_CASE(own_begin_submitted),
	KUNIT_CASE(own_begin_claimed),
	KUNIT_CASE(own_claim_idle),
	KUNIT_CASE(own_claim_translating),
	KUNIT_CASE(own_claim_submitted),
	KUNIT_CASE(own_claim_claimed),
	KUNIT_CASE(own_fence_idle),
	KUNIT_CASE(own_fence_translating),
	KUNIT_CASE(own_fence_submitted),
	KUNIT_CASE(own_fence_claimed),
	KUNIT_CASE(own_abort_idle),
	KUNIT_CASE(own_abort_translating),
	KUNIT_CASE(own_abort_submitted),
	KUNIT_CASE(own_abort_claimed),
	KUNIT_CASE(own_submit_idle),
	KUNIT_CASE(own_submit_translating),
	KUNIT_CASE(own_submit_submitted),
	KUNIT_CASE(own_submit_claimed),
	KUNIT_CASE(own_release_idle),
	KUNIT_CASE(own_release_translating),
	KUNIT_CASE(own_release_submitted),
	KUNIT_CASE(own_release_claimed),
	KUNIT_CASE(own_cycle),
	KUNIT_CASE(own_wait_leave_woken),
	{}
};

static struct kunit_suite vccw_own_suite = {
	.name = "vfio_ccw_own",
	.test_cases = vccw_own_cases,
};

/* ---- vfio_ccw_irb ---------------------------------------------------- */

/* What I does with an IRB while the word is @state: does it claim? */
static bool vccw_irb_claims(struct kunit *test, struct irb *irb, int state)
{
	struct vccw_test_sch sch_obj;
	struct vccw_test_sch *sch = &sch_obj;
	atomic_t own;
	bool claim;

	spin_lock_init(&sch->lock);
	atomic_set(&own, state);
	spin_lock_irq(&sch->lock);
	claim = vccw_irb_ends_cp(vccw_irb_classify(irb)) &&
		vccw_own_claim(&own, &sch->lock);
	spin_unlock_irq(&sch->lock);
	/* A refused claim leaves the word alone. */
	KUNIT_EXPECT_EQ(test, atomic_read(&own),
			claim ? VCCW_OWN_CLAIMED : state);
	return claim;
}

/*
 * Classify @irb, expect class @cls; expect it to claim a submitted cp
 * exactly when @claims, and never to claim in any other state.
 */
static void vccw_irb_check(struct kunit *test, struct irb *irb,
			   unsigned int cls, bool claims)
{
	KUNIT_EXPECT_EQ(test, vccw_irb_classify(irb), cls);
	KUNIT_EXPECT_EQ(test, vccw_irb_claims(test, irb, VCCW_OWN_SUBMITTED),
			claims);
	KUNIT_EXPECT_FALSE(test, vccw_irb_claims(test, irb, VCCW_OWN_IDLE));
	KUNIT_EXPECT_FALSE(test,
			   vccw_irb_claims(test, irb, VCCW_OWN_TRANSLATING));
	KUNIT_EXPECT_FALSE(test, vccw_irb_claims(test, irb, VCCW_OWN_CLAIMED));
}

#define SOL	VCCW_IRB_SOLICITED
#define FIN	VCCW_IRB_FINAL

static void vccw_irb_set(struct irb *irb, u8 fctl, u8 actl, u8 stctl,
			 u8 dstat, u8 cstat, u8 cc)
{
	memset(irb, 0, sizeof(*irb));
	irb->scsw.cmd.fctl = fctl;
	irb->scsw.cmd.actl = actl;
	irb->scsw.cmd.stctl = stctl;
	irb->scsw.cmd.dstat = dstat;
	irb->scsw.cmd.cstat = cstat;
	irb->scsw.cmd.cc = cc;
}

/* START ended: channel end and device end, primary and secondary. */
static void irb_start_final(struct kunit *test)
{
	struct irb irb;

	vccw_irb_set(&irb, SCSW_FCTL_START_FUNC, 0,
		     SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_SEC_STATUS |
		     SCSW_STCTL_STATUS_PEND,
		     DEV_STAT_CHN_END | DEV_STAT_DEV_END, 0, 0);
	vccw_irb_check(test, &irb, SOL | FIN, true);
}

/* PCI while the program runs: intermediate, the cp stays submitted. */
static void irb_start_intermediate_pci(struct kunit *test)
{
	struct irb irb;

	vccw_irb_set(&irb, SCSW_FCTL_START_FUNC,
		     SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT,
		     SCSW_STCTL_INTER_STATUS | SCSW_STCTL_STATUS_PEND, 0,
		     SCHN_STAT_PCI, 0);
	vccw_irb_check(test, &irb, SOL, false);
}

/* Channel end without device end: the device is still active. */
static void irb_start_channel_end_only(struct kunit *test)
{
	struct irb irb;

	vccw_irb_set(&irb, SCSW_FCTL_START_FUNC, SCSW_ACTL_DEVACT,
		     SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_STATUS_PEND,
		     DEV_STAT_CHN_END, 0, 0);
	vccw_irb_check(test, &irb, SOL, false);
}

/* Attention from an idle device: unsolicited, never claims. */
static void irb_unsolicited_attention(struct kunit *test)
{
	struct irb irb;

	vccw_irb_set(&irb, 0, 0,
		     SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_STATUS_PEND,
		     DEV_STAT_ATTENTION, 0, 0);
	vccw_irb_check(test, &irb, FIN, false);
}

/* Alert status with primary status (unit check ends the program). */
static void irb_alert_with_primary(struct kunit *test)
{
	struct irb irb;

	vccw_irb_set(&irb, SCSW_FCTL_START_FUNC, 0,
		     SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_PRIM_STATUS |
		     SCSW_STCTL_SEC_STATUS | SCSW_STCTL_STATUS_PEND,
		     DEV_STAT_CHN_END | DEV_STAT_DEV_END | DEV_STAT_UNIT_CHECK,
		     0, 0);
	vccw_irb_check(test, &irb, SOL | FIN, true);
}

/*
 * A deferred condition code: the start function did not (fully) take
 * place, whatever the activity bits say; solicited and final.
 */
static void vccw_irb_deferred(struct kunit *test, u8 cc)
{
	struct irb irb;

	vccw_irb_set(&irb, SCSW_FCTL_START_FUNC,
		     SCSW_ACTL_SCHACT | SCSW_ACTL_START_PEND,
		     SCSW_STCTL_ALERT_STATUS | SCSW_STCTL_STATUS_PEND, 0, 0,
		     cc);
	vccw_irb_check(test, &irb, SOL | FIN, true);
}

static void irb_deferred_cc1(struct kunit *test)
{
	vccw_irb_deferred(test, 1);
}

static void irb_deferred_cc2(struct kunit *test)
{
	vccw_irb_deferred(test, 2);
}

static void irb_deferred_cc3(struct kunit *test)
{
	vccw_irb_deferred(test, 3);
}

/* HSCH completed: the halt function ends the program. */
static void irb_halt_final(struct kunit *test)
{
	struct irb irb;

	vccw_irb_set(&irb, SCSW_FCTL_START_FUNC | SCSW_FCTL_HALT_FUNC, 0,
		     SCSW_STCTL_PRIM_STATUS | SCSW_STCTL_STATUS_PEND,
		     DEV_STAT_CHN_END | DEV_STAT_DEV_END, 0, 0);
	vccw_irb_check(test, &irb, SOL | FIN, true);
}

/* Halt pending, the start function still active: not final yet. */
static void irb_halt_pending_active(struct kunit *test)
{
	struct irb irb;

	vccw_irb_set(&irb, SCSW_FCTL_START_FUNC | SCSW_FCTL_HALT_FUNC,
		     SCSW_ACTL_HALT_PEND | SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT,
		     SCSW_STCTL_INTER_STATUS | SCSW_STCTL_STATUS_PEND, 0,
		     SCHN_STAT_PCI, 0);
	vccw_irb_check(test, &irb, SOL, false);
}

/* CSCH completed: status pending alone, the clear function ended. */
static void irb_clear_final(struct kunit *test)
{
	struct irb irb;

	vccw_irb_set(&irb, SCSW_FCTL_CLEAR_FUNC, 0, SCSW_STCTL_STATUS_PEND,
		     0, 0, 0);
	vccw_irb_check(test, &irb, SOL | FIN, true);
}

/* A clear function still pending with the subchannel active. */
static void irb_clear_pending_active(struct kunit *test)
{
	struct irb irb;

	vccw_irb_set(&irb, SCSW_FCTL_CLEAR_FUNC,
		     SCSW_ACTL_CLEAR_PEND | SCSW_ACTL_SCHACT,
		     SCSW_STCTL_INTER_STATUS | SCSW_STCTL_STATUS_PEND, 0, 0,
		     0);
	vccw_irb_check(test, &irb, SOL, false);
}

/* vccw_irb_ends_cp() over the four classes. */
static void irb_ends_cp_table(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, vccw_irb_ends_cp(0));
	KUNIT_EXPECT_FALSE(test, vccw_irb_ends_cp(SOL));
	KUNIT_EXPECT_FALSE(test, vccw_irb_ends_cp(FIN));
	KUNIT_EXPECT_TRUE(test, vccw_irb_ends_cp(SOL | FIN));
}

#undef SOL
#undef FIN

static struct vccw_ring *vccw_new_ring(struct kunit *test)
{
	struct vccw_ring *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	return r;
}

/* Put an entry tagged @tag (in the IRB's cpa); expect no drop. */
static void vccw_ring_put(struct kunit *test, struct vccw_ring *r, u32 tag,
			  bool claim)
{
	struct vccw_irb_entry *e;
	bool dropped;

	e = vccw_ring_slot(r, claim, &dropped);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_FALSE(test, dropped);
	memset(e, 0, sizeof(*e));
	e->irb.scsw.cmd.cpa = u32_to_dma32(tag);
	e->claim = claim;
}

static u32 vccw_ring_get(struct kunit *test, struct vccw_ring *r,
			 bool *claim)
{
	struct vccw_irb_entry e;

	KUNIT_EXPECT_FALSE(test, vccw_ring_empty(r));
	if (vccw_ring_empty(r))
		return U32_MAX;
	vccw_ring_take(r, &e);
	if (claim)
		*claim = e.claim;
	return dma32_to_u32(e.irb.scsw.cmd.cpa);
}

/* First in, first out, across the wrap of the index several times. */
static void ring_fifo_wraps(struct kunit *test)
{
	struct vccw_ring *r = vccw_new_ring(test);
	u32 next = 0, put = 0;
	unsigned int round, i;

	KUNIT_EXPECT_TRUE(test, vccw_ring_empty(r));
	for (round = 0; round < 5; round++) {
		for (i = 0; i < VCCW_RING_SIZE - 7; i++)
			vccw_ring_put(test, r, put++, false);
		for (i = 0; i < VCCW_RING_SIZE - 7; i++)
			KUNIT_EXPECT_EQ(test, vccw_ring_get(test, r, NULL),
					next++);
	}
	KUNIT_EXPECT_TRUE(test, vccw_ring_empty(r));
}

/* A full ring drops an IRB without the claim and keeps what it holds. */
static void ring_full_drops(struct kunit *test)
{
	struct vccw_ring *r = vccw_new_ring(test);
	bool dropped;
	u32 i;

	for (i = 0; i < VCCW_RING_SIZE; i++)
		vccw_ring_put(test, r, i, false);
	KUNIT_EXPECT_NULL(test, vccw_ring_slot(r, false, &dropped));
	KUNIT_EXPECT_TRUE(test, dropped);
	KUNIT_EXPECT_EQ(test, r->len, VCCW_RING_SIZE);
	for (i = 0; i < VCCW_RING_SIZE; i++)
		KUNIT_EXPECT_EQ(test, vccw_ring_get(test, r, NULL), i);
	KUNIT_EXPECT_TRUE(test, vccw_ring_empty(r));
}

/* A full ring keeps a claim: it overwrites the newest entry, no other. */
static void ring_full_keeps_claim(struct kunit *test)
{
	struct vccw_ring *r = vccw_new_ring(test);
	struct vccw_irb_entry *e;
	bool dropped, claim;
	u32 i;

	for (i = 0; i < 3; i++)		/* move head off slot 0 */
		vccw_ring_put(test, r, 0, false);
	for (i = 0; i < 3; i++)
		vccw_ring_get(test, r, NULL);
	for (i = 0; i < VCCW_RING_SIZE; i++)
		vccw_ring_put(test, r, i, false);
	e = vccw_ring_slot(r, true, &dropped);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_TRUE(test, dropped);
	e->irb.scsw.cmd.cpa = u32_to_dma32(1000);
	e->claim = true;
	KUNIT_EXPECT_EQ(test, r->len, VCCW_RING_SIZE);
	for (i = 0; i < VCCW_RING_SIZE - 1; i++) {
		KUNIT_EXPECT_EQ(test, vccw_ring_get(test, r, &claim), i);
		KUNIT_EXPECT_FALSE(test, claim);
	}
	KUNIT_EXPECT_EQ(test, vccw_ring_get(test, r, &claim), 1000U);
	KUNIT_EXPECT_TRUE(test, claim);
	KUNIT_EXPECT_TRUE(test, vccw_ring_empty(r));
}

static struct kunit_case vccw_irb_cases[] = {
	KUNIT_CASE(irb_start_final),
	KUNIT_CASE(irb_start_intermediate_pci),
	KUNIT_CASE(irb_start_channel_end_only),
	KUNIT_CASE(irb_unsolicited_attention),
	KUNIT_CASE(irb_alert_with_primary),
	KUNIT_CASE(irb_deferred_cc1),
	KUNIT_CASE(irb_deferred_cc2),
	KUNIT_CASE(irb_deferred_cc3),
	KUNIT_CASE(irb_halt_final),
	KUNIT_CASE(irb_halt_pending_active),
	KUNIT_CASE(irb_clear_final),
	KUNIT_CASE(irb_clear_pending_active),
	KUNIT_CASE(irb_ends_cp_table),
	KUNIT_CASE(ring_fifo_wraps),
	KUNIT_CASE(ring_full_drops),
	KUNIT_CASE(ring_full_keeps_claim),
	{}
};

static struct kunit_suite vccw_irb_suite = {
	.name = "vfio_ccw_irb",
	.test_cases = vccw_irb_cases,
};

/* ---- vfio_ccw_cp ----------------------------------------------------- */

/*
 * Guest memory double: FK_LOW pages at guest addresses 0.. and one page
 * just below 2G. Pages can be made read-only (pin gives -EPERM) or
 * unreadable (dma_rw gives -EFAULT); addresses outside give -EINVAL, as
 * vfio does for an iova outside every DMA mapping.
 */
#define FK_LOW		40
#define FK_PAGES	(FK_LOW + 1)
#define FK_HIGH		0x7ffff000ULL
#define FK_MAX_PINS	512

#define FK_RO		BIT(0)
#define FK_NOREAD	BIT(1)

struct vccw_fk_pin {
	u64 iova;
	int npage;
	bool live;
};

struct vccw_fake {
	struct vccw_cp cp;
	struct kunit *test;
	atomic_long_t pinned_now;
	struct subchannel *sch;
	u64 gpa[FK_PAGES];
	struct page *page[FK_PAGES];
	u8 flags[FK_PAGES];
	/* pin call number (from 1) to fail with @pin_errno; 0: none */
	unsigned int pin_fail_at;
	int pin_errno;
	bool pin_short;		/* pin one page less than asked */
	unsigned int pin_calls;
	unsigned int nr_pins;
	struct vccw_fk_pin pins[FK_MAX_PINS];
};

static int fk_index(struct vccw_fake *f, u64 gpa)
{
	int i;

	for (i = 0; i < FK_PAGES; i++)
		if (f->gpa[i] == (gpa & PAGE_MASK))
			return i;
	return -1;
}

static void *fk_ptr(struct vccw_fake *f, u64 gpa)
{
	int i = fk_index(f, gpa);

	KUNIT_ASSERT_GE(f->test, i, 0);
	return page_address(f->page[i]) + offset_in_page(gpa);
}

static int fk_dma_rw(struct vccw_cp *cp, u64 iova, void *data, size_t len,
		     bool write)
{
	struct vccw_fake *f = container_of(cp, struct vccw_fake, cp);

	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(iova));
		int i = fk_index(f, iova);
		void *p;

		if (i < 0)
			return -EINVAL;
		if (f->flags[i] & FK_NOREAD)
			return -EFAULT;
		p = page_address(f->page[i]) + offset_in_page(iova);
		if (write)
			memcpy(p, data, n);
		else
			memcpy(data, p, n);
		iova += n;
		data += n;
		len -= n;
	}
	return 0;
}

static int fk_pin(struct vccw_cp *cp, u64 iova, int npage,
		  struct page **pages)
{
	struct vccw_fake *f = container_of(cp, struct vccw_fake, cp);
	struct vccw_fk_pin *pin;
	int k;

	KUNIT_EXPECT_EQ(f->test, offset_in_page(iova), 0UL);
	KUNIT_EXPECT_GT(f->test, npage, 0);
	if (++f->pin_calls == f->pin_fail_at)
		return f->pin_errno;
	for (k = 0; k < npage; k++) {
		int i = fk_index(f, iova + k * PAGE_SIZE);

		if (i < 0)
			return -EINVAL;
		if (f->flags[i] & FK_RO)
			return -EPERM;
		pages[k] = f->page[i];
	}
	if (f->pin_short && npage > 1)
		npage--;
	if (f->nr_pins == FK_MAX_PINS) {
		KUNIT_FAIL(f->test, "more pins than the double records");
		return -ENOMEM;
	}
	pin = &f->pins[f->nr_pins++];
	pin->iova = iova;
	pin->npage = npage;
	pin->live = true;
	return npage;
}

/* Every unpin must match one live pin exactly; it ends that pin. */
static void fk_unpin(struct vccw_cp *cp, u64 iova, int npage)
{
	struct vccw_fake *f = container_of(cp, struct vccw_fake, cp);
	unsigned int i;

	for (i = 0; i < f->nr_pins; i++) {
		struct vccw_fk_pin *pin = &f->pins[i];

		if (pin->live && pin->iova == iova && pin->npage == npage) {
			pin->live = false;
			return;
		}
	}
	KUNIT_FAIL(f->test, "unpin of %d pages at %#llx that are not pinned",
		   npage, iova);
}

static const struct vccw_cp_ops fk_ops = {
	.dma_rw = fk_dma_rw,
	.pin_pages = fk_pin,
	.unpin_pages = fk_unpin,
};

static unsigned int fk_live_pins(struct vccw_fake *f)
{
	unsigned int i, n = 0;

	for (i = 0; i < f->nr_pins; i++)
		n += f->pins[i].live;
	return n;
}

/* Nothing pinned any more, and the cp's counter agrees. */
static void fk_expect_clean(struct vccw_fake *f)
{
	KUNIT_EXPECT_EQ(f->test, fk_live_pins(f), 0U);
	KUNIT_EXPECT_EQ(f->test, atomic_long_read(&f->pinned_now), 0L);
}

static int vccw_cp_test_init(struct kunit *test)
{
	struct vccw_fake *f;
	int i;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	test->priv = f;
	f->test = test;
	f->sch = kzalloc(sizeof(*f->sch), GFP_KERNEL);
	if (!f->sch)
		return -ENOMEM;
	f->sch->lpm = 0x80;
	for (i = 0; i < FK_PAGES; i++) {
		f->gpa[i] = i < FK_LOW ? (u64)i * PAGE_SIZE : FK_HIGH;
		f->page[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!f->page[i])
			return -ENOMEM;
	}
	if (vccw_cp_setup(&f->cp, NULL, &f->pinned_now))
		return -ENOMEM;
	f->cp.ops = &fk_ops;
	return 0;
}

static void vccw_cp_test_exit(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	int i;

	if (!f)
		return;
	if (f->cp.ops == &fk_ops) {
		vccw_cp_free(&f->cp);
		fk_expect_clean(f);
		vccw_cp_teardown(&f->cp);
	}
	for (i = 0; i < FK_PAGES; i++)
		if (f->page[i])
			__free_page(f->page[i]);
	kfree(f->sch);
	kfree(f);
}

/* Guest memory writers. */
static void fk_ccw1(struct vccw_fake *f, u64 gpa, u8 cmd, u8 flags,
		    u16 count, u32 cda)
{
	struct ccw1 *ccw = fk_ptr(f, gpa);

	ccw->cmd_code = cmd;
	ccw->flags = flags;
	ccw->count = count;
	ccw->cda = u32_to_dma32(cda);
}

static void fk_ccw0(struct vccw_fake *f, u64 gpa, u8 cmd, u8 flags,
		    u16 count, u32 cda)
{
	struct ccw0 *ccw = fk_ptr(f, gpa);

	ccw->cmd_code = cmd;
	ccw->cda = cda;
	ccw->flags = flags;
	ccw->reserved = 0;
	ccw->count = count;
}

static void fk_idaw1(struct vccw_fake *f, u64 gpa, u32 a)
{
	*(u32 *)fk_ptr(f, gpa) = a;
}

static void fk_idaw2(struct vccw_fake *f, u64 gpa, u64 a)
{
	*(u64 *)fk_ptr(f, gpa) = a;
}

/* Host physical address behind guest address @gpa. */
static u64 fk_phys(struct vccw_fake *f, u64 gpa)
{
	int i = fk_index(f, gpa);

	KUNIT_ASSERT_GE(f->test, i, 0);
	return page_to_phys(f->page[i]) + offset_in_page(gpa);
}

/* ORB flavours: format-1 CCWs with format-2 IDAWs in 4K or 2K blocks. */
#define FK_4K	0
#define FK_2K	1
#define FK_FMT1	2	/* format-1 IDAWs (c64=0): 2K blocks */
#define FK_CCW0	4	/* format-0 CCWs */

static void fk_orb(union orb *orb, u32 cpa, unsigned int how)
{
	memset(orb, 0, sizeof(*orb));
	orb->cmd.cpa = u32_to_dma32(cpa);
	orb->cmd.fmt = !(how & FK_CCW0);
	orb->cmd.c64 = !(how & FK_FMT1);
	orb->cmd.i2k = !!(how & FK_2K);
	orb->cmd.pfch = 1;
}

/*
 * Translate the program at @cpa; expect @ret. A failed translation must
 * leave nothing pinned (checked here, before vccw_cp_free()).
 */
static int fk_run(struct vccw_fake *f, u32 cpa, unsigned int how)
{
	union orb orb;
	int ret;

	fk_orb(&orb, cpa, how);
	ret = vccw_cp_init(&f->cp, &orb);
	if (ret)
		return ret;
	ret = vccw_cp_prefetch(&f->cp);
	if (ret)
		fk_expect_clean(f);
	return ret;
}

/* The first kernel CCW, from the ORB ssch would get. */
static struct ccw1 *fk_kccw(struct vccw_fake *f)
{
	union orb *orb = vccw_cp_get_orb(&f->cp, f->sch);

	KUNIT_ASSERT_NOT_NULL(f->test, orb);
	return dma32_to_virt(orb->cmd.cpa);
}

static dma64_t *fk_idal(struct vccw_fake *f, struct ccw1 *kccw)
{
	KUNIT_ASSERT_TRUE(f->test, kccw->flags & CCW_FLAG_IDA);
	return dma32_to_virt(kccw->cda);
}

static void fk_expect_idaw(struct vccw_fake *f, dma64_t *idal,
			   unsigned int i, u64 gpa)
{
	KUNIT_EXPECT_EQ(f->test, dma64_to_u64(idal[i]), fk_phys(f, gpa));
}

static bool fk_in_bucket(struct vccw_fake *f, u64 phys)
{
	u64 b = virt_to_phys(f->cp.bucket);

	return phys >= b && phys < b + PAGE_SIZE;
}

#define RD	0x02	/* read */
#define WR	0x01	/* write */
#define TIC	CCW_CMD_TIC
#define NOP	CCW_CMD_NOOP
#define CC	CCW_FLAG_CC
#define CD	CCW_FLAG_DC
#define IDA	CCW_FLAG_IDA

/* One CCW within a page: one IDAW, one page pinned, unpinned on free. */
static void cp_single_ccw(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k;
	union orb *orb;

	fk_ccw1(f, 0x1000, RD, 0, 100, 0x2010);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	orb = vccw_cp_get_orb(&f->cp, f->sch);
	KUNIT_ASSERT_NOT_NULL(test, orb);
	KUNIT_EXPECT_EQ(test, (unsigned int)orb->cmd.fmt, 1U);
	KUNIT_EXPECT_EQ(test, (unsigned int)orb->cmd.c64, 1U);
	KUNIT_EXPECT_EQ(test, (unsigned int)orb->cmd.i2k, 0U);
	KUNIT_EXPECT_EQ(test, (unsigned int)orb->cmd.lpm, 0x80U);
	k = dma32_to_virt(orb->cmd.cpa);
	KUNIT_EXPECT_EQ(test, k[0].cmd_code, RD);
	KUNIT_EXPECT_EQ(test, k[0].count, 100);
	fk_expect_idaw(f, fk_idal(f, &k[0]), 0, 0x2010);
	/* The guard CCW behind the chain: command code 0, invalid. */
	KUNIT_EXPECT_EQ(test, k[1].cmd_code, 0);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->pinned_now), 1L);
	KUNIT_EXPECT_TRUE(test, vccw_cp_iova_pinned(&f->cp, 0x2fff, 1));
	KUNIT_EXPECT_FALSE(test, vccw_cp_iova_pinned(&f->cp, 0x3000, 0x100));
	vccw_cp_free(&f->cp);
	fk_expect_clean(f);
}

/* Data across a page boundary, 4K blocks: two IDAWs, one run of two. */
static void cp_cross_page_4k(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	dma64_t *idal;

	fk_ccw1(f, 0x1000, WR, 0, 0x1000, 0x2800);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	idal = fk_idal(f, fk_kccw(f));
	fk_expect_idaw(f, idal, 0, 0x2800);
	fk_expect_idaw(f, idal, 1, 0x3000);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
	KUNIT_EXPECT_EQ(test, f->pins[0].npage, 2);
}

/* 2K blocks: two IDAWs in one page share one pin. */
static void cp_2k_blocks_same_page(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	union orb *orb;
	dma64_t *idal;

	fk_ccw1(f, 0x1000, RD, 0, 0x1000, 0x4000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_2K), 0);
	orb = vccw_cp_get_orb(&f->cp, f->sch);
	KUNIT_EXPECT_EQ(test, (unsigned int)orb->cmd.i2k, 1U);
	idal = fk_idal(f, dma32_to_virt(orb->cmd.cpa));
	fk_expect_idaw(f, idal, 0, 0x4000);
	fk_expect_idaw(f, idal, 1, 0x4800);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
	KUNIT_EXPECT_EQ(test, f->pins[0].npage, 1);
}

/* The longest CCW: 64K - 1 bytes across 33 2K blocks (17 pages). */
static void cp_max_count(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	dma64_t *idal;
	unsigned int i;

	fk_ccw1(f, 0x1000, RD, 0, U16_MAX, 0x2002);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_2K), 0);
	idal = fk_idal(f, fk_kccw(f));
	fk_expect_idaw(f, idal, 0, 0x2002);
	for (i = 1; i < 33; i++)
		fk_expect_idaw(f, idal, i, 0x2000 + i * 0x800);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
	KUNIT_EXPECT_EQ(test, f->pins[0].npage, 17);
}

/* Format-0 CCWs are converted to format 1; format-0 TIC too. */
static void cp_format0(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k, *t;

	fk_ccw0(f, 0x1000, RD, CC | CCW_FLAG_SLI, 80, 0x5020);
	/* Format-0 TIC: bits 0-3 of the command ignored, flags, count too */
	fk_ccw0(f, 0x1008, 0xf8, 0xff, 0xffff, 0x6000);
	fk_ccw0(f, 0x6000, WR, 0, 16, 0x7000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_CCW0 | FK_4K), 0);
	KUNIT_EXPECT_EQ(test, (unsigned int)vccw_cp_get_orb(&f->cp, f->sch)->cmd.fmt, 1U);
	k = fk_kccw(f);
	KUNIT_EXPECT_EQ(test, k[0].cmd_code, RD);
	KUNIT_EXPECT_EQ(test, k[0].count, 80);
	KUNIT_EXPECT_EQ(test, k[0].flags, CC | CCW_FLAG_SLI | IDA);
	fk_expect_idaw(f, fk_idal(f, &k[0]), 0, 0x5020);
	KUNIT_EXPECT_EQ(test, k[1].cmd_code, TIC);
	KUNIT_EXPECT_EQ(test, k[1].flags, 0);
	KUNIT_EXPECT_EQ(test, k[1].count, 0);
	t = dma32_to_virt(k[1].cda);
	KUNIT_EXPECT_EQ(test, t->cmd_code, WR);
	KUNIT_EXPECT_EQ(test, t->count, 16);
	fk_expect_idaw(f, fk_idal(f, t), 0, 0x7000);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 2U);
}

/* IDAL format 1 (ORB c64=0): 2K blocks, 31-bit IDAWs. */
static void cp_idal_format1(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	union orb *orb;
	dma64_t *idal;

	fk_ccw1(f, 0x1000, RD, IDA, 0x1000, 0x1800);
	fk_idaw1(f, 0x1800, 0x9400);
	fk_idaw1(f, 0x1804, 0x9800);
	fk_idaw1(f, 0x1808, 0xc000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_FMT1), 0);
	orb = vccw_cp_get_orb(&f->cp, f->sch);
	KUNIT_EXPECT_EQ(test, (unsigned int)orb->cmd.c64, 1U);
	KUNIT_EXPECT_EQ(test, (unsigned int)orb->cmd.i2k, 1U);
	idal = fk_idal(f, dma32_to_virt(orb->cmd.cpa));
	fk_expect_idaw(f, idal, 0, 0x9400);
	fk_expect_idaw(f, idal, 1, 0x9800);
	fk_expect_idaw(f, idal, 2, 0xc000);
	/* 0x9000 (two IDAWs) and 0xc000: two runs */
	KUNIT_EXPECT_EQ(test, f->nr_pins, 2U);
}

/* IDAL format 2, 4K blocks, pages not contiguous in the guest. */
static void cp_idal_format2_4k(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	dma64_t *idal;

	fk_ccw1(f, 0x1000, WR, IDA, 0x1800, 0x1800);
	fk_idaw2(f, 0x1800, 0x8800);
	fk_idaw2(f, 0x1808, 0xe000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	idal = fk_idal(f, fk_kccw(f));
	fk_expect_idaw(f, idal, 0, 0x8800);
	fk_expect_idaw(f, idal, 1, 0xe000);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 2U);
}

/* IDAL format 2, 2K blocks (ORB i2k=1). */
static void cp_idal_format2_2k(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	dma64_t *idal;

	fk_ccw1(f, 0x1000, RD, IDA, 0x1000, 0x1800);
	fk_idaw2(f, 0x1800, 0x8400);
	fk_idaw2(f, 0x1808, 0x8800);
	fk_idaw2(f, 0x1810, 0xa000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_2K), 0);
	idal = fk_idal(f, fk_kccw(f));
	fk_expect_idaw(f, idal, 0, 0x8400);
	fk_expect_idaw(f, idal, 1, 0x8800);
	fk_expect_idaw(f, idal, 2, 0xa000);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 2U);
}

/* Only the first IDAW may start inside a block. */
static void cp_idaw_unaligned(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 16, 0x3000);	/* pinned first */
	fk_ccw1(f, 0x1008, RD, IDA, 0x1800, 0x1800);
	fk_idaw2(f, 0x1800, 0x8000);
	fk_idaw2(f, 0x1808, 0x9008);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);	/* and unpinned again */
}

static void cp_idaw_format1_bit0(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, IDA, 16, 0x1800);
	fk_idaw1(f, 0x1800, 0x80008000);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_FMT1), -EINVAL);
}

static void cp_idal_address_unaligned(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, IDA, 16, 0x1804);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

/* The IDAL itself is not readable. */
static void cp_idal_unreadable(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 16, 0x3000);
	fk_ccw1(f, 0x1008, RD, IDA, 16, 0x6000);
	f->flags[6] |= FK_NOREAD;
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
}

/* The second IDAW of an IDAL lies outside guest memory. */
static void cp_idal_rest_unmapped(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, IDA, 0x1000, FK_LOW * PAGE_SIZE - 8);
	fk_idaw2(f, FK_LOW * PAGE_SIZE - 8, 0x8800);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

/* Command chaining: one chain of three CCWs and the guard. */
static void cp_command_chaining(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k;

	fk_ccw1(f, 0x1000, WR, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, NOP, CC, 0, 0);
	fk_ccw1(f, 0x1010, RD, 0, 8, 0x3100);
	fk_ccw1(f, 0x1018, RD, 0, 8, 0x3200);	/* not chained to */
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	k = fk_kccw(f);
	fk_expect_idaw(f, fk_idal(f, &k[0]), 0, 0x3000);
	KUNIT_EXPECT_EQ(test, k[1].cmd_code, NOP);
	KUNIT_EXPECT_TRUE(test, fk_in_bucket(f, dma32_to_u32(k[1].cda)));
	fk_expect_idaw(f, fk_idal(f, &k[2]), 0, 0x3100);
	KUNIT_EXPECT_EQ(test, k[3].cmd_code, 0);	/* guard */
	KUNIT_EXPECT_EQ(test, f->nr_pins, 2U);
}

/* Data chaining: the continuation's command code is ignored. */
static void cp_data_chaining(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k;

	fk_ccw1(f, 0x1000, RD, CD, 8, 0x3000);
	fk_ccw1(f, 0x1008, 0x00, CD, 8, 0x4000);	/* continues the read */
	fk_ccw1(f, 0x1010, NOP, 0, 8, 0x5000);		/* also a read */
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	k = fk_kccw(f);
	fk_expect_idaw(f, fk_idal(f, &k[1]), 0, 0x4000);
	fk_expect_idaw(f, fk_idal(f, &k[2]), 0, 0x5000);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 3U);
}

/* A data chain begun by a NOP moves no data in any of its CCWs. */
static void cp_data_chaining_nop(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k;

	fk_ccw1(f, 0x1000, NOP, CD, 8, 0x3000);
	fk_ccw1(f, 0x1008, RD, 0, 8, 0x4000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	k = fk_kccw(f);
	KUNIT_EXPECT_TRUE(test, fk_in_bucket(f, dma64_to_u64(fk_idal(f, &k[1])[0])));
	KUNIT_EXPECT_EQ(test, f->nr_pins, 0U);
}

/* Skip suppresses the transfer of a read, not of a write. */
static void cp_skip(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k;

	fk_ccw1(f, 0x1000, RD, CC | CCW_FLAG_SKIP, 8, 0x3000);
	fk_ccw1(f, 0x1008, WR, CCW_FLAG_SKIP, 8, 0x4000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	k = fk_kccw(f);
	KUNIT_EXPECT_TRUE(test, fk_in_bucket(f, dma64_to_u64(fk_idal(f, &k[0])[0])));
	fk_expect_idaw(f, fk_idal(f, &k[1]), 0, 0x4000);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
}

/* Count 0 and invalid command 0x00: nothing pinned, bucket address. */
static void cp_no_data(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k;

	fk_ccw1(f, 0x1000, RD, CC | IDA, 0, 0x3000);
	fk_ccw1(f, 0x1008, 0x00, 0, 8, 0x4000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	k = fk_kccw(f);
	KUNIT_EXPECT_FALSE(test, k[0].flags & IDA);
	KUNIT_EXPECT_TRUE(test, fk_in_bucket(f, dma32_to_u32(k[0].cda)));
	KUNIT_EXPECT_TRUE(test, fk_in_bucket(f, dma64_to_u64(fk_idal(f, &k[1])[0])));
	KUNIT_EXPECT_EQ(test, f->nr_pins, 0U);
}

/* A TIC forward: a second chain, the TIC points at its kernel copy. */
static void cp_tic_forward(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k, *t;

	fk_ccw1(f, 0x1000, WR, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, TIC, 0, 0, 0x5008);
	fk_ccw1(f, 0x5008, RD, 0, 8, 0x4000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_chains, 2U);
	k = fk_kccw(f);
	t = dma32_to_virt(k[1].cda);
	KUNIT_EXPECT_EQ(test, t->cmd_code, RD);
	fk_expect_idaw(f, fk_idal(f, t), 0, 0x4000);
	KUNIT_EXPECT_EQ(test, t[1].cmd_code, 0);	/* its guard */
}

/* A TIC back into its own chain (search loop): one chain. */
static void cp_tic_loop_same_chain(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k;

	fk_ccw1(f, 0x1000, WR, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, 0x29, CC, 8, 0x3100);	/* search */
	fk_ccw1(f, 0x1010, TIC, 0, 0, 0x1008);
	fk_ccw1(f, 0x1018, RD, 0, 8, 0x4000);		/* by status modifier */
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_chains, 1U);
	k = fk_kccw(f);
	KUNIT_EXPECT_PTR_EQ(test, (struct ccw1 *)dma32_to_virt(k[2].cda),
			    &k[1]);
	fk_expect_idaw(f, fk_idal(f, &k[3]), 0, 0x4000);
	KUNIT_EXPECT_EQ(test, k[4].cmd_code, 0);
}

/* Two chains that TIC to each other: resolved, not copied again. */
static void cp_tic_loop_two_chains(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *a, *b;

	fk_ccw1(f, 0x1000, NOP, CC, 0, 0);
	fk_ccw1(f, 0x1008, TIC, 0, 0, 0x2000);
	fk_ccw1(f, 0x2000, NOP, CC, 0, 0);
	fk_ccw1(f, 0x2008, TIC, 0, 0, 0x1000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_chains, 2U);
	a = fk_kccw(f);
	b = dma32_to_virt(a[1].cda);
	KUNIT_EXPECT_PTR_EQ(test, (struct ccw1 *)dma32_to_virt(b[1].cda), a);
}

/*
 * Data chaining through a TIC: the target continues the read. The same
 * guest CCW reached as a command of its own gets a second copy.
 */
static void cp_tic_data_chaining(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct ccw1 *k, *t1, *t2;

	fk_ccw1(f, 0x1000, RD, CD, 8, 0x3000);
	fk_ccw1(f, 0x1008, TIC, 0, 0, 0x2000);
	fk_ccw1(f, 0x2000, NOP, CC, 8, 0x4000);	/* as continuation: a read */
	fk_ccw1(f, 0x2008, TIC, 0, 0, 0x6000);
	fk_ccw1(f, 0x6000, NOP, CC, 0, 0);
	fk_ccw1(f, 0x6008, TIC, 0, 0, 0x2000);	/* as a NOP of its own */
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_chains, 4U);
	k = fk_kccw(f);
	t1 = dma32_to_virt(k[1].cda);
	fk_expect_idaw(f, fk_idal(f, t1), 0, 0x4000);
	t2 = dma32_to_virt(((struct ccw1 *)dma32_to_virt(t1[1].cda))[1].cda);
	KUNIT_EXPECT_PTR_NE(test, t1, t2);
	KUNIT_EXPECT_TRUE(test, fk_in_bucket(f, dma64_to_u64(fk_idal(f, t2)[0])));
	KUNIT_EXPECT_EQ(test, f->nr_pins, 2U);
}

static void cp_tic_to_tic(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, TIC, 0, 0, 0x2000);
	fk_ccw1(f, 0x2000, TIC, 0, 0, 0x1000);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

static void cp_tic_unaligned(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, TIC, 0, 0, 0x2004);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

static void cp_tic_above_2g(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, TIC, 0, 0, 0x80001000);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

static void cp_tic_flags(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, TIC, CC, 0, 0x2000);
	fk_ccw1(f, 0x2000, NOP, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

static void cp_tic_count(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, TIC, 0, 8, 0x2000);
	fk_ccw1(f, 0x2000, NOP, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

/* 0x18: a format-1 command code 0xX8 with X != 0. */
static void cp_tic_like_command(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, 0x18, 0, 8, 0x4000);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

static void cp_mida_flag(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, 0x01, 8, 0x3000);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

static void cp_data_address_bit0(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, 0, 8, 0x80003000);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

/* n CCWs command-chained from @at, the last one not chaining. */
static void fk_nops(struct vccw_fake *f, u64 at, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fk_ccw1(f, at + i * 8, NOP, i + 1 < n ? CC : 0, 0, 0);
}

static void cp_chain_len_max(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_nops(f, 0x1000, VCCW_CHAIN_LEN_MAX);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
}

static void cp_chain_too_long(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 8, 0x8000);
	fk_nops(f, 0x1008, VCCW_CHAIN_LEN_MAX);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
}

/* @n chains, each a read and a TIC to the next one (the last: no TIC). */
static void fk_chains(struct vccw_fake *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 at = 0x1000 + i * 0x100;

		fk_ccw1(f, at, RD, i + 1 < n ? CC : 0, 8, 0x20000 + i * 0x100);
		if (i + 1 < n)
			fk_ccw1(f, at + 8, TIC, 0, 0, at + 0x100);
	}
}

static void cp_chains_max(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_chains(f, VCCW_CHAINS_MAX);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	KUNIT_EXPECT_EQ(test, f->cp.nr_chains, VCCW_CHAINS_MAX);
	KUNIT_EXPECT_EQ(test, fk_live_pins(f), VCCW_CHAINS_MAX);
}

/* One chain too many: -EINVAL, and the 16 chains' pins are undone. */
static void cp_chains_too_many(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_chains(f, VCCW_CHAINS_MAX + 1);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->nr_pins, VCCW_CHAINS_MAX);
}

/* A chain that runs up to 2G: the CCW at 2G is never fetched. */
static void cp_chain_reaches_2g(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, FK_HIGH + PAGE_SIZE - 16, RD, CC, 8, 0x3000);
	fk_ccw1(f, FK_HIGH + PAGE_SIZE - 8, NOP, CC, 0, 0);
	KUNIT_EXPECT_EQ(test, fk_run(f, FK_HIGH + PAGE_SIZE - 16, FK_4K),
			-EINVAL);
}

/* The same chain ending right below 2G is fine. */
static void cp_chain_ends_below_2g(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, FK_HIGH + PAGE_SIZE - 16, RD, CC, 8, 0x3000);
	fk_ccw1(f, FK_HIGH + PAGE_SIZE - 8, NOP, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, fk_run(f, FK_HIGH + PAGE_SIZE - 16, FK_4K), 0);
}

/* A chain that ends right before unmapped memory is read no further. */
static void cp_chain_ends_before_unmapped(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	u64 at = FK_LOW * PAGE_SIZE - 8;

	fk_ccw1(f, at, RD, 0, 8, 0x3000);
	KUNIT_EXPECT_EQ(test, fk_run(f, at, FK_4K), 0);
}

static void cp_ccws_unmapped(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	KUNIT_EXPECT_EQ(test, fk_run(f, 0x100000, FK_4K), -EINVAL);
}

static void cp_ccws_unreadable(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	f->flags[1] |= FK_NOREAD;
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EFAULT);
}

/* A TIC target outside guest memory, after data was pinned. */
static void cp_tic_target_unmapped(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, TIC, 0, 0, 0x100000);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
}

/* Data outside guest memory: vfio_pin_pages() says -EINVAL. */
static void cp_data_unmapped(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, WR, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, WR, 0, 8, 0x100000);
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
}

/* A read-only mapping: -EPERM, earlier CCWs' pins undone. */
static void cp_data_readonly(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, WR, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, RD, CC, 8, 0x4000);
	fk_ccw1(f, 0x1010, RD, 0, 8, 0x5000);
	f->flags[5] |= FK_RO;
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EPERM);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 2U);
}

/* The pin of the second run of one CCW fails: the first is undone. */
static void cp_pin_fails_mid_ccw(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, IDA, 0x1800, 0x1800);
	fk_idaw2(f, 0x1800, 0x8800);
	fk_idaw2(f, 0x1808, 0xe000);
	f->pin_fail_at = 2;
	f->pin_errno = -ENOMEM;
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -ENOMEM);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
}

/* A pin fails in a later chain: every chain's pins are undone. */
static void cp_pin_fails_later_chain(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_chains(f, 5);
	f->pin_fail_at = 5;
	f->pin_errno = -EFAULT;
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 4U);
}

/* vfio pinned fewer pages than asked: unpinned, -EFAULT. */
static void cp_short_pin(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, 0, 0x2000, 0x3000);
	f->pin_short = true;
	KUNIT_EXPECT_EQ(test, fk_run(f, 0x1000, FK_4K), -EFAULT);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
}

/* The channel's cpa (last CCW + 8) is given back as a guest address. */
static void cp_update_scsw(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	union scsw scsw = {};
	struct ccw1 *k, *t;

	fk_ccw1(f, 0x1000, WR, CC, 8, 0x3000);
	fk_ccw1(f, 0x1008, TIC, 0, 0, 0x5008);
	fk_ccw1(f, 0x5008, RD, 0, 8, 0x4000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	k = fk_kccw(f);
	t = dma32_to_virt(k[1].cda);
	scsw.cmd.cpa = virt_to_dma32(&k[1]);
	vccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), 0x1008U);
	scsw.cmd.cpa = virt_to_dma32(&t[1]);
	vccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), 0x5010U);
	scsw.cmd.cpa = u32_to_dma32(0x1234);	/* not ours: unchanged */
	vccw_cp_update_scsw(&f->cp, &scsw);
	KUNIT_EXPECT_EQ(test, dma32_to_u32(scsw.cmd.cpa), 0x1234U);
}

/* Parking gives vfio its pins back once; the parked program is freed. */
static void cp_park(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	struct vccw_parked *p;

	fk_ccw1(f, 0x1000, RD, CC, 0x1000, 0x3800);
	fk_ccw1(f, 0x1008, WR, 0, 8, 0x6000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	KUNIT_EXPECT_EQ(test, fk_live_pins(f), 2U);
	p = vccw_cp_park(&f->cp);
	KUNIT_ASSERT_NOT_NULL(test, p);
	fk_expect_clean(f);
	KUNIT_EXPECT_EQ(test, page_count(f->page[3]), 2);
	KUNIT_EXPECT_FALSE(test, f->cp.initialized);
	vccw_parked_free(p);
	KUNIT_EXPECT_EQ(test, page_count(f->page[3]), 1);
}

/* Freeing twice, and a cp freed after a failure, unpin nothing more. */
static void cp_free_twice(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, 0, 8, 0x3000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	vccw_cp_free(&f->cp);
	vccw_cp_free(&f->cp);
	fk_expect_clean(f);
	KUNIT_EXPECT_EQ(test, f->nr_pins, 1U);
}

/* The cp is reused: a second program after the first one's free. */
static void cp_reuse(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	fk_ccw1(f, 0x1000, RD, 0, 8, 0x3000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	vccw_cp_free(&f->cp);
	fk_ccw1(f, 0x2000, WR, 0, 8, 0x4000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x2000, FK_2K), 0);
	fk_expect_idaw(f, fk_idal(f, fk_kccw(f)), 0, 0x4000);
	KUNIT_EXPECT_EQ(test, fk_live_pins(f), 1U);
}

static void cp_init_twice(struct kunit *test)
{
	struct vccw_fake *f = test->priv;
	union orb orb;

	fk_orb(&orb, 0x1000, FK_4K);
	KUNIT_EXPECT_EQ(test, vccw_cp_init(&f->cp, &orb), 0);
	KUNIT_EXPECT_EQ(test, vccw_cp_init(&f->cp, &orb), -EBUSY);
}

static void cp_prefetch_states(struct kunit *test)
{
	struct vccw_fake *f = test->priv;

	KUNIT_EXPECT_EQ(test, vccw_cp_prefetch(&f->cp), -EINVAL);
	fk_ccw1(f, 0x1000, RD, 0, 8, 0x3000);
	KUNIT_ASSERT_EQ(test, fk_run(f, 0x1000, FK_4K), 0);
	KUNIT_EXPECT_EQ(test, vccw_cp_prefetch(&f->cp), -EBUSY);
	KUNIT_EXPECT_EQ(test, fk_live_pins(f), 1U);
}

/* ORBs vccw_cp_init() refuses, with the errno it gives. */
enum vccw_orb_bad {
	ORB_TM, ORB_ORBX, ORB_MIDA, ORB_RES1, ORB_ZERO, ORB_KEY, ORB_SPND,
	ORB_SSIC, ORB_MOD, ORB_ALCC, ORB_CPA_ODD, ORB_CPA_BIT0,
};

static void vccw_orb_refused(struct kunit *test, enum vccw_orb_bad bad,
			     int err)
{
	struct vccw_fake *f = test->priv;
	union orb orb;

	fk_orb(&orb, 0x1000, FK_4K);
	switch (bad) {
	case ORB_TM:
		orb.cmd.res2 = 1;
		break;
	case ORB_ORBX:
		orb.cmd.orbx = 1;
		break;
	case ORB_MIDA:
		orb.cmd.zero = 0x20;
		break;
	case ORB_RES1:
		orb.cmd.res1 = 1;
		break;
	case ORB_ZERO:
		orb.cmd.zero = 0x01;
		break;
	case ORB_KEY:
		orb.cmd.key = 3;
		break;
	case ORB_SPND:
		orb.cmd.spnd = 1;
		break;
	case ORB_SSIC:
		orb.cmd.ssic = 1;
		break;
	case ORB_MOD:
		orb.cmd.mod = 1;
		break;
	case ORB_ALCC:
		orb.cmd.alcc = 1;
		break;
	case ORB_CPA_ODD:
		orb.cmd.cpa = u32_to_dma32(0x1004);
		break;
	case ORB_CPA_BIT0:
		orb.cmd.cpa = u32_to_dma32(0x80001000);
		break;
	}
	KUNIT_EXPECT_EQ(test, vccw_cp_init(&f->cp, &orb), err);
	KUNIT_EXPECT_FALSE(test, f->cp.initialized);
	KUNIT_EXPECT_EQ(test, f->pin_calls, 0U);
}

#define VCCW_ORB_CASE(name, bad, err)					\
static void orb_##name(struct kunit *test)				\
{									\
	vccw_orb_refused(test, bad, err);				\
}

VCCW_ORB_CASE(transport_mode, ORB_TM, -EOPNOTSUPP)
VCCW_ORB_CASE(extension, ORB_ORBX, -EOPNOTSUPP)
VCCW_ORB_CASE(midaw_control, ORB_MIDA, -EOPNOTSUPP)
VCCW_ORB_CASE(reserved_res1, ORB_RES1, -EINVAL)
VCCW_ORB_CASE(reserved_zero, ORB_ZERO, -EINVAL)
VCCW_ORB_CASE(key, ORB_KEY, -EOPNOTSUPP)
VCCW_ORB_CASE(suspend, ORB_SPND, -EOPNOTSUPP)
VCCW_ORB_CASE(ssic, ORB_SSIC, -EOPNOTSUPP)
VCCW_ORB_CASE(modification, ORB_MOD, -EOPNOTSUPP)
VCCW_ORB_CASE(address_limit, ORB_ALCC, -EOPNOTSUPP)
VCCW_ORB_CASE(cpa_unaligned, ORB_CPA_ODD, -EINVAL)
VCCW_ORB_CASE(cpa_above_2g, ORB_CPA_BIT0, -EINVAL)

static struct kunit_case vccw_cp_cases[] = {
	KUNIT_CASE(cp_single_ccw),
	KUNIT_CASE(cp_cross_page_4k),
	KUNIT_CASE(cp_2k_blocks_same_page),
	KUNIT_CASE(cp_max_count),
	KUNIT_CASE(cp_format0),
	KUNIT_CASE(cp_idal_format1),
	KUNIT_CASE(cp_idal_format2_4k),
	KUNIT_CASE(cp_idal_format2_2k),
	KUNIT_CASE(cp_idaw_unaligned),
	KUNIT_CASE(cp_idaw_format1_bit0),
	KUNIT_CASE(cp_idal_address_unaligned),
	KUNIT_CASE(cp_idal_unreadable),
	KUNIT_CASE(cp_idal_rest_unmapped),
	KUNIT_CASE(cp_command_chaining),
	KUNIT_CASE(cp_data_chaining),
	KUNIT_CASE(cp_data_chaining_nop),
	KUNIT_CASE(cp_skip),
	KUNIT_CASE(cp_no_data),
	KUNIT_CASE(cp_tic_forward),
	KUNIT_CASE(cp_tic_loop_same_chain),
	KUNIT_CASE(cp_tic_loop_two_chains),
	KUNIT_CASE(cp_tic_data_chaining),
	KUNIT_CASE(cp_tic_to_tic),
	KUNIT_CASE(cp_tic_unaligned),
	KUNIT_CASE(cp_tic_above_2g),
	KUNIT_CASE(cp_tic_flags),
	KUNIT_CASE(cp_tic_count),
	KUNIT_CASE(cp_tic_like_command),
	KUNIT_CASE(cp_mida_flag),
	KUNIT_CASE(cp_data_address_bit0),
	KUNIT_CASE(cp_chain_len_max),
	KUNIT_CASE(cp_chain_too_long),
	KUNIT_CASE(cp_chains_max),
	KUNIT_CASE(cp_chains_too_many),
	KUNIT_CASE(cp_chain_reaches_2g),
	KUNIT_CASE(cp_chain_ends_below_2g),
	KUNIT_CASE(cp_chain_ends_before_unmapped),
	KUNIT_CASE(cp_ccws_unmapped),
	KUNIT_CASE(cp_ccws_unreadable),
	KUNIT_CASE(cp_tic_target_unmapped),
	KUNIT_CASE(cp_data_unmapped),
	KUNIT_CASE(cp_data_readonly),
	KUNIT_CASE(cp_pin_fails_mid_ccw),
	KUNIT_CASE(cp_pin_fails_later_chain),
	KUNIT_CASE(cp_short_pin),
	KUNIT_CASE(cp_update_scsw),
	KUNIT_CASE(cp_park),
	KUNIT_CASE(cp_free_twice),
	KUNIT_CASE(cp_reuse),
	KUNIT_CASE(cp_init_twice),
	KUNIT_CASE(cp_prefetch_states),
	KUNIT_CASE(orb_transport_mode),
	KUNIT_CASE(orb_extension),
	KUNIT_CASE(orb_midaw_control),
	KUNIT_CASE(orb_reserved_res1),
	KUNIT_CASE(orb_reserved_zero),
	KUNIT_CASE(orb_key),
	KUNIT_CASE(orb_suspend),
	KUNIT_CASE(orb_ssic),
	KUNIT_CASE(orb_modification),
	KUNIT_CASE(orb_address_limit),
	KUNIT_CASE(orb_cpa_unaligned),
	KUNIT_CASE(orb_cpa_above_2g),
	{}
};

static struct kunit_suite vccw_cp_suite = {
	.name = "vfio_ccw_cp",
	.init = vccw_cp_test_init,
	.exit = vccw_cp_test_exit,
	.test_cases = vccw_cp_cases,
};

kunit_test_suites(&vccw_own_suite, &vccw_irb_suite, &vccw_cp_suite);

MODULE_DESCRIPTION("KUnit tests of vfio-ccw: ownership, IRBs, translation");
MODULE_LICENSE("GPL");
