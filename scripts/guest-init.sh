#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test guest. Loads mdev and the vfio_ccw module under test,
# moves the test subchannels from io_subchannel to vfio_ccw, creates one
# mdev on each, runs every selftest and powers off. Everything the host
# parses is framed by "VCCW-" marker lines (see scripts/check-log.py).
#
# Kernel command line knobs:
#   vccw.driver=ours|intree   module under test (default ours)
#   vccw.tests=a,b            run only these selftests (default all)
#   vccw.shell=1              drop to a shell instead of running tests
#   vccw.stress_scale=N       VFIO_CCW_STRESS_SCALE of the stress test
#   vccw.bench=1              run /bench/* against the floor module, our
#                             module and the in-tree one, in rounds, in this
#                             same boot (make bench)
#   vccw.bench_rounds=N       rounds of floor, ours, in-tree (default 5)
#   vccw.bench_cases=a,b      only the bench cases whose names start so
#   vccw.bench_trace=1        raw trace of round 1's scale runs (by hand)
#   vccw.host_cpus=N          the host's cores: the scale runs again with
#                             only N vCPUs online (vfio_ccw_bench.c)
#   vccw.bench_extra_rounds=N those and the runs over processes only in
#                             the first N rounds (default: every round)
#   vccw.smc=0                the rounds without bench/vccw_smc.ko, which
#                             makes QEMU drop stale translations of the
#                             modules they reload (scripts/reload-repro.sh)
#   vccw.nested=ours[,intree] the nested stage instead of the selftests:
#                             QEMU as the client, set up with driverctl and
#                             mdevctl (/nested/run.sh, scripts/nested-guest.sh)
#   vccw.driver=builtin       the driver is built into the kernel (the patched
#                             tree, make intree): nothing to load or unload
#   vccw.kselftest=1          run the selftests installed in /kselftest with
#                             the kernel's run_kselftest.sh instead of /tests

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# devtmpfs has no /dev/stdout and friends (udev makes them elsewhere);
# the kernel's run_kselftest.sh writes its log to /dev/stdout.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for n in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${n#*:}" ] || ln -s "/proc/self/fd/${n%%:*}" "/dev/${n#*:}"
done
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mount -t tmpfs tmpfs /tmp

