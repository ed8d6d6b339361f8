// SPDX-License-Identifier: GPL-2.0
/*
 * Forced interleavings: the driver's debug hooks (driver/vfio_ccw_hooks.h)
 * hold the work item Q or the writer W at a chosen point, so each race of
 * lkmm/'s proof obligations happens deterministically. Each test is named
 * after the litmus test in lkmm/ that proves the same interleaving, asserts
 * the protocol's outcome, and says which rule it guards. Fault injection
 * through fail_function hits the marked failure points of the driver.
 *
 * Only for our driver (hooks and debugfs counters); with the in-tree one
 * the program skips whole (vccw_require_ours()).
 */
#include <pthread.h>
#include <sched.h>
#include "vfio_ccw_util.h"
#include "kselftest_harness.h"

/*
 * The harness's guard per test. Each wait inside a test is bounded by
 * VCCW_IO_TIMEOUT_MS (20 s) and a test makes several: the harness's
 * default of 30 s would kill a slow but correct test on a loaded host
 * before its own bounds could say what was missing.
 */
#define RACE_TIMEOUT_S	180

#define IO_TIMEOUT_MS	VCCW_IO_TIMEOUT_MS

static long stat_of(const char *name)
{
	return vccw_stat(vccw_uuid(0), name);
}

static int hook(const char *cmd)
{
	return vccw_hook(vccw_uuid(0), cmd);
}

/* Somebody is held at the armed hook (the first mdev's). */
static bool hook_waiting(void)
{
	struct vccw_hook_state h;

	return !vccw_hook_read(vccw_uuid(0), &h) && h.waiting;
}

/* The armed hook was passed more than @passes0 times. */
static bool hook_passed(unsigned long passes0)
{
	struct vccw_hook_state h;

	return !vccw_hook_read(vccw_uuid(0), &h) && h.passes > passes0;
}

/* Poll until somebody is held at the armed hook; false on timeout. */
static bool wait_held(void)
{
	return VCCW_WAIT_FOR(hook_waiting(), IO_TIMEOUT_MS);
}

/* Step once and wait until that pass went through. */
static bool step_one(void)
{
	struct vccw_hook_state h;

	if (vccw_hook_read(vccw_uuid(0), &h) || hook("step"))
		return false;
	return VCCW_WAIT_FOR(hook_passed(h.passes), IO_TIMEOUT_MS);
}

static bool wait_stat(const char *name, long want)
{
	return VCCW_WAIT_FOR(stat_of(name) >= want, IO_TIMEOUT_MS);
}

/*
 * The thread that stores its id in @tid and sets @done when its call
 * returned is seen asleep in that call (within IO_TIMEOUT_MS) while
 * @done is still clear; false if the call returned.
 */
static bool blocked_not_done(atomic_int *tid, atomic_int *done)
{
	return VCCW_WAIT_FOR(atomic_load(done) ||
			     (atomic_load(tid) &&
			      vccw_task_blocked(atomic_load(tid))),
			     IO_TIMEOUT_MS) && !atomic_load(done);
}

static ssize_t start(struct vccw_dev *d)
{
	struct cmd_orb orb;

	vccw_orb(d, &orb, 0, 0x77);
	return vccw_start(d, &orb);
}

/*
 * Hold Q at its hook, have the hook hand I the made-up IRB @inject right
 * after W's ssch, and START SENSE ID: Q holds every IRB that follows.
 */
static void start_with_work_held(struct __test_metadata *_metadata,
				 struct vccw_dev *d, const char *inject)
{
	ASSERT_EQ(0, hook("arm work"));
	ASSERT_EQ(0, hook(inject));
	vccw_sense_id_prog(d);
	ASSERT_ACCEPTED(start(d));
	ASSERT_TRUE(wait_held()) TH_LOG("Q never reached the hook");
}

FIXTURE(race) {
	struct vccw_dev d;
	long starts0, frees0, claims_irq0, claims_retire0;
};

FIXTURE_SETUP(race)
{
	const char *uuid = vccw_uuid(0);

	ASSERT_VCCW_OPEN(&self->d, uuid);
	ASSERT_EQ(0, hook("release")) TH_LOG("module built without hooks?");
	self->starts0 = stat_of("starts");
	self->frees0 = stat_of("frees");
	self->claims_irq0 = stat_of("claims_irq");
	self->claims_retire0 = stat_of("claims_retire");
}

FIXTURE_TEARDOWN(race)
{
	hook("release");
	vccw_close(&self->d);
	EXPECT_EQ(0, stat_of("pinned_pages"));
	EXPECT_EQ(VCCW_OWN_IDLE, stat_of("own"));
	EXPECT_EQ(stat_of("starts") - self->starts0,
		  stat_of("frees") - self->frees0);
}

/*
 * lkmm/P2-clear-start-collision, the START/CLEAR interrupt collision. Q is
 * held; a CLEAR's IRB is taken while IDLE and queued; a new START is
 * submitted and completes, its final IRB queued behind (claimed by I). Q
 * then processes the clear's IRB: it must not free (rule "claim at interrupt
 * time": only a solicited final IRB taken while SUBMITTED carries the claim;
 * rule "free only with a claim": Q frees only with a claim). With the 6.12
 * scheme (Q decides from the state at work time) the free would happen here,
 * at the first entry: checked by hand once by making Q free on "solicited &&
 * final && own != IDLE": this test then fails at (*).
 */
