// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw I/O tests: channel programs (command and data chaining, IDAL,
 * TIC), HALT and CLEAR, the schib region, concurrent writers, close with
 * I/O in flight and DMA unmap during I/O. Where the driver under test
 * exports debugfs counters (ours), every test also checks that no page
 * stays pinned and that every accepted START was freed exactly once.
 */
#include <pthread.h>
#include <sys/stat.h>
#include "vfio_ccw_util.h"
#include "kselftest_harness.h"

/*
 * The harness's guard per test. Each wait inside a test is bounded by
 * VCCW_IO_TIMEOUT_MS (20 s) and a test makes several: the harness's
 * default of 30 s would kill a slow but correct test on a loaded host
 * before its own bounds could say what was missing.
 */
#define IO_TEST_TIMEOUT_S	180

/* Wait for one I/O interrupt and read the IRB; returns 0 or -errno. */
static int wait_irb(struct vccw_dev *d, struct irb_view *irb)
{
	int64_t ev = vccw_wait_io(d, VCCW_IO_TIMEOUT_MS);

	if (!ev) {
		vccw_stats_log(d->uuid, "no I/O interrupt in time");
		vccw_stacks_log("no I/O interrupt in time");
	}
	if (ev <= 0)
		return ev ? (int)ev : -ETIMEDOUT;
	return vccw_read_irb(d, irb);
}

static void sense_id_ccw(struct vccw_dev *d, struct ccw1 *ccw, size_t data_off,
			 uint8_t flags, uint16_t count)
{
	ccw->cmd = CCW_CMD_SENSE_ID;
	ccw->flags = flags;
	ccw->count = count;
	ccw->cda = vccw_addr(d, data_off);
}

static int run_cp(struct vccw_dev *d, size_t cpa_off, struct irb_view *irb)
{
	struct cmd_orb orb;
	ssize_t n;

	vccw_orb(d, &orb, cpa_off, 0x10);
	n = vccw_start(d, &orb);
	if (n != VCCW_IO_ACCEPTED)
		return n < 0 ? (int)n : -EIO;
	return wait_irb(d, irb);
}

/* debugfs counters of our driver; -1 when not available (in-tree). */
static long stat_of(const char *uuid, const char *name)
{
	return vccw_stat(uuid, name);
}

static int have_stats(const char *uuid)
{
	return stat_of(uuid, "pinned_pages") >= 0;
}

FIXTURE(io) {
	struct vccw_dev d;
	long starts0, frees0;
};

FIXTURE_SETUP(io)
{
	const char *uuid = vccw_uuid(0);

	ASSERT_VCCW_OPEN(&self->d, uuid);
	self->starts0 = stat_of(uuid, "starts");
	self->frees0 = stat_of(uuid, "frees");
	if (vccw_driver_is_ours())
		ASSERT_TRUE(have_stats(uuid)) TH_LOG("no debugfs counters");
}

FIXTURE_TEARDOWN(io)
{
	const char *uuid = self->d.uuid;

	vccw_close(&self->d);
	if (have_stats(uuid)) {
		/* After close nothing is pinned, every START was freed once. */
		EXPECT_EQ(0, stat_of(uuid, "pinned_pages"));
		EXPECT_EQ(stat_of(uuid, "starts") - self->starts0,
			  stat_of(uuid, "frees") - self->frees0);
		EXPECT_EQ(VCCW_OWN_IDLE, stat_of(uuid, "own"));
	}
}

/*
 * SENSE ID, command-chained to a NOOP, command-chained to a SENSE ID whose
 * data area is data-chained over two CCWs. QEMU's virtio devices insist on
 * the full SenseId size (256) in the first CCW of a data chain, so the
 * second piece receives nothing; the test still proves the driver
 * translated the data chain and maps the final CPA back past its end.
 */
TEST_F_TIMEOUT(io, command_and_data_chaining, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct ccw1 *ccw = vccw_ptr(d, 0);
	uint8_t *a = vccw_ptr(d, 0x1000), *b = vccw_ptr(d, 0x2000);
	struct irb_view irb;

	memset(a, 0, 256);
	memset(b, 0, 256);
	sense_id_ccw(d, &ccw[0], 0x1000, CCW_FLAG_CC | CCW_FLAG_SLI, 256);
	ccw[1].cmd = CCW_CMD_NOOP;
	ccw[1].flags = CCW_FLAG_CC | CCW_FLAG_SLI;
	ccw[1].count = 0;
	ccw[1].cda = 0;
	sense_id_ccw(d, &ccw[2], 0x2000, CCW_FLAG_CD, 256);
	sense_id_ccw(d, &ccw[3], 0x3000, CCW_FLAG_SLI, 16);

	ASSERT_EQ(0, run_cp(d, 0, &irb));
	EXPECT_TRUE(vccw_good_end(&irb))
		TH_LOG("dstat %02x cstat %02x", scsw_dstat(&irb.scsw),
		       scsw_cstat(&irb.scsw));
	EXPECT_EQ(0xff, a[0]);
	EXPECT_EQ(0x38, a[1]);
	EXPECT_EQ(0x32, a[2]);
	EXPECT_EQ(0, memcmp(a, b, 8));
	/*
	 * The device ended inside the first CCW of the data chain, so the
	 * final CPA points just past it, in guest addresses.
	 */
	EXPECT_EQ(vccw_addr(d, 3 * sizeof(struct ccw1)), irb.scsw.cpa);
}

