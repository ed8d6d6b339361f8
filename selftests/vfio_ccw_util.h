/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace helpers shared by the vfio-ccw selftests: open an mdev through
 * the VFIO group/container API, map DMA memory, find the regions and
 * build ORBs and CCWs the way QEMU does.
 *
 * The guest init script exports the devices under test:
 *   VFIO_CCW_MDEV   uuid of the first mdev
 *   VFIO_CCW_MDEV2  uuid of the second mdev (optional)
 */
#ifndef VFIO_CCW_UTIL_H
#define VFIO_CCW_UTIL_H

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <linux/vfio_ccw.h>
#include "kselftest.h"

/* Channel-subsystem constants (Principles of Operation, SA22-7832). */
#define CCW_CMD_WRITE		0x01
#define CCW_CMD_READ		0x02
#define CCW_CMD_NOOP		0x03
#define CCW_CMD_SENSE		0x04
#define CCW_CMD_TIC		0x08
#define CCW_CMD_SENSE_ID	0xe4

#define CCW_FLAG_CD		0x80	/* chain data */
#define CCW_FLAG_CC		0x40	/* chain command */
#define CCW_FLAG_SLI		0x20	/* suppress incorrect length */
#define CCW_FLAG_SKIP		0x10
#define CCW_FLAG_PCI		0x08
#define CCW_FLAG_IDA		0x04
#define CCW_FLAG_SUSPEND	0x02

#define DEV_STAT_ATTENTION	0x80
#define DEV_STAT_CHN_END	0x08
#define DEV_STAT_DEV_END	0x04
#define DEV_STAT_UNIT_CHECK	0x02

#define SCSW_FCTL_START		0x4
#define SCSW_FCTL_HALT		0x2
#define SCSW_FCTL_CLEAR		0x1

#define SCSW_ACTL_SCHACT	0x04
#define SCSW_ACTL_DEVACT	0x02

#define SCSW_STCTL_STATUS_PEND	0x01
#define SCSW_STCTL_PRIMARY	0x04
#define SCSW_STCTL_INTER	0x08
#define SCSW_STCTL_ALERT	0x10

#define SCHN_STAT_PCI		0x80

/* Format-1 CCW: the layout the channel subsystem reads, big endian. */
struct ccw1 {
	alignas(8) uint8_t cmd;
	uint8_t flags;
	uint16_t count;
	uint32_t cda;
};

/* Format-0 CCW. */
struct ccw0 {
	alignas(8) uint8_t cmd;
	uint8_t cda_hi;
	uint16_t cda_lo;
	uint8_t flags;
	uint8_t reserved;
	uint16_t count;
};

/* Command-mode ORB, s390 is big endian and gcc allocates bitfields MSB first. */
struct cmd_orb {
	uint32_t intparm;
	uint32_t key:4;
	uint32_t spnd:1;
	uint32_t res1:1;
	uint32_t mod:1;
	uint32_t sync:1;
	uint32_t fmt:1;
	uint32_t pfch:1;
	uint32_t isic:1;
	uint32_t alcc:1;
	uint32_t ssic:1;
	uint32_t res2:1;
	uint32_t c64:1;
	uint32_t i2k:1;
	uint32_t lpm:8;
	uint32_t ils:1;
	uint32_t zero:6;
	uint32_t orbx:1;
	uint32_t cpa;
};

/* Subchannel-status word (command mode), kept as words: see the accessors. */
struct scsw_cmd {
	uint32_t w0;	/* key sctl eswf cc fmt pfch isic alcc ssi zcc ectl pno fctl actl stctl */
	uint32_t cpa;
	uint32_t w2;	/* dstat cstat count */
};

static inline unsigned int scsw_cc(const struct scsw_cmd *s) { return (s->w0 >> 24) & 3; }
static inline unsigned int scsw_fctl(const struct scsw_cmd *s) { return (s->w0 >> 12) & 7; }
static inline unsigned int scsw_actl(const struct scsw_cmd *s) { return (s->w0 >> 5) & 0x7f; }
static inline unsigned int scsw_stctl(const struct scsw_cmd *s) { return s->w0 & 0x1f; }
static inline unsigned int scsw_dstat(const struct scsw_cmd *s) { return s->w2 >> 24; }
static inline unsigned int scsw_cstat(const struct scsw_cmd *s) { return (s->w2 >> 16) & 0xff; }
static inline unsigned int scsw_count(const struct scsw_cmd *s) { return s->w2 & 0xffff; }

