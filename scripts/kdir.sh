#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kdir.sh build|src: print the cached kernel build or source directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
case "${1:-build}" in
build) kernel_build_dir ;;
src) kernel_src_dir ;;
*) echo "usage: kdir.sh build|src" >&2; exit 2 ;;
esac