/* SENSE ID through a format-2 IDAL whose data crosses a page boundary. */
TEST_F_TIMEOUT(io, idal_transfer, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct ccw1 *ccw = vccw_ptr(d, 0);
	uint64_t *idal = vccw_ptr(d, 0x800);
	uint8_t *p1 = vccw_ptr(d, 0x5000 - 3), *p2 = vccw_ptr(d, 0x5000);
	struct irb_view irb;

	memset(p1, 0, 3);
	memset(p2, 0, 8);
	/* First IDAW anywhere, the next on a 4K boundary. */
	idal[0] = vccw_addr(d, 0x5000 - 3);
	idal[1] = vccw_addr(d, 0x5000);
	ccw->cmd = CCW_CMD_SENSE_ID;
	ccw->flags = CCW_FLAG_IDA | CCW_FLAG_SLI;
	ccw->count = 7;
	ccw->cda = vccw_addr(d, 0x800);

	ASSERT_EQ(0, run_cp(d, 0, &irb));
	EXPECT_TRUE(vccw_good_end(&irb));
	EXPECT_EQ(0xff, p1[0]);
	EXPECT_EQ(0x38, p1[1]);
	EXPECT_EQ(0x32, p1[2]);
	EXPECT_NE(0, p2[0] | p2[1] | p2[2] | p2[3]);
}

/* NOOP, TIC to a second chain elsewhere, SENSE ID there. */
TEST_F_TIMEOUT(io, tic_chain, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct ccw1 *c1 = vccw_ptr(d, 0), *c2 = vccw_ptr(d, 0x6000);
	uint8_t *data = vccw_ptr(d, 0x7000);
	struct irb_view irb;

	memset(data, 0, 8);
	c1[0].cmd = CCW_CMD_NOOP;
	c1[0].flags = CCW_FLAG_CC | CCW_FLAG_SLI;
	c1[0].count = 0;
	c1[0].cda = 0;
	c1[1].cmd = CCW_CMD_TIC;
	c1[1].flags = 0;
	c1[1].count = 0;
	c1[1].cda = vccw_addr(d, 0x6000);
	sense_id_ccw(d, &c2[0], 0x7000, CCW_FLAG_SLI, 7);

	ASSERT_EQ(0, run_cp(d, 0, &irb));
	EXPECT_TRUE(vccw_good_end(&irb));
	EXPECT_EQ(0xff, data[0]);
	EXPECT_EQ(0x38, data[1]);
	EXPECT_EQ(vccw_addr(d, 0x6000 + sizeof(struct ccw1)), irb.scsw.cpa);
}

/*
 * START the program at DMA offset 0 and wait for its IRB, like run_cp().
 * With our driver's debug hooks, the IRB is held back from the driver
 * until the pages pinned for the running program have been counted into
 * *@pinned; without them *@pinned is -1.
 */
static int run_cp_pinned(struct vccw_dev *d, struct irb_view *irb,
			 long *pinned)
{
	bool hold = have_stats(d->uuid) && !vccw_hook(d->uuid, "hold irq");
	struct cmd_orb orb;
	ssize_t n;

	*pinned = -1;
	vccw_orb(d, &orb, 0, 0x10);
	n = vccw_start(d, &orb);
	if (hold) {
		if (n == VCCW_IO_ACCEPTED &&
		    VCCW_WAIT_FOR(vccw_hook_held(d->uuid) >= 1,
				  VCCW_IO_TIMEOUT_MS) &&
		    vccw_hook_held(d->uuid) == 1)
			*pinned = stat_of(d->uuid, "pinned_pages");
		vccw_hook(d->uuid, "release irq");
	}
	if (n != VCCW_IO_ACCEPTED)
		return n < 0 ? (int)n : -EIO;
	return wait_irb(d, irb);
}

#define RO_IOVA_OFF	(32 * VCCW_DMA_SIZE)

/* Map one page read-only at @iova; returns its host address or NULL. */
static void *map_ro_page(struct vccw_dev *d, uint64_t iova)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (vccw_dma_map(d->container, p, iova, 4096, false)) {
		munmap(p, 4096);
		return NULL;
	}
	return p;
}

static void unmap_ro_page(struct vccw_dev *d, uint64_t iova, void *p)
{
	vccw_dma_unmap(d->container, iova, 4096);
	munmap(p, 4096);
}

/*
 * Data chaining across a TIC (Principles of Operation, "Data Chaining"
 * and "Transfer in Channel"): the CCW after one with CD, here reached
 * through a TIC, continues that CCW's operation with its own count, flags
 * and data address; the channel ignores its command code. So the driver
 * must judge whether it moves data, and whether it may go to the bucket
 * page, by the command that began the data chain (SENSE ID, a read),
 * whatever the continuation's own command code says.
 *
 * The program: at 0 a SENSE ID (CD) into A = 0x1000 and a TIC to 0x6000,
 * where a new chain begins with the continuation: command code @cont_cmd,
 * 4 bytes into B = 0x2000. If @back, the continuation is instead the
 * first CCW of the program: 0 NOOP (CC, 4 bytes into B), 8 SENSE ID (CD)
 * into A, 16 TIC back to 0. The driver has then already copied and
 * translated the CCW at 0 as a NOOP when it meets the TIC, and must not
 * reuse that copy for the continuation.
 *
 * QEMU's virtual channel subsystem does not do data chaining: it ends the
 * program after the first CCW of a data chain and wants the full SenseId
 * (count 256) there, so no data ever reaches B, with any driver. What the
 * test checks is the translation instead:
 *  - the program is accepted and runs: channel end and device end, the
 *    SENSE ID data in A, the final CCW address mapped back to the guest;
 *  - our driver (its debug hooks hold the IRB back meanwhile): B's page is
 *    pinned while the program runs, i.e. the continuation's IDAL points at
 *    the guest's page, not at the bucket;
 *  - the same program with B in a read-only mapping is refused with
 *    -EPERM: the continuation is a read, its page must be pinned writable.
 * Before the fix, our driver judged a continuation that heads a chain by
 * its own command code: 0x00 (invalid) and NOOP went to the bucket page
 * (B not pinned, the read-only program accepted), and with @back the TIC
 * reused the NOOP's copy.
 */
