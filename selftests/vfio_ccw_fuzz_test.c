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
 *    moves data and gets pinned, in translation order: the first defect
 *    decides, Documentation/driver.rst, "Regions and errnos") predicts the
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
#include "vfio_ccw_fuzz.h"
#include "kselftest_harness.h"

#define FZ_MAX_DUMPS		10	/* failures printed in full */

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
		K("irb_superseded", superseded),
		K("claims_irq", claims_irq), K("claims_retire", claims_retire),
		K("frees", frees), K("pinned_pages", pinned), K("own", own),
#undef K
	};
	struct vccw_stats all;
	size_t i;

	if (!vccw_stats_read(uuid, &all))
		return false;
	for (i = 0; i < ARRAY_SIZE(keys); i++)	/* -1: missing */
		*(long *)((char *)s + keys[i].off) =
			vccw_stats_get(&all, keys[i].k);
	return s->pinned >= 0 && s->own >= 0 && s->delivered >= 0;
}

static __printf(1, 2) void fzlog(const char *fmt, ...);
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
			queued = (b.sol + b.unsol - b.dropped - b.superseded) -
				 (f->s0.sol + f->s0.unsol - f->s0.dropped -
				  f->s0.superseded);
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

	fzlog("  orb %08x %08x %08x: fmt %u c64 %u i2k %u pfch %u lpm %02x",
	      be32(o), be32(o + 4), be32(o + 8), g->orb.fmt, g->orb.c64,
	      g->orb.i2k, g->orb.pfch, g->orb.lpm);
	fzlog("  orb key %u spnd %u mod %u alcc %u ssic %u res1 %u B %u zero %02x",
	      g->orb.key, g->orb.spnd, g->orb.mod, g->orb.alcc, g->orb.ssic,
	      g->orb.res1, g->orb.res2, g->orb.zero);
	fzlog("  orb orbx %u; scsw %08x", g->orb.orbx, g->scsw_w0);
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
							"%lx",
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