DRIVER=ours
TESTS=
SHELL_ONLY=0
BENCH=0
NESTED=
KSELFTEST=0
SMC=1
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vccw.driver=*) DRIVER=${arg#vccw.driver=} ;;
	vccw.tests=*) TESTS=$(echo "${arg#vccw.tests=}" | tr ',' ' ') ;;
	vccw.shell=1) SHELL_ONLY=1 ;;
	vccw.bench=1) BENCH=1 ;;
	vccw.iommu=*) export VFIO_CCW_IOMMU=${arg#vccw.iommu=} ;;
	vccw.stress_scale=*)
		export VFIO_CCW_STRESS_SCALE=${arg#vccw.stress_scale=} ;;
	vccw.nested=*) NESTED=$(echo "${arg#vccw.nested=}" | tr ',' ' ') ;;
	vccw.kselftest=1) KSELFTEST=1 ;;
	vccw.bench_iters=*) export VFIO_CCW_BENCH_ITERS=${arg#vccw.bench_iters=} ;;
	vccw.bench_rounds=*) BENCH_ROUNDS=${arg#vccw.bench_rounds=} ;;
	vccw.bench_cases=*) export VFIO_CCW_BENCH_CASES=${arg#vccw.bench_cases=} ;;
	vccw.bench_trace=1) export VFIO_CCW_BENCH_TRACE=1 ;;
	vccw.host_cpus=*) export VFIO_CCW_BENCH_HOST_CPUS=${arg#vccw.host_cpus=} ;;
	vccw.bench_extra_rounds=*)
		export VFIO_CCW_BENCH_EXTRA_ROUNDS=${arg#vccw.bench_extra_rounds=} ;;
	vccw.smc=*) SMC=${arg#vccw.smc=} ;;
	esac
done

# Test subchannels: the devnos run-qemu.sh gives its virtio-rng-ccw devices,
# and fixed mdev uuids so a failure can be replayed by hand.
DEVNOS="0.0.0100 0.0.0101"
UUIDS="6a7e0e2c-1c2b-4f44-9d5e-000000000100 6a7e0e2c-1c2b-4f44-9d5e-000000000101"
# The benchmarks scale to four (run-qemu.sh gives the bench boot four).
if [ "$BENCH" = 1 ]; then
	DEVNOS="$DEVNOS 0.0.0102 0.0.0103"
	UUIDS="$UUIDS 6a7e0e2c-1c2b-4f44-9d5e-000000000102"
	UUIDS="$UUIDS 6a7e0e2c-1c2b-4f44-9d5e-000000000103"
fi
SCHS=

fail() {
	echo "VCCW-FAIL: $*"
}

nth() {
	# nth N word...: print the Nth word
	n=$1; shift
	eval "echo \${$n}"
}

echo "VCCW-BOOT: driver=$DRIVER cpus=$(grep -c '^processor' /proc/cpuinfo)" \
	"kernel=$(uname -r) iommu=${VFIO_CCW_IOMMU:-container}"
# Where the kernel runs, for the host's silence watchdog to name the
# functions the vCPUs are in (scripts/run-qemu.sh).
echo "VCCW-KTEXT: $(sed -n 's/ T _text$//p' /proc/kallsyms)"

# io_subchannel registers the ccw device of a subchannel it was given back
# asynchronously: wait until every test device is there again (30 s at
# most; setup_devices and setup_floor say which one is missing).
wait_ccw_devices() {
	for devno in $DEVNOS; do
		n=0
		while [ ! -e "/sys/bus/ccw/devices/$devno" ] && [ "$n" -lt 300 ]
		do
			sleep 0.1 2>/dev/null || sleep 1
			n=$((n + 1))
		done
	done
}

setup_devices() {
	wait_ccw_devices
	if [ "$DRIVER" = builtin ]; then
		[ -d /sys/bus/css/drivers/vfio_ccw ] ||
			{ fail "vfio_ccw is not built in"; return 1; }
	else
		insmod /lib/modules/mdev.ko ||
			{ fail "insmod mdev.ko"; return 1; }
		insmod "/lib/modules/$DRIVER/vfio_ccw.ko" ||
			{ fail "insmod $DRIVER/vfio_ccw.ko"; return 1; }
		# For the host's silence watchdog, like VCCW-KTEXT.
		for m in mdev vfio_ccw; do
			echo "VCCW-MODULE: $m $DRIVER $(cat /sys/module/$m/sections/.text)"
		done
	fi
	i=1
	for devno in $DEVNOS; do
		uuid=$(nth $i $UUIDS)
		if [ ! -e "/sys/bus/ccw/devices/$devno" ]; then
			fail "no ccw device $devno"; return 1
		fi
		sch=$(basename "$(readlink -f "/sys/bus/ccw/devices/$devno/..")")
		echo "$sch" > /sys/bus/css/drivers/io_subchannel/unbind ||
			{ fail "unbind $sch from io_subchannel"; return 1; }
		echo vfio_ccw > "/sys/bus/css/devices/$sch/driver_override"
		echo "$sch" > /sys/bus/css/drivers_probe
		drv=$(basename "$(readlink -f "/sys/bus/css/devices/$sch/driver")")
		if [ "$drv" != vfio_ccw ]; then
			fail "$sch bound to '$drv', not vfio_ccw"; return 1
		fi
		echo "$uuid" > \
		  "/sys/bus/css/devices/$sch/mdev_supported_types/vfio_ccw-io/create" ||
			{ fail "create mdev on $sch"; return 1; }
		echo "VCCW-DEV: $devno sch $sch mdev $uuid"
		eval "SCH$i=$sch"
		SCHS="$SCHS $sch"
		i=$((i + 1))
	done
	export VFIO_CCW_MDEV=$(nth 1 $UUIDS)
	export VFIO_CCW_MDEV2=$(nth 2 $UUIDS)
	export VFIO_CCW_SCH=$SCH1 VFIO_CCW_SCH2=$SCH2
	export VFIO_CCW_DRIVER=$DRIVER
	export VFIO_CCW_MDEVS="$UUIDS" VFIO_CCW_SCHS="$SCHS"
	# Built in, the driver under test is ours all the same.
	if [ "$DRIVER" = builtin ]; then
		export VFIO_CCW_DRIVER=ours VFIO_CCW_BUILTIN=1
	fi
	return 0
}

teardown_devices() {
	i=1
	for uuid in $UUIDS; do
		if [ -e "/sys/bus/mdev/devices/$uuid/remove" ]; then
			echo 1 > "/sys/bus/mdev/devices/$uuid/remove" ||
				fail "remove mdev $uuid"
		fi
		i=$((i + 1))
	done
	release_schs vfio_ccw
	if [ "$DRIVER" = builtin ]; then
		echo "VCCW-UNLOAD: SKIP: vfio_ccw is built in (CONFIG_VFIO_CCW=y)"
		return
	fi
	if rmmod vfio_ccw; then
		echo "VCCW-UNLOAD: vfio_ccw ok"
	else
		fail "rmmod vfio_ccw"
	fi
	rmmod mdev || fail "rmmod mdev"
}

# The longest a selftest program may take here, in seconds: about three
# times what it takes on a loaded host (TCG, KASAN and lockdep). The
# harness's own per-test timeouts cannot end a program stuck in the
# kernel (SIGKILL waits for the system call to return), and a wait that
# wakes up now and then is no hung task: this is the bound for those.
test_limit() {
	case "$1" in
	vfio_ccw_basic_test) echo 180 ;;
	run_kselftest) echo "${VCCW_TEST_LIMIT:-1800}" ;;
	*) echo "${VCCW_TEST_LIMIT:-900}" ;;
	esac
}

