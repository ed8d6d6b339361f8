// SPDX-License-Identifier: GPL-2.0
/*
 * Channel-program translation for vfio-ccw.
 *
 * The guest's channel program uses guest addresses, which the channel
 * subsystem cannot use. vccw_cp_prefetch() therefore builds a shadow:
 *
 *  - A "chain" is a run of CCWs that lie one after the other in guest
 *    memory. It starts at the ORB's cpa or at a TIC target and goes on as
 *    long as a CCW chains (CC or CD flag) or is a TIC back into the chain
 *    itself (the "search, TIC back" loop, left by status modifier). Each
 *    chain is copied into a kernel array of 31-bit storage that has one
 *    extra, all-zero CCW at its end: command code 0x00 is invalid, so a
 *    channel that skips past the last guest CCW (status modifier) gets a
 *    program check instead of running into unrelated memory.
 *  - Data chaining: the CCW behind one with the CD flag, or the target of
 *    a TIC behind one with CD, continues that CCW's operation with its own
 *    count, flags and data address. The channel ignores its command code
 *    (except that a TIC is still a TIC), so everything that depends on the
 *    command (does it move data, may it go to the bucket page) is decided
 *    by the command of the CCW that began the data chain, kept for each
 *    kernel CCW in its vccw_ccw_res. A CCW behind a TIC in the same chain
 *    (reached by status modifier) begins a new command.
 *  - A TIC is pointed at the kernel copy of its target. A target inside a
 *    chain already copied (loops, jumps back) reuses that copy if the
 *    copy runs it with the same command (its own, or that of the data
 *    chain the TIC continues); any other target starts a new chain, so a
 *    CCW reached both as a new command and as a data-chaining
 *    continuation has one copy for each.
 *  - Every CCW that moves data gets a kernel IDAL of format-2 IDAWs that
 *    point at the pinned host pages behind the guest's data, whether the
 *    guest used IDA or not (pinned pages are not contiguous in the host).
 *    The block size is the guest's: 2K for format-1 IDAWs (ORB c64=0) or
 *    ORB i2k=1, else 4K; the ORB given to ssch says c64=1 and i2k to match.
 *  - A CCW that moves no data (count 0, NOP, skip on read/sense, invalid
 *    command; the command being that of its data chain) pins nothing; its
 *    address points at a per-device bucket page so that even a
 *    misbehaving device cannot touch guest memory that is not pinned.
 *  - Format-0 CCWs (ORB fmt=0) are converted to format 1 as they are read.
 *
 * Errors (each leaves nothing pinned or allocated):
 *
 *  vccw_cp_init()
 *   -EBUSY       the cp is already initialized (caller bug)
 *   -EOPNOTSUPP  transport-mode ORB (word 1 bit 13, the tm B bit)
 *   -EOPNOTSUPP  ORB extension (orbx)
 *   -EOPNOTSUPP  MIDAW control (word 1 bit 25)
 *   -EINVAL      other reserved ORB bits (res1, word 1 bits 26-30)
 *   -EOPNOTSUPP  key != 0: guest storage keys are not those of the pinned
 *                host pages, so key-controlled protection can't be honored
 *   -EOPNOTSUPP  spnd, ssic (suspend/resume is not supported)
 *   -EOPNOTSUPP  mod (the guest may not modify a program we copied)
 *   -EOPNOTSUPP  alcc (the guest's address limit is not the host's)
 *   -EINVAL      cpa not doubleword aligned, or not a 31-bit address
 *   Accepted and passed to ssch: sync, isic, ils, lpm (0 means all paths
 *   of the subchannel). pfch=0 is accepted: the program is prefetched
 *   anyway, and one notice per device is logged.
 *
 *  vccw_cp_prefetch()
 *   -EINVAL      not initialized (caller bug); -EBUSY already prefetched
 *   -EINVAL      a chain longer than VCCW_CHAIN_LEN_MAX CCWs
 *   -EINVAL      more than VCCW_CHAINS_MAX chains (a CCW copied twice, for
 *                two commands, is in two chains)
 *   -EINVAL      CCWs that would be fetched at or above 2G
 *   -EINVAL      TIC to TIC; TIC target not doubleword aligned or >= 2G;
 *                format-1 TIC with flags or count set, or a command code
 *                0xX8 with X != 0 (the architecture makes all of these
 *                program checks; the last one must never reach the channel
 *                unmodified since it may be taken as a TIC)
 *   -EINVAL      MIDA flag (0x01) in a CCW (MIDAWs are not supported)
 *   -EINVAL      format-1 data or IDAL address with bit 0 set
 *   -EINVAL      IDAL address not aligned to its IDAW size
 *   -EINVAL      format-1 IDAW with bit 0 set; an IDAW other than the first
 *                not aligned to the block size
 *   (vfio_dma_rw) reading CCWs or an IDAL failed: -EINVAL when the address
 *                is not in a DMA mapping (type1 or iommufd), -EFAULT when
 *                it cannot be read
 *   (vfio_pin_pages) pinning data failed: -EINVAL when the address is not
 *                in a DMA mapping, -EPERM when the mapping is read-only,
 *                -ENOMEM/-EFAULT from the mm; -EFAULT on a short pin
 *   -ENOMEM      out of memory
 *   Passed through for the channel to judge: unknown and invalid command
 *   codes, the suspend flag (a program check with ORB spnd=0), PCI, SLI,
 *   count 0 with CD. The command code of a data-chaining continuation
 *   (zero, say) is ignored, as by the channel.
 *
 * Caps: VCCW_CHAIN_LEN_MAX (256) CCWs per chain and VCCW_CHAINS_MAX (16)
 * chains, so at most 4096 CCWs. A CCW has at most VCCW_IDAWS_MAX (33)
 * IDAWs (64K - 1 bytes in 2K blocks, first one unaligned), so one program
 * holds at most 4096 IDALs of 33 IDAWs and 135168 pin references. Pinning
 * a page twice only takes another reference, so the host memory pinned is
 * bounded by the guest's DMA mappings (and vfio's locked-memory limit).
 *
 * Cleanup contract: vccw_cp_init() and vccw_cp_prefetch() undo everything
 * they did before returning an error, so vccw_cp_free() after a failure
 * only clears @initialized. vccw_cp_free() is a no-op on a cp that is not
 * initialized.
 */

