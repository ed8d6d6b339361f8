// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ccw_bench: figures, not a test. Runs fixed numbers of channel
 * programs through whichever vfio_ccw module is loaded, or through the
 * floor module (bench/vccw_floor.c: the same programs on the same
 * subchannels through cio directly, no VFIO), and prints one line per
 * case:
 *
 *   VCCW-BENCH: <driver> <case> round=<r> n=<programs> ops_s=<rate>
 *               mean_us=<t> p50_us=<t> p99_us=<t> max_us=<t>
 *               pct_us=<t at 1,5,10,25,50,75,90,95,99,99.9 %, max>
 *
 * (on one line). A program's time runs from the pwrite of the io region
 * to the read of its IRB after the eventfd fired: translation, pinning,
 * ssch, QEMU running the program, the interrupt, the work item and the
 * copy-out (for the floor: from the ssch to the wake-up of the writer).
 * "make bench" boots one guest and runs this in rounds, floor, ours,
 * in-tree, floor, ours, in-tree ..., and scripts/bench-table.py prints
 * the median of the per-round ratios with their lowest and highest.
 *
 * The cases:
 *   sense_id, chain_32, pages_16, idal_2, clear   one program at a time
 *   two_mdevs                                     sense_id on two mdevs
 *   ccws_<n>      SENSE ID chained to n - 1 NOOPs (translation per CCW)
 *   idal_<p>p     SENSE IDs through IDALs over p pages, 16 a CCW (per page)
 *   contention_halt, contention_clear, contention_schib
 *                 HSCH/CSCH to its IRB and schib region reads, timed in
 *                 one thread while another STARTs "big" (256 CCWs, IDALs
 *                 over 256 pages) on the same mdev without pause
 *   scale_<k>     sense_id on k mdevs at once, a thread each: programs/s
 *   vcpus<N>_<k>  the same with only N vCPUs online (N: the host's cores)
 *   procs_<k>     the same with a process per mdev (own mm and container)
 *   <scale case>_diag  round 1, 1 and 2 mdevs: where its programs wait
 *   mem           bytes per device, from the kmem trace events (below)
 *
 * Nothing here is asserted about speed. The program fails (exit 1) only
 * when a channel program does not end as it must, since the figure of a
 * broken path means nothing.
 *
 * Environment (set by the guest init): VFIO_CCW_DRIVER (ours, intree or
 * floor), VFIO_CCW_MDEVS and VFIO_CCW_SCHS (the mdevs and subchannels,
 * space-separated, up to four), VFIO_CCW_BENCH_ITERS (programs per case,
 * default 2000), VFIO_CCW_BENCH_ROUND (the round label),
 * VFIO_CCW_BENCH_MEM=1 (measure memory; needs an unopened last mdev that
 * may be removed and created again), VFIO_CCW_BENCH_CASES (comma list of
 * case-name prefixes: only those), VFIO_CCW_BENCH_HOST_CPUS (the host's
 * cores: the scale case again on that many vCPUs), VFIO_CCW_BENCH_EXTRA_ROUNDS
 * (that and the scale case over processes only in rounds up to this; 0:
 * neither, nor the traced _diag runs),
 * VFIO_CCW_BENCH_TRACE=1 (the raw trace of round 1's scale_1 and scale_2).
 */
#include <pthread.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include "vfio_ccw_util.h"

#define WARMUP		20
#define DATA_OFF	0x10000		/* data pages start here */
#define IDAL_OFF	0x1000		/* IDAWs, up to 256 */
#define NR_PAGES	16
#define CHAIN_LEN	32
#define MAX_DEVS	4
#define BIG_PAGES	256		/* the second DMA window: IDAL data */
#define BIG_SIZE	((size_t)BIG_PAGES * 0x1000)
#define IDAL_RUN	16		/* IDAWs per CCW: a count of 65535 */
#define MAX_CCWS	256

#define TRACE "/sys/kernel/tracing/"

enum kind { K_SENSE_ID, K_CHAIN, K_PAGES, K_IDAL2, K_IDALP, K_BIG, K_CLEAR };

struct bench {
	const char *name;
	const char *what;
	enum kind kind;
	unsigned int arg;	/* CCWs of K_CHAIN, pages of K_IDALP */
};

/* A device under test: an mdev with a second DMA window, or a floor file. */
struct bdev {
	struct vccw_dev d;
	void *big;		/* BIG_SIZE bytes at d.iova + VCCW_DMA_SIZE */
	char floor[128];	/* the floor's debugfs run file */
};

static const char *driver = "?";
static bool floor_mode;
static int round_nr = 1;
static int ndevs;
static char *mdevs[MAX_DEVS], *schs[MAX_DEVS];
static const char *cases;	/* VFIO_CCW_BENCH_CASES; NULL: every case */
static int vcpus;		/* CPUs of the guest */
static int host_cpus;		/* VFIO_CCW_BENCH_HOST_CPUS: the host's cores */
static int extra_rounds = -1;	/* VFIO_CCW_BENCH_EXTRA_ROUNDS; -1: every round */

/* Is @name among VFIO_CCW_BENCH_CASES (comma list of name prefixes)? */
static bool wanted(const char *name)
{
	const char *p = cases;
	size_t len;

	if (!p || !*p)
		return true;
	while (*p) {
		len = strcspn(p, ",");
		if (len && !strncmp(name, p, len))
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Host pointer and device address in the second window. */
static void *big_ptr(struct bdev *b, size_t off)
{
	return (char *)b->big + off;
}

static uint64_t big_addr(struct bdev *b, size_t off)
{
	return b->d.iova + VCCW_DMA_SIZE + off;
}

static void ccw_set(struct ccw1 *ccw, uint8_t cmd, uint8_t flags,
		    uint16_t count, uint32_t cda)
{
	ccw->cmd = cmd;
	ccw->flags = flags;
	ccw->count = count;
	ccw->cda = cda;
}

static bool sense_id_data(const uint8_t *p)
{
	return p[0] == 0xff && p[1] == 0x38 && p[2] == 0x32;
}

/*
 * Write the channel program of @c at offset 0 of the DMA window; the same
 * programs as bench/vccw_floor.c builds. Returns the pages whose first
 * bytes must hold SENSE ID data afterwards, through *@check.
 */
static void build(struct bdev *b, const struct bench *c, uint8_t **check,
		  int *nr_check)
{
	struct vccw_dev *d = &b->d;
	struct ccw1 *ccw = vccw_ptr(d, 0);
	uint64_t *idal = vccw_ptr(d, IDAL_OFF);
	unsigned int i, n, per, nccw, total;

	memset(ccw, 0, MAX_CCWS * sizeof(*ccw));
	*nr_check = 1;
	check[0] = vccw_ptr(d, DATA_OFF);
	switch (c->kind) {
	case K_SENSE_ID:
		ccw_set(ccw, CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 8,
			vccw_addr(d, DATA_OFF));
		break;
	case K_CHAIN:
		n = c->arg;
		ccw_set(ccw, CCW_CMD_SENSE_ID,
			(n > 1 ? CCW_FLAG_CC : 0) | CCW_FLAG_SLI, 8,
			vccw_addr(d, DATA_OFF));
		for (i = 1; i < n; i++)
			ccw_set(&ccw[i], CCW_CMD_NOOP,
				(i < n - 1 ? CCW_FLAG_CC : 0) | CCW_FLAG_SLI,
				0, 0);
		break;
	case K_PAGES:
		for (i = 0; i < NR_PAGES; i++) {
			ccw_set(&ccw[i], CCW_CMD_SENSE_ID,
				(i < NR_PAGES - 1 ? CCW_FLAG_CC : 0) |
				CCW_FLAG_SLI, 8,
				vccw_addr(d, DATA_OFF + i * 0x1000));
			check[i] = vccw_ptr(d, DATA_OFF + i * 0x1000);
		}
		*nr_check = NR_PAGES;
		break;
	case K_IDAL2:
		/* 8 bytes through two IDAWs across a page boundary */
		idal[0] = vccw_addr(d, DATA_OFF + 0x1000 - 4);
		idal[1] = vccw_addr(d, DATA_OFF + 0x1000);
		ccw_set(ccw, CCW_CMD_SENSE_ID, CCW_FLAG_IDA | CCW_FLAG_SLI, 8,
			vccw_addr(d, IDAL_OFF));
		check[0] = vccw_ptr(d, DATA_OFF + 0x1000 - 4);
		break;
	case K_IDALP:
	case K_BIG:
		n = c->kind == K_BIG ? BIG_PAGES : c->arg;
		per = n < IDAL_RUN ? n : IDAL_RUN;
		nccw = n / per;
		total = c->kind == K_BIG ? MAX_CCWS : nccw;
		for (i = 0; i < n; i++)
			idal[i] = big_addr(b, (size_t)i * 0x1000);
		for (i = 0; i < nccw; i++)
			ccw_set(&ccw[i], CCW_CMD_SENSE_ID,
				(i < total - 1 ? CCW_FLAG_CC : 0) |
				CCW_FLAG_SLI | CCW_FLAG_IDA,
				per * 0x1000 > 0xffff ? 0xffff : per * 0x1000,
				vccw_addr(d, IDAL_OFF + i * per * 8));
		for (i = nccw; i < total; i++)
			ccw_set(&ccw[i], CCW_CMD_NOOP,
				(i < total - 1 ? CCW_FLAG_CC : 0) |
				CCW_FLAG_SLI, 0, 0);
		check[0] = big_ptr(b, 0);
		break;
	case K_CLEAR:
		*nr_check = 0;
		break;
	}
}

static const struct bench benches[] = {
	{ "sense_id", "1 CCW, 8 bytes", K_SENSE_ID, 1 },
	{ "chain_32", "SENSE ID + 31 NOOPs, command-chained", K_CHAIN, 32 },
	{ "pages_16", "16 SENSE IDs into 16 pages", K_PAGES, 16 },
	{ "idal_2", "SENSE ID through a 2-IDAW format-2 IDAL", K_IDAL2, 1 },
	{ "clear", "CSCH of the idle subchannel to its IRB", K_CLEAR, 0 },
	{ "ccws_1", "translation: 1 CCW", K_CHAIN, 1 },
	{ "ccws_16", "translation: SENSE ID + 15 NOOPs", K_CHAIN, 16 },
	{ "ccws_64", "translation: SENSE ID + 63 NOOPs", K_CHAIN, 64 },
	{ "ccws_256", "translation: SENSE ID + 255 NOOPs", K_CHAIN, 256 },
	{ "idal_1p", "pinning: 1 SENSE ID, IDAL of 1 page", K_IDALP, 1 },
	{ "idal_16p", "pinning: 1 SENSE ID, IDAL of 16 pages", K_IDALP, 16 },
	{ "idal_256p", "pinning: 16 SENSE IDs, IDALs of 16 pages each",
	  K_IDALP, 256 },
};

static const struct bench big = {
	"big", "256 CCWs: 16 SENSE IDs through IDALs over 256 pages + NOOPs",
	K_BIG, BIG_PAGES
};

/* Drain IRBs that arrived without waiting: the eventfd is not ready. */
static void drain(struct vccw_dev *d, int timeout_ms)
{
	while (vccw_take_irb(d, timeout_ms) > 0)
		;
}

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
	if (vccw_wait_io(d, VCCW_IO_TIMEOUT_MS) <= 0 || vccw_read_irb(d, &irb)) {
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

/* One program: START, eventfd, IRB. Returns its time in ns, 0 on error. */
static uint64_t run_one(struct bdev *b, const struct bench *c)
{
	struct vccw_dev *d = &b->d;
	struct irb_view irb = { 0 };
	uint8_t *check[NR_PAGES];
	struct cmd_orb orb;
	int nr_check, i;
	uint64_t t0, t1;
	unsigned int ds;
	ssize_t n;

	if (c->kind == K_CLEAR)
		return run_clear(d);
	build(b, c, check, &nr_check);
	for (i = 0; i < nr_check; i++)
		memset(check[i], 0, 8);
	vccw_orb(d, &orb, 0, 0xbe);
	t0 = now_ns();
	n = vccw_start(d, &orb);
	if (n != (ssize_t)sizeof(struct ccw_io_region)) {
		fprintf(stderr, "%s: START: %s\n", c->name,
			n < 0 ? strerror((int)-n) : "short write");
		return 0;
	}
	if (vccw_wait_io(d, VCCW_IO_TIMEOUT_MS) <= 0 || vccw_read_irb(d, &irb)) {
		fprintf(stderr, "%s: no IRB\n", c->name);
		return 0;
	}
	t1 = now_ns();
	ds = scsw_dstat(&irb.scsw);
	if ((ds & (DEV_STAT_CHN_END | DEV_STAT_DEV_END)) !=
	    (DEV_STAT_CHN_END | DEV_STAT_DEV_END) ||
	    (ds & DEV_STAT_UNIT_CHECK) || scsw_cstat(&irb.scsw)) {
		fprintf(stderr, "%s: bad end: dstat %02x cstat %02x\n",
			c->name, ds, scsw_cstat(&irb.scsw));
		return 0;
	}
	for (i = 0; i < nr_check; i++)
		if (!sense_id_data(check[i])) {
			fprintf(stderr, "%s: no SENSE ID data in page %d\n",
				c->name, i);
			return 0;
		}
	return t1 - t0 ? t1 - t0 : 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The distribution: these per mille points, for the charts. */
static const int pmille[] = { 10, 50, 100, 250, 500, 750, 900, 950, 990, 999 };

static void report(const char *name, uint64_t *t, int n, uint64_t wall_ns)
{
	uint64_t sum = 0;
	size_t j;
	int i;

	qsort(t, n, sizeof(*t), cmp_u64);
	for (i = 0; i < n; i++)
		sum += t[i];
	printf("VCCW-BENCH: %s %s round=%d n=%d ops_s=%.0f mean_us=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f pct_us=",
	       driver, name, round_nr, n, n * 1e9 / wall_ns, sum / 1e3 / n,
	       t[n / 2] / 1e3, t[(n * 99) / 100] / 1e3, t[n - 1] / 1e3);
	for (j = 0; j < sizeof(pmille) / sizeof(pmille[0]); j++)
		printf("%.1f,", t[(size_t)n * pmille[j] / 1000] / 1e3);
	printf("%.1f\n", t[n - 1] / 1e3);
	fflush(stdout);
}

/*
 * The floor: "<case> <n>" into the debugfs file runs them in the kernel;
 * the file then holds one time in ns a line. Returns the wall time of
 * the write, 0 on error.
 */
static uint64_t floor_run(struct bdev *b, const char *name, uint64_t *t,
			  int n)
{
	char cmd[64];
	uint64_t start, wall;
	FILE *f;
	int fd, i;

	fd = open(b->floor, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", b->floor, strerror(errno));
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "%s %d", name, n);
	start = now_ns();
	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		fprintf(stderr, "floor %s: %s\n", name, strerror(errno));
		close(fd);
		return 0;
	}
	wall = now_ns() - start;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return 0;
	}
	for (i = 0; i < n; i++) {
		unsigned long long v;

		if (fscanf(f, "%llu", &v) != 1) {
			fprintf(stderr, "floor %s: %d of %d times\n", name, i,
				n);
			fclose(f);
			return 0;
		}
		t[i] = v;
	}
	fclose(f);
	return wall;
}

/* Runs @n programs of @c on @b into @t; returns the wall time, 0 on error. */
static uint64_t run_case(struct bdev *b, const struct bench *c, uint64_t *t,
			 int n)
{
	uint64_t start;
	int i;

	if (floor_mode) {
		if (!floor_run(b, c->name, t, WARMUP))
			return 0;
		return floor_run(b, c->name, t, n);
	}
	for (i = 0; i < WARMUP; i++)
		if (!run_one(b, c))
			return 0;
	start = now_ns();
	for (i = 0; i < n; i++) {
		t[i] = run_one(b, c);
		if (!t[i])
			return 0;
	}
	return now_ns() - start;
}

static bool scale_trace_on(int k);
static void scale_trace_off(const char *name);

struct worker {
	struct bdev *b;
	uint64_t *t;
	int n;
	uint64_t wall;
	pthread_t th;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;

	w->wall = run_case(w->b, &benches[0], w->t, w->n);
	return NULL;
}

/* sense_id on @k devices at once, a thread each: the wall time, 0 on error. */
static uint64_t run_threads(struct bdev *b, int k, uint64_t *t, int n)
{
	struct worker w[MAX_DEVS];
	uint64_t wall = 0;
	int i;

	for (i = 0; i < k; i++) {
		w[i] = (struct worker){ .b = &b[i], .t = t + i * n, .n = n };
		if (pthread_create(&w[i].th, NULL, worker_fn, &w[i]))
			return 0;
	}
	for (i = 0; i < k; i++)
		pthread_join(w[i].th, NULL);
	for (i = 0; i < k; i++) {
		if (!w[i].wall)
			return 0;
		if (w[i].wall > wall)
			wall = w[i].wall;
	}
	return wall;
}

/* run_threads() and its figures; false on error. */
static bool run_parallel(struct bdev *b, int k, const char *name,
			 uint64_t *t, int n)
{
	bool trace = scale_trace_on(k);
	uint64_t wall = run_threads(b, k, t, n);

	if (trace)
		scale_trace_off(name);
	if (!wall)
		return false;
	report(name, t, k * n, wall);
	return true;
}

static int open_dev(struct bdev *b, int which)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	const char *step = "";
	int ret;

	memset(b, 0, sizeof(*b));
	if (floor_mode) {
		snprintf(b->floor, sizeof(b->floor),
			 "/sys/kernel/debug/vccw_floor/%s/run", schs[which]);
		return access(b->floor, W_OK) ? -errno : 0;
	}
	ret = vccw_open(&b->d, mdevs[which], &step);
	if (!ret) {
		step = "mmap/map the second DMA window";
		b->big = mmap(NULL, BIG_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b->big == MAP_FAILED) {
			b->big = NULL;
			ret = -errno;
		} else {
			memset(b->big, 0, BIG_SIZE);
			map.vaddr = (uintptr_t)b->big;
			map.iova = big_addr(b, 0);
			map.size = BIG_SIZE;
			map.flags = VFIO_DMA_MAP_FLAG_READ |
				    VFIO_DMA_MAP_FLAG_WRITE;
			if (ioctl(b->d.container, VFIO_IOMMU_MAP_DMA, &map))
				ret = -errno;
		}
	}
	if (ret)
		fprintf(stderr, "open %s: %s: %s\n", mdevs[which], step,
			strerror(-ret));
	return ret;
}

static void close_dev(struct bdev *b)
{
	struct vfio_iommu_type1_dma_unmap um = {
		.argsz = sizeof(um), .iova = big_addr(b, 0), .size = BIG_SIZE,
	};

	if (floor_mode)
		return;
	if (b->d.device >= 0) {
		close(b->d.device);
		b->d.device = -1;
	}
	if (b->big) {
		ioctl(b->d.container, VFIO_IOMMU_UNMAP_DMA, &um);
		munmap(b->big, BIG_SIZE);
		b->big = NULL;
	}
	vccw_close(&b->d);
}

/*
 * sense_id on @k devices at once, a process each: every process opens its
 * mdev itself, so each has its own mm and its own container (the devices
 * of @b are closed meanwhile and opened again). Against run_parallel():
 * what the threads of one process share. False on error.
 */
static bool run_procs(struct bdev *b, int k, const char *name, uint64_t *t,
		      int n)
{
	size_t size = ((size_t)k * n + k) * sizeof(uint64_t);
	int ready[2], go[2], i, st, ok = 1;
	bool trace = false;
	pid_t pid[MAX_DEVS];
	uint64_t *sh, wall = 0;
	char c;

	sh = mmap(NULL, size, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return false;
	if (pipe(ready) || pipe(go))
		return false;
	for (i = 0; i < ndevs; i++)
		close_dev(&b[i]);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < k; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			return false;
		if (!pid[i]) {
			struct bdev cb;
			uint64_t w;

			c = open_dev(&cb, i) ? 'e' : 'r';
			if (write(ready[1], &c, 1) != 1 || c == 'e' ||
			    read(go[0], &c, 1) != 1)
				_exit(1);
			w = run_case(&cb, &benches[0], sh + (size_t)i * n, n);
			sh[(size_t)k * n + i] = w;
			close_dev(&cb);
			_exit(w ? 0 : 1);
		}
	}
	for (i = 0; i < k; i++)
		if (read(ready[0], &c, 1) != 1 || c != 'r')
			ok = 0;
	if (ok)
		trace = scale_trace_on(k);
	for (i = 0; i < k; i++)
		if (write(go[1], "g", 1) != 1)
			ok = 0;
	for (i = 0; i < k; i++)
		if (waitpid(pid[i], &st, 0) != pid[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			ok = 0;
	if (trace)
		scale_trace_off(name);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	for (i = 0; i < ndevs; i++)
		if (open_dev(&b[i], i))
			ok = 0;
	for (i = 0; ok && i < k; i++)
		if (sh[(size_t)k * n + i] > wall)
			wall = sh[(size_t)k * n + i];
	if (ok && wall) {
		memcpy(t, sh, (size_t)k * n * sizeof(*t));
		report(name, t, k * n, wall);
	}
	munmap(sh, size);
	return ok && wall;
}

/*
 * Contention. The timer thread issues HSCH and CSCH (alternately) through
 * the async region and times each from its pwrite (retried while the
 * driver says EBUSY or EAGAIN) to the read of the IRB of that function,
 * then times a read of the schib region. The writer thread STARTs "big"
 * on the same mdev without pause (retrying while busy): every START it
 * gets in translates 256 CCWs and pins 256 pages. The timer reads every
 * IRB. A halt/clear IRB that another IRB overwrote before it was read (the
 * in-tree io region holds one) shows as an eventfd count above one: that
 * ends the wait as well, and is counted (coalesced=).
 */
struct contention {
	struct bdev *b;
	atomic_int stop;
	long starts, busy, errors;
	int err;
};

static void *contention_writer(void *arg)
{
	struct contention *c = arg;
	struct cmd_orb orb;
	ssize_t n;

	vccw_orb(&c->b->d, &orb, 0, 0xb16);
	while (!atomic_load(&c->stop)) {
		n = vccw_start(&c->b->d, &orb);
		if (n == (ssize_t)sizeof(struct ccw_io_region))
			c->starts++;
		else if (n == -EBUSY || n == -EAGAIN)
			c->busy++;
		else {
			c->errors++;
			c->err = (int)-n;
			break;
		}
	}
	return NULL;
}

/* HSCH or CSCH to its IRB: ns, 0 on error; *@coalesced counts the above. */
static uint64_t halt_or_clear(struct vccw_dev *d, int cmd, long *coalesced)
{
	struct ccw_cmd_region r = { .command = cmd };
	struct irb_view irb = { 0 };
	uint64_t t0 = now_ns(), deadline = t0 + VCCW_IO_TIMEOUT_MS * 1000000ULL;
	int64_t ev;

	for (;;) {
		if (pwrite(d->device, &r, sizeof(r), d->async.offset) ==
		    sizeof(r))
			break;
		if ((errno != EBUSY && errno != EAGAIN) ||
		    now_ns() > deadline) {
			fprintf(stderr, "contention: %s: %s\n",
				cmd == VFIO_CCW_ASYNC_CMD_HSCH ? "HSCH" :
				"CSCH", strerror(errno));
			return 0;
		}
		/* Busy with a status pending: take it, then try again. */
		drain(d, 0);
	}
	for (;;) {
		ev = vccw_wait_io(d, VCCW_IO_TIMEOUT_MS);
		if (ev <= 0 || vccw_read_irb(d, &irb)) {
			fprintf(stderr, "contention: no IRB\n");
			return 0;
		}
		if (scsw_fctl(&irb.scsw) & (SCSW_FCTL_HALT | SCSW_FCTL_CLEAR))
			break;
		if (ev > 1) {
			(*coalesced)++;
			break;
		}
	}
	return now_ns() - t0;
}

static int tput(const char *file, const char *v);

/*
 * VFIO_CCW_BENCH_TRACE=1 (investigation only, never in make bench): the
 * scale runs of round 1 with sched, workqueue, cio and lock slow-path
 * events on, the raw trace printed after each run ("T: " lines).
 */
static const char *const scale_kprobes =
	"p:vccwbench/wsem rwsem_down_write_slowpath\n"
	"p:vccwbench/rsem rwsem_down_read_slowpath\n"
	"p:vccwbench/mtx __mutex_lock_slowpath\n"
	"p:vccwbench/pin vfio_pin_pages\n"
	"r:vccwbench/pin_ret vfio_pin_pages\n"
	"p:vccwbench/unpin vfio_unpin_pages\n"
	"r:vccwbench/unpin_ret vfio_unpin_pages\n";
static const char *const scale_events[] = {
	"sched/sched_switch", "sched/sched_wakeup", "s390/s390_cio_ssch",
	"s390/s390_cio_interrupt", "workqueue/workqueue_execute_start",
	"workqueue/workqueue_execute_end", "vccwbench",
};

static bool scale_trace_on(int k)
{
	const char *s = getenv("VFIO_CCW_BENCH_TRACE");
	char path[96];
	size_t i;

	if (round_nr != 1 || k > 2 || !s || strcmp(s, "1"))
		return false;
	tput("tracing_on", "0");
	tput("trace_clock", "mono");
	tput("buffer_size_kb", "4096");
	tput("kprobe_events", "");
	if (tput("kprobe_events", scale_kprobes))
		fprintf(stderr, "trace: kprobes refused\n");
	tput("events/vccwbench/wsem/trigger", "stacktrace");
	tput("events/vccwbench/rsem/trigger", "stacktrace");
	tput("events/vccwbench/mtx/trigger", "stacktrace");
	for (i = 0; i < sizeof(scale_events) / sizeof(scale_events[0]); i++) {
		snprintf(path, sizeof(path), "events/%s/enable",
			 scale_events[i]);
		tput(path, "1");
	}
	tput("trace", "");
	tput("tracing_on", "1");
	return true;
}

static void scale_trace_off(const char *name)
{
	char line[512], path[96];
	size_t i;
	FILE *f;

	tput("tracing_on", "0");
	for (i = 0; i < sizeof(scale_events) / sizeof(scale_events[0]); i++) {
		snprintf(path, sizeof(path), "events/%s/enable",
			 scale_events[i]);
		tput(path, "0");
	}
	printf("T: begin %s %s\n", driver, name);
	f = fopen(TRACE "trace", "r");
	while (f && fgets(line, sizeof(line), f))
		if (line[0] != '#')
			printf("T: %s", line);
	if (f)
		fclose(f);
	printf("T: end %s %s\n", driver, name);
	fflush(stdout);
	tput("events/vccwbench/wsem/trigger", "!stacktrace");
	tput("events/vccwbench/rsem/trigger", "!stacktrace");
	tput("events/vccwbench/mtx/trigger", "!stacktrace");
	tput("kprobe_events", "");
	tput("trace_clock", "local");
	tput("trace", "");
}

/*
 * Where a program of the scale runs waits (round 1 only, a run of its own
 * after the measured one, since tracing costs time): a kprobe on ssch()
 * with the subchannel id and cio's s390_cio_ssch tracepoint at its end
 * give the SSCH instruction's span, inside which QEMU runs the program
 * under its big lock; s390_cio_interrupt gives the vCPU that took the
 * floating I/O interrupt (the submitting one, another that was running,
 * or one that was idle and woken for it), and a kprobe on the irq
 * callback of the driver (cio calls it with sch->lock held) the time the
 * interrupt waited for that lock, which the submitting vCPU holds around
 * the SSCH.
 */
#define DIAG_MAX	8192
#define DIAG_CPUS	64

struct sdiag {
	int submit_cpu[65536];	/* by subchannel number; -1: none yet */
	uint64_t enter[DIAG_CPUS], irq_at[DIAG_CPUS];
	uint64_t ssch[DIAG_MAX], wait[DIAG_MAX];
	int nssch, nwait, irqs, remote, idle;
};

static bool sdiag_start(void)
{
	char kp[160];

	tput("tracing_on", "0");
	if (tput("trace_clock", "mono"))
		return false;
	tput("buffer_size_kb", "4096");
	tput("kprobe_events", "");
	snprintf(kp, sizeof(kp),
		 "p:vccwbench/ssch_enter ssch schid=%%r2:x32\np:vccwbench/irqcb %s\n",
		 floor_mode ? "floor_irq" : "vfio_ccw_sch_irq");
	if (tput("kprobe_events", kp))
		return false;
	tput("events/vccwbench/enable", "1");
	tput("events/s390/s390_cio_ssch/enable", "1");
	tput("events/s390/s390_cio_interrupt/enable", "1");
	tput("trace", "");
	tput("tracing_on", "1");
	return true;
}

/* "0.0.00a1" at @key in @line: the subchannel number, or -1. */
static int sdiag_schno(const char *line, const char *key)
{
	const char *c = strstr(line, key);
	unsigned int a, b, no;

	if (!c || sscanf(c + strlen(key), "%x.%x.%x", &a, &b, &no) != 3)
		return -1;
	return no & 0xffff;
}

static void sdiag_line(struct sdiag *g, char *line)
{
	bool is_enter = strstr(line, ": ssch_enter:"),
	     is_ssch = strstr(line, ": s390_cio_ssch:"),
	     is_irq = strstr(line, ": s390_cio_interrupt:"),
	     is_cb = strstr(line, ": irqcb:");
	unsigned int cpu, v;
	char *c, *cp, *colon, *rest;
	uint64_t ts;
	double t;
	int no;

	if (!is_enter && !is_ssch && !is_irq && !is_cb)
		return;
	cp = strchr(line, '[');
	if (!cp || sscanf(cp, "[%u]", &cpu) != 1 || cpu >= DIAG_CPUS)
		return;
	colon = strstr(cp, ": ");
	if (!colon)
		return;
	*colon = '\0';
	c = strrchr(cp, ' ');
	if (!c || sscanf(c, "%lf", &t) != 1)
		return;
	*colon = ':';
	rest = colon + 2;
	ts = (uint64_t)(t * 1e9);
	if (is_enter) {
		c = strstr(rest, "schid=");
		if (!c || sscanf(c, "schid=%x", &v) != 1)
			return;
		g->submit_cpu[v & 0xffff] = cpu;
		g->enter[cpu] = ts;
	} else if (is_ssch) {
		if (g->enter[cpu] && g->nssch < DIAG_MAX)
			g->ssch[g->nssch++] = ts - g->enter[cpu];
		g->enter[cpu] = 0;
	} else if (is_irq) {
		no = sdiag_schno(rest, "schid=");
		if (no < 0 || g->submit_cpu[no] < 0)
			return;
		g->irqs++;
		if (g->submit_cpu[no] != (int)cpu)
			g->remote++;
		if (strstr(line, "<idle>-0"))
			g->idle++;
		g->irq_at[cpu] = ts;
	} else if (g->irq_at[cpu]) {
		if (g->nwait < DIAG_MAX)
			g->wait[g->nwait++] = ts - g->irq_at[cpu];
		g->irq_at[cpu] = 0;
	}
}

static int sdiag_over(const uint64_t *v, int n, uint64_t limit)
{
	int i, over = 0;

	for (i = 0; i < n; i++)
		over += v[i] > limit;
	return over;
}

static void sdiag_end(const char *name)
{
	struct sdiag *g = calloc(1, sizeof(*g));
	char line[512];
	FILE *f;
	int i;

	tput("tracing_on", "0");
	tput("events/vccwbench/enable", "0");
	tput("events/s390/s390_cio_ssch/enable", "0");
	tput("events/s390/s390_cio_interrupt/enable", "0");
	f = fopen(TRACE "trace", "r");
	for (i = 0; g && i < 65536; i++)
		g->submit_cpu[i] = -1;
	while (g && f && fgets(line, sizeof(line), f))
		if (line[0] != '#')
			sdiag_line(g, line);
	if (f)
		fclose(f);
	tput("kprobe_events", "");
	tput("trace_clock", "local");
	tput("trace", "");
	if (!g || !g->nssch || !g->nwait) {
		printf("# %s: nothing traced\n", name);
		free(g);
		return;
	}
	qsort(g->ssch, g->nssch, sizeof(uint64_t), cmp_u64);
	qsort(g->wait, g->nwait, sizeof(uint64_t), cmp_u64);
	printf("VCCW-BENCH: %s %s round=%d ssch=%d ssch_p50_us=%.1f ssch_p99_us=%.1f ssch_over_1ms=%d irqs=%d irq_remote=%d irq_idle=%d lockwait_p50_us=%.1f lockwait_p99_us=%.1f lockwait_over_1ms=%d\n",
	       driver, name, round_nr, g->nssch, g->ssch[g->nssch / 2] / 1e3,
	       g->ssch[(g->nssch * 99) / 100] / 1e3,
	       sdiag_over(g->ssch, g->nssch, 1000000), g->irqs, g->remote,
	       g->idle, g->wait[g->nwait / 2] / 1e3,
	       g->wait[(g->nwait * 99) / 100] / 1e3,
	       sdiag_over(g->wait, g->nwait, 1000000));
	fflush(stdout);
	free(g);
}

/* The traced run of @name (round 1): false on a broken path. */
static bool scale_diag(struct bdev *b, int k, const char *name, uint64_t *t,
		       int n)
{
	char dname[48];
	bool on;

	if (round_nr != 1 || !extra_rounds || k > 2)
		return true;
	snprintf(dname, sizeof(dname), "%s_diag", name);
	on = sdiag_start();
	if (!run_threads(b, k, t, n)) {
		tput("tracing_on", "0");
		return false;
	}
	if (on)
		sdiag_end(dname);
	return true;
}

/*
 * Only the first @nr CPUs online (0: all again). An s390 CPU taken
 * offline is stopped (SIGP STOP): its vCPU is neither run nor woken by
 * QEMU any more. Returns the number online after, or -errno.
 */
static int vcpus_online(int nr)
{
	int cpu, online = 1, ret;
	char path[64];

	for (cpu = 1; cpu < DIAG_CPUS; cpu++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/online", cpu);
		if (access(path, W_OK))
			break;
		ret = vccw_put(path, !nr || cpu < nr ? "1" : "0");
		if (ret && ret != -EINVAL)
			return ret;
		online += !nr || cpu < nr;
	}
	return online;
}

/*
 * Why a schib read waits (round 1 only): a kprobe on ssch() and cio's
 * s390_cio_ssch tracepoint (at its end) give every SSCH's span on the
 * monotonic trace clock; QEMU runs the whole channel program inside the
 * instruction. Of the schib reads that took ten times their median or
 * more, how many overlapped an SSCH of this subchannel, and how long the
 * SSCHs of "big" took.
 */
static bool diag_start(void)
{
	if (tput("trace_clock", "mono") ||
	    tput("kprobe_events", "p:vccwbench/ssch_enter ssch"))
		return false;
	tput("events/vccwbench/ssch_enter/enable", "1");
	tput("events/s390/s390_cio_ssch/enable", "1");
	tput("trace", "");
	tput("tracing_on", "1");
	return true;
}

static void diag_end(const uint64_t *rs, const uint64_t *re, int n)
{
	char line[256], want[32];
	uint64_t *sin, *sout, med, *d;
	int cpu_in[64] = { 0 }, ns = 0, i, j, slow = 0, over = 0;
	uint64_t last_in[64] = { 0 };
	FILE *f;

	tput("tracing_on", "0");
	tput("events/vccwbench/ssch_enter/enable", "0");
	tput("events/s390/s390_cio_ssch/enable", "0");
	sin = calloc(2 * 65536, sizeof(*sin));
	if (!sin)
		return;
	sout = sin + 65536;
	snprintf(want, sizeof(want), "schid=%s ", schs[0]);
	f = fopen(TRACE "trace", "r");
	while (f && fgets(line, sizeof(line), f) && ns < 65536) {
		char *c = strstr(line, ": ssch_enter:"), *cp;
		bool exit_ev = strstr(line, ": s390_cio_ssch:") && strstr(line, want);
		unsigned int cpu;
		double ts;

		if (!c && !exit_ev)
			continue;
		cp = strchr(line, '[');
		if (!cp || sscanf(cp, "[%u]", &cpu) != 1 || cpu >= 64)
			continue;
		c = strstr(line, ": ");
		*c = '\0';
		c = strrchr(line, ' ');
		if (!c || sscanf(c, "%lf", &ts) != 1)
			continue;
		if (!exit_ev) {
			last_in[cpu] = (uint64_t)(ts * 1e9);
			cpu_in[cpu] = 1;
		} else if (cpu_in[cpu]) {
			sin[ns] = last_in[cpu];
			sout[ns++] = (uint64_t)(ts * 1e9);
			cpu_in[cpu] = 0;
		}
	}
	if (f)
		fclose(f);
	tput("kprobe_events", "");
	tput("trace_clock", "local");
	tput("trace", "");
	d = calloc(ns > n ? ns : n, sizeof(*d));
	if (!d) {
		free(sin);
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = re[i] - rs[i];
	qsort(d, n, sizeof(*d), cmp_u64);
	med = d[n / 2];
	for (i = 0; i < n; i++) {
		if (re[i] - rs[i] < 10 * med)
			continue;
		slow++;
		for (j = 0; j < ns; j++)
			if (sin[j] < re[i] && sout[j] > rs[i]) {
				over++;
				break;
			}
	}
	for (i = 0; i < ns; i++)
		d[i] = sout[i] - sin[i];
	if (ns) {
		qsort(d, ns, sizeof(*d), cmp_u64);
		printf("VCCW-BENCH: %s contention_diag round=%d schib_reads=%d slow_reads=%d slow_during_ssch=%d ssch=%d ssch_p50_us=%.1f ssch_p99_us=%.1f ssch_max_us=%.1f\n",
		       driver, round_nr, n, slow, over, ns, d[ns / 2] / 1e3,
		       d[(ns * 99) / 100] / 1e3, d[ns - 1] / 1e3);
	}
	free(d);
	free(sin);
}

static bool run_contention(struct bdev *b, uint64_t *t, int n)
{
	struct contention c = { .b = b };
	uint64_t *th = t, *tc = t + n, *ts = t + 2 * n, s0, start, wall;
	long coalesced = 0;
	uint8_t *check[NR_PAGES];
	char schib[256];
	pthread_t w;
	int nr_check, i, nh = 0, nc = 0, cmd;
	uint64_t *rs = calloc(2 * (size_t)n + 1, sizeof(*rs)), *re = rs + n;
	bool diag = round_nr == 1 && rs && diag_start();

	if (b->d.schib.size > sizeof(schib) || !b->d.async.size) {
		fprintf(stderr, "contention: no async or schib region\n");
		return false;
	}
	build(b, &big, check, &nr_check);
	/* The writer's program, once alone: does it end as it must? */
	if (!run_one(b, &big))
		return false;
	if (pthread_create(&w, NULL, contention_writer, &c))
		return false;
	start = now_ns();
	for (i = 0; i < n + WARMUP; i++) {
		cmd = i & 1 ? VFIO_CCW_ASYNC_CMD_CSCH : VFIO_CCW_ASYNC_CMD_HSCH;
		s0 = halt_or_clear(&b->d, cmd, &coalesced);
		if (!s0)
			break;
		if (i >= WARMUP) {
			if (cmd == VFIO_CCW_ASYNC_CMD_HSCH)
				th[nh++] = s0;
			else
				tc[nc++] = s0;
		}
		s0 = now_ns();
		if (i >= WARMUP)
			rs[i - WARMUP] = s0;
		if (pread(b->d.device, schib, b->d.schib.size,
			  b->d.schib.offset) != (ssize_t)b->d.schib.size) {
			fprintf(stderr, "contention: schib: %s\n",
				strerror(errno));
			break;
		}
		if (i >= WARMUP) {
			re[i - WARMUP] = now_ns();
			ts[i - WARMUP] = re[i - WARMUP] - s0 ?: 1;
		}
		if (c.errors)
			break;
	}
	wall = now_ns() - start;
	atomic_store(&c.stop, 1);
	pthread_join(w, NULL);
	if (diag) {
		if (i == n + WARMUP)
			diag_end(rs, re, n);
		else
			tput("tracing_on", "0");
	}
	free(rs);
	/* Leave the subchannel idle, with no IRB unread. */
	if (halt_or_clear(&b->d, VFIO_CCW_ASYNC_CMD_CSCH, &coalesced))
		drain(&b->d, 200);
	if (i < n + WARMUP || c.errors) {
		fprintf(stderr, "contention: writer: %s\n", strerror(c.err));
		return false;
	}
	report("contention_halt", th, nh, wall);
	report("contention_clear", tc, nc, wall);
	report("contention_schib", ts, n, wall);
	printf("VCCW-BENCH: %s contention_writer round=%d starts=%ld busy=%ld coalesced=%ld starts_s=%.0f\n",
	       driver, round_nr, c.starts, c.busy, coalesced,
	       c.starts * 1e9 / wall);
	fflush(stdout);
	return true;
}

/*
 * Memory. The kmem trace events (kmalloc, kmem_cache_alloc, their frees,
 * and page allocations) with a stack trace each, over two windows: the
 * creation and open of an mdev (what a device costs), and one run of
 * "big" followed by a CSCH (the channel program at its largest: the peak
 * of the bytes live during it; "left": still live after the CSCH). Each
 * allocation is put in one class by its first frame outside the
 * allocators (the call site, or the stack below it):
 *   own      that frame is in the vfio_ccw module
 *   private  it is vfio's _vfio_alloc_device: the private structure
 *   induced  a deeper frame is in vfio_ccw: what vfio, sysfs or type1
 *            allocate because the driver asked (its sysfs nodes, the
 *            type1 records of pinned pages)
 *   other    no vfio_ccw frame at all (the test's own VFIO setup)
 * Slab pages and the pages of kmalloc_large are not counted twice (their
 * objects are); user pages (movable) and the pinned guest pages are the
 * guest's, not counted.
 */
enum mclass { M_OTHER, M_OWN, M_PRIVATE, M_INDUCED, M_CLASSES };
static const char *const mclass_name[] = { "other", "own", "private",
					   "induced" };

struct alloc {
	char key[40];		/* ptr or pfn */
	long bytes;
	enum mclass cls;
	char site[64];
	bool live;
};

struct mem {
	struct alloc *a;
	int n, cap;
	long live[M_CLASSES], peak[M_CLASSES];
	long drv_live, drv_peak;	/* own + private + induced */
};

static int tput(const char *file, const char *v)
{
	char path[128];

	snprintf(path, sizeof(path), TRACE "%s", file);
	return vccw_put(path, v);
}

static const char *const mem_events[] = {
	"kmem/kmalloc", "kmem/kfree", "kmem/kmem_cache_alloc",
	"kmem/kmem_cache_free", "kmem/mm_page_alloc", "kmem/mm_page_free",
};

static int trace_setup(bool on)
{
	char path[64];
	size_t i;
	int ret = 0;

	ret |= tput("tracing_on", "0");
	if (on) {
		ret |= tput("buffer_size_kb", "8192");
		ret |= tput("options/stacktrace", "1");
		/* frames as func+off/size [module] */
		ret |= tput("options/sym-offset", "1");
	} else {
		tput("options/stacktrace", "0");
		tput("options/sym-offset", "0");
	}
	for (i = 0; i < sizeof(mem_events) / sizeof(mem_events[0]); i++) {
		snprintf(path, sizeof(path), "events/%s/enable",
			 mem_events[i]);
		ret |= tput(path, on ? "1" : "0");
	}
	ret |= tput("trace", "");
	return ret;
}

static const char *field(const char *line, const char *key, char *out,
			 size_t size)
{
	const char *p = strstr(line, key);
	size_t i = 0;

	if (!p)
		return NULL;
	p += strlen(key);
	while (*p && *p != ' ' && *p != '\n' && i + 1 < size)
		out[i++] = *p++;
	out[i] = '\0';
	return out;
}

/* A frame of the allocators themselves, not of who asked. */
static bool allocator_frame(const char *f)
{
	static const char *const prefix[] = {
		"__traceiter_", "__kmalloc", "kmalloc", "__kvmalloc",
		"kvmalloc", "kmem_cache_alloc", "__kmem_cache", "__alloc_pages",
		"alloc_pages", "__get_free_pages", "get_zeroed_page",
		"___slab_alloc", "__slab_alloc", "allocate_slab", "new_slab",
		"__folio_alloc", "folio_alloc", "krealloc", "kzalloc",
		"get_free_pages",
		"kcalloc", "kmemdup", "kstrdup", "__kmem_cache_alloc",
	};
	size_t i;

	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (!strncmp(f, prefix[i], strlen(prefix[i])))
			return true;
	return false;
}

static struct alloc *mem_find(struct mem *m, const char *key)
{
	int i;

	for (i = m->n - 1; i >= 0; i--)
		if (m->a[i].live && !strcmp(m->a[i].key, key))
			return &m->a[i];
	return NULL;
}

struct mev {
	int kind;		/* 1 alloc, 2 free */
	char key[40];
	long bytes;
	char first[80];		/* first frame outside the allocators */
	bool deep_drv;		/* some frame in vfio_ccw */
	bool skip;		/* slab or kmalloc_large page, movable page */
};

static void mem_account(struct mem *m, const struct mev *e)
{
	struct alloc *a;
	enum mclass c;

	if (e->kind == 2) {
		a = mem_find(m, e->key);
		if (!a)
			return;
		a->live = false;
		m->live[a->cls] -= a->bytes;
		if (a->cls != M_OTHER)
			m->drv_live -= a->bytes;
		return;
	}
	if (e->kind != 1 || e->skip)
		return;
	if (strstr(e->first, "[vfio_ccw]"))
		c = M_OWN;
	else if (!strncmp(e->first, "_vfio_alloc_device", 18) && e->deep_drv)
		c = M_PRIVATE;
	else if (e->deep_drv)
		c = M_INDUCED;
	else
		c = M_OTHER;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 1024;
		m->a = realloc(m->a, m->cap * sizeof(*m->a));
		if (!m->a)
			exit(1);
	}
	a = &m->a[m->n++];
	snprintf(a->key, sizeof(a->key), "%s", e->key);
	snprintf(a->site, sizeof(a->site), "%.*s",
		 (int)strcspn(e->first, "+ "), e->first);
	a->bytes = e->bytes;
	a->cls = c;
	a->live = true;
	m->live[c] += e->bytes;
	if (m->live[c] > m->peak[c])
		m->peak[c] = m->live[c];
	if (c != M_OTHER) {
		m->drv_live += e->bytes;
		if (m->drv_live > m->drv_peak)
			m->drv_peak = m->drv_live;
	}
}

/* Read the trace: an event line, "<stack trace>", then " => " frames. */
static int mem_parse(struct mem *m)
{
	char line[512], v[64], frame[64];
	struct mev e = { 0 };
	FILE *f = fopen(TRACE "trace", "r");

	if (!f)
		return -errno;
	memset(m, 0, sizeof(*m));
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, " => ");

		if (line[0] == '#' || strstr(line, "<stack trace>"))
			continue;
		if (p) {
			snprintf(frame, sizeof(frame), "%s", p + 4);
			frame[strcspn(frame, "\n")] = '\0';
			if (strstr(frame, "allocate_slab") ||
			    strstr(frame, "kmalloc_large"))
				e.skip = true;
			if (strstr(frame, "[vfio_ccw]"))
				e.deep_drv = true;
			if (!e.first[0] && !allocator_frame(frame))
				snprintf(e.first, sizeof(e.first), "%s", frame);
			continue;
		}
		mem_account(m, &e);
		memset(&e, 0, sizeof(e));
		if (strstr(line, " kmalloc: ") ||
		    strstr(line, " kmem_cache_alloc: ")) {
			e.kind = 1;
			field(line, "ptr=", e.key, sizeof(e.key));
			e.bytes = atol(field(line, "bytes_alloc=", v,
					     sizeof(v)) ?: "0");
			field(line, "call_site=", frame, sizeof(frame));
			/* the module name follows the call site, space apart */
			if (strstr(line, "[vfio_ccw]"))
				e.deep_drv = true;
			if (!allocator_frame(frame))
				snprintf(e.first, sizeof(e.first), "%s%s", frame,
					 e.deep_drv ? " [vfio_ccw]" : "");
		} else if (strstr(line, " kfree: ") ||
			   strstr(line, " kmem_cache_free: ")) {
			e.kind = 2;
			field(line, "ptr=", e.key, sizeof(e.key));
		} else if (strstr(line, " mm_page_alloc: ")) {
			e.kind = field(line, "pfn=", e.key, sizeof(e.key)) ?
				 1 : 0;
			e.bytes = 4096L << atoi(field(line, "order=", v,
						      sizeof(v)) ?: "0");
			e.skip = strstr(line, "MOVABLE") != NULL;
		} else if (strstr(line, " mm_page_free: ")) {
			e.kind = field(line, "pfn=", e.key, sizeof(e.key)) ?
				 2 : 0;
		}
	}
	mem_account(m, &e);
	fclose(f);
	printf("# mem: %d allocations in the window\n", m->n);
	return 0;
}

/* The driver's live allocations of @m by class and site, for the table. */
static void mem_sites(struct mem *m, const char *phase)
{
	struct { char site[64]; enum mclass cls; long bytes; int n; } s[64];
	int ns = 0, i, j;

	for (i = 0; i < m->n; i++) {
		if (!m->a[i].live || m->a[i].cls == M_OTHER)
			continue;
		for (j = 0; j < ns; j++)
			if (s[j].cls == m->a[i].cls &&
			    !strcmp(s[j].site, m->a[i].site))
				break;
		if (j == ns) {
			if (ns == 64)
				continue;
			snprintf(s[ns].site, sizeof(s[ns].site), "%s",
				 m->a[i].site);
			s[ns].cls = m->a[i].cls;
			s[ns].bytes = 0;
			s[ns].n = 0;
			ns++;
		}
		s[j].bytes += m->a[i].bytes;
		s[j].n++;
	}
	for (i = 0; i < ns; i++)
		printf("VCCW-MEMSITE: %s %s %s:%s bytes=%ld allocations=%d\n",
		       driver, phase, mclass_name[s[i].cls], s[i].site,
		       s[i].bytes, s[i].n);
}

static bool run_mem(int which)
{
	char path[256];
	struct mem dev_m, cp_m;
	struct bdev b;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove",
		 mdevs[which]);
	if (vccw_put(path, "1")) {
		fprintf(stderr, "mem: remove %s\n", mdevs[which]);
		return false;
	}
	if (trace_setup(true)) {
		fprintf(stderr, "mem: tracing setup\n");
		return false;
	}
	/* Window 1: create the mdev and open it, as QEMU would. */
	snprintf(path, sizeof(path),
		 "/sys/bus/css/devices/%s/mdev_supported_types/vfio_ccw-io/create",
		 schs[which]);
	tput("tracing_on", "1");
	if (vccw_put(path, mdevs[which]) || open_dev(&b, which)) {
		tput("tracing_on", "0");
		fprintf(stderr, "mem: create/open %s\n", mdevs[which]);
		trace_setup(false);
		return false;
	}
	tput("tracing_on", "0");
	if (mem_parse(&dev_m))
		return false;
	tput("trace", "");
	/* Window 2: the largest channel program, then a CSCH. */
	tput("tracing_on", "1");
	if (!run_one(&b, &big) || !run_clear(&b.d)) {
		tput("tracing_on", "0");
		trace_setup(false);
		return false;
	}
	tput("tracing_on", "0");
	if (mem_parse(&cp_m))
		return false;
	trace_setup(false);
	close_dev(&b);

	printf("VCCW-BENCH: %s mem round=%d own_bytes=%ld private_bytes=%ld induced_bytes=%ld other_bytes=%ld cp_own_peak_bytes=%ld cp_induced_peak_bytes=%ld cp_driver_peak_bytes=%ld cp_left_bytes=%ld\n",
	       driver, round_nr, dev_m.live[M_OWN], dev_m.live[M_PRIVATE],
	       dev_m.live[M_INDUCED], dev_m.live[M_OTHER], cp_m.peak[M_OWN],
	       cp_m.peak[M_INDUCED], cp_m.drv_peak, cp_m.drv_live);
	mem_sites(&dev_m, "device");
	fflush(stdout);
	free(dev_m.a);
	free(cp_m.a);
	return true;
}

/*
 * Where a round trip's time goes: @n sense_id programs with cio's own
 * tracepoints (s390_cio_ssch, right after the SSCH instruction, inside
 * which QEMU runs the program; s390_cio_interrupt, the I/O interrupt of
 * the subchannel) on the CLOCK_MONOTONIC trace clock, so that they line
 * up with the program's pwrite (t0) and IRB read (t1):
 *   submit   t0 .. ssch: the write, translation, pinning, SSCH (QEMU runs
 *            the channel program inside it)
 *   irq      ssch .. interrupt: the interrupt reaching the guest
 *   deliver  interrupt .. t1: the irq callback, the work item, the
 *            eventfd, the wake-up, the read of the io region
 */
static bool run_phases(struct bdev *b, uint64_t *t, int n)
{
	uint64_t *t0, *t1, *ph;
	const char *ev[] = { "s390/s390_cio_ssch", "s390/s390_cio_interrupt" };
	char line[256], path[64], want[32];
	int i, k, ns = 0, ni = 0, done = 0;
	uint64_t *ssch, *irq, wall;
	FILE *f;

	if (tput("trace_clock", "mono"))
		return false;
	ssch = calloc(9 * (size_t)n + 64, sizeof(*ssch));
	if (!ssch)
		return false;
	irq = ssch + 2 * n + 32;
	t0 = irq + 2 * n + 32;
	t1 = t0 + n;
	ph = t1 + n;
	snprintf(want, sizeof(want), "schid=%s ", schs[0]);
	/* "0.0.0001" in sysfs is "0.0.0001" in the trace too */
	tput("tracing_on", "0");
	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "events/%s/enable", ev[k]);
		tput(path, "1");
	}
	tput("trace", "");
	tput("tracing_on", "1");
	for (i = 0; i < n; i++) {
		t0[i] = now_ns();
		if (!run_one(b, &benches[0]))
			break;
		t1[i] = now_ns();
	}
	tput("tracing_on", "0");
	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "events/%s/enable", ev[k]);
		tput(path, "0");
	}
	f = fopen(TRACE "trace", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *c = strstr(line, ": s390_cio_");
		bool is_ssch = strstr(line, ": s390_cio_ssch:") != NULL;
		double ts;

		if (!c || !strstr(line, want))
			continue;
		*c = '\0';
		c = strrchr(line, ' ');
		if (!c || sscanf(c, "%lf", &ts) != 1)
			continue;
		if (is_ssch && ns < 2 * n + 32)
			ssch[ns++] = (uint64_t)(ts * 1e9);
		else if (!is_ssch && ni < 2 * n + 32)
			irq[ni++] = (uint64_t)(ts * 1e9);
	}
	if (f)
		fclose(f);
	tput("trace_clock", "local");
	tput("trace", "");
	if (i < n) {
		free(ssch);
		return false;
	}
	/*
	 * Per program: the first ssch and the first interrupt after t0. The
	 * interrupt is floating: another vCPU may take it (and trace it)
	 * before the submitting one traced the end of its SSCH; its handler
	 * then waits for sch->lock, so the delivery starts at the later of
	 * the two.
	 */
	for (i = 0, k = 0; i < n; i++) {
		int a = 0, q = 0;
		uint64_t from;

		while (a < ns && ssch[a] < t0[i])
			a++;
		while (q < ni && irq[q] < t0[i])
			q++;
		if (a == ns || q == ni || irq[q] > t1[i] || ssch[a] > t1[i])
			continue;
		from = irq[q] > ssch[a] ? irq[q] : ssch[a];
		ph[done] = ssch[a] - t0[i] ?: 1;
		ph[n + done] = from - ssch[a] ?: 1;
		ph[2 * n + done] = t1[i] - from ?: 1;
		done++;
	}
	if (done < n / 2) {
		/* a measurement that did not work, not a broken path */
		printf("# phases: only %d of %d programs traced, no figures\n",
		       done, n);
		free(ssch);
		return true;
	}
	memcpy(t, ph, done * sizeof(*t));
	memcpy(t + done, ph + n, done * sizeof(*t));
	memcpy(t + 2 * done, ph + 2 * n, done * sizeof(*t));
	wall = t1[n - 1] - t0[0];
	free(ssch);
	report("phase_submit", t, done, wall);
	report("phase_irq", t + done, done, wall);
	report("phase_deliver", t + 2 * done, done, wall);
	return true;
}

