// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw fuzzer, the generators: each class builds channel programs
 * whose result is known by construction (transport mode -> -EOPNOTSUPP,
 * TIC to TIC -> -EINVAL, 257 CCWs -> -EINVAL, data in a read-only mapping
 * -> -EPERM, ...) or left to the model (WANT_MODEL). See vfio_ccw_fuzz.h.
 */
#include "vfio_ccw_fuzz.h"

const struct zone zones[Z_NR] = {
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

uint64_t get_idaw(struct gen *g, uint64_t idal, unsigned int k)
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
	static const char * const variants[] = {
		"single", "noop_first", "tic", "noop_tic"
	};
	bool fmt0 = chance(g, 1, 5);
	uint64_t at, x;
	struct mccw c;
	bool ida;
	uint8_t *p;
	int v = rnd(g, ARRAY_SIZE(variants));

	orb_init(g, fmt0);
	if (!g->orb.lpm)
		g->orb.lpm = 0x80;
	g->want = 0;
	g->verify = true;
	g->variant = variants[v];
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
		o->sync = 1;
		o->isic = 1;
		o->ils = 1;
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

/* A valid CCW for the slot of a fresh chain; *x is where it goes. */
static struct mccw slot_ccw(struct gen *g, uint64_t *x)
{
	int n, k;

	*x = chain_with_slot(g, &n, &k);
	return valid_ccw(g, chain_of(g, n, k));
}

static void gen_cmd_x8(struct gen *g)
{
	uint64_t x;
	struct mccw c;

	orb_init(g, false);
	c = slot_ccw(g, &x);
	c.cmd = (1 + rnd(g, 15)) << 4 | CCW_CMD_TIC;
	put_ccw(g, x, c);
	g->want = -EINVAL;
	g->variant = "";
}

static void gen_mida(struct gen *g)
{
	uint64_t x;
	struct mccw c;

	orb_init(g, chance(g, 1, 6));
	c = slot_ccw(g, &x);
	c.flags |= CCW_FLAG_MIDA;
	put_ccw(g, x, c);
	g->want = -EINVAL;
	g->variant = c.count ? "" : "count0";
}

static void gen_cda_bit0(struct gen *g)
{
	uint64_t x;
	struct mccw c;

	orb_init(g, false);
	c = slot_ccw(g, &x);
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
	uint64_t x, w;
	unsigned int nb, j;
	struct mccw c;
	bool ida, fmt1idaw = chance(g, 1, 2);

	orb_init(g, false);
	if (fmt1idaw) {
		g->orb.c64 = 0;
		orb_derive(g);
	}
	c = slot_ccw(g, &x);
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
	uint64_t x, page, idal, first;
	unsigned int nb2, j;
	struct mccw c;

	orb_init(g, false);
	c = slot_ccw(g, &x);
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
	uint64_t x;
	struct mccw c;

	orb_init(g, chance(g, 1, 6));
	c = slot_ccw(g, &x);
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

/* Draw a class by weight and build its program into guest memory. */
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

void gen_program(struct gen *g)
{
	g->cls = pick_class(g);
	g->scsw_w0 = SCSW_FCTL_START << 12;
	gens[g->cls](g);
}

const char *gen_class_name(int cls)
{
	return classes[cls].name;
}

/* Iteration @iter's generator, seeded from (f->seed, @iter). */
void gen_init(struct gen *g, struct fz *f, long iter)
{
	uint64_t x = f->seed ^ ((uint64_t)iter * 0xd1b54a32d192ed03ULL);

	memset(g, 0, sizeof(*g));
	g->f = f;
	g->iter = iter;
	g->rs = splitmix64(&x);
	if (!g->rs)
		g->rs = 1;
}
