/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debug hooks that hold the work item (Q) or the writer (W) at a chosen
 * point, so that the selftests can force the races the ownership protocol
 * is proven against (lkmm/) instead of hoping for them. Compiled in only
 * with CONFIG_VFIO_CCW_DEBUG_HOOKS=y on the module's make command line
 * (the top-level Makefile does that for the test build); otherwise every
 * hook is an empty inline.
 *
 * Control: <debugfs>/vfio_ccw/<mdev uuid>/hook
 *   write "arm work"        hold Q before it takes each queued IRB
 *   write "arm translated"  hold W after translation, before ssch
 *   write "step"            let one held pass through
 *   write "release"         disarm and let everything through
 *   write "after-ssch intermediate" | "after-ssch unsolicited"
 *                           the next W that gets cc 0 hands I a made-up
 *                           IRB of that kind, under the same sch->lock,
 *                           so it comes before the real IRBs of the cp
 *   write "inject unsolicited"
 *                           hand I a made-up unsolicited IRB now
 *   write "hold irq"        I holds back the real IRBs it is given (up
 *                           to VCCW_HOOK_MAX_HELD, later ones pass), as
 *                           if the channel program ran on; a quiesce
 *                           waiting for a final IRB meanwhile waits for
 *                           one that passes
 *   write "release irq"     hand I the held IRBs, in order, and stop
 *                           holding ("release" does that too)
 *   write "release irq hog N"
 *                           the same, then keep this CPU busy in the
 *                           kernel as <debugfs>/vfio_ccw/cpu_hog does
 *   write "inject not-oper" what sch_event does when stsch finds the
 *                           subchannel gone: not operational, css
 *                           unregisters it, the notoper work retires
 *   write "inject chp offline" | "inject chp online"
 *                           call the chp_event handler as css does for
 *                           a channel-path CRW, on the first path
 *   read                    "armed=<point> waiting=<n> passes=<n>
 *                            after_ssch=<kind> held=<n>"
 *
 * Module-wide: <debugfs>/vfio_ccw/probe_crw (bool): every mdev probe
 * queues a made-up CRW between publishing and registering the device;
 * <debugfs>/vfio_ccw/cpu_hog: write N to keep the writer's CPU busy in the
 * kernel (interrupts on, no preemption) for up to N <= 20 seconds, 0 to
 * end it; read "hogging=<0|1> cpu=<n>".
 *
 * A held party is let go by itself after VCCW_HOOK_MAX_HOLD seconds, so a
 * crashed test cannot wedge the kernel.
 *
 * The made-up IRBs go through the same code as real ones (I, then Q),
 * for the interleavings QEMU's virtio devices never produce: an
 * intermediate IRB (PCI) while the cp runs, and an unsolicited one
 * (attention) while W translates or the cp runs.
 */
#ifndef _VFIO_CCW_HOOKS_H_
#define _VFIO_CCW_HOOKS_H_

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/cio.h>

enum vccw_hook_point {
	VCCW_HOOK_NONE,
	VCCW_HOOK_WORK,
	VCCW_HOOK_TRANSLATED,
};

enum vccw_inject {
	VCCW_INJECT_NONE,
	VCCW_INJECT_INTERMEDIATE,
	VCCW_INJECT_UNSOLICITED,
};

#define VCCW_HOOK_MAX_HELD	4

struct vccw_hooks {
	spinlock_t lock;	/* the fields below */
	wait_queue_head_t wq;
	int armed;		/* enum vccw_hook_point, under lock */
	unsigned int steps;	/* passes granted, under lock */
	unsigned int waiting;	/* parties held now, under lock */
	unsigned long passes;	/* parties let through, under lock */
	int after_ssch;		/* enum vccw_inject, under lock */
	/* IRBs held back from I: under sch->lock, not the lock above. */
	bool hold_irbs;
	unsigned int nr_held;
	struct irb held[VCCW_HOOK_MAX_HELD];
	u32 held_cp[VCCW_HOOK_MAX_HELD];	/* submit count, 0: none */
};

struct vfio_ccw_private;

#ifdef CONFIG_VFIO_CCW_DEBUG_HOOKS
#define VCCW_HOOK_MAX_HOLD	60
void vccw_hooks_init(struct vccw_hooks *h);
void vccw_hook(struct vccw_hooks *h, enum vccw_hook_point pt);
void vccw_hooks_debugfs(struct vccw_hooks *h, struct dentry *dir);
void vccw_hooks_release(struct vccw_hooks *h);
void vccw_hook_after_ssch(struct vfio_ccw_private *private, u32 cpa);
void vfio_ccw_inject_irb(struct vfio_ccw_private *private,
			 enum vccw_inject kind, u32 cpa);
int vfio_ccw_inject_chp_event(struct vfio_ccw_private *private, int event);
void vfio_ccw_inject_not_oper(struct vfio_ccw_private *private);
void vfio_ccw_hook_hold_irbs(struct vfio_ccw_private *private, bool on);
bool vccw_hook_hold_irb(struct vfio_ccw_private *private, struct irb *irb);
unsigned int vfio_ccw_hook_nr_held(struct vfio_ccw_private *private);
void vccw_hook_probe_published(struct vfio_ccw_private *private);
void vccw_hooks_debugfs_root(struct dentry *root);
void vfio_ccw_hook_channel_stopped(struct vfio_ccw_private *private);
bool vfio_ccw_hook_cp_running(struct vfio_ccw_private *private);
#else
static inline void vccw_hooks_init(struct vccw_hooks *h) {}
static inline void vccw_hook(struct vccw_hooks *h, enum vccw_hook_point pt) {}
static inline void vccw_hooks_debugfs(struct vccw_hooks *h,
				      struct dentry *dir) {}
static inline void vccw_hooks_release(struct vccw_hooks *h) {}
static inline void vccw_hook_after_ssch(struct vfio_ccw_private *private,
					u32 cpa) {}

static inline bool vccw_hook_hold_irb(struct vfio_ccw_private *private,
				      struct irb *irb)
{
	return false;
}

static inline void vfio_ccw_inject_irb(struct vfio_ccw_private *private,
				       enum vccw_inject kind, u32 cpa) {}
static inline void
vccw_hook_probe_published(struct vfio_ccw_private *private) {}
static inline void vccw_hooks_debugfs_root(struct dentry *root) {}
static inline void
vfio_ccw_hook_channel_stopped(struct vfio_ccw_private *private) {}
static inline bool vfio_ccw_hook_cp_running(struct vfio_ccw_private *private)
{
	return false;
}
#endif

#endif /* _VFIO_CCW_HOOKS_H_ */
