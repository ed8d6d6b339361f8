/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio-ccw: private definitions shared by the driver's files.
 *
 * Two objects per subchannel, with different lifetimes:
 *
 * struct vfio_ccw_parent  css probe .. css remove. The mdev parent. Its
 *                         @private pointer is set by mdev probe and cleared
 *                         by mdev remove, both under sch->lock, so the css
 *                         callbacks (which run under sch->lock or take it)
 *                         see either a live device or NULL.
 * struct vfio_ccw_private mdev probe .. last vfio_put_device(). Everything
 *                         the vfio device needs: regions, cp, irq ring.
 *
 * Locks and what they protect:
 *   sch->lock      (spinlock, irqs off) the subchannel; parent->private;
 *                  the I->Q IRB ring (head, tail, entries); ->completion;
 *                  the ssch/hsch/csch instructions and the SUBMITTED
 *                  publication of vccw_own_submit().
 *   io_mutex       the contents of io_region and cmd_region as userspace
 *                  sees them (so a reader never sees a torn IRB). It does
 *                  NOT protect the cp: that is the ownership word.
 *   trigger_mutex  the three eventfd context pointers.
 *   crw_lock       the queue of pending CRWs.
 *   retire_mutex   serializes the R paths among themselves (two resets, a
 *                  reset and an unmap), so that only one quiesces at a
 *                  time; W, I and Q never take it.
 *   own            (atomic, no lock) who owns the cp: vfio_ccw_own.h.
 */
#ifndef _VFIO_CCW_PRIVATE_H_
#define _VFIO_CCW_PRIVATE_H_

#include <linux/completion.h>
#include <linux/eventfd.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/crw.h>
#include <asm/debug.h>

#include "css.h"
#include "vfio_ccw_cp.h"
#include "vfio_ccw_hooks.h"
#include "vfio_ccw_irb.h"
#include "vfio_ccw_own.h"

/* Region offsets: index in the top bits, as userspace gets from info. */
#define VCCW_OFFSET_SHIFT	40
#define VCCW_INDEX_TO_OFFSET(i)	((u64)(i) << VCCW_OFFSET_SHIFT)
#define VCCW_OFFSET_TO_INDEX(o)	((o) >> VCCW_OFFSET_SHIFT)
#define VCCW_OFFSET_MASK	((1ULL << VCCW_OFFSET_SHIFT) - 1)

/* Capability regions after VFIO_CCW_CONFIG_REGION_INDEX, in this order. */
enum vccw_cap_region {
	VCCW_REGION_ASYNC,
	VCCW_REGION_SCHIB,
	VCCW_REGION_CRW,
	VCCW_NR_CAP_REGIONS,
};

/* IRBs Q has processed and userspace has not read yet (io_mutex). */
#define VCCW_OUTBOX_SIZE	32

/* debugfs counters; all atomic, read without locks */
enum vccw_stat {
	VCCW_STAT_STARTS,		/* START requests accepted (cc 0) */
	VCCW_STAT_REFUSED_EAGAIN,
	VCCW_STAT_REFUSED_EBUSY,
	VCCW_STAT_REFUSED_OTHER,	/* any other errno from a START */
	VCCW_STAT_HALTS,
	VCCW_STAT_CLEARS,
	VCCW_STAT_IRB_SOLICITED,
	VCCW_STAT_IRB_UNSOLICITED,
	VCCW_STAT_IRB_FINAL,
	VCCW_STAT_IRB_INTERMEDIATE,
	VCCW_STAT_IRB_DROPPED,		/* ring full, no claim: dropped */
	VCCW_STAT_IRB_DELIVERED,	/* copied to the io region by Q */
	VCCW_STAT_IRB_SUPERSEDED,	/* an HSCH/CSCH came before the read */
	VCCW_STAT_CLAIMS_IRQ,
	VCCW_STAT_CLAIMS_RETIRE,
	VCCW_STAT_FREES,
	VCCW_NR_STATS,
};

struct vfio_ccw_crw {
	struct list_head next;
	struct crw crw;
};

struct vfio_ccw_private;

struct vfio_ccw_parent {
	struct device dev;
	struct mdev_parent parent;
	struct mdev_type mdev_type;
	struct mdev_type *mdev_types[1];
	struct vfio_ccw_private *private;	/* under sch->lock */
	struct mutex parked_lock;		/* @parked */
	struct vccw_parked *parked;	/* programs the channel may still run */
};

/* A DMA range being unmapped. */
struct vccw_range {
	u64 iova;
	u64 length;
};

/* Bits of vfio_ccw_private.flags */
enum {
	VCCW_FLAG_NOT_OPER,	/* the subchannel is gone; I/O gets -ENODEV */
};

