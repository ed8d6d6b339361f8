// SPDX-License-Identifier: GPL-2.0
/*
 * The nested payload: a bare-metal s390x program that QEMU, running inside
 * the test guest, starts with -kernel next to a "-device vfio-ccw" whose
 * subchannel our driver (or the in-tree one) passes through. It finds the
 * subchannel, enables it and runs channel programs through QEMU and the
 * driver to the outer QEMU's virtio-ccw device, checks every result (cc,
 * SCSW, data) and reports TAP on the SCLP console. It ends with a disabled
 * wait at 0xfff (QEMU shuts down) after a complete plan, or at 0xbad.
 *
 * The guest's runner (scripts/nested-guest.sh) passes its knobs with
 * -append; QEMU copies them to the parameter area at 0x10480:
 *   pci=1      the runner armed the driver's "after-ssch intermediate" and
 *              "hold irq" hooks: the first START gets a made-up PCI
 *              intermediate IRB, the final one waits for "release irq"
 *   crw=1      wait for the runner to vary the channel path off and on
 *              and to report it: two channel-path CRWs (stcrw)
 *   unplug=1   wait for the runner to stop the mdev: QEMU unplugs the
 *              device, the subchannel goes (stsch cc 3) with a CRW
 *   loop=1     only SENSE IDs, for ever (the runner kills QEMU)
 *   cu=HH      the control-unit model SENSE ID must report
 *   chpid=HH   the first channel path the middle guest's lscss shows
 * Lines starting "# VCCW-NESTED-WAIT: <what>" tell the runner to act.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* ---------------------------------------------------------------------- */
/* Freestanding support                                                    */

void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--)
		*p++ = (u8)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

extern char parm_area[];
extern char pgm_entry[], ext_entry[];
void wait_ext(void);
void load_psw(u64 mask, u64 addr) __attribute__((noreturn));

/* The lowcore, at absolute 0: an address the compiler cannot see through. */
static inline volatile u8 *lowcore(unsigned long off)
{
	unsigned long p = off;

	asm volatile("" : "+d" (p));
	return (volatile u8 *)p;
}

#define PSW_MASK_64	0x0000000180000000ULL	/* EA, BA */
#define PSW_WAIT	0x0002000000000000ULL

/* ---------------------------------------------------------------------- */
/* SCLP console (the ASCII console event, type 0x1a)                       */

struct sccb_header {
	u16 length;
	u8 function_code;
	u8 control_mask[3];
	u16 response_code;
} __attribute__((packed));

struct write_event_mask {
	struct sccb_header h;
	u16 reserved;
	u16 mask_length;
	u32 cp_receive_mask;
	u32 cp_send_mask;
	u32 send_mask;
	u32 receive_mask;
} __attribute__((packed));

struct write_event_data {
	struct sccb_header h;
	u16 length;
	u8 type;
	u8 flags;
	u16 reserved;
	char data[];
} __attribute__((packed));

#define SCLP_CMD_WRITE_EVENT_MASK	0x00780005
#define SCLP_CMD_WRITE_EVENT_DATA	0x00760005
#define SCLP_RC_NORMAL			0x0020
#define SCLP_EVENT_ASCII		0x1a
#define SCLP_MASK_ASCII			(0x80000000U >> (SCLP_EVENT_ASCII - 1))

static u8 sccb[4096] __attribute__((aligned(4096)));
static int sclp_ok;

static int servc(u32 cmd, void *area)
{
	int cc;

	asm volatile(".insn rre,0xb2200000,%[cmd],%[area]\n"
		     "ipm %[cc]\n"
		     "srl %[cc],28\n"
		     : [cc] "=&d" (cc)
		     : [cmd] "d" (cmd), [area] "a" (area)
		     : "cc", "memory");
	return cc;
}

static void ctl_set_bit(int cr, int bit)
{
	u64 v;

	if (cr == 0) {
		asm volatile("stctg 0,0,%0" : "=Q" (v));
		v |= 1ULL << (63 - bit);
		asm volatile("lctlg 0,0,%0" : : "Q" (v));
	} else if (cr == 6) {
		asm volatile("stctg 6,6,%0" : "=Q" (v));
		v |= 1ULL << (63 - bit);
		asm volatile("lctlg 6,6,%0" : : "Q" (v));
	}
}

/* One SCLP command, waiting for its service signal. */
static int sclp_call(u32 cmd)
{
	struct sccb_header *h = (struct sccb_header *)sccb;
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		int cc = servc(cmd, sccb);

		if (cc == 0)
			break;
		if (cc != 2)
			return -1;
	}
	wait_ext();
	return h->response_code == SCLP_RC_NORMAL ? 0 : -1;
}

static void sclp_setup(void)
{
	struct write_event_mask *m = (struct write_event_mask *)sccb;

	/* external new PSW, service-signal subclass (CR0 bit 54) */
	*(volatile u64 *)lowcore(0x1b0) = PSW_MASK_64;
	*(volatile u64 *)lowcore(0x1b8) = (u64)(unsigned long)ext_entry;
	ctl_set_bit(0, 54);

	memset(sccb, 0, sizeof(*m));
	m->h.length = sizeof(*m);
	m->mask_length = 4;
	m->cp_receive_mask = SCLP_MASK_ASCII;
	m->cp_send_mask = SCLP_MASK_ASCII;
	sclp_ok = sclp_call(SCLP_CMD_WRITE_EVENT_MASK) == 0;
}

