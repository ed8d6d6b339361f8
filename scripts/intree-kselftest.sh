#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# intree-kselftest.sh TREE KBUILD OUT: build the vfio-ccw selftests of a
# patched tree the way CI systems build kselftests (the tree's
# tools/testing/selftests Makefile with TARGETS=, lib.mk, headers of the
# kernel build via O=) and install them with kselftest_install.sh into
# OUT (run_kselftest.sh, kselftest-list.txt, the programs, settings).
# Static binaries (USERLDFLAGS=-static): the guest has no C library.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$1 kbuild=$2 out=$3
target=drivers/s390x/vfio_ccw

# The kernel build directory's own way of running make (intree-make.sh).
"$(dirname "$0")/intree-make.sh" "$tree" -s O="$kbuild" ARCH=s390 \
	CROSS_COMPILE="$CROSS_COMPILE" headers >/dev/null
rm -rf "$out"
mkdir -p "$out"
# kselftest_install.sh runs "make install" with no arguments of ours:
# they go in through MAKEFLAGS, as command-line variables.
cd "$tree/tools/testing/selftests"
MAKEFLAGS="TARGETS=$target ARCH=s390 CROSS_COMPILE=$CROSS_COMPILE O=$kbuild USERLDFLAGS=-static FORCE_TARGETS=1" \
	nice -n 10 ./kselftest_install.sh "$out"
for f in run_kselftest.sh kselftest-list.txt "$target/settings"; do
	[ -f "$out/$f" ] || { echo "intree-kselftest: $out/$f missing" >&2; exit 1; }
done
echo "intree-kselftest: installed $(grep -c . "$out/kselftest-list.txt") tests in $out"
