// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_bench: figures, not a test. Runs fixed numbers of channel
 * programs through the mdevs of whichever vfio_ccw module is loaded and
 * prints one line per case:
 *
 *   VCCW-BENCH: <driver> <case> n=<programs> ops_s=<rate> mean_us=<t>
 *               p50_us=<t> p99_us=<t> max_us=<t>
 *
 * (on one line). A program's time runs from the pwrite of the io region
 * to the read of its IRB after the eventfd fired: translation, pinning,
 * ssch, QEMU running the program, the interrupt, the work item and the
 * copy-out. The clear case times a CSCH through the async region the
 * same way. "make bench" boots one guest, runs this against our module
 * and then against the in-tree one, and scripts/bench-table.py prints
 * the two side by side.
 *
 * Nothing here is asserted about speed. The program fails (exit 1) only
 * when a channel program does not end as it must, since the figure of a
 * broken path means nothing.
 *
 * Environment: VFIO_CCW_MDEV, VFIO_CCW_MDEV2 (set by the guest init),
 * VFIO_CCW_DRIVER (the label), VFIO_CCW_BENCH_ITERS (programs per case,
 * default 2000).
 */
#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include "vfio_ccw_util.h"

#define WARMUP		20
#define IO_TIMEOUT_MS	10000
#define DATA_OFF	0x10000		/* data pages start here */
#define NR_PAGES	16
#define CHAIN_LEN	32

struct bench {
	const char *name;
	const char *what;
	/* Write the channel program at offset 0 of the DMA window. */
	void (*build)(struct vccw_dev *d);
	/* After the IRB: did the data arrive? */
	bool (*check)(struct vccw_dev *d);
};

static const char *driver = "?";

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void sense_id_at(struct vccw_dev *d, struct ccw1 *ccw, size_t off,
			uint8_t flags)
{
	memset(vccw_ptr(d, off), 0, 8);
	ccw->cmd = CCW_CMD_SENSE_ID;
	ccw->flags = flags | CCW_FLAG_SLI;
	ccw->count = 8;
	ccw->cda = vccw_addr(d, off);
}

static bool sense_id_data(struct vccw_dev *d, size_t off)
{
	const uint8_t *p = vccw_ptr(d, off);

	return p[0] == 0xff && p[1] == 0x38 && p[2] == 0x32;
}

/* One CCW: the shortest round trip. */
static void build_sense_id(struct vccw_dev *d)
{
	sense_id_at(d, vccw_ptr(d, 0), DATA_OFF, 0);
}

static bool check_sense_id(struct vccw_dev *d)
{
	return sense_id_data(d, DATA_OFF);
}

/* SENSE ID command-chained to CHAIN_LEN - 1 NOOPs: translation of a chain. */
static void build_chain(struct vccw_dev *d)
{
	struct ccw1 *ccw = vccw_ptr(d, 0);
	int i;

	sense_id_at(d, &ccw[0], DATA_OFF, CCW_FLAG_CC);
	for (i = 1; i < CHAIN_LEN; i++) {
		ccw[i].cmd = CCW_CMD_NOOP;
		ccw[i].flags = (i < CHAIN_LEN - 1 ? CCW_FLAG_CC : 0) |
			       CCW_FLAG_SLI;
		ccw[i].count = 0;
		ccw[i].cda = 0;
	}
}

/* NR_PAGES SENSE IDs command-chained, each into its own page: pinning. */
static void build_pages(struct vccw_dev *d)
{
	struct ccw1 *ccw = vccw_ptr(d, 0);
	int i;

	for (i = 0; i < NR_PAGES; i++)
		sense_id_at(d, &ccw[i], DATA_OFF + i * 0x1000,
			    i < NR_PAGES - 1 ? CCW_FLAG_CC : 0);
}

static bool check_pages(struct vccw_dev *d)
{
	int i;

	for (i = 0; i < NR_PAGES; i++)
		if (!sense_id_data(d, DATA_OFF + i * 0x1000))
			return false;
	return true;
}