static void sclp_write(const char *s, size_t n)
{
	struct write_event_data *w = (struct write_event_data *)sccb;
	size_t max = sizeof(sccb) - sizeof(*w);

	while (n) {
		size_t k = n < max ? n : max;

		memset(sccb, 0, sizeof(*w));
		w->h.length = sizeof(*w) + k;
		w->length = 6 + k;
		w->type = SCLP_EVENT_ASCII;
		memcpy(w->data, s, k);
		if (sclp_call(SCLP_CMD_WRITE_EVENT_DATA))
			sclp_ok = 0;
		s += k;
		n -= k;
	}
}

/* ---------------------------------------------------------------------- */
/* Output: a small printf (%s %c %d %u %x %lx %02x %08x)                   */

static char line[512];
static size_t line_len;

static void put_c(char c)
{
	if (line_len < sizeof(line))
		line[line_len++] = c;
	if (c == '\n') {
		sclp_write(line, line_len);
		line_len = 0;
	}
}

static void put_num(u64 v, unsigned int base, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width--)
		put_c(pad);
	while (n)
		put_c(buf[--n]);
}

static void pr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			put_c(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		if (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			while (*s)
				put_c(*s++);
			break;
		}
		case 'c':
			put_c((char)va_arg(ap, int));
			break;
		case 'd': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			if (v < 0) {
				put_c('-');
				v = -v;
			}
			put_num((u64)v, 10, width, pad);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, unsigned long) :
				va_arg(ap, unsigned int), 10, width, pad);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, unsigned long) :
				va_arg(ap, unsigned int), 16, width, pad);
			break;
		default:
			put_c('%');
			put_c(*fmt);
		}
	}
	va_end(ap);
}

static void __attribute__((noreturn)) finish(int good)
{
	if (line_len)
		put_c('\n');
	/* 0xfff: QEMU treats it as a shutdown; anything else as a panic. */
	load_psw(PSW_MASK_64 | PSW_WAIT, good ? 0xfff : 0xbad);
}

void program_check(void)
{
	u16 code = *(volatile u16 *)lowcore(0x8e);
	u64 addr = *(volatile u64 *)lowcore(0x158);

	pr("Bail out! program check %04x, old PSW address %lx\n", code,
	   addr);
	finish(0);
}

/* ---------------------------------------------------------------------- */
/* Time: the TOD clock, bit 51 is a microsecond                            */

static u64 now_us(void)
{
	u64 tod;

	asm volatile("stck %0" : "=Q" (tod) : : "cc");
	return tod >> 12;
}

/* ---------------------------------------------------------------------- */
/* Channel subsystem (Principles of Operation, chapters 14 to 17)          */

struct pmcw {
	u32 intparm;
	u32 qf:1, w:1, isc:3, res5:3, ena:1, lm:2, mme:2, mp:1, tf:1, dnv:1,
	    dev:16;
	u8 lpm, pnom, lpum, pim;
	u16 mbi;
	u8 pom, pam;
	u8 chpid[8];
	u32 unused1:8, st:3, unused2:18, mbfc:1, xmwme:1, csense:1;
} __attribute__((packed));

struct scsw {
	u32 w0;
	u32 cpa;
	u32 w2;
} __attribute__((packed));

static inline unsigned int scsw_fctl(const struct scsw *s) { return (s->w0 >> 12) & 7; }
static inline unsigned int scsw_actl(const struct scsw *s) { return (s->w0 >> 5) & 0x7f; }
static inline unsigned int scsw_stctl(const struct scsw *s) { return s->w0 & 0x1f; }
static inline unsigned int scsw_dstat(const struct scsw *s) { return s->w2 >> 24; }
static inline unsigned int scsw_cstat(const struct scsw *s) { return (s->w2 >> 16) & 0xff; }
static inline unsigned int scsw_count(const struct scsw *s) { return s->w2 & 0xffff; }

struct schib {
	struct pmcw pmcw;
	struct scsw scsw;
	u8 mda[12];
} __attribute__((packed, aligned(4)));

struct irb {
	struct scsw scsw;
	u8 esw[20];
	u8 ecw[32];
	u8 emw[32];
} __attribute__((packed, aligned(4)));

struct orb {
	u32 intparm;
	u32 key:4, spnd:1, res1:1, mod:1, sync:1, fmt:1, pfch:1, isic:1,
	    alcc:1, ssic:1, res2:1, c64:1, i2k:1, lpm:8, ils:1, zero:6, orbx:1;
	u32 cpa;
	u32 pad[5];
} __attribute__((packed, aligned(4)));

struct ccw1 {
	u8 cmd;
	u8 flags;
	u16 count;
	u32 cda;
} __attribute__((packed, aligned(8)));

#define CCW_CMD_NOOP		0x03
#define CCW_CMD_TIC		0x08
#define CCW_CMD_SENSE_ID	0xe4
#define CCW_FLAG_CD		0x80
#define CCW_FLAG_CC		0x40
#define CCW_FLAG_SLI		0x20
#define CCW_FLAG_PCI		0x08
#define CCW_FLAG_IDA		0x04

