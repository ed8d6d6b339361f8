#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [--host-only|--guest-only|--bench-only|--loaded-only|--nested-only|
#           --builtin-only]:
# everything "make check" runs.
#  1. host tests: the KCSAN classifier and log checker on saved logs,
#     checkpatch --strict, sparse and W=1 on driver/, the locking context
#     of every ownership transition's call site (check-callsites.py),
#     ownership.rst's generated tables and lkmm/README's index
#     (gen-ownership-tables.py);
#  2. the LKMM proofs in lkmm/ (when herd7 is available);
#  3. the guest: boot the KCSAN kernel in QEMU, run every selftest against
#     $DRIVER and judge the log (scripts/check-log.py);
#  4. the stress and race suites again on the KCSAN kernel with LOAD
#     busy-loop processes (default 2) beside the guest, LOADED_RUNS times
#     (default 1; CHECK_LOADED=0 skips it): they must pass on a loaded
#     host too;
#  5. the same on the KASAN + lockdep kernel, through iommufd
#     (CHECK_LOCKDEP=0 skips it);
#  5b. the series (make check-intree: checkpatch --strict with the tree,
#     git am, =m and =y builds after each patch, kselftest, htmldocs, the
#     sources reproduced), then the built-in flavour: the patched tree
#     with CONFIG_VFIO_CCW=y booted, the suites of BUILTIN_TESTS (basic,
#     io, lifetime) run by the kernel's run_kselftest.sh from a
#     kselftest_install.sh installation (CHECK_BUILTIN=0 skips both);
#  6. the benchmarks: our module and the in-tree one in one boot of a
#     kernel without sanitizers, figures side by side (CHECK_BENCH=0
#     skips it). Only their running is judged, never their speed.
#  7. the nested stage (CHECK_NESTED=0 skips it): one more boot of the
#     KCSAN kernel with the Debian s390x userland appended to the
#     initramfs (scripts/nested-initramfs.sh); QEMU is the client of our
#     module, set up with driverctl and mdevctl, and runs the nested
#     payload with the three events; then the same with the in-tree
#     module, printed as a second column (scripts/nested-table.py),
#     not judged.
# Ends with one line "N passed, N failed" over all of them.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

# run_check NAME CMD...: one result, from CMD's exit code.
run_check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok      $name"
		tally ok
	else
		echo "FAILED  $name"
		tally no
	fi
}

# judge LOG [ARGS...]: the log judge's verdict on a guest log, added up.
judge() {
	local log=$1 out
	shift
	echo "== guest: verdict ($log)"
	out=$("$TOP/scripts/check-log.py" "$log" "$@" 2>&1)
	echo "$out"
	tally_from "$out"
}

# run_guest LOG [ARGS...]: boot the guest (settings from the environment:
# KCONFIG, DRIVER, TESTS, LOAD, BENCH; QUIET=1 keeps its console off the
# terminal), then judge its log.
# The selftests reach the device through the type1 container, or with
# VCCW_IOMMU=iommufd through /dev/iommu and the device cdev; the lockdep
# flavour (no type1 there) takes iommufd unless told otherwise.
run_guest() {
	local log=$1 iommu=${VCCW_IOMMU:-}
	shift
	[ -z "$iommu" ] && [ "$KCONFIG" = lockdep ] && iommu=iommufd
	local append="${GUEST_APPEND:-}${iommu:+ vccw.iommu=$iommu}"
	if [ "${QUIET:-0}" = 1 ]; then
		GUEST_APPEND=$append "$TOP/scripts/run-qemu.sh" "$log" >/dev/null
	else
		GUEST_APPEND=$append "$TOP/scripts/run-qemu.sh" "$log"
	fi
	judge "$log" "$@"
}

mode=${1:-all}
case "$mode" in
all | --host-only | --guest-only | --bench-only | --loaded-only | --nested-only | --builtin-only) ;;
*) echo "usage: check.sh [--host-only|--guest-only|--bench-only|--loaded-only|--nested-only|--builtin-only]" >&2
   exit 2 ;;
esac
if [ "$mode" = all ] || [ "$mode" = --host-only ]; then
echo "== host: log classifier tests"
out=$("$TOP/scripts/test-check-log.sh" 2>&1)
echo "$out"
tally_from "$out"

echo "== host: driver/ style: checkpatch --strict, sparse, W=1"
# "make lint" recompiles every file, so that W=1 and sparse see them all.
out=$(make -s -C "$TOP" lint 2>&1)
echo "$out"
lint_clean() {
	! grep -qE "(warning|error):|^(WARNING|ERROR|CHECK):" <<<"$out" &&
		grep -q "^checkpatch: clean" <<<"$out"
}
run_check lint lint_clean