struct irb_view {
	struct scsw_cmd scsw;
	uint8_t esw[20];
	uint8_t ecw[32];
	uint8_t emw[32];
};

/* The layouts above need no packing: every field is naturally aligned. */
static_assert(sizeof(struct ccw1) == 8, "format-1 CCW is 8 bytes");
static_assert(alignof(struct ccw1) == 8, "CCWs are doubleword aligned");
static_assert(sizeof(struct ccw0) == 8, "format-0 CCW is 8 bytes");
static_assert(sizeof(struct cmd_orb) == 12, "command-mode ORB is 12 bytes");
static_assert(sizeof(struct scsw_cmd) == 12, "SCSW is 12 bytes");
static_assert(sizeof(struct irb_view) == 96, "IRB is 96 bytes");

struct vccw_region {
	uint32_t index;
	uint64_t offset;
	uint64_t size;
	uint32_t flags;
};

struct vccw_dev {
	int container;
	int group;
	int device;
	int io_efd;
	struct vfio_device_info info;
	struct vccw_region io;
	struct vccw_region async;	/* size 0 when absent */
	struct vccw_region schib;
	struct vccw_region crw;
	void *dma;			/* host mapping of the DMA window */
	uint64_t iova;			/* its address as the device sees it */
	size_t dma_size;
	char uuid[64];
};

#define VCCW_IOVA_BASE	0x10000000ULL	/* below 2 GiB: 31-bit CCW addresses */
#define VCCW_DMA_SIZE	(1024UL * 1024)	/* 1 MiB */

/*
 * Bounded polling, the one way the selftests wait for something that
 * signals no file descriptor: look at the real condition (a counter, a
 * hook's state, a file) every VCCW_POLL_MS until it holds or @ms passed.
 * The pause between two looks is not what the test relies on.
 */
#define VCCW_POLL_MS	10

static inline long vccw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static inline void vccw_poll_pause(void)
{
	struct timespec ts = { 0, VCCW_POLL_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* True as soon as @cond holds, false if it still does not after @ms. */
#define VCCW_WAIT_FOR(cond, ms) ({					\
	long __end = vccw_now_ms() + (ms);				\
	bool __ok;							\
	while (!(__ok = (cond)) && vccw_now_ms() < __end)		\
		vccw_poll_pause();					\
	__ok;								\
})

/* The module under test, as the guest init exports it: "ours" or "intree". */
static inline const char *vccw_driver(void)
{
	const char *d = getenv("VFIO_CCW_DRIVER");

	return (d && *d) ? d : "(unset)";
}

static inline bool vccw_driver_is_ours(void)
{
	return !strcmp(vccw_driver(), "ours");
}

/*
 * A program that needs our driver (debug hooks, counters, tracepoints)
 * skips as a whole, the kselftest way, with any other: "1..0 # SKIP
 * <why>", exit code KSFT_SKIP. The log judge counts that as not passed.
 */
static inline void vccw_require_ours(const char *why)
{
	if (vccw_driver_is_ours())
		return;
	ksft_print_header();
	ksft_exit_skip("driver '%s' is not ours: %s\n", vccw_driver(), why);
}

/* The ownership word of driver/vfio_ccw_own.h, as debugfs "own" shows it. */
enum vccw_own {
	VCCW_OWN_IDLE = 0,
	VCCW_OWN_TRANSLATING = 1,
	VCCW_OWN_SUBMITTED = 2,
	VCCW_OWN_CLAIMED = 3,
};

static inline const char *vccw_own_name(long own)
{
	static const char * const names[] = {
		[VCCW_OWN_IDLE] = "IDLE",
		[VCCW_OWN_TRANSLATING] = "TRANSLATING",
		[VCCW_OWN_SUBMITTED] = "SUBMITTED",
		[VCCW_OWN_CLAIMED] = "CLAIMED",
	};

	return own >= 0 && own < 4 ? names[own] : "?";
}

static inline const char *vccw_uuid(int which)
{
	const char *u = getenv(which ? "VFIO_CCW_MDEV2" : "VFIO_CCW_MDEV");

	return (u && *u) ? u : NULL;
}

static inline int vccw_group_of(const char *uuid)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;
	const char *slash;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group",
		 uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	slash = strrchr(link, '/');
	return atoi(slash ? slash + 1 : link);
}