static void data_chain_tic(struct __test_metadata *_metadata,
			   struct vccw_dev *d, uint8_t cont_cmd, bool back)
{
	/* the in-tree driver judges each CCW by its own command code */
	bool ours = vccw_driver_is_ours();
	uint8_t *a = vccw_ptr(d, 0x1000), *b = vccw_ptr(d, 0x2000);
	uint64_t ro_iova = d->iova + RO_IOVA_OFF;
	struct ccw1 *c = vccw_ptr(d, 0), *cont;
	struct irb_view irb;
	struct cmd_orb orb;
	size_t end_off;
	long pinned;
	bool acc;
	ssize_t n;
	void *ro;

	memset(a, 0, 256);
	memset(b, 0x5a, 8);
	if (back) {
		cont = &c[0];
		sense_id_ccw(d, &c[1], 0x1000, CCW_FLAG_CD, 256);
		c[2].cmd = CCW_CMD_TIC;
		c[2].flags = 0;
		c[2].count = 0;
		c[2].cda = vccw_addr(d, 0);
		cont->flags = CCW_FLAG_CC;
		end_off = 2 * sizeof(struct ccw1);
	} else {
		cont = vccw_ptr(d, 0x6000);
		sense_id_ccw(d, &c[0], 0x1000, CCW_FLAG_CD, 256);
		c[1].cmd = CCW_CMD_TIC;
		c[1].flags = 0;
		c[1].count = 0;
		c[1].cda = vccw_addr(d, 0x6000);
		cont->flags = CCW_FLAG_SLI;
		end_off = sizeof(struct ccw1);
	}
	cont->cmd = cont_cmd;
	cont->count = 4;
	cont->cda = vccw_addr(d, 0x2000);

	ASSERT_EQ(0, run_cp_pinned(d, &irb, &pinned));
	EXPECT_TRUE(vccw_good_end(&irb))
		TH_LOG("dstat %02x cstat %02x", scsw_dstat(&irb.scsw),
		       scsw_cstat(&irb.scsw));
	EXPECT_EQ(0xff, a[0]);
	EXPECT_EQ(0x38, a[1]);
	EXPECT_EQ(0x32, a[2]);
	/* QEMU ended the program right after the SENSE ID */
	EXPECT_EQ(vccw_addr(d, end_off), irb.scsw.cpa);
	/* and left B alone (it would be the device's bytes 256..259) */
	EXPECT_EQ(0x5a, b[0]);
	/*
	 * Pages pinned: A and B; with @back, A twice, since the SENSE ID is
	 * in both copies of the chain (the NOOP's and the continuation's).
	 */
	if (pinned >= 0) {
		EXPECT_EQ(back ? 3 : 2, pinned)
			TH_LOG("continuation's data page not pinned");
	} else if (ours) {
		TH_LOG("no debug hooks: pinned pages not checked");
	}

	ro = map_ro_page(d, ro_iova);
	ASSERT_NE(NULL, ro);
	cont->cda = (uint32_t)ro_iova;
	vccw_orb(d, &orb, 0, 0x11);
	n = vccw_start(d, &orb);
	acc = n == VCCW_IO_ACCEPTED;
	if (acc)
		EXPECT_EQ(0, wait_irb(d, &irb));
	unmap_ro_page(d, ro_iova, ro);
	/*
	 * The in-tree driver judges the continuation by its own command
	 * code: a NOOP moves no data, so it pins nothing and leaves the
	 * guest's address in the IDAW (a real channel would store the data
	 * at that address taken as a host address).
	 */
	if (acc && !ours && cont_cmd == CCW_CMD_NOOP) {
		TH_LOG("%s driver: the continuation's page is not pinned",
		       vccw_driver());
	} else {
		EXPECT_ERRNO(EPERM, n)
			TH_LOG("data in a read-only mapping: START %s",
			       acc ? "accepted" : strerror((int)-n));
	}
}

/* Data chaining across a TIC, the continuation's command code zero. */
TEST_F_TIMEOUT(io, data_chain_tic_cmd_zero, IO_TEST_TIMEOUT_S)
{
	data_chain_tic(_metadata, &self->d, 0x00, false);
}

/*
 * The continuation's command code a WRITE in a chain that reads. (A WRITE
 * moves data, so the driver pinned the page before the fix too; this one
 * guards against a driver refusing or dropping such a continuation.)
 */
TEST_F_TIMEOUT(io, data_chain_tic_cmd_write, IO_TEST_TIMEOUT_S)
{
	data_chain_tic(_metadata, &self->d, CCW_CMD_WRITE, false);
}

/* The continuation's command code a NOOP, which on its own moves nothing. */
TEST_F_TIMEOUT(io, data_chain_tic_cmd_noop, IO_TEST_TIMEOUT_S)
{
	data_chain_tic(_metadata, &self->d, CCW_CMD_NOOP, false);
}