/* SENSE ID through a format-2 IDAL of two IDAWs, across a page boundary. */
static void build_idal(struct vccw_dev *d)
{
	struct ccw1 *ccw = vccw_ptr(d, 0);
	uint64_t *idal = vccw_ptr(d, 0x800);

	memset(vccw_ptr(d, DATA_OFF + 0x1000 - 4), 0, 8);
	idal[0] = vccw_addr(d, DATA_OFF + 0x1000 - 4);
	idal[1] = vccw_addr(d, DATA_OFF + 0x1000);
	ccw->cmd = CCW_CMD_SENSE_ID;
	ccw->flags = CCW_FLAG_IDA | CCW_FLAG_SLI;
	ccw->count = 8;
	ccw->cda = vccw_addr(d, 0x800);
}

static bool check_idal(struct vccw_dev *d)
{
	return sense_id_data(d, DATA_OFF + 0x1000 - 4);
}

static const struct bench benches[] = {
	{ "sense_id", "1 CCW, 8 bytes", build_sense_id, check_sense_id },
	{ "chain_32", "SENSE ID + 31 NOOPs, command-chained",
	  build_chain, check_sense_id },
	{ "pages_16", "16 SENSE IDs into 16 pages", build_pages, check_pages },
	{ "idal_2", "SENSE ID through a 2-IDAW format-2 IDAL",
	  build_idal, check_idal },
};

/* One program: START, eventfd, IRB. Returns its time in ns, 0 on error. */
static uint64_t run_one(struct vccw_dev *d, const struct bench *b)
{
	struct irb_view irb = { 0 };
	struct cmd_orb orb;
	uint64_t t0, t1;
	unsigned int ds;
	ssize_t n;

	b->build(d);
	vccw_orb(d, &orb, 0, 0xbe);
	t0 = now_ns();
	n = vccw_start(d, &orb);
	if (n != (ssize_t)sizeof(struct ccw_io_region)) {
		fprintf(stderr, "%s: START: %s\n", b->name,
			n < 0 ? strerror((int)-n) : "short write");
		return 0;
	}
	if (vccw_wait_io(d, IO_TIMEOUT_MS) <= 0 || vccw_read_irb(d, &irb)) {
		fprintf(stderr, "%s: no IRB\n", b->name);
		return 0;
	}
	t1 = now_ns();
	ds = scsw_dstat(&irb.scsw);
	if ((ds & (DEV_STAT_CHN_END | DEV_STAT_DEV_END)) !=
	    (DEV_STAT_CHN_END | DEV_STAT_DEV_END) ||
	    (ds & DEV_STAT_UNIT_CHECK) || scsw_cstat(&irb.scsw) ||
	    !b->check(d)) {
		fprintf(stderr, "%s: bad end: dstat %02x cstat %02x\n",
			b->name, ds, scsw_cstat(&irb.scsw));
		return 0;
	}
	return t1 - t0 ? t1 - t0 : 1;
}

/* One CLEAR SUBCHANNEL of the idle subchannel through the async region. */
static uint64_t run_clear(struct vccw_dev *d)
{
	struct ccw_cmd_region r = { .command = VFIO_CCW_ASYNC_CMD_CSCH };
	struct irb_view irb = { 0 };
	uint64_t t0, t1;

	t0 = now_ns();
	if (pwrite(d->device, &r, sizeof(r), d->async.offset) != sizeof(r)) {
		fprintf(stderr, "clear: %s\n", strerror(errno));
		return 0;
	}
	if (vccw_wait_io(d, IO_TIMEOUT_MS) <= 0 || vccw_read_irb(d, &irb)) {
		fprintf(stderr, "clear: no IRB\n");
		return 0;
	}
	t1 = now_ns();
	if (!(scsw_fctl(&irb.scsw) & SCSW_FCTL_CLEAR)) {
		fprintf(stderr, "clear: IRB without the clear function\n");
		return 0;
	}
	return t1 - t0 ? t1 - t0 : 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, uint64_t *t, int n, uint64_t wall_ns)
{
	uint64_t sum = 0;
	int i;

	qsort(t, n, sizeof(*t), cmp_u64);
	for (i = 0; i < n; i++)
		sum += t[i];
	printf("VCCW-BENCH: %s %s n=%d ops_s=%.0f mean_us=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f\n",
	       driver, name, n, n * 1e9 / wall_ns, sum / 1e3 / n,
	       t[n / 2] / 1e3, t[(n * 99) / 100] / 1e3, t[n - 1] / 1e3);
	fflush(stdout);
}

