#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# intree-kunit.sh: the KUnit tests of the series run the kernel's way, by
# its own runner on the patched tree (scripts/intree.sh applies it):
#
#   tools/testing/kunit/kunit.py run --arch=s390 \
#       --cross_compile=s390x-linux-gnu- --kunitconfig=drivers/s390/cio
#
# kunit.py configures a small kernel from drivers/s390/cio/.kunitconfig
# (the KUnit patch) and its s390 QEMU settings, builds it and boots it in
# qemu-system-s390x, and parses the KTAP the tests print.
#
# The build directory is in the cache, outside the repository and the
# tree: $CACHE/build/<version>-kunit, built incrementally. A run that
# passed is recorded with its key, the git tree of drivers/s390/cio and
# the blob of arch/s390/Kconfig in the patched tree (all that the series
# changes for kbuild): the same key is not run again (KUNIT_FORCE=1 runs
# it anyway). Ends with "N passed, N failed" (one result).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

ver=$(kernel_pkg_version)
work=$CACHE/intree/$ver
tree=$work/tree
out=$CACHE/build/$ver-kunit
log=$out.log

if [ ! -f "$tree/.series" ]; then
	echo "intree-kunit: no patched tree in $tree (make check-intree)" >&2
	exit 1
fi
# The tree is not reset under us (scripts/intree.sh takes the same lock).
exec 8>"$work/.lock"
flock 8

key=$(git -C "$tree" rev-parse HEAD:drivers/s390/cio HEAD:arch/s390/Kconfig |
	sha256sum | cut -c1-16)
if [ ! -f "$tree/drivers/s390/cio/.kunitconfig" ]; then
	echo "FAILED  kunit.py run: the series has no drivers/s390/cio/.kunitconfig"
	tally no
	tally_end
	exit
fi
if [ "${KUNIT_FORCE:-0}" != 1 ] &&
   [ "$(cat "$out/.passed" 2>/dev/null)" = "$key" ]; then
	echo "ok      kunit.py run --arch=s390 (passed before for $key:" \
		"$(cat "$out/.summary"))"
	tally ok
	tally_end
	exit
fi

mkdir -p "$out"
rm -f "$out/.passed"
# One kernel build on the machine at a time (build-kernel.sh's lock).
exec 9>"$CACHE/.build.lock"
flock 9
echo "intree-kunit: kunit.py run --arch=s390 in $out (log $log)"
start=$(date +%s)
(cd "$tree" && PYTHONDONTWRITEBYTECODE=1 nice -n 10 \
	python3 tools/testing/kunit/kunit.py run --arch=s390 \
	--cross_compile="$CROSS_COMPILE" --kunitconfig=drivers/s390/cio \
	--build_dir="$out" --jobs="$JOBS" --timeout="${KUNIT_TIMEOUT:-1200}") \
	>"$log" 2>&1
rc=$?
flock -u 9
secs=$(( $(date +%s) - start ))
# kunit.py's last word: "Testing complete. Ran N tests: passed: N".
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" |
	sed -n 's/.*Testing complete\. \(Ran .*\)/\1/p' | tail -1)
if [ "$rc" -eq 0 ] && [ -n "$summary" ]; then
	echo "$summary" >"$out/.summary"
	echo "$key" >"$out/.passed"
	echo "ok      kunit.py run --arch=s390 (${secs}s): $summary"
	tally ok
else
	# The failed cases first, then how the run ended.
	sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -F '[FAILED]' | head -30
	sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -v '^\[..:..:..\] *$' | tail -15
	echo "FAILED  kunit.py run --arch=s390 (exit $rc, ${secs}s)${summary:+: $summary}"
	tally no
fi
tally_end