/* A TIC back to a NOOP already translated: there it is the continuation. */
TEST_F_TIMEOUT(io, data_chain_tic_back_to_noop, IO_TEST_TIMEOUT_S)
{
	data_chain_tic(_metadata, &self->d, CCW_CMD_NOOP, true);
}

/* HSCH and CSCH on an idle subchannel: accepted, then an IRB; still usable. */
TEST_F_TIMEOUT(io, halt_clear_idle, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct ccw1 *ccw = vccw_ptr(d, 0);
	struct irb_view irb;
	ssize_t n;

	ASSERT_NE(0, d->async.size);
	n = vccw_async(d, VFIO_CCW_ASYNC_CMD_HSCH);
	ASSERT_EQ((ssize_t)sizeof(struct ccw_cmd_region), n);
	ASSERT_EQ(0, wait_irb(d, &irb));
	EXPECT_NE(0, scsw_fctl(&irb.scsw) & SCSW_FCTL_HALT);

	n = vccw_async(d, VFIO_CCW_ASYNC_CMD_CSCH);
	ASSERT_EQ((ssize_t)sizeof(struct ccw_cmd_region), n);
	ASSERT_EQ(0, wait_irb(d, &irb));
	EXPECT_NE(0, scsw_fctl(&irb.scsw) & SCSW_FCTL_CLEAR);

	/* An unknown command is refused. */
	EXPECT_ERRNO(EINVAL, vccw_async(d, 0x80));

	sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
	ASSERT_EQ(0, run_cp(d, 0, &irb));
	EXPECT_TRUE(vccw_good_end(&irb));
}

/*
 * The IRB of an HSCH or CSCH of the idle subchannel reports on no channel
 * program of the guest's; the channel's CCW address in it is that of the
 * kernel's copy of the last one. The guest is shown the last CCW address
 * it was given instead (a channel keeps the field from the last program),
 * never a kernel address. Checked by hand once without the replacement:
 * "halt: cpa 0x1501018, the guest's last was 0x10000308" (the kernel's
 * address, as 6.12 shows it).
 */
TEST_F_TIMEOUT(io, halt_clear_idle_guest_cpa, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	const uint32_t last = vccw_addr(d, 0x300 + 8);
	static const struct { uint32_t cmd; unsigned int fctl; } f[] = {
		{ VFIO_CCW_ASYNC_CMD_HSCH, SCSW_FCTL_HALT },
		{ VFIO_CCW_ASYNC_CMD_CSCH, SCSW_FCTL_CLEAR },
	};
	struct irb_view irb;
	unsigned int i;

	if (!vccw_driver_is_ours())
		SKIP(return, "6.12 shows the kernel's CCW address");
	sense_id_ccw(d, vccw_ptr(d, 0x300), 0x1000, CCW_FLAG_SLI, 7);
	ASSERT_EQ(0, run_cp(d, 0x300, &irb));
	ASSERT_EQ(last, irb.scsw.cpa);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ((ssize_t)sizeof(struct ccw_cmd_region),
			  vccw_async(d, f[i].cmd));
		ASSERT_EQ(0, wait_irb(d, &irb));
		EXPECT_EQ(f[i].fctl, scsw_fctl(&irb.scsw));
		EXPECT_EQ(last, irb.scsw.cpa)
			TH_LOG("%s: cpa %#x, the guest's last was %#x",
			       i ? "clear" : "halt", irb.scsw.cpa, last);
	}
}

/*
 * HSCH/CSCH right behind a START (busy, or already done: both legal). The
 * driver must deliver the interrupts, free the cp exactly once (checked in
 * teardown) and accept the next START.
 */
/*
 * START, retrying while the device is still busy with what came before
 * (-EBUSY, -EAGAIN): each retry first waits a little for an interrupt.
 * The eventfd counts signals, so one wakeup may stand for several IRBs.
 */
static ssize_t start_retry(struct vccw_dev *d, uint32_t intparm, int *tries)
{
	struct cmd_orb orb;
	ssize_t n = -EBUSY;

	for (*tries = 0; *tries < 50; (*tries)++) {
		vccw_orb(d, &orb, 0, intparm);
		n = vccw_start(d, &orb);
		if (n != -EBUSY && n != -EAGAIN)
			break;
		vccw_take_irb(d, 200);
	}
	return n;
}

static void busy_then(struct __test_metadata *_metadata, struct vccw_dev *d,
		      uint32_t cmd)
{
	struct ccw1 *ccw = vccw_ptr(d, 0);
	struct irb_view irb = { 0 };
	ssize_t n;
	int i, tries;

	sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
	for (i = 0; i < 20; i++) {
		n = start_retry(d, i, &tries);
		ASSERT_ACCEPTED(n)
			TH_LOG("round %d: START returned %zd", i, n);
		/* Right behind it: busy, or already finished. */
		n = vccw_async(d, cmd);
		/* The in-tree driver refuses with -EAGAIN while it works. */
		ASSERT_TRUE(n == sizeof(struct ccw_cmd_region) || n == -EBUSY ||
			    (n == -EAGAIN && !vccw_driver_is_ours()))
			TH_LOG("async returned %zd", n);
	}
	/* The device accepts and completes a new START afterwards. */
	n = start_retry(d, 99, &tries);
	ASSERT_ACCEPTED(n);
	do {
		ASSERT_EQ(0, wait_irb(d, &irb));
	} while (!vccw_good_end(&irb));
	while (vccw_take_irb(d, 500) > 0)
		;
}

/*
 * HALT right behind a START, 20 rounds: its IRB and the START's may be
 * intermediate and final in either order (lkmm/P2-clear-start-collision,
 * lkmm/P3-intermediate-then-final, as the timing happens to fall).
 */