#include <linux/device.h>
#include <linux/error-injection.h>
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vfio.h>
#include <asm/idals.h>
#include <kunit/visibility.h>

#include "cio.h"
#include "vfio_ccw_cp.h"

/* CCW flag bit 7: modified IDA; needs ORB word 1 bit 25 */
#define VCCW_FLAG_MIDA		0x01
/* ORB word 1 bit 25 (MIDAW control) is the top bit of cmd_orb.zero */
#define VCCW_ORB_MIDA		0x20
/* Bit 0 of a 31-bit address word must be zero */
#define VCCW_ADDR_BIT0		0x80000000U
#define VCCW_2G			0x80000000ULL

#define VCCW_CCW_SIZE		sizeof(struct ccw1)

/* IDAWs one CCW can need: 64K - 1 bytes in 2K blocks plus a partial one */
#define VCCW_IDAWS_MAX		(DIV_ROUND_UP(U16_MAX, IDA_2K_BLOCK_SIZE) + 1)

/**
 * struct vccw_pin_run - guest pages pinned by one vfio_pin_pages() call
 * @iova: guest address of the first page, page aligned
 * @npage: number of pages
 */
struct vccw_pin_run {
	u64 iova;
	unsigned int npage;
};

/**
 * struct vccw_ccw_res - what translating one CCW holds
 * @idal: kernel IDAL the CCW points at, or NULL; 31-bit storage
 * @runs: pinned runs, stored in the same allocation, behind @idal
 * @nr_runs: number of entries in @runs
 * @nr_idaws: number of entries in @idal
 * @cmd: the command the CCW is executed with: its own command code, or
 *	that of the CCW that began the data chain it continues
 */
struct vccw_ccw_res {
	dma64_t *idal;
	struct vccw_pin_run *runs;
	unsigned int nr_runs;
	unsigned int nr_idaws;
	u8 cmd;
};

/**
 * struct vccw_chain - kernel copy of CCWs consecutive in guest memory
 * @link: entry on vccw_cp.chains
 * @guest_addr: guest address of the first CCW
 * @ccws: @len translated CCWs plus the guard CCW; 31-bit storage
 * @len: number of guest CCWs in the chain
 * @res: what translating each CCW holds (nothing for a TIC)
 */
struct vccw_chain {
	struct list_head link;
	u32 guest_addr;
	struct ccw1 *ccws;
	unsigned int len;
	struct vccw_ccw_res res[] __counted_by(len);
};

/**
 * struct vccw_xlate_scratch - scratch for translating one CCW
 * @addr: guest address of the data of each IDAW
 * @page_of: for each IDAW, the index of its page in @pages
 * @pages: pinned pages, in the order of @runs
 * @runs: runs of guest pages to pin
 * @raw: the guest IDAL as read, format 1 or format 2
 */
struct vccw_xlate_scratch {
	u64 addr[VCCW_IDAWS_MAX];
	u8 page_of[VCCW_IDAWS_MAX];
	struct page *pages[VCCW_IDAWS_MAX];
	struct vccw_pin_run runs[VCCW_IDAWS_MAX];
	union {
		u32 f1[VCCW_IDAWS_MAX];
		u64 f2[VCCW_IDAWS_MAX];
	} raw;
};

/*
 * An address in no DMA mapping: vfio type1 answers -EINVAL, iommufd
 * (its access API, also behind its /dev/vfio/vfio) -ENOENT. Userspace
 * gets -EINVAL from either, as the errno table above says.
 */
static int vccw_vfio_errno(int ret)
{
	return ret == -ENOENT ? -EINVAL : ret;
}

static int vccw_vfio_dma_rw(struct vccw_cp *cp, u64 iova, void *data,
			    size_t len, bool write)
{
	return vccw_vfio_errno(vfio_dma_rw(cp->vdev, iova, data, len, write));
}

static int vccw_vfio_pin_pages(struct vccw_cp *cp, u64 iova, int npage,
			       struct page **pages)
{
	return vccw_vfio_errno(vfio_pin_pages(cp->vdev, iova, npage,
					      IOMMU_READ | IOMMU_WRITE, pages));
}

static void vccw_vfio_unpin_pages(struct vccw_cp *cp, u64 iova, int npage)
{
	vfio_unpin_pages(cp->vdev, iova, npage);
}

