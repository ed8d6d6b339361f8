/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the vfio-ccw driver: ownership transitions of the cp
 * area, START and HALT/CLEAR requests, IRBs as the irq callback saw them.
 * Enable with: echo 1 > /sys/kernel/tracing/events/vfio_ccw/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vfio_ccw

#ifndef _VCCW_TRACE_REQUEST_
#define _VCCW_TRACE_REQUEST_
/* What a vfio_ccw_request event is about. */
enum vccw_request {
	VCCW_REQ_START,
	VCCW_REQ_HALT,
	VCCW_REQ_CLEAR,
};
#endif

#if !defined(_VCCW_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _VCCW_TRACE_H_

#include <linux/tracepoint.h>
#include <asm/schid.h>

#include "vfio_ccw_own.h"

/* So that userspace trace readers can map the party values as well. */
TRACE_DEFINE_ENUM(VCCW_PARTY_W);
TRACE_DEFINE_ENUM(VCCW_PARTY_I);
TRACE_DEFINE_ENUM(VCCW_PARTY_Q);
TRACE_DEFINE_ENUM(VCCW_PARTY_R);
TRACE_DEFINE_ENUM(VCCW_REQ_START);
TRACE_DEFINE_ENUM(VCCW_REQ_HALT);
TRACE_DEFINE_ENUM(VCCW_REQ_CLEAR);

#define VCCW_PARTY_SYMBOLS(p)						\
	__print_symbolic(p, { VCCW_PARTY_W, "W" }, { VCCW_PARTY_I, "I" },	\
			 { VCCW_PARTY_Q, "Q" }, { VCCW_PARTY_R, "R" })

/* @party: enum vccw_party; @from/@to: enum vccw_own_state */
TRACE_EVENT(vfio_ccw_own,
	    TP_PROTO(struct subchannel_id schid, int party, int from, int to),
	    TP_ARGS(schid, party, from, to),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(int, party)
			     __field(int, from)
			     __field(int, to)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->party = party;
			   __entry->from = from;
			   __entry->to = to;),
	    TP_printk("schid=%x.%x.%04x %s %s -> %s",
		      __entry->cssid, __entry->ssid, __entry->sch_no,
		      VCCW_PARTY_SYMBOLS(__entry->party),
		      __print_symbolic(__entry->from, { 0, "IDLE" },
				       { 1, "TRANSLATING" }, { 2, "SUBMITTED" },
				       { 3, "CLAIMED" }),
		      __print_symbolic(__entry->to, { 0, "IDLE" },
				       { 1, "TRANSLATING" }, { 2, "SUBMITTED" },
				       { 3, "CLAIMED" }))
);

/*
 * R stopped the channel: what vccw_quiesce() returned and whether the
 * subchannel is enabled afterwards (stsch).
 */
TRACE_EVENT(vfio_ccw_quiesce,
	    TP_PROTO(struct subchannel_id schid, int ret, bool ena),
	    TP_ARGS(schid, ret, ena),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(int, ret)
			     __field(bool, ena)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->ret = ret;
			   __entry->ena = ena;),
	    TP_printk("schid=%x.%x.%04x ret=%d ena=%d", __entry->cssid,
		      __entry->ssid, __entry->sch_no, __entry->ret,
		      __entry->ena)
);

/* The subchannel was enabled for us (@ret 0) or could not be. */
TRACE_EVENT(vfio_ccw_enable,
	    TP_PROTO(struct subchannel_id schid, int ret),
	    TP_ARGS(schid, ret),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(int, ret)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->ret = ret;),
	    TP_printk("schid=%x.%x.%04x ret=%d", __entry->cssid,
		      __entry->ssid, __entry->sch_no, __entry->ret)
);

/*
 * A submitted cp was unpinned and freed by @party (Q or R); @parked: its
 * pages and channel program stay allocated because the channel could not
 * be stopped (freed when the subchannel is gone).
 */
TRACE_EVENT(vfio_ccw_cp_free,
	    TP_PROTO(struct subchannel_id schid, int party, bool parked),
	    TP_ARGS(schid, party, parked),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(int, party)
			     __field(bool, parked)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->party = party;
			   __entry->parked = parked;),
	    TP_printk("schid=%x.%x.%04x %s parked=%d", __entry->cssid,
		      __entry->ssid, __entry->sch_no,
		      VCCW_PARTY_SYMBOLS(__entry->party), __entry->parked)
);

/*
 * @what: enum vccw_request, printed as "start", "halt" or "clear" (a
 * value, not a pointer, so that trace-cmd and perf read it too); @ret:
 * what userspace gets.
 */
TRACE_EVENT(vfio_ccw_request,
	    TP_PROTO(struct subchannel_id schid, int what, int ret),
	    TP_ARGS(schid, what, ret),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(int, what)
			     __field(int, ret)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->what = what;
			   __entry->ret = ret;),
	    TP_printk("schid=%x.%x.%04x %s ret=%d", __entry->cssid,
		      __entry->ssid, __entry->sch_no,
		      __print_symbolic(__entry->what,
				       { VCCW_REQ_START, "start" },
				       { VCCW_REQ_HALT, "halt" },
				       { VCCW_REQ_CLEAR, "clear" }),
		      __entry->ret)
);

/* First and third SCSW words, and what the irq callback decided. */
TRACE_EVENT(vfio_ccw_irb,
	    TP_PROTO(struct subchannel_id schid, u32 scsw0, u32 scsw2,
		     bool claim, bool for_cp),
	    TP_ARGS(schid, scsw0, scsw2, claim, for_cp),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(u32, scsw0)
			     __field(u32, scsw2)
			     __field(bool, claim)
			     __field(bool, for_cp)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->scsw0 = scsw0;
			   __entry->scsw2 = scsw2;
			   __entry->claim = claim;
			   __entry->for_cp = for_cp;),
	    TP_printk("schid=%x.%x.%04x scsw=%08x/%08x claim=%d for_cp=%d",
		      __entry->cssid, __entry->ssid, __entry->sch_no,
		      __entry->scsw0, __entry->scsw2, __entry->claim,
		      __entry->for_cp)
);

#endif /* _VCCW_TRACE_H_ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vccw_trace
#include <trace/define_trace.h>
