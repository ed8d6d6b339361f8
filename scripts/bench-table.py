#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the figures of a "make bench" guest log.

The guest runs selftests/vfio_ccw_bench.c in rounds: the floor module
(bench/vccw_floor.c: the same channel programs through cio, no VFIO),
our module, the in-tree one; again; ... Every ratio is taken within a
round (the floor, ours and the in-tree one of the same round, minutes
apart at most) and printed as the median over the rounds with the
lowest and the highest: "1.52 [1.31-1.90]". Five tables:

  1. per case: programs/s, ours/in-tree, each driver's cost over the floor
  2. contention: HSCH, CSCH and schib-region latency while another thread
     STARTs 256-CCW programs over 256 pages on the same mdev
  3. translation against work: time per CCW and per page, linearity
  4. scale: programs/s on 1, 2, 4 mdevs at once (threads on every vCPU,
     threads on as many vCPUs as the host has cores, processes), and
     where those programs wait (4b, a traced run of round 1)
  5. memory: bytes per device, the channel program at its largest

Figures are printed, never judged; the run fails only when figures of a
driver are missing (check-log.py judges the rest).
Usage: bench-table.py LOG
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlog as bl  # noqa: E402


def sp(s, fmt="{:.2f}"):
    if s is None:
        return "-"
    med, lo, hi = s
    return (fmt + " [" + fmt + "-" + fmt + "]").format(med, lo, hi)


def num(v, fmt="{:.0f}"):
    return "-" if v is None else fmt.format(v)


def ratio_spread(fig, case, key, a, b, invert=False):
    """median [lo-hi] over rounds of a's key / b's key (or b/a)."""
    vals = []
    for va, vb in bl.per_round(fig, case, key, [a, b]).values():
        x, y = (vb, va) if invert else (va, vb)
        vals.append(x / y if y else float("nan"))
    return bl.spread(vals)


def table(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header])
              for i in range(len(header))]
    line = "  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                     for i, (h, w) in enumerate(zip(header, widths)))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))
    print()


def cases_table(fig, order):
    cases = [c for c in order
             if not c.startswith(("contention", "mem", "phase_", "procs_",
                                  "vcpus")) and not c.endswith("_diag")]
    rows = []
    for c in cases:
        rows.append([
            c, len(bl.rounds(fig, c, ["ours", "intree"])),
            num(bl.median_of(fig, "ours", c, "ops_s")),
            num(bl.median_of(fig, "intree", c, "ops_s")),
            num(bl.median_of(fig, "floor", c, "ops_s")),
            sp(ratio_spread(fig, c, "ops_s", "ours", "intree")),
            sp(ratio_spread(fig, c, "p50_us", "intree", "ours")),
            sp(ratio_spread(fig, c, "ops_s", "ours", "floor", True)),
            sp(ratio_spread(fig, c, "ops_s", "intree", "floor", True)),
            num(bl.median_of(fig, "ours", c, "p99_us")),
            num(bl.median_of(fig, "intree", c, "p99_us")),
            num(bl.median_of(fig, "floor", c, "p99_us")),
        ])
    print("1. Per case: programs/s (median over rounds); ours/in-tree = "
          "throughput ratio, p50 = in-tree's\n   median time over ours "
          "(>1: ours faster); X/floor = X's time per program over the\n"
          "   floor's (cio alone), same round; p99 in us")
    table(rows, ["case", "rounds", "ops/s ours", "in-tree", "floor",
                 "ours/in-tree", "p50 in-tree/ours", "ours/floor",
                 "in-tree/floor",
                 "p99 ours", "in-tree", "floor"])


def phases_table(fig):
    names = [("phase_submit", "submit"), ("phase_irq", "irq"),
             ("phase_deliver", "deliver")]
    rows = []
    for d in ["ours", "intree"]:
        row = [d]
        for c, _ in names:
            row += [num(bl.median_of(fig, d, c, "p50_us"), "{:.1f}"),
                    num(bl.median_of(fig, d, c, "p99_us"), "{:.1f}")]
        rows.append(row)
    rows.append(["floor (whole trip)",
                 num(bl.median_of(fig, "floor", "sense_id", "p50_us"),
                     "{:.1f}"),
                 num(bl.median_of(fig, "floor", "sense_id", "p99_us"),
                     "{:.1f}"), "", "", "", ""])
    print("1b. Where a sense_id round trip goes (cio's tracepoints on the "
          "monotonic clock, us,\n   median over rounds): submit = pwrite "
          "to after SSCH (translation, pinning, QEMU\n   running the "
          "program inside SSCH); irq = to the I/O interrupt; deliver = "
          "interrupt\n   to the IRB read in userspace (irq callback, work "
          "item, eventfd, wake-up, read)")
    table(rows, ["driver"] + [h for _, n in names for h in
                              (f"{n} p50", "p99")])