struct vfio_ccw_private {
	struct vfio_device vdev;
	struct subchannel *sch;
	struct vfio_ccw_parent *parent;
	unsigned long flags;

	/* The cp and who owns it. */
	atomic_t own;
	struct vccw_cp cp;
	u32 submits;			/* cps submitted, under sch->lock */
	atomic_long_t pinned_now;

	/* I -> Q, under sch->lock */
	struct vccw_ring ring;		/* vfio_ccw_irb.h */
	struct completion *completion;	/* quiesce waits for a final IRB */
	struct work_struct io_work;
	dma32_t guest_cpa;		/* Q only: last cpa the guest was given */

	/* Regions, contents under io_mutex */
	struct mutex io_mutex;		/* io_region and cmd_region contents */
	struct ccw_io_region *io_region;
	struct ccw_cmd_region *cmd_region;
	/*
	 * Q -> userspace, under io_mutex: the io region holds one IRB. Once
	 * Q posted one there (@irb_unread), the next ones wait in @outbox
	 * until userspace has read the region's irb_area; when the outbox is
	 * full the newest waiting IRB is dropped (counted), never a claim's.
	 * An accepted HSCH or CSCH supersedes the status that userspace has
	 * not been given yet: each one starts a new status generation
	 * (@status_gen, written under sch->lock), I stamps each IRB with
	 * it, @region_gen is the stamp of the IRB in the region.
	 */
	u32 status_gen;
	u32 region_gen;
	u32 gen_taken;			/* I: stamp of its last IRB */
	wait_queue_head_t gen_wq;	/* a reader waits for gen_taken */
	bool irb_unread;
	unsigned int outbox_head;
	unsigned int outbox_len;
	struct vccw_irb_entry outbox[VCCW_OUTBOX_SIZE];

	/* CRWs */
	spinlock_t crw_lock;
	struct list_head crw;
	struct work_struct crw_work;

	struct mutex retire_mutex;	/* one R at a time */

	/* not-operational: retire in process context */
	struct work_struct notoper_work;

	struct mutex trigger_mutex;	/* the three eventfd pointers */
	struct eventfd_ctx *io_trigger;
	struct eventfd_ctx *crw_trigger;
	struct eventfd_ctx *req_trigger;

	atomic_long_t stats[VCCW_NR_STATS];
	struct dentry *debugfs;
	struct vccw_hooks hooks;	/* debug builds only */
};

static inline void vccw_stat_inc(struct vfio_ccw_private *p, enum vccw_stat s)
{
	atomic_long_inc(&p->stats[s]);
}

extern struct workqueue_struct *vfio_ccw_work_q;
extern atomic_t vfio_ccw_crws_live;
extern atomic_t vfio_ccw_parked_live;
extern struct mdev_driver vfio_ccw_mdev_driver;
extern debug_info_t *vfio_ccw_debug_msg_id;

#define VCCW_MSG(imp, fmt, args...) \
	debug_sprintf_event(vfio_ccw_debug_msg_id, imp, fmt, ##args)

/* vfio_ccw_drv.c */
void vfio_ccw_io_work(struct work_struct *work);
void vfio_ccw_irb_before_read(struct vfio_ccw_private *private);
void vfio_ccw_irb_read(struct vfio_ccw_private *private);
void vfio_ccw_outbox_reset(struct vfio_ccw_private *private);
void vfio_ccw_crw_work(struct work_struct *work);
void vfio_ccw_notoper_work(struct work_struct *work);
int vfio_ccw_enable(struct vfio_ccw_private *private);
void vfio_ccw_retire(struct vfio_ccw_private *private, bool reenable);
void vfio_ccw_queue_crw(struct vfio_ccw_private *private, unsigned int rsc,
			unsigned int erc, unsigned int rsid);
void vfio_ccw_crw_free(struct vfio_ccw_crw *c);
void vfio_ccw_crw_flush(struct vfio_ccw_private *private);
void vfio_ccw_retire_range(struct vfio_ccw_private *private, u64 iova,
			   u64 length);
void vfio_ccw_park(struct vfio_ccw_private *private, struct vccw_parked *p);
void vfio_ccw_debugfs_add(struct vfio_ccw_private *private);
void vfio_ccw_debugfs_remove(struct vfio_ccw_private *private);
void vfio_ccw_debugfs_init(void);
void vfio_ccw_debugfs_exit(void);

/* For the debug hooks (vfio_ccw_hooks.c): what cio and css would call. */
struct chp_link;
void vccw_irq_take(struct vfio_ccw_private *private, struct irb *irb);
void vccw_gone(struct vfio_ccw_private *private);
int vfio_ccw_chp_event(struct subchannel *sch, struct chp_link *link,
		       int event);

#endif /* _VFIO_CCW_PRIVATE_H_ */