/* Find a CCW region by its capability type/subtype; index < num_regions. */
static inline int vccw_region_info(int fd, uint32_t index,
				   struct vccw_region *r,
				   uint32_t *cap_subtype)
{
	char buf[512];
	struct vfio_region_info *ri = (void *)buf;
	struct vfio_info_cap_header *hdr;

	memset(buf, 0, sizeof(buf));
	ri->argsz = sizeof(buf);
	ri->index = index;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri))
		return -errno;
	r->index = index;
	r->offset = ri->offset;
	r->size = ri->size;
	r->flags = ri->flags;
	if (cap_subtype)
		*cap_subtype = UINT32_MAX;
	if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS) || !ri->cap_offset)
		return 0;
	if (ri->argsz > sizeof(buf))
		return -E2BIG;
	hdr = (void *)(buf + ri->cap_offset);
	for (;;) {
		if (hdr->id == VFIO_REGION_INFO_CAP_TYPE) {
			struct vfio_region_info_cap_type *t = (void *)hdr;

			if (t->type != VFIO_REGION_TYPE_CCW)
				return -EPROTO;
			if (cap_subtype)
				*cap_subtype = t->subtype;
		}
		if (!hdr->next)
			break;
		if (hdr->next >= sizeof(buf))
			return -EPROTO;
		hdr = (void *)(buf + hdr->next);
	}
	return 0;
}

static inline int vccw_set_irq(int fd, uint32_t index, int efd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *s = (void *)buf;
	int32_t v = efd;

	s->argsz = sizeof(buf);
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = index;
	s->start = 0;
	s->count = 1;
	memcpy(s->data, &v, sizeof(v));
	return ioctl(fd, VFIO_DEVICE_SET_IRQS, s) ? -errno : 0;
}

/*
 * Two ways to the device, as QEMU has them: the type1 container
 * (/dev/vfio/vfio, a group, VFIO_IOMMU_MAP_DMA), or, with
 * VFIO_CCW_IOMMU=iommufd in the environment, iommufd: /dev/iommu, an IOAS,
 * the device's cdev /dev/vfio/devices/vfioN bound to it and attached to
 * the IOAS, IOMMU_IOAS_MAP. vccw_dev.container is then the /dev/iommu fd;
 * the IOAS of each such fd (and of its dups) is kept here.
 */
static inline bool vccw_use_iommufd(void)
{
	const char *m = getenv("VFIO_CCW_IOMMU");

	return m && !strcmp(m, "iommufd");
}

#define VCCW_MAX_FD	1024
static uint32_t vccw_ioas_of_fd[VCCW_MAX_FD];	/* 0: a type1 container */

static inline uint32_t vccw_ioas(int fd)
{
	return fd >= 0 && fd < VCCW_MAX_FD ? vccw_ioas_of_fd[fd] : 0;
}

/* Map @size bytes at @vaddr to @iova (type1 or IOAS); 0 or -errno. */
static inline int vccw_dma_map(int container, void *vaddr, uint64_t iova,
			       size_t size, bool writable)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .vaddr = (uintptr_t)vaddr,
		.iova = iova, .size = size,
		.flags = VFIO_DMA_MAP_FLAG_READ |
			 (writable ? VFIO_DMA_MAP_FLAG_WRITE : 0),
	};
	struct iommu_ioas_map im = {
		.size = sizeof(im), .ioas_id = vccw_ioas(container),
		.user_va = (uintptr_t)vaddr, .length = size, .iova = iova,
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 (writable ? IOMMU_IOAS_MAP_WRITEABLE : 0),
	};

	if (im.ioas_id)
		return ioctl(container, IOMMU_IOAS_MAP, &im) ? -errno : 0;
	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
}

/* Unmap [@iova, @iova + @size): bytes unmapped or -errno. */
static inline long vccw_dma_unmap(int container, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_unmap um = {
		.argsz = sizeof(um), .iova = iova, .size = size,
	};
	struct iommu_ioas_unmap iu = {
		.size = sizeof(iu), .ioas_id = vccw_ioas(container),
		.iova = iova, .length = size,
	};

	if (iu.ioas_id)
		return ioctl(container, IOMMU_IOAS_UNMAP, &iu) ? -errno :
								 (long)iu.length;
	return ioctl(container, VFIO_IOMMU_UNMAP_DMA, &um) ? -errno :
							     (long)um.size;
}