static int split(char *s, char **out)
{
	int n = 0;
	char *tok;

	for (tok = strtok(s, " "); tok && n < MAX_DEVS; tok = strtok(NULL, " "))
		out[n++] = tok;
	return n;
}

int main(void)
{
	const char *s = getenv("VFIO_CCW_BENCH_ITERS");
	int n = s ? atoi(s) : 2000, k, nschs;
	char *mdev_list, *sch_list, name[32];
	struct bdev b[MAX_DEVS];
	bool extra;
	uint64_t *t, wall;
	size_t i;

	driver = vccw_driver();
	cases = getenv("VFIO_CCW_BENCH_CASES");
	vcpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	s = getenv("VFIO_CCW_BENCH_HOST_CPUS");
	host_cpus = s ? atoi(s) : 0;
	s = getenv("VFIO_CCW_BENCH_EXTRA_ROUNDS");
	if (s && *s)
		extra_rounds = atoi(s);
	floor_mode = !strcmp(driver, "floor");
	s = getenv("VFIO_CCW_BENCH_ROUND");
	round_nr = s ? atoi(s) : 1;
	mdev_list = strdup(getenv("VFIO_CCW_MDEVS") ?: "");
	sch_list = strdup(getenv("VFIO_CCW_SCHS") ?: "");
	ndevs = split(mdev_list, mdevs);
	nschs = split(sch_list, schs);
	if (floor_mode)
		ndevs = nschs;
	if (n < 10)
		n = 10;
	t = calloc(MAX_DEVS * (size_t)n, sizeof(*t));
	if (!t || ndevs < 1 || (!floor_mode && nschs < ndevs)) {
		fprintf(stderr, "no devices: VFIO_CCW_MDEVS, VFIO_CCW_SCHS\n");
		return 1;
	}
	for (k = 0; k < ndevs; k++)
		if (open_dev(&b[k], k))
			return 1;
	printf("# vfio_ccw_bench: driver %s, round %d, %d programs per case, %d devices\n",
	       driver, round_nr, n, ndevs);

	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		if (!wanted(benches[i].name))
			continue;
		printf("# %s: %s\n", benches[i].name, benches[i].what);
		wall = run_case(&b[0], &benches[i], t, n);
		if (!wall)
			return 1;
		report(benches[i].name, t, n, wall);
	}

	if (ndevs >= 2 && wanted("two_mdevs")) {
		printf("# two_mdevs: sense_id on two mdevs at once, a thread each\n");
		if (!run_parallel(b, 2, "two_mdevs", t, n))
			return 1;
	}

	if (!floor_mode && wanted("contention")) {
		printf("# contention: HSCH/CSCH and schib reads while another thread STARTs %s\n",
		       big.what);
		if (!run_contention(&b[0], t, n))
			return 1;
	}

	if (!floor_mode && wanted("phase")) {
		printf("# phases: where a sense_id round trip goes (cio tracepoints)\n");
		if (!run_phases(&b[0], t, n))
			return 1;
	}

	for (k = 1; k <= ndevs; k *= 2) {
		snprintf(name, sizeof(name), "scale_%d", k);
		if (!wanted(name))
			continue;
		printf("# scale_%d: sense_id on %d devices at once, a thread each\n",
		       k, k);
		if (!run_parallel(b, k, name, t, n) ||
		    !scale_diag(b, k, name, t, n))
			return 1;
	}
	/*
	 * The same with no more vCPUs online than the host has cores: an I/O
	 * interrupt then wakes no vCPU that has no core to run on. These and
	 * the runs over processes only in the first extra_rounds rounds
	 * (make check: the first, the machinery rather than the figures).
	 */
	extra = extra_rounds < 0 || round_nr <= extra_rounds;
	if (host_cpus > 0 && host_cpus < vcpus && wanted("vcpus") && extra) {
		if (vcpus_online(host_cpus) != host_cpus) {
			fprintf(stderr, "could not take vCPUs offline\n");
			vcpus_online(0);
			return 1;
		}
		for (k = 1; k <= ndevs; k *= 2) {
			snprintf(name, sizeof(name), "vcpus%d_%d", host_cpus, k);
			printf("# %s: scale_%d with %d vCPUs online\n", name, k,
			       host_cpus);
			if (!run_parallel(b, k, name, t, n) ||
			    !scale_diag(b, k, name, t, n)) {
				vcpus_online(0);
				return 1;
			}
		}
		if (vcpus_online(0) != vcpus) {
			fprintf(stderr, "could not bring the vCPUs back\n");
			return 1;
		}
	}
	for (k = 1; extra && k <= ndevs; k *= 2) {
		snprintf(name, sizeof(name), "procs_%d", k);
		if (!wanted(name))
			continue;
		printf("# procs_%d: sense_id on %d devices at once, a process each\n",
		       k, k);
		if (!run_procs(b, k, name, t, n))
			return 1;
	}

	for (k = 0; k < ndevs; k++)
		close_dev(&b[k]);
	s = getenv("VFIO_CCW_BENCH_MEM");
	if (!floor_mode && s && !strcmp(s, "1") && wanted("mem")) {
		printf("# mem: bytes per device (kmem trace events)\n");
		if (!run_mem(ndevs - 1))
			return 1;
	}
	free(t);
	return 0;
}
