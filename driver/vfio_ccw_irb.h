/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: what an IRB means for the channel program, and the I -> Q ring.
 *
 * vccw_irb_classify() is the one place that decides whether an IRB is
 * solicited and whether it is final; vccw_irb_ends_cp() whether such an
 * IRB ends the submitted channel program (I then tries vccw_own_claim()).
 * Both are pure functions of the IRB, so that they can be unit-tested
 * (vfio_ccw_kunit.c) on crafted IRBs.
 *
 * The ring carries IRBs from the irq callback (I, the only producer) to
 * the work item (Q, the only consumer). Both use it under sch->lock only;
 * nothing in here takes a lock.
 */
#ifndef _VFIO_CCW_IRB_H_
#define _VFIO_CCW_IRB_H_

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/cio.h>
#include <asm/scsw.h>

/* Class bits of an IRB, from vccw_irb_classify(). */
#define VCCW_IRB_SOLICITED	BIT(0)	/* reports on a function we started */
#define VCCW_IRB_FINAL		BIT(1)	/* that function has ended */

/**
 * vccw_irb_classify() - solicited? final?
 * @irb: the IRB as the channel subsystem stored it
 *
 * Solicited as cio defines it (scsw_is_solicited(): a deferred condition
 * code, or anything but alert status alone). Final: neither the
 * subchannel nor the device is active any more, or a deferred condition
 * code says the function never started.
 *
 * Return: a mask of %VCCW_IRB_SOLICITED and %VCCW_IRB_FINAL.
 */
static inline unsigned int vccw_irb_classify(struct irb *irb)
{
	union scsw *scsw = &irb->scsw;
	unsigned int cls = 0;

	if (scsw_is_solicited(scsw))
		cls |= VCCW_IRB_SOLICITED;
	if (!(scsw_actl(scsw) & (SCSW_ACTL_DEVACT | SCSW_ACTL_SCHACT)) ||
	    scsw_cc(scsw))
		cls |= VCCW_IRB_FINAL;
	return cls;
}

/* Does an IRB of class @cls end the submitted cp? Solicited and final. */
static inline bool vccw_irb_ends_cp(unsigned int cls)
{
	return (cls & (VCCW_IRB_SOLICITED | VCCW_IRB_FINAL)) ==
	       (VCCW_IRB_SOLICITED | VCCW_IRB_FINAL);
}

/*
 * The I -> Q queue. When it is full, I drops the new IRB (counted in
 * debugfs) unless it carries the claim, in which case it replaces the
 * newest queued entry: the final status of a cp and its claim are never
 * lost. There is at most one claim in flight (the word stays CLAIMED
 * until Q releases it), so the entry it replaces never holds a claim
 * itself.
 */
#define VCCW_RING_SIZE		32

struct vccw_irb_entry {
	struct irb irb;
	bool claim;	/* I won vccw_own_claim() for this IRB: Q frees */
	bool for_cp;	/* solicited while SUBMITTED: cp still allocated */
	u32 gen;	/* status generation when I took it (vccw_superseded) */
};

/**
 * struct vccw_ring - IRBs from I to Q, under sch->lock
 * @ent: the entries
 * @head: next entry Q takes
 * @len: entries queued
 */
struct vccw_ring {
	struct vccw_irb_entry ent[VCCW_RING_SIZE];
	unsigned int head;
	unsigned int len;
};

/**
 * vccw_ring_slot() - I: where to put a new IRB
 * @r: the ring
 * @claim: the new IRB carries the claim
 * @dropped: set to true when an IRB is lost (the new one, or the newest
 *	queued one that a claim overwrites), else false
 *
 * Return: the entry to fill in, or NULL when the new IRB is dropped.
 */
static inline struct vccw_irb_entry *vccw_ring_slot(struct vccw_ring *r,
						    bool claim, bool *dropped)
{
	unsigned int slot;

	*dropped = r->len == VCCW_RING_SIZE;
	if (!*dropped) {
		slot = (r->head + r->len) % VCCW_RING_SIZE;
		r->len++;
	} else if (claim) {
		/* Keep the claim: overwrite the newest entry (see above). */
		slot = (r->head + VCCW_RING_SIZE - 1) % VCCW_RING_SIZE;
	} else {
		return NULL;
	}
	return &r->ent[slot];
}

static inline bool vccw_ring_empty(const struct vccw_ring *r)
{
	return !r->len;
}

/* Q: take the oldest entry into @e; the ring must not be empty. */
static inline void vccw_ring_take(struct vccw_ring *r,
				  struct vccw_irb_entry *e)
{
	*e = r->ent[r->head];
	r->head = (r->head + 1) % VCCW_RING_SIZE;
	r->len--;
}

#endif /* _VFIO_CCW_IRB_H_ */
