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
 * W, under sch->lock after cc 0: inject the IRB armed to come before the
 * real ones, if any, reporting a PCI at @cpa for an intermediate one.
 * h->lock is taken with interrupts off everywhere: here it nests inside
 * sch->lock, which the I/O interrupt takes (lockdep: hardirq-safe ->
 * hardirq-unsafe otherwise).
 */
void vccw_hook_after_ssch(struct vfio_ccw_private *private, u32 cpa)
{
	struct vccw_hooks *h = &private->hooks;
	enum vccw_inject kind;
	unsigned long flags;

	spin_lock_irqsave(&h->lock, flags);
	kind = h->after_ssch;
	h->after_ssch = VCCW_INJECT_NONE;
	spin_unlock_irqrestore(&h->lock, flags);
	if (kind != VCCW_INJECT_NONE)
		vfio_ccw_inject_irb(private, kind, cpa);
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

/*
 * <debugfs>/vfio_ccw/cpu_hog: a write of N (1 to 20) keeps the writer's
 * CPU busy in the kernel for up to N seconds, interrupts enabled and
 * preemption disabled, as a long kernel loop without cond_resched() does
 * on a PREEMPT_NONE kernel (cio's scan of every subchannel id after a
 * channel-path vary on is one): an I/O interrupt may still be taken on
 * that CPU, but no task or bound work item runs there. A write of 0 from
 * another task ends it; a read says "hogging=<0|1> cpu=<n>". The hook
 * command "release irq hog N" first hands I the IRBs held back, on the
 * hogged CPU, so the work they queue is queued there.
 */
static atomic_t vccw_hog_on = ATOMIC_INIT(0);
static int vccw_hog_cpu = -1;
static bool vccw_hog_stop;

static int vccw_hog(unsigned int secs, struct vfio_ccw_private *release)
{
	unsigned long end;

	if (!secs || secs > 20)
		return -EINVAL;
	if (atomic_cmpxchg(&vccw_hog_on, 0, 1))
		return -EBUSY;
	WRITE_ONCE(vccw_hog_stop, false);
	end = jiffies + secs * HZ;
	preempt_disable();
	WRITE_ONCE(vccw_hog_cpu, smp_processor_id());
	if (release)
		vfio_ccw_hook_hold_irbs(release, false);
	while (!READ_ONCE(vccw_hog_stop) && time_before(jiffies, end))
		cpu_relax();
	WRITE_ONCE(vccw_hog_cpu, -1);
	preempt_enable();
	atomic_set(&vccw_hog_on, 0);
	return 0;
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
	if (!strncmp(buf, "release irq hog ", 16)) {
		unsigned int secs;
		int ret;

		ret = kstrtouint(buf + 16, 10, &secs);
		if (!ret)
			ret = vccw_hog(secs, container_of(h,
							  struct vfio_ccw_private,
							  hooks));
		return ret ? ret : count;
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

static ssize_t vccw_hog_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	unsigned int secs;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 10, &secs);
	if (!ret && !secs)
		WRITE_ONCE(vccw_hog_stop, true);
	else if (!ret)
		ret = vccw_hog(secs, NULL);
	return ret ? ret : count;
}

static ssize_t vccw_hog_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	int cpu = READ_ONCE(vccw_hog_cpu);
	char buf[32];
	int n;

	n = scnprintf(buf, sizeof(buf), "hogging=%d cpu=%d\n", cpu >= 0, cpu);
	return simple_read_from_buffer(ubuf, count, ppos, buf, n);
}

static const struct file_operations vccw_hog_fops = {
	.owner = THIS_MODULE,
	.read = vccw_hog_read,
	.write = vccw_hog_write,
	.llseek = default_llseek,
};

void vccw_hooks_debugfs_root(struct dentry *root)
{
	debugfs_create_bool("probe_crw", 0600, root, &vccw_probe_crw);
	debugfs_create_file("cpu_hog", 0600, root, NULL, &vccw_hog_fops);
}

/*
 * Debug hooks, in I: hold @irb back instead of taking it? A held IRB is
 * tagged with the cp it reports on (the submit count while SUBMITTED, 0
 * for none), so that it is dropped, not replayed, once that cp is gone.
 */
bool vccw_hook_hold_irb(struct vfio_ccw_private *private, struct irb *irb)
{
	struct vccw_hooks *h = &private->hooks;

	lockdep_assert_held(&private->sch->lock);
	if (!h->hold_irbs || h->nr_held == ARRAY_SIZE(h->held))
		return false;
	h->held_cp[h->nr_held] =
		vccw_own_read(&private->own) == VCCW_OWN_SUBMITTED ?
		private->submits : 0;
	memcpy(&h->held[h->nr_held++], irb, sizeof(*irb));
	return true;
}

/* Is the IRB held in slot @i about a cp that is still submitted? */
static bool vccw_hook_held_current(struct vfio_ccw_private *private,
				   unsigned int i)
{
	return private->hooks.held_cp[i] == private->submits &&
	       vccw_own_read(&private->own) == VCCW_OWN_SUBMITTED;
}

/*
 * Debug hooks (vfio_ccw_hooks.h): start holding back the real IRBs (@on),
 * or stop and hand I the held ones, in order, with sch->lock held as cio
 * would. A held IRB of a cp that was retired meanwhile is dropped: its
 * channel program was stopped, real hardware would not report on it.
 */
void vfio_ccw_hook_hold_irbs(struct vfio_ccw_private *private, bool on)
{
	struct vccw_hooks *h = &private->hooks;
	struct subchannel *sch = private->sch;
	unsigned int i;

	spin_lock_irq(&sch->lock);
	h->hold_irbs = on;
	if (!on) {
		for (i = 0; i < h->nr_held; i++) {
			if (h->held_cp[i] && !vccw_hook_held_current(private, i))
				vccw_stat_inc(private, VCCW_STAT_IRB_DROPPED);
			else
				vccw_irq_take(private, &h->held[i]);
		}
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

/*
 * With sch->lock held: the quiesce stopped the channel; IRBs held back
 * for a cp are void (a channel stopped by a clear gives a new status).
 */
void vfio_ccw_hook_channel_stopped(struct vfio_ccw_private *private)
{
	struct vccw_hooks *h = &private->hooks;
	unsigned int i, n = 0;

	lockdep_assert_held(&private->sch->lock);
	for (i = 0; i < h->nr_held; i++) {
		if (h->held_cp[i]) {
			vccw_stat_inc(private, VCCW_STAT_IRB_DROPPED);
			continue;
		}
		h->held[n] = h->held[i];
		h->held_cp[n++] = 0;
	}
	h->nr_held = n;
}

/* Does the hook pretend the channel still runs the submitted cp? */
bool vfio_ccw_hook_cp_running(struct vfio_ccw_private *private)
{
	struct vccw_hooks *h = &private->hooks;
	unsigned int i;
	bool running = false;

	spin_lock_irq(&private->sch->lock);
	for (i = 0; i < h->nr_held; i++)
		running |= h->held_cp[i] == private->submits;
	spin_unlock_irq(&private->sch->lock);
	return running;
}

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

/*
 * Debug hooks (vfio_ccw_hooks.h): what sch_event does when stsch finds
 * the subchannel gone, for a subchannel QEMU keeps.
 */
void vfio_ccw_inject_not_oper(struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;

	spin_lock_irq(&sch->lock);
	vccw_gone(private);
	spin_unlock_irq(&sch->lock);
}

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
