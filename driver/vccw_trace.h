/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the vfio-ccw driver: ownership transitions of the cp
 * area, START and HALT/CLEAR requests, IRBs as the irq callback saw them.
 * Enable with: echo 1 > /sys/kernel/tracing/events/vfio_ccw/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vfio_ccw

#if !defined(_VCCW_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _VCCW_TRACE_H_

#include <linux/tracepoint.h>
#include <asm/schid.h>

/* @party: "W", "I", "Q" or "R"; @from/@to: enum vccw_own_state */
TRACE_EVENT(vfio_ccw_own,
	    TP_PROTO(struct subchannel_id schid, const char *party, int from,
		     int to),
	    TP_ARGS(schid, party, from, to),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(const char *, party)
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
		      __entry->party,
		      __print_symbolic(__entry->from, { 0, "IDLE" },
				       { 1, "TRANSLATING" }, { 2, "SUBMITTED" },
				       { 3, "CLAIMED" }),
		      __print_symbolic(__entry->to, { 0, "IDLE" },
				       { 1, "TRANSLATING" }, { 2, "SUBMITTED" },
				       { 3, "CLAIMED" }))
);

/* @what: "start", "halt" or "clear"; @ret: what userspace gets */
TRACE_EVENT(vfio_ccw_request,
	    TP_PROTO(struct subchannel_id schid, const char *what, int ret),
	    TP_ARGS(schid, what, ret),
	    TP_STRUCT__entry(__field(u8, cssid)
			     __field(u8, ssid)
			     __field(u16, sch_no)
			     __field(const char *, what)
			     __field(int, ret)),
	    TP_fast_assign(__entry->cssid = schid.cssid;
			   __entry->ssid = schid.ssid;
			   __entry->sch_no = schid.sch_no;
			   __entry->what = what;
			   __entry->ret = ret;),
	    TP_printk("schid=%x.%x.%04x %s ret=%d", __entry->cssid,
		      __entry->ssid, __entry->sch_no, __entry->what,
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