echo "== host: call sites of the ownership transitions (locking context)"
run_check check-callsites "$TOP/scripts/check-callsites.py"
run_check check-callsites-selftest "$TOP/scripts/check-callsites.py" --selftest

echo "== host: ownership.rst's generated tables and the lkmm/README index"
run_check gen-ownership-tables "$TOP/scripts/gen-ownership-tables.py"
run_check gen-ownership-tables-selftest \
	"$TOP/scripts/gen-ownership-tables.py" --selftest

echo "== host: LKMM proofs and the ordering cross-check"
if [ -n "${HERD7:-}" ] || command -v herd7 >/dev/null; then
	# run-lkmm.sh ends with check-litmus, check-orderings and their selftests
	out=$(make -s -C "$TOP" lkmm 2>&1)
	echo "$out"
	tally_from "$out"
else
	echo "lkmm: SKIPPED: herd7 not found (PATH or \$HERD7);" \
		"see README.md, 'LKMM proofs'"
	# The header/litmus ordering and control checks need no herd7: run
	# them anyway.
	run_check check-orderings "$TOP/scripts/check-orderings.py"
	run_check check-orderings-selftest \
		"$TOP/scripts/check-orderings.py" --selftest
	run_check check-litmus "$TOP/scripts/check-litmus.py"
	run_check check-litmus-selftest "$TOP/scripts/check-litmus.py" --selftest
fi

fi

# Boot the bench flavour (already built), run the benchmarks against both
# modules, judge the log and print the table.
run_bench() {
	local log="$TOP/build/bench.log"
	echo "== guest: bench kernel, ours and intree"
	# make bench: 200 programs per case and round; make check: 30 (the
	# machinery, not the figures). Five rounds either way.
	local iters=${BENCH_ITERS:-$([ "$mode" = all ] && echo 30 || echo 200)}
	# make check leaves out the scale case on fewer vCPUs, over processes
	# and its traced runs: make bench's. Even in round 1 only they added
	# 16 to 46 s to the 106 to 110 of the rest (30 programs, host load 6-8).
	local extra=${BENCH_EXTRA_ROUNDS:-$([ "$mode" = all ] && echo 0)}
	KCONFIG=bench BENCH=1 BENCH_ITERS=$iters BENCH_EXTRA_ROUNDS=$extra \
		QUIET=1 run_guest "$log"
	run_check bench-table "$TOP/scripts/bench-table.py" "$log"
	# The charts (python3-matplotlib); README.md's are BENCH_CHARTS=
	# Documentation/bench.
	run_check bench-plot "$TOP/scripts/bench-plot.py" "$log" \
		"${BENCH_CHARTS:-$TOP/build/bench}"
}

# The suites that race the driver against itself, with the host loaded.
run_loaded() {
	local i log runs=${LOADED_RUNS:-1}
	local tests=vfio_ccw_stress_test,vfio_ccw_race_test
	for ((i = 1; i <= runs; i++)); do
		log="$TOP/build/loaded-$i.log"
		echo "== guest: $KCONFIG kernel, LOAD=${LOAD:-2}, run $i of $runs"
		LOAD=${LOAD:-2} TESTS=$tests QUIET=1 run_guest "$log" \
			--expect-tests "$tests"
	done
}

# The nested stage: QEMU -device vfio-ccw on our module (judged) and on
# the in-tree one (a column), in one boot with 3 GiB.
run_nested() {
	local log="$TOP/build/nested-$KCONFIG.log"
	local initrd="$TOP/build/initramfs-$KCONFIG-nested.cpio"
	echo "== guest: nested stage, $KCONFIG kernel, ours then intree"
	if ! "$TOP/scripts/nested-initramfs.sh" "$initrd" \
		"$TOP/build/initramfs-$KCONFIG.cpio"; then
		echo "FAILED  nested initramfs"
		tally no
		return
	fi
	INITRD=$initrd MEM=${NESTED_MEM:-3072} NESTED=${NESTED_DRIVERS:-ours,intree} \
		QUIET=1 run_guest "$log" --expect-tests vfio_ccw_nested
	"$TOP/scripts/nested-table.py" "$log"
}

if [ "$mode" = --nested-only ]; then
	mkdir -p "$TOP/build"
	run_nested
	tally_end
	exit
fi

if [ "$mode" = --loaded-only ]; then
	mkdir -p "$TOP/build"
	run_loaded
	tally_end
	exit
fi

