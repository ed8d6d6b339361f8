// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw fuzzer: seeded random channel programs and region accesses
 * against the mdev in $VFIO_CCW_MDEV.
 *
 * Every START is judged twice:
 *  - set membership: the write returns sizeof(struct ccw_io_region) or one
 *    of the documented errnos (-EINVAL -EOPNOTSUPP -EFAULT -EBUSY -EAGAIN
 *    -ENODEV -EPERM -ENOMEM); anything else fails.
 *  - exactness (our driver): a model of the translation contract written
 *    down in driver/vfio_ccw_cp.c (ORB checks, chains, TICs, IDALs, what
 *    moves data and gets pinned, in translation order) predicts the
 *    result from the bytes in guest memory, and each generator class is
 *    built so that its result is known (transport mode -> -EOPNOTSUPP,
 *    TIC to TIC -> -EINVAL, 257 CCWs -> -EINVAL, data in a read-only
 *    mapping -> -EPERM, ...); the class, the model and the driver must
 *    agree. An accepted program is waited for (bounded), its final IRB
 *    is read and must carry a guest CCW address; SENSE ID programs are
 *    checked byte by byte through their IDALs.
 * Region accesses (bad offsets and sizes, partial and read-only writes,
 * reads past the end, unknown indexes, bad user buffers, async commands
 * other than HSCH/CSCH) must give exactly what driver/vfio_ccw_ops.c says.
 * With our driver, debugfs is read after every N programs: nothing pinned
 * and the cp idle, and starts/frees/refusals/IRBs equal to our own tally.
 *
 * Guest address map (IOVAs as the channel program sees them):
 *   0x00ff0000  64K read/write  (below 16M: reachable by format-0 CCWs)
 *   0x10000000  1M  read/write  (vccw_open(): CCW, IDAL and data zones)
 *   0x10200000  64K read-only   (CCWs and IDALs fine, data -> -EPERM)
 *   0x10300000  64K PROT_NONE host memory (anything there -> -EFAULT)
 *   everything else unmapped (-EINVAL)
 *
 * QEMU runs a channel program synchronously inside the SSCH instruction,
 * so an accepted endless loop would hang the guest, and some virtio-ccw
 * commands take guest-physical addresses (SET_VQ, SET_IND, ...) that no
 * vfio-ccw translation covers. Before any START the program is executed
 * on paper from the guest's bytes, conservatively (every CCW chains if CC
 * or CD is set, whatever the device would say): a program that can visit
 * a CCW twice or reach such a command is thrown away and generated again
 * ("filtered" in the figures). Loops with a terminator on the way in
 * (an invalid command code) are kept: the translator still has to copy
 * them.
 *
 * Environment:
 *   VFIO_CCW_FUZZ_SEED     seed, decimal or 0x hex (default: from the clock)
 *   VFIO_CCW_FUZZ_ITERS    programs to run (default 10000)
 *   VFIO_CCW_FUZZ_FIRST    first iteration (default 0)
 *   VFIO_CCW_FUZZ_CHECK    debugfs check every N programs (default 1)
 *   VFIO_CCW_FUZZ_VERBOSE  1: one line per program
 *   VFIO_CCW_FUZZ_LIST     only these iterations, e.g. "17,263,4000"
 *   VFIO_CCW_FUZZ_ANY_DRIVER  1: also fuzz a driver other than ours
 *
 * The contract checked is that of driver/ (VFIO_CCW_DRIVER=ours). Another
 * driver is only fuzzed on request, with the set-membership oracle: the
 * in-tree 6.12 module ends up answering -EIO to everything within a few
 * dozen programs and its subchannel can then not be unbound, which would
 * fail every "make check DRIVER=intree" for reasons that are not ours.
 * Iteration i draws from its own generator, seeded from (seed, i), and
 * starts from the same state (DMA memory zeroed, device idle): a failing
 * program is replayed alone with the printed seed, FIRST=i and ITERS=1.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "vfio_ccw_util.h"
#include "kselftest_harness.h"

#define FZ_MAX_DUMPS		10	/* failures printed in full */

#define WIN_IOVA	VCCW_IOVA_BASE
#define LOW_IOVA	0x00ff0000ULL
#define RO_IOVA		0x10200000ULL
#define NA_IOVA		0x10300000ULL
#define XTRA_SIZE	0x10000UL
#define HOLE_IOVA	0x10100000ULL	/* right after the 1M window: unmapped */
#define TWO_G		0x80000000ULL
#define PG		4096ULL

#define CCW_FLAG_MIDA	0x01
#define WANT_MODEL	1		/* no errno by design: the model decides */
#define NO_PROGRAM	2		/* a failure with no program to dump */

#define ALIGN_DN(x, a)	((x) & ~((uint64_t)(a) - 1))

/* ---------------------------------------------------------------- areas */

enum { A_WIN, A_LOW, A_RO, A_NA, A_NR };

struct area {
	const char *name;
	uint64_t iova;
	size_t size;
	uint8_t *host;		/* our view; NULL for the PROT_NONE area */
	void *base;		/* our mapping, for the areas we mapped */
	bool ro, na, mapped;
	uint8_t dirty[256];	/* pages the generator wrote */
};

enum {
	Z_WIN_CCW, Z_WIN_IDAL, Z_WIN_DATA,
	Z_LOW_CCW, Z_LOW_IDAL, Z_LOW_DATA,
	Z_RO_CCW, Z_RO_IDAL, Z_RO_DATA,
	Z_NR
};

static const struct { int area; uint32_t lo, hi; } zones[Z_NR] = {
	[Z_WIN_CCW]  = { A_WIN, 0x00000, 0x40000 },
	[Z_WIN_IDAL] = { A_WIN, 0x40000, 0x60000 },
	[Z_WIN_DATA] = { A_WIN, 0x60000, 0x100000 },
	[Z_LOW_CCW]  = { A_LOW, 0x0000, 0x6000 },
	[Z_LOW_IDAL] = { A_LOW, 0x6000, 0x8000 },
	[Z_LOW_DATA] = { A_LOW, 0x8000, 0x10000 },
	[Z_RO_CCW]   = { A_RO, 0x0000, 0x6000 },
	[Z_RO_IDAL]  = { A_RO, 0x6000, 0x8000 },
	[Z_RO_DATA]  = { A_RO, 0x8000, 0x10000 },
};

/* ------------------------------------------------------------- counters */

struct vstats {
	long starts, eagain, ebusy, other, halts, clears;
	long sol, unsol, final, inter, dropped, delivered;
	long claims_irq, claims_retire, frees, pinned, own;
};

static bool read_vstats(const char *uuid, struct vstats *s)
{
	static const struct { const char *k; size_t off; } keys[] = {
#define K(n, f) { n, offsetof(struct vstats, f) }
		K("starts", starts), K("refused_eagain", eagain),
		K("refused_ebusy", ebusy), K("refused_other", other),
		K("halts", halts), K("clears", clears),
		K("irb_solicited", sol), K("irb_unsolicited", unsol),
		K("irb_final", final), K("irb_intermediate", inter),
		K("irb_dropped", dropped), K("irb_delivered", delivered),
		K("claims_irq", claims_irq), K("claims_retire", claims_retire),
		K("frees", frees), K("pinned_pages", pinned), K("own", own),
#undef K
	};
	struct vccw_stats all;
	size_t i;

	if (!vccw_stats_read(uuid, &all))
		return false;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)	/* -1: missing */
		*(long *)((char *)s + keys[i].off) =
			vccw_stats_get(&all, keys[i].k);
	return s->pinned >= 0 && s->own >= 0 && s->delivered >= 0;
}

/* ---------------------------------------------------------------- model */

#define M_CHAINS	16
#define M_CHAIN_LEN	256

struct mccw {
	uint8_t cmd, flags;
	uint16_t count;
	uint32_t cda;
};

struct mchain {
	uint32_t head;
	unsigned int len;
	struct mccw ccw[M_CHAIN_LEN];
	/* the command each CCW runs with: its own, or its data chain's */
	uint8_t cmd[M_CHAIN_LEN];
};

struct model {
	int nchains;
	struct mchain ch[M_CHAINS];
	char why[200];
};

/* ---------------------------------------------------------- the fuzzer */

enum cls {
	C_WILD, C_MIX, C_SENSEID, C_LOOP, C_ORB_BITS, C_ORB_OK, C_CPA,
	C_TIC_TIC, C_TIC_BAD, C_CMD_X8, C_MIDA, C_CDA_BIT0, C_IDAL_BAD,
	C_IDAW_BAD, C_IDAW_BSIZE, C_DATA_BAD, C_NOMOVE, C_COUNT0,
	C_CHAIN_LEN, C_CHAINS, C_RUNOFF, C_FMT0, C_RO_CCW,
	C_NR
};

static const struct { const char *name; int weight; } classes[C_NR] = {
	[C_WILD] = { "wild", 22 }, [C_MIX] = { "mix", 10 },
	[C_SENSEID] = { "sense_id", 6 }, [C_LOOP] = { "tic_loop", 4 },
	[C_ORB_BITS] = { "orb_bits", 5 }, [C_ORB_OK] = { "orb_ok", 3 },
	[C_CPA] = { "cpa", 4 }, [C_TIC_TIC] = { "tic_to_tic", 3 },
	[C_TIC_BAD] = { "tic_bad", 4 }, [C_CMD_X8] = { "cmd_x8", 2 },
	[C_MIDA] = { "mida", 2 }, [C_CDA_BIT0] = { "cda_bit0", 2 },
	[C_IDAL_BAD] = { "idal_bad", 4 }, [C_IDAW_BAD] = { "idaw_bad", 3 },
	[C_IDAW_BSIZE] = { "idaw_bsize", 2 }, [C_DATA_BAD] = { "data_bad", 6 },
	[C_NOMOVE] = { "no_transfer", 3 }, [C_COUNT0] = { "count0", 2 },
	[C_CHAIN_LEN] = { "chain_len", 3 }, [C_CHAINS] = { "chains", 2 },
	[C_RUNOFF] = { "chain_end", 2 }, [C_FMT0] = { "format0", 3 },
	[C_RO_CCW] = { "ro_ccw", 2 },
};

#define NERR 160

struct fz {
	struct __test_metadata *md;
	struct vccw_dev d;
	struct area a[A_NR];
	unsigned int shift;		/* region index -> offset */
	bool ours, stats;
	uint64_t seed;
	long iters, first, check_every;
	int verbose;

	uint8_t *badbuf;		/* a PROT_NONE page, after a RW page */
	uint16_t *visit;		/* execution check: stamps per CCW slot */
	uint16_t stamp;

	/* what the driver's counters must say (relative to s0) */
	struct vstats s0;
	uint64_t consumed;		/* eventfd signals read */
	long exp_starts, exp_ebusy, exp_other, exp_finals;
	long exp_halts, exp_clears;

	/* figures */
	long programs, accepted, filtered, region_ops, cc3, verified, b2b;
	long resets, resets_busy;	/* VFIO_DEVICE_RESET: idle, behind a START */
	long qemu_ida_quirk;
	const char *list;		/* VFIO_CCW_FUZZ_LIST: iterations to run */
	long count_errno[NERR], count_weird;
	long cls_n[C_NR], cls_acc[C_NR];
	long failures;
	int dumps;
	double t0, t_wait;
	long max_wait_ms;
	bool dead;

	struct model m;
};

struct gen {
	struct fz *f;
	uint64_t rs;
	long iter;
	int cls;
	const char *variant;
	int want;
	struct cmd_orb orb;
	uint32_t scsw_w0;
	bool fmt0;
	unsigned int bsize, isize;
	int sp;			/* CCW zone */
	uint32_t cur[Z_NR];
	/* SENSE ID check */
	bool verify, ida_v;
	uint32_t v_cda, v_last;
	uint16_t v_count;
	bool b2b;		/* START it twice, back to back */
	bool have_model;	/* model_ret and fz.m are this program's */
	int model_ret;
};

static void fzlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fzlog(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ PRNG */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd64(struct gen *g)
{
	/* xorshift64* */
	g->rs ^= g->rs >> 12;
	g->rs ^= g->rs << 25;
	g->rs ^= g->rs >> 27;
	return g->rs * 0x2545f4914f6cdd1dULL;
}

static uint32_t rnd(struct gen *g, uint32_t n)
{
	return n ? (uint32_t)((rnd64(g) >> 16) % n) : 0;
}

static bool chance(struct gen *g, unsigned int num, unsigned int den)
{
	return rnd(g, den) < num;
}

static uint32_t rnd_range(struct gen *g, uint32_t lo, uint32_t hi)
{
	return lo + rnd(g, hi - lo + 1);	/* inclusive */
}

/* ------------------------------------------------------- guest memory */

static struct area *area_of(struct fz *f, uint64_t iova)
{
	int i;

	for (i = 0; i < A_NR; i++)
		if (iova >= f->a[i].iova && iova - f->a[i].iova < f->a[i].size)
			return &f->a[i];
	return NULL;
}

/* Host pointer of [iova, iova + len) when it is all in one area we see. */
static uint8_t *hptr(struct fz *f, uint64_t iova, size_t len)
{
	struct area *a = area_of(f, iova);

	if (!a || !a->host || iova - a->iova + len > a->size)
		return NULL;
	return a->host + (iova - a->iova);
}

static void mark(struct fz *f, uint64_t iova, size_t len)
{
	uint64_t pg, end = iova + len;

	/* areas are page aligned: a page is in one area or in none */
	for (pg = ALIGN_DN(iova, PG); pg < end; pg += PG) {
		struct area *a = area_of(f, pg);

		if (a && a->host)
			a->dirty[(pg - a->iova) / PG] = 1;
	}
}

/* Zero what the generator wrote, or everything (a device may have written). */
static void clean(struct fz *f, bool all)
{
	int i;
	size_t p;

	for (i = 0; i < A_NR; i++) {
		struct area *a = &f->a[i];

		if (!a->host)
			continue;
		if (all) {
			memset(a->host, 0, a->size);
		} else {
			for (p = 0; p < a->size / PG; p++)
				if (a->dirty[p])
					memset(a->host + p * PG, 0, PG);
		}
		memset(a->dirty, 0, sizeof(a->dirty));
	}
}

/*
 * vfio_dma_rw() as the translator sees it: -EINVAL where nothing is
 * mapped, -EFAULT where the host memory cannot be read.
 */
static int mread(struct fz *f, uint64_t iova, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		struct area *a = area_of(f, iova);
		size_t n;

		if (!a)
			return -EINVAL;
		if (a->na)
			return -EFAULT;
		n = a->iova + a->size - iova;
		if (n > len)
			n = len;
		memcpy(out, a->host + (iova - a->iova), n);
		out += n;
		iova += n;
		len -= n;
	}
	return 0;
}