/* @fd (a dup of /dev/iommu, or -1: a new one) with its IOAS; fd or -errno. */
static inline int vccw_iommufd_open(int fd, const char **step)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	uint32_t ioas = vccw_ioas(fd);
	int n;

	*step = fd < 0 ? "open /dev/iommu" : "dup /dev/iommu";
	n = fd < 0 ? open("/dev/iommu", O_RDWR) : dup(fd);
	if (n < 0)
		return -errno;
	if (n >= VCCW_MAX_FD) {
		close(n);
		return -EMFILE;
	}
	if (!ioas) {
		*step = "IOMMU_IOAS_ALLOC";
		if (ioctl(n, IOMMU_IOAS_ALLOC, &a)) {
			int err = -errno;

			close(n);
			return err;
		}
		ioas = a.out_ioas_id;
	}
	vccw_ioas_of_fd[n] = ioas;
	return n;
}

/* The mdev's VFIO device cdev, bound to @iommufd, attached to its IOAS. */
static inline int vccw_cdev_open(const char *uuid, int iommufd,
				 const char **step)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind), .iommufd = iommufd,
	};
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at), .pt_id = vccw_ioas(iommufd),
	};
	char path[320], node[sizeof("/dev/vfio/devices/") + 256] = "";
	struct dirent *e;
	DIR *dir;
	int fd, err;

	*step = "the mdev's vfio-dev/vfioN";
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/vfio-dev", uuid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, "vfio", 4))
			snprintf(node, sizeof(node), "/dev/vfio/devices/%s",
				 e->d_name);
	closedir(dir);
	if (!node[0])
		return -ENOENT;
	*step = "open /dev/vfio/devices/vfioN";
	/* Busy while a test the harness killed still has it (see below). */
	VCCW_WAIT_FOR((fd = open(node, O_RDWR)) >= 0 || errno != EBUSY,
		      30000);
	if (fd < 0)
		return -errno;
	*step = "VFIO_DEVICE_BIND_IOMMUFD";
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		goto fail;
	*step = "VFIO_DEVICE_ATTACH_IOMMUFD_PT";
	if (ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

/*
 * Open the mdev, map VCCW_DMA_SIZE bytes at VCCW_IOVA_BASE and find the
 * regions. Returns 0 or a negative errno; *step names what failed.
 */
static inline int vccw_open_in(struct vccw_dev *d, const char *uuid,
			       int container, uint64_t iova,
			       const char **step);

static inline int vccw_open(struct vccw_dev *d, const char *uuid,
			    const char **step)
{
	return vccw_open_in(d, uuid, -1, VCCW_IOVA_BASE, step);
}

/*
 * vccw_open() into an existing @container (-1: a new one), with the DMA
 * window at @iova: two devices in one container, as QEMU has them, see
 * each other's DMA unmaps.
 */
static inline int vccw_open_in(struct vccw_dev *d, const char *uuid,
			       int container, uint64_t iova,
			       const char **step)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	char path[64];
	uint32_t i, sub = UINT32_MAX;
	int grp, ret;

	memset(d, 0, sizeof(*d));
	d->container = -1;
	d->group = -1;
	d->device = -1;
	d->io_efd = -1;
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);

	if (vccw_use_iommufd()) {
		d->container = vccw_iommufd_open(container, step);
		if (d->container < 0)
			return d->container;
		d->device = vccw_cdev_open(uuid, d->container, step);
		if (d->device < 0)
			return d->device;
		goto mapped;
	}
	*step = "iommu_group of the mdev";
	grp = vccw_group_of(uuid);
	if (grp < 0)
		return grp;
	*step = "open /dev/vfio/vfio";
	d->container = container < 0 ? open("/dev/vfio/vfio", O_RDWR) :
				       dup(container);
	if (d->container < 0)
		return -errno;
	*step = "VFIO_GET_API_VERSION";
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return -EPROTO;
	*step = "VFIO_CHECK_EXTENSION(TYPE1v2)";
	if (ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1)
		return -EOPNOTSUPP;
	*step = "open group";
	snprintf(path, sizeof(path), "/dev/vfio/%d", grp);
	/*
	 * A group has one opener: after a test the harness killed (its
	 * timeout), the group is busy until that process has exited and
	 * closed it. Wait for that, bounded, instead of failing the next test.
	 */
	VCCW_WAIT_FOR((d->group = open(path, O_RDWR)) >= 0 || errno != EBUSY,
		      30000);
	if (d->group < 0)
		return -errno;
	*step = "VFIO_GROUP_GET_STATUS";
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &gs))
		return -errno;
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	*step = "VFIO_GROUP_SET_CONTAINER";
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		return -errno;
	*step = "VFIO_SET_IOMMU(TYPE1v2)";
	if (container < 0 &&
	    ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	*step = "VFIO_GROUP_GET_DEVICE_FD";
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (d->device < 0)
		return -errno;

mapped:
	*step = "mmap DMA buffer";
	d->dma_size = VCCW_DMA_SIZE;
	d->dma = mmap(NULL, d->dma_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d->dma == MAP_FAILED) {
		d->dma = NULL;
		return -errno;
	}
	memset(d->dma, 0, d->dma_size);
	d->iova = iova;
	*step = vccw_ioas(d->container) ? "IOMMU_IOAS_MAP" : "VFIO_IOMMU_MAP_DMA";
	ret = vccw_dma_map(d->container, d->dma, d->iova, d->dma_size, true);
	if (ret)
		return ret;

	*step = "VFIO_DEVICE_GET_INFO";
	d->info.argsz = sizeof(d->info);
	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &d->info))
		return -errno;
	if (!(d->info.flags & VFIO_DEVICE_FLAGS_CCW))
		return -ENODEV;
	*step = "io region info";
	if (vccw_region_info(d->device, VFIO_CCW_CONFIG_REGION_INDEX,
			     &d->io, NULL))
		return -errno;
	if (d->io.size != sizeof(struct ccw_io_region))
		return -EPROTO;
	*step = "capability regions";
	for (i = VFIO_CCW_NUM_REGIONS; i < d->info.num_regions; i++) {
		struct vccw_region r;

		ret = vccw_region_info(d->device, i, &r, &sub);
		if (ret)
			return ret;
		if (sub == VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD)
			d->async = r;
		else if (sub == VFIO_REGION_SUBTYPE_CCW_SCHIB)
			d->schib = r;
		else if (sub == VFIO_REGION_SUBTYPE_CCW_CRW)
			d->crw = r;
	}
	*step = "io eventfd";
	d->io_efd = eventfd(0, EFD_CLOEXEC);
	if (d->io_efd < 0)
		return -errno;
	return vccw_set_irq(d->device, VFIO_CCW_IO_IRQ_INDEX, d->io_efd);
}

