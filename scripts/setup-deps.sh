#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build and the tests need. Idempotent:
# packages already present are not touched, and apt is only run when
# something is missing. Uses sudo only when not running as root.
#
# The s390x userland (busybox) is not installed on the host: it is fetched
# with "apt-get download" (after "dpkg --add-architecture s390x") and
# unpacked into the cache by scripts/mkinitramfs.sh; so are QEMU, mdevctl,
# driverctl and s390-tools for the nested stage (scripts/userland.sh).

set -euo pipefail

HOST_PKGS=(
	make gcc gcc-s390x-linux-gnu binutils-s390x-linux-gnu
	libc6-dev-s390x-cross linux-source-6.12 qemu-system-misc
	flex bison bc libelf-dev libssl-dev cpio xz-utils kmod
	python3 perl sparse rsync gzip gdb-multiarch gdb python3-sphinx
	python3-matplotlib
)

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi

missing=()
for p in "${HOST_PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

need_update=0
if ! dpkg --print-foreign-architectures | grep -qx s390x; then
	echo "setup: adding foreign architecture s390x"
	$SUDO dpkg --add-architecture s390x
	need_update=1
fi
if ! apt-cache show busybox-static:s390x >/dev/null 2>&1; then
	need_update=1
fi

if [ "${#missing[@]}" -eq 0 ] && [ "$need_update" -eq 0 ]; then
	echo "setup: all dependencies present"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "setup: apt-get update"
$SUDO apt-get update -qq
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "setup: done"
