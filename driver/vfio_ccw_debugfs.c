// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw debugfs, for the selftests and for anyone watching a device:
 *
 *   <debugfs>/vfio_ccw/crws          CRWs allocated and not yet freed
 *   <debugfs>/vfio_ccw/parked        parked channel programs not yet freed
 *   <debugfs>/vfio_ccw/<mdev>/stats  the counters of enum vccw_stat, the
 *                                    pages pinned now and the ownership word
 *
 * and, in builds with the debug hooks, the files of vfio_ccw_hooks.h.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "vfio_ccw_private.h"

static struct dentry *vfio_ccw_debugfs_root;

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
	[VCCW_STAT_IRB_SUPERSEDED] = "irb_superseded",
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

void __init vfio_ccw_debugfs_init(void)
{
	vfio_ccw_debugfs_root = debugfs_create_dir("vfio_ccw", NULL);
	debugfs_create_atomic_t("crws", 0444, vfio_ccw_debugfs_root,
				&vfio_ccw_crws_live);
	debugfs_create_atomic_t("parked", 0444, vfio_ccw_debugfs_root,
				&vfio_ccw_parked_live);
	vccw_hooks_debugfs_root(vfio_ccw_debugfs_root);
}

void vfio_ccw_debugfs_exit(void)
{
	debugfs_remove_recursive(vfio_ccw_debugfs_root);
}