#define FCTL_START	4
#define FCTL_HALT	2
#define FCTL_CLEAR	1
#define ACTL_SCHACT	0x04
#define ACTL_DEVACT	0x02
#define STCTL_ALERT	0x10
#define STCTL_INTER	0x08
#define STCTL_PRIMARY	0x04
#define STCTL_SECONDARY	0x02
#define STCTL_PEND	0x01
#define DSTAT_CE	0x08
#define DSTAT_DE	0x04
#define CSTAT_PCI	0x80

static int stsch(u32 schid, struct schib *s)
{
	register u32 r1 asm("1") = schid;
	int cc;

	asm volatile("stsch %[s]\n ipm %[cc]\n srl %[cc],28"
		     : [cc] "=&d" (cc), [s] "=Q" (*s) : "d" (r1) : "cc");
	return cc;
}

static int msch(u32 schid, struct schib *s)
{
	register u32 r1 asm("1") = schid;
	int cc;

	asm volatile("msch %[s]\n ipm %[cc]\n srl %[cc],28"
		     : [cc] "=&d" (cc) : "d" (r1), [s] "Q" (*s) : "cc");
	return cc;
}

static int ssch(u32 schid, struct orb *o)
{
	register u32 r1 asm("1") = schid;
	int cc;

	asm volatile("ssch %[o]\n ipm %[cc]\n srl %[cc],28"
		     : [cc] "=&d" (cc) : "d" (r1), [o] "Q" (*o)
		     : "cc", "memory");
	return cc;
}

static int tsch(u32 schid, struct irb *i)
{
	register u32 r1 asm("1") = schid;
	int cc;

	asm volatile("tsch %[i]\n ipm %[cc]\n srl %[cc],28"
		     : [cc] "=&d" (cc), [i] "=Q" (*i) : "d" (r1)
		     : "cc", "memory");
	return cc;
}

static int hsch(u32 schid)
{
	register u32 r1 asm("1") = schid;
	int cc;

	asm volatile("hsch\n ipm %[cc]\n srl %[cc],28"
		     : [cc] "=&d" (cc) : "d" (r1) : "cc", "memory");
	return cc;
}

static int csch(u32 schid)
{
	register u32 r1 asm("1") = schid;
	int cc;

	asm volatile("csch\n ipm %[cc]\n srl %[cc],28"
		     : [cc] "=&d" (cc) : "d" (r1) : "cc", "memory");
	return cc;
}

/* TPI with operand 0: the interruption code goes to the lowcore (0xb8). */
static int tpi(void)
{
	int cc;

	asm volatile("tpi 0\n ipm %[cc]\n srl %[cc],28"
		     : [cc] "=&d" (cc) : : "cc", "memory");
	return cc;
}

static int stcrw(u32 *crw)
{
	int cc;

	asm volatile("stcrw %[crw]\n ipm %[cc]\n srl %[cc],28"
		     : [cc] "=&d" (cc), [crw] "=Q" (*crw) : : "cc", "memory");
	return cc;
}

/* ---------------------------------------------------------------------- */
/* TAP                                                                     */

static int test_no, failures;

static int ok(int cond, const char *name)
{
	test_no++;
	pr("%s %d - %s\n", cond ? "ok" : "not ok", test_no, name);
	if (!cond)
		failures++;
	return cond;
}

static void skip(const char *name, const char *why)
{
	test_no++;
	pr("ok %d - %s # SKIP %s\n", test_no, name, why);
}

/* A check inside a test point: prints what failed, returns cond. */
static int bad;
#define CHECK(c, ...) ({						\
	int __c = !!(c);						\
	if (!__c) {							\
		bad++;							\
		pr("#   failed: %s: ", #c);				\
		pr(__VA_ARGS__);					\
		pr("\n");						\
	}								\
	__c; })

/* ---------------------------------------------------------------------- */
/* Parameters                                                              */

static int parm(const char *name, int dflt)
{
	const char *p = parm_area;
	size_t n = str_len(name);

	while (*p) {
		const char *q = name;

		while (*p == ' ')
			p++;
		while (*q && *p == *q) {
			p++;
			q++;
		}
		if (!*q && *p == '=') {
			int v = 0;

			for (p++; *p && *p != ' '; p++) {
				int d = *p >= 'a' ? *p - 'a' + 10 :
					*p >= 'A' ? *p - 'A' + 10 : *p - '0';
				v = v * 16 + d;
			}
			return v;
		}
		while (*p && *p != ' ')
			p++;
	}
	(void)n;
	return dflt;
}

/* ---------------------------------------------------------------------- */
/* The device                                                              */

static u32 schid;
static struct schib schib;
static struct irb irb;
static struct orb orb;
static u8 isc = 3;

#define IO_TIMEOUT_US	(60ULL * 1000 * 1000)

/* Channel programs and data: pages of their own, below 2G. */
static struct ccw1 prog[64] __attribute__((aligned(4096)));
static struct ccw1 prog2[8] __attribute__((aligned(4096)));
static u64 idal[64] __attribute__((aligned(4096)));
static u8 buf[8][4096] __attribute__((aligned(4096)));

static u32 addr(const void *p)
{
	return (u32)(unsigned long)p;
}

/*
 * Wait for the subchannel's I/O interruption (TPI polling, every ISC
 * enabled in CR6), then TSCH it into irb. 0, or -1 after @us.
 */
static int spurious;

