#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# intree-make.sh TREE MAKE-ARGS...: make -C TREE MAKE-ARGS, where TREE (the
# patched copy of the kernel tree, scripts/intree.sh) is seen at the path
# of the pristine tree, through a bind mount in a mount namespace of its
# own (nothing changes for any other process; the pristine tree is not
# touched). Kbuild records the source path in every command line, so the
# patched tree's build directories, seeded with a copy of the KCSAN
# flavour's build directory, then rebuild only what the series and the
# configuration change. Without the privilege for a mount namespace it
# builds at TREE's own path: correct, only slower (everything once).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$1
shift
src=$(KCONFIG=kcsan kernel_src_dir)
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	# shellcheck disable=SC2016
	exec unshare -m --propagation private -- bash -c \
		'mount --bind "$1" "$2" && dir=$2 && shift 2 &&
		 exec make -C "$dir" "$@"' intree-make "$tree" "$src" "$@"
fi
exec make -C "$tree" "$@"