TEST_F_TIMEOUT(race, P2_clear_start_collision, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct irb_view irb = { 0 };

	ASSERT_EQ(0, hook("arm work"));
	ASSERT_EQ((ssize_t)sizeof(struct ccw_cmd_region),
		  vccw_async(d, VFIO_CCW_ASYNC_CMD_CSCH));
	ASSERT_TRUE(wait_held()) TH_LOG("Q never reached the hook");

	vccw_sense_id_prog(d);
	ASSERT_ACCEPTED(start(d));
	/* The START's final IRB: I claims it at interrupt time. */
	ASSERT_TRUE(wait_stat("claims_irq", self->claims_irq0 + 1));
	EXPECT_EQ(VCCW_OWN_CLAIMED, stat_of("own"));

	/* Q processes the clear's IRB. */
	ASSERT_TRUE(step_one());
	ASSERT_TRUE(wait_held());
	EXPECT_EQ(self->frees0, stat_of("frees"));	/* (*) */
	EXPECT_EQ(VCCW_OWN_CLAIMED, stat_of("own"));
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	EXPECT_NE(0, scsw_fctl(&irb.scsw) & SCSW_FCTL_CLEAR);

	/* Q processes the START's IRB, with the claim: exactly one free. */
	ASSERT_TRUE(step_one());
	ASSERT_EQ(0, hook("release"));
	ASSERT_TRUE(wait_stat("frees", self->frees0 + 1));
	EXPECT_EQ(self->frees0 + 1, stat_of("frees"));
	EXPECT_EQ(VCCW_OWN_IDLE, stat_of("own"));
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	EXPECT_NE(0, scsw_fctl(&irb.scsw) & SCSW_FCTL_START);
	EXPECT_TRUE(vccw_good_sense_id(d));
}

/*
 * Q is held with the START's final IRB (claimed by I) next in the ring:
 * let it through; exactly one free, the word IDLE, the START's ending in
 * the io region and its data in place.
 */
static void final_irb_frees_once(struct __test_metadata *_metadata,
				 struct vccw_dev *d, long frees0)
{
	struct irb_view irb = { 0 };

	ASSERT_TRUE(step_one());
	ASSERT_EQ(0, hook("release"));
	ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS));
	ASSERT_TRUE(wait_stat("frees", frees0 + 1));
	EXPECT_EQ(frees0 + 1, stat_of("frees"));
	EXPECT_EQ(VCCW_OWN_IDLE, stat_of("own"));
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	EXPECT_NE(0, scsw_fctl(&irb.scsw) & SCSW_FCTL_START);
	EXPECT_EQ(0, scsw_actl(&irb.scsw) &
		  (SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT));
	EXPECT_EQ(DEV_STAT_CHN_END | DEV_STAT_DEV_END, scsw_dstat(&irb.scsw));
	EXPECT_EQ(0xff, ((uint8_t *)vccw_ptr(d, 0x1000))[0]);
}

/*
 * lkmm/P3-intermediate-then-final. Right after W's ssch, under the same
 * sch->lock, the hook hands I a made-up intermediate IRB (PCI, subchannel
 * and device still active); then the cp's real final IRB comes. Q is held
 * and processes them one at a time: the intermediate IRB reaches userspace
 * with the guest's CCW address (Q read the running cp) and frees nothing;
 * the final one frees exactly once (rule "claim at interrupt time": only a
 * final IRB carries the claim). Checked by hand once with I claiming any
 * solicited IRB taken while SUBMITTED (the "final" condition removed, as in
 * lkmm/ctrl-irq-claims-intermediate): the free then happens at (*).
 */
TEST_F_TIMEOUT(race, P3_intermediate_then_final, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct irb_view irb = { 0 };
	long inter0 = stat_of("irb_intermediate");
	long final0 = stat_of("irb_final");
	long deliv0 = stat_of("irb_delivered");

	start_with_work_held(_metadata, d, "after-ssch intermediate");
	ASSERT_TRUE(wait_stat("irb_final", final0 + 1));
	EXPECT_EQ(inter0 + 1, stat_of("irb_intermediate"));
	EXPECT_EQ(self->claims_irq0 + 1, stat_of("claims_irq"));
	EXPECT_EQ(VCCW_OWN_CLAIMED, stat_of("own"));

	/* Q processes the intermediate IRB. */
	ASSERT_TRUE(step_one());
	ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS));
	EXPECT_EQ(self->frees0, stat_of("frees"));	/* (*) */
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	EXPECT_NE(0, scsw_stctl(&irb.scsw) & SCSW_STCTL_INTER);
	EXPECT_EQ(SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT,
		  scsw_actl(&irb.scsw) & (SCSW_ACTL_SCHACT | SCSW_ACTL_DEVACT));
	EXPECT_EQ(SCHN_STAT_PCI, scsw_cstat(&irb.scsw));
	EXPECT_EQ(vccw_addr(d, 0) + sizeof(struct ccw1), irb.scsw.cpa);

	/* Q processes the final IRB, with the claim: exactly one free. */
	final_irb_frees_once(_metadata, d, self->frees0);
	EXPECT_EQ(deliv0 + 2, stat_of("irb_delivered"));
	EXPECT_TRUE(vccw_good_sense_id(d));
}

/*
 * lkmm/P5-unsolicited-deferred-cc, unsolicited IRB while SUBMITTED: the hook
 * hands I a made-up attention interrupt right after W's ssch, before the
 * cp's real final IRB. It has no function and nothing active, so it looks
 * final, but it is unsolicited: it must not end the cp (rule "claim at
 * interrupt time"). Checked by hand once with the "solicited" condition
 * removed from I's claim: the free then happens at (*) and the real final
 * IRB has none.
 */