# The driver built into the patched tree's kernel: no module to load or
# unload; the selftests run by run_kselftest.sh. What differs when it is
# built in: how it comes up and binds (basic), I/O through it (io), and
# every way a device goes away while it stays loaded (lifetime). The
# forced interleavings, stress and fuzz run the same code in the module
# boots (BUILTIN_TESTS adds them here, in its order: put the fuzz test
# before the race test, whose cc3_takes_the_paths_out leaves QEMU 7.2's
# deferred cc 3 in every later SCSW of the subchannel, which the fuzzer
# counts as failures; all six passed built in that way, 2m44s).
run_builtin() {
	local log="$TOP/build/guest-builtin.log"
	local tests=${BUILTIN_TESTS:-vfio_ccw_basic_test,vfio_ccw_io_test,vfio_ccw_lifetime_test}
	echo "== guest: built-in kernel (patched tree, CONFIG_VFIO_CCW=y), run_kselftest.sh"
	INITRD=$TOP/build/initramfs-builtin.cpio KCONFIG=builtin \
		DRIVER=builtin KSELFTEST=1 TESTS=$tests \
		run_guest "$log" --expect-tests run_kselftest
}

if [ "$mode" = --builtin-only ]; then
	mkdir -p "$TOP/build"
	run_builtin
	tally_end
	exit
fi

if [ "$mode" = --bench-only ]; then
	mkdir -p "$TOP/build"
	run_bench
	tally_end
	exit
fi

if [ "$mode" = all ] || [ "$mode" = --guest-only ]; then
	mkdir -p "$TOP/build"
	log="$TOP/build/guest-${DRIVER:-ours}-$KCONFIG.log"
	echo "== guest: $KCONFIG kernel, DRIVER=${DRIVER:-ours}"
	run_guest "$log"
fi

if [ "$mode" = all ] && [ "${CHECK_LOADED:-1}" = 1 ]; then
	run_loaded
fi

# QEMU as the client (CHECK_NESTED=0 leaves it out).
if [ "$mode" = all ] && [ "${CHECK_NESTED:-1}" = 1 ] && [ "$KCONFIG" = kcsan ]; then
	run_nested
fi

# The same suites on the lockdep flavour: KASAN (KCSAN and KASAN exclude
# each other) with PROVE_LOCKING, through iommufd: /dev/iommu, an IOAS
# and the device cdev (run_guest; scripts/kernel-lockdep.config has no
# type1), where the KCSAN guest used the type1 container. Part of "make check" unless
# CHECK_LOCKDEP=0; CHECK_KASAN=0, its old name, is still honoured.
if [ "$mode" = all ] && [ "${CHECK_LOCKDEP:-${CHECK_KASAN:-1}}" = 1 ] &&
   [ "$KCONFIG" = kcsan ]; then
	echo "== guest: lockdep kernel, DRIVER=${DRIVER:-ours}"
	if make -s -C "$TOP" KCONFIG=lockdep all >"$TOP/build/lockdep-build.log" 2>&1
	then
		log="$TOP/build/guest-${DRIVER:-ours}-lockdep.log"
		KCONFIG=lockdep run_guest "$log"
	else
		tail -20 "$TOP/build/lockdep-build.log"
		echo "FAILED  build of the lockdep flavour"
		tally no
	fi
	# Leave the tree built for the default flavour again.
	make -s -C "$TOP" all >/dev/null 2>&1
fi

# The series (make check-intree: checkpatch, git am, the builds after
# each patch, kselftest, htmldocs, = sources; what did not change since
# the last run is not done again), then the built-in boot.
if [ "$mode" = all ] && [ "${CHECK_BUILTIN:-1}" = 1 ] && [ "$KCONFIG" = kcsan ]; then
	echo "== the series against linux-source-6.12 (make check-intree)"
	out=$("$TOP/scripts/intree.sh" check 2>&1 | tee "$TOP/build/intree-check.log")
	grep -v '^intree: ' <<<"$out"
	tally_from "$out"
	if ! grep -q '^[0-9]* passed, 0 failed$' <<<"$out"; then
		echo "FAILED  built-in boot: the series did not pass (build/intree-check.log)"
		tally no
	elif make -s -C "$TOP" builtin >"$TOP/build/builtin-build.log" 2>&1; then
		run_builtin
	else
		tail -20 "$TOP/build/builtin-build.log"
		echo "FAILED  build of the built-in flavour (make builtin)"
		tally no
	fi
fi

if [ "$mode" = all ] && [ "${CHECK_BENCH:-1}" = 1 ] && [ "$KCONFIG" = kcsan ]; then
	if make -s -C "$TOP" KCONFIG=bench all >"$TOP/build/bench-build.log" 2>&1
	then
		run_bench
	else
		tail -20 "$TOP/build/bench-build.log"
		echo "FAILED  build of the bench flavour"
		tally no
	fi
	make -s -C "$TOP" all >/dev/null 2>&1
fi

tally_end
