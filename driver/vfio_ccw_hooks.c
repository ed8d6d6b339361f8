// SPDX-License-Identifier: GPL-2.0
/* vfio-ccw debug hooks: see vfio_ccw_hooks.h. */

#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "chp.h"
#include "vfio_ccw_private.h"

static const char * const vccw_hook_names[] = {
	[VCCW_HOOK_NONE] = "none",
	[VCCW_HOOK_WORK] = "work",
	[VCCW_HOOK_TRANSLATED] = "translated",
};

static const char * const vccw_inject_names[] = {
	[VCCW_INJECT_NONE] = "none",
	[VCCW_INJECT_INTERMEDIATE] = "intermediate",
	[VCCW_INJECT_UNSOLICITED] = "unsolicited",
};

void vccw_hooks_init(struct vccw_hooks *h)
{
	spin_lock_init(&h->lock);
	init_waitqueue_head(&h->wq);
	h->armed = VCCW_HOOK_NONE;
	h->after_ssch = VCCW_INJECT_NONE;
}

/*
 * W, under sch->lock after cc 0: the IRB to inject now, if one is armed.
 * h->lock is taken with interrupts off everywhere: here it nests inside
 * sch->lock, which the I/O interrupt takes (lockdep: hardirq-safe ->
 * hardirq-unsafe otherwise).
 */
int vccw_hook_after_ssch(struct vccw_hooks *h)
{
	unsigned long flags;
	int kind;

	spin_lock_irqsave(&h->lock, flags);
	kind = h->after_ssch;
	h->after_ssch = VCCW_INJECT_NONE;
	spin_unlock_irqrestore(&h->lock, flags);
	return kind;
}

static int vccw_inject_kind(const char *name)
{
	int i;

	for (i = VCCW_INJECT_NONE + 1; i < ARRAY_SIZE(vccw_inject_names); i++)
		if (!strcmp(name, vccw_inject_names[i]))
			return i;
	return -EINVAL;
}

/* May the party held at @pt go? Takes a step if one was granted. */
static bool vccw_hook_go(struct vccw_hooks *h, int pt)
{
	unsigned long flags;
	bool go;

	spin_lock_irqsave(&h->lock, flags);
	go = h->armed != pt || h->steps;
	if (go && h->armed == pt)
		h->steps--;
	spin_unlock_irqrestore(&h->lock, flags);
	return go;
}

void vccw_hook(struct vccw_hooks *h, enum vccw_hook_point pt)
{
	unsigned long flags;

	spin_lock_irqsave(&h->lock, flags);
	if (h->armed != pt) {
		spin_unlock_irqrestore(&h->lock, flags);
		return;
	}
	h->waiting++;
	spin_unlock_irqrestore(&h->lock, flags);
	wake_up_all(&h->wq);

	if (!wait_event_timeout(h->wq, vccw_hook_go(h, pt),
				VCCW_HOOK_MAX_HOLD * HZ))
		pr_warn_ratelimited("vfio_ccw: hook %s timed out, released\n",
				    vccw_hook_names[pt]);

	spin_lock_irqsave(&h->lock, flags);
	h->waiting--;
	h->passes++;
	spin_unlock_irqrestore(&h->lock, flags);
	wake_up_all(&h->wq);
}

void vccw_hooks_release(struct vccw_hooks *h)
{
	unsigned long flags;

	spin_lock_irqsave(&h->lock, flags);
	h->armed = VCCW_HOOK_NONE;
	h->steps = 0;
	h->after_ssch = VCCW_INJECT_NONE;
	spin_unlock_irqrestore(&h->lock, flags);
	wake_up_all(&h->wq);
}

static int vccw_hook_show(struct seq_file *m, void *unused)
{
	struct vccw_hooks *h = m->private;
	struct vfio_ccw_private *private =
		container_of(h, struct vfio_ccw_private, hooks);
	unsigned int held = vfio_ccw_hook_nr_held(private);
	unsigned long flags;

	spin_lock_irqsave(&h->lock, flags);
	seq_printf(m, "armed=%s waiting=%u passes=%lu after_ssch=%s held=%u\n",
		   vccw_hook_names[h->armed], h->waiting, h->passes,
		   vccw_inject_names[h->after_ssch], held);
	spin_unlock_irqrestore(&h->lock, flags);
	return 0;
}