# The stacks of a test program that did not end, and of every task in D
# state, from /proc (CONFIG_STACKTRACE): what a hang looks like from inside.
dump_stacks() {
	pid=$1
	for task in /proc/"$pid"/task/*; do
		[ -d "$task" ] || continue
		echo "task $(basename "$task") ($(cat "$task/comm")):" \
			"$(grep '^State:' "$task/status")"
		cat "$task/stack"
	done
	for st in /proc/[0-9]*/status; do
		d=${st%/status}
		grep -q '^State:.*D (disk sleep)' "$st" 2>/dev/null || continue
		echo "D-state task ${d#/proc/} ($(cat "$d/comm")):"
		cat "$d/stack"
	done
}

# run_one NAME [DIR CMD]: run a selftest program (./NAME in /tests, or
# CMD in DIR); 1 if it had to be abandoned.
run_one() {
	t=$1
	dir=${2:-/tests}
	cmd=${3:-./$t}
	limit=$(test_limit "$t")
	echo "VCCW-RUN: $t"
	rm -f "/tmp/tap/$t.rc" "/tmp/tap/$t.pid"
	( cd "$dir" && sh -c "echo \$\$ > /tmp/tap/$t.pid; exec $cmd"
	  echo "$?" > "/tmp/tap/$t.rc" ) 2>&1 | tee "/tmp/tap/$t.tap" &
	waited=0
	while [ ! -e "/tmp/tap/$t.rc" ]; do
		if [ "$waited" -ge "$limit" ]; then
			echo "VCCW-HANG: $t still running after ${limit}s"
			echo "VCCW-STACKS-BEGIN: $t"
			dump_stacks "$(cat "/tmp/tap/$t.pid")"
			echo "VCCW-STACKS-END: $t"
			kill -9 "$(cat "/tmp/tap/$t.pid")"
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
		# For the host's silence watchdog (scripts/run-qemu.sh).
		[ $((waited % 60)) -eq 0 ] &&
			echo "VCCW-ALIVE: $t running for ${waited}s"
	done
	wait
	return 0
}

