/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ownership of the channel-program (cp) area of a vfio-ccw device.
 *
 * One atomic word per device says who may touch the cp area:
 *
 *   IDLE         nobody; the area holds no resources (nothing pinned).
 *   TRANSLATING  the io-region writer (W) builds a cp in it, alone.
 *   SUBMITTED    the channel subsystem runs it (ssch returned cc 0).
 *   CLAIMED      exactly one party won the right to retire the area:
 *                the irq callback (I) for the work item (Q), or a
 *                close/reset/unmap/remove path (R). Only that party frees,
 *                then stores IDLE.
 *
 * Transitions (the only ones; every one is a function below):
 *
 *   IDLE        -> TRANSLATING  W   vccw_own_begin()       cmpxchg acquire
 *   TRANSLATING -> IDLE         W   vccw_own_abort()       store release
 *   TRANSLATING -> SUBMITTED    W   vccw_own_submit()      store release
 *   SUBMITTED   -> CLAIMED      I,R vccw_own_claim()       cmpxchg acquire
 *   IDLE        -> CLAIMED      R   vccw_own_fence()       cmpxchg acquire
 *   CLAIMED     -> IDLE         Q,R vccw_own_release()     store release
 *
 * Each release pairs with the acquire of the next owner, so whatever the
 * giver wrote into the cp area (W's translated chains and pinned pages)
 * is visible to the taker, and whatever the freer did happens before the
 * next W's translation. lkmm/ proves this; Documentation/ownership.rst
 * maps each transition to its litmus test. scripts/check-orderings.py
 * checks that the ORDERING lines below, the code of each function and the
 * litmus tests agree: change one and "make check" fails.
 *
 * ORDERING vccw_own_begin cmpxchg_acquire
 * ORDERING vccw_own_abort store_release
 * ORDERING vccw_own_submit store_release
 * ORDERING vccw_own_claim cmpxchg_acquire
 * ORDERING vccw_own_fence cmpxchg_acquire
 * ORDERING vccw_own_release store_release
 * ORDERING vccw_own_read load_acquire
 *
 * Locking context, asserted with lockdep ("make check-lockdep") and checked at every call site by
 * scripts/check-callsites.py:
 *
 * CONTEXT vccw_own_submit sch->lock
 * CONTEXT vccw_own_claim sch->lock
 * CONTEXT vccw_own_fence retire_mutex
 */
#ifndef _VFIO_CCW_OWN_H_
#define _VFIO_CCW_OWN_H_

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait_bit.h>

enum vccw_own_state {
	VCCW_OWN_IDLE = 0,
	VCCW_OWN_TRANSLATING = 1,
	VCCW_OWN_SUBMITTED = 2,
	VCCW_OWN_CLAIMED = 3,
};

/* Who changes the word, for the ownership tracepoints. */
enum vccw_party {
	VCCW_PARTY_W,	/* the io-region writer: translates and submits */
	VCCW_PARTY_I,	/* the irq callback: claims with a final IRB */
	VCCW_PARTY_Q,	/* the work item: frees what I claimed */
	VCCW_PARTY_R,	/* close, reset, unmap, not-oper, remove */
};

/*
 * Wake R sleeping in vccw_own_wait_leave(). The full barrier orders the
 * store of the new state before the waitqueue_active() test in
 * wake_up_var(), against the waiter's prepare_to_wait() then re-check; it
 * is not part of the ownership handoff (that is the release store).
 */
static inline void vccw_own_wake(atomic_t *own)
{
	/* Store of the new state before waitqueue_active(): see above. */
	smp_mb();
	wake_up_var(own);
}

/*
 * W: take the cp area to translate a new channel program.
 * Acquire: pairs with the release in vccw_own_release() / vccw_own_abort()
 * of whoever emptied the area last, so its frees happen before our writes.
 * Returns 0, -EAGAIN while another W translates, -EBUSY while a cp is
 * submitted or being retired (the userspace contract of the io region).
 */
static inline int vccw_own_begin(atomic_t *own)
{
	int old = VCCW_OWN_IDLE;

	if (atomic_try_cmpxchg_acquire(own, &old, VCCW_OWN_TRANSLATING))
		return 0;
	return old == VCCW_OWN_TRANSLATING ? -EAGAIN : -EBUSY;
}

/*
 * W: translation failed or ssch did not start it; W has already released
 * everything it built. Release: those frees happen before the next owner.
 */
static inline void vccw_own_abort(atomic_t *own)
{
	atomic_set_release(own, VCCW_OWN_IDLE);
	vccw_own_wake(own);
}

/*
 * W: ssch returned cc 0. Called with sch->lock (@sch_lock) held, the same
 * critical section as the ssch, so the irq callback can never see an
 * interrupt for this cp without seeing SUBMITTED. Release: the cp W built
 * is visible to whoever claims it (pairs with vccw_own_claim()).
 */
static inline void vccw_own_submit(atomic_t *own, spinlock_t *sch_lock)
{
	lockdep_assert_held(sch_lock);
	atomic_set_release(own, VCCW_OWN_SUBMITTED);
	vccw_own_wake(own);
}

/*
 * I (for a solicited final IRB) or R (after quiescing the subchannel),
 * both with sch->lock (@sch_lock) held: win the right to retire the
 * submitted cp. At most one caller gets true; only it may free. Acquire:
 * pairs with vccw_own_submit().
 */
static inline bool vccw_own_claim(atomic_t *own, spinlock_t *sch_lock)
{
	int old = VCCW_OWN_SUBMITTED;

	lockdep_assert_held(sch_lock);
	return atomic_try_cmpxchg_acquire(own, &old, VCCW_OWN_CLAIMED);
}

/*
 * R, holding retire_mutex (@retire_mutex): fence an idle area so that no
 * W can start while R resets the device. Acquire: pairs with the release
 * that made it IDLE.
 */
static inline bool vccw_own_fence(atomic_t *own, struct mutex *retire_mutex)
{
	int old = VCCW_OWN_IDLE;

	lockdep_assert_held(retire_mutex);
	return atomic_try_cmpxchg_acquire(own, &old, VCCW_OWN_CLAIMED);
}

/*
 * Q or R, holding the claim: the area is empty again. Release: our frees
 * happen before the next vccw_own_begin(). Waiters in vccw_own_wait_leave()
 * are woken.
 */
static inline void vccw_own_release(atomic_t *own)
{
	atomic_set_release(own, VCCW_OWN_IDLE);
	vccw_own_wake(own);
}

/* A snapshot, for R deciding what to do next and for reporting only. */
static inline int vccw_own_read(atomic_t *own)
{
	return atomic_read_acquire(own);
}

/* R: sleep until the word is no longer @state. */
static inline void vccw_own_wait_leave(atomic_t *own, int state)
{
	wait_var_event(own, atomic_read_acquire(own) != state);
}

#endif /* _VFIO_CCW_OWN_H_ */