static int vccw_hook_open(struct inode *inode, struct file *file)
{
	return single_open(file, vccw_hook_show, inode->i_private);
}

static ssize_t vccw_hook_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct vccw_hooks *h = ((struct seq_file *)file->private_data)->private;
	unsigned long flags;
	char buf[32];
	int pt = -1;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);

	if (!strcmp(buf, "release") || !strcmp(buf, "release irq") ||
	    !strcmp(buf, "hold irq")) {
		struct vfio_ccw_private *private =
			container_of(h, struct vfio_ccw_private, hooks);

		if (!strcmp(buf, "release"))
			vccw_hooks_release(h);
		vfio_ccw_hook_hold_irbs(private, !strcmp(buf, "hold irq"));
		return count;
	}
	if (!strncmp(buf, "after-ssch ", 11)) {
		int kind = vccw_inject_kind(buf + 11);

		if (kind < 0)
			return kind;
		spin_lock_irqsave(&h->lock, flags);
		h->after_ssch = kind;
		spin_unlock_irqrestore(&h->lock, flags);
		return count;
	}
	if (!strcmp(buf, "inject chp offline") ||
	    !strcmp(buf, "inject chp online")) {
		struct vfio_ccw_private *private =
			container_of(h, struct vfio_ccw_private, hooks);
		int ret;

		ret = vfio_ccw_inject_chp_event(private,
						strstr(buf, "offline") ?
						CHP_OFFLINE : CHP_ONLINE);
		return ret ? ret : count;
	}
	if (!strcmp(buf, "inject not-oper")) {
		vfio_ccw_inject_not_oper(container_of(h,
						      struct vfio_ccw_private,
						      hooks));
		return count;
	}
	if (!strcmp(buf, "inject unsolicited")) {
		struct vfio_ccw_private *private =
			container_of(h, struct vfio_ccw_private, hooks);

		spin_lock_irq(&private->sch->lock);
		vfio_ccw_inject_irb(private, VCCW_INJECT_UNSOLICITED, 0);
		spin_unlock_irq(&private->sch->lock);
		return count;
	}
	if (!strcmp(buf, "arm work"))
		pt = VCCW_HOOK_WORK;
	else if (!strcmp(buf, "arm translated"))
		pt = VCCW_HOOK_TRANSLATED;

	spin_lock_irqsave(&h->lock, flags);
	if (pt >= 0) {
		h->armed = pt;
		h->steps = 0;
	} else if (!strcmp(buf, "step") && h->armed != VCCW_HOOK_NONE) {
		h->steps++;
	} else {
		spin_unlock_irqrestore(&h->lock, flags);
		return -EINVAL;
	}
	spin_unlock_irqrestore(&h->lock, flags);
	wake_up_all(&h->wq);
	return count;
}

static const struct file_operations vccw_hook_fops = {
	.owner = THIS_MODULE,
	.open = vccw_hook_open,
	.read = seq_read,
	.write = vccw_hook_write,
	.llseek = seq_lseek,
	.release = single_release,
};

void vccw_hooks_debugfs(struct vccw_hooks *h, struct dentry *dir)
{
	debugfs_create_file("hook", 0600, dir, h, &vccw_hook_fops);
}

/*
 * <debugfs>/vfio_ccw/probe_crw: while it reads 1, every mdev probe queues
 * a made-up channel-path CRW right after it published the device to the
 * css callbacks and before it registers it, as if a channel-path event
 * came in at that moment (the window a failed registration must clean).
 */
static bool vccw_probe_crw;

void vccw_hook_probe_published(struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;

	if (!READ_ONCE(vccw_probe_crw))
		return;
	spin_lock_irq(&sch->lock);
	vfio_ccw_queue_crw(private, CRW_RSC_CPATH, CRW_ERC_INIT, 0);
	spin_unlock_irq(&sch->lock);
}

void vccw_hooks_debugfs_root(struct dentry *root)
{
	debugfs_create_bool("probe_crw", 0600, root, &vccw_probe_crw);
}
