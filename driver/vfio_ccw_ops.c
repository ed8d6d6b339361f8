// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw: the mdev driver and the vfio device: regions, ioctls, the
 * START path (W) and HALT/CLEAR (A).
 */

#include <linux/error-injection.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cio.h"
#include "css.h"
#include "ioasm.h"
#include "vfio_ccw_private.h"
#include "vccw_trace.h"

static const struct vfio_device_ops vfio_ccw_dev_ops;

static const struct {
	u32 subtype;
	size_t size;
	u32 flags;
} vccw_cap_regions[VCCW_NR_CAP_REGIONS] = {
	[VCCW_REGION_ASYNC] = { VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD,
				sizeof(struct ccw_cmd_region),
				VFIO_REGION_INFO_FLAG_READ |
				VFIO_REGION_INFO_FLAG_WRITE },
	[VCCW_REGION_SCHIB] = { VFIO_REGION_SUBTYPE_CCW_SCHIB,
				sizeof(struct ccw_schib_region),
				VFIO_REGION_INFO_FLAG_READ },
	[VCCW_REGION_CRW] = { VFIO_REGION_SUBTYPE_CCW_CRW,
			      sizeof(struct ccw_crw_region),
			      VFIO_REGION_INFO_FLAG_READ },
};

/*
 * ssch as a function fail_function can hit: returns the condition code
 * negated (0, -1, -2, -3), so that an injected retval of -1..-3 simulates
 * cc 1..3 without starting anything.
 */
static noinline int vccw_ssch(struct subchannel *sch, union orb *orb)
{
	return -ssch(sch->schid, orb);
}
ALLOW_ERROR_INJECTION(vccw_ssch, ERRNO);

/*
 * With sch->lock held: ssch gave cc 3, so none of the paths in @lpm (the
 * ORB's, after an lpm of 0 became sch->lpm) is operational. Take them out
 * of sch->lpm, so that the next START with an lpm of 0 tries the others,
 * until a channel-path event brings them back. -EACCES while other paths
 * remain, -ENODEV when none does or the subchannel is gone; QEMU gives
 * the guest cc 3 for both.
 */
static int vccw_paths_gone(struct subchannel *sch, u8 lpm)
{
	lockdep_assert_held(&sch->lock);
	sch->lpm &= ~lpm;
	if (cio_update_schib(sch))
		return -ENODEV;
	return sch->lpm ? -EACCES : -ENODEV;
}

/*
 * W: START SUBCHANNEL for the ORB userspace wrote. Owns the cp from
 * vccw_own_begin() until it either submits it (the channel subsystem then
 * runs it and I/Q or R retire it) or aborts (having freed what it built).
 */
static int vccw_start(struct vfio_ccw_private *private, const union orb *uorb,
		      bool *owned)
{
	struct subchannel *sch = private->sch;
	union orb *orb;
	int ret, ccode;

	*owned = false;
	if (test_bit(VCCW_FLAG_NOT_OPER, &private->flags))
		return -ENODEV;

	ret = vccw_own_begin(&private->own);
	if (ret)
		return ret;
	*owned = true;
	trace_vfio_ccw_own(sch->schid, VCCW_PARTY_W, VCCW_OWN_IDLE,
			   VCCW_OWN_TRANSLATING);

	ret = vccw_cp_init(&private->cp, uorb);
	if (!ret)
		ret = vccw_cp_prefetch(&private->cp);
	if (ret)
		goto abort;

	vccw_hook(&private->hooks, VCCW_HOOK_TRANSLATED);
	orb = vccw_cp_get_orb(&private->cp, sch);
	spin_lock_irq(&sch->lock);
	/*
	 * A retire quiescing a cp that Q then retired itself leaves the
	 * subchannel disabled until that retire re-enables it: busy for a
	 * moment, not "not operational" (ssch would give cc 3).
	 */
	if (!sch->schib.pmcw.ena)
		ccode = 2;
	else
		ccode = -vccw_ssch(sch, orb);
	switch (ccode) {
	case 0:
		sch->schib.scsw.cmd.actl |= SCSW_ACTL_START_PEND;
		private->submits++;
		/* Published before the lock drops: I sees it with the IRB. */
		vccw_own_submit(&private->own, &sch->lock);
		trace_vfio_ccw_own(sch->schid, VCCW_PARTY_W, VCCW_OWN_TRANSLATING,
				   VCCW_OWN_SUBMITTED);
		/* Debug builds: an IRB made up to come before the real ones. */
		vccw_hook_after_ssch(private, dma32_to_u32(orb->cmd.cpa) +
					      sizeof(struct ccw1));
		ret = 0;
		break;
	case 1:		/* status pending */
	case 2:		/* busy */
		ret = -EBUSY;
		break;
	default:	/* 3: not operational on any path of the ORB's lpm */
		ret = vccw_paths_gone(sch, orb->cmd.lpm);
		break;
	}
	spin_unlock_irq(&sch->lock);
	if (!ret)
		return 0;
abort:
	vccw_cp_free(&private->cp);
	trace_vfio_ccw_own(sch->schid, VCCW_PARTY_W, VCCW_OWN_TRANSLATING, VCCW_OWN_IDLE);
	vccw_own_abort(&private->own);
	return ret;
}