TEST_F_TIMEOUT(io, halt_busy, IO_TEST_TIMEOUT_S)
{
	busy_then(_metadata, &self->d, VFIO_CCW_ASYNC_CMD_HSCH);
}

/* The same with CLEAR (lkmm/P2-clear-start-collision, not forced). */
TEST_F_TIMEOUT(io, clear_busy, IO_TEST_TIMEOUT_S)
{
	busy_then(_metadata, &self->d, VFIO_CCW_ASYNC_CMD_CSCH);
}

/*
 * An accepted HSCH or CSCH owes userspace one interruption, its own, and
 * supersedes the status the driver took but userspace has not read (a
 * CSCH clears status pending; a channel refuses an HSCH with status
 * pending, which the UAPI cannot say). START A: its IRB is posted and
 * signalled, the signal taken, the region not read (QEMU between its
 * wake-up and its read). START B: its IRB waits behind A's. Then @cmd.
 * The one read that A's signal stands for gives @cmd's status, not A's or
 * B's, and no further signal comes for it: the next IRB is C's, the next
 * program's. A driver that hands over the superseded status gives A's
 * START status here; QEMU would make an interruption of each IRB and
 * leave its guest a stale one.
 */
static void supersede(struct __test_metadata *_metadata, struct vccw_dev *d,
		      uint32_t cmd, unsigned int fctl)
{
	static const size_t prog_off[3] = { 0, 0x100, 0x200 };
	long frees0 = stat_of(d->uuid, "frees");
	long sup0 = stat_of(d->uuid, "irb_superseded");
	struct irb_view irb;
	struct cmd_orb orb;
	int i;

	if (!vccw_driver_is_ours())
		SKIP(return, "waits on our debugfs counters");
	ASSERT_LE(0, sup0);
	for (i = 0; i < 3; i++)
		sense_id_ccw(d, vccw_ptr(d, prog_off[i]), 0x1000,
			     CCW_FLAG_SLI, 7);

	vccw_orb(d, &orb, prog_off[0], 0xa);
	ASSERT_ACCEPTED(vccw_start(d, &orb));
	ASSERT_LT(0, vccw_wait_io(d, VCCW_IO_TIMEOUT_MS));
	/* B's cp freed: its IRB was taken and waits behind A's. */
	vccw_orb(d, &orb, prog_off[1], 0xb);
	ASSERT_ACCEPTED(vccw_start(d, &orb));
	ASSERT_TRUE(VCCW_WAIT_FOR(stat_of(d->uuid, "frees") == frees0 + 2,
				  VCCW_IO_TIMEOUT_MS))
		TH_LOG("B's cp not freed");

	ASSERT_EQ((ssize_t)sizeof(struct ccw_cmd_region), vccw_async(d, cmd));
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	EXPECT_EQ(fctl, scsw_fctl(&irb.scsw))
		TH_LOG("read after the %s: fctl %x cpa %#x (A ends at %#x, B at %#x)",
		       fctl == SCSW_FCTL_HALT ? "HSCH" : "CSCH",
		       scsw_fctl(&irb.scsw), irb.scsw.cpa,
		       vccw_addr(d, prog_off[0] + 8),
		       vccw_addr(d, prog_off[1] + 8));
	/* C's IRB is the next one read: nothing between, nothing twice. */
	ASSERT_EQ(0, run_cp(d, prog_off[2], &irb));
	EXPECT_EQ(SCSW_FCTL_START, scsw_fctl(&irb.scsw));
	EXPECT_EQ(vccw_addr(d, prog_off[2] + 8), irb.scsw.cpa)
		TH_LOG("the IRB read after C's START is not C's: fctl %x cpa %#x",
		       scsw_fctl(&irb.scsw), irb.scsw.cpa);
	EXPECT_TRUE(vccw_good_end(&irb));
	/* B's never delivered, A's replaced in the region by @cmd's. */
	EXPECT_EQ(sup0 + 2, stat_of(d->uuid, "irb_superseded"));
}

TEST_F_TIMEOUT(io, clear_supersedes_unread_status, IO_TEST_TIMEOUT_S)
{
	supersede(_metadata, &self->d, VFIO_CCW_ASYNC_CMD_CSCH,
		  SCSW_FCTL_CLEAR);
}

TEST_F_TIMEOUT(io, halt_supersedes_unread_status, IO_TEST_TIMEOUT_S)
{
	supersede(_metadata, &self->d, VFIO_CCW_ASYNC_CMD_HSCH,
		  SCSW_FCTL_HALT);
}

TEST_F_TIMEOUT(io, schib_read, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	uint8_t schib[SCHIB_AREA_SIZE];
	ssize_t n;

	ASSERT_EQ(sizeof(schib), d->schib.size);
	n = pread(d->device, schib, sizeof(schib), d->schib.offset);
	ASSERT_EQ((ssize_t)sizeof(schib), n);
	/* PMCW word 1: bit 8 enabled, bit 15 device number valid. */
	EXPECT_NE(0, schib[5] & 0x80) TH_LOG("subchannel not enabled");
	EXPECT_NE(0, schib[5] & 0x01) TH_LOG("devno not valid");
	/* devno 0x0100 or 0x0101 */
	EXPECT_EQ(0x01, schib[6]);
	/* Read-only: a write is refused. */
	n = pwrite(d->device, schib, sizeof(schib), d->schib.offset);
	EXPECT_GT(0, n);
}

struct writer {
	struct vccw_dev *d;
	int ok, eagain, ebusy, other, timeouts;
};