static int wait_irq(u64 us, u32 *intparm)
{
	u64 end = now_us() + us;

	while (now_us() < end) {
		if (tpi() == 1) {
			u32 sid = *(volatile u32 *)lowcore(0xb8);

			if (intparm)
				*intparm = *(volatile u32 *)lowcore(0xbc);
			if (sid != schid) {
				pr("# interruption for %08x, not %08x\n", sid,
				   schid);
				continue;
			}
			if (tsch(schid, &irb) == 0)
				return 0;
			/*
			 * No status: an interruption QEMU made for status
			 * that a CSCH has cleared since (QEMU 7.2 leaves it
			 * queued). A channel never presents one; an
			 * operating system ignores it, and so do we.
			 */
			spurious++;
			pr("#   spurious interruption (tsch cc 1), ignored\n");
		}
	}
	return -1;
}

static void orb_init(void *cp, u32 intparm, int c64, int i2k)
{
	memset(&orb, 0, sizeof(orb));
	orb.intparm = intparm;
	orb.fmt = 1;
	orb.pfch = 1;
	orb.c64 = c64;
	orb.i2k = i2k;
	orb.lpm = 0xff;
	orb.cpa = addr(cp);
}

static void ccw(struct ccw1 *c, u8 cmd, u8 flags, u16 count, const void *p)
{
	c->cmd = cmd;
	c->flags = flags;
	c->count = count;
	c->cda = p ? addr(p) : 0;
}

static void scsw_show(const char *what)
{
	pr("#   %s: scsw %08x %08x %08x (fctl %x actl %02x stctl %02x "
	   "dstat %02x cstat %02x count %u)\n", what, irb.scsw.w0,
	   irb.scsw.cpa, irb.scsw.w2, scsw_fctl(&irb.scsw),
	   scsw_actl(&irb.scsw), scsw_stctl(&irb.scsw),
	   scsw_dstat(&irb.scsw), scsw_cstat(&irb.scsw),
	   scsw_count(&irb.scsw));
}

/* The final status of a START that ended normally. */
static void check_good_end(const void *cpa_expected, u16 residual)
{
	scsw_show("final");
	CHECK(scsw_fctl(&irb.scsw) == FCTL_START, "fctl %x",
	      scsw_fctl(&irb.scsw));
	CHECK(scsw_actl(&irb.scsw) == 0, "actl %02x", scsw_actl(&irb.scsw));
	CHECK(scsw_stctl(&irb.scsw) ==
	      (STCTL_PRIMARY | STCTL_SECONDARY | STCTL_PEND), "stctl %02x",
	      scsw_stctl(&irb.scsw));
	CHECK(scsw_dstat(&irb.scsw) == (DSTAT_CE | DSTAT_DE), "dstat %02x",
	      scsw_dstat(&irb.scsw));
	CHECK(scsw_cstat(&irb.scsw) == 0, "cstat %02x",
	      scsw_cstat(&irb.scsw));
	if (cpa_expected)
		CHECK(irb.scsw.cpa == addr(cpa_expected), "cpa %08x, not %08x",
		      irb.scsw.cpa, addr(cpa_expected));
	CHECK(scsw_count(&irb.scsw) == residual, "count %u, not %u",
	      scsw_count(&irb.scsw), residual);
}

/* START the program in orb and wait for its final interruption. */
static int run(u32 intparm)
{
	u32 ip = 0;
	int cc = ssch(schid, &orb);

	if (!CHECK(cc == 0, "ssch cc %d", cc))
		return -1;
	if (!CHECK(wait_irq(IO_TIMEOUT_US, &ip) == 0, "no interruption"))
		return -1;
	CHECK(ip == intparm, "intparm %08x, not %08x", ip, intparm);
	return 0;
}

static int sense_id_ok(const u8 *p)
{
	return p[0] == 0xff && p[1] == 0x38 && p[2] == 0x32;
}

static void fill(void *p, size_t n)
{
	memset(p, 0xaa, n);
}

/* Bytes [from, to) of @p are still the fill pattern. */
static int untouched(const u8 *p, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (p[i] != 0xaa)
			return 0;
	return 1;
}

/*
 * The 256 bytes of SENSE ID data of QEMU's virtio-ccw device: 0xff,
 * control-unit type 0x3832, the model (the virtio device id), zeros.
 */
static int expected_id(size_t off)
{
	static const u8 head[3] = { 0xff, 0x38, 0x32 };

	if (off < 3)
		return head[off];
	if (off == 3)
		return parm("cu", 0);
	return 0;
}

/* Piece @p of @len bytes holds the SENSE ID data from byte @from on. */
static int piece_is(const u8 *p, size_t len, size_t from)
{
	size_t k;

	for (k = 0; k < len; k++) {
		if (from + k == 3 && parm("cu", -1) < 0)
			continue;
		if (p[k] != expected_id(from + k))
			return 0;
	}
	return 1;
}

/*
 * The scattered pieces of one 256-byte SENSE ID. A channel continues the
 * data at each IDAW; QEMU 7.2's css (the outer QEMU here) starts its
 * buffer again at every IDAW after the first, so a later piece may hold
 * the data from byte 0. Either way every piece has its exact length.
 */
