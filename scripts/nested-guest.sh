#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /nested/run.sh DRIVER... (in the test guest, from guest-init.sh with
# vccw.nested=1): QEMU as the client of vfio_ccw, set up with the real
# tools, for each module in turn in this one boot.
#
#   insmod the module; driverctl sets the override of the subchannel of
#   0.0.0100 to vfio_ccw; lscss --vfio shows it; mdevctl defines, starts
#   and lists the mdev;
#   (c) QEMU runs the payload's SENSE ID loop and is killed with I/O in
#       flight (our driver: its final IRB held back by the debug hook):
#       the cp is retired, nothing stays pinned (debugfs counters);
#   a new QEMU gets the device and runs the payload (nested/payload.c)
#   with -device vfio-ccw: every channel program it checks is a step;
#   (a) while it runs, chchp varies the channel path off and on and the
#       path's CRW-reported events come (debug hook): the payload sees
#       the CRWs with stcrw;
#   (b) mdevctl stop: the request irq, QEMU unplugs the device, the
#       removal completes and QEMU runs on to the payload's end;
#   then mdevctl undefine, driverctl unset-override, rmmod.
#
# Each step is a TAP line, printed as it happens. Our module's TAP goes to
# /tmp/tap/vfio_ccw_nested.tap (judged by check-log.py like a selftest);
# any other module's is printed in a VCCW-NESTED-COL frame, a column of
# the table scripts/nested-table.py prints next to ours, not judged.
# A line "VCCW-NESTED-ROW: DRIVER|RESULT|STEP" goes with every step.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

DEVNO=0.0.0100
UUID=6a7e0e2c-1c2b-4f44-9d5e-000000000200
NESTED_DEVNO=fe.0.0042
QEMU_LIMIT=${VCCW_NESTED_LIMIT:-600}	# seconds, one nested QEMU
WAIT_LIMIT=300				# seconds, one marker or state
dbg=/sys/kernel/debug/vfio_ccw

n=0
nfail=0
out=
drv=

step() {
	# step RESULT(0 = ok) DESCRIPTION [DIRECTIVE]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		line="ok $n - $2${3:+ # $3}"
		res=ok
		[ -n "$3" ] && res=n/a
	else
		line="not ok $n - $2"
		res=FAIL
		nfail=$((nfail + 1))
	fi
	echo "$line" | tee -a "$out"
	echo "VCCW-NESTED-ROW: $drv|$res|$2"
}

# vary_path CHPID 0|1 offline|online off|on: chchp varies the path, its
# status follows, and the CRW event the outer QEMU never sends is made
# up by the driver's debug hook.
vary_path() {
	local rc st
	show chchp -v "$2" "$1"
	rc=$?
	st=$(cat "/sys/devices/css0/chp0.$1/status")
	note "chp0.$1 status: $st"
	[ "$rc" = 0 ] && [ "$st" = "$3" ]
	step $? "chchp -v $2 $1: the path is varied $4"
	hook "inject chp $3"
	step $? "the path's CRW event ($3) reaches the driver"
}

note() {
	echo "# $*" | tee -a "$out"
}

# Show a command's output as TAP diagnostics; its exit code is the result.
show() {
	"$@" > /tmp/nested/cmd.out 2>&1
	rc=$?
	sed 's/^/#   /' /tmp/nested/cmd.out | tee -a "$out"
	return $rc
}

# wait_for SECONDS COMMAND...: until the command succeeds, at most SECONDS
# (a VCCW-ALIVE line every minute for run-qemu.sh's silence watchdog).
wait_for() {
	limit=$1
	shift
	waited=0
	while ! "$@"; do
		[ "$waited" -ge "$limit" ] && return 1
		sleep 1
		waited=$((waited + 1))
		[ $((waited % 60)) = 0 ] &&
			echo "VCCW-ALIVE: nested stage, waiting ${waited}s for $*"
	done
	return 0
}

stat_of() {
	sed -n "s/^$1 //p" "$dbg/$UUID/stats" 2>/dev/null
}

hook() {
	echo "$1" > "$dbg/$UUID/hook"
}

held() {
	grep -q 'held=[1-9]' "$dbg/$UUID/hook" 2>/dev/null
}

qemu_pid=
# start_qemu LOG APPEND: the payload in a nested TCG guest, with the mdev.
start_qemu() {
	qlog=$1
	: > "$qlog"
	qemu-system-s390x -M s390-ccw-virtio \
		-accel tcg -nodefaults -nographic -serial stdio -monitor none \
		-no-reboot -m 128 -smp 1 -kernel /nested/payload.elf \
		-append "$2 devno=${NESTED_DEVNO##*.} cu=04 chpid=$chpid" \
		-device "vfio-ccw,sysfsdev=/sys/bus/mdev/devices/$UUID,devno=$NESTED_DEVNO" \
		< /dev/null > "$qlog" 2>&1 &
	qemu_pid=$!
}