TEST_F_TIMEOUT(race, P5_unsolicited_while_submitted, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct irb_view irb = { 0 };
	long unsol0 = stat_of("irb_unsolicited");

	start_with_work_held(_metadata, d, "after-ssch unsolicited");
	ASSERT_TRUE(wait_stat("claims_irq", self->claims_irq0 + 1));
	EXPECT_EQ(unsol0 + 1, stat_of("irb_unsolicited"));

	/* Q processes the attention. */
	ASSERT_TRUE(step_one());
	ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS));
	EXPECT_EQ(self->frees0, stat_of("frees"));	/* (*) */
	EXPECT_EQ(VCCW_OWN_CLAIMED, stat_of("own"));
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	EXPECT_EQ(SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND,
		  scsw_stctl(&irb.scsw));
	EXPECT_EQ(DEV_STAT_ATTENTION, scsw_dstat(&irb.scsw));
	EXPECT_EQ(0, scsw_fctl(&irb.scsw));

	/* Q processes the START's final IRB: exactly one free. */
	final_irb_frees_once(_metadata, d, self->frees0);
	EXPECT_TRUE(vccw_good_sense_id(d));
}

/*
 * A call on a thread of its own that the test expects to block: the
 * thread stores its id in @tid and sets @done when @call returned.
 */
struct blocking {
	long (*call)(struct blocking *b);
	struct vccw_dev *d;
	int fd;
	void *buf;
	long ret;
	atomic_int tid;
	atomic_int done;
};

static void *blocking_fn(void *arg)
{
	struct blocking *b = arg;

	atomic_store(&b->tid, gettid());
	b->ret = b->call(b);
	atomic_store(&b->done, 1);
	return NULL;
}

static long close_call(struct blocking *b)
{
	return close(b->fd);
}

static long unmap_call(struct blocking *b)
{
	return vccw_dma_unmap(b->d->container, b->d->iova, b->d->dma_size);
}

/*
 * lkmm/P4-work-vs-retire. I claimed the final IRB of a START and handed the
 * claim to Q, which is held. Closing the device (R) must not free the cp
 * itself: it waits for Q (rule "quiesce, then claim": R takes the claim only
 * if nobody holds it). Exactly one free, by Q: claims_retire does not move.
 * Checked by hand once with R freeing when it sees CLAIMED: frees then ends
 * at 2.
 */
TEST_F_TIMEOUT(race, P4_work_vs_retire, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct blocking c = { .call = close_call };
	pthread_t t;

	ASSERT_EQ(0, hook("arm work"));
	vccw_sense_id_prog(d);
	ASSERT_ACCEPTED(start(d));
	ASSERT_TRUE(wait_held());
	ASSERT_TRUE(wait_stat("claims_irq", self->claims_irq0 + 1));

	c.fd = d->device;
	d->device = -1;
	ASSERT_EQ(0, pthread_create(&t, NULL, blocking_fn, &c));
	EXPECT_TRUE(blocked_not_done(&c.tid, &c.done))
		TH_LOG("close did not wait for the work item");
	EXPECT_EQ(self->frees0, stat_of("frees"));

	ASSERT_EQ(0, hook("release"));
	pthread_join(t, NULL);
	EXPECT_EQ(self->frees0 + 1, stat_of("frees"));
	EXPECT_EQ(self->claims_retire0, stat_of("claims_retire"));

	/* Reopen and use it again. */
	vccw_close(d);
	ASSERT_VCCW_OPEN(d, vccw_uuid(0));
	EXPECT_TRUE(vccw_good_sense_id(d));
}

struct starter {
	struct vccw_dev *d;
	ssize_t ret;
};

static void *start_fn(void *arg)
{
	struct starter *s = arg;

	s->ret = start(s->d);
	return NULL;
}

/*
 * lkmm/P4-retire-vs-writer (and P1: nobody frees while TRANSLATING). W is
 * held after translating (pages pinned); a DMA unmap of the range (R) must
 * wait for W instead of freeing under it, then end the cp it submitted and
 * unpin before the unmap returns (rule "quiesce, then claim"). Checked by
 * hand once with R not waiting for TRANSLATING: the unmap then returns at
 * (*) with pages still pinned.
 */
TEST_F_TIMEOUT(race, P4_retire_vs_writer, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct starter s = { .d = d };
	struct blocking u = { .call = unmap_call, .d = d };
	pthread_t ts, tu;

	ASSERT_EQ(0, hook("arm translated"));
	vccw_sense_id_prog(d);
	ASSERT_EQ(0, pthread_create(&ts, NULL, start_fn, &s));
	ASSERT_TRUE(wait_held());
	EXPECT_EQ(VCCW_OWN_TRANSLATING, stat_of("own"));
	EXPECT_LT(0, stat_of("pinned_pages"));

	ASSERT_EQ(0, pthread_create(&tu, NULL, blocking_fn, &u));
	EXPECT_TRUE(blocked_not_done(&u.tid, &u.done))
		TH_LOG("unmap did not wait for the writer"); /* (*) */

	ASSERT_EQ(0, hook("release"));
	pthread_join(ts, NULL);
	pthread_join(tu, NULL);
	EXPECT_EQ((long)d->dma_size, u.ret);
	EXPECT_ACCEPTED(s.ret);
	EXPECT_EQ(0, stat_of("pinned_pages"));
	while (vccw_take_irb(d, 500) > 0)
		;
	EXPECT_EQ(self->frees0 + 1, stat_of("frees"));

	ASSERT_EQ(0, vccw_dma_remap(d));
	EXPECT_TRUE(vccw_good_sense_id(d));
}

/*
 * lkmm/P5-unsolicited-deferred-cc, unsolicited IRB during TRANSLATING (and
 * P1: Q never frees while W translates). W is held after translating; the
 * hook hands I a made-up attention interrupt; Q delivers it to userspace and
 * must leave W's cp alone: the word stays TRANSLATING, nothing is freed or
 * unpinned, and W's START then runs to its end with its data intact (rule
 * "claim at interrupt time": an IRB taken while TRANSLATING never leads to a
 * free). Checked by hand once with I claiming every final IRB while the word
 * is not IDLE ("an interrupt ends whatever runs"): the free then happens at
 * (*), under the held W.
 */
