// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw stress tests: START, HALT/CLEAR, io/schib region reads and the
 * I/O eventfd, all at once, from several threads, on one and on two mdevs;
 * close with I/O in flight and reopen; DMA unmap/remap of the pinned page
 * with STARTs in flight.
 *
 * Userspace keeps its own books (accepted STARTs, refusals by errno,
 * accepted HALT/CLEARs, the sum of the eventfd counter values it read)
 * and, where the driver under test exports debugfs counters (ours), checks
 * them against /sys/kernel/debug/vfio_ccw/<uuid>/stats after quiescing:
 *
 *   starts        == accepted STARTs
 *   refused_*     == refusals userspace saw, by errno
 *   halts, clears == accepted HSCH, CSCH
 *   frees         == starts             (every accepted START freed once)
 *   claims_irq + claims_retire == frees (each free by exactly one owner)
 *   irb_delivered == sum of eventfd values (drained after close)
 *   irb_superseded counted: status an accepted HSCH or CSCH superseded
 *                 before it was read (taken == delivered + dropped +
 *                 superseded)
 *   irb_dropped   counted, not asserted: Q and the readers may lag on a
 *                 loaded host; every IRB is delivered or dropped, and a
 *                 START's final status is never dropped
 *   pinned_pages == 0, own == 0 (idle)
 *
 * With the in-tree driver (VFIO_CCW_DRIVER=intree) the same load runs and
 * only the userspace invariants are asserted: START, HSCH/CSCH and read
 * errnos, reopen works, a final SENSE ID works.
 *
 * The load is bounded by iteration counts, never by time; the environment
 * variable VFIO_CCW_STRESS_SCALE (a positive number, default 1) multiplies
 * them. Elapsed time is printed, never asserted.
 */
#include <pthread.h>
#include <sched.h>
#include "vfio_ccw_util.h"
#include "kselftest_harness.h"

#define IO_TIMEOUT_MS	VCCW_IO_TIMEOUT_MS
#define QUIET_MS	300	/* the eventfd is drained once quiet this long */
#define TEST_TIMEOUT_S	600	/* harness guard; the bound is iterations */

/* DMA window layout: CCW at 0, SENSE ID data in its own page. */
#define CP_OFF		0x0
#define DATA_OFF	0x1000
#define PAGE_SZ		0x1000

/* ---------------------------------------------------------------------
 * debugfs counters (ours only)
 */
enum {
	S_STARTS, S_REF_EAGAIN, S_REF_EBUSY, S_REF_OTHER, S_HALTS, S_CLEARS,
	S_IRB_SOL, S_IRB_UNSOL, S_IRB_FINAL, S_IRB_INTERM, S_IRB_DROPPED,
	S_IRB_DELIV, S_IRB_SUPERSEDED, S_CLAIMS_IRQ, S_CLAIMS_RETIRE, S_FREES, S_PINNED, S_OWN,
	S_NR
};

static const char * const stat_names[S_NR] = {
	"starts", "refused_eagain", "refused_ebusy", "refused_other", "halts",
	"clears", "irb_solicited", "irb_unsolicited", "irb_final",
	"irb_intermediate", "irb_dropped", "irb_delivered", "irb_superseded",
	"claims_irq",
	"claims_retire", "frees", "pinned_pages", "own",
};

struct kstats {
	int ok;			/* every counter was found */
	long v[S_NR];
};

static int read_kstats(const char *uuid, struct kstats *s)
{
	struct vccw_stats all;
	int i;

	memset(s, 0, sizeof(*s));
	if (!vccw_stats_read(uuid, &all))
		return -ENOENT;
	s->ok = 1;
	for (i = 0; i < S_NR; i++) {
		s->v[i] = vccw_stats_get(&all, stat_names[i]);
		if (s->v[i] < 0)
			s->ok = 0;
	}
	return s->ok ? 0 : -ENOENT;
}

static double stress_scale(void)
{
	const char *s = getenv("VFIO_CCW_STRESS_SCALE");
	double v = s && *s ? atof(s) : 1.0;

	return v > 0 ? v : 1.0;
}

