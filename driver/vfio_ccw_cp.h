/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Translation of guest channel programs for an out-of-tree vfio-ccw driver.
 *
 * A guest hands us an ORB whose channel program lives in guest memory and
 * uses guest addresses. vccw_cp_prefetch() copies every reachable CCW into
 * 31-bit kernel memory, pins the guest pages the program moves data to or
 * from, and rewrites every data address as a format-2 IDAL of host
 * addresses. vccw_cp_get_orb() then gives the ORB to start it with.
 *
 * The caller owns a struct vccw_cp exclusively while it calls
 * vccw_cp_init(), vccw_cp_prefetch() and vccw_cp_free(); nothing in here
 * takes a lock on it.
 */
#ifndef _VFIO_CCW_CP_H_
#define _VFIO_CCW_CP_H_

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/types.h>
#include <asm/cio.h>
#include <asm/scsw.h>

#include "orb.h"

/* CCWs per chain (run of CCWs consecutive in guest memory). */
#define VCCW_CHAIN_LEN_MAX	256

/*
 * Chains per channel program: the first one plus one per TIC that jumps
 * outside every chain translated so far. Bounds what one program can make
 * us allocate and pin (see the cap table in vfio_ccw_cp.c).
 */
#define VCCW_CHAINS_MAX		16

struct page;
struct vfio_device;
struct subchannel;
struct vccw_cp;
struct vccw_xlate_scratch;
struct vccw_parked;

/**
 * struct vccw_cp_ops - how a cp reaches guest memory
 * @dma_rw: read (@write false) or write @len bytes at guest address @iova;
 *	0 or -errno, as vfio_dma_rw()
 * @pin_pages: pin @npage guest pages from the page-aligned @iova into
 *	@pages; the number pinned or -errno, as vfio_pin_pages()
 * @unpin_pages: unpin what @pin_pages pinned, as vfio_unpin_pages()
 *
 * vccw_cp_setup() installs the vfio ones; the unit tests
 * (vfio_ccw_kunit.c) put a double of guest memory in their place.
 */
struct vccw_cp_ops {
	int (*dma_rw)(struct vccw_cp *cp, u64 iova, void *data, size_t len,
		      bool write);
	int (*pin_pages)(struct vccw_cp *cp, u64 iova, int npage,
			 struct page **pages);
	void (*unpin_pages)(struct vccw_cp *cp, u64 iova, int npage);
};

/**
 * struct vccw_cp - one channel program, guest view and kernel translation
 * @chains: translated chains (struct vccw_chain), first one is the ORB's cpa
 * @orb: the guest ORB as validated by vccw_cp_init()
 * @ops: how guest memory is read and pinned (the vfio functions)
 * @vdev: the vfio device, for vfio_dma_rw() and vfio_pin_pages()
 * @pinned_now: device counter of guest pages pinned right now; may be NULL
 * @guest_ccws: scratch of %VCCW_CHAIN_LEN_MAX CCWs read from the guest
 * @initialized: true between a successful vccw_cp_init() and vccw_cp_free()
 * @nr_chains: number of entries on @chains
 * @ssch_orb: the ORB handed to ssch, built by vccw_cp_get_orb()
 * @scratch: scratch for translating one CCW (private to vfio_ccw_cp.c)
 * @bucket: one 31-bit page that CCWs moving no data point at
 * @nopfch_warned: the "pfch=0" notice was printed for this device
 */
struct vccw_cp {
	struct list_head chains;
	union orb orb;
	const struct vccw_cp_ops *ops;
	struct vfio_device *vdev;
	atomic_long_t *pinned_now;
	struct ccw1 *guest_ccws;
	bool initialized;

	unsigned int nr_chains;
	union orb ssch_orb;
	struct vccw_xlate_scratch *scratch;
	void *bucket;
	bool nopfch_warned;
};

int vccw_cp_setup(struct vccw_cp *cp, struct vfio_device *vdev,
		  atomic_long_t *pinned_now);
void vccw_cp_teardown(struct vccw_cp *cp);
int vccw_cp_init(struct vccw_cp *cp, const union orb *orb);
int vccw_cp_prefetch(struct vccw_cp *cp);
union orb *vccw_cp_get_orb(struct vccw_cp *cp, struct subchannel *sch);
void vccw_cp_update_scsw(struct vccw_cp *cp, union scsw *scsw);
bool vccw_cp_iova_pinned(struct vccw_cp *cp, u64 iova, u64 length);
void vccw_cp_free(struct vccw_cp *cp);
struct vccw_parked *vccw_cp_park(struct vccw_cp *cp);
void vccw_parked_free(struct vccw_parked *p);
void vccw_parked_push(struct vccw_parked **head, struct vccw_parked *p);
unsigned int vccw_parked_free_all(struct vccw_parked **head);

#endif /* _VFIO_CCW_CP_H_ */