static const struct vccw_cp_ops vccw_cp_vfio_ops = {
	.dma_rw = vccw_vfio_dma_rw,
	.pin_pages = vccw_vfio_pin_pages,
	.unpin_pages = vccw_vfio_unpin_pages,
};

static void vccw_cp_account(struct vccw_cp *cp, long delta)
{
	if (cp->pinned_now)
		atomic_long_add(delta, cp->pinned_now);
}

/*
 * Pin @npage guest pages from the page-aligned @iova. All or nothing:
 * returns 0 with the pages pinned and counted, or -errno with none.
 * A fault-injection point (fail_function).
 */
static noinline __noclone int vccw_cp_pin_pages(struct vccw_cp *cp, u64 iova,
						int npage,
						struct page **pages)
{
	int ret;

	ret = cp->ops->pin_pages(cp, iova, npage, pages);
	if (ret < 0)
		return ret;
	if (ret != npage) {
		/* vfio pins all or nothing; never keep a short pin */
		if (ret > 0)
			cp->ops->unpin_pages(cp, iova, ret);
		return -EFAULT;
	}
	vccw_cp_account(cp, npage);
	return 0;
}
ALLOW_ERROR_INJECTION(vccw_cp_pin_pages, ERRNO);

static void vccw_cp_unpin(struct vccw_cp *cp, const struct vccw_pin_run *run)
{
	cp->ops->unpin_pages(cp, run->iova, run->npage);
	vccw_cp_account(cp, -(long)run->npage);
}

/*
 * Allocate a chain for @len guest CCWs at @guest_addr, not yet on the
 * list. Returns the chain or ERR_PTR(-ENOMEM). A fault-injection point
 * (fail_function, ERRNO: the injected errno comes back as an ERR_PTR).
 */
static noinline __noclone struct vccw_chain *
vccw_cp_alloc_chain(struct vccw_cp *cp, u32 guest_addr, unsigned int len)
{
	struct vccw_chain *chain;

	chain = kzalloc(struct_size(chain, res, len), GFP_KERNEL);
	if (!chain)
		return ERR_PTR(-ENOMEM);
	chain->len = len;
	chain->guest_addr = guest_addr;
	/* Zeroed: the extra CCW is the guard, command code 0x00 (invalid). */
	chain->ccws = kcalloc(len + 1, VCCW_CCW_SIZE, GFP_DMA | GFP_KERNEL);
	if (!chain->ccws) {
		kfree(chain);
		return ERR_PTR(-ENOMEM);
	}
	return chain;
}
ALLOW_ERROR_INJECTION(vccw_cp_alloc_chain, ERRNO);

/* Unpin and free everything of @chain, and the chain itself. */
static void vccw_chain_release(struct vccw_cp *cp, struct vccw_chain *chain)
{
	unsigned int i, r;

	for (i = 0; i < chain->len; i++) {
		struct vccw_ccw_res *res = &chain->res[i];

		for (r = 0; r < res->nr_runs; r++)
			vccw_cp_unpin(cp, &res->runs[r]);
		kfree(res->idal);
	}
	list_del(&chain->link);
	kfree(chain->ccws);
	kfree(chain);
}

static void vccw_cp_release_chains(struct vccw_cp *cp)
{
	struct vccw_chain *chain, *next;

	list_for_each_entry_safe(chain, next, &cp->chains, link)
		vccw_chain_release(cp, chain);
	cp->nr_chains = 0;
}

/* Block size of the guest's IDAWs, and of the kernel IDALs we build. */
static unsigned long vccw_block_size(const struct vccw_cp *cp)
{
	/* Format-1 IDAWs (c64=0) always address 2K blocks. */
	if (!cp->orb.cmd.c64 || cp->orb.cmd.i2k)
		return IDA_2K_BLOCK_SIZE;
	return IDA_BLOCK_SIZE;
}

/* Number of @bsize blocks that @count bytes from @addr touch. */
static unsigned int vccw_nr_blocks(u64 addr, unsigned int count,
				   unsigned long bsize)
{
	return DIV_ROUND_UP((addr & (bsize - 1)) + count, bsize);
}

static bool vccw_is_tic(const struct ccw1 *ccw)
{
	return ccw->cmd_code == CCW_CMD_TIC;
}

/* Rewrite @n format-0 CCWs in place as format-1 CCWs. */
static void vccw_ccws_to_format1(struct ccw1 *ccws, unsigned int n)
{
	struct ccw0 old;
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(&old, &ccws[i], sizeof(old));
		if ((old.cmd_code & 0x0f) == CCW_CMD_TIC) {
			/* Format-0 TIC: bits 0-3 and the second word ignored */
			ccws[i].cmd_code = CCW_CMD_TIC;
			ccws[i].flags = 0;
			ccws[i].count = 0;
		} else {
			ccws[i].cmd_code = old.cmd_code;
			ccws[i].flags = old.flags;
			ccws[i].count = old.count;
		}
		ccws[i].cda = u32_to_dma32(old.cda);
	}
}

/*
 * Does the chain starting at guest address @head go on past @ccw, its
 * CCW number @idx? Yes if @ccw chains, or if it is a TIC back into the
 * CCWs 0..@idx: then the CCW behind the TIC is reachable by status
 * modifier from the CCW that chained to the TIC.
 */
