#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-nested.sh (make run): the driver doing its job, in one command.
# Boots the KCSAN guest with the Debian s390x userland, binds the
# subchannel of 0.0.0100 to vfio_ccw with driverctl, defines and starts
# an mdev with mdevctl, runs QEMU with -device vfio-ccw on it and the
# nested payload (nested/payload.c), and stops it all again, printing
# each step as it goes (the kernel log is left out: it is in the log).
# Ends with the verdict of scripts/check-log.py.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

log="$TOP/build/run-$KCONFIG.log"
initrd="$TOP/build/initramfs-$KCONFIG-nested.cpio"
mkdir -p "$TOP/build"
"$TOP/scripts/nested-initramfs.sh" "$initrd" \
	"$TOP/build/initramfs-$KCONFIG.cpio"
echo "run: booting the guest (log $log)"
INITRD=$initrd MEM=${NESTED_MEM:-3072} NESTED=ours \
	"$TOP/scripts/run-qemu.sh" "$log" |
	awk '/^VCCW-DMESG-BEGIN/ { skip = 1 }
	     /^VCCW-DMESG-END/ { skip = 0; next }
	     /^VCCW-TAP-BEGIN/ { skip = 1 }
	     /^VCCW-TAP-END/ { skip = 0; next }
	     /^VCCW-NESTED-ROW: / { next }
	     !skip { print; fflush() }'
"$TOP/scripts/check-log.py" "$log" --expect-tests vfio_ccw_nested |
	tail -1