static __printf(4, 5) void fail(struct fz *f, struct gen *g, int model_ret,
				const char *fmt, ...);
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
		fzlog("FAIL seed %#lx iteration %ld class %s%s%s: %s",
		      f->seed, g->iter, gen_class_name(g->cls),
		      g->variant && *g->variant ? "/" : "",
		      g->variant ? g->variant : "", msg);
	else
		fzlog("FAIL seed %#lx: %s", f->seed, msg);
	if (g && f->dumps++ < FZ_MAX_DUMPS) {
		fzlog("  replay: VFIO_CCW_FUZZ_SEED=%#lx VFIO_CCW_FUZZ_FIRST=%ld %s",
		      f->seed, g->iter, "VFIO_CCW_FUZZ_ITERS=1");
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
	/*
	 * Each counter against what our tally expects. After a mismatch the
	 * tally of a row that has one takes the driver's figure over, so
	 * that one bug is reported once; a leak stops the run.
	 */
	struct {
		const char *what;
		long got, want;
		long *tally;
		bool leak;
	} c[] = {
		{ "pinned_pages", b->pinned, 0, NULL, true },
		{ "own", b->own, 0, NULL, true },
		{ "starts", b->starts - z->starts, f->exp_starts,
		  &f->exp_starts, false },
		{ "frees", b->frees - z->frees, f->exp_starts, NULL, false },
		{ "claims_irq+claims_retire", b->claims_irq - z->claims_irq +
		  b->claims_retire - z->claims_retire, f->exp_starts,
		  NULL, false },
		{ "claims_retire", b->claims_retire - z->claims_retire,
		  b->claims_retire - z->claims_retire > f->resets_busy ?
		  f->resets_busy : b->claims_retire - z->claims_retire,
		  NULL, false },
		{ "refused_ebusy", b->ebusy - z->ebusy, f->exp_ebusy,
		  &f->exp_ebusy, false },
		{ "refused_eagain", b->eagain - z->eagain, 0, NULL, false },
		{ "refused_other", b->other - z->other, f->exp_other,
		  &f->exp_other, false },
		{ "halts", b->halts - z->halts, f->exp_halts,
		  &f->exp_halts, false },
		{ "clears", b->clears - z->clears, f->exp_clears,
		  &f->exp_clears, false },
		{ "irb_final", b->final - z->final, f->exp_finals,
		  &f->exp_finals, false },
		{ "irb_unsolicited", b->unsol - z->unsol, 0, NULL, false },
		{ "irb_dropped", b->dropped - z->dropped, 0, NULL, false },
		/* every IRB is read before the next HSCH/CSCH */
		{ "irb_superseded", b->superseded - z->superseded, 0, NULL,
		  false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		if (c[i].got == c[i].want)
			continue;
		fail(f, g, g && g->have_model ? g->model_ret : NO_PROGRAM,
		     "debugfs %s is %ld, expected %ld (after %ld programs)",
		     c[i].what, c[i].got, c[i].want, f->programs);
		f->s0.pinned = 0;
		if (c[i].tally)
			*c[i].tally = c[i].got;
		if (c[i].leak)
			f->dead = true;	/* stop, keep the state */
	}
}

/*
 * Wait until the device is quiet (after a reset: any number of final
 * IRBs will do) and check the counters. False when it never settled: the
 * failure is reported for @what and the run stops.
 */
static bool settle_and_check(struct fz *f, struct gen *g, int model_ret,
			     const char *what, bool after_reset)
{
	struct vstats b;
	int r = after_reset ? settle_after_reset(f, &b) : settle(f, &b);

	if (r) {
		fail(f, g, model_ret, "%s: settle %s", what, errname(r));
		f->dead = true;
		return false;
	}
	if (f->stats)
		check_stats(f, g, &b);
	return true;
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
		snprintf(what, sizeof(what), "write io region pos %#lx len %zu", pos, len);
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
		snprintf(what, sizeof(what), "write async region pos %#lx len %zu", pos, len);
		expect(f, g, what, got, -EINVAL);
		break;
	case 3:	/* async region: unknown command */
		memset(&cmd, 0, sizeof(cmd));
		do {
			switch (rnd(g, 4)) {
			case 0:
				cmd.command = 0;
				break;
			case 1:
				cmd.command = VFIO_CCW_ASYNC_CMD_HSCH |
					      VFIO_CCW_ASYNC_CMD_CSCH;
				break;
			case 2:
				cmd.command = 1U << rnd(g, 32);
				break;
			default:
				cmd.command = (uint32_t)rnd64(g);
				break;
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
			if (!settle_and_check(f, g, NO_PROGRAM, what, false))
				break;
			got = dev_pread(f, &back, sizeof(back),
					f->d.async.offset);
			expect(f, g, "read async region", got, sizeof(back));
			if (f->ours && got == (long)sizeof(back) &&
			    (back.command != cmd.command || back.ret_code))
				fail(f, g, NO_PROGRAM,
				     "async region after %s: command %#x ret_code %d",
				     what,
				     back.command, (int)back.ret_code);
		}
		break;
	case 5:	/* schib and crw are read-only */
		idx = 2 + rnd(g, 2);
		pos = chance(g, 1, 2) ? 0 : rnd(g, 64);
		len = chance(g, 1, 2) ? rsize(idx) : rnd(g, 128);
		got = dev_pwrite(f, buf, len, region_off(f, idx) + pos);
		snprintf(what, sizeof(what),
			 "write %s region pos %lu len %zu",
			 rname(idx), pos, len);
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
			snprintf(what, sizeof(what), "write region %lu",
				 idx);
		} else {
			got = dev_pread(f, buf, len, region_off(f, idx) + pos);
			snprintf(what, sizeof(what), "read region %lu",
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
		snprintf(what, sizeof(what),
			 "read %s region pos %lu len %zu",
			 rname(idx), pos, len);
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
				snprintf(what, sizeof(what),
					 "write %s region from a faulting buffer",
					 rname(idx));
			} else {
				got = dev_pread(f, ub, size,
						region_off(f, idx));
				snprintf(what, sizeof(what),
					 "read %s region into a faulting buffer",
					 rname(idx));
			}
			expect(f, g, what, got, -EFAULT);
		}
		break;
	case 9:	/* offsets that are negative as loff_t */
		pos = 0x8000000000000000ULL | rnd64(g);
		if (chance(g, 1, 2)) {
			got = dev_pread(f, buf, 8, pos);
			snprintf(what, sizeof(what), "read at %#lx", pos);
		} else {
			got = dev_pwrite(f, buf, 8, pos);
			snprintf(what, sizeof(what), "write at %#lx", pos);
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
			uint8_t *p;

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
			if (!settle_and_check(f, g, NO_PROGRAM, what, true))
				break;
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
		fail(f, g, model_ret, "final IRB without start function (fctl %x)", scsw_fctl(s));
	if (!(scsw_stctl(s) & SCSW_STCTL_STATUS_PEND))
		fail(f, g, model_ret, "final IRB without status pending (stctl %x)", scsw_stctl(s));
	if (!cpa_in_program(f, s->cpa))
		fail(f, g, model_ret, "IRB CCW address %#x is not in the guest's program", s->cpa);
	if (!g->verify)
		return;
	if (!vccw_good_end(irb)) {
		fail(f, g, model_ret,
		     "SENSE ID ended with dstat %02x cstat %02x",
		     scsw_dstat(s), scsw_cstat(s));
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
			fail(f, g, model_ret,
			     "SENSE ID data %02x %02x %02x, expected ff 38 32",
			     got[0], got[1], got[2]);
		else
			f->verified++;
		if (quirk)
			f->qemu_ida_quirk++;
	}
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
		gen_program(g);
		if (chance(g, 1, 16))
			g->scsw_w0 |= (uint32_t)rnd64(g) & ~(1U << 14);
		why = unsafe(f, g);
		if (!why)
			break;
		f->filtered++;
		if (f->verbose)
			fzlog("iter %ld: %s/%s filtered: %s", g->iter,
			      gen_class_name(g->cls), g->variant ?: "", why);
		clean(f, false);
		if (tries == 100) {
			fail(f, g, NO_PROGRAM, "generator: nothing safe in 100 tries");
			return;
		}
	}
	model_ret = model_run(f, g);
	g->model_ret = model_ret;
	g->have_model = true;
	if (g->want != WANT_MODEL && g->want != model_ret)
		fail(f, g, model_ret,
		     "test bug: class built for %s, model says %s",
		     errname(g->want), errname(model_ret));

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
				fail(f, g, model_ret,
				     "second START right behind the first: %s, expected accepted or -EBUSY",
				     errname(got2));
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
		fail(f, g, model_ret, "START returned %s: not a documented errno", errname(got));
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
			fail(f, g, model_ret,
			     "io region after START: ret_code %d, orb %s",
			     (int)back.ret_code,
			     memcmp(back.orb_area, &g->orb, sizeof(g->orb)) ?
			     "differs" : "ok");
	}

	if (acc) {
		r = wait_final(f, &irb);
		if (r) {
			fail(f, g, model_ret, "accepted, but no final IRB (%s)", errname(r));
			f->dead = true;
			return;
		}
		if (!g->b2b || got2 != VCCW_IO_ACCEPTED)
			check_irb(f, g, model_ret, &irb);
		if (!settle_and_check(f, g, model_ret, "the program", false))
			return;
		clean(f, true);
	} else {
		if (f->stats && f->check_every &&
		    !(f->programs % f->check_every))
			quick_check(f, g);
		clean(f, false);
	}
	if (f->verbose)
		fzlog("iter %ld: %s/%s -> %s%s", g->iter, gen_class_name(g->cls),
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
		fail(f, NULL, NO_PROGRAM,
		     "final SENSE ID: dstat %02x cstat %02x data %02x %02x %02x",
		     scsw_dstat(&irb.scsw),
		     scsw_cstat(&irb.scsw), data[0], data[1], data[2]);
	else
		fzlog("final SENSE ID: cu type %02x%02x model %02x, dev type %02x%02x",
		      data[1], data[2], data[3], data[4], data[5]);
	settle(f, NULL);
	clean(f, true);
}

/* --------------------------------------------------------------- harness */

static int map_extra(struct fz *f, int i, uint64_t iova, bool ro, bool na)
{
	struct area *a = &f->a[i];
	void *p;
	int ret;

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
	ret = vccw_dma_map(f->d.container, p, iova, a->size, !ro);
	if (ret)
		return ret;
	a->mapped = true;
	return 0;
}

static void unmap_extra(struct fz *f)
{
	int i;

	for (i = A_LOW; i < A_NR; i++) {
		struct area *a = &f->a[i];

		if (a->mapped)
			vccw_dma_unmap(f->d.container, a->iova, a->size);
		a->mapped = false;
		if (a->base)
			munmap(a->base, a->size);
		a->base = NULL;
		a->host = NULL;
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
	const char *seed_env = getenv("VFIO_CCW_FUZZ_SEED");
	struct fz *f;
	uint8_t *pg;

	ASSERT_NE(NULL, uuid) TH_LOG("VFIO_CCW_MDEV is not set");
	f = calloc(1, sizeof(*f));
	ASSERT_NE(NULL, f);
	self->f = f;
	f->md = _metadata;
	ASSERT_VCCW_OPEN(&f->d, uuid);
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

	TH_LOG("seed %#lx iterations %ld..%ld (replay: VFIO_CCW_FUZZ_SEED=%#lx)",
	       f->seed, f->first, f->first + f->iters - 1, f->seed);
	TH_LOG("driver %s, debugfs check every %ld",
	       f->ours ? "ours (exact errnos)" :
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
			fzlog("progress: %ld programs, %ld accepted, %ld failures, %.1f s",
			      f->programs, f->accepted, f->failures,
			      now() - f->t0);
	}
	t = now() - f->t0;
	if (!f->dead) {
		final_sense_id(f);
		quick_check(f, NULL);
	}

	TH_LOG("programs %ld (%ld accepted, %ld verified SENSE ID of which",
	       f->programs, f->accepted, f->verified);
	TH_LOG("%ld with QEMU's IDAW restart,", f->qemu_ida_quirk);
	TH_LOG("%ld back-to-back), %ld filtered as unsafe,", f->b2b, f->filtered);
	TH_LOG("%ld region accesses (%ld resets, %ld behind a START)",
	       f->region_ops, f->resets, f->resets_busy);
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
					" %s %ld/%ld", gen_class_name(c),
					f->cls_acc[c], f->cls_n[c]);
		TH_LOG("accepted/run per class:%s", line);
	}
	if (f->stats) {
		struct vstats b;

		if (read_vstats(f->d.uuid, &b)) {
			TH_LOG("debugfs: starts %ld frees %ld claims irq %ld retire %ld,",
			       b.starts - f->s0.starts,
			       b.frees - f->s0.frees,
			       b.claims_irq - f->s0.claims_irq,
			       b.claims_retire - f->s0.claims_retire);
			TH_LOG("debugfs: IRBs solicited %ld unsolicited %ld final %ld",
			       b.sol - f->s0.sol, b.unsol - f->s0.unsol,
			       b.final - f->s0.final);
			TH_LOG("debugfs: IRBs intermediate %ld,",
			       b.inter - f->s0.inter);
			TH_LOG("debugfs: IRBs dropped %ld delivered %ld, pinned now %ld",
			       b.dropped - f->s0.dropped,
			       b.delivered - f->s0.delivered, b.pinned);
		}
	}
	TH_LOG("elapsed %.1f s (%.1f ms per program;", t,
	       f->programs ? 1000.0 * t / f->programs : 0.0);
	TH_LOG("waiting for interrupts %.1f s, longest %ld ms)", f->t_wait,
	       f->max_wait_ms);
	EXPECT_FALSE(f->dead);
	EXPECT_EQ(0, f->failures) TH_LOG("%ld failures, seed %#lx",
					 f->failures, f->seed);
}

/* Fuzz another driver too, checking only that its errnos are documented. */
#define ANY_DRIVER "VFIO_CCW_FUZZ_ANY_DRIVER"

int main(int argc, char **argv)
{
	if (env_long(ANY_DRIVER, 0) != 1)
		vccw_require_ours("the exact-errno model is of ours (set "
				  ANY_DRIVER "=1 to fuzz it anyway)");
	return test_harness_run(argc, argv);
}
