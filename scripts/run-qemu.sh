#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-qemu.sh [--shell] LOG
# Boot the test kernel and initramfs in qemu-system-s390x (TCG, several
# vCPUs) with two virtio-rng-ccw devices as test subchannels, and write
# the console to LOG. Environment:
#   DRIVER   ours | intree        (module under test)
#   TESTS    comma list            (default: every selftest)
#   SMP      vCPUs (default 2)     MEM  guest MiB (default 1024)
#   TIMEOUT  hard limit in seconds (default 1800)
#   KCONFIG  kernel flavour (kcsan | kasan | bench)
#   LOAD     N busy-loop processes on the host beside the guest, for as
#            long as it runs (the suites must pass on a loaded host)
#   BENCH    1: run the benchmarks against both modules instead of the
#            selftests (BENCH_ITERS programs per case)

set -euo pipefail
. "$(dirname "$0")/lib.sh"

shell=0
if [ "${1:-}" = --shell ]; then
	shell=1
	shift
fi
log=${1:?usage: run-qemu.sh [--shell] LOG}
kdir=$(kernel_build_dir)
initrd=${INITRD:-$TOP/build/initramfs-$KCONFIG.cpio.gz}
kernel=$kdir/arch/s390/boot/bzImage
for f in "$kernel" "$initrd"; do
	[ -f "$f" ] || { echo "run-qemu: $f missing; run make" >&2; exit 1; }
done

# A CPU stall or a stuck work item panics like a hung task does
# (scripts/kernel.config): the run ends with the stacks, in minutes.
append="console=ttysclp0 loglevel=4 panic=-1 vccw.driver=${DRIVER:-ours}"
append="$append sysctl.kernel.panic_on_rcu_stall=1"
append="$append workqueue.watchdog_thresh=60 workqueue.panic_on_stall=1"
[ -n "${TESTS:-}" ] && append="$append vccw.tests=$TESTS"
[ "$shell" = 1 ] && append="$append vccw.shell=1"
[ "${BENCH:-0}" = 1 ] && append="$append vccw.bench=1"
[ -n "${BENCH_ITERS:-}" ] && append="$append vccw.bench_iters=$BENCH_ITERS"

qemu=(qemu-system-s390x -M s390-ccw-virtio -accel tcg,thread=multi
	-smp "${SMP:-2}" -m "${MEM:-1024}" -nographic -no-reboot
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-device virtio-rng-ccw,devno=fe.0.0100
	-device virtio-rng-ccw,devno=fe.0.0101)

if [ "$shell" = 1 ]; then
	exec "${qemu[@]}"
fi

echo "run-qemu: DRIVER=${DRIVER:-ours} SMP=${SMP:-2} LOAD=${LOAD:-0} log $log"
loaders=()
stop_load() {
	[ "${#loaders[@]}" -gt 0 ] && kill "${loaders[@]}" 2>/dev/null
	loaders=()
}
trap stop_load EXIT
for ((i = 0; i < ${LOAD:-0}; i++)); do
	bash -c 'while :; do :; done' &
	loaders+=($!)
done
start=$(date +%s)
rc=0
timeout --foreground -k 10 "${TIMEOUT:-1800}" "${qemu[@]}" </dev/null \
	2>&1 | tee "$log" | sed -u 's/\r$//' || rc=$?
echo "run-qemu: qemu exited after $(( $(date +%s) - start ))s"
exit 0