static int id_pieces_ok(u8 *const *piece, const size_t *len, int n)
{
	size_t off = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (piece_is(piece[i], len[i], off)) {
			off += len[i];
			continue;
		}
		if (i > 0 && piece_is(piece[i], len[i], 0)) {
			pr("#   piece %d holds the data from byte 0 (QEMU 7.2 "
			   "css restarts its buffer at each IDAW)\n", i);
			off += len[i];
			continue;
		}
		pr("#   piece %d: %02x %02x %02x %02x ... not the SENSE ID "
		   "data from byte %u\n", i, piece[i][0], piece[i][1],
		   piece[i][2], piece[i][3], (unsigned int)off);
		return 0;
	}
	return off == 256;
}

/* ---------------------------------------------------------------------- */
/* Test points                                                             */

static void t_find(void)
{
	u32 sch;
	int found = 0, devno = parm("devno", -1);

	for (sch = 0; sch <= 0xffff; sch++) {
		u32 id = 0x00010000 | sch;
		int cc = stsch(id, &schib);

		if (cc == 3)
			break;
		if (cc == 0 && schib.pmcw.dnv &&
		    (devno < 0 || schib.pmcw.dev == devno)) {
			schid = id;
			found = 1;
			break;
		}
	}
	if (found)
		pr("# subchannel %08x devno %04x pim %02x pam %02x pom %02x "
		   "chpid0 %02x\n", schid, schib.pmcw.dev, schib.pmcw.pim,
		   schib.pmcw.pam, schib.pmcw.pom, schib.pmcw.chpid[0]);
	if (!ok(found, "stsch finds the vfio-ccw subchannel"))
		pr("Bail out! no subchannel\n"), finish(0);
}

static void t_enable(void)
{
	int cc;

	bad = 0;
	schib.pmcw.ena = 1;
	schib.pmcw.isc = isc;
	schib.pmcw.intparm = 0x5e1d0000;
	cc = msch(schid, &schib);
	CHECK(cc == 0, "msch cc %d", cc);
	cc = stsch(schid, &schib);
	CHECK(cc == 0, "stsch cc %d", cc);
	CHECK(schib.pmcw.ena, "not enabled");
	CHECK(schib.pmcw.isc == isc, "isc %u", schib.pmcw.isc);
	ok(!bad, "msch enables the subchannel (isc 3)");
}

static void t_paths(void)
{
	int chpid = parm("chpid", -1);
	int cc;

	bad = 0;
	cc = stsch(schid, &schib);
	CHECK(cc == 0, "stsch cc %d", cc);
	pr("# pim %02x pam %02x pom %02x lpm %02x pnom %02x chpids "
	   "%02x %02x %02x %02x %02x %02x %02x %02x\n", schib.pmcw.pim,
	   schib.pmcw.pam, schib.pmcw.pom, schib.pmcw.lpm, schib.pmcw.pnom,
	   schib.pmcw.chpid[0], schib.pmcw.chpid[1], schib.pmcw.chpid[2],
	   schib.pmcw.chpid[3], schib.pmcw.chpid[4], schib.pmcw.chpid[5],
	   schib.pmcw.chpid[6], schib.pmcw.chpid[7]);
	CHECK(schib.pmcw.pim == 0x80, "pim %02x", schib.pmcw.pim);
	CHECK((schib.pmcw.pam & schib.pmcw.pim) == schib.pmcw.pim,
	      "pam %02x", schib.pmcw.pam);
	CHECK(schib.pmcw.pom == 0xff, "pom %02x", schib.pmcw.pom);
	CHECK(schib.pmcw.pnom == 0, "pnom %02x", schib.pmcw.pnom);
	if (chpid >= 0)
		CHECK(schib.pmcw.chpid[0] == chpid, "chpid0 %02x, not %02x",
		      schib.pmcw.chpid[0], chpid);
	ok(!bad, "stsch: path masks and channel path of the subchannel");
}

static void t_sense_id(void)
{
	u8 *d = buf[0];

	bad = 0;
	fill(d, 64);
	ccw(&prog[0], CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, d);
	orb_init(prog, 0x1001, 1, 0);
	if (!run(0x1001)) {
		check_good_end(&prog[1], 0);
		pr("# sense id: %02x %02x %02x %02x %02x %02x %02x\n", d[0],
		   d[1], d[2], d[3], d[4], d[5], d[6]);
		CHECK(sense_id_ok(d), "data %02x %02x %02x", d[0], d[1], d[2]);
		if (parm("cu", -1) >= 0)
			CHECK(d[3] == parm("cu", 0), "cu model %02x", d[3]);
		CHECK(untouched(d, 7, 64), "wrote past the count");
	}
	ok(!bad, "SENSE ID");
}

static void t_command_chain(void)
{
	u8 *a = buf[0], *b = buf[1];

	bad = 0;
	fill(a, 64);
	fill(b, 64);
	ccw(&prog[0], CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI, 7, a);
	ccw(&prog[1], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, NULL);
	ccw(&prog[2], CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 4, b);
	orb_init(prog, 0x1002, 1, 0);
	if (!run(0x1002)) {
		check_good_end(&prog[3], 0);
		CHECK(sense_id_ok(a) && untouched(a, 7, 64), "first data");
		CHECK(sense_id_ok(b) && untouched(b, 4, 64), "second data");
	}
	ok(!bad, "command chain: SENSE ID, NOOP, SENSE ID");
}

/*
 * Data chaining: the device takes the whole 256 bytes in the first CCW of
 * the chain (QEMU's virtio-ccw SENSE ID wants its full size), the second
 * piece stays empty and the final CPA points just past the first.
 */
