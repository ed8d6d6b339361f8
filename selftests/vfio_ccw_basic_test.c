// SPDX-License-Identifier: GPL-2.0
/*
 * Basic vfio-ccw functional tests: open an mdev through VFIO, look at its
 * regions and irqs, and run SENSE ID through the io region.
 */
#include "vfio_ccw_util.h"
#include "kselftest_harness.h"

FIXTURE(mdev) {
	struct vccw_dev d;
};

FIXTURE_SETUP(mdev)
{
	const char *uuid = vccw_uuid(0);

	ASSERT_VCCW_OPEN(&self->d, uuid);
}

FIXTURE_TEARDOWN(mdev)
{
	vccw_close(&self->d);
}

TEST_F(mdev, device_info)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq) };

	EXPECT_NE(0, self->d.info.flags & VFIO_DEVICE_FLAGS_CCW);
	EXPECT_NE(0, self->d.info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_LE(VFIO_CCW_NUM_REGIONS + 3, self->d.info.num_regions);
	EXPECT_EQ(VFIO_CCW_NUM_IRQS, self->d.info.num_irqs);

	EXPECT_EQ(sizeof(struct ccw_io_region), self->d.io.size);
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		  self->d.io.flags);
	EXPECT_EQ(sizeof(struct ccw_cmd_region), self->d.async.size);
	EXPECT_EQ(sizeof(struct ccw_schib_region), self->d.schib.size);
	EXPECT_EQ(sizeof(struct ccw_crw_region), self->d.crw.size);

	irq.index = VFIO_CCW_IO_IRQ_INDEX;
	ASSERT_EQ(0, ioctl(self->d.device, VFIO_DEVICE_GET_IRQ_INFO, &irq));
	EXPECT_EQ(1, irq.count);
	EXPECT_NE(0, irq.flags & VFIO_IRQ_INFO_EVENTFD);
}

/*
 * One START, its final IRB, one free: the writer's cp handed to the
 * claimer and freed whole (lkmm/P6-translate-to-free,
 * lkmm/P6-submit-claim-pair).
 */
TEST_F(mdev, sense_id)
{
	struct vccw_dev *d = &self->d;
	struct ccw1 *ccw = vccw_ptr(d, 0);
	uint8_t *data = vccw_ptr(d, 4096);
	struct cmd_orb orb;
	struct irb_view irb = { 0 };
	int64_t ev;

	memset(data, 0xaa, 256);
	ccw->cmd = CCW_CMD_SENSE_ID;
	ccw->flags = CCW_FLAG_SLI;
	ccw->count = 256;
	ccw->cda = vccw_addr(d, 4096);
	vccw_orb(d, &orb, 0, 0x5e45e1d);

	ASSERT_ACCEPTED(vccw_start(d, &orb));
	ev = vccw_wait_io(d, VCCW_IO_TIMEOUT_MS);
	ASSERT_LT(0, ev) TH_LOG("no I/O interrupt (%lld)", (long long)ev);
	ASSERT_EQ(0, vccw_read_irb(d, &irb));

	EXPECT_EQ(DEV_STAT_CHN_END | DEV_STAT_DEV_END,
		  scsw_dstat(&irb.scsw) & (DEV_STAT_CHN_END | DEV_STAT_DEV_END));
	EXPECT_EQ(0, scsw_dstat(&irb.scsw) & DEV_STAT_UNIT_CHECK);
	EXPECT_EQ(0, scsw_cstat(&irb.scsw));
	EXPECT_NE(0, scsw_stctl(&irb.scsw) & SCSW_STCTL_STATUS_PEND);
	/* Reserved 0xff, then control-unit type 0x3832: a virtio device. */
	EXPECT_EQ(0xff, data[0]);
	EXPECT_EQ(0x38, data[1]);
	EXPECT_EQ(0x32, data[2]);
	TH_LOG("sense id: %02x %02x%02x model %02x, residual count %u",
	       data[0], data[1], data[2], data[3], scsw_count(&irb.scsw));
}

TEST_HARNESS_MAIN
