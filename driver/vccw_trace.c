// SPDX-License-Identifier: GPL-2.0
/* The vfio-ccw tracepoints (vccw_trace.h) are instantiated here. */
#define CREATE_TRACE_POINTS
#include "vccw_trace.h"