static bool vccw_chain_goes_on(const struct ccw1 *ccw, u32 head,
			       unsigned int idx)
{
	u32 target;

	if (!vccw_is_tic(ccw))
		return ccw->flags & (CCW_FLAG_CC | CCW_FLAG_DC);
	target = dma32_to_u32(ccw->cda);
	return target >= head && target - head <= idx * VCCW_CCW_SIZE;
}

/*
 * Does @ccw data-chain, i.e. is the next CCW (or the target of a TIC that
 * is the next CCW) a continuation of its operation? A TIC never chains.
 */
static bool vccw_data_chains(const struct ccw1 *ccw)
{
	return !vccw_is_tic(ccw) && (ccw->flags & CCW_FLAG_DC);
}

/*
 * Note in @chain->res the command each CCW of @chain is executed with.
 * The first one is executed with *@dc_cmd if a TIC continues a data chain
 * into it, else with its own command code. Each other CCW continues the
 * data chain of the CCW before it if that one has CD: the channel then
 * ignores its command code. A CCW behind a CCW without CD, or behind a
 * TIC (reached by status modifier), begins a command of its own.
 */
static void vccw_chain_cmds(struct vccw_chain *chain, const u8 *dc_cmd)
{
	unsigned int i;

	chain->res[0].cmd = dc_cmd ? *dc_cmd : chain->ccws[0].cmd_code;
	for (i = 1; i < chain->len; i++) {
		if (vccw_data_chains(&chain->ccws[i - 1]))
			chain->res[i].cmd = chain->res[i - 1].cmd;
		else
			chain->res[i].cmd = chain->ccws[i].cmd_code;
	}
}

/*
 * Read the chain that starts at guest address @head into a new kernel
 * chain and append it to cp->chains. The guest is read a page at a time,
 * only as far as the chain goes, so a chain that ends right before an
 * unmapped page is fine. @dc_cmd is the command of the data chain that a
 * TIC continues into @head, or NULL if @head begins a command.
 */
static int vccw_chain_build(struct vccw_cp *cp, u32 head, const u8 *dc_cmd,
			    struct vccw_chain **out)
{
	struct ccw1 *buf = cp->guest_ccws;
	unsigned int have = 0, len = 0;
	struct vccw_chain *chain;
	bool more;
	int ret;

	if (cp->nr_chains >= VCCW_CHAINS_MAX)
		return -EINVAL;

	do {
		if (len == have) {
			u64 at = (u64)head + have * VCCW_CCW_SIZE;
			unsigned int n;

			if (have == VCCW_CHAIN_LEN_MAX || at >= VCCW_2G)
				return -EINVAL;
			n = (PAGE_SIZE - offset_in_page(at)) / VCCW_CCW_SIZE;
			n = min(n, VCCW_CHAIN_LEN_MAX - have);
			ret = cp->ops->dma_rw(cp, at, &buf[have],
					      n * VCCW_CCW_SIZE, false);
			if (ret)
				return ret;
			if (!cp->orb.cmd.fmt)
				vccw_ccws_to_format1(&buf[have], n);
			have += n;
		}
		more = vccw_chain_goes_on(&buf[len], head, len);
		len++;
	} while (more);

	chain = vccw_cp_alloc_chain(cp, head, len);
	if (IS_ERR(chain))
		return PTR_ERR(chain);
	memcpy(chain->ccws, buf, len * VCCW_CCW_SIZE);
	vccw_chain_cmds(chain, dc_cmd);
	list_add_tail(&chain->link, &cp->chains);
	cp->nr_chains++;
	*out = chain;
	return 0;
}

/*
 * Point the TIC @from->ccws[@idx] at the kernel copy of its target. If
 * the CCW before the TIC has CD, the target continues that data chain and
 * is executed with its command; else the target begins a command of its
 * own. A chain already copied is reused if it holds the target to be
 * executed with that same command; otherwise the target chain is copied
 * (again) with that command.
 */
static int vccw_tic_link(struct vccw_cp *cp, struct vccw_chain *from,
			 unsigned int idx)
{
	struct ccw1 *tic = &from->ccws[idx];
	u32 target = dma32_to_u32(tic->cda);
	const u8 *dc_cmd = NULL;
	struct vccw_chain *chain;
	struct ccw1 *dest = NULL;
	int ret;

	if (tic->flags || tic->count)
		return -EINVAL;
	if (target & (VCCW_CCW_SIZE - 1) || target & VCCW_ADDR_BIT0)
		return -EINVAL;
	if (idx && vccw_data_chains(&from->ccws[idx - 1]))
		dc_cmd = &from->res[idx - 1].cmd;

	list_for_each_entry(chain, &cp->chains, link) {
		u32 off = target - chain->guest_addr;
		unsigned int k;

		if (target < chain->guest_addr ||
		    off >= chain->len * VCCW_CCW_SIZE)
			continue;
		k = off / VCCW_CCW_SIZE;
		if (chain->res[k].cmd ==
		    (dc_cmd ? *dc_cmd : chain->ccws[k].cmd_code)) {
			dest = &chain->ccws[k];
			break;
		}
	}
	if (!dest) {
		ret = vccw_chain_build(cp, target, dc_cmd, &chain);
		if (ret)
			return ret;
		dest = chain->ccws;
	}
	/* The kernel copy keeps the guest's command codes. */
	if (vccw_is_tic(dest))
		return -EINVAL;
	tic->cda = virt_to_dma32(dest);
	return 0;
}