# The selftests as the kernel tree installs them (kselftest_install.sh),
# run by its run_kselftest.sh; its TAP is judged like a program's.
run_kselftest() {
	mkdir -p /tmp/tap
	if [ "$DRIVER" = builtin ]; then
		# What the module boots run that needs vfio_ccw as a module.
		echo "VCCW-SKIP: vfio_ccw_kunit_test: vfio_ccw_kunit.ko needs" \
			"vfio_ccw.ko; built in, kunit.py runs the KUnit tests" \
			"(make check-kunit)"
		echo "VCCW-SKIP: vfio_ccw_torture_test: vfio_ccw_torture.ko is" \
			"module-only (VFIO_CCW_TORTURE_TEST depends on m)"
	fi
	sel=
	for t in $TESTS; do
		sel="$sel -t drivers/s390x/vfio_ccw:$t"
	done
	run_one run_kselftest /kselftest "./run_kselftest.sh$sel"
}

run_tests() {
	if [ "$KSELFTEST" = 1 ]; then
		run_kselftest
		return
	fi
	mkdir -p /tmp/tap
	if [ -z "$TESTS" ]; then
		TESTS=$(cd /tests && ls)
	fi
	for t in $TESTS; do
		if [ ! -x "/tests/$t" ]; then
			fail "no selftest $t"; continue
		fi
		# A program stuck in the kernel leaves the devices in an unknown
		# state: stop here, the teardown could hang as well.
		run_one "$t" || return 1
	done
	return 0
}

# The floor (bench/vccw_floor.c): the test subchannels on a css driver
# that runs the same channel programs through cio, no VFIO.
setup_floor() {
	SCHS=
	wait_ccw_devices
	for devno in $DEVNOS; do
		if [ ! -e "/sys/bus/ccw/devices/$devno" ]; then
			fail "no ccw device $devno"; return 1
		fi
		sch=$(basename "$(readlink -f "/sys/bus/ccw/devices/$devno/..")")
		echo "$sch" > /sys/bus/css/drivers/io_subchannel/unbind ||
			{ fail "unbind $sch from io_subchannel"; return 1; }
		SCHS="$SCHS $sch"
		echo vccw_floor > "/sys/bus/css/devices/$sch/driver_override"
		echo "$sch" > /sys/bus/css/drivers_probe
		drv=$(basename "$(readlink -f "/sys/bus/css/devices/$sch/driver")")
		if [ "$drv" != vccw_floor ]; then
			fail "$sch bound to '$drv', not vccw_floor"; return 1
		fi
	done
	export VFIO_CCW_DRIVER=floor VFIO_CCW_SCHS="$SCHS" VFIO_CCW_MDEVS=
	return 0
}

# Hand the test subchannels back from css driver $1 to whoever probes them.
release_schs() {
	for sch in $SCHS; do
		echo "$sch" > "/sys/bus/css/drivers/$1/unbind" ||
			fail "unbind $sch from $1"
		echo > "/sys/bus/css/devices/$sch/driver_override"
		echo "$sch" > /sys/bus/css/drivers_probe
	done
	SCHS=
}

teardown_floor() {
	release_schs vccw_floor
}

