#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""reload-repro.py LOG | --total LOG...: what scripts/reload-repro.sh
measures in a bench guest's log: the loads of each vfio_ccw module
(VCCW-MODULE lines), whether bench/vccw_smc.ko was on (VCCW-SMC), and the
first kernel report with its PSW, the code at the PSW and the load it
happened after."""
import re
import sys

REPORT = re.compile(r"illegal operation|Oops|Unable to handle kernel|"
                    r"Kernel panic|BUG[: ]|WARNING:|KCSAN:|hung_task")


def parse(path):
    with open(path, errors="replace") as f:
        lines = [x.rstrip("\r\n") for x in f]
    r = {"path": path, "smc": "?", "loads": [], "crash": None,
         "done": any(x.startswith("VCCW-DONE") for x in lines)}
    for i, x in enumerate(lines):
        m = re.match(r"VCCW-SMC: (on|off)", x)
        if m and r["smc"] == "?":
            r["smc"] = m.group(1)
        m = re.match(r"VCCW-MODULE: vfio_ccw (\S+) (\S+)", x)
        if m:
            r["loads"].append((m.group(1), m.group(2)))
        if r["crash"] is None and REPORT.search(x):
            psw = next((y for y in lines[i:i + 40]
                        if y.startswith("Krnl PSW")), "")
            code = next((y.strip() for y in lines[i:i + 40]
                         if y.lstrip().startswith(">")), "")
            r["crash"] = {"line": x.strip(), "psw": psw, "code": code,
                          "after": list(r["loads"])}
    return r


def show(r):
    n = {d: sum(1 for x, _ in r["loads"] if x == d)
         for d in ("ours", "intree")}
    print(f"{r['path']}: smc={r['smc']} loads ours={n['ours']} "
          f"intree={n['intree']} done={'yes' if r['done'] else 'no'}")
    c = r["crash"]
    if c:
        print(f"  crash: {c['line']}")
        print(f"  {c['psw']}")
        print(f"  code:  {c['code']}")
        after = c["after"]
        if after:
            print(f"  after load {len(after)}: {after[-1][0]} .text "
                  f"{after[-1][1]}; before it: "
                  + ", ".join(f"{d} {a}" for d, a in after[-4:-1]))
    return n


def main():
    args = sys.argv[1:]
    total = args[:1] == ["--total"]
    if total:
        args = args[1:]
    runs = [parse(p) for p in args]
    if not total:
        for r in runs:
            show(r)
        return 0
    loads = {"ours": 0, "intree": 0}
    reloads = crashes = 0
    for r in runs:
        for d in loads:
            k = sum(1 for x, _ in r["loads"] if x == d)
            loads[d] += k
            reloads += max(k - 1, 0)
        crashes += r["crash"] is not None
    smc = ",".join(sorted({r["smc"] for r in runs}))
    print(f"reload-repro: smc={smc} runs={len(runs)} "
          f"loads ours={loads['ours']} intree={loads['intree']} "
          f"reloads={reloads} crashes={crashes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