TEST_F_TIMEOUT(race, P5_unsolicited_during_translation, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct irb_view irb = { 0 };
	struct starter s = { .d = d };
	long unsol0 = stat_of("irb_unsolicited");
	pthread_t ts;

	ASSERT_EQ(0, hook("arm translated"));
	vccw_sense_id_prog(d);
	ASSERT_EQ(0, pthread_create(&ts, NULL, start_fn, &s));
	ASSERT_TRUE(wait_held()) TH_LOG("W never reached the hook");
	EXPECT_EQ(VCCW_OWN_TRANSLATING, stat_of("own"));

	ASSERT_EQ(0, hook("inject unsolicited"));
	ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS));
	EXPECT_EQ(unsol0 + 1, stat_of("irb_unsolicited"));
	EXPECT_EQ(self->frees0, stat_of("frees"));	/* (*) */
	EXPECT_EQ(self->claims_irq0, stat_of("claims_irq"));
	EXPECT_EQ(VCCW_OWN_TRANSLATING, stat_of("own"));
	EXPECT_LT(0, stat_of("pinned_pages"));
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	EXPECT_EQ(SCSW_STCTL_ALERT | SCSW_STCTL_STATUS_PEND,
		  scsw_stctl(&irb.scsw));
	EXPECT_EQ(DEV_STAT_ATTENTION, scsw_dstat(&irb.scsw));

	ASSERT_EQ(0, hook("release"));
	pthread_join(ts, NULL);
	ASSERT_ACCEPTED(s.ret);
	ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS));
	ASSERT_TRUE(wait_stat("frees", self->frees0 + 1));
	EXPECT_EQ(self->frees0 + 1, stat_of("frees"));
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	EXPECT_NE(0, scsw_fctl(&irb.scsw) & SCSW_FCTL_START);
	EXPECT_EQ(DEV_STAT_CHN_END | DEV_STAT_DEV_END, scsw_dstat(&irb.scsw));
	EXPECT_EQ(0xff, ((uint8_t *)vccw_ptr(d, 0x1000))[0]);
	EXPECT_EQ(0x38, ((uint8_t *)vccw_ptr(d, 0x1000))[1]);
	EXPECT_EQ(0, stat_of("pinned_pages"));
}

static bool wait_held_irb(const char *uuid)
{
	return VCCW_WAIT_FOR(vccw_hook_held(uuid) >= 1, IO_TIMEOUT_MS) &&
	       vccw_hook_held(uuid) == 1;
}

/*
 * lkmm/P4-unmap-peek-vs-work. Both mdevs in one container, as QEMU has them,
 * each with its own DMA window; the hook holds each START's real final IRB
 * back from I, so both cps stay SUBMITTED as if their channel programs ran
 * on. type1 calls every device of the container when a range with pins goes:
 * unmapping mdev2's window must end mdev2's cp (R claims and frees, nothing
 * pinned), and mdev1, whose cp pins nothing there, must look at its cp and
 * leave it running (rule "quiesce, then claim"). Then its own window goes
 * and its cp ends too. The held IRBs were about the cps the quiesce stopped:
 * they are dropped (counted), never replayed to I for a later cp, so no
 * claim and no second free. Checked by hand once with the unmap ending any
 * submitted cp (this driver's earlier, coarse rule): mdev1 then retires at
 * (*); and once with held IRBs replayed on release whatever became of their
 * cp: "held IRB replayed" at (**).
 */
