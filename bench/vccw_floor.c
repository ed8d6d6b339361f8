// SPDX-License-Identifier: GPL-2.0
/*
 * vccw_floor: the floor of "make bench". A css driver of its own that
 * runs the benchmark's channel programs on a subchannel through the
 * channel subsystem directly: START SUBCHANNEL with an ORB like the one
 * vfio-ccw builds, its own interrupt handler, no VFIO, no translation,
 * no pinning. What a program costs here is what the channel subsystem
 * (in the benchmark: QEMU's) costs; what vfio-ccw adds on top is the
 * driver's share of a round trip.
 *
 * Built only for the bench flavour (make bench), never part of vfio_ccw.
 * Bind a subchannel with driver_override = "vccw_floor"; then, per
 * subchannel, in debugfs:
 *
 *   echo "<case> <iterations>" > /sys/kernel/debug/vccw_floor/<sch>/run
 *   cat /sys/kernel/debug/vccw_floor/<sch>/run   # one time in ns a line
 *
 * The write runs the programs and returns when the last one ended (or
 * fails with the errno of the first that did not end as it must). A time
 * runs from just before the ssch (csch for "clear") to the wake-up of
 * the writer by the interrupt handler's completion.
 *
 * The cases are those of selftests/vfio_ccw_bench.c, built the same way
 * (format-1 CCWs, 4K format-2 IDAWs, prefetch allowed).
 */
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/isc.h>
#include "cio.h"
#include "css.h"
#include "ioasm.h"

#define FLOOR_PAGES	256	/* data pages: the largest IDAL case */
#define FLOOR_CCWS	256	/* the longest chain */
#define FLOOR_MAX_ITERS	1000000
#define FLOOR_TIMEOUT	(10 * HZ)
#define IDAL_RUN	16	/* IDAWs per CCW: a count of 65535 */

#define CMD_NOOP	0x03
#define CMD_SENSE_ID	0xe4
#define FL_CC		0x40
#define FL_SLI		0x20
#define FL_IDA		0x04

struct floor_sch {
	struct subchannel *sch;
	struct mutex run_lock;		/* one run at a time; ->result */
	struct completion done;
	struct irb irb;			/* the final IRB, under sch->lock */
	union orb *orb;			/* GFP_DMA, like everything ssch sees */
	struct ccw1 *ccws;
	dma64_t *idal;
	void *data[FLOOR_PAGES];
	u8 *check[16];			/* where SENSE ID data must land */
	char *result;			/* text of the last run */
	size_t result_len;
	struct dentry *dir;
};

static struct dentry *floor_root;

static void floor_irq(struct subchannel *sch)
{
	struct floor_sch *f = dev_get_drvdata(&sch->dev);
	struct irb *irb = this_cpu_ptr(&cio_irb);

	if (!f)
		return;
	/* The program is over when nothing is active any more. */
	if (scsw_actl(&irb->scsw) & (SCSW_ACTL_DEVACT | SCSW_ACTL_SCHACT))
		return;
	memcpy(&f->irb, irb, sizeof(*irb));
	complete(&f->done);
}

static void ccw_set(struct ccw1 *ccw, u8 cmd, u8 flags, u16 count, void *p)
{
	ccw->cmd_code = cmd;
	ccw->flags = flags;
	ccw->count = count;
	ccw->cda = p ? virt_to_dma32(p) : 0;
}

/*
 * Build @name into f->ccws; returns the number of CCWs, the number of
 * data pages whose first bytes must hold SENSE ID data in *@check, or
 * 0 for "clear", -EINVAL for an unknown case.
 */