/* Runs @n programs of @b on @d into @t; returns the wall time, 0 on error. */
static uint64_t run_case(struct vccw_dev *d, const struct bench *b,
			 uint64_t *t, int n)
{
	uint64_t start;
	int i;

	for (i = 0; i < WARMUP; i++)
		if (!run_one(d, b))
			return 0;
	start = now_ns();
	for (i = 0; i < n; i++) {
		t[i] = run_one(d, b);
		if (!t[i])
			return 0;
	}
	return now_ns() - start;
}

struct worker {
	struct vccw_dev *d;
	uint64_t *t;
	int n;
	uint64_t wall;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;

	w->wall = run_case(w->d, &benches[0], w->t, w->n);
	return NULL;
}

static int open_dev(struct vccw_dev *d, int which)
{
	const char *uuid = vccw_uuid(which);
	const char *step = "";
	int ret;

	if (!uuid) {
		fprintf(stderr, "no mdev %d in the environment\n", which);
		return -ENODEV;
	}
	ret = vccw_open(d, uuid, &step);
	if (ret)
		fprintf(stderr, "open %s: %s: %s\n", uuid, step,
			strerror(-ret));
	return ret;
}

int main(void)
{
	const char *s = getenv("VFIO_CCW_BENCH_ITERS");
	int n = s ? atoi(s) : 2000;
	struct vccw_dev d[2];
	struct worker w[2];
	pthread_t th[2];
	uint64_t *t, wall;
	size_t i;

	driver = getenv("VFIO_CCW_DRIVER") ?: "?";
	if (n < 10)
		n = 10;
	t = calloc(2 * (size_t)n, sizeof(*t));
	if (!t || open_dev(&d[0], 0))
		return 1;
	printf("# vfio_ccw_bench: driver %s, %d programs per case\n",
	       driver, n);

	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		printf("# %s: %s\n", benches[i].name, benches[i].what);
		wall = run_case(&d[0], &benches[i], t, n);
		if (!wall)
			return 1;
		report(benches[i].name, t, n, wall);
	}

	printf("# clear: CSCH of the idle subchannel (async region) to its IRB\n");
	for (i = 0; i < WARMUP; i++)
		if (!run_clear(&d[0]))
			return 1;
	wall = now_ns();
	for (i = 0; i < (size_t)n; i++) {
		t[i] = run_clear(&d[0]);
		if (!t[i])
			return 1;
	}
	report("clear", t, n, now_ns() - wall);

	/* Both mdevs at once, a thread each: the figures of the pair. */
	if (open_dev(&d[1], 1))
		return 1;
	printf("# two_mdevs: sense_id on two mdevs at once, a thread each\n");
	for (i = 0; i < 2; i++) {
		w[i] = (struct worker){ .d = &d[i], .t = t + i * n, .n = n };
		if (pthread_create(&th[i], NULL, worker_fn, &w[i]))
			return 1;
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	if (!w[0].wall || !w[1].wall)
		return 1;
	report("two_mdevs", t, 2 * n,
	       w[0].wall > w[1].wall ? w[0].wall : w[1].wall);

	vccw_close(&d[1]);
	vccw_close(&d[0]);
	free(t);
	return 0;
}