TEST_F_TIMEOUT(race, P4_unmap_peek_vs_work, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d, d2;
	const char *u1 = vccw_uuid(0), *u2 = vccw_uuid(1);
	const char *step = "";
	long retire2, frees2, claims2, starts2;
	long dropped1, dropped2, deliv1, deliv2;
	int ret;

	ASSERT_NE(NULL, u2);
	ret = vccw_open_in(&d2, u2, d->container,
			   d->iova + 16 * VCCW_DMA_SIZE, &step);
	ASSERT_EQ(0, ret) TH_LOG("mdev2 %s: %s", step, strerror(-ret));
	retire2 = vccw_stat(u2, "claims_retire");
	frees2 = vccw_stat(u2, "frees");
	claims2 = vccw_stat(u2, "claims_irq");
	starts2 = vccw_stat(u2, "starts");

	dropped1 = stat_of("irb_dropped");
	dropped2 = vccw_stat(u2, "irb_dropped");
	ASSERT_EQ(0, vccw_hook(u1, "hold irq"));
	ASSERT_EQ(0, vccw_hook(u2, "hold irq"));
	vccw_sense_id_prog(d);
	ASSERT_ACCEPTED(start(d));
	ASSERT_TRUE(wait_held_irb(u1)) TH_LOG("mdev1's IRB not held");
	vccw_sense_id_prog(&d2);
	ASSERT_ACCEPTED(start(&d2));
	ASSERT_TRUE(wait_held_irb(u2)) TH_LOG("mdev2's IRB not held");
	EXPECT_EQ(VCCW_OWN_SUBMITTED, stat_of("own"));
	EXPECT_EQ(VCCW_OWN_SUBMITTED, vccw_stat(u2, "own"));
	deliv1 = stat_of("irb_delivered");
	deliv2 = vccw_stat(u2, "irb_delivered");

	/* mdev2's window: its cp ends, mdev1's stays. */
	ASSERT_EQ((long)d2.dma_size,
		  vccw_dma_unmap(d2.container, d2.iova, d2.dma_size));
	EXPECT_EQ(retire2 + 1, vccw_stat(u2, "claims_retire"));
	EXPECT_EQ(frees2 + 1, vccw_stat(u2, "frees"));
	EXPECT_EQ(0, vccw_stat(u2, "pinned_pages"));
	EXPECT_EQ(self->claims_retire0, stat_of("claims_retire"));	/* (*) */
	EXPECT_EQ(self->frees0, stat_of("frees"));
	EXPECT_EQ(VCCW_OWN_SUBMITTED, stat_of("own"));
	EXPECT_LT(0, stat_of("pinned_pages"));

	/* mdev1's own window: now its cp ends. */
	ASSERT_EQ((long)d->dma_size,
		  vccw_dma_unmap(d->container, d->iova, d->dma_size));
	EXPECT_EQ(self->claims_retire0 + 1, stat_of("claims_retire"));
	EXPECT_EQ(self->frees0 + 1, stat_of("frees"));
	EXPECT_EQ(VCCW_OWN_IDLE, stat_of("own"));
	EXPECT_EQ(0, stat_of("pinned_pages"));

	/* The stopped cps' IRBs are void: dropped, nothing claimed or freed. */
	EXPECT_EQ(dropped1 + 1, stat_of("irb_dropped"));
	EXPECT_EQ(dropped2 + 1, vccw_stat(u2, "irb_dropped"));
	ASSERT_EQ(0, vccw_hook(u1, "release irq"));
	ASSERT_EQ(0, vccw_hook(u2, "release irq"));
	EXPECT_EQ(deliv1, stat_of("irb_delivered")) TH_LOG("held IRB replayed (**)");
	EXPECT_EQ(deliv2, vccw_stat(u2, "irb_delivered"));
	EXPECT_EQ(self->claims_irq0, stat_of("claims_irq"));
	EXPECT_EQ(claims2, vccw_stat(u2, "claims_irq"));
	EXPECT_EQ(self->frees0 + 1, stat_of("frees"));
	EXPECT_EQ(frees2 + 1, vccw_stat(u2, "frees"));

	ASSERT_EQ(0, vccw_dma_remap(d));
	ASSERT_EQ(0, vccw_dma_remap(&d2));
	EXPECT_TRUE(vccw_good_sense_id(d));
	EXPECT_TRUE(vccw_good_sense_id(&d2));
	vccw_close(&d2);
	EXPECT_EQ(0, vccw_stat(u2, "pinned_pages"));
	EXPECT_EQ(vccw_stat(u2, "starts") - starts2,
		  vccw_stat(u2, "frees") - frees2);
}

/* Vary the subchannel's first channel path on, as an administrator would. */
static int vary_on_first_path(struct vccw_dev *d)
{
	uint8_t schib[SCHIB_AREA_SIZE];
	char path[64];

	if (pread(d->device, schib, sizeof(schib), d->schib.offset) !=
	    sizeof(schib))
		return -errno;
	/* pmcw: chpid[0] at byte 16 */
	snprintf(path, sizeof(path), "/sys/devices/css0/chp0.%02x/status",
		 schib[16]);
	return vccw_put(path, "on");
}

/*
 * lkmm/P1-translating-vs-work, failure side: every failure point of W
 * returns its documented errno, leaves nothing pinned, the word IDLE and
 * the io region usable (W frees what it built before it leaves
 * TRANSLATING on every failure). Checked by hand once with W keeping its
 * cp when ssch fails: a page then stays pinned after the injected cc 1.
 */
TEST_F_TIMEOUT(race, fault_injection_start_path, RACE_TIMEOUT_S)
{
	static const struct {
		const char *fn;
		long retval;
		ssize_t want;
	} cases[] = {
		{ "vccw_ssch", -1, -EBUSY },	/* cc 1: status pending */
		{ "vccw_ssch", -2, -EBUSY },	/* cc 2: busy */
		{ "vccw_ssch", -3, -ENODEV },	/* cc 3: not operational */
		{ "vccw_cp_pin_pages", -ENOMEM, -ENOMEM },
		{ "vccw_cp_pin_pages", -EFAULT, -EFAULT },
		{ "vccw_cp_alloc_chain", -ENOMEM, -ENOMEM },
	};
	struct vccw_dev *d = &self->d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		long s0 = stat_of("starts");

		ASSERT_EQ(0, vccw_inject(cases[i].fn, cases[i].retval))
			TH_LOG("fail_function %s", cases[i].fn);
		vccw_sense_id_prog(d);
		EXPECT_EQ(cases[i].want, start(d))
			TH_LOG("%s retval %ld", cases[i].fn, cases[i].retval);
		vccw_uninject();
		/* cc 3 took the path out of sch->lpm: bring it back. */
		if (cases[i].want == -ENODEV)
			ASSERT_EQ(0, vary_on_first_path(d));
		EXPECT_EQ(0, stat_of("pinned_pages"));
		EXPECT_EQ(VCCW_OWN_IDLE, stat_of("own"));
		EXPECT_EQ(s0, stat_of("starts"));
		EXPECT_TRUE(vccw_good_sense_id(d)) TH_LOG("after %s", cases[i].fn);
	}
}

/*
 * ssch cc 3: the ORB's paths are not operational, so they leave sch->lpm (as
 * in 6.12) and the next START with an ORB lpm of 0 (which means sch->lpm)
 * does not try them again: QEMU ends it with cc 3 (a deferred one, or
 * -ENODEV at once). Varying the path on (css calls chp_event with
 * CHP_VARY_ON) makes the device usable again. Checked by hand once with the
 * paths kept after cc 3: "the dead path was tried again".
 */