static ssize_t vccw_io_write(struct vfio_ccw_private *private,
			     const char __user *buf, size_t count, loff_t pos)
{
	struct ccw_io_region req;
	union scsw *scsw = (union scsw *)req.scsw_area;
	bool owned = false;
	int ret;

	/* The whole region at once: ORB and SCSW together. */
	if (pos != 0 || count != sizeof(req))
		return -EINVAL;
	if (copy_from_user(&req, buf, sizeof(req)))
		return -EFAULT;

	if (scsw->cmd.fctl & SCSW_FCTL_START_FUNC)
		ret = vccw_start(private, (union orb *)req.orb_area, &owned);
	else if (scsw->cmd.fctl & (SCSW_FCTL_HALT_FUNC | SCSW_FCTL_CLEAR_FUNC))
		ret = -EOPNOTSUPP;	/* use the async region */
	else
		ret = -EINVAL;

	trace_vfio_ccw_request(private->sch->schid, VCCW_REQ_START, ret);
	switch (ret) {
	case 0:
		vccw_stat_inc(private, VCCW_STAT_STARTS);
		break;
	case -EAGAIN:
		vccw_stat_inc(private, VCCW_STAT_REFUSED_EAGAIN);
		break;
	case -EBUSY:
		vccw_stat_inc(private, VCCW_STAT_REFUSED_EBUSY);
		break;
	default:
		vccw_stat_inc(private, VCCW_STAT_REFUSED_OTHER);
		break;
	}
	/*
	 * A request refused before it owned the cp (-EAGAIN, -EBUSY from the
	 * ownership word, -ENODEV, bad SCSW) leaves the region as the
	 * previous request left it.
	 */
	if (!owned)
		return ret;

	mutex_lock(&private->io_mutex);
	memcpy(private->io_region->orb_area, req.orb_area, ORB_AREA_SIZE);
	memcpy(private->io_region->scsw_area, req.scsw_area, SCSW_AREA_SIZE);
	private->io_region->ret_code = ret;
	mutex_unlock(&private->io_mutex);
	return ret ? ret : count;
}

static ssize_t vccw_region_read(struct vfio_ccw_private *private,
				void *region, size_t size, char __user *buf,
				size_t count, loff_t pos)
{
	if (pos >= size || count > size - pos)
		return -EINVAL;
	mutex_lock(&private->io_mutex);
	/* copy_to_user may fault; io_mutex only orders against Q/W/A. */
	if (copy_to_user(buf, region + pos, count))
		count = -EFAULT;
	mutex_unlock(&private->io_mutex);
	return count;
}

