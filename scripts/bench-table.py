#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the figures of a "make bench" guest log side by side.

Reads the VCCW-BENCH lines of each driver from the framed copies the
guest init printed (VCCW-BENCH-BEGIN/END) and prints, per case, our
module and the in-tree one in adjacent columns with the ratio of their
throughputs. Figures are printed, never judged; the run fails only when
a driver's figures are missing (check-log.py judges the rest).
Usage: bench-table.py LOG
"""

import re
import sys

LINE = re.compile(r"^VCCW-BENCH: (\S+) (\S+) (.*)$")


def parse(path):
    """{driver: {case: {key: float}}} and the case order."""
    figures, order, inside = {}, [], False
    with open(path, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            if line.startswith("VCCW-BENCH-BEGIN: "):
                inside = True
                continue
            if line.startswith("VCCW-BENCH-END: "):
                inside = False
                continue
            m = LINE.match(line)
            if not inside or not m:
                continue
            driver, case, rest = m.groups()
            vals = dict(kv.split("=", 1) for kv in rest.split())
            figures.setdefault(driver, {})[case] = {
                k: float(v) for k, v in vals.items()}
            if case not in order:
                order.append(case)
    return figures, order


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    figures, order = parse(argv[1])
    drivers = ["ours", "intree"]
    missing = [d for d in drivers if d not in figures]
    if missing or not order:
        print("bench: no figures for " + ", ".join(missing or drivers))
        return 1
    n = int(next(iter(figures["ours"].values()))["n"])
    print(f"vfio-ccw benchmarks, same boot, {n} programs per case "
          "(two_mdevs: twice that); times in microseconds")
    hdr = (f"{'case':<10} {'ops/s ours':>11} {'intree':>8} {'ratio':>6}  "
           f"{'p50 ours':>9} {'intree':>8}  {'p99 ours':>9} {'intree':>8}  "
           f"{'max ours':>9} {'intree':>8}")
    print(hdr)
    print("-" * len(hdr))
    ok = True
    for case in order:
        o = figures["ours"].get(case)
        i = figures["intree"].get(case)
        if not o or not i:
            print(f"{case:<10} missing for {'ours' if not o else 'intree'}")
            ok = False
            continue
        ratio = o["ops_s"] / i["ops_s"] if i["ops_s"] else float("nan")
        print(f"{case:<10} {o['ops_s']:>11.0f} {i['ops_s']:>8.0f} "
              f"{ratio:>6.2f}  {o['p50_us']:>9.1f} {i['p50_us']:>8.1f}  "
              f"{o['p99_us']:>9.1f} {i['p99_us']:>8.1f}  "
              f"{o['max_us']:>9.1f} {i['max_us']:>8.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