/* vfio_pin_pages() of one page for read and write. */
static int pin_err(struct fz *f, uint64_t iova)
{
	struct area *a = area_of(f, iova);

	if (!a)
		return -EINVAL;
	if (a->ro)
		return -EPERM;
	if (a->na)
		return -EFAULT;
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Decode a CCW as the driver does (format 0 converted to format 1). */
static struct mccw decode(const uint8_t *p, bool fmt0)
{
	struct mccw c;

	if (!fmt0) {
		c.cmd = p[0];
		c.flags = p[1];
		c.count = p[2] << 8 | p[3];
		c.cda = be32(p + 4);
		return c;
	}
	c.cmd = p[0];
	c.cda = p[1] << 16 | p[2] << 8 | p[3];
	if ((c.cmd & 0x0f) == CCW_CMD_TIC) {
		c.cmd = CCW_CMD_TIC;
		c.flags = 0;
		c.count = 0;
	} else {
		c.flags = p[4];
		c.count = p[6] << 8 | p[7];
	}
	return c;
}

/* ------------------------------------------------------------- the model */

static int mfail(struct model *m, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int mfail(struct model *m, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
	return err;
}

static bool m_goes_on(const struct mccw *c, uint32_t head, unsigned int idx)
{
	if (c->cmd != CCW_CMD_TIC)
		return c->flags & (CCW_FLAG_CC | CCW_FLAG_CD);
	return c->cda >= head && c->cda - head <= idx * 8;
}

/* Does @c data-chain (to the next CCW, or to the target of a TIC there)? */
static bool m_data_chains(const struct mccw *c)
{
	return c->cmd != CCW_CMD_TIC && (c->flags & CCW_FLAG_CD);
}

/*
 * The chain at @head into the model; @dc_cmd is the command of the data
 * chain a TIC continues into @head, or -1: then @head begins a command.
 */
static int m_build(struct fz *f, struct gen *g, uint32_t head, int dc_cmd,
		   int *out)
{
	struct model *m = &f->m;
	struct mchain *c;
	unsigned int len = 0;
	bool more;

	if (m->nchains >= M_CHAINS)
		return mfail(m, -EINVAL, "chain %d at %#x: more than %d chains",
			     m->nchains, head, M_CHAINS);
	c = &m->ch[m->nchains];
	c->head = head;
	do {
		uint64_t at = (uint64_t)head + len * 8;
		uint8_t raw[8];
		int r;

		if (len == M_CHAIN_LEN)
			return mfail(m, -EINVAL,
				     "chain %d at %#x: longer than %d CCWs",
				     m->nchains, head, M_CHAIN_LEN);
		if (!len || !(at & (PG - 1))) {
			if (at >= TWO_G)
				return mfail(m, -EINVAL, "CCW fetch at %#" PRIx64
					     " >= 2G", at);
			r = mread(f, at, raw, 8);
			if (r)
				return mfail(m, r, "CCW fetch at %#" PRIx64
					     " (chain %d)", at, m->nchains);
		}
		mread(f, at, raw, 8);
		c->ccw[len] = decode(raw, g->fmt0);
		more = m_goes_on(&c->ccw[len], head, len);
		if (!len)
			c->cmd[0] = dc_cmd >= 0 ? dc_cmd : c->ccw[0].cmd;
		else if (m_data_chains(&c->ccw[len - 1]))
			c->cmd[len] = c->cmd[len - 1];
		else
			c->cmd[len] = c->ccw[len].cmd;
		len++;
	} while (more);
	c->len = len;
	*out = m->nchains++;
	return 0;
}

static bool m_moves_data(const struct mccw *c, uint8_t cmd)
{
	if (!c->count || cmd == CCW_CMD_NOOP)
		return false;
	if (!(cmd & 0x0f))
		return false;
	if (!(c->flags & CCW_FLAG_SKIP))
		return true;
	if ((cmd & 0x03) == 0x02 || (cmd & 0x0f) == 0x0c ||
	    (cmd & 0x0f) == CCW_CMD_SENSE)
		return false;
	return true;
}

static unsigned int nblocks(uint64_t addr, unsigned int count,
			    unsigned int bsize)
{
	return ((addr & (bsize - 1)) + count + bsize - 1) / bsize;
}

static int m_ccw(struct fz *f, struct gen *g, int ci, unsigned int i,
		 const struct mccw *c, uint8_t cmd)
{
	struct model *m = &f->m;
	uint64_t addr[40];
	unsigned int n, k;
	int r;

	if (c->flags & CCW_FLAG_MIDA)
		return mfail(m, -EINVAL, "chain %d ccw %u: MIDA flag", ci, i);
	if (!c->count)
		return 0;
	if (c->cda & 0x80000000U)
		return mfail(m, -EINVAL, "chain %d ccw %u: address %#x bit 0",
			     ci, i, c->cda);
	if (!(c->flags & CCW_FLAG_IDA)) {
		n = nblocks(c->cda, c->count, g->bsize);
		addr[0] = c->cda;
		for (k = 1; k < n; k++)
			addr[k] = ALIGN_DN(c->cda, g->bsize) + k * g->bsize;
	} else {
		uint8_t raw[40 * 8];

		if (c->cda & (g->isize - 1))
			return mfail(m, -EINVAL, "chain %d ccw %u: IDAL %#x not "
				     "aligned to %u", ci, i, c->cda, g->isize);
		r = mread(f, c->cda, raw, g->isize);
		if (r)
			return mfail(m, r, "chain %d ccw %u: IDAL read at %#x",
				     ci, i, c->cda);
		addr[0] = g->isize == 8 ? be64(raw) : be32(raw);
		n = nblocks(addr[0], c->count, g->bsize);
		if (n > 1) {
			r = mread(f, (uint64_t)c->cda + g->isize,
				  raw + g->isize, (n - 1) * g->isize);
			if (r)
				return mfail(m, r, "chain %d ccw %u: IDAL read "
					     "%#x+%u IDAWs", ci, i, c->cda, n);
		}
		for (k = 0; k < n; k++) {
			uint64_t a = g->isize == 8 ? be64(raw + 8 * k) :
						     be32(raw + 4 * k);

			if (g->isize == 4 && (a & 0x80000000U))
				return mfail(m, -EINVAL, "chain %d ccw %u: "
					     "format-1 IDAW %u bit 0", ci, i, k);
			if (k && (a & (g->bsize - 1)))
				return mfail(m, -EINVAL, "chain %d ccw %u: IDAW "
					     "%u %#" PRIx64 " not %u-aligned",
					     ci, i, k, a, g->bsize);
			addr[k] = a;
		}
	}
	if (!m_moves_data(c, cmd))
		return 0;
	for (k = 0; k < n; k++) {
		r = pin_err(f, ALIGN_DN(addr[k], PG));
		if (r)
			return mfail(m, r, "chain %d ccw %u: pin block %u at %#"
				     PRIx64, ci, i, k, addr[k]);
	}
	return 0;
}

static int m_tic(struct fz *f, struct gen *g, int ci, unsigned int i,
		 const struct mccw *t)
{
	struct model *m = &f->m;
	const struct mccw *dest = NULL;
	uint32_t target = t->cda;
	int j, nc, r, dc_cmd = -1;

	if (t->flags || t->count)
		return mfail(m, -EINVAL, "chain %d ccw %u: TIC with flags %#x "
			     "count %u", ci, i, t->flags, t->count);
	if (target & 7 || target & 0x80000000U)
		return mfail(m, -EINVAL, "chain %d ccw %u: TIC target %#x",
			     ci, i, target);
	/* behind a CD the target continues that data chain */
	if (i && m_data_chains(&m->ch[ci].ccw[i - 1]))
		dc_cmd = m->ch[ci].cmd[i - 1];
	/* a copy is reused only if it runs the target with that command */
	for (j = 0; j < m->nchains; j++) {
		struct mchain *c = &m->ch[j];
		unsigned int k = (target - c->head) / 8;

		if (target >= c->head && target - c->head < c->len * 8 &&
		    c->cmd[k] == (dc_cmd >= 0 ? dc_cmd : c->ccw[k].cmd)) {
			dest = &c->ccw[k];
			break;
		}
	}
	if (!dest) {
		r = m_build(f, g, target, dc_cmd, &nc);
		if (r)
			return r;
		dest = &m->ch[nc].ccw[0];
	}
	if (dest->cmd == CCW_CMD_TIC)
		return mfail(m, -EINVAL, "chain %d ccw %u: TIC to TIC at %#x",
			     ci, i, target);
	return 0;
}

/* ORB checks of vccw_cp_init(), in the order of the errno table. */
static int m_orb(struct model *m, const struct cmd_orb *o)
{
	if (o->res2 || o->orbx || (o->zero & 0x20))
		return mfail(m, -EOPNOTSUPP, "ORB: transport mode/orbx/MIDA");
	if (o->res1 || (o->zero & 0x1f))
		return mfail(m, -EINVAL, "ORB: reserved bits");
	if (o->key || o->spnd || o->ssic || o->mod || o->alcc)
		return mfail(m, -EOPNOTSUPP, "ORB: key/spnd/ssic/mod/alcc");
	if (o->cpa & 0x80000007U)
		return mfail(m, -EINVAL, "ORB: cpa %#x", o->cpa);
	return 0;
}

/* The result the driver must give for the program in memory now. */
static int model_run(struct fz *f, struct gen *g)
{
	struct model *m = &f->m;
	int r, ci, nc;

	m->nchains = 0;
	m->why[0] = 0;
	r = m_orb(m, &g->orb);
	if (r)
		return r;
	r = m_build(f, g, g->orb.cpa, -1, &nc);
	if (r)
		return r;
	for (ci = 0; ci < m->nchains; ci++) {
		struct mchain *c = &m->ch[ci];
		unsigned int i;

		for (i = 0; i < c->len; i++) {
			const struct mccw *x = &c->ccw[i];

			if ((x->cmd & 0x0f) == CCW_CMD_TIC) {
				if (x->cmd != CCW_CMD_TIC)
					return mfail(m, -EINVAL, "chain %d ccw "
						     "%u: command %#x", ci, i,
						     x->cmd);
				r = m_tic(f, g, ci, i, x);
			} else {
				r = m_ccw(f, g, ci, i, x, c->cmd[i]);
			}
			if (r)
				return r;
		}
	}
	return 0;
}

/* Does the final cpa lie in, or right behind, a chain of the program? */
static bool cpa_in_program(struct fz *f, uint32_t cpa)
{
	int i;

	for (i = 0; i < f->m.nchains; i++) {
		struct mchain *c = &f->m.ch[i];

		if (cpa >= c->head && cpa - c->head <= (c->len + 1) * 8)
			return true;
	}
	return false;
}

/* ------------------------------------------------ execution safety check */

/* virtio-ccw commands that take guest addresses or change device state */
static bool dangerous(uint8_t cmd)
{
	switch (cmd) {
	case 0x11:	/* WRITE_FEAT */
	case 0x13:	/* SET_VQ */
	case 0x21:	/* WRITE_CONF */
	case 0x31:	/* WRITE_STATUS */
	case 0x43:	/* SET_IND */
	case 0x53:	/* SET_CONF_IND */
	case 0x73:	/* SET_IND_ADAPTER */
		return true;
	}
	return false;
}

static long slot_of(struct fz *f, uint64_t iova)
{
	struct area *a = area_of(f, iova);
	long base = 0;
	int i;

	if (!a || !a->host)
		return -1;
	for (i = 0; i < A_NR && &f->a[i] != a; i++)
		if (f->a[i].host)
			base += f->a[i].size / 8;
	return base + (iova - a->iova) / 8;
}

/*
 * Walk the program the way a channel could: CC or CD goes on to the next
 * CCW, a TIC jumps. Returns NULL when every path ends, else why not.
 */
static const char *unsafe(struct fz *f, struct gen *g)
{
	uint64_t at = g->orb.cpa;
	bool prev_tic = false;
	int steps = 0;

	if (!++f->stamp) {
		long n = (VCCW_DMA_SIZE + 2 * XTRA_SIZE) / 8;

		memset(f->visit, 0, n * sizeof(*f->visit));
		f->stamp = 1;
	}
	for (;;) {
		struct mccw c;
		uint8_t *p;
		long s;

		if ((at & 7) || at >= TWO_G)
			return NULL;
		p = hptr(f, at, 8);
		if (!p)
			return NULL;
		s = slot_of(f, at);
		if (f->visit[s] == f->stamp)
			return "loop";
		f->visit[s] = f->stamp;
		if (++steps > 5000)
			return "too long";
		c = decode(p, g->fmt0);
		if (!(c.cmd & 0x0f))
			return NULL;			/* program check */
		if ((c.cmd & 0x0f) == CCW_CMD_TIC) {
			if (c.cmd != CCW_CMD_TIC || prev_tic ||
			    c.flags || c.count)
				return NULL;		/* program check */
			at = c.cda;
			prev_tic = true;
			continue;
		}
		prev_tic = false;
		if (dangerous(c.cmd))
			return "virtio command with guest addresses";
		if (c.flags & (CCW_FLAG_SUSPEND | CCW_FLAG_MIDA))
			return NULL;			/* program check */
		if (!(c.flags & (CCW_FLAG_CC | CCW_FLAG_CD)))
			return NULL;
		at += 8;
	}
}

/* ------------------------------------------------------------ generator */

static void orb_derive(struct gen *g)
{
	g->fmt0 = !g->orb.fmt;
	g->bsize = (!g->orb.c64 || g->orb.i2k) ? 2048 : 4096;
	g->isize = g->orb.c64 ? 8 : 4;
}

/* A valid ORB; lpm always reaches the device's path (0x80). */
static void orb_init(struct gen *g, bool fmt0)
{
	struct cmd_orb *o = &g->orb;
	static const uint8_t lpms[] = { 0xff, 0xff, 0xff, 0x80, 0x00, 0xc0 };

	memset(o, 0, sizeof(*o));
	o->intparm = (uint32_t)rnd64(g);
	o->fmt = !fmt0;
	o->pfch = !chance(g, 1, 16);
	o->c64 = !chance(g, 1, 4);
	o->i2k = chance(g, 1, 4);
	o->lpm = lpms[rnd(g, sizeof(lpms))];
	o->sync = chance(g, 1, 16);
	o->isic = chance(g, 1, 16);
	o->ils = chance(g, 1, 16);
	orb_derive(g);
	if (fmt0)
		g->sp = Z_LOW_CCW;
	else
		g->sp = chance(g, 1, 8) ? Z_LOW_CCW : Z_WIN_CCW;
}

static int zone_data(struct gen *g)
{
	return (g->fmt0 || chance(g, 1, 8)) ? Z_LOW_DATA : Z_WIN_DATA;
}

static int zone_idal(struct gen *g)
{
	if (g->fmt0)
		return Z_LOW_IDAL;
	return chance(g, 1, 8) ? (chance(g, 1, 2) ? Z_LOW_IDAL : Z_RO_IDAL) :
				 Z_WIN_IDAL;
}

static uint64_t ziova(int z, uint32_t off)
{
	static const uint64_t base[A_NR] = {
		[A_WIN] = WIN_IOVA, [A_LOW] = LOW_IOVA,
		[A_RO] = RO_IOVA, [A_NA] = NA_IOVA,
	};

	return base[zones[z].area] + off;
}

/* Bump allocation in a zone, from a random start, with random gaps. */
static uint32_t zalloc(struct gen *g, int z, uint32_t len, uint32_t align)
{
	uint32_t lo = zones[z].lo, hi = zones[z].hi, a;

	if (!g->cur[z])
		g->cur[z] = lo + (rnd(g, (hi - lo) / 4) & ~7U) + 8;
	a = (g->cur[z] + align - 1) & ~(align - 1);
	if (a + len > hi)
		a = lo;
	g->cur[z] = a + len + 8 * rnd(g, 8);
	return (uint32_t)ziova(z, a);
}

static uint32_t alloc_chain(struct gen *g, int n)
{
	/* one zero CCW behind the chain, and a gap */
	return zalloc(g, g->sp, 8 * n + 8, 8);
}

static void put_ccw(struct gen *g, uint64_t at, struct mccw c)
{
	uint8_t *p = hptr(g->f, at, 8);

	if (!p)
		return;
	if (g->fmt0) {
		p[0] = c.cmd;
		p[1] = c.cda >> 16;
		p[2] = c.cda >> 8;
		p[3] = c.cda;
		p[4] = c.flags;
		p[5] = chance(g, 1, 8) ? rnd(g, 256) : 0;	/* reserved */
		p[6] = c.count >> 8;
		p[7] = c.count;
	} else {
		p[0] = c.cmd;
		p[1] = c.flags;
		p[2] = c.count >> 8;
		p[3] = c.count;
		put_be32(p + 4, c.cda);
	}
	mark(g->f, at, 8);
}

static struct mccw get_ccw(struct gen *g, uint64_t at)
{
	struct mccw c = { 0 };
	uint8_t *p = hptr(g->f, at, 8);

	return p ? decode(p, g->fmt0) : c;
}

static struct mccw ccw_of(uint8_t cmd, uint8_t flags, uint16_t count,
			  uint32_t cda)
{
	struct mccw c = { .cmd = cmd, .flags = flags, .count = count,
			  .cda = cda };

	return c;
}

static struct mccw tic_to(uint32_t target)
{
	return ccw_of(CCW_CMD_TIC, 0, 0, target);
}

static void put_idaw(struct gen *g, uint64_t idal, unsigned int k,
		     uint64_t v)
{
	uint64_t at = idal + (uint64_t)k * g->isize;
	uint8_t *p = hptr(g->f, at, g->isize);

	if (!p)
		return;
	if (g->isize == 8) {
		put_be32(p, v >> 32);
		put_be32(p + 4, (uint32_t)v);
	} else {
		put_be32(p, (uint32_t)v);
	}
	mark(g->f, at, g->isize);
}

static uint64_t get_idaw(struct gen *g, uint64_t idal, unsigned int k)
{
	uint8_t *p = hptr(g->f, idal + (uint64_t)k * g->isize, g->isize);

	if (!p)
		return 0;
	return g->isize == 8 ? be64(p) : be32(p);
}

static uint16_t pick_count(struct gen *g, uint32_t max)
{
	uint32_t c;

	switch (rnd(g, 10)) {
	case 0: case 1:
		c = rnd_range(g, 1, 16);
		break;
	case 2:
		c = chance(g, 1, 2) ? 256 : 255 + rnd(g, 3);
		break;
	case 3: case 4:
		c = rnd_range(g, 17, 512);
		break;
	case 5: case 6:
		c = rnd_range(g, 513, 8192);
		break;
	case 7:
		c = chance(g, 1, 2) ? 4096 + rnd(g, 2) : 2048 + rnd(g, 2);
		break;
	case 8:
		c = rnd_range(g, 8193, 65535);
		break;
	default:
		c = rnd_range(g, 1, 64);
		break;
	}
	if (c > max)
		c = 1 + rnd(g, max);
	return c;
}

/* Random address in [lo, hi - len] of a zone; sometimes just before a page end. */
static uint64_t pick_in_zone(struct gen *g, int z, uint32_t len)
{
	uint32_t lo = zones[z].lo, hi = zones[z].hi, off;

	if (len > hi - lo)
		len = hi - lo;
	off = lo + rnd(g, hi - lo - len + 1);
	if (chance(g, 1, 4)) {
		uint32_t e = (off & ~(PG - 1)) + PG;
		uint32_t back = 1 + rnd(g, 32);

		if (e - back >= lo && e - back + len <= hi)
			off = e - back;
	}
	return ziova(z, off);
}

/*
 * Blocks of count bytes from first on, for an IDAL: each next block is the
 * following one or a random block of the zone.
 */
static unsigned int make_blocks(struct gen *g, int z, uint64_t first,
				uint16_t count, uint64_t *b)
{
	unsigned int n = nblocks(first, count, g->bsize), k;
	uint32_t lo = zones[z].lo, hi = zones[z].hi;

	b[0] = first;
	for (k = 1; k < n; k++) {
		uint64_t next = ALIGN_DN(b[k - 1], g->bsize) + g->bsize;

		if (chance(g, 1, 2) && next + g->bsize <= ziova(z, hi))
			b[k] = next;
		else
			b[k] = ziova(z, lo + ALIGN_DN(rnd(g, hi - lo - g->bsize),
						     g->bsize));
	}
	return n;
}

static uint64_t write_idal(struct gen *g, const uint64_t *b, unsigned int n)
{
	int z = zone_idal(g);
	uint32_t align = g->isize;
	uint64_t idal;
	unsigned int k;

	if (g->isize == 4 && chance(g, 1, 2))
		align = 8;
	/* format-1 IDALs: also on an odd word */
	idal = zalloc(g, z, n * g->isize + 4, align);
	if (g->isize == 4 && chance(g, 1, 3))
		idal += 4;
	for (k = 0; k < n; k++)
		put_idaw(g, idal, k, b[k]);
	return idal;
}

/* A valid place for count bytes: a data address, or an IDAL (*ida). */
static uint32_t valid_data(struct gen *g, uint16_t count, bool *ida,
			   bool force_ida)
{
	int z = zone_data(g);
	uint64_t first, b[40];
	unsigned int n;

	if (z == Z_LOW_DATA && count > (zones[z].hi - zones[z].lo) / 2 &&
	    !g->fmt0)
		z = Z_WIN_DATA;
	*ida = force_ida || chance(g, 1, 3);
	first = pick_in_zone(g, z, count);
	if (!*ida)
		return (uint32_t)first;
	n = make_blocks(g, z, first, count, b);
	return (uint32_t)write_idal(g, b, n);
}

static uint8_t pick_valid_cmd(struct gen *g)
{
	static const uint8_t cmds[] = {
		CCW_CMD_NOOP, CCW_CMD_NOOP, CCW_CMD_SENSE_ID, CCW_CMD_SENSE_ID,
		CCW_CMD_SENSE, 0x12, 0x22, 0x32, 0x72, 0x33, 0x83,
		CCW_CMD_WRITE, CCW_CMD_READ, 0x0c, 0x14, 0x24, 0xe4, 0x06,
		0x10, 0x00, 0x80, 0xf0,
	};
	uint8_t c;

	if (chance(g, 3, 4))
		return cmds[rnd(g, sizeof(cmds))];
	do {
		c = rnd(g, 256);
	} while (dangerous(c) || (c & 0x0f) == CCW_CMD_TIC);
	return c;
}

static uint8_t chain_flag(struct gen *g)
{
	switch (rnd(g, 8)) {
	case 0:
		return CCW_FLAG_CD;
	case 1:
		return CCW_FLAG_CC | CCW_FLAG_CD;
	default:
		return CCW_FLAG_CC;
	}
}

static uint8_t extra_flags(struct gen *g)
{
	uint8_t f = 0;

	if (chance(g, 1, 2))
		f |= CCW_FLAG_SLI;
	if (chance(g, 1, 8))
		f |= CCW_FLAG_SKIP;
	if (chance(g, 1, 8))
		f |= CCW_FLAG_PCI;
	if (chance(g, 1, 40))
		f |= CCW_FLAG_SUSPEND;
	return f;
}

static uint32_t max_count(struct gen *g)
{
	return g->fmt0 ? 0x4000 : 65535;
}

/* A CCW the translator accepts (no TIC, no MIDA, data valid). */
static struct mccw valid_ccw(struct gen *g, uint8_t chainf)
{
	struct mccw c;
	bool ida = false;

	c.cmd = pick_valid_cmd(g);
	c.flags = chainf | extra_flags(g);
	c.count = chance(g, 1, 4) ? 0 : pick_count(g, max_count(g));
	if (c.count) {
		c.cda = valid_data(g, c.count, &ida, false);
	} else {
		c.cda = chance(g, 1, 2) ? 0 : (uint32_t)rnd64(g) &
			(g->fmt0 ? 0xffffff : 0x7fffffff);
		ida = chance(g, 1, 8);
	}
	if (ida)
		c.flags |= CCW_FLAG_IDA;
	return c;
}

/* n valid CCWs from at on, chained; the last one chains with last. */
static void put_valid_run(struct gen *g, uint64_t at, int n, uint8_t last)
{
	int i;

	for (i = 0; i < n; i++)
		put_ccw(g, at + 8 * i, valid_ccw(g, i < n - 1 ?
						 chain_flag(g) : last));
}

/* A CCW that stops a channel: an invalid command code (program check). */
static struct mccw terminator(struct gen *g, uint8_t chainf)
{
	/* valid data: behind a CD it is data-chained and may move data */
	return ccw_of((rnd(g, 16) << 4), chainf | extra_flags(g),
		      rnd(g, 64), (uint32_t)pick_in_zone(g, zone_data(g), 64));
}

/* Unmapped, read-only or inaccessible places: errno on pin. */
static uint64_t bad_place(struct gen *g, uint32_t len, int *err, bool fmt1idaw)
{
	uint32_t back;

	switch (rnd(g, fmt1idaw ? 8 : 10)) {
	case 0:
		*err = -EINVAL;
		return chance(g, 1, 2) ? 0x1000 + rnd(g, 0x1000) : rnd(g, 64);
	case 1:		/* straddles the end of the window */
		*err = len > 1 ? -EINVAL : 0;
		back = len > 1 ? 1 + rnd(g, len - 1) : 0;
		if (back > 4000)
			back = 1 + rnd(g, 4000);
		return WIN_IOVA + VCCW_DMA_SIZE - back;
	case 2:		/* the hole after the window */
		*err = -EINVAL;
		return HOLE_IOVA + rnd(g, 0x10000);
	case 3:		/* read-only mapping */
		*err = -EPERM;
		return RO_IOVA + rnd(g, XTRA_SIZE - (len < PG ? len : PG));
	case 4:		/* host memory PROT_NONE */
		*err = -EFAULT;
		return NA_IOVA + rnd(g, XTRA_SIZE - (len < PG ? len : PG));
	case 5:		/* straddles the start of the window */
		back = 1 + rnd(g, 64);
		*err = -EINVAL;
		return WIN_IOVA - back;
	case 6:
		*err = -EINVAL;
		return 0x7ffff000 + rnd(g, 0xff8);
	case 7:		/* just past 16M */
		*err = -EINVAL;
		return 0x01000000 + rnd(g, 0x1000);
	case 8:		/* above 2G: 64-bit IDAWs only */
		*err = -EINVAL;
		return TWO_G + rnd(g, 0x100000);
	default:
		*err = -EINVAL;
		return 0x100000000ULL + rnd64(g) % 0x100000000ULL;
	}
}

/* ------------------------------------------------------ the classes */

static void gen_senseid(struct gen *g)
{
	bool fmt0 = chance(g, 1, 5);
	uint64_t at, x;
	struct mccw c;
	bool ida;
	uint8_t *p;
	int v = rnd(g, 4);

	orb_init(g, fmt0);
	if (!g->orb.lpm)
		g->orb.lpm = 0x80;
	g->want = 0;
	g->verify = true;
	g->variant = (const char *[]){ "single", "noop_first", "tic", "noop_tic" }[v];
	c.cmd = CCW_CMD_SENSE_ID;
	if (chance(g, 1, 3)) {
		c.count = 256;
		c.flags = chance(g, 1, 2) ? CCW_FLAG_SLI : 0;
	} else {
		c.count = rnd_range(g, 4, 256);
		c.flags = CCW_FLAG_SLI;
	}
	if (chance(g, 1, 8))
		c.flags |= CCW_FLAG_PCI;
	c.cda = valid_data(g, c.count, &ida, chance(g, 1, 3));
	if (ida)
		c.flags |= CCW_FLAG_IDA;
	g->v_cda = c.cda;
	g->ida_v = ida;
	g->v_count = c.count;

	at = alloc_chain(g, 2);
	g->orb.cpa = (uint32_t)at;
	switch (v) {
	case 0:
		x = at;
		break;
	case 1:
		put_ccw(g, at, ccw_of(CCW_CMD_NOOP, CCW_FLAG_CC |
				      (chance(g, 1, 2) ? CCW_FLAG_SLI : 0),
				      0, 0));
		x = at + 8;
		break;
	case 2:
		x = alloc_chain(g, 1);
		put_ccw(g, at, tic_to(x));
		break;
	default:
		put_ccw(g, at, ccw_of(CCW_CMD_NOOP, CCW_FLAG_CC, 0, 0));
		x = alloc_chain(g, 1);
		put_ccw(g, at + 8, tic_to(x));
		break;
	}
	put_ccw(g, x, c);
	g->v_last = (uint32_t)x;
	/* Pre-fill the first bytes so that the device must have written them. */
	if (!ida) {
		p = hptr(g->f, c.cda, 4);
		if (p) {
			memset(p, 0xaa, 4);
			mark(g->f, c.cda, 4);
		}
	}
	g->b2b = chance(g, 1, 16);
}

/*
 * @nch runs of valid CCWs, each in a fresh place, the ORB's cpa at the
 * first (@n CCWs), each but the last ending in a TIC to the next (1 to
 * @maxn CCWs).
 */
static void put_tic_linked_runs(struct gen *g, int nch, int n, int maxn)
{
	uint64_t at = alloc_chain(g, n + 1), next;
	int i, nn;

	g->orb.cpa = (uint32_t)at;
	for (i = 0; i < nch - 1; i++) {
		put_valid_run(g, at, n, CCW_FLAG_CC);
		nn = 1 + rnd(g, maxn);
		next = alloc_chain(g, nn + 1);
		put_ccw(g, at + 8 * n, tic_to(next));
		at = next;
		n = nn;
	}
	put_valid_run(g, at, n, 0);
}

/* Valid chains, linked by TICs to fresh places. */
static void gen_mix(struct gen *g)
{
	int nchains = 1 + rnd(g, 4), n = 1 + rnd(g, 6);

	orb_init(g, chance(g, 1, 6));
	g->want = 0;
	g->variant = "";
	put_tic_linked_runs(g, nchains, n, 6);
	g->b2b = chance(g, 1, 24);
}

/* Loops the translator must copy, with a terminator on the way in. */
static void gen_loop(struct gen *g)
{
	int n = 2 + rnd(g, 5), t = rnd(g, n - 1), k;
	uint64_t at, c1;

	orb_init(g, chance(g, 1, 6));
	g->want = 0;
	at = alloc_chain(g, n + 6);
	g->orb.cpa = (uint32_t)at;
	if (chance(g, 1, 2)) {
		/* [valid.. TERM .. valid, TIC back to <= TERM, valid.. last] */
		g->variant = "tic_back";
		put_valid_run(g, at, n, CCW_FLAG_CC);
		put_ccw(g, at + 8 * t, terminator(g, CCW_FLAG_CC));
		put_ccw(g, at + 8 * n, tic_to(at + 8 * rnd(g, t + 1)));
		k = rnd(g, 3);
		put_valid_run(g, at + 8 * (n + 1), k + 1, 0);
	} else {
		/* chain 0 -> chain 1 (TERM ..) -> TIC back into chain 0 */
		g->variant = "across_chains";
		put_valid_run(g, at, n, CCW_FLAG_CC);
		c1 = alloc_chain(g, 4);
		put_ccw(g, at + 8 * n, tic_to(c1));
		k = rnd(g, 2);
		if (k)
			put_ccw(g, c1, valid_ccw(g, CCW_FLAG_CC));
		put_ccw(g, c1 + 8 * k, terminator(g, CCW_FLAG_CC));
		put_ccw(g, c1 + 8 * (k + 1), tic_to(at + 8 * rnd(g, n)));
	}
}

/* One valid chain at a fresh place: cpa, n CCWs, the last one ends. */
static uint64_t base_chain(struct gen *g, int n)
{
	uint64_t at = alloc_chain(g, n);

	g->orb.cpa = (uint32_t)at;
	put_valid_run(g, at, n, 0);
	return at;
}

static void gen_orb_bits(struct gen *g)
{
	struct cmd_orb *o = &g->orb;
	int groups = 0, pick;

	orb_init(g, chance(g, 1, 6));
	base_chain(g, 1 + rnd(g, 3));
	g->variant = "";
	while (!groups) {
		if (chance(g, 1, 3)) {
			pick = rnd(g, 3);
			if (pick == 0)
				o->res2 = 1;	/* transport mode */
			else if (pick == 1)
				o->orbx = 1;
			else
				o->zero |= 0x20;	/* MIDA */
			groups |= 1;
		}
		if (chance(g, 1, 3)) {
			if (chance(g, 1, 2))
				o->res1 = 1;
			else
				o->zero |= 1 + rnd(g, 0x1f);
			groups |= 2;
		}
		if (chance(g, 1, 3)) {
			pick = rnd(g, 5);
			if (pick == 0)
				o->key = 1 + rnd(g, 15);
			else if (pick == 1)
				o->spnd = 1;
			else if (pick == 2)
				o->ssic = 1;
			else if (pick == 3)
				o->mod = 1;
			else
				o->alcc = 1;
			groups |= 4;
		}
		if (chance(g, 1, 4)) {
			o->cpa |= chance(g, 1, 2) ? 1 + rnd(g, 7) : 0x80000000U;
			groups |= 8;
		}
	}
	if (groups & 1) {
		g->want = -EOPNOTSUPP;
		g->variant = o->res2 ? "transport_mode" : o->orbx ? "orbx" :
			     "orb_mida";
		if (o->res2 && chance(g, 1, 2)) {
			/* the rest of a transport-mode ORB: tcw address etc */
			o->key = rnd(g, 16);
			o->lpm = rnd(g, 256);
		}
	} else if (groups & 2) {
		g->want = -EINVAL;
		g->variant = "reserved_bits";
	} else if (groups & 4) {
		g->want = -EOPNOTSUPP;
		g->variant = o->key ? "key" : o->spnd ? "spnd" : o->ssic ?
			     "ssic" : o->mod ? "mod" : "alcc";
	} else {
		g->want = -EINVAL;
		g->variant = "cpa";
	}
}

static void gen_orb_ok(struct gen *g)
{
	struct cmd_orb *o = &g->orb;

	orb_init(g, chance(g, 1, 6));
	base_chain(g, 1 + rnd(g, 4));
	g->want = 0;
	switch (rnd(g, 5)) {
	case 0:
		o->pfch = 0;
		g->variant = "pfch0";
		break;
	case 1:
		o->lpm = 0;
		g->variant = "lpm0";
		break;
	case 2:
		/*
		 * Always with the device's path (0x80): QEMU 7.2 answers a
		 * path-less lpm with deferred cc 3 and then keeps that cc in
		 * every later SCSW of the subchannel.
		 */
		o->lpm = rnd(g, 256) | 0x80;
		g->variant = "lpm_random";
		break;
	case 3:
		o->sync = o->isic = o->ils = 1;
		g->variant = "sync_isic_ils";
		break;
	default:
		o->intparm = 0;
		g->variant = "intparm0";
		break;
	}
}

static void gen_cpa(struct gen *g)
{
	int v = rnd(g, 7);

	orb_init(g, false);
	base_chain(g, 1 + rnd(g, 3));
	g->want = -EINVAL;
	switch (v) {
	case 0:
		g->orb.cpa += 1 + rnd(g, 7);
		g->variant = "misaligned";
		break;
	case 1:
		g->orb.cpa |= 0x80000000U;
		g->variant = "bit0";
		break;
	case 2:
		g->orb.cpa = chance(g, 1, 2) ? 0 : HOLE_IOVA + 8 * rnd(g, 64);
		g->variant = "unmapped";
		break;
	case 3:
		g->orb.cpa = 0x7ffffff8;
		g->variant = "below_2g";
		break;
	case 4:
		g->orb.cpa = NA_IOVA + 8 * rnd(g, XTRA_SIZE / 8);
		g->want = -EFAULT;
		g->variant = "prot_none";
		break;
	case 5:
		g->sp = Z_RO_CCW;
		base_chain(g, 1 + rnd(g, 3));
		g->want = 0;
		g->variant = "read_only";
		break;
	default:
		g->sp = Z_LOW_CCW;
		base_chain(g, 1 + rnd(g, 3));
		g->want = 0;
		g->variant = "low";
		break;
	}
}

static void gen_tic_tic(struct gen *g)
{
	int n = 1 + rnd(g, 3), v = rnd(g, 3);
	uint64_t at, x, y;

	orb_init(g, chance(g, 1, 6));
	g->want = -EINVAL;
	at = alloc_chain(g, n + 1);
	g->orb.cpa = (uint32_t)at;
	put_valid_run(g, at, n, CCW_FLAG_CC);
	if (v == 0) {
		g->variant = "tic_tic";
		x = alloc_chain(g, 1);
		y = alloc_chain(g, 2);
		put_ccw(g, at + 8 * n, tic_to(x));
		put_ccw(g, x, tic_to(y));
		put_valid_run(g, y, 1 + rnd(g, 2), 0);
	} else if (v == 1) {
		g->variant = "tic_self";
		put_ccw(g, at + 8 * n, tic_to(at + 8 * n));
	} else {
		g->variant = "tic_back_to_tic";
		x = alloc_chain(g, 3);
		put_ccw(g, at + 8 * n, tic_to(x));
		put_ccw(g, x, valid_ccw(g, CCW_FLAG_CC));
		put_ccw(g, x + 8, tic_to(at + 8 * n));
	}
}

static void gen_tic_bad(struct gen *g)
{
	bool fmt0 = chance(g, 1, 5);
	int n = 1 + rnd(g, 3), v = rnd(g, fmt0 ? 3 : 6);
	uint64_t at, x;
	struct mccw t;

	orb_init(g, fmt0);
	at = alloc_chain(g, n + 1);
	g->orb.cpa = (uint32_t)at;
	put_valid_run(g, at, n, CCW_FLAG_CC);
	x = alloc_chain(g, 2);
	put_valid_run(g, x, 1 + rnd(g, 2), 0);
	t = tic_to(x);
	g->want = -EINVAL;
	switch (v) {
	case 0:
		t.cda += 1 + rnd(g, 7);
		g->variant = "misaligned";
		break;
	case 1:
		t.cda = chance(g, 1, 2) ? 0x1000 + 8 * rnd(g, 64) : 0;
		g->variant = "unmapped";
		break;
	case 2:
		/* to a chain that runs off the end of the mapped range */
		if (fmt0) {
			t.cda = LOW_IOVA + XTRA_SIZE - 8;
			put_ccw(g, t.cda, valid_ccw(g, CCW_FLAG_CC));
		} else {
			t.cda = HOLE_IOVA + 8 * rnd(g, 64);
		}
		g->variant = "past_end";
		break;
	case 3:
		t.cda |= 0x80000000U;
		g->variant = "bit0";
		break;
	case 4:
		t.cda = NA_IOVA + 8 * rnd(g, 256);
		g->want = -EFAULT;
		g->variant = "prot_none";
		break;
	default:
		if (chance(g, 1, 2))
			t.flags = 1 << rnd(g, 8);
		else
			t.count = 1 + rnd(g, 0xffff);
		g->variant = "flags_count";
		break;
	}
	put_ccw(g, at + 8 * n, t);
}

/* chain of n valid CCWs; returns address of the k-th, to be replaced */
static uint64_t chain_with_slot(struct gen *g, int *np, int *kp)
{
	int n = 1 + rnd(g, 4), k = rnd(g, n);
	uint64_t at = alloc_chain(g, n);

	g->orb.cpa = (uint32_t)at;
	put_valid_run(g, at, n, 0);
	if (k) {
		/* command-chained to it: the slot's own command code counts */
		struct mccw p = get_ccw(g, at + 8 * (k - 1));

		p.flags = (p.flags & ~CCW_FLAG_CD) | CCW_FLAG_CC;
		put_ccw(g, at + 8 * (k - 1), p);
	}
	*np = n;
	*kp = k;
	return at + 8 * k;
}

static uint8_t chain_of(struct gen *g, int n, int k)
{
	return k < n - 1 ? chain_flag(g) : 0;
}

static void gen_cmd_x8(struct gen *g)
{
	int n, k;
	uint64_t x;
	struct mccw c;

	orb_init(g, false);
	x = chain_with_slot(g, &n, &k);
	c = valid_ccw(g, chain_of(g, n, k));
	c.cmd = (1 + rnd(g, 15)) << 4 | CCW_CMD_TIC;
	put_ccw(g, x, c);
	g->want = -EINVAL;
	g->variant = "";
}

static void gen_mida(struct gen *g)
{
	int n, k;
	uint64_t x;
	struct mccw c;

	orb_init(g, chance(g, 1, 6));
	x = chain_with_slot(g, &n, &k);
	c = valid_ccw(g, chain_of(g, n, k));
	c.flags |= CCW_FLAG_MIDA;
	put_ccw(g, x, c);
	g->want = -EINVAL;
	g->variant = c.count ? "" : "count0";
}

static void gen_cda_bit0(struct gen *g)
{
	int n, k;
	uint64_t x;
	struct mccw c;

	orb_init(g, false);
	x = chain_with_slot(g, &n, &k);
	c = valid_ccw(g, chain_of(g, n, k));
	if (!c.count) {
		c.count = pick_count(g, 65535);
		c.cda = valid_data(g, c.count, &(bool){ false }, false);
		c.flags &= ~CCW_FLAG_IDA;
	}
	c.cda |= 0x80000000U;
	put_ccw(g, x, c);
	g->want = -EINVAL;
	g->variant = c.flags & CCW_FLAG_IDA ? "idal" : "data";
}

/* A data-moving command, and a count > 0. */
static void moving(struct gen *g, struct mccw *c)
{
	static const uint8_t cmds[] = {
		CCW_CMD_SENSE_ID, CCW_CMD_SENSE, 0x12, 0x22, CCW_CMD_WRITE,
		CCW_CMD_READ, 0x05, 0x0d, 0x41,
	};

	c->cmd = cmds[rnd(g, sizeof(cmds))];
	c->flags &= ~CCW_FLAG_SKIP;
	if (c->cmd == CCW_CMD_WRITE && chance(g, 1, 2))
		c->flags |= CCW_FLAG_SKIP;	/* skip does not stop a write */
	if (!c->count)
		c->count = pick_count(g, max_count(g));
}

static void gen_idal_bad(struct gen *g)
{
	bool fmt0 = chance(g, 1, 6);
	int n, k, v = rnd(g, fmt0 ? 3 : 5);
	uint64_t x, b[40], idal;
	unsigned int nb, j;
	struct mccw c;
	bool ida;

	orb_init(g, fmt0);
	x = chain_with_slot(g, &n, &k);
	c = valid_ccw(g, chain_of(g, n, k));
	if (chance(g, 1, 2))
		moving(g, &c);
	else if (!c.count)
		c.count = pick_count(g, max_count(g));
	c.flags |= CCW_FLAG_IDA;
	c.cda = valid_data(g, c.count, &ida, true);
	g->want = -EINVAL;
	switch (v) {
	case 0:
		c.cda += 1 + rnd(g, g->isize - 1);
		g->variant = "misaligned";
		break;
	case 1:
		c.cda = fmt0 ? 0x1000 + 8 * rnd(g, 256) :
			       HOLE_IOVA + 8 * rnd(g, 256);
		g->variant = "unmapped";
		break;
	case 2:
		/* the IDAL runs off the end of its mapping */
		nb = nblocks(get_idaw(g, c.cda, 0), c.count, g->bsize);
		if (nb < 2) {
			c.count = g->bsize + 1 + rnd(g, 4 * g->bsize);
			c.cda = valid_data(g, c.count, &ida, true);
			nb = nblocks(get_idaw(g, c.cda, 0), c.count, g->bsize);
		}
		for (j = 0; j < nb; j++)
			b[j] = get_idaw(g, c.cda, j);
		j = 1 + rnd(g, nb - 1);		/* IDAWs that fit */
		idal = (fmt0 ? LOW_IOVA + XTRA_SIZE :
			       WIN_IOVA + VCCW_DMA_SIZE) - j * g->isize;
		for (nb = 0; nb < j; nb++)
			put_idaw(g, idal, nb, b[nb]);
		c.cda = idal;
		g->variant = "past_end";
		break;
	case 3:
		c.cda = NA_IOVA + 8 * rnd(g, 512);
		g->want = -EFAULT;
		g->variant = "prot_none";
		break;
	default:
		/* an IDAL in read-only memory is fine: it is only read */
		nb = nblocks(get_idaw(g, c.cda, 0), c.count, g->bsize);
		for (j = 0; j < nb; j++)
			b[j] = get_idaw(g, c.cda, j);
		idal = zalloc(g, Z_RO_IDAL, nb * 8, 8);
		for (j = 0; j < nb; j++)
			put_idaw(g, idal, j, b[j]);
		c.cda = idal;
		g->want = 0;
		g->variant = "read_only_idal";
		break;
	}
	put_ccw(g, x, c);
}

static void gen_idaw_bad(struct gen *g)
{
	int n, k;
	uint64_t x, w;
	unsigned int nb, j;
	struct mccw c;
	bool ida, fmt1idaw = chance(g, 1, 2);

	orb_init(g, false);
	if (fmt1idaw) {
		g->orb.c64 = 0;
		orb_derive(g);
	}
	x = chain_with_slot(g, &n, &k);
	c = valid_ccw(g, chain_of(g, n, k));
	if (chance(g, 1, 2))
		moving(g, &c);
	c.count = g->bsize + 1 + rnd(g, 8 * g->bsize);
	c.flags |= CCW_FLAG_IDA;
	c.cda = valid_data(g, c.count, &ida, true);
	nb = nblocks(get_idaw(g, c.cda, 0), c.count, g->bsize);
	g->want = -EINVAL;
	if (fmt1idaw && chance(g, 1, 2)) {
		j = rnd(g, nb);
		put_idaw(g, c.cda, j, get_idaw(g, c.cda, j) | 0x80000000U);
		g->variant = j ? "fmt1_bit0" : "fmt1_bit0_first";
	} else {
		j = 1 + rnd(g, nb - 1);
		w = get_idaw(g, c.cda, j) + 1 + rnd(g, g->bsize - 1);
		put_idaw(g, c.cda, j, w);
		g->variant = "unaligned";
	}
	put_ccw(g, x, c);
}

/* Second IDAW 2K- but not 4K-aligned: fine with 2K blocks only. */
static void gen_idaw_bsize(struct gen *g)
{
	int n, k;
	uint64_t x, page, idal, first;
	unsigned int nb2, j;
	struct mccw c;

	orb_init(g, false);
	x = chain_with_slot(g, &n, &k);
	c = valid_ccw(g, chain_of(g, n, k));
	moving(g, &c);
	c.count = 4097 + rnd(g, 3 * 4096);
	c.flags |= CCW_FLAG_IDA;
	page = ziova(Z_WIN_DATA, zones[Z_WIN_DATA].lo +
		     ALIGN_DN(rnd(g, 0x80000), PG));
	/* blocks of 2K, the first one starting in the low half of a page */
	first = page + rnd(g, 2048);
	nb2 = nblocks(first, c.count, 2048);
	idal = zalloc(g, Z_WIN_IDAL, 8 * (nb2 + 1), 8);
	for (j = 0; j < nb2; j++)
		put_idaw(g, idal, j, j ? page + 2048 * j : first);
	c.cda = (uint32_t)idal;
	put_ccw(g, x, c);
	g->want = g->bsize == 2048 ? 0 : -EINVAL;
	g->variant = g->bsize == 2048 ? (g->isize == 4 ? "fmt1_2k" : "i2k") :
		     "4k";
}

static void gen_data_bad(struct gen *g)
{
	bool fmt0 = chance(g, 1, 8);
	int n, k, err = -EINVAL;
	uint64_t x, bad;
	unsigned int nb, j;
	struct mccw c;
	bool ida;

	orb_init(g, fmt0);
	x = chain_with_slot(g, &n, &k);
	c = valid_ccw(g, chain_of(g, n, k));
	moving(g, &c);
	c.flags &= ~CCW_FLAG_IDA;
	if (fmt0) {
		/* format 0: straddling 16M from the low area */
		c.count = 2 + rnd(g, 0x3000);
		c.cda = LOW_IOVA + XTRA_SIZE - 1 - rnd(g, c.count - 1);
		g->variant = "fmt0_past_16m";
	} else if (k < n - 1 && chance(g, 1, 5)) {
		/*
		 * Data chaining: the next CCW, a NOOP with bad data, moves
		 * data for this CCW's command.
		 */
		struct mccw nx = get_ccw(g, x + 8);

		c.cda = valid_data(g, c.count, &ida, false);
		if (ida)
			c.flags |= CCW_FLAG_IDA;
		c.flags = (c.flags & ~CCW_FLAG_CC) | CCW_FLAG_CD;
		nx.cmd = CCW_CMD_NOOP;
		nx.flags &= ~(CCW_FLAG_SKIP | CCW_FLAG_IDA | CCW_FLAG_SUSPEND |
			      CCW_FLAG_MIDA);
		nx.count = 1 + rnd(g, 256);
		nx.cda = HOLE_IOVA + rnd(g, 0x1000);
		put_ccw(g, x + 8, nx);
		g->variant = "data_chained";
	} else if (chance(g, 1, 3)) {
		/* IDAW j points somewhere bad, the ones before are fine */
		c.count = 2 * g->bsize + rnd(g, 4 * g->bsize);
		c.flags |= CCW_FLAG_IDA;
		c.cda = valid_data(g, c.count, &ida, true);
		nb = nblocks(get_idaw(g, c.cda, 0), c.count, g->bsize);
		j = 1 + rnd(g, nb - 1);
		bad = bad_place(g, g->bsize, &err, g->isize == 4);
		bad = ALIGN_DN(bad, g->bsize);
		put_idaw(g, c.cda, j, bad);
		err = pin_err(g->f, ALIGN_DN(bad, PG));
		if (!err)
			err = WANT_MODEL;
		g->variant = "idaw";
	} else {
		bad = bad_place(g, c.count, &err, true);
		if (!err) {
			c.count = 2 + rnd(g, 4000);
			bad = bad_place(g, c.count, &err, true);
			if (!err) {
				bad = HOLE_IOVA;
				err = -EINVAL;
			}
		}
		c.cda = (uint32_t)bad;
		g->variant = "data";
	}
	put_ccw(g, x, c);
	g->want = err;
}

static void gen_nomove(struct gen *g)
{
	bool fmt0 = chance(g, 1, 8);
	int n, k, err, v = rnd(g, 6);
	uint64_t x, b[40];
	unsigned int nb, j;
	struct mccw c;

	orb_init(g, fmt0);
	x = chain_with_slot(g, &n, &k);
	c = valid_ccw(g, chain_of(g, n, k));
	c.flags &= ~CCW_FLAG_IDA;
	c.count = 1 + rnd(g, 0x4000);
	switch (v) {
	case 0:
		c.cmd = CCW_CMD_NOOP;
		g->variant = "noop";
		break;
	case 1:
		c.cmd = (rnd(g, 64) << 2) | 0x02;	/* read */
		if (dangerous(c.cmd) || (c.cmd & 0x0f) == CCW_CMD_TIC)
			c.cmd = CCW_CMD_READ;
		c.flags |= CCW_FLAG_SKIP;
		g->variant = "read_skip";
		break;
	case 2:
		c.cmd = (rnd(g, 16) << 4) | 0x0c;	/* read backward */
		c.flags |= CCW_FLAG_SKIP;
		g->variant = "read_backward_skip";
		break;
	case 3:
		c.cmd = (rnd(g, 16) << 4) | CCW_CMD_SENSE;
		c.flags |= CCW_FLAG_SKIP;
		g->variant = "sense_skip";
		break;
	case 4:
		c.cmd = rnd(g, 16) << 4;		/* invalid */
		g->variant = "invalid_cmd";
		break;
	default:
		/* data-chained to a NOOP: the NOOP's rules apply */
		c.cmd = rnd(g, 256);
		if (dangerous(c.cmd) || (c.cmd & 0x0f) == CCW_CMD_TIC)
			c.cmd = 0x01;
		g->variant = "chained_to_noop";
		break;
	}
	if (chance(g, 1, 3) && !fmt0) {
		/* a readable IDAL of bad places */
		nb = nblocks(0, c.count, g->bsize);
		for (j = 0; j < nb; j++) {
			b[j] = ALIGN_DN(bad_place(g, g->bsize, &err,
						  g->isize == 4), g->bsize);
			if (g->isize == 4)
				b[j] &= 0x7fffffff;
		}
		c.cda = (uint32_t)write_idal(g, b, nb);
		c.flags |= CCW_FLAG_IDA;
	} else {
		c.cda = fmt0 ? 0x00001000 + rnd(g, 0x1000) :
			(uint32_t)bad_place(g, c.count, &err, true);
	}
	if (v == 5) {
		uint64_t h;

		/* move it behind a NOOP with CD */
		h = alloc_chain(g, 2);
		put_ccw(g, h, ccw_of(CCW_CMD_NOOP, CCW_FLAG_CD, 1 + rnd(g, 8),
				     (uint32_t)pick_in_zone(g, zone_data(g), 8)));
		put_ccw(g, h + 8, c);
		g->orb.cpa = (uint32_t)h;
	} else {
		put_ccw(g, x, c);
	}
	g->want = 0;
}

static void gen_count0(struct gen *g)
{
	int n, k;
	uint64_t x;
	struct mccw c;

	orb_init(g, chance(g, 1, 6));
	x = chain_with_slot(g, &n, &k);
	c = valid_ccw(g, chain_of(g, n, k));
	c.count = 0;
	c.cda = (uint32_t)rnd64(g);
	if (g->fmt0)
		c.cda &= 0xffffff;
	if (chance(g, 1, 2))
		c.flags |= CCW_FLAG_IDA;
	if (chance(g, 1, 3))
		c.flags = (c.flags & ~CCW_FLAG_CC) | CCW_FLAG_CD;
	put_ccw(g, x, c);
	g->want = 0;
	g->variant = c.flags & CCW_FLAG_IDA ? "ida" : "data";
}

static void gen_chain_len(struct gen *g)
{
	int n, i, v = rnd(g, 4);
	uint64_t at;

	orb_init(g, chance(g, 1, 6));
	switch (v) {
	case 0:
		n = 256;
		g->want = 0;
		g->variant = "256";
		break;
	case 1:
		n = 257;
		g->want = -EINVAL;
		g->variant = "257";
		break;
	case 2:
		n = 258 + rnd(g, 300);
		g->want = -EINVAL;
		g->variant = "long";
		break;
	default:
		n = 200 + rnd(g, 100);
		g->want = n <= 256 ? 0 : -EINVAL;
		g->variant = "tic_back";
		break;
	}
	at = alloc_chain(g, n + 1);
	g->orb.cpa = (uint32_t)at;
	for (i = 0; i < n; i++) {
		uint8_t cf = i < n - 1 ? (chance(g, 1, 8) ? CCW_FLAG_CD :
					  CCW_FLAG_CC) : 0;

		if (chance(g, 1, 16))
			put_ccw(g, at + 8 * i, valid_ccw(g, cf));
		else
			put_ccw(g, at + 8 * i, ccw_of(CCW_CMD_NOOP, cf, 0, 0));
	}
	if (v == 3) {
		/* a terminator early, a TIC back in the middle: still one chain */
		int t = rnd(g, 4), b = 10 + rnd(g, n - 20);

		put_ccw(g, at + 8 * t, terminator(g, CCW_FLAG_CC));
		put_ccw(g, at + 8 * b, tic_to(at + 8 * rnd(g, t + 1)));
	}
}

static void gen_chains(struct gen *g)
{
	int nch = chance(g, 1, 2) ? 16 : 17 + rnd(g, 3);

	orb_init(g, chance(g, 1, 6));
	g->want = nch <= 16 ? 0 : -EINVAL;
	g->variant = nch <= 16 ? "16" : "17+";
	put_tic_linked_runs(g, nch, 1 + rnd(g, 2), 2);
}

static void gen_runoff(struct gen *g)
{
	int v = rnd(g, 3), n = 1 + rnd(g, 4);
	bool over = chance(g, 1, 2);
	uint64_t end, at;

	if (v == 0) {
		orb_init(g, false);
		end = WIN_IOVA + VCCW_DMA_SIZE;
		g->variant = over ? "window_over" : "window_end";
	} else if (v == 1) {
		orb_init(g, false);
		end = RO_IOVA + XTRA_SIZE;
		g->variant = over ? "ro_over" : "ro_end";
	} else {
		orb_init(g, true);
		end = LOW_IOVA + XTRA_SIZE;
		g->variant = over ? "low_over" : "low_end";
	}
	at = end - 8 * n;
	g->orb.cpa = (uint32_t)at;
	put_valid_run(g, at, n, over ? CCW_FLAG_CC : 0);
	g->want = over ? -EINVAL : 0;
}

static void gen_fmt0(struct gen *g)
{
	int v = rnd(g, 4), n = 1 + rnd(g, 3);
	uint64_t at, x;
	uint8_t *p;

	orb_init(g, true);
	at = alloc_chain(g, n + 1);
	g->orb.cpa = (uint32_t)at;
	put_valid_run(g, at, n, CCW_FLAG_CC);
	x = alloc_chain(g, 2);
	put_valid_run(g, x, 1 + rnd(g, 2), 0);
	put_ccw(g, at + 8 * n, tic_to(x));
	p = hptr(g->f, at + 8 * n, 8);
	g->want = 0;
	switch (v) {
	case 0:
		p[0] = (rnd(g, 16) << 4) | CCW_CMD_TIC;	/* any 0xX8 is a TIC */
		g->variant = "x8_is_tic";
		break;
	case 1:
		p[4] = rnd(g, 256);	/* flags, reserved, count: ignored */
		p[5] = rnd(g, 256);
		p[6] = rnd(g, 256);
		p[7] = 1 + rnd(g, 255);
		g->variant = "tic_garbage";
		break;
	case 2:
		put_ccw(g, x, tic_to(at));
		g->want = -EINVAL;
		g->variant = "tic_to_tic";
		break;
	default:
		put_ccw(g, x, ccw_of(CCW_CMD_NOOP, 0, 0, 0));
		g->variant = "noop_count0";
		break;
	}
}

static void gen_ro_ccw(struct gen *g)
{
	orb_init(g, false);
	g->sp = Z_RO_CCW;
	base_chain(g, 1 + rnd(g, 5));
	g->want = 0;
	g->variant = "";
}

/* Random CCWs, TICs anywhere, addresses anywhere: the model decides. */
static void gen_wild(struct gen *g)
{
	int n = 1 + rnd(g, 10), i, nslots = 0;
	uint64_t slots[40], at, at2 = 0;
	struct cmd_orb *o;

	orb_init(g, chance(g, 1, 6));
	o = &g->orb;
	if (!g->fmt0 && chance(g, 1, 6))
		g->sp = Z_RO_CCW;
	g->want = WANT_MODEL;
	g->variant = "";
	at = alloc_chain(g, n);
	o->cpa = (uint32_t)at;
	for (i = 0; i < n; i++)
		slots[nslots++] = at + 8 * i;
	if (chance(g, 1, 2)) {
		int m = 1 + rnd(g, 6);

		at2 = alloc_chain(g, m);
		for (i = 0; i < m; i++)
			slots[nslots++] = at2 + 8 * i;
	}
	for (i = 0; i < nslots; i++) {
		struct mccw c;
		int kind = rnd(g, 20), err;

		if (kind < 11) {
			c = valid_ccw(g, chance(g, 3, 4) ? chain_flag(g) : 0);
		} else if (kind < 15) {
			uint32_t t;

			switch (rnd(g, 6)) {
			case 0: case 1: case 2:
				t = slots[rnd(g, nslots)];
				break;
			case 3:
				t = (uint32_t)ziova(g->sp, zones[g->sp].lo +
					8 * rnd(g, (zones[g->sp].hi -
						    zones[g->sp].lo) / 8));
				break;
			case 4:
				t = (uint32_t)bad_place(g, 8, &err, false);
				break;
			default:
				t = slots[rnd(g, nslots)] + rnd(g, 8);
				break;
			}
			c = tic_to(t);
			if (chance(g, 1, 10))
				c.flags = 1 << rnd(g, 8);
		} else if (kind < 17) {
			/* garbage, with a safe command code */
			uint64_t r = rnd64(g);

			c = decode((uint8_t *)&r, g->fmt0);
			if (dangerous(c.cmd))
				c.cmd = CCW_CMD_NOOP;
		} else {
			/* a valid CCW with one thing wrong */
			c = valid_ccw(g, chain_flag(g));
			switch (rnd(g, 6)) {
			case 0:
				c.flags |= CCW_FLAG_MIDA;
				break;
			case 1:
				c.cmd = (1 + rnd(g, 15)) << 4 | 8;
				break;
			case 2:
				moving(g, &c);
				c.cda = (uint32_t)bad_place(g, c.count, &err,
							    true);
				c.flags &= ~CCW_FLAG_IDA;
				break;
			case 3:
				c.cda |= 0x80000000U;
				break;
			case 4:
				c.cda += 1 + rnd(g, 7);
				break;
			default:
				c.count = rnd(g, 65536);
				break;
			}
		}
		if (g->fmt0)
			c.cda &= 0xffffff;
		put_ccw(g, slots[i], c);
	}
	if (chance(g, 1, 8)) {
		/* one random ORB bit */
		uint32_t w;

		memcpy(&w, (uint8_t *)o + 4, 4);
		w ^= 1U << rnd(g, 32);
		memcpy((uint8_t *)o + 4, &w, 4);
		if (o->lpm && !(o->lpm & 0x80))
			o->lpm |= 0x80;		/* see gen_orb_ok() */
		orb_derive(g);
		g->variant = "orb_bit";
		/* fmt or c64 changed: the CCWs read differently, which is fine */
	}
	if (chance(g, 1, 16))
		o->cpa = (uint32_t)slots[rnd(g, nslots)] + (chance(g, 1, 2) ?
							       rnd(g, 8) : 0);
}

typedef void (*gen_fn)(struct gen *g);

static const gen_fn gens[C_NR] = {
	[C_WILD] = gen_wild, [C_MIX] = gen_mix, [C_SENSEID] = gen_senseid,
	[C_LOOP] = gen_loop, [C_ORB_BITS] = gen_orb_bits,
	[C_ORB_OK] = gen_orb_ok, [C_CPA] = gen_cpa,
	[C_TIC_TIC] = gen_tic_tic, [C_TIC_BAD] = gen_tic_bad,
	[C_CMD_X8] = gen_cmd_x8, [C_MIDA] = gen_mida,
	[C_CDA_BIT0] = gen_cda_bit0, [C_IDAL_BAD] = gen_idal_bad,
	[C_IDAW_BAD] = gen_idaw_bad, [C_IDAW_BSIZE] = gen_idaw_bsize,
	[C_DATA_BAD] = gen_data_bad, [C_NOMOVE] = gen_nomove,
	[C_COUNT0] = gen_count0, [C_CHAIN_LEN] = gen_chain_len,
	[C_CHAINS] = gen_chains, [C_RUNOFF] = gen_runoff,
	[C_FMT0] = gen_fmt0, [C_RO_CCW] = gen_ro_ccw,
};

/* -------------------------------------------------------------- device */

static ssize_t dev_pwrite(struct fz *f, const void *buf, size_t len,
			  uint64_t off)
{
	ssize_t n = pwrite(f->d.device, buf, len, (off_t)off);

	return n < 0 ? -errno : n;
}

static ssize_t dev_pread(struct fz *f, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(f->d.device, buf, len, (off_t)off);

	return n < 0 ? -errno : n;
}

static uint64_t region_off(struct fz *f, uint64_t index)
{
	return index << f->shift;
}

static ssize_t start_prog(struct fz *f, struct gen *g)
{
	struct ccw_io_region r;

	memset(&r, 0, sizeof(r));
	memcpy(r.orb_area, &g->orb, sizeof(g->orb));
	put_be32(r.scsw_area, g->scsw_w0);
	return dev_pwrite(f, &r, sizeof(r), f->d.io.offset);
}

static bool irb_final(const struct irb_view *irb)
{
	/* no subchannel or device activity left, or a deferred cc */
	return !(scsw_actl(&irb->scsw) & 0x06) || scsw_cc(&irb->scsw);
}

/* Wait (bounded) for a final IRB; returns 0 with it in *irb, or -errno. */
static int wait_final(struct fz *f, struct irb_view *irb)
{
	double t0 = now(), deadline = t0 + VCCW_IO_TIMEOUT_MS / 1000.0;
	long ms;

	for (;;) {
		int64_t ev;

		ms = (long)((deadline - now()) * 1000);
		ev = vccw_wait_io(&f->d, ms > 0 ? (int)ms : 0);
		if (ev < 0)
			return (int)ev;
		if (!ev)
			return -ETIMEDOUT;
		f->consumed += ev;
		if (vccw_read_irb(&f->d, irb))
			return -EIO;
		if (irb_final(irb))
			break;
	}
	ms = (long)((now() - t0) * 1000);
	f->t_wait += now() - t0;
	if (ms > f->max_wait_ms)
		f->max_wait_ms = ms;
	return 0;
}

/*
 * Everything in: the cp idle, every final IRB we caused taken by the
 * driver, every IRB it queued delivered and every eventfd signal read.
 * Without counters (in-tree driver) only drain the eventfd for a moment.
 */
static int settle(struct fz *f, struct vstats *out)
{
	double deadline = now() + VCCW_IO_TIMEOUT_MS / 1000.0;
	struct vstats a, b;
	int64_t ev;

	if (!f->stats) {
		while ((ev = vccw_take_irb(&f->d, 20)) > 0)
			f->consumed += ev;
		return 0;
	}
	for (;;) {
		if (!read_vstats(f->d.uuid, &a))
			return -EIO;
		if (!a.own && a.final - f->s0.final >= f->exp_finals) {
			long queued, deliv;

			/* read again: all of it after the cp went idle */
			if (!read_vstats(f->d.uuid, &b))
				return -EIO;
			queued = (b.sol + b.unsol - b.dropped) -
				 (f->s0.sol + f->s0.unsol - f->s0.dropped);
			deliv = b.delivered - f->s0.delivered;
			if (deliv == queued && (long)f->consumed == deliv) {
				if (out)
					*out = b;
				return 0;
			}
			if ((long)f->consumed > deliv)
				return -EPROTO;
		}
		if (now() > deadline)
			return -ETIMEDOUT;
		ev = vccw_take_irb(&f->d, 50);
		if (ev > 0)
			f->consumed += ev;
	}
}

/*
 * After a reset behind a START the final IRB may or may not come (the
 * retire path may have cleared the subchannel first): wait for the cp to
 * be idle and for everything queued to be delivered, then take the
 * number of final IRBs from the driver.
 */
static int settle_after_reset(struct fz *f, struct vstats *out)
{
	long saved = f->exp_finals;
	int r;

	if (!f->stats)
		return settle(f, out);
	f->exp_finals = 0;	/* any number of finals will do */
	r = settle(f, out);
	f->exp_finals = r ? saved : out->final - f->s0.final;
	return r;
}

/* ------------------------------------------------------------ reports */

static const char *errname(long e)
{
	static char buf[32];

	switch (e) {
	case 0: return "accepted";
	case -EINVAL: return "-EINVAL";
	case -EOPNOTSUPP: return "-EOPNOTSUPP";
	case -EFAULT: return "-EFAULT";
	case -EBUSY: return "-EBUSY";
	case -EAGAIN: return "-EAGAIN";
	case -ENODEV: return "-ENODEV";
	case -EPERM: return "-EPERM";
	case -ENOMEM: return "-ENOMEM";
	case -ETIMEDOUT: return "-ETIMEDOUT";
	case WANT_MODEL: return "(model)";
	}
	snprintf(buf, sizeof(buf), "%ld", e);
	return buf;
}

static void dump_program(struct fz *f, struct gen *g, int model_ret)
{
	const uint8_t *o = (const uint8_t *)&g->orb;
	int ci;

	fzlog("  orb %08x %08x %08x: fmt %u c64 %u i2k %u pfch %u lpm %02x "
	     "key %u spnd %u mod %u alcc %u ssic %u res1 %u B %u zero %02x "
	     "orbx %u; scsw %08x", be32(o), be32(o + 4), be32(o + 8),
	     g->orb.fmt, g->orb.c64, g->orb.i2k, g->orb.pfch, g->orb.lpm,
	     g->orb.key, g->orb.spnd, g->orb.mod, g->orb.alcc, g->orb.ssic,
	     g->orb.res1, g->orb.res2, g->orb.zero, g->orb.orbx, g->scsw_w0);
	fzlog("  model: %s%s%s", errname(model_ret), f->m.why[0] ? ": " : "",
	     f->m.why);
	for (ci = 0; ci < f->m.nchains; ci++) {
		struct mchain *c = &f->m.ch[ci];
		unsigned int i;

		fzlog("  chain %d at %#x, %u CCWs (cmd flags count cda):", ci,
		     c->head, c->len);
		for (i = 0; i < c->len; i++) {
			const struct mccw *x = &c->ccw[i];

			if (i == 12 && c->len > 16) {
				fzlog("    ... %u more", c->len - 16);
				i = c->len - 4;
				x = &c->ccw[i];
			}
			fzlog("    %#010x: %02x %02x %04x %08x", c->head + 8 * i,
			     x->cmd, x->flags, x->count, x->cda);
			if ((x->flags & CCW_FLAG_IDA) && x->count &&
			    x->cmd != CCW_CMD_TIC) {
				unsigned int k, nb;
				char line[256];
				int len = 0;

				nb = nblocks(get_idaw(g, x->cda, 0), x->count,
					     g->bsize);
				for (k = 0; k < nb && k < 8; k++) {
					uint8_t *p = hptr(f, x->cda +
							  (uint64_t)k * g->isize,
							  g->isize);

					len += snprintf(line + len,
							sizeof(line) - len, " %s",
							p ? "" : "??");
					if (p)
						len += snprintf(line + len,
							sizeof(line) - len,
							"%" PRIx64,
							g->isize == 8 ? be64(p) :
							be32(p));
				}
				fzlog("      IDAL (%u IDAWs):%s%s", nb, line,
				     nb > 8 ? " ..." : "");
			}
		}
	}
	if (!f->m.nchains) {
		uint8_t *p = hptr(f, g->orb.cpa & ~7U, 64);
		int i;

		for (i = 0; p && i < 8; i++)
			fzlog("    %#010x: %02x%02x%02x%02x %02x%02x%02x%02x",
			     (g->orb.cpa & ~7U) + 8 * i, p[8 * i],
			     p[8 * i + 1], p[8 * i + 2], p[8 * i + 3],
			     p[8 * i + 4], p[8 * i + 5], p[8 * i + 6],
			     p[8 * i + 7]);
	}
}

static void fail(struct fz *f, struct gen *g, int model_ret,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail(struct fz *f, struct gen *g, int model_ret,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->failures++;
	if (g)
		fzlog("FAIL seed %#" PRIx64 " iteration %ld class %s%s%s: %s",
		     f->seed, g->iter, classes[g->cls].name,
		     g->variant && *g->variant ? "/" : "",
		     g->variant ? g->variant : "", msg);
	else
		fzlog("FAIL seed %#" PRIx64 ": %s", f->seed, msg);
	if (g && f->dumps++ < FZ_MAX_DUMPS) {
		fzlog("  replay: VFIO_CCW_FUZZ_SEED=%#" PRIx64
		     " VFIO_CCW_FUZZ_FIRST=%ld VFIO_CCW_FUZZ_ITERS=1",
		     f->seed, g->iter);
		if (model_ret != NO_PROGRAM)
			dump_program(f, g, model_ret);
	}
}

static bool documented(long e)
{
	return e == -EINVAL || e == -EOPNOTSUPP || e == -EFAULT ||
	       e == -EBUSY || e == -EAGAIN || e == -ENODEV ||
	       e == -EPERM || e == -ENOMEM;
}

static void count_errno(struct fz *f, long e)
{
	if (e <= 0 && -e < NERR)
		f->count_errno[-e]++;
	else
		f->count_weird++;
}

/* Compare the counters with our tally; after settle() or a refusal. */
static void check_stats(struct fz *f, struct gen *g, const struct vstats *b)
{
	const struct vstats *z = &f->s0;
	struct { const char *what; long got, want; } c[] = {
		{ "pinned_pages", b->pinned, 0 },
		{ "own", b->own, 0 },
		{ "starts", b->starts - z->starts, f->exp_starts },
		{ "frees", b->frees - z->frees, f->exp_starts },
		{ "claims_irq+claims_retire", b->claims_irq - z->claims_irq +
		  b->claims_retire - z->claims_retire, f->exp_starts },
		{ "claims_retire", b->claims_retire - z->claims_retire,
		  b->claims_retire - z->claims_retire > f->resets_busy ?
		  f->resets_busy : b->claims_retire - z->claims_retire },
		{ "refused_ebusy", b->ebusy - z->ebusy, f->exp_ebusy },
		{ "refused_eagain", b->eagain - z->eagain, 0 },
		{ "refused_other", b->other - z->other, f->exp_other },
		{ "halts", b->halts - z->halts, f->exp_halts },
		{ "clears", b->clears - z->clears, f->exp_clears },
		{ "irb_final", b->final - z->final, f->exp_finals },
		{ "irb_unsolicited", b->unsol - z->unsol, 0 },
		{ "irb_dropped", b->dropped - z->dropped, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (c[i].got == c[i].want)
			continue;
		fail(f, g, g && g->have_model ? g->model_ret : NO_PROGRAM,
		     "debugfs %s is %ld, expected %ld (after %ld programs)",
		     c[i].what, c[i].got, c[i].want, f->programs);
		/* resync so that one bug is reported once */
		f->s0.pinned = 0;
		switch (i) {
		case 2: f->exp_starts = c[i].got; break;
		case 6: f->exp_ebusy = c[i].got; break;
		case 8: f->exp_other = c[i].got; break;
		case 9: f->exp_halts = c[i].got; break;
		case 10: f->exp_clears = c[i].got; break;
		case 11: f->exp_finals = c[i].got; break;
		}
		if (i == 0 || i == 1)
			f->dead = true;	/* a leak: stop, keep the state */
	}
}

static void quick_check(struct fz *f, struct gen *g)
{
	struct vstats b;

	if (!f->stats)
		return;
	if (!read_vstats(f->d.uuid, &b)) {
		fail(f, g, NO_PROGRAM, "cannot read debugfs stats");
		f->stats = false;
		return;
	}
	check_stats(f, g, &b);
}

/* -------------------------------------------------------------- regions */

static const char *rname(uint64_t index)
{
	switch (index) {
	case 0: return "io";
	case 1: return "async";
	case 2: return "schib";
	case 3: return "crw";
	}
	return "unknown";
}

static size_t rsize(uint64_t index)
{
	switch (index) {
	case 0: return sizeof(struct ccw_io_region);
	case 1: return sizeof(struct ccw_cmd_region);
	case 2: return sizeof(struct ccw_schib_region);
	case 3: return sizeof(struct ccw_crw_region);
	}
	return 0;
}

static void expect(struct fz *f, struct gen *g, const char *what, long got,
		   long want)
{
	if (got == want)
		return;
	if (!f->ours && (got >= 0 || documented(got) || got == -EINVAL))
		return;		/* the in-tree driver has its own rules */
	fail(f, g, NO_PROGRAM, "%s returned %s, expected %s", what,
	     errname(got), errname(want));
}

/* One region access with a known answer. */
static void region_op(struct fz *f, struct gen *g)
{
	uint8_t buf[512];
	struct ccw_io_region io;
	struct ccw_cmd_region cmd;
	char what[160];
	uint64_t idx, pos;
	size_t len, size;
	long got;
	int op = rnd(g, 14);

	f->region_ops++;
	memset(buf, 0, sizeof(buf));
	/* a START of a program that stops at once, should anything take it */
	memset(&io, 0, sizeof(io));
	{
		struct cmd_orb o;

		vccw_orb(&f->d, &o, zones[Z_WIN_DATA].hi - 64, 0);
		memcpy(io.orb_area, &o, sizeof(o));
		put_be32(io.scsw_area, SCSW_FCTL_START << 12);
	}
	switch (op) {
	case 0:	/* io region: not the whole region at offset 0 */
		size = sizeof(io);
		if (chance(g, 1, 2)) {
			pos = 0;
			do {
				len = rnd(g, 2 * size + 1);
			} while (len == size);
		} else {
			pos = 1 + rnd(g, chance(g, 1, 2) ? size : 1 << 20);
			len = rnd(g, size + 1);
		}
		memcpy(buf, &io, sizeof(io));
		got = dev_pwrite(f, buf, len, f->d.io.offset + pos);
		snprintf(what, sizeof(what), "write io region pos %#" PRIx64
			 " len %zu", pos, len);
		expect(f, g, what, got, -EINVAL);
		break;
	case 1:	/* io region: whole, but no start function */
		{
			static const uint32_t fctl[] = { 0, SCSW_FCTL_HALT,
				SCSW_FCTL_CLEAR,
				SCSW_FCTL_HALT | SCSW_FCTL_CLEAR };
			uint32_t fc = fctl[rnd(g, 4)], w0;

			w0 = (fc << 12) | (chance(g, 1, 2) ?
					   (uint32_t)rnd64(g) & ~(7U << 12) : 0);
			put_be32(io.scsw_area, w0);
			got = dev_pwrite(f, &io, sizeof(io), f->d.io.offset);
			snprintf(what, sizeof(what),
				 "write io region scsw word 0 %08x", w0);
			expect(f, g, what, got, fc ? -EOPNOTSUPP : -EINVAL);
			if (got != (long)sizeof(io))
				f->exp_other++;
		}
		break;
	case 2:	/* async region: not the whole region at offset 0 */
		size = sizeof(cmd);
		if (chance(g, 1, 2)) {
			pos = 0;
			do {
				len = rnd(g, 4 * size + 1);
			} while (len == size);
		} else {
			pos = 1 + rnd(g, chance(g, 1, 2) ? size : 4096);
			len = rnd(g, size + 1);
		}
		memset(buf, 0, sizeof(buf));
		buf[3] = VFIO_CCW_ASYNC_CMD_HSCH;
		got = dev_pwrite(f, buf, len, f->d.async.offset + pos);
		snprintf(what, sizeof(what), "write async region pos %#" PRIx64
			 " len %zu", pos, len);
		expect(f, g, what, got, -EINVAL);
		break;
	case 3:	/* async region: unknown command */
		memset(&cmd, 0, sizeof(cmd));
		do {
			switch (rnd(g, 4)) {
			case 0: cmd.command = 0; break;
			case 1: cmd.command = VFIO_CCW_ASYNC_CMD_HSCH |
					      VFIO_CCW_ASYNC_CMD_CSCH; break;
			case 2: cmd.command = 1U << rnd(g, 32); break;
			default: cmd.command = (uint32_t)rnd64(g); break;
			}
		} while (cmd.command == VFIO_CCW_ASYNC_CMD_HSCH ||
			 cmd.command == VFIO_CCW_ASYNC_CMD_CSCH);
		cmd.ret_code = (uint32_t)rnd64(g);
		got = dev_pwrite(f, &cmd, sizeof(cmd), f->d.async.offset);
		snprintf(what, sizeof(what), "async command %#x", cmd.command);
		expect(f, g, what, got, -EINVAL);
		break;
	case 4:	/* HSCH or CSCH on the idle subchannel */
		{
			bool halt = chance(g, 1, 2);
			struct irb_view irb;
			struct ccw_cmd_region back;
			struct vstats b;
			int r;

			memset(&cmd, 0, sizeof(cmd));
			cmd.command = halt ? VFIO_CCW_ASYNC_CMD_HSCH :
					     VFIO_CCW_ASYNC_CMD_CSCH;
			got = dev_pwrite(f, &cmd, sizeof(cmd),
					 f->d.async.offset);
			snprintf(what, sizeof(what), "%s on an idle subchannel",
				 halt ? "HSCH" : "CSCH");
			expect(f, g, what, got, sizeof(cmd));
			if (got != (long)sizeof(cmd))
				break;
			f->exp_finals++;
			if (halt)
				f->exp_halts++;
			else
				f->exp_clears++;
			r = wait_final(f, &irb);
			if (r) {
				fail(f, g, NO_PROGRAM, "%s: no interrupt (%s)",
				     what, errname(r));
				f->dead = true;
				break;
			}
			if (!(scsw_fctl(&irb.scsw) & (halt ? SCSW_FCTL_HALT :
						      SCSW_FCTL_CLEAR)))
				fail(f, g, NO_PROGRAM, "%s: IRB fctl %x", what,
				     scsw_fctl(&irb.scsw));
			r = settle(f, &b);
			if (r) {
				fail(f, g, NO_PROGRAM, "%s: settle %s", what,
				     errname(r));
				f->dead = true;
				break;
			}
			if (f->stats)
				check_stats(f, g, &b);
			got = dev_pread(f, &back, sizeof(back),
					f->d.async.offset);
			expect(f, g, "read async region", got, sizeof(back));
			if (f->ours && got == (long)sizeof(back) &&
			    (back.command != cmd.command || back.ret_code))
				fail(f, g, NO_PROGRAM, "async region after %s: "
				     "command %#x ret_code %d", what,
				     back.command, (int)back.ret_code);
		}
		break;
	case 5:	/* schib and crw are read-only */
		idx = 2 + rnd(g, 2);
		pos = chance(g, 1, 2) ? 0 : rnd(g, 64);
		len = chance(g, 1, 2) ? rsize(idx) : rnd(g, 128);
		got = dev_pwrite(f, buf, len, region_off(f, idx) + pos);
		snprintf(what, sizeof(what), "write %s region pos %" PRIu64
			 " len %zu", rname(idx), pos, len);
		expect(f, g, what, got, -EINVAL);
		break;
	case 6:	/* unknown region index */
		idx = VFIO_CCW_NUM_REGIONS + 3 + rnd(g, 64);
		if (chance(g, 1, 4))
			idx = (1ULL << (63 - f->shift)) - 1 - rnd(g, 16);
		pos = chance(g, 1, 2) ? 0 : rnd(g, 256);
		len = 1 + rnd(g, 128);
		if (chance(g, 1, 2)) {
			got = dev_pwrite(f, buf, len, region_off(f, idx) + pos);
			snprintf(what, sizeof(what), "write region %" PRIu64,
				 idx);
		} else {
			got = dev_pread(f, buf, len, region_off(f, idx) + pos);
			snprintf(what, sizeof(what), "read region %" PRIu64,
				 idx);
		}
		expect(f, g, what, got, -EINVAL);
		break;
	case 7:	/* reads: partial ones inside the region, none past its end */
		idx = rnd(g, 4);
		size = rsize(idx);
		if (chance(g, 1, 2)) {
			pos = rnd(g, size);
			len = rnd(g, size - pos + 1);
		} else {
			pos = rnd(g, size + 8);
			len = rnd(g, size + 8);
		}
		got = dev_pread(f, buf, len, region_off(f, idx) + pos);
		snprintf(what, sizeof(what), "read %s region pos %" PRIu64
			 " len %zu", rname(idx), pos, len);
		expect(f, g, what, got, pos < size && len <= size - pos ?
		       (long)len : -EINVAL);
		break;
	case 8:	/* user buffers that fault */
		idx = rnd(g, 4);
		size = rsize(idx);
		{
			uint8_t *ub = f->badbuf - rnd(g, size);

			if (chance(g, 1, 2) && idx < 2) {
				got = dev_pwrite(f, ub, size,
						 region_off(f, idx));
				snprintf(what, sizeof(what), "write %s region "
					 "from a faulting buffer", rname(idx));
			} else {
				got = dev_pread(f, ub, size,
						region_off(f, idx));
				snprintf(what, sizeof(what), "read %s region "
					 "into a faulting buffer", rname(idx));
			}
			expect(f, g, what, got, -EFAULT);
		}
		break;
	case 9:	/* offsets that are negative as loff_t */
		pos = 0x8000000000000000ULL | rnd64(g);
		if (chance(g, 1, 2)) {
			got = dev_pread(f, buf, 8, pos);
			snprintf(what, sizeof(what), "read at %#" PRIx64, pos);
		} else {
			got = dev_pwrite(f, buf, 8, pos);
			snprintf(what, sizeof(what), "write at %#" PRIx64, pos);
		}
		expect(f, g, what, got, -EINVAL);
		break;
	case 10: /* region info */
		{
			char ib[512];
			struct vfio_region_info *ri = (void *)ib;
			uint32_t ix = chance(g, 1, 2) ? rnd(g, 8) :
				      (uint32_t)rnd64(g);

			memset(ib, 0, sizeof(ib));
			ri->argsz = sizeof(ib);
			ri->index = ix;
			got = ioctl(f->d.device, VFIO_DEVICE_GET_REGION_INFO,
				    ri) ? -errno : 0;
			snprintf(what, sizeof(what), "REGION_INFO index %u", ix);
			expect(f, g, what, got, ix < 4 ? 0 : -EINVAL);
			if (!got && ri->size != rsize(ix))
				fail(f, g, NO_PROGRAM, "%s: size %llu", what,
				     (unsigned long long)ri->size);
		}
		break;
	case 12: /* reset an idle device */
	case 13: /* reset right behind an accepted START */
		{
			struct ccw1 *ccw;
			struct vstats b;
			uint8_t *p;
			int r;

			if (op == 13) {
				/* SENSE ID into the data zone */
				ccw = (struct ccw1 *)hptr(f, WIN_IOVA, 8);
				ccw->cmd = CCW_CMD_SENSE_ID;
				ccw->flags = CCW_FLAG_SLI;
				ccw->count = 256;
				ccw->cda = (uint32_t)(WIN_IOVA + 0x60000);
				p = hptr(f, WIN_IOVA + 0x60000, 256);
				memset(p, 0xaa, 256);
				{
					struct cmd_orb o;

					vccw_orb(&f->d, &o, 0, 0x4e5e7);
					memcpy(io.orb_area, &o, sizeof(o));
				}
				got = dev_pwrite(f, &io, sizeof(io),
						 f->d.io.offset);
				expect(f, g, "START before reset", got,
				       sizeof(io));
				if (got == (long)sizeof(io)) {
					f->exp_starts++;
					f->resets_busy++;
				} else if (documented(got)) {
					f->exp_other++;
				}
			}
			got = ioctl(f->d.device, VFIO_DEVICE_RESET) ? -errno : 0;
			snprintf(what, sizeof(what), "VFIO_DEVICE_RESET%s",
				 op == 13 ? " behind a START" : "");
			expect(f, g, what, got, 0);
			f->resets++;
			r = settle_after_reset(f, &b);
			if (r) {
				fail(f, g, NO_PROGRAM, "%s: settle %s", what,
				     errname(r));
				f->dead = true;
				break;
			}
			if (f->stats)
				check_stats(f, g, &b);
			clean(f, true);
		}
		break;
	default: /* the whole io region reads back */
		got = dev_pread(f, buf, sizeof(io), f->d.io.offset);
		expect(f, g, "read io region", got, sizeof(io));
		break;
	}
}

/* ------------------------------------------------------------- programs */

static int pick_class(struct gen *g)
{
	int total = 0, i, r;

	for (i = 0; i < C_NR; i++)
		total += classes[i].weight;
	r = rnd(g, total);
	for (i = 0; i < C_NR; i++) {
		r -= classes[i].weight;
		if (r < 0)
			return i;
	}
	return C_WILD;
}

/*
 * Byte off of the SENSE ID data, through the IDAL if there is one. *alt
 * is the byte QEMU 7.2 puts there instead: its ccw_dstream_rw_ida() does
 * not advance its buffer from one IDAW to the next, so each block after
 * the first gets the data from its start again. (The driver always hands
 * the device an IDAL, also for a guest data area that crosses a page.)
 */
static int sense_byte(struct fz *f, struct gen *g, unsigned int off,
		      unsigned int *alt)
{
	uint64_t a, first = g->ida_v ? get_idaw(g, g->v_cda, 0) : g->v_cda;
	unsigned int rem = g->bsize - (first & (g->bsize - 1));
	uint8_t *p;

	*alt = off;
	if (off < rem) {
		a = first + off;
	} else {
		*alt = (off - rem) % g->bsize;
		if (g->ida_v)
			a = get_idaw(g, g->v_cda, 1 + (off - rem) / g->bsize) +
			    *alt;
		else
			a = first + off;
	}
	p = hptr(f, a, 1);
	return p ? *p : -1;
}

static void check_irb(struct fz *f, struct gen *g, int model_ret,
		      const struct irb_view *irb)
{
	const struct scsw_cmd *s = &irb->scsw;
	bool path = !g->orb.lpm || (g->orb.lpm & 0x80);

	if (scsw_cc(s)) {
		f->cc3++;
		if (scsw_cc(s) != 3 || path)
			fail(f, g, model_ret, "IRB with deferred cc %u, lpm %02x",
			     scsw_cc(s), g->orb.lpm);
		return;
	}
	if (!path)
		fail(f, g, model_ret, "lpm %02x has no path, yet cc 0",
		     g->orb.lpm);
	if (!(scsw_fctl(s) & SCSW_FCTL_START))
		fail(f, g, model_ret, "final IRB without start function "
		     "(fctl %x)", scsw_fctl(s));
	if (!(scsw_stctl(s) & SCSW_STCTL_STATUS_PEND))
		fail(f, g, model_ret, "final IRB without status pending "
		     "(stctl %x)", scsw_stctl(s));
	if (!cpa_in_program(f, s->cpa))
		fail(f, g, model_ret, "IRB CCW address %#x is not in the "
		     "guest's program", s->cpa);
	if (!g->verify)
		return;
	if (!vccw_good_end(irb)) {
		fail(f, g, model_ret, "SENSE ID ended with dstat %02x cstat "
		     "%02x", scsw_dstat(s), scsw_cstat(s));
		return;
	}
	if (s->cpa != g->v_last + 8)
		fail(f, g, model_ret, "SENSE ID: cpa %#x, expected %#x",
		     s->cpa, g->v_last + 8);
	if (scsw_count(s))
		fail(f, g, model_ret, "SENSE ID: residual count %u of %u",
		     scsw_count(s), g->v_count);
	{
		static const uint8_t want[3] = { 0xff, 0x38, 0x32 };
		unsigned int k, alt;
		int got[3];
		bool ok = true, quirk = false;

		for (k = 0; k < 3; k++) {
			got[k] = sense_byte(f, g, k, &alt);
			if (got[k] == want[k])
				continue;
			if (alt != k && got[k] == want[alt])
				quirk = true;
			else
				ok = false;
		}
		if (!ok)
			fail(f, g, model_ret, "SENSE ID data %02x %02x %02x, "
			     "expected ff 38 32", got[0], got[1], got[2]);
		else
			f->verified++;
		if (quirk)
			f->qemu_ida_quirk++;
	}
}

static void gen_init(struct gen *g, struct fz *f, long iter)
{
	uint64_t x = f->seed ^ ((uint64_t)iter * 0xd1b54a32d192ed03ULL);

	memset(g, 0, sizeof(*g));
	g->f = f;
	g->iter = iter;
	g->rs = splitmix64(&x);
	if (!g->rs)
		g->rs = 1;
}

static void run_program(struct fz *f, struct gen *g)
{
	struct ccw_io_region back;
	struct irb_view irb;
	const char *why;
	int tries, model_ret, r;
	long got, got2 = 0;
	bool acc;

	for (tries = 0;; tries++) {
		uint64_t rs = g->rs;
		long iter = g->iter;

		memset(g, 0, sizeof(*g));
		g->f = f;
		g->iter = iter;
		g->rs = rs;
		g->cls = pick_class(g);
		g->scsw_w0 = SCSW_FCTL_START << 12;
		gens[g->cls](g);
		if (chance(g, 1, 16))
			g->scsw_w0 |= (uint32_t)rnd64(g) & ~(1U << 14);
		why = unsafe(f, g);
		if (!why)
			break;
		f->filtered++;
		if (f->verbose)
			fzlog("iter %ld: %s/%s filtered: %s", g->iter,
			     classes[g->cls].name, g->variant ?: "", why);
		clean(f, false);
		if (tries == 100) {
			fail(f, g, NO_PROGRAM, "generator: nothing safe in "
			     "100 tries");
			return;
		}
	}
	model_ret = model_run(f, g);
	g->model_ret = model_ret;
	g->have_model = true;
	if (g->want != WANT_MODEL && g->want != model_ret)
		fail(f, g, model_ret, "test bug: class built for %s, model "
		     "says %s", errname(g->want), errname(model_ret));

	f->programs++;
	f->cls_n[g->cls]++;
	got = start_prog(f, g);
	acc = got == VCCW_IO_ACCEPTED;
	count_errno(f, acc ? 0 : got);
	if (acc) {
		f->accepted++;
		f->cls_acc[g->cls]++;
		f->exp_starts++;
		f->exp_finals++;
		if (g->b2b) {
			f->b2b++;
			got2 = start_prog(f, g);
			if (got2 == VCCW_IO_ACCEPTED) {
				f->exp_starts++;
				f->exp_finals++;
			} else if (got2 == -EBUSY) {
				f->exp_ebusy++;
			} else {
				fail(f, g, model_ret, "second START right "
				     "behind the first: %s, expected accepted "
				     "or -EBUSY", errname(got2));
				if (documented(got2))
					f->exp_other++;
			}
		}
	} else if (got == -EBUSY) {
		f->exp_ebusy++;
	} else if (got != -EAGAIN) {
		f->exp_other++;
	}

	if (!acc && !documented(got))
		fail(f, g, model_ret, "START returned %s: not a documented "
		     "errno", errname(got));
	else if (f->ours && (acc ? 0 : got) != model_ret)
		fail(f, g, model_ret, "START %s, expected %s",
		     errname(acc ? 0 : got), errname(model_ret));

	/* what an owned request leaves in the io region */
	if (f->ours && !g->b2b) {
		r = dev_pread(f, &back, sizeof(back), f->d.io.offset);
		if (r != (int)sizeof(back))
			fail(f, g, model_ret, "read io region: %s",
			     errname(r));
		else if ((int)back.ret_code != (acc ? 0 : (int)got) ||
			 memcmp(back.orb_area, &g->orb, sizeof(g->orb)))
			fail(f, g, model_ret, "io region after START: "
			     "ret_code %d, orb %s", (int)back.ret_code,
			     memcmp(back.orb_area, &g->orb, sizeof(g->orb)) ?
			     "differs" : "ok");
	}

	if (acc) {
		struct vstats b;

		r = wait_final(f, &irb);
		if (r) {
			fail(f, g, model_ret, "accepted, but no final IRB "
			     "(%s)", errname(r));
			f->dead = true;
			return;
		}
		if (!g->b2b || got2 != VCCW_IO_ACCEPTED)
			check_irb(f, g, model_ret, &irb);
		r = settle(f, &b);
		if (r) {
			fail(f, g, model_ret, "waiting for the device to "
			     "settle: %s", errname(r));
			f->dead = true;
			return;
		}
		if (f->stats)
			check_stats(f, g, &b);
		clean(f, true);
	} else {
		if (f->stats && f->check_every &&
		    !(f->programs % f->check_every))
			quick_check(f, g);
		clean(f, false);
	}
	if (f->verbose)
		fzlog("iter %ld: %s/%s -> %s%s", g->iter, classes[g->cls].name,
		     g->variant ?: "", errname(acc ? 0 : got),
		     g->b2b ? " (twice)" : "");
}

/* SENSE ID, the plain way: the device still works. */
static void final_sense_id(struct fz *f)
{
	struct ccw1 *ccw = (struct ccw1 *)hptr(f, WIN_IOVA, 8);
	uint8_t *data = hptr(f, WIN_IOVA + 0x60000, 256);
	struct cmd_orb orb;
	struct irb_view irb;
	ssize_t n;
	int r;

	memset(data, 0xaa, 256);
	ccw->cmd = CCW_CMD_SENSE_ID;
	ccw->flags = CCW_FLAG_SLI;
	ccw->count = 256;
	ccw->cda = (uint32_t)(WIN_IOVA + 0x60000);
	vccw_orb(&f->d, &orb, 0, 0x5e45e1d);
	{
		struct ccw_io_region rq;

		memset(&rq, 0, sizeof(rq));
		memcpy(rq.orb_area, &orb, sizeof(orb));
		put_be32(rq.scsw_area, SCSW_FCTL_START << 12);
		n = dev_pwrite(f, &rq, sizeof(rq), f->d.io.offset);
	}
	if (n != VCCW_IO_ACCEPTED) {
		fail(f, NULL, NO_PROGRAM, "final SENSE ID: START %s",
		     errname(n));
		return;
	}
	f->exp_starts++;
	f->exp_finals++;
	r = wait_final(f, &irb);
	if (r) {
		fail(f, NULL, NO_PROGRAM, "final SENSE ID: %s", errname(r));
		return;
	}
	if ((scsw_dstat(&irb.scsw) & (DEV_STAT_CHN_END | DEV_STAT_DEV_END)) !=
	    (DEV_STAT_CHN_END | DEV_STAT_DEV_END) || scsw_cstat(&irb.scsw) ||
	    data[0] != 0xff || data[1] != 0x38 || data[2] != 0x32)
		fail(f, NULL, NO_PROGRAM, "final SENSE ID: dstat %02x cstat "
		     "%02x data %02x %02x %02x", scsw_dstat(&irb.scsw),
		     scsw_cstat(&irb.scsw), data[0], data[1], data[2]);
	else
		fzlog("final SENSE ID: cu type %02x%02x model %02x, dev type "
		     "%02x%02x", data[1], data[2], data[3], data[4], data[5]);
	settle(f, NULL);
	clean(f, true);
}

/* --------------------------------------------------------------- harness */

static int map_extra(struct fz *f, int i, uint64_t iova, bool ro, bool na)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct area *a = &f->a[i];
	void *p;

	a->iova = iova;
	a->size = XTRA_SIZE;
	a->ro = ro;
	a->na = na;
	p = mmap(NULL, a->size, na ? PROT_NONE : PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	a->host = p;
	a->base = p;
	map.vaddr = (uintptr_t)p;
	map.iova = iova;
	map.size = a->size;
	map.flags = VFIO_DMA_MAP_FLAG_READ |
		    (ro ? 0 : VFIO_DMA_MAP_FLAG_WRITE);
	if (ioctl(f->d.container, VFIO_IOMMU_MAP_DMA, &map))
		return -errno;
	a->mapped = true;
	return 0;
}

static void unmap_extra(struct fz *f)
{
	int i;

	for (i = A_LOW; i < A_NR; i++) {
		struct area *a = &f->a[i];
		struct vfio_iommu_type1_dma_unmap um = {
			.argsz = sizeof(um), .iova = a->iova, .size = a->size,
		};

		if (a->mapped)
			ioctl(f->d.container, VFIO_IOMMU_UNMAP_DMA, &um);
		a->mapped = false;
		if (a->base)
			munmap(a->base, a->size);
		a->base = a->host = NULL;
	}
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

FIXTURE(fuzz) {
	struct fz *f;
};

FIXTURE_SETUP(fuzz)
{
	const char *uuid = vccw_uuid(0);
	const char *step = "";
	const char *seed_env = getenv("VFIO_CCW_FUZZ_SEED");
	struct fz *f;
	uint8_t *pg;
	int ret;

	ASSERT_NE(NULL, uuid) TH_LOG("VFIO_CCW_MDEV is not set");
	f = calloc(1, sizeof(*f));
	ASSERT_NE(NULL, f);
	self->f = f;
	f->md = _metadata;
	ret = vccw_open(&f->d, uuid, &step);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", step, strerror(-ret));
	ASSERT_NE(0, f->d.async.size);
	ASSERT_NE(0, f->d.schib.size);
	ASSERT_NE(0, f->d.crw.size);
	for (f->shift = 1; f->shift < 63; f->shift++)
		if ((1ULL << f->shift) == f->d.async.offset / f->d.async.index)
			break;
	ASSERT_EQ(f->d.schib.offset, region_off(f, f->d.schib.index));

	f->a[A_WIN].name = "window";
	f->a[A_WIN].iova = f->d.iova;
	f->a[A_WIN].size = f->d.dma_size;
	f->a[A_WIN].host = f->d.dma;
	f->a[A_LOW].name = "low";
	f->a[A_RO].name = "read-only";
	f->a[A_NA].name = "prot-none";
	ASSERT_EQ(0, map_extra(f, A_LOW, LOW_IOVA, false, false));
	ASSERT_EQ(0, map_extra(f, A_RO, RO_IOVA, true, false));
	ASSERT_EQ(0, map_extra(f, A_NA, NA_IOVA, false, true));
	f->a[A_NA].host = NULL;

	pg = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pg);
	ASSERT_EQ(0, mprotect(pg + PG, PG, PROT_NONE));
	f->badbuf = pg + PG;
	f->visit = calloc((VCCW_DMA_SIZE + 2 * XTRA_SIZE) / 8,
			  sizeof(*f->visit));
	ASSERT_NE(NULL, f->visit);

	f->ours = vccw_driver_is_ours();
	f->stats = read_vstats(uuid, &f->s0);
	if (f->ours)
		ASSERT_TRUE(f->stats) TH_LOG("no debugfs counters");
	f->seed = seed_env && *seed_env ? strtoull(seed_env, NULL, 0) :
		  ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
	f->iters = env_long("VFIO_CCW_FUZZ_ITERS", 10000);
	f->first = env_long("VFIO_CCW_FUZZ_FIRST", 0);
	f->check_every = env_long("VFIO_CCW_FUZZ_CHECK", 1);
	f->verbose = env_long("VFIO_CCW_FUZZ_VERBOSE", 0);
	f->list = getenv("VFIO_CCW_FUZZ_LIST");
	if (f->list && !*f->list)
		f->list = NULL;
}

FIXTURE_TEARDOWN(fuzz)
{
	struct fz *f = self->f;
	struct vstats b;
	char uuid[64];

	if (!f)
		return;
	snprintf(uuid, sizeof(uuid), "%s", f->d.uuid);
	unmap_extra(f);
	vccw_close(&f->d);
	if (f->stats && read_vstats(uuid, &b)) {
		/* after close nothing is pinned, every START was freed once */
		EXPECT_EQ(0, b.pinned);
		EXPECT_EQ(b.starts - f->s0.starts, b.frees - f->s0.frees);
		EXPECT_EQ(0, b.own);
	}
	free(f->visit);
	free(f);
}

TEST_F_TIMEOUT(fuzz, channel_programs, 1400)
{
	struct fz *f = self->f;
	double t;
	long i, e;
	int c;

	TH_LOG("seed %#" PRIx64 " iterations %ld..%ld (replay: "
	       "VFIO_CCW_FUZZ_SEED=%#" PRIx64 "), driver %s, debugfs check "
	       "every %ld", f->seed, f->first, f->first + f->iters - 1,
	       f->seed, f->ours ? "ours (exact errnos)" :
	       "other (documented errnos only)", f->check_every);
	f->t0 = now();
	for (i = f->first; i < f->first + f->iters && !f->dead; i++) {
		struct gen g;

		if (f->list) {
			/* the i-th entry of the list */
			const char *p = f->list;
			long k;

			for (k = i - f->first; k > 0 && p; k--) {
				p = strchr(p, ',');
				if (p)
					p++;
			}
			if (!p || !*p)
				break;
			gen_init(&g, f, strtol(p, NULL, 0));
		} else {
			gen_init(&g, f, i);
		}
		if (chance(&g, 1, 8))
			region_op(f, &g);
		if (f->dead)
			break;
		run_program(f, &g);
		if (!((i - f->first + 1) % 1000))
			fzlog("progress: %ld programs, %ld accepted, %ld "
			     "failures, %.1f s", f->programs, f->accepted,
			     f->failures, now() - f->t0);
	}
	t = now() - f->t0;
	if (!f->dead) {
		final_sense_id(f);
		quick_check(f, NULL);
	}

	TH_LOG("programs %ld (%ld accepted, %ld verified SENSE ID of which "
	       "%ld with QEMU's IDAW restart, %ld back-to-back), %ld filtered "
	       "as unsafe, %ld region accesses (%ld resets, %ld behind a "
	       "START)", f->programs, f->accepted, f->verified,
	       f->qemu_ida_quirk, f->b2b, f->filtered, f->region_ops,
	       f->resets, f->resets_busy);
	{
		char line[512];
		int len = 0;

		for (e = 1; e < NERR; e++)
			if (f->count_errno[e])
				len += snprintf(line + len, sizeof(line) - len,
						" %s %ld", errname(-e),
						f->count_errno[e]);
		TH_LOG("refused:%s%s", len ? line : " none",
		       f->count_weird ? " (+ undocumented)" : "");
		len = 0;
		for (c = 0; c < C_NR; c++)
			len += snprintf(line + len, sizeof(line) - len,
					" %s %ld/%ld", classes[c].name,
					f->cls_acc[c], f->cls_n[c]);
		TH_LOG("accepted/run per class:%s", line);
	}
	if (f->stats) {
		struct vstats b;

		if (read_vstats(f->d.uuid, &b))
			TH_LOG("debugfs: starts %ld frees %ld claims irq %ld "
			       "retire %ld, IRBs solicited %ld unsolicited %ld "
			       "final %ld intermediate %ld dropped %ld delivered "
			       "%ld, pinned now %ld", b.starts - f->s0.starts,
			       b.frees - f->s0.frees,
			       b.claims_irq - f->s0.claims_irq,
			       b.claims_retire - f->s0.claims_retire,
			       b.sol - f->s0.sol, b.unsol - f->s0.unsol,
			       b.final - f->s0.final, b.inter - f->s0.inter,
			       b.dropped - f->s0.dropped,
			       b.delivered - f->s0.delivered, b.pinned);
	}
	TH_LOG("elapsed %.1f s (%.1f ms per program; waiting for interrupts "
	       "%.1f s, longest %ld ms)", t, f->programs ?
	       1000.0 * t / f->programs : 0.0, f->t_wait, f->max_wait_ms);
	EXPECT_FALSE(f->dead);
	EXPECT_EQ(0, f->failures) TH_LOG("%ld failures, seed %#" PRIx64,
					 f->failures, f->seed);
}

int main(int argc, char **argv)
{
	if (env_long("VFIO_CCW_FUZZ_ANY_DRIVER", 0) != 1)
		vccw_require_ours("the exact-errno model is of ours (set "
				  "VFIO_CCW_FUZZ_ANY_DRIVER=1 to fuzz it anyway)");
	return test_harness_run(argc, argv);
}
