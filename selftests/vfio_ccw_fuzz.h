/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vfio-ccw fuzzer's shared parts (the program is vfio_ccw_fuzz_test):
 *
 *  vfio_ccw_fuzz_model.c  the guest's memory as the fuzzer mapped it, and
 *                         the model of the translation contract of
 *                         driver/vfio_ccw_cp.c: what a START of the bytes
 *                         in guest memory must give; the execution safety
 *                         check that throws away programs QEMU cannot run;
 *  vfio_ccw_fuzz_gen.c    the generators: one class of channel programs
 *                         each, built so that its result is known;
 *  vfio_ccw_fuzz_test.c   the runner: the device, region accesses, the
 *                         START of each program, the judgement against
 *                         the model and the driver's counters, the reports.
 *
 * This header has the guest address map, the state of a run (struct fz),
 * the program being generated (struct gen), the model's view of it
 * (struct model) and the seeded generator every part draws from.
 */
#ifndef VFIO_CCW_FUZZ_H
#define VFIO_CCW_FUZZ_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "vfio_ccw_util.h"

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

/* Where the generator puts CCWs, IDALs and data, in which area. */
struct zone {
	int area;
	uint32_t lo, hi;
};

extern const struct zone zones[Z_NR];	/* vfio_ccw_fuzz_gen.c */

/* ------------------------------------------------------------- counters */

struct vstats {
	long starts, eagain, ebusy, other, halts, clears;
	long sol, unsol, final, inter, dropped, delivered, superseded;
	long claims_irq, claims_retire, frees, pinned, own;
};

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

#define NERR 160

struct __test_metadata;

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

/* ------------------------------------------------------------------ PRNG */

static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rnd64(struct gen *g)
{
	/* xorshift64* */
	g->rs ^= g->rs >> 12;
	g->rs ^= g->rs << 25;
	g->rs ^= g->rs >> 27;
	return g->rs * 0x2545f4914f6cdd1dULL;
}

static inline uint32_t rnd(struct gen *g, uint32_t n)
{
	return n ? (uint32_t)((rnd64(g) >> 16) % n) : 0;
}

static inline bool chance(struct gen *g, unsigned int num, unsigned int den)
{
	return rnd(g, den) < num;
}

static inline uint32_t rnd_range(struct gen *g, uint32_t lo, uint32_t hi)
{
	return lo + rnd(g, hi - lo + 1);	/* inclusive */
}

/* vfio_ccw_fuzz_model.c: guest memory */
uint8_t *hptr(struct fz *f, uint64_t iova, size_t len);
void mark(struct fz *f, uint64_t iova, size_t len);
void clean(struct fz *f, bool all);
int pin_err(struct fz *f, uint64_t iova);
uint32_t be32(const uint8_t *p);
uint64_t be64(const uint8_t *p);
void put_be32(uint8_t *p, uint32_t v);
struct mccw decode(const uint8_t *p, bool fmt0);
unsigned int nblocks(uint64_t addr, unsigned int count, unsigned int bsize);

/* vfio_ccw_fuzz_model.c: the model and the execution safety check */
int model_run(struct fz *f, struct gen *g);
bool cpa_in_program(struct fz *f, uint32_t cpa);
bool dangerous(uint8_t cmd);
const char *unsafe(struct fz *f, struct gen *g);

/* vfio_ccw_fuzz_gen.c */
void gen_init(struct gen *g, struct fz *f, long iter);
void gen_program(struct gen *g);
const char *gen_class_name(int cls);
uint64_t get_idaw(struct gen *g, uint64_t idal, unsigned int k);

#endif /* VFIO_CCW_FUZZ_H */
