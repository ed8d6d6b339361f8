#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT KBUILD DRIVER_KO SELFTEST...
# KSELFTEST=DIR: also the kselftest installation DIR
# (scripts/intree-kselftest.sh) as /kselftest, with what its
# run_kselftest.sh needs beyond busybox: coreutils' timeout at
# /usr/bin/timeout (the runner's per-test timeout from "settings"; busybox
# has no --foreground) and the C library it links, from Debian's s390x
# packages.
# Build the guest initramfs: static s390x busybox, guest-init.sh as /init,
# mdev.ko and the in-tree vfio_ccw.ko from the kernel build, our
# vfio_ccw.ko (when built) and the selftest binaries (*_bench ones go to
# /bench, the rest to /tests); the KUnit and torture modules built beside
# our vfio_ccw.ko, with scripts/guest-kunit.sh and guest-torture.sh as
# the /tests programs that run them.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$1 kbuild=$2 ours=$3
shift 3

bbdir="$CACHE/busybox-s390x"
bb="$bbdir/bin/busybox"
if [ ! -x "$bb" ]; then
	echo "mkinitramfs: fetching busybox-static:s390x"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download busybox-static:s390x >/dev/null)
	rm -rf "$bbdir"
	mkdir -p "$bbdir"
	dpkg-deb -x "$tmp"/busybox-static_*_s390x.deb "$bbdir"
	rm -rf "$tmp"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,tests,bench}
mkdir -p "$root"/lib/modules/{intree,ours}
cp "$bb" "$root/bin/busybox"
for applet in $("$bb" --list 2>/dev/null || true); do
	ln -sf busybox "$root/bin/$applet"
done
# The host cannot run an s390x binary to list applets: use a fixed set.
for applet in sh ash cat echo mount umount mkdir ls insmod rmmod lsmod \
	readlink basename dirname grep tr tee dmesg poweroff sleep seq \
	uname setsid cttyhack head tail sed awk cut wc cp mv rm ln \
	true false test [ printf kill ps date env sync mknod chmod od hexdump \
	find xargs timeout which dd sort uniq; do
	ln -sf busybox "$root/bin/$applet"
done
install -m 0755 "$TOP/scripts/guest-init.sh" "$root/init"

# Absent from a kernel with vfio_ccw built in (KCONFIG=builtin).
for ko in drivers/vfio/mdev/mdev.ko:mdev.ko \
	drivers/s390/cio/vfio_ccw.ko:intree/vfio_ccw.ko; do
	if [ -f "$kbuild/${ko%%:*}" ]; then
		cp "$kbuild/${ko%%:*}" "$root/lib/modules/${ko#*:}"
	elif ! grep -q '^CONFIG_VFIO_CCW=y' "$kbuild/.config"; then
		echo "mkinitramfs: $kbuild/${ko%%:*} missing" >&2
		exit 1
	fi
done
if [ -f "$ours" ]; then
	cp "$ours" "$root/lib/modules/ours/vfio_ccw.ko"
fi
# The KUnit tests (they need our vfio_ccw.ko) and the ownership torture
# test, built beside it, with the scripts that run them as selftests.
modir=$(dirname "$ours")
if [ -f "$modir/vfio_ccw_kunit.ko" ]; then
	cp "$modir/vfio_ccw_kunit.ko" "$root/lib/modules/ours/"
	install -m 0755 "$TOP/scripts/guest-kunit.sh" \
		"$root/tests/vfio_ccw_kunit_test"
fi
if [ -f "$modir/vfio_ccw_torture.ko" ]; then
	cp "$modir/vfio_ccw_torture.ko" "$root/lib/modules/"
	install -m 0755 "$TOP/scripts/guest-torture.sh" \
		"$root/tests/vfio_ccw_torture_test"
fi
for t in "$@"; do
	case "$t" in
	*_bench) install -m 0755 "$t" "$root/bench/" ;;
	# the floor module of the benchmarks (bench/vccw_floor.c)
	*.ko) cp "$t" "$root/lib/modules/" ;;
	*) install -m 0755 "$t" "$root/tests/" ;;
	esac
done

if [ -n "${KSELFTEST:-}" ]; then
	ksdir="$CACHE/kselftest-s390x"
	if [ ! -x "$ksdir/usr/bin/timeout" ]; then
		echo "mkinitramfs: fetching coreutils:s390x and libc6:s390x"
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get download coreutils:s390x libc6:s390x >/dev/null)
		rm -rf "$ksdir"
		mkdir -p "$ksdir"
		for deb in "$tmp"/*.deb; do
			dpkg-deb -x "$deb" "$tmp/x"
		done
		mkdir -p "$ksdir/usr/bin" "$ksdir/lib/s390x-linux-gnu"
		cp "$tmp/x/usr/bin/timeout" "$ksdir/usr/bin/"
		cp -L "$tmp/x/lib/ld64.so.1" "$ksdir/lib/"
		cp -L "$tmp/x/lib/s390x-linux-gnu/libc.so.6" \
			"$ksdir/lib/s390x-linux-gnu/"
		rm -rf "$tmp"
	fi
	cp -a "$ksdir/usr" "$ksdir/lib" "$root/"
	ln -sf busybox "$root/bin/realpath"
	cp -a "$KSELFTEST" "$root/kselftest"
	# Without their debug info: the initramfs is unpacked under KCSAN
	# in TCG before init runs, and every MiB counts against the
	# hung-task timeout of the boot.
	find "$root/kselftest" -type f -perm -u+x -exec sh -c \
		'head -c4 "$1" | grep -q "ELF" && "$2" --strip-debug "$1"' \
		sh {} "${CROSS_COMPILE}strip" \;
fi

# Not compressed: under TCG the guest kernel needs about a minute to
# gunzip it on a loaded host (KCSAN), long enough for the hung-task
# detector to fire while init waits for the unpacking; an uncompressed
# cpio is copied in a few seconds.
(cd "$root" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) \
	> "$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out ($(du -h "$out" | cut -f1))"