/* A: HALT or CLEAR. Owns nothing: the IRB it causes goes through I/Q. */
static ssize_t vccw_async_write(struct vfio_ccw_private *private,
				const char __user *buf, size_t count,
				loff_t pos)
{
	struct subchannel *sch = private->sch;
	struct ccw_cmd_region req;
	int ret, ccode;

	if (pos != 0 || count != sizeof(req))
		return -EINVAL;
	if (copy_from_user(&req, buf, sizeof(req)))
		return -EFAULT;
	if (req.command != VFIO_CCW_ASYNC_CMD_HSCH &&
	    req.command != VFIO_CCW_ASYNC_CMD_CSCH)
		return -EINVAL;
	if (test_bit(VCCW_FLAG_NOT_OPER, &private->flags))
		return -ENODEV;

	spin_lock_irq(&sch->lock);
	if (!sch->schib.pmcw.ena) {
		/*
		 * A retire (reset, DMA unmap) has the subchannel disabled for
		 * a moment: busy, not "not operational" (that is NOT_OPER).
		 */
		spin_unlock_irq(&sch->lock);
		ret = -EBUSY;
		goto out;
	}
	if (req.command == VFIO_CCW_ASYNC_CMD_HSCH) {
		ccode = hsch(sch->schid);
		if (!ccode)
			sch->schib.scsw.cmd.actl |= SCSW_ACTL_HALT_PEND;
	} else {
		ccode = csch(sch->schid);
		if (!ccode)
			sch->schib.scsw.cmd.actl = SCSW_ACTL_CLEAR_PEND;
	}
	/* I stamps the IRBs it takes from now on with the new generation. */
	if (!ccode)
		WRITE_ONCE(private->status_gen, private->status_gen + 1);
	spin_unlock_irq(&sch->lock);
	switch (ccode) {
	case 0:
		ret = 0;
		vccw_stat_inc(private, req.command == VFIO_CCW_ASYNC_CMD_HSCH ?
				       VCCW_STAT_HALTS : VCCW_STAT_CLEARS);
		break;
	case 1:
	case 2:
		ret = -EBUSY;
		break;
	default:
		ret = -ENODEV;
		break;
	}

out:
	trace_vfio_ccw_request(sch->schid,
			       req.command == VFIO_CCW_ASYNC_CMD_HSCH ?
			       VCCW_REQ_HALT : VCCW_REQ_CLEAR, ret);
	mutex_lock(&private->io_mutex);
	private->cmd_region->command = req.command;
	private->cmd_region->ret_code = ret;
	mutex_unlock(&private->io_mutex);
	return ret ? ret : count;
}

static ssize_t vccw_schib_read(struct vfio_ccw_private *private,
			       char __user *buf, size_t count, loff_t pos)
{
	struct subchannel *sch = private->sch;
	struct ccw_schib_region r;
	struct schib schib;

	if (pos >= sizeof(r) || count > sizeof(r) - pos)
		return -EINVAL;
	/*
	 * A fresh STORE SUBCHANNEL into our own copy, without sch->lock:
	 * the lock is held across SSCH, and a hypervisor may run the whole
	 * channel program inside that instruction (QEMU does), so taking
	 * it made a read wait for a START (make bench, contention_diag).
	 * sch->schib is cio's and not changed here.
	 */
	if (stsch(sch->schid, &schib) || !css_sch_is_valid(&schib))
		return -ENODEV;
	memcpy(r.schib_area, &schib, sizeof(r.schib_area));
	if (copy_to_user(buf, (char *)&r + pos, count))
		return -EFAULT;
	return count;
}

static ssize_t vccw_crw_read(struct vfio_ccw_private *private,
			     char __user *buf, size_t count, loff_t pos)
{
	struct ccw_crw_region r = { 0 };
	struct vfio_ccw_crw *c;
	bool more;

	if (pos >= sizeof(r) || count > sizeof(r) - pos)
		return -EINVAL;
	spin_lock_irq(&private->crw_lock);
	c = list_first_entry_or_null(&private->crw, struct vfio_ccw_crw, next);
	if (c)
		list_del(&c->next);
	more = !list_empty(&private->crw);
	spin_unlock_irq(&private->crw_lock);
	if (c)
		memcpy(&r.crw, &c->crw, sizeof(r.crw));
	if (copy_to_user(buf, (char *)&r + pos, count)) {
		/* Not delivered: back to the head, for the next read. */
		if (c) {
			spin_lock_irq(&private->crw_lock);
			list_add(&c->next, &private->crw);
			spin_unlock_irq(&private->crw_lock);
		}
		return -EFAULT;
	}
	if (c)
		vfio_ccw_crw_free(c);
	if (more)
		queue_work(vfio_ccw_work_q, &private->crw_work);
	return count;
}

