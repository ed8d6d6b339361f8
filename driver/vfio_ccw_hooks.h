/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debug hooks that hold the work item (Q) or the writer (W) at a chosen
 * point, so that the selftests can force the races of the seeds instead
 * of hoping for them. Compiled in only with CONFIG_VFIO_CCW_DEBUG_HOOKS=y
 * on the module's make command line (the top-level Makefile does that
 * for the test build); otherwise every hook is an empty inline.
 *
 * Control: <debugfs>/vfio_ccw/<mdev uuid>/hook
 *   write "arm work"        hold Q before it takes each queued IRB
 *   write "arm translated"  hold W after translation, before ssch
 *   write "step"            let one held pass through
 *   write "release"         disarm and let everything through
 *   read                    "armed=<point> waiting=<n> passes=<n>"
 * A held party is let go by itself after VCCW_HOOK_MAX_HOLD seconds, so a
 * crashed test cannot wedge the kernel.
 */
#ifndef _VFIO_CCW_HOOKS_H_
#define _VFIO_CCW_HOOKS_H_

#include <linux/spinlock.h>
#include <linux/wait.h>

enum vccw_hook_point {
	VCCW_HOOK_NONE,
	VCCW_HOOK_WORK,
	VCCW_HOOK_TRANSLATED,
};

struct vccw_hooks {
	spinlock_t lock;	/* the fields below */
	wait_queue_head_t wq;
	int armed;		/* enum vccw_hook_point, under lock */
	unsigned int steps;	/* passes granted, under lock */
	unsigned int waiting;	/* parties held now, under lock */
	unsigned long passes;	/* parties let through, under lock */
};

struct vfio_ccw_private;

#ifdef CONFIG_VFIO_CCW_DEBUG_HOOKS
#define VCCW_HOOK_MAX_HOLD	60
void vccw_hooks_init(struct vccw_hooks *h);
void vccw_hook(struct vccw_hooks *h, enum vccw_hook_point pt);
void vccw_hooks_debugfs(struct vccw_hooks *h, struct dentry *dir);
void vccw_hooks_release(struct vccw_hooks *h);
#else
static inline void vccw_hooks_init(struct vccw_hooks *h) {}
static inline void vccw_hook(struct vccw_hooks *h, enum vccw_hook_point pt) {}
static inline void vccw_hooks_debugfs(struct vccw_hooks *h,
				      struct dentry *dir) {}
static inline void vccw_hooks_release(struct vccw_hooks *h) {}
#endif

#endif /* _VFIO_CCW_HOOKS_H_ */
