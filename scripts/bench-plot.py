#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Charts of a "make bench" guest log, as SVG, with Debian's
python3-matplotlib (scripts/setup-deps.sh installs it; the interpreter
is Debian's /usr/bin/python3 on purpose).

  contention.svg   latency distributions of HSCH, CSCH and schib reads
                   while another thread STARTs long programs (case 2)
  translation.svg  time against CCWs in the chain and pages in IDALs
                   (case 3), the floor beside both drivers
  scale.svg        programs/s against mdevs at once (case 4), on every
                   vCPU and on as many vCPUs as the host has cores

Every point is the median over the rounds of the log.
Usage: bench-plot.py LOG OUTDIR
"""

import os
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlog as bl  # noqa: E402

STYLE = {
    "ours": dict(color="tab:blue", marker="o", label="ours"),
    "intree": dict(color="tab:orange", marker="s", label="in-tree 6.12"),
    "floor": dict(color="tab:gray", marker="^", label="floor (cio alone)"),
}


def save(fig, outdir, name):
    # Reproducible SVGs: no date, fixed ids.
    plt.rcParams["svg.hashsalt"] = "vfio-ccw-bench"
    path = os.path.join(outdir, name)
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)
    print(f"bench-plot: {path}")


def contention(fig_data, outdir):
    cases = [("contention_halt", "HSCH to its IRB"),
             ("contention_clear", "CSCH to its IRB"),
             ("contention_schib", "schib region read")]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
    for ax, (case, title) in zip(axes, cases):
        for d in ["ours", "intree"]:
            pct = bl.median_pct(fig_data, d, case)
            if not pct:
                continue
            ax.plot(pct, bl.PCT_POINTS, **STYLE[d])
        ax.set_xscale("log")
        ax.set_xlabel("latency (us, log)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("percentile")
    axes[0].legend()
    fig.suptitle("Contention: while another thread STARTs 256 CCWs over "
                 "256 pages on the same mdev")
    fig.tight_layout()
    save(fig, outdir, "contention.svg")


def translation(fig_data, outdir):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (fmt, xs, label) in zip(axes, [
            ("ccws_{}", [1, 16, 64, 256], "CCWs in the chain"),
            ("idal_{}p", [1, 16, 256], "pages behind IDALs")]):
        for d in bl.DRIVERS:
            ys = [bl.median_of(fig_data, d, fmt.format(x), "p50_us")
                  for x in xs]
            if any(y is None for y in ys):
                continue
            ax.plot(xs, ys, **STYLE[d])
        ax.set_xlabel(label)
        ax.set_ylabel("p50 time per program (us)")
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle("Translation against work")
    fig.tight_layout()
    save(fig, outdir, "translation.svg")


def scale(fig_data, order, outdir):
    def ks_of(prefix):
        return sorted(int(c[len(prefix):]) for c in order
                      if c.startswith(prefix) and c[len(prefix):].isdigit())

    ks = ks_of("scale_")
    if not ks:
        return
    runs = [("scale_", "", "-")]
    for v in sorted({c.split("_")[0] for c in order
                     if c.startswith("vcpus") and not c.endswith("_diag")}):
        runs.append((v + "_", f", {v[5:]} vCPUs online", "--"))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for prefix, what, ls in runs:
        for d in bl.DRIVERS:
            ys = [bl.median_of(fig_data, d, f"{prefix}{k}", "ops_s")
                  for k in ks]
            if any(y is None for y in ys):
                continue
            style = dict(STYLE[d], linestyle=ls)
            style["label"] += what
            ax.plot(ks, ys, **style)
    ax.set_xticks(ks)
    ax.set_xlabel("mdevs at once, one START thread each")
    ax.set_ylabel("programs/s, total")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_title("Scale (SENSE ID), all vCPUs and as many as host cores")
    fig.tight_layout()
    save(fig, outdir, "scale.svg")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    fig_data, order, _ = bl.parse(argv[1])
    if not fig_data:
        print("bench-plot: no figures")
        return 1
    os.makedirs(argv[2], exist_ok=True)
    contention(fig_data, argv[2])
    translation(fig_data, argv[2])
    scale(fig_data, order, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