static int scaled(int base)
{
	double v = base * stress_scale();

	return v < 1 ? 1 : (int)v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------
 * One device under load
 */
#define MAX_THREADS	8

struct load {
	/* configuration */
	const char *uuid;
	char name[8];		/* "mdev", "mdev2": for messages */
	int starters;		/* START threads */
	int start_iters;	/* attempts per START thread */
	/* HSCH/CSCH cap of the async thread (0: none); it ends with the
	 * START threads too
	 */
	int halt_iters;
	int reader_cap;		/* iteration cap of each reader */
	int split_dma;		/* data page mapped on its own (unmap test) */

	/* device and threads */
	struct vccw_dev d;
	int open;
	int dev_closed;		/* main closed the device fd: EBADF is fine */
	int stop;		/* readers and unbounded loops end */
	int starters_left;
	pthread_t tid[MAX_THREADS];
	int nthreads;
	struct kstats base;

	/* the books, all updated with atomics */
	long attempts, accepted, eagain, ebusy, einval, ebadf, start_other;
	int start_other_errno;
	long halt_ok, clear_ok, async_ebusy, async_eagain, async_ebadf;
	long async_other, async_enodev;
	int async_other_errno;
	long io_reads, io_bad, schib_reads, schib_bad;
	int io_bad_errno, schib_bad_errno;
	long efd_sum, efd_reads;

	/* figures summed over rounds (close/reopen test) */
	long tot_claims_irq, tot_claims_retire, tot_frees, tot_irbs;
	long tot_irb_unsol;
	long tot_irb_dropped;
	long tot_irb_superseded;	/* an accepted HSCH/CSCH came first */
};

#define ADD(field, n)	__atomic_add_fetch(&(field), (n), __ATOMIC_RELAXED)
#define GET(field)	__atomic_load_n(&(field), __ATOMIC_RELAXED)
#define SET(field, v)	__atomic_store_n(&(field), (v), __ATOMIC_RELAXED)

static void load_reset_books(struct load *L)
{
	L->attempts = 0;
	L->accepted = 0;
	L->eagain = 0;
	L->ebusy = 0;
	L->einval = 0;
	L->ebadf = 0;
	L->start_other = 0;
	L->start_other_errno = 0;
	L->halt_ok = 0;
	L->clear_ok = 0;
	L->async_ebusy = 0;
	L->async_eagain = 0;
	L->async_ebadf = 0;
	L->async_other = 0;
	L->async_enodev = 0;
	L->async_other_errno = 0;
	L->io_reads = 0;
	L->io_bad = 0;
	L->schib_reads = 0;
	L->schib_bad = 0;
	L->io_bad_errno = 0;
	L->schib_bad_errno = 0;
	L->efd_sum = 0;
	L->efd_reads = 0;
}

/* Add the counts of one round to @sum (close/reopen test). */
static void load_add_books(struct load *sum, struct load *L)
{
	sum->attempts += GET(L->attempts);
	sum->accepted += GET(L->accepted);
	sum->eagain += GET(L->eagain);
	sum->ebusy += GET(L->ebusy);
	sum->einval += GET(L->einval);
	sum->ebadf += GET(L->ebadf);
	sum->start_other += GET(L->start_other);
	sum->halt_ok += GET(L->halt_ok);
	sum->clear_ok += GET(L->clear_ok);
	sum->async_ebusy += GET(L->async_ebusy);
	sum->async_eagain += GET(L->async_eagain);
	sum->async_ebadf += GET(L->async_ebadf);
	sum->async_other += GET(L->async_other);
	sum->async_enodev += GET(L->async_enodev);
	sum->io_reads += GET(L->io_reads);
	sum->schib_reads += GET(L->schib_reads);
	sum->efd_reads += GET(L->efd_reads);
	sum->efd_sum += GET(L->efd_sum);
}

/* Read whatever the eventfd holds now (it is non-blocking); add it. */
/*
 * Take the eventfd's count, then read the IRB it announced, as QEMU does:
 * the driver lets the next IRB into the io region only once the last one
 * was read.
 */
static int64_t efd_take(struct load *L)
{
	struct ccw_io_region r;
	uint64_t v;

	if (read(L->d.io_efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	ADD(L->efd_sum, (long)v);
	ADD(L->efd_reads, 1);
	if (L->d.device >= 0 && !GET(L->dev_closed) &&
	    pread(L->d.device, &r, sizeof(r), L->d.io.offset) == sizeof(r))
		ADD(L->io_reads, 1);
	return (int64_t)v;
}

/* Wait up to timeout_ms for the eventfd; returns the value taken or 0. */
static int64_t efd_wait(struct load *L, int timeout_ms)
{
	struct pollfd p = { .fd = L->d.io_efd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	return efd_take(L);
}

/* Take signals until none comes for QUIET_MS (at most 100 rounds). */
static void efd_drain(struct load *L)
{
	int i;

	for (i = 0; i < 100; i++)
		if (!efd_wait(L, QUIET_MS))
			break;
}

/* One START of the SENSE ID program, booked. Returns pwrite's result. */
static ssize_t do_start(struct load *L, uint32_t intparm)
{
	struct cmd_orb orb;
	ssize_t n;

	vccw_orb(&L->d, &orb, CP_OFF, intparm);
	n = vccw_start(&L->d, &orb);
	ADD(L->attempts, 1);
	if (n == VCCW_IO_ACCEPTED) {
		ADD(L->accepted, 1);
	} else if (n == -EAGAIN) {
		ADD(L->eagain, 1);
	} else if (n == -EBUSY) {
		ADD(L->ebusy, 1);
	} else if (n == -EINVAL && L->split_dma) {
		ADD(L->einval, 1);	/* data page unmapped right now */
	} else if (n == -EBADF && GET(L->dev_closed)) {
		ADD(L->ebadf, 1);
	} else {
		ADD(L->start_other, 1);
		SET(L->start_other_errno, (int)-n);
	}
	return n;
}

static ssize_t do_async(struct load *L, uint32_t cmd)
{
	ssize_t n = vccw_async(&L->d, cmd);

	if (n == (ssize_t)sizeof(struct ccw_cmd_region)) {
		if (cmd == VFIO_CCW_ASYNC_CMD_HSCH)
			ADD(L->halt_ok, 1);
		else
			ADD(L->clear_ok, 1);
	} else if (n == -EBUSY) {
		ADD(L->async_ebusy, 1);
	} else if (n == -EAGAIN && !vccw_driver_is_ours()) {
		/* in-tree: io_mutex trylock, or cp being processed */
		ADD(L->async_eagain, 1);
	} else if (n == -EBADF && GET(L->dev_closed)) {
		ADD(L->async_ebadf, 1);
	} else if (n == -ENODEV && L->split_dma && !vccw_driver_is_ours()) {
		/*
		 * A retire (here: the DMA unmap) has the subchannel disabled
		 * for a moment; the in-tree driver passes HSCH/CSCH's cc 3 on
		 * as -ENODEV. Ours answers -EBUSY there. Counted, not failed,
		 * for the in-tree driver only.
		 */
		ADD(L->async_enodev, 1);
	} else {
		ADD(L->async_other, 1);
		SET(L->async_other_errno, (int)-n);
	}
	return n;
}

static void *starter_fn(void *arg)
{
	struct load *L = arg;
	unsigned int seed = (unsigned int)(uintptr_t)&seed;
	int i;

	for (i = 0; i < L->start_iters && !GET(L->stop); i++) {
		ssize_t n = do_start(L, i);

		if (n == -EBADF)
			break;
		/* Give the interrupt work and the other threads a CPU now and then. */
		if (n != VCCW_IO_ACCEPTED && !(rand_r(&seed) & 3))
			sched_yield();
	}
	ADD(L->starters_left, -1);
	return NULL;
}

/*
 * A START of the test's own among the threads', tried up to @tries times
 * while the device is busy: true when it was accepted.
 */
static bool own_start(struct load *L, uint32_t intparm, int tries)
{
	ssize_t n = -EBUSY;

	while (tries-- > 0) {
		n = do_start(L, intparm);
		if (n != -EBUSY && n != -EAGAIN)
			break;
		sched_yield();
	}
	return n == VCCW_IO_ACCEPTED;
}

/* START attempts went on by @n since @a0, or there are no more. */
static bool starts_moved(struct load *L, long a0, long n)
{
	return GET(L->attempts) - a0 >= n || GET(L->stop) ||
	       !GET(L->starters_left);
}

static void *halter_fn(void *arg)
{
	struct load *L = arg;
	unsigned int seed = (unsigned int)(uintptr_t)&seed;
	long a0;
	int i;

	for (i = 0; i < L->halt_iters && !GET(L->stop) &&
	     GET(L->starters_left); i++) {
		uint32_t cmd = (i & 1) ? VFIO_CCW_ASYNC_CMD_CSCH :
					 VFIO_CCW_ASYNC_CMD_HSCH;

		a0 = GET(L->attempts);
		if (do_async(L, cmd) == -EBADF)
			break;
		/*
		 * Pace: HALT/CLEAR must not starve the STARTs entirely. One
		 * every few START attempts (a random number of them).
		 */
		VCCW_WAIT_FOR(starts_moved(L, a0, 1 + rand_r(&seed) % 8),
			      IO_TIMEOUT_MS);
	}
	return NULL;
}

/* Read a region whole, again and again, counting reads and bad ones. */
static void read_region(struct load *L, uint64_t off, size_t size,
			long *reads, long *bad, int *bad_errno)
{
	uint8_t buf[sizeof(struct ccw_io_region) > SCHIB_AREA_SIZE ?
		    sizeof(struct ccw_io_region) : SCHIB_AREA_SIZE];
	int i;

	for (i = 0; i < L->reader_cap && !GET(L->stop); i++) {
		ssize_t n = pread(L->d.device, buf, size, off);

		if (n < 0 && errno == EBADF && GET(L->dev_closed))
			break;
		ADD(*reads, 1);
		if (n != (ssize_t)size) {
			ADD(*bad, 1);
			SET(*bad_errno, n < 0 ? errno : 0);
		}
		sched_yield();
	}
}

static void *io_reader_fn(void *arg)
{
	struct load *L = arg;

	read_region(L, L->d.io.offset, sizeof(struct ccw_io_region),
		    &L->io_reads, &L->io_bad, &L->io_bad_errno);
	return NULL;
}

static void *schib_reader_fn(void *arg)
{
	struct load *L = arg;

	read_region(L, L->d.schib.offset, SCHIB_AREA_SIZE,
		    &L->schib_reads, &L->schib_bad, &L->schib_bad_errno);
	return NULL;
}

static void *efd_reader_fn(void *arg)
{
	struct load *L = arg;
	int i;

	for (i = 0; i < 100 * L->reader_cap && !GET(L->stop); i++)
		efd_wait(L, 20);
	return NULL;
}

/* Map [@off, @off + @size) of the DMA window on its own; 0 or -errno. */
static int map_range(struct vccw_dev *d, size_t off, size_t size)
{
	return vccw_dma_map(d->container, vccw_ptr(d, off), d->iova + off,
			    size, true);
}

/* Returns the bytes unmapped or -errno. */
static long unmap_range(struct vccw_dev *d, size_t off, size_t size)
{
	return vccw_dma_unmap(d->container, d->iova + off, size);
}

/*
 * Open the device, make the eventfd non-blocking (several threads take
 * it), write the SENSE ID program and take the counter baseline.
 */
static int load_open(struct load *L, const char **step)
{
	struct ccw1 *ccw;
	int ret, fl;

	ret = vccw_open(&L->d, L->uuid, step);
	if (ret)
		return ret;
	L->open = 1;
	SET(L->dev_closed, 0);
	*step = "eventfd O_NONBLOCK";
	fl = fcntl(L->d.io_efd, F_GETFL);
	if (fl < 0 || fcntl(L->d.io_efd, F_SETFL, fl | O_NONBLOCK))
		return -errno;
	if (!L->d.async.size || !L->d.schib.size) {
		*step = "async and schib regions";
		return -ENOENT;
	}
	if (L->split_dma) {
		/* The data page as its own mapping, so it can go alone. */
		*step = "split the DMA mapping";
		if (unmap_range(&L->d, 0, L->d.dma_size) != (long)L->d.dma_size)
			return -EIO;
		ret = map_range(&L->d, 0, DATA_OFF);
		if (!ret)
			ret = map_range(&L->d, DATA_OFF, PAGE_SZ);
		if (!ret)
			ret = map_range(&L->d, DATA_OFF + PAGE_SZ,
					L->d.dma_size - DATA_OFF - PAGE_SZ);
		if (ret)
			return ret;
	}
	ccw = vccw_ptr(&L->d, CP_OFF);
	ccw->cmd = CCW_CMD_SENSE_ID;
	ccw->flags = CCW_FLAG_SLI;
	ccw->count = 7;
	ccw->cda = vccw_addr(&L->d, DATA_OFF);
	if (vccw_driver_is_ours()) {
		*step = "debugfs stats";
		ret = read_kstats(L->uuid, &L->base);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Close the device first, so that close_device's retire delivers what it
 * delivers while the eventfd is still ours, then take the eventfd's rest,
 * then close everything else.
 */
static void load_close(struct load *L)
{
	if (!L->open)
		return;
	if (L->d.device >= 0 && !GET(L->dev_closed)) {
		SET(L->dev_closed, 1);
		close(L->d.device);
	}
	L->d.device = -1;
	efd_take(L);
	vccw_close(&L->d);
	L->open = 0;
}

static void load_spawn(struct __test_metadata *_metadata, struct load *L)
{
	int i;

	SET(L->stop, 0);
	L->nthreads = 0;
	SET(L->starters_left, L->starters);
#define SPAWN(fn) do { \
		ASSERT_GT(MAX_THREADS, L->nthreads); \
		ASSERT_EQ(0, pthread_create(&L->tid[L->nthreads], NULL, fn, L)); \
		L->nthreads++; \
	} while (0)
	for (i = 0; i < L->starters; i++)
		SPAWN(starter_fn);
	if (L->halt_iters)
		SPAWN(halter_fn);
	SPAWN(io_reader_fn);
	SPAWN(schib_reader_fn);
	SPAWN(efd_reader_fn);
#undef SPAWN
}

/* Wait for the START and async threads (bounded by iterations), stop the rest. */
static void load_join(struct load *L)
{
	int i;

	for (i = 0; i < L->starters + (L->halt_iters ? 1 : 0); i++)
		pthread_join(L->tid[i], NULL);
	SET(L->stop, 1);
	for (; i < L->nthreads; i++)
		pthread_join(L->tid[i], NULL);
	L->nthreads = 0;
}

static void load_stop_join(struct load *L)
{
	int i;

	SET(L->stop, 1);
	for (i = 0; i < L->nthreads; i++)
		pthread_join(L->tid[i], NULL);
	L->nthreads = 0;
}

/*
 * With the load stopped: drain, START SENSE ID (retrying on -EAGAIN and
 * -EBUSY), wait for a good ending and check the data. 0 or -errno;
 * *what says what went wrong.
 */
static int final_sense_id(struct load *L, const char **what)
{
	uint8_t *data = vccw_ptr(&L->d, DATA_OFF);
	struct irb_view irb = { 0 };
	ssize_t n = -EBUSY;
	int i, ret;

	efd_drain(L);
	memset(data, 0, 8);
	*what = "START";
	for (i = 0; i < 50; i++) {
		n = do_start(L, 0x5e1d);
		if (n != -EBUSY && n != -EAGAIN)
			break;
		efd_wait(L, 200);
	}
	if (n != VCCW_IO_ACCEPTED)
		return n < 0 ? (int)n : -EIO;
	for (i = 0; i < 10; i++) {
		*what = "wait for the IRB";
		if (!efd_wait(L, IO_TIMEOUT_MS))
			return -ETIMEDOUT;
		*what = "read the IRB";
		ret = vccw_read_irb(&L->d, &irb);
		if (ret)
			return ret;
		if (vccw_good_end(&irb))
			break;
	}
	*what = "good ending";
	if (i == 10)
		return -EIO;
	*what = "SENSE ID data";
	if (data[0] != 0xff || data[1] != 0x38)
		return -EPROTO;
	efd_drain(L);
	return 0;
}

/* Userspace invariants: what every errno was. */
static void check_user(struct __test_metadata *_metadata, struct load *L,
		       const char *when)
{
	EXPECT_EQ(0, GET(L->start_other))
		TH_LOG("%s %s: %ld STARTs got neither count, -EAGAIN nor -EBUSY (last %s)",
		       L->name, when, GET(L->start_other),
		       strerror(GET(L->start_other_errno)));
	EXPECT_EQ(0, GET(L->async_other))
		TH_LOG("%s %s: %ld HSCH/CSCH got neither count nor -EBUSY (last %s)",
		       L->name, when, GET(L->async_other),
		       strerror(GET(L->async_other_errno)));
	EXPECT_EQ(0, GET(L->io_bad))
		TH_LOG("%s %s: %ld io region reads failed (last %s)", L->name,
		       when, GET(L->io_bad), strerror(GET(L->io_bad_errno)));
	EXPECT_EQ(0, GET(L->schib_bad))
		TH_LOG("%s %s: %ld schib region reads failed (last %s)",
		       L->name, when, GET(L->schib_bad),
		       strerror(GET(L->schib_bad_errno)));
}

/*
 * After load_close(): the driver's counters against our books. Sums the
 * per-owner figures into L->tot_*. Ours only; a no-op otherwise.
 */
static void check_kstats(struct __test_metadata *_metadata, struct load *L,
			 const char *when)
{
	struct kstats now;
	long dv[S_NR];
	int i;

	if (!vccw_driver_is_ours())
		return;
	ASSERT_EQ(0, read_kstats(L->uuid, &now))
		TH_LOG("%s %s: no debugfs stats", L->name, when);
	for (i = 0; i < S_NR; i++)
		dv[i] = now.v[i] - L->base.v[i];

	EXPECT_EQ(GET(L->accepted), dv[S_STARTS])
		TH_LOG("%s %s: starts delta vs accepted STARTs", L->name, when);
	EXPECT_EQ(GET(L->eagain), dv[S_REF_EAGAIN])
		TH_LOG("%s %s: refused_eagain delta vs -EAGAIN seen", L->name, when);
	EXPECT_EQ(GET(L->ebusy), dv[S_REF_EBUSY])
		TH_LOG("%s %s: refused_ebusy delta vs -EBUSY seen", L->name, when);
	EXPECT_EQ(GET(L->einval) + GET(L->start_other), dv[S_REF_OTHER])
		TH_LOG("%s %s: refused_other delta vs other errnos seen",
		       L->name, when);
	EXPECT_EQ(GET(L->halt_ok), dv[S_HALTS])
		TH_LOG("%s %s: halts delta vs accepted HSCH", L->name, when);
	EXPECT_EQ(GET(L->clear_ok), dv[S_CLEARS])
		TH_LOG("%s %s: clears delta vs accepted CSCH", L->name, when);
	EXPECT_EQ(dv[S_STARTS], dv[S_FREES])
		TH_LOG("%s %s: frees delta vs starts delta", L->name, when);
	EXPECT_EQ(dv[S_FREES], dv[S_CLAIMS_IRQ] + dv[S_CLAIMS_RETIRE])
		TH_LOG("%s %s: claims_irq %ld + claims_retire %ld vs frees %ld",
		       L->name, when, dv[S_CLAIMS_IRQ], dv[S_CLAIMS_RETIRE],
		       dv[S_FREES]);
	EXPECT_EQ(GET(L->efd_sum), dv[S_IRB_DELIV])
		TH_LOG("%s %s: irb_delivered delta vs eventfd sum", L->name, when);
	/*
	 * IRBs may be dropped when Q or the readers fall behind (a HALT/CLEAR
	 * thread makes them as fast as it can; on a loaded host the readers
	 * lag): that is allowed and counted, and every one is accounted for
	 * below. A START's final status is never dropped: see full_load().
	 */
	L->tot_irb_dropped += dv[S_IRB_DROPPED];
	L->tot_irb_superseded += dv[S_IRB_SUPERSEDED];
	EXPECT_EQ(dv[S_IRB_SOL] + dv[S_IRB_UNSOL],
		  dv[S_IRB_FINAL] + dv[S_IRB_INTERM])
		TH_LOG("%s %s: IRBs by solicitation vs by finality", L->name, when);
	EXPECT_EQ(dv[S_IRB_SOL] + dv[S_IRB_UNSOL],
		  dv[S_IRB_DELIV] + dv[S_IRB_DROPPED] + dv[S_IRB_SUPERSEDED])
		TH_LOG("%s %s: IRBs taken vs delivered + dropped + superseded",
		       L->name, when);
	EXPECT_EQ(0, now.v[S_PINNED])
		TH_LOG("%s %s: pages still pinned", L->name, when);
	EXPECT_EQ(0, now.v[S_OWN])
		TH_LOG("%s %s: ownership word not idle", L->name, when);

	L->tot_claims_irq += dv[S_CLAIMS_IRQ];
	L->tot_claims_retire += dv[S_CLAIMS_RETIRE];
	L->tot_frees += dv[S_FREES];
	L->tot_irbs += dv[S_IRB_DELIV];
	L->tot_irb_unsol += dv[S_IRB_UNSOL];
}

/*
 * With the load stopped: the final SENSE ID works, then the device is
 * closed and the user's and the driver's books checked (@when says
 * after what).
 */
static void final_checks(struct __test_metadata *_metadata, struct load *L,
			 const char *when)
{
	const char *step = "";
	int ret = final_sense_id(L, &step);

	EXPECT_EQ(0, ret) TH_LOG("%s: final SENSE ID: %s: %s", when, step,
				 strerror(-ret));
	load_close(L);
	check_user(_metadata, L, when);
	check_kstats(_metadata, L, when);
}

static void print_figures(struct __test_metadata *_metadata, struct load *L,
			  double t0, const char *extra)
{
	TH_LOG("%s: %.1fs; START attempts %ld: accepted %ld, -EAGAIN %ld, -EBUSY %ld,",
	       L->name, now_s() - t0, GET(L->attempts), GET(L->accepted),
	       GET(L->eagain), GET(L->ebusy));
	TH_LOG("%s: START -EINVAL(unmapped) %ld, -EBADF(closed) %ld, other %ld%s",
	       L->name, GET(L->einval), GET(L->ebadf), GET(L->start_other),
	       extra);
	TH_LOG("%s: HSCH ok %ld, CSCH ok %ld, -EBUSY %ld, -EAGAIN %ld, -EBADF(closed) %ld,",
	       L->name, GET(L->halt_ok), GET(L->clear_ok),
	       GET(L->async_ebusy), GET(L->async_eagain), GET(L->async_ebadf));
	TH_LOG("%s: HSCH/CSCH -ENODEV(retire) %ld, other %ld; io reads %ld, schib reads %ld;",
	       L->name, GET(L->async_enodev), GET(L->async_other),
	       GET(L->io_reads), GET(L->schib_reads));
	TH_LOG("%s: eventfd reads %ld sum %ld", L->name, GET(L->efd_reads),
	       GET(L->efd_sum));
	if (vccw_driver_is_ours()) {
		TH_LOG("%s: IRBs delivered %ld (unsolicited %ld), dropped %ld,",
		       L->name, L->tot_irbs, L->tot_irb_unsol,
		       L->tot_irb_dropped);
		TH_LOG("%s: IRBs superseded by HSCH/CSCH %ld;", L->name,
		       L->tot_irb_superseded);
		TH_LOG("%s: claims irq %ld, retire %ld; frees %ld", L->name,
		       L->tot_claims_irq, L->tot_claims_retire, L->tot_frees);
	} else {
		TH_LOG("%s: driver %s: debugfs invariants skipped", L->name,
		       vccw_driver());
	}
}

static void load_init(struct load *L, const char *name, const char *uuid)
{
	memset(L, 0, sizeof(*L));
	snprintf(L->name, sizeof(L->name), "%s", name);
	L->uuid = uuid;
	L->d.device = -1;
	L->d.group = -1;
	L->d.container = -1;
	L->d.io_efd = -1;
	L->starters = 2;
	L->start_iters = scaled(2000);
	L->halt_iters = scaled(2000);
	L->reader_cap = scaled(20000);
}

FIXTURE(stress) {
	struct load L[2];
	double t0;
};

FIXTURE_SETUP(stress)
{
	ASSERT_NE(NULL, vccw_uuid(0)) TH_LOG("VFIO_CCW_MDEV is not set");
	load_init(&self->L[0], "mdev", vccw_uuid(0));
	self->t0 = now_s();
}

FIXTURE_TEARDOWN(stress)
{
	int i;

	for (i = 0; i < 2; i++) {
		load_stop_join(&self->L[i]);
		load_close(&self->L[i]);
	}
}

/* Full load on n devices in parallel, then the checks on each. */
static void full_load(struct __test_metadata *_metadata, struct load *L,
		      int n, double t0)
{
	const char *step = "";
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = load_open(&L[i], &step);
		ASSERT_EQ(0, ret) TH_LOG("%s open: %s: %s", L[i].name, step,
					 strerror(-ret));
	}
	for (i = 0; i < n; i++)
		load_spawn(_metadata, &L[i]);
	for (i = 0; i < n; i++)
		load_join(&L[i]);
	for (i = 0; i < n; i++) {
		ret = final_sense_id(&L[i], &step);
		EXPECT_EQ(0, ret) TH_LOG("%s final SENSE ID: %s: %s",
					 L[i].name, step, strerror(-ret));
	}
	for (i = 0; i < n; i++) {
		load_close(&L[i]);
		check_user(_metadata, &L[i], "after the load");
		check_kstats(_metadata, &L[i], "after the load");
		/*
		 * Every accepted START got at least its final IRB, unless
		 * an accepted HSCH or CSCH superseded it before it was read.
		 */
		if (vccw_driver_is_ours())
			EXPECT_LE(GET(L[i].accepted),
				  GET(L[i].efd_sum) + L[i].tot_irb_superseded)
				TH_LOG("%s: fewer IRB signals than accepted STARTs",
				       L[i].name);
		EXPECT_LT(0, GET(L[i].accepted))
			TH_LOG("%s: no START was accepted", L[i].name);
		print_figures(_metadata, &L[i], t0, "");
	}
}

/*
 * Test 1: one mdev; 2 START threads, 1 HSCH/CSCH thread, readers of the io
 * region, the schib region and the eventfd, all at once.
 */
TEST_F_TIMEOUT(stress, one_mdev, TEST_TIMEOUT_S)
{
	full_load(_metadata, self->L, 1, self->t0);
}

/* Test 2: the same load on both mdevs in parallel. */
TEST_F_TIMEOUT(stress, two_mdevs, TEST_TIMEOUT_S)
{
	ASSERT_NE(NULL, vccw_uuid(1)) TH_LOG("VFIO_CCW_MDEV2 is not set");
	load_init(&self->L[1], "mdev2", vccw_uuid(1));
	full_load(_metadata, self->L, 2, self->t0);
}

/*
 * Test 3: rounds of open, load, close while the threads still issue
 * requests and right after an accepted START of our own, reopen. The
 * threads see -EBADF once the fd is gone. Each round is checked alone.
 */
TEST_F_TIMEOUT(stress, close_reopen_in_flight, TEST_TIMEOUT_S)
{
	struct load *L = &self->L[0];
	int rounds = scaled(30), r, own_inflight = 0;
	const char *step = "";
	struct load sum;
	char when[32], extra[96];
	int ret;

	L->start_iters = scaled(150);
	L->halt_iters = scaled(20);
	memset(&sum, 0, sizeof(sum));
	for (r = 0; r < rounds; r++) {
		snprintf(when, sizeof(when), "round %d", r);
		load_reset_books(L);
		ret = load_open(L, &step);
		ASSERT_EQ(0, ret) TH_LOG("%s: reopen: %s: %s", when, step,
					 strerror(-ret));
		load_spawn(_metadata, L);
		/* Let the START threads get going (bounded: they end). */
		VCCW_WAIT_FOR(!GET(L->starters_left) || GET(L->accepted) >= 3,
			      IO_TIMEOUT_MS);
		/* One START of our own, then close right behind it. */
		own_inflight += own_start(L, 0xc105e, 50);
		SET(L->dev_closed, 1);
		close(L->d.device);
		load_stop_join(L);
		load_close(L);
		check_user(_metadata, L, when);
		check_kstats(_metadata, L, when);
		load_add_books(&sum, L);
		if (_metadata->exit_code != KSFT_PASS)
			break;
	}
	/* The device still works after all that. */
	load_reset_books(L);
	ret = load_open(L, &step);
	ASSERT_EQ(0, ret) TH_LOG("last reopen: %s: %s", step, strerror(-ret));
	final_checks(_metadata, L, "final");
	load_add_books(&sum, L);

	sum.tot_claims_irq = L->tot_claims_irq;
	sum.tot_claims_retire = L->tot_claims_retire;
	sum.tot_frees = L->tot_frees;
	sum.tot_irbs = L->tot_irbs;
	sum.tot_irb_unsol = L->tot_irb_unsol;
	sum.tot_irb_dropped = L->tot_irb_dropped;
	sum.tot_irb_superseded = L->tot_irb_superseded;
	memcpy(sum.name, L->name, sizeof(sum.name));
	snprintf(extra, sizeof(extra),
		 "; %d rounds, %d closed right behind an accepted START",
		 r, own_inflight);
	print_figures(_metadata, &sum, self->t0, extra);
}

/*
 * Test 4: the data page the SENSE ID pins is a mapping of its own; while
 * the threads START, rounds of VFIO_IOMMU_UNMAP_DMA / MAP_DMA of it. A
 * START translated while it is unmapped gets -EINVAL. The unmap must
 * return the whole page every time (the driver unpinned); last, since the
 * in-tree driver is known to give up the device here.
 */
TEST_F_TIMEOUT(stress, dma_unmap_remap_in_flight, TEST_TIMEOUT_S)
{
	struct load *L = &self->L[0];
	int rounds = scaled(60), r, unmap_bad = 0, map_bad = 0;
	int own_inflight = 0;
	long last = 0, un = 0;
	const char *step = "";
	char extra[96];
	int ret;

	L->split_dma = 1;
	L->start_iters = scaled(6000);	/* the rounds stop them earlier */
	ret = load_open(L, &step);
	ASSERT_EQ(0, ret) TH_LOG("open: %s: %s", step, strerror(-ret));
	load_spawn(_metadata, L);
	for (r = 0; r < rounds; r++) {
		/* Wait for a START accepted since the last round (bounded). */
		VCCW_WAIT_FOR(!GET(L->starters_left) ||
			      GET(L->accepted) != last, IO_TIMEOUT_MS);
		/* A START of our own right before the unmap, in flight. */
		own_inflight += own_start(L, 0xd3a, 20);
		last = GET(L->accepted);
		un = unmap_range(&L->d, DATA_OFF, PAGE_SZ);
		if (un != PAGE_SZ) {
			unmap_bad++;
			TH_LOG("round %d: unmap of the pinned page: %ld", r, un);
		}
		/* Every other round, STARTs are tried while it is unmapped. */
		if (!(r & 1)) {
			long a0 = GET(L->attempts);

			VCCW_WAIT_FOR(starts_moved(L, a0, 2), IO_TIMEOUT_MS);
		}
		ret = map_range(&L->d, DATA_OFF, PAGE_SZ);
		if (ret) {
			map_bad++;
			TH_LOG("round %d: remap: %s", r, strerror(-ret));
		}
		if (unmap_bad || map_bad)
			break;
	}
	load_stop_join(L);
	EXPECT_EQ(0, unmap_bad);
	EXPECT_EQ(0, map_bad);
	final_checks(_metadata, L, "after the unmap rounds");
	EXPECT_LT(0, GET(L->accepted));
	snprintf(extra, sizeof(extra),
		 "; %d unmap/remap rounds, %d right behind an accepted START",
		 r, own_inflight);
	print_figures(_metadata, L, self->t0, extra);
}

TEST_HARNESS_MAIN
