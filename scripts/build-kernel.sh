#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest kernel (bzImage + modules) in the cache, keyed by the
# linux-source package version and the config fragment. Does nothing when
# a complete build for that key exists. Prints the build directory last.
# --extract-only: only make sure the source tree is there (for make lkmm).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=$(kernel_pkg_version)
if [ -z "$ver" ] || [ ! -f "$KSRC_TARBALL" ]; then
	echo "build-kernel: linux-source-6.12 is not installed;" \
		"run scripts/setup-deps.sh" >&2
	exit 1
fi

# The built-in flavour is built from the patched tree (make intree).
case "$KCONFIG" in
builtin | intree*)
	[ "${1:-}" = --extract-only ] && KCONFIG=kcsan exec "$0" "$@"
	exec "$TOP/scripts/intree.sh" build ;;
esac

src=$(kernel_src_dir)
out=$(kernel_build_dir)

# One build of the cache at a time (make -j, two checkouts, CI and a
# session sharing the cache): wait for the other one to finish.
mkdir -p "$CACHE"
exec 9>"$CACHE/.build.lock"
flock 9

if [ ! -f "$src/.extracted" ]; then
	echo "build-kernel: extracting $KSRC_TARBALL into $src"
	rm -rf "$src"
	mkdir -p "$(dirname "$src")"
	tar -xf "$KSRC_TARBALL" -C "$(dirname "$src")"
	touch "$src/.extracted"
fi

if [ "${1:-}" = --extract-only ]; then
	echo "$src"
	exit 0
fi

if [ -f "$out/.complete" ]; then
	echo "build-kernel: cached build $out"
	echo "$out"
	exit 0
fi

mkdir -p "$out"
kmake() {
	make -s -C "$src" O="$out" ARCH=s390 CROSS_COMPILE="$CROSS_COMPILE" \
		-j"$JOBS" "$@"
}

echo "build-kernel: configuring ($KCONFIG) in $out"
kmake allnoconfig
# shellcheck disable=SC2046
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
	$(kernel_config_files) >/dev/null
kmake olddefconfig

# Every setting of the fragments (the last one wins, as in merge_config)
# must have survived olddefconfig: a symbol that silently fell out
# (missing dependency) would make the tests lie.
bad=0
# shellcheck disable=SC2046
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) sym=${line%%=*}
		if grep -q "^$sym=" "$out/.config"; then
			echo "build-kernel: $sym should be unset" >&2; bad=1
		fi ;;
	CONFIG_*=*)
		if ! grep -qx "$line" "$out/.config"; then
			echo "build-kernel: '$line' did not stick" >&2; bad=1
		fi ;;
	esac
done < <(cat $(kernel_config_files) |
	awk -F= '/^CONFIG_/ { if (!($1 in v)) o[n++] = $1; v[$1] = $0 }
		END { for (i = 0; i < n; i++) print v[o[i]] }')
[ "$bad" -eq 0 ] || exit 1

start=$(date +%s)
echo "build-kernel: building bzImage and modules (-j$JOBS)"
kmake bzImage modules
kmake headers_install INSTALL_HDR_PATH="$out/usr-headers" >/dev/null
echo "build-kernel: built in $(( $(date +%s) - start ))s"
touch "$out/.complete"
echo "$out"