static ssize_t vfio_ccw_mdev_read(struct vfio_device *vdev, char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct vfio_ccw_private *private =
		container_of(vdev, struct vfio_ccw_private, vdev);
	u64 index = VCCW_OFFSET_TO_INDEX(*ppos);
	loff_t pos = *ppos & VCCW_OFFSET_MASK;

	switch (index) {
	case VFIO_CCW_CONFIG_REGION_INDEX: {
		const loff_t irb = offsetof(struct ccw_io_region, irb_area);
		ssize_t n;

		if (pos >= irb ? pos < irb + IRB_AREA_SIZE :
				 count > (size_t)(irb - pos))
			vfio_ccw_irb_before_read(private);
		n = vccw_region_read(private, private->io_region,
				     sizeof(*private->io_region), buf, count,
				     pos);
		/* The IRB was read: the next one may take its place. */
		if (n > 0 && pos < irb + IRB_AREA_SIZE && pos + n > irb)
			vfio_ccw_irb_read(private);
		return n;
	}
	case VFIO_CCW_NUM_REGIONS + VCCW_REGION_ASYNC:
		return vccw_region_read(private, private->cmd_region,
					sizeof(*private->cmd_region), buf,
					count, pos);
	case VFIO_CCW_NUM_REGIONS + VCCW_REGION_SCHIB:
		return vccw_schib_read(private, buf, count, pos);
	case VFIO_CCW_NUM_REGIONS + VCCW_REGION_CRW:
		return vccw_crw_read(private, buf, count, pos);
	}
	return -EINVAL;
}

static ssize_t vfio_ccw_mdev_write(struct vfio_device *vdev,
				   const char __user *buf, size_t count,
				   loff_t *ppos)
{
	struct vfio_ccw_private *private =
		container_of(vdev, struct vfio_ccw_private, vdev);
	u64 index = VCCW_OFFSET_TO_INDEX(*ppos);
	loff_t pos = *ppos & VCCW_OFFSET_MASK;

	switch (index) {
	case VFIO_CCW_CONFIG_REGION_INDEX:
		return vccw_io_write(private, buf, count, pos);
	case VFIO_CCW_NUM_REGIONS + VCCW_REGION_ASYNC:
		return vccw_async_write(private, buf, count, pos);
	}
	return -EINVAL;	/* schib and crw are read-only */
}

static int vccw_get_region_info(struct vfio_ccw_private *private,
				unsigned long arg)
{
	struct vfio_region_info info;
	struct vfio_region_info_cap_type cap = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
		.type = VFIO_REGION_TYPE_CCW,
	};
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	unsigned int i;
	int ret;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	if (info.index == VFIO_CCW_CONFIG_REGION_INDEX) {
		info.offset = 0;
		info.size = sizeof(struct ccw_io_region);
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		info.cap_offset = 0;
		return copy_to_user((void __user *)arg, &info, minsz) ?
		       -EFAULT : 0;
	}
	if (info.index < VFIO_CCW_NUM_REGIONS ||
	    info.index >= VFIO_CCW_NUM_REGIONS + VCCW_NR_CAP_REGIONS)
		return -EINVAL;
	i = array_index_nospec(info.index - VFIO_CCW_NUM_REGIONS,
			       VCCW_NR_CAP_REGIONS);
	info.offset = VCCW_INDEX_TO_OFFSET(info.index);
	info.size = vccw_cap_regions[i].size;
	info.flags = vccw_cap_regions[i].flags | VFIO_REGION_INFO_FLAG_CAPS;
	cap.subtype = vccw_cap_regions[i].subtype;
	ret = vfio_info_add_capability(&caps, &cap.header, sizeof(cap));
	if (ret)
		return ret;
	if (info.argsz < sizeof(info) + caps.size) {
		info.argsz = sizeof(info) + caps.size;
		info.cap_offset = 0;
	} else {
		vfio_info_cap_shift(&caps, sizeof(info));
		if (copy_to_user((void __user *)arg + sizeof(info), caps.buf,
				 caps.size)) {
			kfree(caps.buf);
			return -EFAULT;
		}
		info.cap_offset = sizeof(info);
	}
	kfree(caps.buf);
	return copy_to_user((void __user *)arg, &info, sizeof(info)) ?
	       -EFAULT : 0;
}

