# SPDX-License-Identifier: GPL-2.0
"""The figures of a "make bench" guest log, for bench-table.py and
bench-plot.py.

The guest prints each run of selftests/vfio_ccw_bench.c between
VCCW-BENCH-BEGIN/END frames; a figure line is

  VCCW-BENCH: <driver> <case> round=<r> key=value ...

(pct_us is a comma list). Memory sites are VCCW-MEMSITE lines.
"""

import re
import statistics

LINE = re.compile(r"^VCCW-BENCH: (\S+) (\S+) (.*)$")
SITE = re.compile(r"^VCCW-MEMSITE: (\S+) (\S+) (\S+) bytes=(\d+) "
                  r"allocations=(\d+)$")
DRIVERS = ["floor", "ours", "intree"]


def _value(v):
    if "," in v:
        return [float(x) for x in v.split(",") if x]
    return float(v)


def parse(path):
    """(figures, order, sites): figures[driver][case][round] = {key: value},
    the case order of the first run, sites[driver] = [(site, bytes, n)]."""
    figures, order, sites, inside = {}, [], {}, False
    with open(path, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            if line.startswith("VCCW-BENCH-BEGIN: "):
                inside = True
                continue
            if line.startswith("VCCW-BENCH-END: "):
                inside = False
                continue
            if not inside:
                continue
            m = SITE.match(line)
            if m:
                sites.setdefault(m.group(1), []).append(
                    (m.group(3), int(m.group(4)), int(m.group(5))))
                continue
            m = LINE.match(line)
            if not m:
                continue
            driver, case, rest = m.groups()
            try:
                vals = {k: _value(v) for k, v in
                        (kv.split("=", 1) for kv in rest.split())}
            except ValueError:
                continue
            rnd = int(vals.pop("round", 1))
            figures.setdefault(driver, {}).setdefault(case, {})[rnd] = vals
            if case not in order:
                order.append(case)
    return figures, order, sites


def rounds(figures, case, drivers):
    """The rounds in which every one of @drivers has @case."""
    common = None
    for d in drivers:
        r = set(figures.get(d, {}).get(case, {}))
        common = r if common is None else common & r
    return sorted(common or [])


def per_round(figures, case, key, drivers):
    """{round: [value of each driver]} over the rounds all have."""
    return {r: [figures[d][case][r][key] for d in drivers]
            for r in rounds(figures, case, drivers)}


def spread(values):
    """(median, lowest, highest) or None."""
    values = [v for v in values if v == v]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def median_of(figures, driver, case, key):
    vals = [r[key] for r in figures.get(driver, {}).get(case, {}).values()
            if key in r]
    return statistics.median(vals) if vals else None


def median_pct(figures, driver, case):
    """The median over rounds of each point of the distribution."""
    runs = [r["pct_us"] for r in figures.get(driver, {}).get(case, {}).values()
            if isinstance(r.get("pct_us"), list)]
    if not runs:
        return None
    return [statistics.median(col) for col in zip(*runs)]


PCT_POINTS = [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]


def fit(xs, ys):
    """Least-squares line: (slope, intercept, r^2)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    syy = sum((y - my) ** 2 for y in ys)
    slope = sxy / sxx if sxx else float("nan")
    r2 = sxy * sxy / (sxx * syy) if sxx and syy else float("nan")
    return slope, my - slope * mx, r2