static void *writer_fn(void *arg)
{
	struct writer *w = arg;
	struct cmd_orb orb;
	int i;

	for (i = 0; i < 200; i++) {
		ssize_t n;

		vccw_orb(w->d, &orb, 0, i);
		n = vccw_start(w->d, &orb);
		if (n == VCCW_IO_ACCEPTED)
			w->ok++;
		else if (n == -EAGAIN)
			w->eagain++;
		else if (n == -EBUSY)
			w->ebusy++;
		else
			w->other++;
	}
	return NULL;
}

/*
 * Two threads START on one device: only count, -EAGAIN or -EBUSY
 * (lkmm/P7-two-writers; lkmm/P1-translating-vs-work, the work item of one
 * writer's cp against the other writer's translation).
 */
TEST_F_TIMEOUT(io, two_writers_eagain_ebusy, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct ccw1 *ccw = vccw_ptr(d, 0);
	struct writer w[2] = { { .d = d }, { .d = d } };
	pthread_t t[2];
	struct irb_view irb;
	int i;

	sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, writer_fn, &w[i]));
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	/* Drain what is left. */
	while (vccw_take_irb(d, 2000) > 0)
		;
	EXPECT_EQ(0, w[0].other + w[1].other);
	EXPECT_LT(0, w[0].ok + w[1].ok);
	EXPECT_LT(0, w[0].ebusy + w[1].ebusy + w[0].eagain + w[1].eagain);
	TH_LOG("accepted %d, -EAGAIN %d, -EBUSY %d", w[0].ok + w[1].ok,
	       w[0].eagain + w[1].eagain, w[0].ebusy + w[1].ebusy);
	ASSERT_EQ(0, run_cp(d, 0, &irb));
	EXPECT_TRUE(vccw_good_end(&irb));
}

/*
 * Close the device right after a START, then reopen and use it: the work
 * item against the close's retire path (lkmm/P4-work-vs-retire,
 * lkmm/P4-irq-work-retire-writer with the reopen's START, and
 * lkmm/P4-retire-vs-retire where the not-oper path meets the close).
 * Ten retires with I/O in flight and ten reopens: on a loaded host (the
 * guest's vCPUs get a fraction of a core while its clock keeps the
 * host's time) that took longer than the harness's default 30 s in the
 * built-in boot, and the tests after it found the group still held by
 * the killed program (IO_TEST_TIMEOUT_S).
 */
TEST_F_TIMEOUT(io, close_with_io_in_flight, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct ccw1 *ccw;
	struct cmd_orb orb;
	struct irb_view irb;
	const char *step = "";
	int i, ret;

	for (i = 0; i < 10; i++) {
		ccw = vccw_ptr(d, 0);
		sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
		vccw_orb(d, &orb, 0, i);
		ASSERT_ACCEPTED(vccw_start(d, &orb));
		vccw_close(d);
		ret = vccw_open(d, vccw_uuid(0), &step);
		ASSERT_EQ(0, ret) TH_LOG("reopen %d: %s: %s", i, step,
					 strerror(-ret));
	}
	ccw = vccw_ptr(d, 0);
	sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
	ASSERT_EQ(0, run_cp(d, 0, &irb));
	EXPECT_TRUE(vccw_good_end(&irb));
}

/*
 * Unmap the DMA range right after a START: the driver must unpin (the
 * retire path against the writer and the work item's SCSW update:
 * lkmm/P4-retire-vs-writer, lkmm/P4-update-scsw-vs-retire, not forced).
 */
TEST_F_TIMEOUT(io, dma_unmap_during_io, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct ccw1 *ccw = vccw_ptr(d, 0);
	struct cmd_orb orb;
	struct irb_view irb;
	int i;

	for (i = 0; i < 10; i++) {
		sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
		vccw_orb(d, &orb, 0, i);
		ASSERT_ACCEPTED(vccw_start(d, &orb));
		ASSERT_EQ((long)d->dma_size,
			  vccw_dma_unmap(d->container, d->iova, d->dma_size));
		if (have_stats(d->uuid))
			EXPECT_EQ(0, stat_of(d->uuid, "pinned_pages"));
		ASSERT_EQ(0, vccw_dma_remap(d));
		while (vccw_take_irb(d, 500) > 0)
			;
	}
	sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
	ASSERT_EQ(0, run_cp(d, 0, &irb));
	EXPECT_TRUE(vccw_good_end(&irb));
}

/* Does the file at @path contain @needle? */
static int file_has(const char *path, const char *needle)
{
	static char buf[1 << 16];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return !!strstr(buf, needle);
}

/*
 * The channel path of the subchannel varied off and on through its sysfs
 * status (css calls chp_event with CHP_VARY_OFF, then CHP_VARY_ON) while
 * the device is open and idle: the device then still runs a program. Our
 * driver logs each event with the path's mask in its s390dbf area and
 * does not halt the idle subchannel (no interrupt comes; checked by hand
 * once against a driver halting it whenever the last path used goes: the
 * check at "idle subchannel" then fails). (No
 * START while varied off: QEMU keeps a deferred cc 3 on the subchannel
 * for good once a program is started without a usable path.)
 */