/*
 * Does @ccw, executed with command @cmd, move data? @cmd is the CCW's own
 * command code, or that of the CCW that began its data chain: the count
 * and the flags (skip) are the CCW's own.
 */
static bool vccw_ccw_moves_data(const struct ccw1 *ccw, u8 cmd)
{
	if (!ccw->count || cmd == CCW_CMD_NOOP)
		return false;
	/* Command code 0xX0 is invalid: program check, no transfer. */
	if (!(cmd & 0x0f))
		return false;
	if (!(ccw->flags & CCW_FLAG_SKIP))
		return true;
	/* Skip suppresses the transfer for read, read backward and sense. */
	if ((cmd & 0x03) == 0x02 || (cmd & 0x0f) == 0x0c ||
	    (cmd & 0x0f) == CCW_CMD_BASIC_SENSE)
		return false;
	return true;
}

/*
 * Fill scratch->addr with the guest address of each data block of @ccw,
 * from its IDAL or from its data address. Returns the number of blocks.
 */
static int vccw_guest_blocks(struct vccw_cp *cp, const struct ccw1 *ccw)
{
	struct vccw_xlate_scratch *sc = cp->scratch;
	unsigned long bsize = vccw_block_size(cp);
	u32 cda = dma32_to_u32(ccw->cda);
	bool fmt2 = cp->orb.cmd.c64;
	size_t isize = fmt2 ? sizeof(u64) : sizeof(u32);
	unsigned int i, n;
	u64 first;
	int ret;

	if (cda & VCCW_ADDR_BIT0)
		return -EINVAL;

	if (!(ccw->flags & CCW_FLAG_IDA)) {
		n = vccw_nr_blocks(cda, ccw->count, bsize);
		sc->addr[0] = cda;
		for (i = 1; i < n; i++)
			sc->addr[i] = ALIGN_DOWN((u64)cda, bsize) + i * bsize;
		return n;
	}

	if (cda & (isize - 1))
		return -EINVAL;
	/* The first IDAW tells how many more there are. */
	ret = cp->ops->dma_rw(cp, cda, &sc->raw, isize, false);
	if (ret)
		return ret;
	first = fmt2 ? sc->raw.f2[0] : sc->raw.f1[0];
	n = vccw_nr_blocks(first, ccw->count, bsize);
	if (n > 1) {
		void *rest = fmt2 ? (void *)&sc->raw.f2[1] :
				    (void *)&sc->raw.f1[1];

		ret = cp->ops->dma_rw(cp, (u64)cda + isize, rest,
				      (n - 1) * isize, false);
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		u64 a = fmt2 ? sc->raw.f2[i] : sc->raw.f1[i];

		if (!fmt2 && (a & VCCW_ADDR_BIT0))
			return -EINVAL;
		/* Only the first IDAW may start inside a block. */
		if (i && (a & (bsize - 1)))
			return -EINVAL;
		sc->addr[i] = a;
	}
	return n;
}

/*
 * Group the guest pages behind scratch->addr[0..n) into runs of consecutive
 * pages in scratch->runs, and note each IDAW's page in scratch->page_of. Two 2K
 * blocks in the same page back to back share one pin.
 */
static unsigned int vccw_plan_runs(struct vccw_xlate_scratch *sc, unsigned int n)
{
	unsigned int i, nr_runs = 0, npages = 0;

	for (i = 0; i < n; i++) {
		u64 page = sc->addr[i] & PAGE_MASK;
		struct vccw_pin_run *run = nr_runs ? &sc->runs[nr_runs - 1] :
						     NULL;

		if (run && page == run->iova + (run->npage - 1) * PAGE_SIZE) {
			/* same page as the IDAW before */
		} else if (run && page == run->iova + run->npage * PAGE_SIZE) {
			run->npage++;
			npages++;
		} else {
			run = &sc->runs[nr_runs++];
			run->iova = page;
			run->npage = 1;
			npages++;
		}
		sc->page_of[i] = npages - 1;
	}
	return nr_runs;
}

/*
 * Translate the data address of the non-TIC @ccw, executed with command
 * res->cmd: pin its data and point it at a new kernel IDAL, recorded in
 * @res. On error nothing is pinned and @res is untouched.
 */
static int vccw_ccw_translate(struct vccw_cp *cp, struct ccw1 *ccw,
			      struct vccw_ccw_res *res)
{
	struct vccw_xlate_scratch *sc = cp->scratch;
	unsigned long bsize = vccw_block_size(cp);
	unsigned int i, r, p, n, nr_runs = 0;
	struct vccw_pin_run *runs;
	dma64_t *idal;
	int ret;

	if (ccw->flags & VCCW_FLAG_MIDA)
		return -EINVAL;

	if (!ccw->count) {
		/* Nothing to transfer: no IDAL, a harmless address. */
		ccw->flags &= ~CCW_FLAG_IDA;
		ccw->cda = virt_to_dma32(cp->bucket);
		return 0;
	}

	ret = vccw_guest_blocks(cp, ccw);
	if (ret < 0)
		return ret;
	n = ret;

	if (vccw_ccw_moves_data(ccw, res->cmd))
		nr_runs = vccw_plan_runs(sc, n);

	idal = kmalloc(n * sizeof(*idal) + nr_runs * sizeof(*runs),
		       GFP_DMA | GFP_KERNEL);
	if (!idal)
		return -ENOMEM;
	runs = (struct vccw_pin_run *)(idal + n);

