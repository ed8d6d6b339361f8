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
#   STRESS_SCALE  VFIO_CCW_STRESS_SCALE of the stress test (its
#            iteration counts multiplied; default 1)
#   KSELFTEST 1: run the selftests with the kernel's run_kselftest.sh
#            (the built-in flavour's initramfs has them in /kselftest)
#   BENCH    1: run the benchmarks against the floor module and both
#            drivers instead of the selftests (BENCH_ITERS programs per
#            case, BENCH_ROUNDS rounds); four test subchannels and, unless
#            SMP says otherwise, four vCPUs (the scaling case);
#            BENCH_CASES: only the cases whose names start so (comma
#            list); BENCH_TRACE=1: the raw trace of round 1's scale runs;
#            BENCH_EXTRA_ROUNDS=N: the scale case on fewer vCPUs and over
#            processes only in the first N rounds
#   GUEST_APPEND  more kernel command line options for the guest
#   SILENCE  seconds without console output before the guest counts as
#            hung (default 420): every vCPU's stack is read with
#            gdb-multiarch, QEMU's own threads with gdb, then QEMU is
#            killed; the stacks end the log after a VCCW-HOST-HANG line
#   NESTED   ours[,intree]: the nested stage instead of the selftests
#            (needs INITRD from scripts/nested-initramfs.sh, MEM 3072)
#   KERNEL   the bzImage to boot (default: the flavour's build)

set -euo pipefail
. "$(dirname "$0")/lib.sh"

shell=0
if [ "${1:-}" = --shell ]; then
	shell=1
	shift
fi
log=${1:?usage: run-qemu.sh [--shell] LOG}
kdir=$(kernel_build_dir)
initrd=${INITRD:-$TOP/build/initramfs-$KCONFIG.cpio}
kernel=${KERNEL:-$kdir/arch/s390/boot/bzImage}
for f in "$kernel" "$initrd"; do
	[ -f "$f" ] || { echo "run-qemu: $f missing; run make" >&2; exit 1; }
done

# A CPU stall or a stuck work item panics like a hung task does
# (scripts/kernel.config): the run ends with the stacks, in minutes.
# nokaslr: the kernel runs where vmlinux says, so the silence watchdog's
# gdb names the functions the vCPUs are in.
append="console=ttysclp0 loglevel=4 panic=-1 nokaslr vccw.driver=${DRIVER:-ours}"
append="$append sysctl.kernel.panic_on_rcu_stall=1"
append="$append workqueue.watchdog_thresh=60 workqueue.panic_on_stall=1"
[ -n "${TESTS:-}" ] && append="$append vccw.tests=$TESTS"
[ "$shell" = 1 ] && append="$append vccw.shell=1"
[ "${BENCH:-0}" = 1 ] && append="$append vccw.bench=1"
[ "${KSELFTEST:-0}" = 1 ] && append="$append vccw.kselftest=1"
[ -n "${STRESS_SCALE:-}" ] && append="$append vccw.stress_scale=$STRESS_SCALE"
[ -n "${BENCH_ITERS:-}" ] && append="$append vccw.bench_iters=$BENCH_ITERS"
[ -n "${BENCH_CASES:-}" ] && append="$append vccw.bench_cases=$BENCH_CASES"
[ "${BENCH_TRACE:-0}" = 1 ] && append="$append vccw.bench_trace=1"
# The scale case again with no more vCPUs online than the host has cores.
[ "${BENCH:-0}" = 1 ] && append="$append vccw.host_cpus=$(nproc)"
[ -n "${BENCH_EXTRA_ROUNDS:-}" ] &&
	append="$append vccw.bench_extra_rounds=$BENCH_EXTRA_ROUNDS"
# More guest options, e.g. "vccw.torture_secs=10 vccw.torture_break=1"
[ -n "${GUEST_APPEND:-}" ] && append="$append $GUEST_APPEND"
[ -n "${NESTED:-}" ] && append="$append vccw.nested=$NESTED"
[ -n "${BENCH_ROUNDS:-}" ] && append="$append vccw.bench_rounds=$BENCH_ROUNDS"
[ "${BENCH:-0}" = 1 ] && SMP=${SMP:-4}

# The gdb stub lets the silence watchdog below read the vCPUs' stacks.
gdbport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
qemu=(qemu-system-s390x -M s390-ccw-virtio -accel tcg,thread=multi
	-gdb "tcp:127.0.0.1:$gdbport"
	-smp "${SMP:-2}" -m "${MEM:-1024}" -nographic -no-reboot
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-device virtio-rng-ccw,devno=fe.0.0100
	-device virtio-rng-ccw,devno=fe.0.0101)
if [ "${BENCH:-0}" = 1 ]; then
	qemu+=(-device virtio-rng-ccw,devno=fe.0.0102
		-device virtio-rng-ccw,devno=fe.0.0103)
fi

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