static inline void vccw_close(struct vccw_dev *d)
{
	if (d->device >= 0)
		close(d->device);
	if (d->dma) {
		vccw_dma_unmap(d->container, d->iova, d->dma_size);
		munmap(d->dma, d->dma_size);
	}
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0) {
		if (d->container < VCCW_MAX_FD)
			vccw_ioas_of_fd[d->container] = 0;
		close(d->container);
	}
	if (d->io_efd >= 0)
		close(d->io_efd);
	d->device = -1;
	d->group = -1;
	d->container = -1;
	d->io_efd = -1;
	d->dma = NULL;
}

/* Map the device's DMA window again after a test unmapped it. */
static inline int vccw_dma_remap(struct vccw_dev *d)
{
	return vccw_dma_map(d->container, d->dma, d->iova, d->dma_size, true);
}

/* Host pointer and device address of a byte offset into the DMA window. */
static inline void *vccw_ptr(struct vccw_dev *d, size_t off)
{
	return (char *)d->dma + off;
}

static inline uint32_t vccw_addr(struct vccw_dev *d, size_t off)
{
	return (uint32_t)(d->iova + off);
}

/* A format-1 ORB for a channel program at DMA offset cpa_off. */
static inline void vccw_orb(struct vccw_dev *d, struct cmd_orb *orb,
			    size_t cpa_off, uint32_t intparm)
{
	memset(orb, 0, sizeof(*orb));
	orb->intparm = intparm;
	orb->fmt = 1;
	orb->pfch = 1;		/* QEMU always allows prefetch */
	orb->c64 = 1;
	orb->lpm = 0xff;
	orb->cpa = vccw_addr(d, cpa_off);
}

/*
 * START SUBCHANNEL through the io region, as QEMU does: ORB plus an SCSW
 * with the start function. Returns what pwrite returned (bytes or -errno).
 */
static inline ssize_t vccw_start(struct vccw_dev *d, const struct cmd_orb *orb)
{
	struct ccw_io_region r;
	struct scsw_cmd scsw;
	ssize_t n;

	memset(&r, 0, sizeof(r));
	memset(&scsw, 0, sizeof(scsw));
	scsw.w0 = SCSW_FCTL_START << 12;
	memcpy(r.orb_area, orb, sizeof(*orb));
	memcpy(r.scsw_area, &scsw, sizeof(scsw));
	n = pwrite(d->device, &r, sizeof(r), d->io.offset);
	return n < 0 ? -errno : n;
}