def contention_table(fig):
    rows = []
    for d in ["ours", "intree"]:
        row = [d]
        for c in ["contention_halt", "contention_clear", "contention_schib"]:
            row += [num(bl.median_of(fig, d, c, "p50_us")),
                    num(bl.median_of(fig, d, c, "p99_us"))]
        row.append(num(bl.median_of(fig, d, "contention_writer",
                                    "starts_s")))
        row.append(num(bl.median_of(fig, d, "contention_writer",
                                    "coalesced")))
        rows.append(row)
    print("2. Contention: one thread HSCH/CSCH to its IRB and schib-region "
          "reads, while another\n   STARTs 256 CCWs over 256 pages (IDALs) "
          "on the same mdev; us, median over rounds")
    table(rows, ["driver", "HSCH p50", "p99", "CSCH p50", "p99",
                 "schib p50", "p99", "writer STARTs/s", "coalesced"])
    rows = []
    for c in ["contention_halt", "contention_clear", "contention_schib"]:
        rows.append([c, sp(ratio_spread(fig, c, "p50_us", "intree", "ours")),
                     sp(ratio_spread(fig, c, "p99_us", "intree", "ours"))])
    print("   in-tree/ours latency (>1: ours shorter), per round:")
    table(rows, ["case", "p50 in-tree/ours", "p99 in-tree/ours"])


def growth(fig, prefix, xs, unit):
    rows = []
    print(f"3. Translation against work: p50 time (us, median over rounds) "
          f"per {unit}s in the program;\n   slope = us per {unit} (least "
          f"squares), steps = us per {unit} between successive sizes "
          f"(equal\n   when linear), last/first step; driver share = slope "
          f"less the floor's")
    slopes = {}
    for d in bl.DRIVERS:
        ys = [bl.median_of(fig, d, f"{prefix}{x}{'p' if unit == 'page' else ''}",
                           "p50_us") for x in xs]
        if any(y is None for y in ys):
            continue
        slope, _, r2 = bl.fit(xs, ys)
        slopes[d] = slope
        steps = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i])
                 for i in range(len(xs) - 1)]
        rows.append([d] + [f"{y:.0f}" for y in ys] +
                    [f"{slope:.2f}", f"{r2:.3f}",
                     " ".join(f"{s:.2f}" for s in steps),
                     f"{steps[-1] / steps[0]:.2f}" if steps[0] else "-",
                     f"{ys[-1] / ys[0]:.1f}"])
    for r in rows:
        r.append(f"{slopes[r[0]] - slopes['floor']:.2f}"
                 if "floor" in slopes and r[0] != "floor" else "-")
    table(rows, ["driver"] + [f"{x} {unit}s" for x in xs] +
          ["slope", "r^2", "steps", "last/first", f"t({xs[-1]})/t({xs[0]})",
           "driver share"])


def scale_ks(order, prefix):
    return sorted(int(c[len(prefix):]) for c in order
                  if c.startswith(prefix) and c[len(prefix):].isdigit())


def scale_table(fig, order):
    ks = scale_ks(order, "scale_")
    if not ks:
        return
    vcpus = sorted({c.split("_")[0] for c in order
                    if c.startswith("vcpus") and not c.endswith("_diag")})
    runs = [("scale_", "threads, all vCPUs")]
    runs += [(v + "_", f"threads, {v[5:]} vCPUs online") for v in vcpus]
    if scale_ks(order, "procs_"):
        runs.append(("procs_", "processes, all vCPUs"))
    rows = []
    for prefix, what in runs:
        for d in bl.DRIVERS:
            base = bl.median_of(fig, d, f"{prefix}1", "ops_s")
            row = [d, what]
            for k in ks:
                v = bl.median_of(fig, d, f"{prefix}{k}", "ops_s")
                row.append(num(v) + (f" (x{v / base:.2f})"
                                     if v and base else ""))
            rows.append(row)
        rows.append(["ours/in-tree", what] +
                    [sp(ratio_spread(fig, f"{prefix}{k}", "ops_s", "ours",
                                     "intree")) for k in ks])
    print("4. Scale: programs/s in total, one START thread (or process) per "
          "mdev (median over\n   rounds; x = over one mdev); again with no "
          "more vCPUs online than the host has\n   cores, and with a "
          "process per mdev (its own mm and container)")
    table(rows, ["driver", "run"] +
          [f"{k} mdev{'s' if k > 1 else ''}" for k in ks])
    diag_table(fig, order)