TEST_F_TIMEOUT(race, cc3_takes_the_paths_out, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct irb_view irb = { 0 };
	struct cmd_orb orb;
	ssize_t n;

	ASSERT_EQ(0, vccw_inject("vccw_ssch", -3));
	vccw_sense_id_prog(d);
	EXPECT_ERRNO(ENODEV, start(d));	/* the one path gone: none left */
	vccw_uninject();

	vccw_orb(d, &orb, 0, 0x33);
	orb.lpm = 0;
	n = vccw_start(d, &orb);
	if (n == VCCW_IO_ACCEPTED) {
		ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS));
		ASSERT_EQ(0, vccw_read_irb(d, &irb));
		EXPECT_EQ(3, scsw_cc(&irb.scsw))
			TH_LOG("the dead path was tried again");
	} else {
		EXPECT_ERRNO(ENODEV, n);
	}

	ASSERT_EQ(0, vary_on_first_path(d));
	vccw_orb(d, &orb, 0, 0x34);
	orb.lpm = 0;
	vccw_sense_id_prog(d);
	ASSERT_ACCEPTED(vccw_start(d, &orb));
	ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS));
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	/* (QEMU leaves the deferred cc of the last IRB in this SCSW.) */
	EXPECT_EQ(DEV_STAT_CHN_END | DEV_STAT_DEV_END, scsw_dstat(&irb.scsw));
	EXPECT_EQ(0xff, ((uint8_t *)vccw_ptr(d, 0x1000))[0]);
}

/*
 * lkmm/P5-unsolicited-deferred-cc: an IRB with a deferred condition code is
 * final: the cp is claimed and freed once, userspace sees the cc (rule
 * "claim at interrupt time": a deferred cc ends the cp). Checked by hand
 * once with I not claiming an IRB that has a cc: the cp is then never freed
 * and the word stays SUBMITTED.
 */
TEST_F_TIMEOUT(race, P5_deferred_cc, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct irb_view irb = { 0 };
	long frees0 = self->frees0;
	int cc;

	/* 1: status pending, 3: not operational on the ORB's paths. */
	for (cc = 1; cc <= 3; cc += 2) {
		ASSERT_EQ(0, vccw_inject("vccw_inject_deferred_cc", -cc));
		vccw_sense_id_prog(d);
		ASSERT_ACCEPTED(start(d));
		ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS));
		vccw_uninject();
		ASSERT_EQ(0, vccw_read_irb(d, &irb));
		EXPECT_EQ(cc, scsw_cc(&irb.scsw));
		ASSERT_TRUE(wait_stat("frees", frees0 + 1)) TH_LOG("cc %d", cc);
		EXPECT_EQ(frees0 + 1, stat_of("frees"));
		EXPECT_EQ(VCCW_OWN_IDLE, stat_of("own"));
		EXPECT_EQ(0, stat_of("pinned_pages"));
		EXPECT_TRUE(vccw_good_sense_id(d));
		frees0 += 2;	/* the deferred one and good_sense_id's */
	}
}

#define RING_SIZE	32	/* VCCW_RING_SIZE of the driver */

/*
 * lkmm/P3-ring-full-keeps-claim. The I -> Q ring full (rule "IRBs in order":
 * a claim is never dropped). Q is held; 40 made-up unsolicited IRBs (not
 * HALTs or CLEARs: each of those would supersede the ones before it) come
 * in: 32 fill the ring, 8 are dropped and counted. A START's
 * final IRB then comes with the claim: it takes the newest slot rather than
 * being dropped, so when Q goes on the cp is freed exactly once and the word
 * is IDLE again. Checked by hand once with a claimed IRB dropped like any
 * other when the ring is full: the free then never comes and the word
 * stays CLAIMED at (*).
 */
TEST_F_TIMEOUT(race, ring_full_keeps_claim, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	long unsol0 = stat_of("irb_unsolicited");
	long drop0 = stat_of("irb_dropped");
	long deliv0 = stat_of("irb_delivered");
	int64_t ev, sum = 0;
	int i;

	ASSERT_EQ(0, hook("arm work"));
	for (i = 0; i < RING_SIZE + 8; i++) {
		ASSERT_EQ(0, hook("inject unsolicited"));
		ASSERT_TRUE(wait_stat("irb_unsolicited", unsol0 + i + 1))
			TH_LOG("no IRB for injection %d", i);
	}
	EXPECT_EQ(drop0 + 8, stat_of("irb_dropped"));

	vccw_sense_id_prog(d);
	ASSERT_ACCEPTED(start(d));
	ASSERT_TRUE(wait_stat("claims_irq", self->claims_irq0 + 1));
	EXPECT_EQ(drop0 + 9, stat_of("irb_dropped"));
	EXPECT_EQ(VCCW_OWN_CLAIMED, stat_of("own"));

	/*
	 * Q goes on: the 32 IRBs come one per signal, each let in by the
	 * read of the one before. Wait for each (not for a quiet spell: on
	 * a loaded host Q may take seconds to run), then for the free.
	 */
	ASSERT_EQ(0, hook("release"));
	while (sum < RING_SIZE && (ev = vccw_take_irb(d, IO_TIMEOUT_MS)) > 0)
		sum += ev;
	EXPECT_EQ(RING_SIZE, sum);
	ASSERT_TRUE(wait_stat("frees", self->frees0 + 1));
	EXPECT_EQ(deliv0 + RING_SIZE, stat_of("irb_delivered"));
	EXPECT_EQ(self->frees0 + 1, stat_of("frees"));
	EXPECT_EQ(VCCW_OWN_IDLE, stat_of("own"));	/* (*) */
	EXPECT_TRUE(vccw_good_sense_id(d));
}

/*
 * A reader slower than the device: six IRBs (the final status of a
 * START, a made-up unsolicited one, alternately; no HSCH or CSCH, which
 * supersede what waits, see read_after_clear_waits_for_q) come in before
 * userspace reads the io region once. The region holds one IRB; the
 * others wait until it was read, so reading the region after each
 * eventfd signal, as QEMU does, gives all six in order and none is
 * dropped. Checked by hand once with Q writing every IRB into the region
 * at once: only the last one is read ("IRB 2 of 6 never came").
 */