/* What a write of the whole io region returns when the driver took it. */
#define VCCW_IO_ACCEPTED	((ssize_t)sizeof(struct ccw_io_region))

/*
 * kselftest_harness checks on what a region write returned (bytes or
 * -errno): accepted whole, or refused with errno @err. TH_LOG may follow.
 */
#define ASSERT_ACCEPTED(n)	ASSERT_EQ(VCCW_IO_ACCEPTED, (ssize_t)(n))
#define EXPECT_ACCEPTED(n)	EXPECT_EQ(VCCW_IO_ACCEPTED, (ssize_t)(n))
#define ASSERT_ERRNO(err, n)	ASSERT_EQ(-(ssize_t)(err), (ssize_t)(n))
#define EXPECT_ERRNO(err, n)	EXPECT_EQ(-(ssize_t)(err), (ssize_t)(n))

/*
 * kselftest_harness: open the mdev @uuid into @d (vccw_open()) or fail the
 * test, saying which step failed.
 */
#define ASSERT_VCCW_OPEN(d, uuid) do {					\
	const char *__step = "";					\
	const char *__uuid = (uuid);					\
	int __ret;							\
									\
	ASSERT_NE(NULL, __uuid) TH_LOG("no mdev: VFIO_CCW_MDEV unset?");	\
	__ret = vccw_open((d), __uuid, &__step);			\
	ASSERT_EQ(0, __ret) TH_LOG("%s: %s", __step, strerror(-__ret));	\
} while (0)

/* HALT or CLEAR SUBCHANNEL through the async region: bytes or -errno. */
static inline ssize_t vccw_async(struct vccw_dev *d, uint32_t cmd)
{
	struct ccw_cmd_region r = { .command = cmd };
	ssize_t n = pwrite(d->device, &r, sizeof(r), d->async.offset);

	return n < 0 ? -errno : n;
}

/* Wait for the I/O eventfd; returns the counter, 0 on timeout, -errno. */
static inline int64_t vccw_wait_io(struct vccw_dev *d, int timeout_ms)
{
	struct pollfd p = { .fd = d->io_efd, .events = POLLIN };
	uint64_t v;
	int n = poll(&p, 1, timeout_ms);

	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	if (read(d->io_efd, &v, sizeof(v)) != sizeof(v))
		return -errno;
	return (int64_t)v;
}

static inline int vccw_read_irb(struct vccw_dev *d, struct irb_view *irb)
{
	struct ccw_io_region r;
	ssize_t n = pread(d->device, &r, sizeof(r), d->io.offset);

	if (n != sizeof(r))
		return n < 0 ? -errno : -EIO;
	memcpy(irb, r.irb_area, sizeof(*irb));
	return 0;
}

/* Channel end and device end, no unit check, no channel status. */
static inline bool vccw_good_end(const struct irb_view *irb)
{
	const unsigned int end = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	unsigned int ds = scsw_dstat(&irb->scsw);

	return (ds & end) == end && !(ds & DEV_STAT_UNIT_CHECK) &&
	       !scsw_cstat(&irb->scsw);
}

/*
 * Wait for the I/O eventfd and take the IRB it announced out of the io
 * region, discarding it. Each signal stands for one IRB in the region, and
 * reading the region lets the next waiting one in (the driver holds IRBs
 * back until the previous one was read, as QEMU reads after each signal):
 * a wait that does not read would stall the ones behind it. Returns the
 * eventfd value, 0 on timeout, -errno.
 */
static inline int64_t vccw_take_irb(struct vccw_dev *d, int timeout_ms)
{
	struct irb_view irb;
	int64_t ev = vccw_wait_io(d, timeout_ms);

	if (ev > 0 && vccw_read_irb(d, &irb))
		return -errno;
	return ev;
}

#define VCCW_DEBUGFS	"/sys/kernel/debug/vfio_ccw"

/* <debugfs>/vfio_ccw/<uuid>/stats of our driver: "name value" lines. */
#define VCCW_STATS_MAX	32
struct vccw_stats {
	int n;
	char name[VCCW_STATS_MAX][32];
	long val[VCCW_STATS_MAX];
};