	for (r = 0, p = 0; r < nr_runs; p += sc->runs[r].npage, r++) {
		ret = vccw_cp_pin_pages(cp, sc->runs[r].iova, sc->runs[r].npage,
					&sc->pages[p]);
		if (ret) {
			while (r--)
				vccw_cp_unpin(cp, &sc->runs[r]);
			kfree(idal);
			return ret;
		}
		runs[r] = sc->runs[r];
	}

	for (i = 0; i < n; i++) {
		phys_addr_t pa;

		if (nr_runs) {
			pa = page_to_phys(sc->pages[sc->page_of[i]]) +
			     offset_in_page(sc->addr[i]);
		} else {
			/* Same offsets into the bucket: alignment rules hold */
			pa = virt_to_phys(cp->bucket);
			if (!i)
				pa += sc->addr[0] & (bsize - 1);
		}
		idal[i] = u64_to_dma64(pa);
	}

	res->idal = idal;
	res->runs = runs;
	res->nr_runs = nr_runs;
	res->nr_idaws = n;
	ccw->flags |= CCW_FLAG_IDA;
	ccw->cda = virt_to_dma32(idal);
	return 0;
}

/* Translate every CCW of @chain; may append chains for TIC targets. */
static int vccw_chain_translate(struct vccw_cp *cp, struct vccw_chain *chain)
{
	unsigned int i;
	int ret;

	for (i = 0; i < chain->len; i++) {
		struct ccw1 *ccw = &chain->ccws[i];

		if ((ccw->cmd_code & 0x0f) == CCW_CMD_TIC) {
			/* 0xX8 with X != 0: program check, or taken as TIC */
			if (!vccw_is_tic(ccw))
				return -EINVAL;
			ret = vccw_tic_link(cp, chain, i);
		} else {
			ret = vccw_ccw_translate(cp, ccw, &chain->res[i]);
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* Check a guest command-mode ORB; see the table at the top. */
static int vccw_orb_check(const struct cmd_orb *o)
{
	/* Word 1 bit 13 is the B bit of a transport-mode ORB. */
	if (o->res2 || o->orbx || (o->zero & VCCW_ORB_MIDA))
		return -EOPNOTSUPP;
	if (o->res1 || (o->zero & ~VCCW_ORB_MIDA))
		return -EINVAL;
	if (o->key || o->spnd || o->ssic || o->mod || o->alcc)
		return -EOPNOTSUPP;
	if (dma32_to_u32(o->cpa) & (VCCW_ADDR_BIT0 | (VCCW_CCW_SIZE - 1)))
		return -EINVAL;
	return 0;
}

/**
 * vccw_cp_setup() - prepare a cp for the lifetime of its device
 * @cp: the cp, embedded in the device's private data
 * @vdev: the vfio device the guest memory is reached through
 * @pinned_now: counter of pages pinned now, kept exact by the cp; or NULL
 *
 * Allocates the scratch buffers and the bucket page. Call once, before
 * any other vccw_cp_*() function; undo with vccw_cp_teardown().
 *
 * Return: 0, or -ENOMEM with nothing allocated.
 */
int vccw_cp_setup(struct vccw_cp *cp, struct vfio_device *vdev,
		  atomic_long_t *pinned_now)
{
	INIT_LIST_HEAD(&cp->chains);
	memset(&cp->orb, 0, sizeof(cp->orb));
	memset(&cp->ssch_orb, 0, sizeof(cp->ssch_orb));
	cp->ops = &vccw_cp_vfio_ops;
	cp->vdev = vdev;
	cp->pinned_now = pinned_now;
	cp->initialized = false;
	cp->nr_chains = 0;
	cp->nopfch_warned = false;

	cp->guest_ccws = kcalloc(VCCW_CHAIN_LEN_MAX, VCCW_CCW_SIZE,
				 GFP_KERNEL);
	cp->scratch = kzalloc(sizeof(*cp->scratch), GFP_KERNEL);
	cp->bucket = (void *)get_zeroed_page(GFP_DMA | GFP_KERNEL);
	if (!cp->guest_ccws || !cp->scratch || !cp->bucket) {
		vccw_cp_teardown(cp);
		return -ENOMEM;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vccw_cp_setup);

/**
 * vccw_cp_teardown() - release what vccw_cp_setup() allocated
 * @cp: the cp; must not be initialized (call vccw_cp_free() first)
 *
 * Safe to call again, and after a failed vccw_cp_setup().
 */
void vccw_cp_teardown(struct vccw_cp *cp)
{
	if (WARN_ON_ONCE(cp->initialized))
		vccw_cp_free(cp);
	free_page((unsigned long)cp->bucket);
	cp->bucket = NULL;
	kfree(cp->scratch);
	cp->scratch = NULL;
	kfree(cp->guest_ccws);
	cp->guest_ccws = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vccw_cp_teardown);

/**
 * vccw_cp_init() - start a channel program from a guest ORB
 * @cp: the cp, set up and not initialized
 * @orb: the guest's ORB; only its 12-byte command-mode part is read
 *
 * Validates the ORB and keeps a copy; guest memory is not read yet.
 * Errors are listed at the top of this file.
 *
 * Return: 0 and @cp initialized, or -errno and @cp unchanged.
 */
int vccw_cp_init(struct vccw_cp *cp, const union orb *orb)
{
	struct cmd_orb o = orb->cmd;
	int ret;

	if (cp->initialized)
		return -EBUSY;
	ret = vccw_orb_check(&o);
	if (ret)
		return ret;

	if (!o.pfch && !cp->nopfch_warned) {
		cp->nopfch_warned = true;
		dev_warn(cp->vdev->dev,
			 "ORB without prefetch control: prefetching the channel program anyway\n");
	}

	memset(&cp->orb, 0, sizeof(cp->orb));
	cp->orb.cmd = o;
	cp->nr_chains = 0;
	cp->initialized = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vccw_cp_init);

/**
 * vccw_cp_prefetch() - translate the guest channel program
 * @cp: the cp, initialized by vccw_cp_init() and not yet prefetched
 *
 * Reads the guest's CCWs from the ORB's cpa on, following TICs, into
 * 31-bit kernel chains, pins the guest pages they move data to or from
 * and points every data-moving CCW at a kernel IDAL of those pages.
 * Errors are listed at the top of this file. Sleeps.
 *
 * Return: 0, or -errno with nothing left pinned or allocated (@cp stays
 * initialized; vccw_cp_free() is still to be called).
 */
int vccw_cp_prefetch(struct vccw_cp *cp)
{
	struct vccw_chain *chain;
	int ret;

	if (!cp->initialized)
		return -EINVAL;
	if (!list_empty(&cp->chains))
		return -EBUSY;

	ret = vccw_chain_build(cp, dma32_to_u32(cp->orb.cmd.cpa), NULL,
			       &chain);
	if (ret)
		goto fail;
	/* TIC targets append chains; this walk reaches them too. */
	list_for_each_entry(chain, &cp->chains, link) {
		ret = vccw_chain_translate(cp, chain);
		if (ret)
			goto fail;
	}
	return 0;

fail:
	vccw_cp_release_chains(cp);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vccw_cp_prefetch);

/**
 * vccw_cp_get_orb() - the ORB to start the translated program with
 * @cp: the cp, successfully prefetched
 * @sch: the subchannel to start it on
 *
 * Built from the guest ORB: the interruption parameter is the
 * subchannel's address as common I/O expects, the cpa is the first kernel
 * CCW, fmt=1 and c64=1 (format-1 CCWs, format-2 IDAWs), i2k as the block
 * size of our IDALs, pfch=1 since the kernel copy never changes, and lpm
 * 0 becomes the subchannel's lpm.
 *
 * Return: the ORB, valid until the next call or vccw_cp_free(); NULL when
 * @cp holds no translated program.
 */
union orb *vccw_cp_get_orb(struct vccw_cp *cp, struct subchannel *sch)
{
	struct cmd_orb *o = &cp->ssch_orb.cmd;
	struct vccw_chain *first;

	if (!cp->initialized || list_empty(&cp->chains))
		return NULL;
	first = list_first_entry(&cp->chains, struct vccw_chain, link);

	memset(&cp->ssch_orb, 0, sizeof(cp->ssch_orb));
	*o = cp->orb.cmd;
	o->intparm = (u32)virt_to_phys(sch);
	o->fmt = 1;
	o->pfch = 1;
	o->i2k = vccw_block_size(cp) == IDA_2K_BLOCK_SIZE;
	o->c64 = 1;
	if (!o->lpm)
		o->lpm = sch->lpm;
	o->cpa = virt_to_dma32(first->ccws);
	return &cp->ssch_orb;
}
EXPORT_SYMBOL_IF_KUNIT(vccw_cp_get_orb);

/**
 * vccw_cp_update_scsw() - give the guest its own CCW address in an SCSW
 * @cp: the cp the SCSW reports on
 * @scsw: SCSW from the channel subsystem; its cpa is updated in place
 *
 * A cpa that lies in a kernel chain, up to just past its guard CCW (the
 * channel reports the last CCW used + 8, or + 16 after status modifier),
 * becomes the guest address at the same offset in the guest chain. Any
 * other cpa is left alone. Takes no locks and does not sleep.
 */
void vccw_cp_update_scsw(struct vccw_cp *cp, union scsw *scsw)
{
	u32 cpa = dma32_to_u32(scsw->cmd.cpa);
	struct vccw_chain *chain;
	bool found = false;
	u32 guest = 0;

	if (!cp->initialized)
		return;

	list_for_each_entry(chain, &cp->chains, link) {
		u32 head = dma32_to_u32(virt_to_dma32(chain->ccws));
		u32 off = cpa - head;

		if (cpa < head || off > (chain->len + 1) * VCCW_CCW_SIZE)
			continue;
		guest = chain->guest_addr + off;
		found = true;
		/*
		 * The channel reports a CCW address + 8: offset 0 may
		 * really be the end of another chain that sits right
		 * before this one in memory, so keep looking.
		 */
		if (off)
			break;
	}
	if (found)
		scsw->cmd.cpa = u32_to_dma32(guest);
}
EXPORT_SYMBOL_IF_KUNIT(vccw_cp_update_scsw);

/**
 * vccw_cp_iova_pinned() - does the cp hold pins in a guest range?
 * @cp: the cp
 * @iova: first guest address of the range
 * @length: length of the range in bytes
 *
 * Return: true if [@iova, @iova + @length) overlaps a page this cp has
 * pinned. Takes no locks and does not sleep.
 */
bool vccw_cp_iova_pinned(struct vccw_cp *cp, u64 iova, u64 length)
{
	struct vccw_chain *chain;
	unsigned int i, r;
	u64 last;

	if (!cp->initialized || !length)
		return false;
	if (check_add_overflow(iova, length - 1, &last))
		last = U64_MAX;

	list_for_each_entry(chain, &cp->chains, link) {
		for (i = 0; i < chain->len; i++) {
			const struct vccw_ccw_res *res = &chain->res[i];

			for (r = 0; r < res->nr_runs; r++) {
				u64 start = res->runs[r].iova;
				u64 end = start +
					  (u64)res->runs[r].npage * PAGE_SIZE;

				if (start <= last && iova < end)
					return true;
			}
		}
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(vccw_cp_iova_pinned);

/**
 * vccw_cp_free() - release a channel program
 * @cp: the cp
 *
 * Unpins every page, frees every chain and IDAL and clears @initialized.
 * A no-op on a cp that is not initialized (never, or already freed).
 */
void vccw_cp_free(struct vccw_cp *cp)
{
	if (!cp->initialized)
		return;
	vccw_cp_release_chains(cp);
	cp->initialized = false;
}
EXPORT_SYMBOL_IF_KUNIT(vccw_cp_free);

/**
 * struct vccw_parked - a channel program the channel may still run
 * @next: the next one parked on the same subchannel
 * @chains: its kernel CCWs and IDALs, still allocated, nothing pinned
 * @nr_pages: number of entries in @pages
 * @pages: a reference on every page its IDAWs point at, and the bucket
 */
struct vccw_parked {
	struct vccw_parked *next;
	struct list_head chains;
	unsigned long nr_pages;
	struct page *pages[] __counted_by(nr_pages);
};

/**
 * vccw_cp_park() - end a cp whose channel program could not be stopped
 * @cp: the initialized cp, owned by the caller
 *
 * vfio wants its pins back (an unmap notifies until they are gone, the
 * container's release warns), but the channel may still move data into
 * those pages. Take a page reference on every page the IDALs point at
 * (the pinned guest pages and the bucket) before unpinning, and keep the
 * kernel CCWs and IDALs the channel reads: no page the program can reach
 * goes back to the allocator until vccw_parked_free().
 *
 * Return: the parked program, or NULL if no memory could be had for the
 * page list; then the program is freed as by vccw_cp_free() (and the
 * caller says so).
 */
struct vccw_parked *vccw_cp_park(struct vccw_cp *cp)
{
	struct vccw_parked *p;
	struct vccw_chain *chain;
	unsigned long n = 1;
	unsigned int i, k, r;

	if (!cp->initialized)
		return NULL;
	list_for_each_entry(chain, &cp->chains, link)
		for (i = 0; i < chain->len; i++)
			if (chain->res[i].nr_runs)
				n += chain->res[i].nr_idaws;
	p = kvzalloc(struct_size(p, pages, n), GFP_KERNEL);
	if (!p) {
		vccw_cp_free(cp);
		return NULL;
	}
	p->nr_pages = n;
	n = 0;
	p->pages[n++] = virt_to_page(cp->bucket);
	list_for_each_entry(chain, &cp->chains, link) {
		for (i = 0; i < chain->len; i++) {
			struct vccw_ccw_res *res = &chain->res[i];

			if (!res->nr_runs)
				continue;
			for (k = 0; k < res->nr_idaws; k++)
				p->pages[n++] =
					phys_to_page(dma64_to_u64(res->idal[k]));
		}
	}
	for (n = 0; n < p->nr_pages; n++)
		get_page(p->pages[n]);
	/* The references are taken: now vfio may have its pins back. */
	list_for_each_entry(chain, &cp->chains, link) {
		for (i = 0; i < chain->len; i++) {
			struct vccw_ccw_res *res = &chain->res[i];

			for (r = 0; r < res->nr_runs; r++)
				vccw_cp_unpin(cp, &res->runs[r]);
			res->nr_runs = 0;
		}
	}
	INIT_LIST_HEAD(&p->chains);
	list_splice_init(&cp->chains, &p->chains);
	cp->nr_chains = 0;
	cp->initialized = false;
	return p;
}
EXPORT_SYMBOL_IF_KUNIT(vccw_cp_park);

/**
 * vccw_parked_free() - the channel can no longer run a parked program
 * @p: what vccw_cp_park() returned, or NULL
 */
void vccw_parked_free(struct vccw_parked *p)
{
	struct vccw_chain *chain, *next;
	unsigned long n;

	if (!p)
		return;
	for (n = 0; n < p->nr_pages; n++)
		put_page(p->pages[n]);
	list_for_each_entry_safe(chain, next, &p->chains, link)
		vccw_chain_release(NULL, chain);
	kvfree(p);
}
EXPORT_SYMBOL_IF_KUNIT(vccw_parked_free);

/* Add @p to the list at *@head (the caller serializes). */
void vccw_parked_push(struct vccw_parked **head, struct vccw_parked *p)
{
	p->next = *head;
	*head = p;
}

/* Free every parked program on *@head; returns how many. */
unsigned int vccw_parked_free_all(struct vccw_parked **head)
{
	unsigned int n = 0;

	while (*head) {
		struct vccw_parked *p = *head;

		*head = p->next;
		vccw_parked_free(p);
		n++;
	}
	return n;
}