TEST_F_TIMEOUT(race, slow_reader_gets_every_irb, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	long frees0 = stat_of("frees");
	long unsol0 = stat_of("irb_unsolicited");
	long drop0 = stat_of("irb_dropped");
	struct irb_view irb;
	int i, n = 0;

	vccw_sense_id_prog(d);
	for (i = 0; i < 3; i++) {
		ASSERT_ACCEPTED(start(d)) TH_LOG("START %d", i + 1);
		ASSERT_TRUE(wait_stat("frees", frees0 + i + 1))
			TH_LOG("START %d never ended", i + 1);
		ASSERT_EQ(0, hook("inject unsolicited"));
		ASSERT_TRUE(wait_stat("irb_unsolicited", unsol0 + i + 1));
	}
	for (n = 0; n < 6; n++) {
		ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS))
			TH_LOG("IRB %d of 6 never came", n + 1);
		ASSERT_EQ(0, vccw_read_irb(d, &irb));
		if (n % 2 == 0) {
			EXPECT_EQ(SCSW_FCTL_START, scsw_fctl(&irb.scsw))
				TH_LOG("IRB %d: not the START's", n + 1);
		} else {
			EXPECT_NE(0, scsw_stctl(&irb.scsw) & SCSW_STCTL_ALERT)
				TH_LOG("IRB %d: not the unsolicited one", n + 1);
		}
	}
	EXPECT_EQ(drop0, stat_of("irb_dropped"));
	EXPECT_TRUE(vccw_good_sense_id(d));
}

static long read_irb_call(struct blocking *b)
{
	return vccw_read_irb(b->d, (struct irb_view *)b->buf);
}

/*
 * Not in lkmm (no cp changes hands): an accepted CSCH supersedes the
 * status userspace has not read (io.clear_supersedes_unread_status). A
 * START's final IRB is in the io region, signalled, not read; then the
 * clear's IRB is held back, by @hold: "arm work" holds Q with it taken
 * by I, "hold irq" holds it before I took it (a channel slower than the
 * reader). A CSCH is accepted. A read of the io region now must not
 * return the START's status: it waits until the clear's IRB was taken
 * and handed over and returns it. (QEMU reads the region when the
 * earlier signal wakes it, right after its CSCH.) Checked by hand once
 * with the read not waiting: it returned at once with the START's
 * status ("the read did not wait: fctl 4"), for each @hold.
 */
static void read_after_clear(struct __test_metadata *_metadata,
			     struct vccw_dev *d, const char *hold)
{
	struct irb_view irb = { 0 };
	struct blocking b = { .call = read_irb_call, .d = d, .buf = &irb };
	pthread_t t;

	vccw_sense_id_prog(d);
	ASSERT_ACCEPTED(start(d));
	ASSERT_LT(0, vccw_wait_io(d, IO_TIMEOUT_MS));
	ASSERT_EQ(0, hook(hold));
	ASSERT_EQ((ssize_t)sizeof(struct ccw_cmd_region),
		  vccw_async(d, VFIO_CCW_ASYNC_CMD_CSCH));
	if (!strcmp(hold, "arm work")) {
		ASSERT_TRUE(wait_held()) TH_LOG("Q never held the clear's IRB");
	} else {
		ASSERT_TRUE(VCCW_WAIT_FOR(vccw_hook_held(vccw_uuid(0)) > 0,
					  IO_TIMEOUT_MS))
			TH_LOG("the clear's IRB was not held");
	}

	ASSERT_EQ(0, pthread_create(&t, NULL, blocking_fn, &b));
	EXPECT_TRUE(blocked_not_done(&b.tid, &b.done))
		TH_LOG("the read did not wait: fctl %x",
		       scsw_fctl(&irb.scsw));
	ASSERT_EQ(0, hook("release"));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, b.ret);
	EXPECT_EQ(SCSW_FCTL_CLEAR, scsw_fctl(&irb.scsw))
		TH_LOG("read fctl %x", scsw_fctl(&irb.scsw));
	/* It rode the START's signal; the device works on. */
	EXPECT_TRUE(vccw_good_sense_id(d));
}

TEST_F_TIMEOUT(race, read_after_clear_waits_for_q, RACE_TIMEOUT_S)
{
	read_after_clear(_metadata, &self->d, "arm work");
}

TEST_F_TIMEOUT(race, read_after_clear_waits_for_its_irb, RACE_TIMEOUT_S)
{
	read_after_clear(_metadata, &self->d, "hold irq");
}

/* One read of the CRW region: the CRW word, or -errno. */
static int64_t read_crw(struct vccw_dev *d, void *buf)
{
	struct ccw_crw_region r;
	ssize_t n = pread(d->device, buf ?: &r, sizeof(r), d->crw.offset);

	if (n != sizeof(r))
		return n < 0 ? -errno : -EIO;
	return buf ? 0 : r.crw;
}

/* The CPU the cpu_hog hook keeps busy now, or -1. */
static int hog_cpu(void)
{
	FILE *f = fopen(VCCW_DEBUGFS "/cpu_hog", "r");
	int on = 0, cpu = -1;

	if (f) {
		if (fscanf(f, "hogging=%d cpu=%d", &on, &cpu) != 2)
			on = 0;
		fclose(f);
	}
	return on ? cpu : -1;
}

struct hog {
	atomic_int done;
	int err;
};

/*
 * On CPU 1: hand I the held IRB, then stay busy in the kernel there
 * until told to stop (at most 15 s).
 */