/* Read every counter of @uuid; false when there are none (in-tree). */
static inline bool vccw_stats_read(const char *uuid, struct vccw_stats *s)
{
	char path[256];
	FILE *f;

	s->n = 0;
	snprintf(path, sizeof(path), VCCW_DEBUGFS "/%s/stats", uuid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (s->n < VCCW_STATS_MAX &&
	       fscanf(f, "%31s %ld", s->name[s->n], &s->val[s->n]) == 2)
		s->n++;
	fclose(f);
	return s->n > 0;
}

/*
 * Every counter of @uuid on one kselftest diagnostic line: what a test
 * that waited in vain prints, so that the log tells a lost IRB from a
 * slow host (nothing for the in-tree driver).
 */
static inline void vccw_stats_log(const char *uuid, const char *why)
{
	struct vccw_stats s;
	char path[256], line[256];
	FILE *f;
	int i;

	if (!vccw_stats_read(uuid, &s))
		return;
	fprintf(stderr, "# %s: driver:", why);
	for (i = 0; i < s.n; i++)
		fprintf(stderr, " %s=%ld", s.name[i], s.val[i]);
	fprintf(stderr, "\n");
	snprintf(path, sizeof(path), VCCW_DEBUGFS "/%s/hook", uuid);
	f = fopen(path, "r");
	if (f && fgets(line, sizeof(line), f))
		fprintf(stderr, "# %s: hook: %s", why, line);
	if (f)
		fclose(f);
}

/*
 * The kernel stack of every kworker and of every task in D state, as
 * kselftest diagnostic lines: where a work item or a waiter is stuck.
 */
static inline void vccw_stacks_log(const char *why)
{
	char path[300], comm[64], line[256], state;
	struct dirent *e;
	DIR *proc = opendir("/proc");
	FILE *f;

	while (proc && (e = readdir(proc))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%*d (%63[^)]) %c", comm, &state) != 2)
			state = 0;
		fclose(f);
		if (state != 'D' && strncmp(comm, "kworker", 7))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stack", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		fprintf(stderr, "# %s: %s %s %c:", why, e->d_name, comm, state);
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			fprintf(stderr, " %s", line);
		}
		fprintf(stderr, "\n");
		fclose(f);
	}
	if (proc)
		closedir(proc);
}

/* One counter of a read; -1 if it has none of that name. */
static inline long vccw_stats_get(const struct vccw_stats *s,
				  const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return s->val[i];
	return -1;
}

/* One counter of @uuid, read now; -1 if none. */
static inline long vccw_stat(const char *uuid, const char *name)
{
	struct vccw_stats s;

	return vccw_stats_read(uuid, &s) ? vccw_stats_get(&s, name) : -1;
}

/* Write a string to a sysfs/debugfs file; 0 or -errno. */
static inline int vccw_put(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, v, strlen(v));
	close(fd);
	return n == (ssize_t)strlen(v) ? 0 : (n < 0 ? -errno : -EIO);
}

/*
 * Thread @tid of this process sleeps in the kernel (state S or D): how a
 * test tells that a call blocks, instead of waiting a while and seeing
 * that it has not returned yet.
 */
static inline bool vccw_task_blocked(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && (p[2] == 'S' || p[2] == 'D');
}

/* The debug-hook file of our driver's mdev @uuid (driver/vfio_ccw_hooks.c). */
struct vccw_hook_state {
	char armed[32];
	unsigned int waiting;	/* threads held at the armed point */
	unsigned long passes;	/* times the armed point was passed */
	unsigned int held;	/* IRBs held back from the irq callback */
};

static inline int vccw_hook(const char *uuid, const char *cmd)
{
	char path[256];

	snprintf(path, sizeof(path), VCCW_DEBUGFS "/%s/hook", uuid);
	return vccw_put(path, cmd);
}

/* The value after "@key=" in @line, parsed with @fmt; false if absent. */
static inline bool vccw_field(const char *line, const char *key,
			      const char *fmt, void *v)
{
	char k[40];
	const char *p;

	snprintf(k, sizeof(k), "%s=", key);
	for (p = strstr(line, k); p; p = strstr(p + 1, k))
		if (p == line || p[-1] == ' ')
			return sscanf(p + strlen(k), fmt, v) == 1;
	return false;
}