static void t_data_chain(void)
{
	u8 *a = buf[0], *b = buf[1];

	bad = 0;
	fill(a, 512);
	fill(b, 64);
	ccw(&prog[0], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, NULL);
	ccw(&prog[1], CCW_CMD_SENSE_ID, CCW_FLAG_CD, 256, a);
	ccw(&prog[2], CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 16, b);
	orb_init(prog, 0x1003, 1, 0);
	if (!run(0x1003)) {
		u8 *p[1] = { a };
		size_t l[1] = { 256 };

		check_good_end(&prog[2], 0);
		CHECK(id_pieces_ok(p, l, 1), "SENSE ID data");
		CHECK(untouched(a, 256, 512), "wrote past 256 bytes");
		CHECK(untouched(b, 0, 64), "second piece written");
	}
	ok(!bad, "data chain: NOOP, SENSE ID data-chained over two CCWs");
}

/*
 * IDALs: two SENSE IDs of 256 bytes, command-chained, each through an IDAL
 * whose first IDAW ends 40 bytes before a block boundary, so every
 * transfer spans two pages: four pages in one program. @c64/@i2k choose
 * format-1 IDAWs (4 bytes, 2K blocks), or format-2 (8 bytes) with 4K or
 * 2K blocks.
 */
static void t_idal(int c64, int i2k, const char *name)
{
	size_t block = (c64 && !i2k) ? 4096 : 2048;
	u32 *idal1 = (u32 *)idal;
	u8 *pg[4] = { buf[2], buf[3], buf[4], buf[5] };
	u8 *piece[2];
	size_t len[2] = { 40, 216 };
	int i;

	bad = 0;
	for (i = 0; i < 4; i++)
		fill(pg[i], 4096);
	for (i = 0; i < 2; i++) {
		u8 *first = pg[2 * i] + block - 40;
		u8 *second = pg[2 * i + 1];

		if (c64) {
			idal[2 * i] = addr(first);
			idal[2 * i + 1] = addr(second);
		} else {
			idal1[2 * i] = addr(first);
			idal1[2 * i + 1] = addr(second);
		}
		ccw(&prog[i], CCW_CMD_SENSE_ID,
		    CCW_FLAG_IDA | (i == 0 ? CCW_FLAG_CC : 0), 256,
		    c64 ? (void *)&idal[2 * i] : (void *)&idal1[2 * i]);
	}
	orb_init(prog, 0x1004, c64, i2k);
	if (!run(0x1004)) {
		check_good_end(&prog[2], 0);
		for (i = 0; i < 2; i++) {
			piece[0] = pg[2 * i] + block - 40;
			piece[1] = pg[2 * i + 1];
			CHECK(id_pieces_ok(piece, len, 2), "program %d data", i);
			CHECK(untouched(pg[2 * i], 0, block - 40) &&
			      untouched(pg[2 * i], block, 4096),
			      "first page %d written outside its IDAW", i);
			CHECK(untouched(pg[2 * i + 1], 216, 4096),
			      "second page %d written past 216 bytes", i);
		}
	}
	ok(!bad, name);
}

static void t_tic(void)
{
	u8 *d = buf[0];

	bad = 0;
	fill(d, 64);
	ccw(&prog[0], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, NULL);
	ccw(&prog[1], CCW_CMD_TIC, 0, 0, prog2);
	ccw(&prog2[0], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, NULL);
	ccw(&prog2[1], CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, d);
	orb_init(prog, 0x1005, 1, 0);
	if (!run(0x1005)) {
		check_good_end(&prog2[2], 0);
		CHECK(sense_id_ok(d) && untouched(d, 7, 64), "data");
	}
	ok(!bad, "TIC to a second chain on another page");
}

/*
 * PCI: the first START of the run. The runner armed our driver's hooks
 * before QEMU started: the START gets a made-up intermediate IRB (PCI,
 * still active, CPA past the CCW with the flag), the real final IRB is
 * held until the runner saw this payload take the intermediate one.
 */
static void t_pci(void)
{
	u8 *d = buf[0];
	u32 ip = 0;
	int cc;

	bad = 0;
	fill(d, 64);
	ccw(&prog[0], CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI |
	    CCW_FLAG_PCI, 7, d);
	ccw(&prog[1], CCW_CMD_NOOP, CCW_FLAG_SLI, 0, NULL);
	orb_init(prog, 0x1006, 1, 0);
	cc = ssch(schid, &orb);
	CHECK(cc == 0, "ssch cc %d", cc);
	if (cc == 0 && CHECK(wait_irq(IO_TIMEOUT_US, &ip) == 0,
			     "no intermediate interruption")) {
		scsw_show("intermediate");
		CHECK(ip == 0x1006, "intparm %08x", ip);
		CHECK(scsw_fctl(&irb.scsw) == FCTL_START, "fctl");
		CHECK((scsw_stctl(&irb.scsw) & (STCTL_INTER | STCTL_PEND)) ==
		      (STCTL_INTER | STCTL_PEND), "stctl %02x",
		      scsw_stctl(&irb.scsw));
		CHECK(!(scsw_stctl(&irb.scsw) & STCTL_PRIMARY),
		      "primary status in the intermediate IRB");
		CHECK(scsw_cstat(&irb.scsw) == CSTAT_PCI, "cstat %02x",
		      scsw_cstat(&irb.scsw));
		CHECK(irb.scsw.cpa == addr(&prog[1]), "cpa %08x",
		      irb.scsw.cpa);
		pr("# VCCW-NESTED-WAIT: pci-final\n");
		if (CHECK(wait_irq(IO_TIMEOUT_US, &ip) == 0,
			  "no final interruption")) {
			check_good_end(&prog[2], 0);
			CHECK(sense_id_ok(d), "data");
		}
	}
	ok(!bad, "PCI: intermediate interruption, then the final one");
}