static int floor_build(struct floor_sch *f, const char *name, int *check)
{
	struct ccw1 *c = f->ccws;
	unsigned int n, i, j, k;

	*check = 1;
	f->check[0] = f->data[0];
	memset(c, 0, FLOOR_CCWS * sizeof(*c));
	if (!strcmp(name, "clear")) {
		*check = 0;
		return 0;
	}
	if (!strcmp(name, "sense_id")) {
		ccw_set(c, CMD_SENSE_ID, FL_SLI, 8, f->data[0]);
		return 1;
	}
	/* SENSE ID command-chained to n - 1 NOOPs */
	n = 0;
	if (!strcmp(name, "chain_32"))
		n = 32;
	else if (sscanf(name, "ccws_%u", &n) != 1 || n > FLOOR_CCWS)
		n = 0;
	if (n) {
		ccw_set(c, CMD_SENSE_ID, (n > 1 ? FL_CC : 0) | FL_SLI, 8,
			f->data[0]);
		for (i = 1; i < n; i++)
			ccw_set(&c[i], CMD_NOOP,
				(i < n - 1 ? FL_CC : 0) | FL_SLI, 0, NULL);
		return n;
	}
	if (!strcmp(name, "pages_16")) {
		for (i = 0; i < 16; i++) {
			ccw_set(&c[i], CMD_SENSE_ID,
				(i < 15 ? FL_CC : 0) | FL_SLI, 8, f->data[i]);
			f->check[i] = f->data[i];
		}
		*check = 16;
		return 16;
	}
	/* SENSE ID of 8 bytes through two IDAWs across a page boundary */
	if (!strcmp(name, "idal_2")) {
		f->idal[0] = virt_to_dma64(f->data[0] + PAGE_SIZE - 4);
		f->idal[1] = virt_to_dma64(f->data[1]);
		ccw_set(c, CMD_SENSE_ID, FL_IDA | FL_SLI, 8, f->idal);
		f->check[0] = f->data[0] + PAGE_SIZE - 4;
		return 1;
	}
	/*
	 * idal_<p>p: p pages behind IDALs, IDAL_RUN IDAWs (a count of 65535)
	 * per SENSE ID CCW, the CCWs command-chained. "big": the same over
	 * FLOOR_PAGES pages, chained to NOOPs up to FLOOR_CCWS CCWs.
	 */
	n = 0;
	if (!strcmp(name, "big"))
		n = FLOOR_PAGES;
	else if (sscanf(name, "idal_%up", &n) != 1 ||
		 name[strlen(name) - 1] != 'p' || n > FLOOR_PAGES ||
		 (n > IDAL_RUN && n % IDAL_RUN))
		n = 0;
	if (n) {
		unsigned int nccw, per, total;

		per = min_t(unsigned int, n, IDAL_RUN);
		nccw = n / per;
		total = name[0] == 'b' ? FLOOR_CCWS : nccw;
		for (i = 0; i < n; i++)
			f->idal[i] = virt_to_dma64(f->data[i]);
		for (i = 0; i < nccw; i++) {
			k = min_t(unsigned int, per * PAGE_SIZE, 0xffff);
			ccw_set(&c[i], CMD_SENSE_ID,
				(i < total - 1 ? FL_CC : 0) | FL_SLI | FL_IDA,
				k, &f->idal[i * per]);
		}
		for (j = nccw; j < total; j++)
			ccw_set(&c[j], CMD_NOOP,
				(j < total - 1 ? FL_CC : 0) | FL_SLI, 0, NULL);
		return total;
	}
	return -EINVAL;
}

static bool sense_id_data(const u8 *p)
{
	return p[0] == 0xff && p[1] == 0x38 && p[2] == 0x32;
}

/* One program (or CSCH when @nccw is 0); its time in ns, or -errno. */
static s64 floor_one(struct floor_sch *f, int nccw, int check)
{
	struct subchannel *sch = f->sch;
	union orb *orb = f->orb;
	u64 t0, t1;
	int cc, i;

	for (i = 0; i < check; i++)
		memset(f->check[i], 0, 3);
	reinit_completion(&f->done);
	if (nccw) {
		memset(orb, 0, sizeof(*orb));
		orb->cmd.intparm = (u32)virt_to_phys(sch);
		orb->cmd.fmt = 1;
		orb->cmd.pfch = 1;
		orb->cmd.c64 = 1;
		orb->cmd.lpm = sch->lpm;
		orb->cmd.cpa = virt_to_dma32(f->ccws);
	}
	t0 = ktime_get_ns();
	spin_lock_irq(&sch->lock);
	if (nccw) {
		cc = ssch(sch->schid, orb);
		if (!cc)
			sch->schib.scsw.cmd.actl |= SCSW_ACTL_START_PEND;
		else
			cc = cc == 3 ? -ENODEV : -EBUSY;
	} else {
		cc = cio_clear(sch);
	}
	spin_unlock_irq(&sch->lock);
	if (cc)
		return cc;
	if (!wait_for_completion_timeout(&f->done, FLOOR_TIMEOUT))
		return -ETIMEDOUT;
	t1 = ktime_get_ns();
	if (!nccw)
		return scsw_fctl(&f->irb.scsw) & SCSW_FCTL_CLEAR_FUNC ?
			t1 - t0 : -EIO;
	if ((scsw_dstat(&f->irb.scsw) & (DEV_STAT_CHN_END | DEV_STAT_DEV_END))
	    != (DEV_STAT_CHN_END | DEV_STAT_DEV_END) ||
	    (scsw_dstat(&f->irb.scsw) & DEV_STAT_UNIT_CHECK) ||
	    scsw_cstat(&f->irb.scsw))
		return -EIO;
	for (i = 0; i < check; i++)
		if (!sense_id_data(f->check[i]))
			return -EIO;
	return t1 - t0 ? t1 - t0 : 1;
}