static inline int vccw_hook_read(const char *uuid, struct vccw_hook_state *h)
{
	char path[256], line[256];
	bool ok;
	FILE *f;

	snprintf(path, sizeof(path), VCCW_DEBUGFS "/%s/hook", uuid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fgets(line, sizeof(line), f) &&
	     vccw_field(line, "armed", "%31s", h->armed) &&
	     vccw_field(line, "waiting", "%u", &h->waiting) &&
	     vccw_field(line, "passes", "%lu", &h->passes) &&
	     vccw_field(line, "held", "%u", &h->held);
	fclose(f);
	return ok ? 0 : -EPROTO;
}

/* held= of the hook file: IRBs held back from the irq callback; -errno. */
static inline int vccw_hook_held(const char *uuid)
{
	struct vccw_hook_state h;
	int ret = vccw_hook_read(uuid, &h);

	return ret ? ret : (int)h.held;
}

/*
 * fail_function: make @fn return @retval at its next @times calls (-1:
 * every call) until vccw_uninject(). Without a stack dump per injection:
 * the log judge fails on those. 0 or -errno.
 */
static inline int vccw_inject_times(const char *fn, long retval, int times)
{
	const char *ff = "/sys/kernel/debug/fail_function";
	char path[256], v[32];
	int ret;

	snprintf(path, sizeof(path), "%s/inject", ff);
	ret = vccw_put(path, fn);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%s/retval", ff, fn);
	snprintf(v, sizeof(v), "%#lx", (unsigned long)retval);
	ret = vccw_put(path, v);
	if (!ret) {
		snprintf(path, sizeof(path), "%s/probability", ff);
		ret = vccw_put(path, "100");
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/interval", ff);
		ret = vccw_put(path, "1");
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/times", ff);
		snprintf(v, sizeof(v), "%d", times);
		ret = vccw_put(path, v);
	}
	if (!ret) {
		snprintf(path, sizeof(path), "%s/verbose", ff);
		ret = vccw_put(path, "0");
	}
	return ret;
}

/* fail_function: inject @retval into @fn once. */
static inline int vccw_inject(const char *fn, long retval)
{
	return vccw_inject_times(fn, retval, 1);
}

static inline void vccw_uninject(void)
{
	vccw_put("/sys/kernel/debug/fail_function/inject", "\n");
}

/* How long a test waits for one awaited IRB before it calls it lost. */
#define VCCW_IO_TIMEOUT_MS	20000

/* SENSE ID (7 bytes, SLI) at offset 0 into the zeroed page at 0x1000. */
static inline void vccw_sense_id_prog(struct vccw_dev *d)
{
	struct ccw1 *ccw = vccw_ptr(d, 0);

	memset(vccw_ptr(d, 0x1000), 0, 8);
	ccw->cmd = CCW_CMD_SENSE_ID;
	ccw->flags = CCW_FLAG_SLI;
	ccw->count = 7;
	ccw->cda = vccw_addr(d, 0x1000);
}

/*
 * START the SENSE ID program (retrying while the device is busy with what
 * came before) and take IRBs until its good ending: true when the device
 * answered with a SenseID (0xff, control unit type 0x38xx). IRBs left
 * unread before do not count as its ending.
 */
static inline bool vccw_good_sense_id(struct vccw_dev *d)
{
	const unsigned int end = DEV_STAT_CHN_END | DEV_STAT_DEV_END;
	uint8_t *data = vccw_ptr(d, 0x1000);
	struct irb_view irb = { 0 };
	struct cmd_orb orb;
	ssize_t n = -EBUSY;
	int i;

	vccw_sense_id_prog(d);
	for (i = 0; i < 50; i++) {
		vccw_orb(d, &orb, 0, 0x5e1d);
		n = vccw_start(d, &orb);
		if (n != -EBUSY && n != -EAGAIN)
			break;
		vccw_take_irb(d, 200);
	}
	if (n != (ssize_t)sizeof(struct ccw_io_region))
		return false;
	for (i = 0; i < 10; i++) {
		if (vccw_wait_io(d, VCCW_IO_TIMEOUT_MS) <= 0 ||
		    vccw_read_irb(d, &irb))
			return false;
		if ((scsw_fctl(&irb.scsw) & SCSW_FCTL_START) &&
		    (scsw_dstat(&irb.scsw) & end) == end)
			break;
	}
	return i < 10 && data[0] == 0xff && data[1] == 0x38;
}

/*
 * Remove an mdev (write "1" to @path, its remove attribute) from a
 * thread: the removal waits while userspace has the device open.
 */
struct vccw_remover {
	char path[320];
	int ret;
	atomic_int done;
};

static inline void *vccw_remove_fn(void *arg)
{
	struct vccw_remover *r = arg;

	r->ret = vccw_put(r->path, "1");
	atomic_store(&r->done, 1);
	return NULL;
}

#endif /* VFIO_CCW_UTIL_H */
