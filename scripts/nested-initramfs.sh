#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nested-initramfs.sh OUT BASE_INITRD
# The initramfs of the nested stage: BASE_INITRD (the one of
# scripts/mkinitramfs.sh) followed by two uncompressed cpio archives, the
# Debian s390x userland of scripts/userland.sh (QEMU, mdevctl, driverctl,
# lscss, chchp and their libraries) and the nested files (the payload,
# scripts/nested-guest.sh as /nested/run.sh, a few busybox links). Each
# appended archive starts at a 4-byte-aligned offset (zero padding), or
# the kernel stops unpacking there; uncompressed, because decompressing
# 39 MB in the KCSAN guest costs minutes (the hung-task detector fires
# while init waits for it on a busy host).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: nested-initramfs.sh OUT BASE_INITRD}
base=${2:?usage: nested-initramfs.sh OUT BASE_INITRD}

layer=$("$TOP/scripts/userland.sh")
make -s -C "$TOP/nested" OUT="$TOP/build/nested" CROSS_COMPILE="$CROSS_COMPILE"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/nested" "$root/bin" \
	"$root"/etc/mdevctl.d/scripts.d/{callouts,notifiers} \
	"$root"/usr/lib/mdevctl/scripts.d/{callouts,notifiers} \
	"$root/etc/driverctl.d" "$root/var/tmp" "$root/run"
install -m 0644 "$TOP/build/nested/payload.elf" "$root/nested/payload.elf"
install -m 0755 "$TOP/scripts/nested-guest.sh" "$root/nested/run.sh"
# busybox applets driverctl and the runner use beyond mkinitramfs.sh's set
for applet in realpath basename stat; do
	ln -s busybox "$root/bin/$applet"
done
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) > "$root.cpio"

pad4() {
	local size
	size=$(stat -c %s "$1")
	head -c $(( (4 - size % 4) % 4 )) /dev/zero >> "$1"
}
cp "$base" "$out.tmp"
pad4 "$out.tmp"
cat "$layer" >> "$out.tmp"
pad4 "$out.tmp"
cat "$root.cpio" >> "$out.tmp"
rm -f "$root.cpio"
mv "$out.tmp" "$out"
echo "nested-initramfs: $out ($(du -h "$out" | cut -f1))"