TEST_F_TIMEOUT(io, chp_vary_off_on, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	const char *dbf = "/sys/kernel/debug/s390dbf/vfio_ccw_msg/sprintf";
	uint8_t schib[SCHIB_AREA_SIZE];
	char path[96];
	struct ccw1 *ccw = vccw_ptr(d, 0);
	struct irb_view irb;
	bool ours = vccw_driver_is_ours();
	int64_t ev;

	ASSERT_EQ((ssize_t)sizeof(schib),
		  pread(d->device, schib, sizeof(schib), d->schib.offset));
	/* pmcw: pim at byte 11, chpid[0] at byte 16 */
	ASSERT_NE(0, schib[11] & 0x80) TH_LOG("path 0 not installed");
	snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/status",
		 schib[16]);

	ASSERT_EQ(0, vccw_put(path, "offline")) TH_LOG("%s", path);
	EXPECT_TRUE(file_has(path, "offline"));
	ASSERT_EQ(0, vccw_put(path, "online"));
	EXPECT_TRUE(file_has(path, "online"));
	if (ours) {
		EXPECT_TRUE(file_has(dbf, "chp event 3 mask 80"))
			TH_LOG("no vary-off event in %s", dbf);
		EXPECT_TRUE(file_has(dbf, "chp event 2 mask 80"))
			TH_LOG("no vary-on event in %s", dbf);
	}

	/*
	 * The in-tree driver halts the idle subchannel (its last path used
	 * went away): take that interrupt first. Ours leaves it alone.
	 */
	ev = vccw_wait_io(d, 500);
	if (ours)
		EXPECT_EQ(0, ev) TH_LOG("an idle subchannel got an interrupt");

	sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
	ASSERT_EQ(0, run_cp(d, 0, &irb));
	EXPECT_TRUE(vccw_good_end(&irb));
}

struct remapper {
	struct vccw_dev *d;
	void *buf;
	uint64_t iova;
	size_t size;
	atomic_int stop;
	atomic_int programs;	/* programs the main thread finished */
	int rounds;
	int err;
};

/*
 * Unmap and map again a range no channel program uses, one round per
 * program the main thread finishes, so that every round overlaps the
 * next program. Not in a tight loop: on a loaded host that loop held
 * type1's iommu->lock so often that the programs' pins starved and the
 * test ran out of time.
 */
static void *remap_fn(void *arg)
{
	struct remapper *r = arg;
	int container = r->d->container;
	int seen = 0;
	long ret;

	while (!atomic_load(&r->stop) && !r->err) {
		if (!VCCW_WAIT_FOR(atomic_load(&r->programs) > seen ||
				   atomic_load(&r->stop), 60 * 1000))
			break;
		seen = atomic_load(&r->programs);
		ret = vccw_dma_unmap(container, r->iova, r->size);
		if (ret < 0)
			r->err = (int)-ret;
		if (!r->err)
			r->err = -vccw_dma_map(container, r->buf, r->iova,
					       r->size, true);
		r->rounds++;
	}
	return NULL;
}

/*
 * A DMA unmap of a range the channel program does not use leaves it
 * running: STARTs in a loop while another thread unmaps and maps a
 * second range; every program ends normally with its data, and our
 * driver ends none of them (claims_retire does not move). With one
 * device in the container type1 does not even call the driver for a
 * range nobody pinned, so a driver that ended any submitted cp on any
 * unmap passed this test too when checked by hand:
 * race.P4_unmap_peek_vs_work is the test of that rule
 * (lkmm/P4-unmap-peek-vs-work). This one also
 * runs against the in-tree driver.
 */
TEST_F_TIMEOUT(io, dma_unmap_elsewhere_keeps_io, 120)
{
	struct vccw_dev *d = &self->d;
	struct ccw1 *ccw = vccw_ptr(d, 0);
	uint8_t *data = vccw_ptr(d, 0x1000);
	struct remapper r = { .d = d, .size = 0x10000 };
	long retire0 = stat_of(d->uuid, "claims_retire");
	struct irb_view irb;
	pthread_t t;
	int i, ret = 0, done = 0;

	r.iova = d->iova + 16 * VCCW_DMA_SIZE;
	r.buf = mmap(NULL, r.size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r.buf);
	ASSERT_EQ(0, vccw_dma_map(d->container, r.buf, r.iova, r.size, true));
	ASSERT_EQ(0, pthread_create(&t, NULL, remap_fn, &r));

	for (i = 0; i < 200; i++) {
		memset(data, 0, 8);
		sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
		ret = run_cp(d, 0, &irb);
		if (ret)
			break;
		if (!vccw_good_end(&irb) || data[0] != 0xff || data[1] != 0x38)
			break;
		done++;
		atomic_store(&r.programs, done);
	}
	atomic_store(&r.stop, 1);
	pthread_join(t, NULL);
	EXPECT_EQ(0, r.err) TH_LOG("remap: %s", strerror(r.err));
	EXPECT_EQ(200, done) {
		if (ret)
			TH_LOG("program %d: %s", done, strerror(-ret));
		else
			TH_LOG("program %d: dstat %02x cstat %02x, data %02x %02x",
			       done, scsw_dstat(&irb.scsw),
			       scsw_cstat(&irb.scsw), data[0], data[1]);
	}
	EXPECT_LT(0, r.rounds);
	if (have_stats(d->uuid))
		EXPECT_EQ(retire0, stat_of(d->uuid, "claims_retire"));
	TH_LOG("%d programs, %d unmap/map rounds", done, r.rounds);
	munmap(r.buf, r.size);
}

/* Read a text file into @buf, NUL-terminated: its length or -errno. */
static ssize_t read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

/*
 * The tracepoints show one START going through the ownership word:
 * W takes it and submits, I claims it for the final IRB, Q releases it;
 * the request event names the START, the HSCH and the CSCH that follow.
 * (The in-tree driver has no such word: there its request event must fire.)
 */