# Benchmarks: the same programs through the floor and each module in
# turn, in rounds (floor, ours, intree, floor, ours, intree, ...), one
# boot: bench-table.py takes the ratios per round. The memory figures
# (bytes per device) are the same every time: first round only.
run_benches() {
	mkdir -p /tmp/bench
	# Before any other module: the rounds unload and reload mdev and both
	# vfio_ccw modules in the same module area, and QEMU's TCG (before
	# 8.2.9/9.2.1) can run stale translations of the previous module's
	# text there (bench/vccw_smc.c).
	if [ "$SMC" = 1 ] && [ -e /lib/modules/vccw_smc.ko ]; then
		insmod /lib/modules/vccw_smc.ko || fail "insmod vccw_smc.ko"
	fi
	echo "VCCW-SMC: $([ -d /sys/module/vccw_smc ] && echo on || echo off)"
	floor=0
	if [ -e /lib/modules/vccw_floor.ko ]; then
		insmod /lib/modules/vccw_floor.ko && floor=1 ||
			fail "insmod vccw_floor.ko"
	fi
	for r in $(seq 1 "${BENCH_ROUNDS:-5}"); do
		export VFIO_CCW_BENCH_ROUND=$r
		export VFIO_CCW_BENCH_MEM=$([ "$r" = 1 ] && echo 1 || echo 0)
		drivers="ours intree"
		[ "$floor" = 1 ] && drivers="floor $drivers"
		for DRIVER in $drivers; do
			if [ "$DRIVER" = floor ]; then
				setup_floor || { teardown_floor; continue; }
			elif ! setup_devices; then
				teardown_devices
				continue
			fi
			for b in /bench/*; do
				[ -x "$b" ] || continue
				n=$(basename "$b")
				echo "VCCW-RUN: $n $DRIVER round $r"
				"$b" > "/tmp/bench/$n.$DRIVER.$r" 2>&1
				echo "$?" > "/tmp/bench/$n.$DRIVER.$r.rc"
				cat "/tmp/bench/$n.$DRIVER.$r"
			done
			if [ "$DRIVER" = floor ]; then
				teardown_floor
			else
				teardown_devices
			fi
		done
	done
	if [ "$floor" = 1 ]; then
		rmmod vccw_floor || fail "rmmod vccw_floor"
	fi
	if [ -d /sys/module/vccw_smc ]; then
		echo "VCCW-SMC: pages stored back:" \
			"$(cat /sys/module/vccw_smc/parameters/smc_pages)"
	fi
}

# The nested stage sets up its devices itself, with driverctl and mdevctl.
run_nested() {
	if [ ! -x /nested/run.sh ]; then
		fail "vccw.nested: no /nested/run.sh (scripts/nested-initramfs.sh)"
		return
	fi
	# shellcheck disable=SC2086
	/nested/run.sh $NESTED
}

if [ "$BENCH" = 1 ]; then
	run_benches
elif [ -n "$NESTED" ]; then
	run_nested
elif setup_devices; then
	if [ "$SHELL_ONLY" = 1 ]; then
		echo "VCCW: devices ready; type 'exit' to tear down and power off"
		setsid cttyhack sh
		teardown_devices
	elif run_tests; then
		teardown_devices
	else
		fail "a selftest hung; devices left as they are"
	fi
fi

# Quiet the console, then hand the host clean copies of what it parses.
echo 1 > /proc/sys/kernel/printk
echo "VCCW-DMESG-BEGIN"
dmesg
echo "VCCW-DMESG-END"
for f in /tmp/tap/*.tap; do
	[ -e "$f" ] || continue
	t=$(basename "$f" .tap)
	echo "VCCW-TAP-BEGIN: $t"
	cat "$f"
	echo "VCCW-TAP-END: $t rc=$(cat "/tmp/tap/$t.rc" 2>/dev/null)"
done
for f in /tmp/bench/*.rc; do
	[ -e "$f" ] || continue
	b=${f%.rc}
	echo "VCCW-BENCH-BEGIN: $(basename "$b")"
	cat "$b"
	echo "VCCW-BENCH-END: $(basename "$b") rc=$(cat "$f")"
done
echo "VCCW-DONE"
poweroff -f