static void *hog_fn(void *arg)
{
	struct hog *h = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(1, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		h->err = errno;
	else
		h->err = -hook("release irq hog 15");
	atomic_store(&h->done, 1);
	return NULL;
}

/*
 * Not a race of the protocol: Q must not be tied to the CPU whose
 * interrupt queued it. The program's IRB is held back, then handed to I
 * on CPU 1, which stays busy in the kernel right after (the hook's hog:
 * interrupts on, no preemption, as a long kernel loop without
 * cond_resched() keeps a PREEMPT_NONE CPU). The IRB must reach userspace
 * on CPU 0 while CPU 1 is still busy. Found as an io test that waited
 * 20 s for an IRB right after a channel-path vary on: cio's scan of every
 * subchannel id kept the CPU that took the interrupt busy (for over a
 * minute on a loaded host, where the workqueue watchdog then fired).
 * Shown failing with Q on a per-CPU workqueue: "the IRB came only after
 * CPU 1 was free".
 */
TEST_F_TIMEOUT(race, q_runs_while_irq_cpu_busy, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	struct irb_view irb = { 0 };
	struct hog h = { 0 };
	cpu_set_t set;
	pthread_t t;
	int64_t ev;
	int started, busy;

	ASSERT_LE(2, sysconf(_SC_NPROCESSORS_ONLN));
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	ASSERT_EQ(0, hook("hold irq"));
	vccw_sense_id_prog(d);
	ASSERT_ACCEPTED(start(d));
	ASSERT_TRUE(VCCW_WAIT_FOR(vccw_hook_held(vccw_uuid(0)) == 1,
				  IO_TIMEOUT_MS));
	ASSERT_EQ(0, pthread_create(&t, NULL, hog_fn, &h));
	VCCW_WAIT_FOR(hog_cpu() == 1 || atomic_load(&h.done), IO_TIMEOUT_MS);
	started = hog_cpu() == 1;
	ev = started ? vccw_wait_io(d, IO_TIMEOUT_MS) : 0;
	/* The IRB is here (or the wait gave up): is CPU 1 still busy? */
	busy = started && hog_cpu() == 1;
	vccw_put(VCCW_DEBUGFS "/cpu_hog", "0");
	pthread_join(t, NULL);
	ASSERT_EQ(0, h.err) TH_LOG("hog: %s", strerror(h.err));
	ASSERT_TRUE(started) TH_LOG("CPU 1 never got busy");
	ASSERT_LT(0, ev) TH_LOG("no IRB");
	ASSERT_EQ(0, vccw_read_irb(d, &irb));
	EXPECT_TRUE(vccw_good_end(&irb));
	EXPECT_TRUE(busy) TH_LOG("the IRB came only after CPU 1 was free");
}

/*
 * Not a race: channel-path events QEMU never reports. The hook calls the
 * chp_event handler as css does for a channel-path CRW (CHP_OFFLINE, then
 * CHP_ONLINE) on the subchannel's first path. Each queues a CRW for
 * userspace: the CRW eventfd fires, the region gives the CRW (channel
 * path, "permanent error" then "initialized", the chpid) once and is
 * then empty; a read into a bad buffer fails with EFAULT and leaves the
 * CRW queued (checked by hand once against a driver that drops it: "CRW
 * lost"). The device still runs a program afterwards.
 */
TEST_F_TIMEOUT(race, crw_chp_offline_online, RACE_TIMEOUT_S)
{
	struct vccw_dev *d = &self->d;
	uint8_t schib[SCHIB_AREA_SIZE];
	struct pollfd p;
	uint64_t v;
	int64_t crw;
	void *bad;
	int efd;

	ASSERT_EQ((ssize_t)sizeof(schib),
		  pread(d->device, schib, sizeof(schib), d->schib.offset));
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vccw_set_irq(d->device, VFIO_CCW_CRW_IRQ_INDEX, efd));
	EXPECT_EQ(0, read_crw(d, NULL));	/* nothing queued */

	ASSERT_EQ(0, hook("inject chp offline"));
	p = (struct pollfd){ .fd = efd, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, IO_TIMEOUT_MS)) TH_LOG("no CRW eventfd");
	ASSERT_EQ((ssize_t)sizeof(v), read(efd, &v, sizeof(v)));
	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, bad);
	EXPECT_ERRNO(EFAULT, read_crw(d, bad));
	munmap(bad, 4096);
	crw = read_crw(d, NULL);
	ASSERT_LT(0, crw) TH_LOG("CRW lost after the failed read");
	EXPECT_EQ(0x4, (crw >> 24) & 0xf);	/* rsc: channel path */
	EXPECT_EQ(0x6, (crw >> 16) & 0x3f);	/* erc: perm. error */
	EXPECT_EQ(schib[16], crw & 0xffff);	/* rsid: the chpid */
	EXPECT_EQ(0, read_crw(d, NULL));

	ASSERT_EQ(0, hook("inject chp online"));
	ASSERT_EQ(1, poll(&p, 1, IO_TIMEOUT_MS));
	ASSERT_EQ((ssize_t)sizeof(v), read(efd, &v, sizeof(v)));
	crw = read_crw(d, NULL);
	EXPECT_EQ(0x4, (crw >> 24) & 0xf);
	EXPECT_EQ(0x2, (crw >> 16) & 0x3f);	/* erc: initialized */
	EXPECT_EQ(schib[16], crw & 0xffff);
	EXPECT_EQ(0, read_crw(d, NULL));

	EXPECT_EQ(0, vccw_set_irq(d->device, VFIO_CCW_CRW_IRQ_INDEX, -1));
	close(efd);
	EXPECT_TRUE(vccw_good_sense_id(d));
}

int main(int argc, char **argv)
{
	vccw_require_ours("the debug hooks are ours");
	return test_harness_run(argc, argv);
}
