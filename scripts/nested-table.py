#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the nested stage's steps for each module side by side.

scripts/nested-guest.sh prints "VCCW-NESTED-ROW: DRIVER|RESULT|STEP" for
every step it takes with each module (RESULT ok, FAIL or n/a). This
prints one Markdown row per step, in the order the steps first ran, and
a column per module, "-" where a module did not get to the step.
Exits 1 when the log has no rows at all.
Usage: nested-table.py LOG
"""

import sys


def main(argv):
    if len(argv) != 2:
        print("usage: nested-table.py LOG", file=sys.stderr)
        return 2
    steps, drivers, result = [], [], {}
    with open(argv[1], errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.startswith("VCCW-NESTED-ROW: "):
                continue
            parts = line.split(": ", 1)[1].split("|", 2)
            if len(parts) != 3:
                continue
            drv, res, step = parts
            if drv not in drivers:
                drivers.append(drv)
            if step not in steps:
                steps.append(step)
            # A step that runs twice (SENSE ID after the CRWs) keeps
            # its worst result.
            old = result.get((drv, step))
            if old is None or (old == "ok" and res != "ok"):
                result[(drv, step)] = res
    if not steps:
        print("nested-table: no VCCW-NESTED-ROW lines in " + argv[1])
        return 1
    names = {"ours": "ours", "intree": "in-tree 6.12"}
    print("| step | " + " | ".join(names.get(d, d) for d in drivers) + " |")
    print("|---|" + "---|" * len(drivers))
    for s in steps:
        cells = [result.get((d, s), "-") for d in drivers]
        print(f"| {s} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
