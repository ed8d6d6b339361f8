#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# reload-repro.sh [--no-smc] [RUNS [ROUNDS]]
# By hand, never part of make check: how often the bench guest dies when
# the rounds reload the modules (mdev and vfio_ccw, ours and the in-tree
# one, in the same module area). Boots the bench flavour RUNS times
# (default 3), each with ROUNDS rounds (default 30) of floor, ours and
# in-tree, 2 programs per case (the rounds' loads and unloads are what
# counts, not the figures), one guest at a time, and prints per run the
# loads of each vfio_ccw module and the first kernel report, then the
# totals. --no-smc boots without bench/vccw_smc.ko (vccw.smc=0): QEMU's
# TCG before 8.2.9/9.2.1 then runs stale translations of a previous
# module's text now and then (bench/vccw_smc.c). Needs
# "make KCONFIG=bench"; logs in build/reload-repro/.
#
# One run takes about 17 s a round on 2 busy cores (a crash ends it
# early): the defaults, about half an hour.

set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
smc=1
if [ "${1:-}" = --no-smc ]; then
	smc=0
	shift
fi
runs=${1:-3}
rounds=${2:-30}
out=$TOP/build/reload-repro
mkdir -p "$out"
tag=$([ "$smc" = 1 ] && echo smc || echo nosmc)
# The first oops ends the run (a killed bench program would not).
append="${GUEST_APPEND:-} oops=panic"
[ "$smc" = 0 ] && append="$append vccw.smc=0"

logs=()
for ((i = 1; i <= runs; i++)); do
	log=$out/$tag-$(date +%H%M%S)-$i.log
	KCONFIG=bench BENCH=1 BENCH_ITERS=2 BENCH_ROUNDS=$rounds \
		BENCH_EXTRA_ROUNDS=0 GUEST_APPEND="$append" QUIET=1 \
		TIMEOUT=$((rounds * 60 + 300)) \
		nice -n 10 "$TOP/scripts/run-qemu.sh" "$log" >/dev/null 2>&1
	logs+=("$log")
	python3 "$TOP/scripts/reload-repro.py" "$log"
done
python3 "$TOP/scripts/reload-repro.py" --total "${logs[@]}"