def diag_table(fig, order):
    cases = [c for c in order if c.endswith("_diag") and
             c.startswith(("scale_", "vcpus"))]
    rows = []
    for c in cases:
        for d in bl.DRIVERS:
            v = fig.get(d, {}).get(c)
            if not v:
                continue
            v = v[min(v)]
            rows.append([c[:-len("_diag")], d, f"{v['irqs']:.0f}",
                         f"{100 * v['irq_remote'] / v['irqs']:.0f}%",
                         f"{100 * v['irq_idle'] / v['irqs']:.0f}%",
                         f"{v['ssch_p50_us']:.0f}", f"{v['ssch_p99_us']:.0f}",
                         f"{v['ssch_over_1ms']:.0f}",
                         f"{v['lockwait_p50_us']:.0f}",
                         f"{v['lockwait_p99_us']:.0f}",
                         f"{v['lockwait_over_1ms']:.0f}"])
    if not rows:
        return
    print("4b. Where the scale runs wait (round 1, a traced run of its own; "
          "us): remote = I/O\n   interrupts taken by a vCPU other than the "
          "submitter's, idle = by one woken from idle\n   for it; ssch = the "
          "SSCH instruction (QEMU runs the program inside it, under its\n"
          "   big lock); lock wait = interrupt to the driver's irq callback, "
          "which cio calls with\n   sch->lock held, the lock the submitter "
          "holds around SSCH; >1ms = how many took longer")
    table(rows, ["run", "driver", "irqs", "remote", "idle", "ssch p50",
                 "p99", ">1ms", "lock wait p50", "p99", ">1ms"])


def mem_table(fig, sites):
    rows = []
    for d in ["ours", "intree"]:
        m = fig.get(d, {}).get("mem")
        if not m:
            continue
        v = m[min(m)]
        own = v["own_bytes"] + v["private_bytes"]
        rows.append([d, f"{v['private_bytes']:.0f}", f"{v['own_bytes']:.0f}",
                     f"{own:.0f}", f"{v['induced_bytes']:.0f}",
                     f"{v['cp_own_peak_bytes']:.0f}",
                     f"{v['cp_induced_peak_bytes']:.0f}",
                     f"{own + v['cp_own_peak_bytes']:.0f}",
                     f"{v['cp_left_bytes']:.0f}"])
    if not rows:
        return
    print("5. Memory per device, bytes, measured (kmem trace events with "
          "stacks, mdev create + open,\n   then the largest program: 256 "
          "CCWs over 256 pages). private = the vfio_alloc_device of the\n"
          "   private struct (ours: IRB ring and outbox inside); own = the "
          "driver's other allocations\n   (regions, cp buffers); induced = "
          "what vfio core, sysfs and type1 allocate for the driver;\n   cp "
          "peak = most live during the program; left = still live after it "
          "and a CSCH")
    table(rows, ["driver", "private", "own", "device", "induced",
                 "cp peak own", "cp induced", "device+cp", "left"])
    for d in ["ours", "intree"]:
        if d in sites:
            own = [x for x in sites[d] if not x[0].startswith("induced:")]
            print(f"   {d}: " + ", ".join(
                f"{s} {b} ({n})" for s, b, n in
                sorted(own, key=lambda x: -x[1])))
    print()


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    fig, order, sites = bl.parse(argv[1])
    missing = [d for d in bl.DRIVERS if d not in fig]
    if missing or not order:
        print("bench: no figures for " + ", ".join(missing or bl.DRIVERS))
        return 1
    n = int(next(iter(next(iter(fig["ours"].values())).values()))["n"])
    nr = len({r for c in fig["ours"].values() for r in c})
    print(f"vfio-ccw benchmarks, one boot, {nr} rounds of floor, ours, "
          f"in-tree; {n} programs per case and round\n")
    cases_table(fig, order)
    phases_table(fig)
    contention_table(fig)
    growth(fig, "ccws_", [1, 16, 64, 256], "CCW")
    growth(fig, "idal_", [1, 16, 256], "page")
    scale_table(fig, order)
    mem_table(fig, sites)
    ok = True
    for c in order:
        for d in ["ours", "intree"]:
            if c not in fig.get(d, {}):
                print(f"bench: {c} missing for {d}")
                ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