static void t_halt_clear_idle(int clear)
{
	int cc;

	bad = 0;
	cc = clear ? csch(schid) : hsch(schid);
	CHECK(cc == 0, "cc %d", cc);
	if (cc == 0 && CHECK(wait_irq(IO_TIMEOUT_US, NULL) == 0,
			     "no interruption")) {
		scsw_show(clear ? "clear" : "halt");
		CHECK(scsw_fctl(&irb.scsw) == (clear ? FCTL_CLEAR : FCTL_HALT),
		      "fctl %x", scsw_fctl(&irb.scsw));
		CHECK(scsw_stctl(&irb.scsw) & STCTL_PEND, "stctl %02x",
		      scsw_stctl(&irb.scsw));
		CHECK(scsw_actl(&irb.scsw) == 0, "actl %02x",
		      scsw_actl(&irb.scsw));
	}
	ok(!bad, clear ? "CSCH of the idle subchannel" :
	   "HSCH of the idle subchannel");
}

/*
 * HSCH or CSCH right behind a START: the program may still run or may
 * have ended already (both legal). HSCH: cc 0, or cc 1 when the START's
 * status is already pending; CSCH: cc 0. After a cc 0 the HSCH's or
 * CSCH's own status must come; interruptions are taken until it came and
 * stsch shows the subchannel idle (no function, no status pending). Then
 * the subchannel runs the next program.
 *
 * Found by this test: the START's final status that the driver took
 * before the HSCH or CSCH reached the channel was still handed to QEMU
 * after the HSCH or CSCH was accepted. QEMU makes an interruption of each
 * IRB it reads, so this guest got one too many; the stale one later took
 * the place of the next SENSE ID's interruption and that program's status
 * stayed pending (the next ssch got cc 1). The driver now supersedes
 * status that userspace has not read when an HSCH or CSCH is accepted
 * (Documentation/driver.rst, "The IRB ring and the outbox").
 */
static int idle(void)
{
	if (stsch(schid, &schib) != 0)
		return 0;
	return scsw_actl(&schib.scsw) == 0 &&
	       !(scsw_stctl(&schib.scsw) & STCTL_PEND);
}

static void t_halt_clear_busy(int clear)
{
	u8 *d = buf[0];
	int cc, cc2, n = 0, seen_fn = 0;

	bad = 0;
	ccw(&prog[0], CCW_CMD_SENSE_ID, CCW_FLAG_CC | CCW_FLAG_SLI, 7, d);
	ccw(&prog[1], CCW_CMD_NOOP, CCW_FLAG_CC | CCW_FLAG_SLI, 0, NULL);
	ccw(&prog[2], CCW_CMD_NOOP, CCW_FLAG_SLI, 0, NULL);
	orb_init(prog, 0x1007, 1, 0);
	cc = ssch(schid, &orb);
	CHECK(cc == 0, "ssch cc %d", cc);
	cc2 = clear ? csch(schid) : hsch(schid);
	pr("#   %s right behind the START: cc %d\n", clear ? "csch" : "hsch",
	   cc2);
	CHECK(cc2 == 0 || (!clear && cc2 == 1), "cc %d", cc2);
	while ((cc2 == 0 && !seen_fn) || !idle()) {
		if (n == 4 || !CHECK(wait_irq(IO_TIMEOUT_US, NULL) == 0,
				     "no interruption, subchannel not idle"))
			break;
		n++;
		scsw_show("status");
		if (scsw_fctl(&irb.scsw) & (clear ? FCTL_CLEAR : FCTL_HALT))
			seen_fn = 1;
		else
			CHECK(cc2 != 0, "a START status after the %s was accepted",
			      clear ? "CSCH" : "HSCH");
	}
	CHECK(idle(), "subchannel not idle after %d interruptions", n);
	CHECK(n >= 1, "no interruption");
	if (cc2 == 0)
		CHECK(seen_fn, "no status of the %s function",
		      clear ? "clear" : "halt");
	/* Idle again: SENSE ID runs. */
	fill(d, 64);
	ccw(&prog[0], CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, d);
	orb_init(prog, 0x1008, 1, 0);
	if (!run(0x1008)) {
		check_good_end(&prog[1], 0);
		CHECK(sense_id_ok(d), "data after");
	}
	ok(!bad, clear ? "CSCH of a running program, then SENSE ID" :
	   "HSCH of a running program, then SENSE ID");
}

/* CRWs queued before the runner acted (none expected). */
static void drain_crws(void)
{
	u32 crw;

	while (stcrw(&crw) == 0 && crw)
		pr("# CRW %08x before the test\n", crw);
}

/* Wait for a CRW: 0 and the word, or -1 after @us. */
static int wait_crw(u32 *crw, u64 us)
{
	u64 end = now_us() + us;

	while (now_us() < end)
		if (stcrw(crw) == 0 && *crw)
			return 0;
	return -1;
}

