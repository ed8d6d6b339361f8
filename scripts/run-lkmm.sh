#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-lkmm.sh [test.litmus ...]: "make lkmm". Runs herd7 with the Linux
# kernel memory model of the cached kernel tree (scripts/kdir.sh src,
# tools/memory-model) over lkmm/*.litmus, as that tree's
# scripts/checklitmus.sh does: from inside tools/memory-model, with
# "-conf linux-kernel.cfg". Each test is judged against its own
# " * Result: <Always|Sometimes|Never> [DATARACE]" line, strictly:
#
#  - the Observation must be exactly the expected one, and "Flag data-race"
#    must be printed exactly when the Result line says DATARACE (the
#    kernel's judgelitmus.sh forgives a wrong outcome when a race is
#    flagged; a proof suite must not);
#  - a protocol test (anything but ctrl-*) must expect Never without
#    DATARACE; a control (ctrl-*) must expect Sometimes or DATARACE, so
#    that it can fail;
#  - any other herd7 flag (unmatched-unlock, mixed-accesses, ...) means the
#    test itself is broken.
#
# Then scripts/check-litmus.py (every control is its "Base:" test plus
# lines marked "mutation"; every register the exists/filter clause reads
# is declared and assigned) and scripts/check-orderings.py, each with its
# --selftest, one line each.
# Prints one line per test and "N passed, N failed"; exits 1 on any
# failure, 3 if herd7 is missing, 4 if the kernel's LKMM files are.
#
# Environment: HERD7 (herd7 binary), LKMM_TIMEOUT (per test, default
# 600s), LKMM_JOBS (parallel herd7 runs, default nproc), LKMM_KEEP=dir
# (keep each herd7 output there).

set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1

herd=${HERD7:-$(command -v herd7 || true)}
if [ -z "$herd" ] || [ ! -x "$herd" ]; then
	echo "herd7 not found: build herdtools7 7.57 (or >= 7.56.1) and put" \
		"herd7 on PATH or set HERD7" >&2
	exit 3
fi
herd=$(cd "$(dirname "$herd")" && pwd)/$(basename "$herd")

ksrc=$(scripts/kdir.sh src 2>/dev/null) || ksrc=
mm=$ksrc/tools/memory-model
if [ -z "$ksrc" ] || [ ! -f "$mm/linux-kernel.cfg" ]; then
	echo "lkmm: the kernel's memory model is not there ($mm/linux-kernel.cfg):" \
		"run 'make kernel' once to unpack the kernel source into the cache" >&2
	exit 4
fi

version=$("$herd" -version 2>/dev/null | sed -n '1s/^\([0-9][0-9.]*\).*/\1/p')
newest=$(printf '%s\n%s\n' "${version:-0}" 7.56.1 | sort -V | tail -1)
if [ "$newest" != "${version:-0}" ]; then
	echo "lkmm: warning: herd7 ${version:-(unknown version)} is older than" \
		"7.56.1; results may differ (README.md, 'LKMM proofs')" >&2
fi
echo "lkmm: herd7 ${version:-?} ($herd), model $mm"

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=("$TOP"/lkmm/*.litmus)
fi
out=${LKMM_KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${LKMM_KEEP:-}" ] || trap 'rm -rf "$out"' EXIT
timeout=${LKMM_TIMEOUT:-600}
jobs=${LKMM_JOBS:-$(nproc)}

# Run herd7 on every test, $jobs at a time; judge afterwards in order.
run_one() {
	local t=$1 o
	o=$2/$(basename "$1" .litmus).out
	(cd "$mm" && timeout "$timeout" "$herd" -conf linux-kernel.cfg "$t") \
		>"$o" 2>&1
	echo $? >"$o.rc"
}
export -f run_one
export mm herd timeout
start=$(date +%s)
# shellcheck disable=SC2016 # "$2" "$1" are the inner bash's: OUT, TEST
for t in "${tests[@]}"; do
	case "$t" in /*) ;; *) t=$TOP/$t ;; esac
	printf '%s\0' "$t"
done | xargs -0 -n 1 -P "$jobs" bash -c 'run_one "$2" "$1"' _ "$out"

. "$TOP/scripts/lib.sh"
line() {	# line ok|FAILED name text
	printf '%-6s %-38s %s\n' "$1" "$2" "$3"
	if [ "$1" = ok ]; then tally ok; else tally no; fi
}

for t in "${tests[@]}"; do
	name=$(basename "$t" .litmus)
	o=$out/$name.out
	rc=$(cat "$o.rc" 2>/dev/null || echo 255)
	res=$(grep -m1 '^[( ]\* Result: ' "$t" 2>/dev/null)
	expect=$(awk '{ print $3 }' <<<"$res")
	race_expected=
	grep -q '^[( ]\* Result: .*DATARACE' "$t" && race_expected=1
	obs=$(awk '/^Observation /{ print $3; exit }' "$o" 2>/dev/null)
	secs=$(awk '/^Time /{ print $3; exit }' "$o" 2>/dev/null)
	race=
	grep -q '^Flag data-race$' "$o" && race=1
	other=$(grep '^Flag ' "$o" | grep -v '^Flag data-race$' | sed 's/^Flag //' |
		paste -sd, -)
	got="$obs${race:+ DATARACE}"
	want="$expect${race_expected:+ DATARACE}"

	if [ -z "$expect" ]; then
		line FAILED "$name" "no ' * Result: ...' line in the test"
	elif [[ $name != ctrl-* ]] && [ "$want" != Never ]; then
		line FAILED "$name" "a protocol test must expect 'Never' (says '$want')"
	elif [[ $name == ctrl-* ]] && [ "$want" = Never ]; then
		line FAILED "$name" "a control must be able to fail: expects 'Never'"
	elif [ "$rc" = 124 ]; then
		line FAILED "$name" "herd7 timed out after ${timeout}s"
	elif [ -z "$obs" ]; then
		err=$(grep -i -e error -e fatal "$o" | tail -1 | cut -c1-120)
		grep -q skip_comment "$o" &&
			err="unterminated (* comment: is there a '(*' inside the header comment?"
		line FAILED "$name" "herd7 failed (exit $rc): ${err:-no Observation}"
	elif [ -n "$other" ]; then
		line FAILED "$name" "herd7 flags '$other': the test is broken"
	elif [ "$got" != "$want" ]; then
		line FAILED "$name" "expected $want, got $got (${secs}s)"
	else
		line ok "$name" "$(printf '%-20s %7ss' "$got" "$secs")"
	fi
done

if [ $# -eq 0 ]; then
	# host_check NAME TEXT CMD...: one line; @caught@ in TEXT is the
	# number of "selftest: caught" lines CMD printed.
	host_check() {
		local name=$1 text=$2 o
		shift 2
		if o=$("$@" 2>&1); then
			line ok "$name" "${text//@caught@/$(grep -c '^selftest: caught' <<<"$o")}"
		else
			line FAILED "$name" "$(tail -1 <<<"$o")"
			echo "$o"
		fi
	}
	host_check check-litmus "controls = base + marked mutations" \
		scripts/check-litmus.py
	host_check check-litmus-selftest "@caught@ planted drifts caught" \
		scripts/check-litmus.py --selftest
	host_check check-orderings "header ORDERING = code = table = lkmm/" \
		scripts/check-orderings.py -q
	host_check check-orderings-selftest "@caught@ hand mutations caught" \
		scripts/check-orderings.py --selftest
fi

echo "lkmm: $(( $(date +%s) - start ))s with $jobs job(s)"
tally_end
