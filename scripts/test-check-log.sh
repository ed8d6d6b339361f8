#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the host-side judges on saved text, both ways:
#  - kcsan_classify.py on every report in scripts/tests/kcsan/, whose first
#    line says what it must be classified as;
#  - check-log.py on a clean guest log (must pass) and on copies of it with
#    one thing planted (a driver KCSAN report, a foreign one, a WARNING,
#    a "not ok", a missing plan, a bad exit code, no VCCW-DONE, a skipped
#    test, a program skipped whole), each of which must fail, except the
#    foreign report, which must pass; a KUnit "not ok" and a torture run
#    that failed or did not end fail;
#  - check-log.py and bench-table.py on benchmark logs: figures of the
#    floor and both drivers pass, a benchmark exiting non-zero or the
#    figures of the floor or of a driver missing fail.

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tdir=$here/tests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$here/lib.sh"

result() {
	if [ "$1" = ok ]; then
		echo "ok      host: $2"
	else
		echo "FAILED  host: $2"
	fi
	tally "$1"
}

for f in "$tdir"/kcsan/*.txt; do
	want=$(sed -n '1s/^# expect: //p' "$f")
	got=$(PYTHONPATH=$here python3 -c '
import sys, kcsan_classify as k
v = k.classify_log(open(sys.argv[1]).read())
print(",".join(x for x, _ in v) or "none")' "$f")
	if [ "$got" = "$want" ]; then
		result ok "classify $(basename "$f") as $want"
	else
		result no "classify $(basename "$f"): want $want, got $got"
	fi
done 2>&1

# make_log NAME DMESG_FILE TAP_LINE RC DONE
make_log() {
	local out=$tmp/$1.log
	awk -v dm="$2" -v tap="$3" -v rc="$4" -v done="$5" '
		/@@DMESG@@/ { if (dm != "") while ((getline l < dm) > 0) print l; next }
		/@@TAP@@/ { if (tap != "") print tap; next }
		/@@DONE@@/ { if (done != "") print done; next }
		{ gsub(/@@RC@@/, rc); print }' "$tdir/guest-ok.log" > "$out"
	echo "$out"
}

# expect_log NAME want(0|1) DMESG TAP RC DONE
expect_log() {
	local name=$1 want=$2 log rc
	log=$(make_log "$name" "$3" "$4" "$5" "$6")
	"$here/check-log.py" "$log" >"$tmp/$name.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		result ok "check-log $name exits $want"
	else
		result no "check-log $name exits $rc, want $want"
		sed 's/^/    /' "$tmp/$name.out"
	fi
}

printf '[   12.0] WARNING: CPU: 1 PID: 77 at drivers/s390/cio/x.c:10 f+0x1/0x2\n' \
	> "$tmp/warn.txt"
expect_log clean 0 "" "" 0 VCCW-DONE
expect_log planted-driver-kcsan 1 "$tdir/kcsan/driver-irq-vs-read.txt" "" 0 VCCW-DONE
expect_log planted-foreign-kcsan 0 "$tdir/kcsan/foreign-fput.txt" "" 0 VCCW-DONE
expect_log planted-warning 1 "$tmp/warn.txt" "" 0 VCCW-DONE
expect_log planted-not-ok 1 "" "not ok 3 mdev.extra" 0 VCCW-DONE
expect_log planted-skip 1 "" "ok 3 mdev.extra # SKIP no device" 0 VCCW-DONE
expect_log planted-extra-result 1 "" "ok 3 mdev.extra" 0 VCCW-DONE
expect_log planted-exit-code 1 "" "" 1 VCCW-DONE
expect_log planted-timeout 1 "" "" 0 ""

# KUnit and the ownership torture test judged from the kernel log.
cat > "$tmp/kunit-fail.txt" <<'EOT'
[    9.1]     # cp_short_pin: EXPECTATION FAILED at vfio_ccw_kunit.c:1200
[    9.1]     not ok 45 cp_short_pin
[    9.2] not ok 3 vfio_ccw_cp
EOT
cat > "$tmp/kunit-ok.txt" <<'EOT'
[    9.1]     ok 45 cp_short_pin
[    9.2] ok 3 vfio_ccw_cp
EOT
printf '[   30.0] vfio_ccw_torture: start: 20 s\n[   50.0] vfio_ccw_torture: end: PASS: time is up, 9 errors 0\n' \
	> "$tmp/torture-pass.txt"
printf '[   30.0] vfio_ccw_torture: start: 20 s\n[   50.0] vfio_ccw_torture: end: FAIL: time is up, 3 errors\n' \
	> "$tmp/torture-fail.txt"
printf '[   30.0] vfio_ccw_torture: start: 20 s\n' > "$tmp/torture-noend.txt"
expect_log kunit-pass 0 "$tmp/kunit-ok.txt" "" 0 VCCW-DONE
expect_log planted-kunit-not-ok 1 "$tmp/kunit-fail.txt" "" 0 VCCW-DONE
expect_log torture-pass 0 "$tmp/torture-pass.txt" "" 0 VCCW-DONE
expect_log planted-torture-fail 1 "$tmp/torture-fail.txt" "" 0 VCCW-DONE
expect_log planted-torture-no-end 1 "$tmp/torture-noend.txt" "" 0 VCCW-DONE

# A program skipped whole, the kselftest way (ksft_exit_skip(): "1..0 #
# SKIP why", exit code 4), and an empty plan without the directive: each
# fails the run and is reported as SKIPPED, like a skipped test.
# skip_log NAME RC TAP-LINES...: the clean log plus one more program
skip_log() {
	local name=$1 rc=$2 out
	shift 2
	out=$(make_log "$name" "" "" 0 "")
	{
		echo "VCCW-TAP-BEGIN: vfio_ccw_race_test"
		printf '%s\n' "$@"
		echo "VCCW-TAP-END: vfio_ccw_race_test rc=$rc"
		echo "VCCW-DONE"
	} >>"$out"
	echo "$out"
}
# expect_skip NAME LOG: check-log fails on LOG and says SKIPPED
expect_skip() {
	"$here/check-log.py" "$2" >"$tmp/$1.out" 2>&1
	if [ $? -eq 1 ] && grep -q "^SKIPPED " "$tmp/$1.out"; then
		result ok "check-log $1 exits 1, SKIPPED"
	else
		result no "check-log $1: want exit 1 and a SKIPPED line"
		sed 's/^/    /' "$tmp/$1.out"
	fi
}
expect_skip planted-test-skip \
	"$(make_log planted-test-skip "" "ok 3 mdev.extra # SKIP no device" 0 VCCW-DONE)"
expect_skip planted-program-skip "$(skip_log planted-program-skip 4 \
	"TAP version 13" "1..0 # SKIP driver 'intree' is not ours: hooks")"
expect_skip planted-empty-plan "$(skip_log planted-empty-plan 0 \
	"TAP version 13" "1..0")"
# The skip's exit code is not a second failure: the two tests of the
# clean log passed, the skipped program is the one failure.
if grep -qx "2 passed, 1 failed" "$tmp/planted-program-skip.out"; then
	result ok "check-log counts a program's skip once"
else
	result no "check-log counts a program's skip once"
fi

# expect_stacks NAME FRAGMENT MARKER WHAT: the clean log with FRAGMENT
# appended after it fails as a hang and its verdict shows MARKER.
expect_stacks() {
	local name=$1 out
	expect_log "$name" 1 "" "" 0 ""
	cat "$2" >> "$tmp/$name.log"
	out=$tmp/$name.stacks
	"$here/check-log.py" "$tmp/$name.log" > "$out" 2>&1
	if grep -q "$3" "$out" && grep -q "PROBLEM .*hang report" "$out"; then
		result ok "check-log prints $4"
	else
		result no "check-log prints $4"
		sed 's/^/    /' "$out"
	fi
}

# Hang reports fail the run and their stacks reach the verdict.
cat > "$tmp/hung.txt" <<'EOT'
[  130.5] INFO: task vfio_ccw_stress:91 blocked for more than 61 seconds.
[  130.5] task:vfio_ccw_stress state:D stack:0     pid:91    tgid:88
[  130.5] Call Trace:
[  130.5]  [<000000000012abcd>] wait_var_event_marker+0x1a/0x40
[  130.6] Kernel panic - not syncing: hung_task: blocked tasks
EOT
cat > "$tmp/rcu.txt" <<'EOT'
[  200.1] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:
[  200.1] rcu:  1-....: (6001 ticks this GP) idle=abc
[  200.2]  [<000000000012abcd>] spinning_loop_marker+0x10/0x20
EOT
expect_log planted-hung-task 1 "$tmp/hung.txt" "" 0 VCCW-DONE
if grep -q "wait_var_event_marker" "$tmp/planted-hung-task.out"; then
	result ok "check-log prints the hung task's stack"
else
	result no "check-log prints the hung task's stack"
fi
expect_log planted-rcu-stall 1 "$tmp/rcu.txt" "" 0 VCCW-DONE
if grep -q "spinning_loop_marker" "$tmp/planted-rcu-stall.out"; then
	result ok "check-log prints the stalled CPU's stack"
else
	result no "check-log prints the stalled CPU's stack"
fi
# A guest that went silent: run-qemu.sh's watchdog appended the vCPUs'
# stacks after the log.
{
	echo "VCCW-HOST-HANG: no console output for 420s"
	echo "VCCW-STACKS-BEGIN: vCPUs (gdb stub)"
	echo "vcpu: pswa: spinning_vcpu_marker + 16 in section .text"
	echo "VCCW-STACKS-END: vCPUs"
} > "$tmp/host-hang.txt"
expect_stacks planted-host-hang "$tmp/host-hang.txt" spinning_vcpu_marker \
	"the vCPUs' stacks of a silent guest"
# A program the guest abandoned: its stacks are in a VCCW-STACKS frame.
{
	echo "VCCW-HANG: vfio_ccw_io_test still running after 900s"
	echo "VCCW-STACKS-BEGIN: vfio_ccw_io_test"
	echo "task 77 (vfio_ccw_io_tes): State:	S (sleeping)"
	echo "[<0>] vfio_unregister_group_dev_marker+0x1/0x2"
	echo "VCCW-STACKS-END: vfio_ccw_io_test"
	echo "VCCW-FAIL: a selftest hung; devices left as they are"
} > "$tmp/abandoned.txt"
expect_stacks planted-abandoned "$tmp/abandoned.txt" \
	vfio_unregister_group_dev_marker "an abandoned program's stacks"

# bench_log NAME RC_OURS DRIVERS...: a "make bench" log
bench_log() {
	local out=$tmp/$1.log rc=$2 d
	shift 2
	{
		echo "VCCW-BOOT: driver=ours cpus=2 kernel=6.12"
		echo "VCCW-DMESG-BEGIN"
		echo "[    1.0] vfio_ccw: something harmless"
		echo "VCCW-DMESG-END"
		for d in "$@"; do
			echo "VCCW-BENCH-BEGIN: vfio_ccw_bench.$d"
			echo "# vfio_ccw_bench: driver $d, 2000 programs per case"
			echo "VCCW-BENCH: $d sense_id round=1 n=2000 ops_s=3000 mean_us=300.0 p50_us=250.0 p99_us=500.0 max_us=6000.0 pct_us=1,2,3,4,5,6,7,8,9,10,11"
			[ "$d" = ours ] && r=$rc || r=0
			echo "VCCW-BENCH-END: vfio_ccw_bench.$d rc=$r"
		done
		echo "VCCW-DONE"
	} > "$out"
	echo "$out"
}

# expect_cmd NAME want(0|1) CMD...
expect_cmd() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$tmp/$name.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		result ok "$name exits $want"
	else
		result no "$name exits $rc, want $want"
		sed 's/^/    /' "$tmp/$name.out"
	fi
}

expect_cmd "check-log bench-both" 0 "$here/check-log.py" "$(bench_log b1 0 ours intree)"
expect_cmd "check-log bench-exit-code" 1 "$here/check-log.py" "$(bench_log b2 1 ours intree)"
expect_cmd "bench-table floor-ours-intree" 0 "$here/bench-table.py" "$(bench_log b3 0 floor ours intree)"
expect_cmd "bench-table intree-missing" 1 "$here/bench-table.py" "$(bench_log b4 0 floor ours)"
expect_cmd "bench-table floor-missing" 1 "$here/bench-table.py" "$(bench_log b5 0 ours intree)"

tally_end