#define CRW_RSC(c)	(((c) >> 24) & 0xf)
#define CRW_ERC(c)	(((c) >> 16) & 0x3f)
#define CRW_RSID(c)	((c) & 0xffff)

static void t_crw(void)
{
	u32 crw = 0;
	u8 chpid;

	bad = 0;
	stsch(schid, &schib);
	chpid = schib.pmcw.chpid[0];
	drain_crws();
	pr("# VCCW-NESTED-WAIT: chp-vary\n");
	if (CHECK(wait_crw(&crw, 180000000ULL) == 0, "no CRW")) {
		pr("#   CRW %08x\n", crw);
		CHECK(CRW_RSC(crw) == 4 && CRW_ERC(crw) == 6 &&
		      CRW_RSID(crw) == chpid,
		      "not channel path %02x permanent error", chpid);
	}
	if (CHECK(wait_crw(&crw, 60000000ULL) == 0, "no second CRW")) {
		pr("#   CRW %08x\n", crw);
		CHECK(CRW_RSC(crw) == 4 && CRW_ERC(crw) == 2 &&
		      CRW_RSID(crw) == chpid,
		      "not channel path %02x initialized", chpid);
	}
	ok(!bad, "channel path off and on: two channel-path CRWs (stcrw)");

	/* The device still works afterwards. */
	t_sense_id();
}

/*
 * stsch of a vfio-ccw subchannel is a read of the schib region in QEMU:
 * between two of them the wait polls only stcrw (QEMU's own queue).
 */
#define STSCH_EVERY_US	200000ULL

static void t_unplug(void)
{
	u32 crw = 0;
	u64 end, next = 0;
	int cc = 0, got_crw = 0, gone = 0;

	bad = 0;
	drain_crws();
	pr("# VCCW-NESTED-WAIT: unplug\n");
	end = now_us() + 180000000ULL;
	while (now_us() < end && !(gone && got_crw)) {
		if (!got_crw && stcrw(&crw) == 0 && crw) {
			pr("#   CRW %08x\n", crw);
			if (CRW_RSC(crw) == 3 &&
			    CRW_RSID(crw) == (schid & 0xffff))
				got_crw = 1;
		}
		if (now_us() < next)
			continue;
		next = now_us() + STSCH_EVERY_US;
		cc = stsch(schid, &schib);
		gone = cc == 3 || (cc == 0 && !schib.pmcw.dnv);
	}
	CHECK(gone, "subchannel still there (stsch cc %d, dnv %u)", cc,
	      schib.pmcw.dnv);
	CHECK(got_crw, "no subchannel CRW");
	ok(!bad, "mdev removed: QEMU unplugs the device, stsch cc 3, CRW");
	ok(1, "the machine runs on after the unplug");
}

/* For the kill-with-I/O-in-flight event: SENSE IDs until killed. */
static void __attribute__((noreturn)) loop(void)
{
	unsigned long n = 0;
	u8 *d = buf[0];

	for (;;) {
		ccw(&prog[0], CCW_CMD_SENSE_ID, CCW_FLAG_SLI, 7, d);
		orb_init(prog, 0x2000, 1, 0);
		if (ssch(schid, &orb) != 0 ||
		    wait_irq(IO_TIMEOUT_US, NULL) != 0) {
			pr("# loop: START %lu did not complete\n", n);
			finish(0);
		}
		if (++n == 20)
			pr("# VCCW-NESTED-WAIT: kill\n");
	}
}

void __attribute__((noreturn)) payload_main(void)
{
	int pci = parm("pci", 0), crw = parm("crw", 0);
	int unplug = parm("unplug", 0);
	int plan = 15 + (crw ? 2 : 0) + (unplug ? 2 : 0);

	*(volatile u64 *)lowcore(0x1d0) = PSW_MASK_64;
	*(volatile u64 *)lowcore(0x1d8) = (u64)(unsigned long)pgm_entry;
	sclp_setup();
	if (!sclp_ok)
		finish(0);
	/* Every I/O-interruption subclass (CR6 bits 32 to 39) for TPI. */
	{
		int bit;

		for (bit = 32; bit < 40; bit++)
			ctl_set_bit(6, bit);
	}
	pr("# vfio-ccw nested payload, parameters \"%s\"\n", parm_area);
	if (parm("loop", 0)) {
		t_find();
		t_enable();
		loop();
	}
	pr("1..%d\n", plan);
	t_find();
	t_enable();
	if (pci)
		t_pci();
	else
		skip("PCI: intermediate interruption, then the final one",
		     "needs the debug hooks of our driver");
	t_paths();
	t_sense_id();
	t_command_chain();
	t_data_chain();
	t_idal(0, 0, "IDAL format 1 (2K blocks), four pages");
	t_idal(1, 0, "IDAL format 2 (4K blocks), four pages");
	t_idal(1, 1, "IDAL format 2 with 2K blocks, four pages");
	t_tic();
	t_halt_clear_idle(0);
	t_halt_clear_idle(1);
	t_halt_clear_busy(0);
	t_halt_clear_busy(1);
	if (crw)
		t_crw();
	if (unplug)
		t_unplug();
	pr("# %d spurious interruptions ignored\n", spurious);
	pr("# %d failed of %d\n", failures, test_no);
	finish(failures == 0 && test_no == plan);
}