TEST_F_TIMEOUT(io, trace_transitions, IO_TEST_TIMEOUT_S)
{
	static const char * const ours[] = {
		"W IDLE -> TRANSLATING", "W TRANSLATING -> SUBMITTED",
		"I SUBMITTED -> CLAIMED", "Q CLAIMED -> IDLE", "start ret=0",
		"halt ret=0", "clear ret=0",
	};
	static const char * const intree[] = { "vfio_ccw_fsm_io_request" };
	const char * const *want = ours;
	size_t nwant = ARRAY_SIZE(ours);
	const char *t = "/sys/kernel/tracing";
	struct vccw_dev *d = &self->d;
	struct ccw1 *ccw = vccw_ptr(d, 0);
	struct irb_view irb;
	static char buf[1 << 16];
	char path[128];
	size_t i;

	if (!vccw_driver_is_ours()) {
		want = intree;
		nwant = 1;
	}
	snprintf(path, sizeof(path), "%s/events/vfio_ccw/enable", t);
	ASSERT_EQ(0, vccw_put(path, "1")) TH_LOG("no vfio_ccw trace events");
	snprintf(path, sizeof(path), "%s/trace", t);
	ASSERT_EQ(0, vccw_put(path, ""));
	sense_id_ccw(d, ccw, 0x1000, CCW_FLAG_SLI, 7);
	ASSERT_EQ(0, run_cp(d, 0, &irb));
	/* Q traces CLAIMED -> IDLE before it signals the eventfd. */
	EXPECT_TRUE(vccw_good_end(&irb));
	if (vccw_driver_is_ours()) {
		/* The request event names each kind of request. */
		EXPECT_EQ((ssize_t)sizeof(struct ccw_cmd_region),
			  vccw_async(d, VFIO_CCW_ASYNC_CMD_HSCH));
		ASSERT_EQ(0, wait_irb(d, &irb));
		EXPECT_EQ((ssize_t)sizeof(struct ccw_cmd_region),
			  vccw_async(d, VFIO_CCW_ASYNC_CMD_CSCH));
		ASSERT_EQ(0, wait_irb(d, &irb));
	}
	snprintf(path, sizeof(path), "%s/events/vfio_ccw/enable", t);
	vccw_put(path, "0");

	snprintf(path, sizeof(path), "%s/trace", t);
	ASSERT_LT(0, read_text(path, buf, sizeof(buf)));
	for (i = 0; i < nwant; i++)
		EXPECT_NE(NULL, strstr(buf, want[i]))
			TH_LOG("'%s' not traced", want[i]);
	if (!vccw_driver_is_ours())
		return;

	/*
	 * Every field of our events is a value: a pointer in the record
	 * (a string literal's address) means nothing to trace-cmd or perf.
	 */
	snprintf(path, sizeof(path), "%s/events/vfio_ccw/%s/format", t,
		 "vfio_ccw_request");
	ASSERT_LT(0, read_text(path, buf, sizeof(buf)));
	EXPECT_EQ(NULL, strstr(buf, "char *")) TH_LOG("%s", buf);
}

/*
 * Removing the mdev while userspace has it open: the driver relays vfio's
 * request to the REQ eventfd, the removal waits until userspace closes
 * the device, then completes; a new mdev with the same uuid works. (Last
 * in this program: it replaces the mdev the others use.) Checked by hand
 * once against a driver that does not signal the request: "no request".
 */
TEST_F_TIMEOUT(io, remove_request_while_open, IO_TEST_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct vccw_remover r = { 0 };
	const char *sch = getenv("VFIO_CCW_SCH");
	char create[160], uuid[64];
	struct irb_view irb;
	struct pollfd p;
	pthread_t t;
	uint64_t v;
	int efd;

	ASSERT_NE(NULL, sch);
	snprintf(uuid, sizeof(uuid), "%s", d->uuid);
	snprintf(r.path, sizeof(r.path), "/sys/bus/mdev/devices/%s/remove",
		 uuid);
	snprintf(create, sizeof(create),
		 "/sys/bus/css/devices/%s/mdev_supported_types/vfio_ccw-io/create",
		 sch);
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vccw_set_irq(d->device, VFIO_CCW_REQ_IRQ_INDEX, efd));

	ASSERT_EQ(0, pthread_create(&t, NULL, vccw_remove_fn, &r));
	p = (struct pollfd){ .fd = efd, .events = POLLIN };
	EXPECT_EQ(1, poll(&p, 1, VCCW_IO_TIMEOUT_MS)) TH_LOG("no request");
	EXPECT_EQ((ssize_t)sizeof(v), read(efd, &v, sizeof(v)));
	EXPECT_EQ(0, atomic_load(&r.done)) TH_LOG("removed while open");

	vccw_close(d);
	pthread_join(t, NULL);
	close(efd);
	EXPECT_EQ(0, r.ret) TH_LOG("remove: %s", strerror(-r.ret));
	ASSERT_NE(0, access(r.path, F_OK)) TH_LOG("mdev still there");

	ASSERT_EQ(0, vccw_put(create, uuid)) TH_LOG("%s", create);
	ASSERT_VCCW_OPEN(d, uuid);
	self->starts0 = stat_of(uuid, "starts");
	self->frees0 = stat_of(uuid, "frees");
	sense_id_ccw(d, vccw_ptr(d, 0), 0x1000, CCW_FLAG_SLI, 7);
	ASSERT_EQ(0, run_cp(d, 0, &irb));
	EXPECT_TRUE(vccw_good_end(&irb));
}

TEST_HARNESS_MAIN