qemu_alive() {
	kill -0 "$qemu_pid" 2>/dev/null
}

qemu_gone() {
	! qemu_alive
}

marker() {
	grep -q "VCCW-NESTED-WAIT: $1" "$qlog"
}

payload_done() {
	! qemu_alive || grep -q '^# [0-9]* failed of' "$qlog"
}

# wait_marker NAME: the payload asks for NAME (0), or it ended (1).
marker_or_end() {
	marker "$1" || payload_done
}

wait_marker() {
	wait_for "$WAIT_LIMIT" marker_or_end "$1"
	marker "$1"
}

# End the nested QEMU: it should be gone by now; after QEMU_LIMIT it is
# killed. Sets qrc to its exit code.
end_qemu() {
	wait_for "$QEMU_LIMIT" payload_done || kill -9 "$qemu_pid"
	wait_for 60 qemu_gone || kill -9 "$qemu_pid"
	wait "$qemu_pid"
	qrc=$?
}

# Our module has the debugfs counters and the debug hooks; the in-tree
# one has neither.
ours() {
	[ "$drv" = ours ]
}

run_driver() {
	drv=$1
	n=0
	nfail=0
	mkdir -p /tmp/nested /tmp/tap
	if ours; then
		out=/tmp/tap/vfio_ccw_nested.tap
	else
		out=/tmp/nested/$drv.tap
	fi
	: > "$out"
	note "nested stage: QEMU -device vfio-ccw on the $drv module"

	insmod /lib/modules/mdev.ko 2>/dev/null
	insmod "/lib/modules/$drv/vfio_ccw.ko"
	rc=$?
	step $rc "insmod vfio_ccw.ko"
	if [ "$rc" != 0 ]; then
		# Another vfio_ccw is still loaded: the steps would run on it.
		note "no $drv module loaded: its steps are not taken"
		echo "1..$n" >> "$out"
		echo "$nfail" > "${out%.tap}.rc"
		return
	fi

	sch=$(basename "$(readlink -f "/sys/bus/ccw/devices/$DEVNO/..")")
	note "$DEVNO is on subchannel $sch"
	show lscss
	show driverctl -b css set-override "$sch" vfio_ccw
	rc=$?
	cur=$(basename "$(readlink -f "/sys/bus/css/devices/$sch/driver")")
	[ "$rc" = 0 ] && [ "$cur" = vfio_ccw ]
	step $? "driverctl set-override: the subchannel is bound to vfio_ccw"
	show driverctl -b css list-overrides
	grep -q "^#   $sch vfio_ccw" "$out"
	step $? "driverctl list-overrides shows the override"
	show lscss --vfio
	grep -q "$sch" /tmp/nested/cmd.out
	step $? "lscss --vfio lists the subchannel"
	# shellcheck disable=SC2046
	set -- $(cat "/sys/bus/css/devices/$sch/chpids")
	chpid=$1
	note "first channel path of $sch: $chpid"

	show mdevctl define -u "$UUID" -p "$sch" -t vfio_ccw-io
	step $? "mdevctl define"
	show mdevctl start -u "$UUID"
	rc=$?
	[ "$rc" = 0 ] && [ -e "/sys/bus/mdev/devices/$UUID" ]
	step $? "mdevctl start: the mdev exists"
	show mdevctl list
	grep -q "$UUID $sch vfio_ccw-io" /tmp/nested/cmd.out
	step $? "mdevctl list shows it active"
	show mdevctl list --defined
	grep -q "$UUID $sch vfio_ccw-io" /tmp/nested/cmd.out
	step $? "mdevctl list --defined shows its definition"

	event_kill
	main_run

	show mdevctl undefine -u "$UUID"
	step $? "mdevctl undefine"
	show driverctl -b css unset-override "$sch"
	# io_subchannel recognises the device again (asynchronously).
	wait_for 60 ccw_back
	cur=$(basename "$(readlink -f "/sys/bus/css/devices/$sch/driver")")
	[ "$cur" = io_subchannel ] && ccw_back
	step $? "driverctl unset-override: back on io_subchannel, $DEVNO there again"
	rmmod vfio_ccw
	rc=$?
	[ "$rc" = 0 ] || note "vfio_ccw refcnt $(cat /sys/module/vfio_ccw/refcnt)," \
		"holders: $(ls /sys/module/vfio_ccw/holders)," \
		"css devices on it: $(ls /sys/bus/css/drivers/vfio_ccw 2>/dev/null | tr '\n' ' ')"
	step $rc "rmmod vfio_ccw"

	echo "1..$n" >> "$out"
	echo "1..$n"
	echo "$nfail" > "${out%.tap}.rc"
}