static ssize_t floor_run_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct floor_sch *f = file->private_data;
	char buf[64], name[32];
	unsigned int iters, i;
	int nccw, check;
	size_t size, off = 0;
	char *res;
	s64 t;
	ssize_t ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%31s %u", name, &iters) != 2 || !iters ||
	    iters > FLOOR_MAX_ITERS)
		return -EINVAL;
	size = (size_t)iters * 21 + 1;
	res = kvmalloc(size, GFP_KERNEL);
	if (!res)
		return -ENOMEM;

	mutex_lock(&f->run_lock);
	nccw = floor_build(f, name, &check);
	ret = nccw < 0 ? nccw : len;
	for (i = 0; nccw >= 0 && i < iters; i++) {
		t = floor_one(f, nccw, check);
		if (t < 0) {
			dev_warn(&f->sch->dev, "floor: %s: program %u: %lld\n",
				 name, i, t);
			ret = t;
			break;
		}
		off += scnprintf(res + off, size - off, "%lld\n", t);
	}
	kvfree(f->result);
	f->result = ret < 0 ? NULL : res;
	f->result_len = ret < 0 ? 0 : off;
	if (ret < 0)
		kvfree(res);
	mutex_unlock(&f->run_lock);
	return ret;
}

static ssize_t floor_run_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	struct floor_sch *f = file->private_data;
	ssize_t ret;

	mutex_lock(&f->run_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, f->result ?: "",
				      f->result_len);
	mutex_unlock(&f->run_lock);
	return ret;
}

static const struct file_operations floor_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = floor_run_read,
	.write = floor_run_write,
	.llseek = default_llseek,
};

static void floor_free(struct floor_sch *f)
{
	int i;

	for (i = 0; i < FLOOR_PAGES; i++)
		free_page((unsigned long)f->data[i]);
	kfree(f->idal);
	kfree(f->ccws);
	kfree(f->orb);
	kvfree(f->result);
	kfree(f);
}

static int floor_probe(struct subchannel *sch)
{
	struct floor_sch *f;
	int i, ret;

	if (sch->schib.pmcw.qf)
		return -ENODEV;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->sch = sch;
	mutex_init(&f->run_lock);
	init_completion(&f->done);
	f->orb = kzalloc(sizeof(*f->orb), GFP_KERNEL | GFP_DMA);
	f->ccws = kcalloc(FLOOR_CCWS, sizeof(*f->ccws), GFP_KERNEL | GFP_DMA);
	f->idal = kcalloc(FLOOR_PAGES, sizeof(*f->idal), GFP_KERNEL | GFP_DMA);
	ret = -ENOMEM;
	if (!f->orb || !f->ccws || !f->idal)
		goto out_free;
	for (i = 0; i < FLOOR_PAGES; i++) {
		f->data[i] = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
		if (!f->data[i])
			goto out_free;
	}
	dev_set_drvdata(&sch->dev, f);
	spin_lock_irq(&sch->lock);
	sch->isc = IO_SCH_ISC;
	ret = cio_enable_subchannel(sch, (u32)virt_to_phys(sch));
	spin_unlock_irq(&sch->lock);
	if (ret)
		goto out_drvdata;
	f->dir = debugfs_create_dir(dev_name(&sch->dev), floor_root);
	debugfs_create_file("run", 0600, f->dir, f, &floor_run_fops);
	return 0;

out_drvdata:
	dev_set_drvdata(&sch->dev, NULL);
out_free:
	floor_free(f);
	return ret;
}

static void floor_remove(struct subchannel *sch)
{
	struct floor_sch *f = dev_get_drvdata(&sch->dev);

	/* No run is going on: a run holds the debugfs file open. */
	debugfs_remove_recursive(f->dir);
	spin_lock_irq(&sch->lock);
	cio_disable_subchannel(sch);
	dev_set_drvdata(&sch->dev, NULL);
	spin_unlock_irq(&sch->lock);
	floor_free(f);
}

static struct css_device_id floor_ids[] = {
	{ .match_flags = 0x1, .type = SUBCHANNEL_TYPE_IO, },
	{ /* end of list */ },
};

static struct css_driver floor_driver = {
	.drv = {
		.name = "vccw_floor",
		.owner = THIS_MODULE,
	},
	.subchannel_type = floor_ids,
	.irq = floor_irq,
	.probe = floor_probe,
	.remove = floor_remove,
};

static int __init floor_init(void)
{
	int ret;

	floor_root = debugfs_create_dir("vccw_floor", NULL);
	isc_register(IO_SCH_ISC);
	ret = css_driver_register(&floor_driver);
	if (ret) {
		isc_unregister(IO_SCH_ISC);
		debugfs_remove_recursive(floor_root);
	}
	return ret;
}

static void __exit floor_exit(void)
{
	css_driver_unregister(&floor_driver);
	isc_unregister(IO_SCH_ISC);
	debugfs_remove_recursive(floor_root);
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_DESCRIPTION("make bench: channel programs through cio, no vfio-ccw");
MODULE_LICENSE("GPL");