# A guest that stops printing: the guest's own detectors (hung task, RCU
# stall, workqueue lockup, the per-program bound of guest-init.sh, whose
# runner also prints a VCCW-ALIVE line every minute) did not fire, so the
# kernel spins with interrupts off or QEMU itself is stuck. Read where
# every vCPU is (the gdb stub, with the build's vmlinux) and where QEMU's
# threads are, then kill QEMU.
hang=$log.host-hang
rm -f "$hang"
qemu_pid() {
	pgrep -f -- "^qemu-system-s390x .*-gdb tcp:127.0.0.1:$gdbport" | head -1
}
# add-symbol-file lines for the modules the guest loaded last
# (VCCW-MODULE: name driver .text-address).
module_symbols() {
	local name drv addr ko
	grep "^VCCW-MODULE: " "$log" 2>/dev/null | tail -2 |
	while read -r _ name drv addr; do
		case "$name/$drv" in
		mdev/*) ko=$kdir/drivers/vfio/mdev/mdev.ko ;;
		vfio_ccw/ours) ko=${VCCW_KO:-$TOP/driver/vfio_ccw.ko} ;;
		vfio_ccw/intree) ko=$kdir/drivers/s390/cio/vfio_ccw.ko ;;
		*) continue ;;
		esac
		[ -f "$ko" ] && echo "add-symbol-file $ko $addr"
	done
}
# Each vCPU's PSW address and return register, then its kernel stack by
# the s390 back chain (-mbackchain -mpacked-stack, as
# arch/s390/kernel/unwind_bc.c walks it: struct stack_frame has the
# caller's frame at offset 152 and that frame has r14 at offset 136; a
# frame whose back chain is 0 has a struct pt_regs right above it, and
# a kernel-mode one is followed to the interrupted context: the PSW
# address at offset 16, r15 at offset 144),
# named with the build's vmlinux at the address the guest printed
# (VCCW-KTEXT). Without DWARF, gdb's own "bt" cannot unwind it.
vcpu_stacks() {
	local ktext link off script
	ktext=$(sed -n 's/^VCCW-KTEXT: \([0-9a-f]*\).*/\1/p' "$log" | head -1)
	link=$(nm "$kdir/vmlinux" 2>/dev/null | sed -n 's/^\([0-9a-f]*\) T _text$/\1/p')
	off=0
	[ -n "$ktext" ] && [ -n "$link" ] && off=$((16#$ktext - 16#$link))
	script=$(mktemp)
	cat > "$script" <<-EOF
	set pagination off
	set confirm off
	add-symbol-file $kdir/vmlinux -o $(printf '%#x' "$off")
	$(module_symbols)
	target remote 127.0.0.1:$gdbport
	info threads
	define vccw_chain
	  printf "pswa: "
	  info symbol \$pc
	  printf "r14:  "
	  info symbol \$r14
	  set \$f = (unsigned long)\$r15
	  set \$n = 0
	  while \$n < 40
	    set \$p = \$f
	    set \$f = *(unsigned long *)(\$f + 152UL)
	    if \$f == 0
	      set \$regs = \$p + 160UL
	      if (*(unsigned long *)(\$regs + 8UL) & 0x0001000000000000UL) != 0
	        loop_break
	      end
	      set \$ip = *(unsigned long *)(\$regs + 16UL)
	      set \$f = *(unsigned long *)(\$regs + 144UL)
	      if \$ip == 0 || \$f == 0
	        loop_break
	      end
	      printf "  -- interrupted at %016lx ", \$ip
	      info symbol \$ip
	    else
	      set \$ret = *(unsigned long *)(\$f + 136UL)
	      printf "  %016lx ", \$ret
	      info symbol \$ret
	    end
	    set \$n = \$n + 1
	  end
	end
	thread apply all -c vccw_chain
	detach
	EOF
	timeout 120 gdb-multiarch -q -batch -nx -x "$script" 2>&1 |
		grep -v -e "^Python Exception" -e "No executable has been" \
			-e "determining executable automatically" |
		sed 's/^/vcpu: /'
	rm -f "$script"
}
read_stacks() {
	local pid=$1
	echo "VCCW-HOST-HANG: no console output for $2s"
	echo "VCCW-STACKS-BEGIN: vCPUs (gdb stub)"
	vcpu_stacks
	echo "VCCW-STACKS-END: vCPUs"
	echo "VCCW-STACKS-BEGIN: qemu threads (pid $pid)"
	timeout 120 gdb -q -batch -nx -p "$pid" \
		-ex "set pagination off" -ex "thread apply all bt 25" \
		2>&1 | grep -v "^\[New LWP" | sed 's/^/qemu: /'
	echo "VCCW-STACKS-END: qemu threads"
}
watch_silence() {
	local size=0 now quiet=0 pid limit
	while sleep 10; do
		pid=$(qemu_pid)
		[ -n "$pid" ] || continue
		now=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [ "$now" != "$size" ]; then
			size=$now
			quiet=0
			continue
		fi
		quiet=$((quiet + 10))
		# The boot prints nothing at loglevel=4 until the init runs.
		limit=${SILENCE:-420}
		grep -q "VCCW-" "$log" 2>/dev/null || limit=$((limit * 2))
		if [ "$quiet" -ge "$limit" ]; then
			read_stacks "$pid" "$quiet" > "$hang.tmp" 2>&1
			mv "$hang.tmp" "$hang"
			kill "$pid" 2>/dev/null
			return 0
		fi
	done
}
watch_silence &
watcher=$!
start=$(date +%s)
rc=0
timeout --foreground -k 10 "${TIMEOUT:-1800}" "${qemu[@]}" </dev/null \
	2>&1 | tee "$log" | sed -u 's/\r$//' || rc=$?
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
if [ -f "$hang" ]; then
	cat "$hang" | tee -a "$log"
	rm -f "$hang"
fi
echo "run-qemu: qemu exited after $(( $(date +%s) - start ))s"
exit 0