ccw_back() {
	[ -e "/sys/bus/ccw/devices/$DEVNO" ]
}

# Our counters: nothing pinned, no cp owned, every START freed.
retired() {
	[ "$(stat_of pinned_pages)" = 0 ] && [ "$(stat_of own)" = 0 ] &&
		[ "$(stat_of starts)" = "$(stat_of frees)" ]
}

# (c) kill QEMU with I/O in flight, then check what the driver kept.
event_kill() {
	start_qemu /tmp/nested/qemu-kill.log "loop=1"
	wait_marker kill
	step $? "QEMU runs the payload's SENSE ID loop through the mdev"
	if ours; then
		s0=$(stat_of starts)
		# Hold back the next final IRB: that START stays in flight.
		hook "hold irq"
		wait_for "$WAIT_LIMIT" held
		step $? "a START in flight (its final IRB held by the hook)"
	fi
	kill -9 "$qemu_pid"
	wait "$qemu_pid"
	qrc=$?
	sed 's/^/nested| /' "$qlog"
	[ "$qrc" = 137 ] && ! qemu_alive
	step $? "kill -9 QEMU with I/O in flight"
	if ours; then
		hook release
		wait_for 60 retired
		rc=$?
		note "stats after the kill: $(tr '\n' ' ' < "$dbg/$UUID/stats")"
		[ "$rc" = 0 ] && [ "$(stat_of starts)" -gt "${s0:-0}" ]
		step $? "the killed QEMU's cp is retired: nothing pinned, every START freed"
	else
		step 0 "the killed QEMU's cp is retired: nothing pinned, every START freed" \
			"SKIP no debugfs counters in this module"
	fi
}

# The payload with the events; a new QEMU after the killed one.
main_run() {
	qlog=/tmp/nested/qemu-main.log
	args=
	if ours; then
		# The first START gets a made-up PCI intermediate IRB, its
		# real final IRB waits for "release irq" (nested/payload.c).
		hook "after-ssch intermediate" && hook "hold irq"
		step $? "debug hooks armed: PCI intermediate, final IRB held"
		args="pci=1 crw=1"
	fi
	start_qemu "$qlog" "$args unplug=1"
	start=$(date +%s)
	if ours; then
		wait_marker pci-final
		rc=$?
		hook "release irq"
		step $rc "the payload took the intermediate IRB; final released"
		wait_marker chp-vary
		step $? "the payload waits for the channel-path events"
		vary_path "$chpid" 0 offline off
		vary_path "$chpid" 1 online on
	fi
	wait_marker unplug
	step $? "the payload waits for the unplug"
	show mdevctl stop -u "$UUID"
	rc=$?
	[ "$rc" = 0 ] && [ ! -e "/sys/bus/mdev/devices/$UUID" ]
	step $? "mdevctl stop: the request irq, QEMU unplugs, the mdev is gone"
	qemu_alive || grep -q '^ok .* the machine runs on' "$qlog"
	step $? "QEMU kept running after the unplug"
	end_qemu
	note "nested QEMU ran $(( $(date +%s) - start ))s, exit code $qrc"
	sed 's/^/nested| /' "$qlog"
	# The payload's own results, one step each.
	sed -n 's/\r$//; s/^ok [0-9]* - /0|/p; s/^not ok [0-9]* - /1|/p' \
		"$qlog" > /tmp/nested/p.tap
	while IFS='|' read -r r desc; do
		pdesc=${desc%% # SKIP*}
		if [ "$pdesc" != "$desc" ]; then
			step 0 "payload: $pdesc" "SKIP ${desc#* # SKIP }"
		else
			step $r "payload: $desc"
		fi
	done < /tmp/nested/p.tap
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$qlog" | head -1)
	got=$(wc -l < /tmp/nested/p.tap)
	[ "$qrc" = 0 ] && [ -n "$plan" ] && [ "$plan" = "$got" ] &&
		grep -q '^# 0 failed of' "$qlog"
	step $? "the payload ran its whole plan and shut down cleanly"
	if ours; then
		[ "$(cat "$dbg/crws")" = 0 ] && [ "$(cat "$dbg/parked")" = 0 ]
		step $? "no CRW left queued, no channel program parked"
	fi
}

for module in "$@"; do
	run_driver "$module"
	if [ "$module" != ours ]; then
		echo "VCCW-NESTED-COL-BEGIN: $module"
		cat "/tmp/nested/$module.tap"
		echo "VCCW-NESTED-COL-END: $module"
	fi
done
