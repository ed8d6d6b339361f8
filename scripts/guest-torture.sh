#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, as /tests/vfio_ccw_torture_test: run the ownership torture
# test (driver/vfio_ccw_torture.c) for VCCW_TORTURE_SECS seconds (default
# 20; boot option vccw.torture_secs=), wait for its end line, unload it
# and report one TAP result with its counts. scripts/check-log.py judges
# the end line in the kernel log as well. vccw.torture_break=N passes
# break_rule=N (a rule broken on purpose: the run must fail), e.g.
#   GUEST_APPEND=vccw.torture_break=1 TESTS=vfio_ccw_torture_test \
#	scripts/run-qemu.sh build/x.log

KO=/lib/modules/vfio_ccw_torture.ko
secs=${VCCW_TORTURE_SECS:-20}
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vccw.torture_secs=*) secs=${arg#vccw.torture_secs=} ;;
	vccw.torture_break=*) brk=${arg#vccw.torture_break=} ;;
	esac
done

echo "1..1"
if [ ! -f "$KO" ]; then
	echo "not ok 1 vfio_ccw_torture: module not in the initramfs"
	exit 1
fi
start=$(date +%s)
if ! insmod "$KO" duration="$secs" ${brk:+break_rule=$brk}; then
	echo "not ok 1 vfio_ccw_torture: insmod failed"
	exit 1
fi
# The module ends the run itself after $secs s; allow the drain and a
# slow, loaded host, then give up.
limit=$((secs + 120))
waited=0
while ! dmesg | grep -q "vfio_ccw_torture: end: "; do
	if [ "$waited" -ge "$limit" ]; then
		break
	fi
	sleep 1
	waited=$((waited + 1))
done
end=$(dmesg | grep "vfio_ccw_torture: end: " | tail -1 | sed 's/^.*vfio_ccw_torture: end: //')
rmmod vfio_ccw_torture
echo "# ran in $(( $(date +%s) - start )) s"
dmesg | sed -n 's/^.*vfio_ccw_torture: \([a-z_]* [0-9]*\)$/# \1/p'
dmesg | grep "vfio_ccw_torture: ERROR" | sed 's/^.*vfio_ccw_torture: /# /'
case "$end" in
PASS*) echo "ok 1 vfio_ccw_torture: $end" ;;
"") echo "not ok 1 vfio_ccw_torture: no end line after ${limit}s"; exit 1 ;;
*) echo "not ok 1 vfio_ccw_torture: $end"; exit 1 ;;
esac
