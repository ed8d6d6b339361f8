// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-ccw fuzzer, the model: the guest memory the fuzzer mapped, a model
 * of the translation contract of driver/vfio_ccw_cp.c (ORB checks, chains,
 * TICs, IDALs, what moves data and gets pinned, in translation order) that
 * predicts a START's result from the bytes in guest memory, and the
 * execution safety check. See vfio_ccw_fuzz.h.
 */
#include "vfio_ccw_fuzz.h"

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
uint8_t *hptr(struct fz *f, uint64_t iova, size_t len)
{
	struct area *a = area_of(f, iova);

	if (!a || !a->host || iova - a->iova + len > a->size)
		return NULL;
	return a->host + (iova - a->iova);
}

void mark(struct fz *f, uint64_t iova, size_t len)
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
void clean(struct fz *f, bool all)
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
int pin_err(struct fz *f, uint64_t iova)
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

uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Decode a CCW as the driver does (format 0 converted to format 1). */
struct mccw decode(const uint8_t *p, bool fmt0)
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

static __printf(3, 4) int mfail(struct model *m, int err, const char *fmt, ...);
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
				return mfail(m, -EINVAL, "CCW fetch at %#lx >= 2G", at);
			r = mread(f, at, raw, 8);
			if (r)
				return mfail(m, r, "CCW fetch at %#lx (chain %d)", at, m->nchains);
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

unsigned int nblocks(uint64_t addr, unsigned int count,
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
			return mfail(m, -EINVAL,
				     "chain %d ccw %u: IDAL %#x not aligned to %u",
				     ci, i, c->cda, g->isize);
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
				return mfail(m, r,
					     "chain %d ccw %u: IDAL read %#x+%u IDAWs",
					     ci, i, c->cda, n);
		}
		for (k = 0; k < n; k++) {
			uint64_t a = g->isize == 8 ? be64(raw + 8 * k) :
						     be32(raw + 4 * k);

			if (g->isize == 4 && (a & 0x80000000U))
				return mfail(m, -EINVAL,
					     "chain %d ccw %u: format-1 IDAW %u bit 0",
					     ci, i, k);
			if (k && (a & (g->bsize - 1)))
				return mfail(m, -EINVAL,
					     "chain %d ccw %u: IDAW %u %#lx not %u-aligned",
					     ci, i, k, a, g->bsize);
			addr[k] = a;
		}
	}
	if (!m_moves_data(c, cmd))
		return 0;
	for (k = 0; k < n; k++) {
		r = pin_err(f, ALIGN_DN(addr[k], PG));
		if (r)
			return mfail(m, r,
				     "chain %d ccw %u: pin block %u at %#lx",
				     ci, i, k, addr[k]);
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
		return mfail(m, -EINVAL,
			     "chain %d ccw %u: TIC with flags %#x count %u",
			     ci, i, t->flags, t->count);
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
int model_run(struct fz *f, struct gen *g)
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
					return mfail(m, -EINVAL,
						     "chain %d ccw %u: command %#x",
						     ci, i,
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
bool cpa_in_program(struct fz *f, uint32_t cpa)
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
bool dangerous(uint8_t cmd)
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
const char *unsafe(struct fz *f, struct gen *g)
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