static struct eventfd_ctx **vccw_trigger(struct vfio_ccw_private *private,
					 unsigned int index)
{
	switch (index) {
	case VFIO_CCW_IO_IRQ_INDEX:
		return &private->io_trigger;
	case VFIO_CCW_CRW_IRQ_INDEX:
		return &private->crw_trigger;
	case VFIO_CCW_REQ_IRQ_INDEX:
		return &private->req_trigger;
	}
	return NULL;
}

static int vccw_set_irqs(struct vfio_ccw_private *private, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	struct eventfd_ctx **ctx, *new = NULL;
	size_t data_size;
	u8 data[sizeof(s32)];
	int ret;

	if (copy_from_user(&hdr, (void __user *)arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, 1, VFIO_CCW_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	if (!(hdr.flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -EINVAL;
	if (data_size > sizeof(data))
		return -EINVAL;
	if (data_size && copy_from_user(data, (void __user *)(arg + minsz),
					data_size))
		return -EFAULT;
	ctx = vccw_trigger(private, hdr.index);
	if (!ctx)
		return -EINVAL;
	/*
	 * count 0 carries no data: DATA_NONE then disables the index (the
	 * UAPI's "disabled as a whole"), a BOOL or an EVENTFD has nothing
	 * to act on.
	 */
	if (!hdr.count && (hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) !=
			  VFIO_IRQ_SET_DATA_NONE)
		return -EINVAL;

	mutex_lock(&private->trigger_mutex);
	if (!hdr.count) {
		if (*ctx)
			eventfd_ctx_put(*ctx);
		*ctx = NULL;
		mutex_unlock(&private->trigger_mutex);
		return 0;
	}
	switch (hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		if (*ctx)
			eventfd_signal(*ctx);
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (*ctx && data[0])
			eventfd_signal(*ctx);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD: {
		s32 fd;

		memcpy(&fd, data, sizeof(fd));
		if (fd < -1) {
			ret = -EINVAL;
			break;
		}
		if (fd >= 0) {
			new = eventfd_ctx_fdget(fd);
			if (IS_ERR(new)) {
				ret = PTR_ERR(new);
				break;
			}
		}
		if (*ctx)
			eventfd_ctx_put(*ctx);
		*ctx = new;
		break;
	}
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&private->trigger_mutex);
	return ret;
}

static long vfio_ccw_mdev_ioctl(struct vfio_device *vdev, unsigned int cmd,
				unsigned long arg)
{
	struct vfio_ccw_private *private =
		container_of(vdev, struct vfio_ccw_private, vdev);
	unsigned long minsz;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info info;

		minsz = offsetofend(struct vfio_device_info, num_irqs);
		if (copy_from_user(&info, (void __user *)arg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		info.flags = VFIO_DEVICE_FLAGS_CCW | VFIO_DEVICE_FLAGS_RESET;
		info.num_regions = VFIO_CCW_NUM_REGIONS + VCCW_NR_CAP_REGIONS;
		info.num_irqs = VFIO_CCW_NUM_IRQS;
		return copy_to_user((void __user *)arg, &info, minsz) ?
		       -EFAULT : 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO:
		return vccw_get_region_info(private, arg);
	case VFIO_DEVICE_GET_IRQ_INFO: {
		struct vfio_irq_info info;

		minsz = offsetofend(struct vfio_irq_info, count);
		if (copy_from_user(&info, (void __user *)arg, minsz))
			return -EFAULT;
		if (info.argsz < minsz || info.index >= VFIO_CCW_NUM_IRQS)
			return -EINVAL;
		info.count = 1;
		info.flags = VFIO_IRQ_INFO_EVENTFD;
		return copy_to_user((void __user *)arg, &info, minsz) ?
		       -EFAULT : 0;
	}
	case VFIO_DEVICE_SET_IRQS:
		return vccw_set_irqs(private, arg);
	case VFIO_DEVICE_RESET:
		vfio_ccw_retire(private, true);
		return test_bit(VCCW_FLAG_NOT_OPER, &private->flags) ?
		       -EINVAL : 0;
	}
	return -ENOTTY;
}

static void vfio_ccw_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	struct vfio_ccw_private *private =
		container_of(vdev, struct vfio_ccw_private, vdev);

	/*
	 * The invalidation may not return while any page of the range stays
	 * pinned: end the cp (R) if it holds one. An IDLE area holds nothing
	 * pinned; if a W starts right after this check, type1 calls us again
	 * while the pages it pinned are still pinned.
	 */
	if (vccw_own_read(&private->own) == VCCW_OWN_IDLE)
		return;
	vfio_ccw_retire_range(private, iova, length);
}

static void vfio_ccw_mdev_request(struct vfio_device *vdev, unsigned int count)
{
	struct vfio_ccw_private *private =
		container_of(vdev, struct vfio_ccw_private, vdev);

	mutex_lock(&private->trigger_mutex);
	if (private->req_trigger) {
		if (!(count % 10))
			dev_notice_ratelimited(vdev->dev,
					       "relaying device request to user (#%u)\n",
					       count);
		eventfd_signal(private->req_trigger);
	} else if (count == 0) {
		dev_notice(vdev->dev,
			   "no device request channel registered, blocked until released by user\n");
	}
	mutex_unlock(&private->trigger_mutex);
}

static int vfio_ccw_mdev_open_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private =
		container_of(vdev, struct vfio_ccw_private, vdev);

	if (test_bit(VCCW_FLAG_NOT_OPER, &private->flags))
		return -ENODEV;
	if (vfio_ccw_enable(private))
		return -ENODEV;
	return 0;
}

static void vfio_ccw_mdev_close_device(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private =
		container_of(vdev, struct vfio_ccw_private, vdev);
	unsigned int i;

	vfio_ccw_retire(private, false);
	vfio_ccw_outbox_reset(private);
	cancel_work_sync(&private->crw_work);
	vfio_ccw_crw_flush(private);

	mutex_lock(&private->trigger_mutex);
	for (i = 0; i < VFIO_CCW_NUM_IRQS; i++) {
		struct eventfd_ctx **ctx = vccw_trigger(private, i);

		if (*ctx)
			eventfd_ctx_put(*ctx);
		*ctx = NULL;
	}
	mutex_unlock(&private->trigger_mutex);
}

static int vfio_ccw_mdev_init_dev(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private =
		container_of(vdev, struct vfio_ccw_private, vdev);
	int ret;

	atomic_set(&private->own, VCCW_OWN_IDLE);
	vccw_hooks_init(&private->hooks);
	mutex_init(&private->io_mutex);
	mutex_init(&private->trigger_mutex);
	mutex_init(&private->retire_mutex);
	spin_lock_init(&private->crw_lock);
	INIT_LIST_HEAD(&private->crw);
	INIT_WORK(&private->io_work, vfio_ccw_io_work);
	init_waitqueue_head(&private->gen_wq);
	INIT_WORK(&private->crw_work, vfio_ccw_crw_work);
	INIT_WORK(&private->notoper_work, vfio_ccw_notoper_work);

	private->io_region = kzalloc(sizeof(*private->io_region), GFP_KERNEL);
	private->cmd_region = kzalloc(sizeof(*private->cmd_region), GFP_KERNEL);
	if (!private->io_region || !private->cmd_region) {
		ret = -ENOMEM;
		goto err;
	}
	ret = vccw_cp_setup(&private->cp, vdev, &private->pinned_now);
	if (ret)
		goto err;
	return 0;
err:
	kfree(private->cmd_region);
	kfree(private->io_region);
	return ret;
}

static void vfio_ccw_mdev_release_dev(struct vfio_device *vdev)
{
	struct vfio_ccw_private *private =
		container_of(vdev, struct vfio_ccw_private, vdev);

	vccw_cp_teardown(&private->cp);
	kfree(private->cmd_region);
	kfree(private->io_region);
	mutex_destroy(&private->retire_mutex);
	mutex_destroy(&private->trigger_mutex);
	mutex_destroy(&private->io_mutex);
}

/*
 * Register the vfio device. A fault-injection point (fail_function): an
 * injected error is a registration that failed.
 */
static noinline int vccw_register_vdev(struct vfio_ccw_private *private)
{
	return vfio_register_emulated_iommu_dev(&private->vdev);
}
ALLOW_ERROR_INJECTION(vccw_register_vdev, ERRNO);

/*
 * Take @private away from the css callbacks and wait for the work they
 * queued on it: after this nothing but our caller refers to it.
 */
static void vccw_unpublish(struct vfio_ccw_parent *parent,
			   struct vfio_ccw_private *private)
{
	struct subchannel *sch = private->sch;

	spin_lock_irq(&sch->lock);
	parent->private = NULL;
	spin_unlock_irq(&sch->lock);
	cancel_work_sync(&private->notoper_work);
	cancel_work_sync(&private->crw_work);
	flush_work(&private->io_work);
	vfio_ccw_crw_flush(private);
}

static int vfio_ccw_mdev_probe(struct mdev_device *mdev)
{
	struct subchannel *sch = to_subchannel(mdev->dev.parent);
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);
	struct vfio_ccw_private *private;
	int ret;

	private = vfio_alloc_device(vfio_ccw_private, vdev, &mdev->dev,
				    &vfio_ccw_dev_ops);
	if (IS_ERR(private))
		return PTR_ERR(private);
	private->sch = sch;
	private->parent = parent;

	/*
	 * Published before the device is registered, so that the irq of a
	 * program started right after registration finds it; from here on
	 * the css callbacks may queue work on it (see vccw_unpublish()).
	 */
	spin_lock_irq(&sch->lock);
	parent->private = private;
	spin_unlock_irq(&sch->lock);
	vccw_hook_probe_published(private);

	ret = vccw_register_vdev(private);
	if (ret)
		goto err;
	dev_set_drvdata(&mdev->dev, private);
	vfio_ccw_debugfs_add(private);
	VCCW_MSG(2, "sch %x.%x.%04x: mdev %s created\n", sch->schid.cssid,
		 sch->schid.ssid, sch->schid.sch_no, dev_name(&mdev->dev));
	return 0;
err:
	vccw_unpublish(parent, private);
	vfio_put_device(&private->vdev);
	return ret;
}

static void vfio_ccw_mdev_remove(struct mdev_device *mdev)
{
	struct subchannel *sch = to_subchannel(mdev->dev.parent);
	struct vfio_ccw_parent *parent = dev_get_drvdata(&sch->dev);
	struct vfio_ccw_private *private = dev_get_drvdata(&mdev->dev);

	/* Waits for the last close, which retired the cp. */
	vfio_unregister_group_dev(&private->vdev);

	vccw_unpublish(parent, private);
	vfio_ccw_debugfs_remove(private);
	dev_set_drvdata(&mdev->dev, NULL);
	vfio_put_device(&private->vdev);
}

static const struct vfio_device_ops vfio_ccw_dev_ops = {
	.name = "vfio-ccw",
	.init = vfio_ccw_mdev_init_dev,
	.release = vfio_ccw_mdev_release_dev,
	.open_device = vfio_ccw_mdev_open_device,
	.close_device = vfio_ccw_mdev_close_device,
	.read = vfio_ccw_mdev_read,
	.write = vfio_ccw_mdev_write,
	.ioctl = vfio_ccw_mdev_ioctl,
	.request = vfio_ccw_mdev_request,
	.dma_unmap = vfio_ccw_dma_unmap,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

struct mdev_driver vfio_ccw_mdev_driver = {
	.device_api = VFIO_DEVICE_API_CCW_STRING,
	.max_instances = 1,
	.driver = {
		.name = "vfio_ccw_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = vfio_ccw_mdev_probe,
	.remove = vfio_ccw_mdev_remove,
};
