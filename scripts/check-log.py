#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a guest console log written by scripts/run-qemu.sh.

The run fails on: a VCCW-FAIL line from the guest init; a selftest whose
TAP has no plan, a "not ok", a skip, fewer results than planned or a
non-zero exit code; a missing VCCW-DONE (guest timeout or crash); any
oops, BUG, WARNING, panic, hung task, RCU stall or workqueue lockup in
the kernel log, or a selftest program the guest had to abandon
(VCCW-HANG); a KUnit case "not ok" in the kernel log; an ownership
torture run without its "end: PASS" line; any KCSAN report the
classifier (kcsan_classify.py) attributes to the driver. Foreign KCSAN
reports are counted and printed.

A skip is what the kselftest harness prints: "ok N name # SKIP why" for
one test (SKIP()), "1..0 # SKIP why" with exit code KSFT_SKIP (4) for a
whole program (ksft_exit_skip()). Either is a test that did not run, so
it is printed as SKIPPED and counted as failed; so is an empty plan
("1..0") without the directive, which ran nothing either.

A benchmark run (make bench) has VCCW-BENCH-BEGIN/END frames instead of
TAP: each program must have exited 0 and printed its figures.

Prints one line per test case and a closing "N passed, N failed".
Usage: check-log.py LOG [--expect-tests a,b,...]
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kcsan_classify  # noqa: E402

KERNEL_BAD = re.compile(
    r"(Oops|Kernel panic|kernel BUG at|BUG: (?!KCSAN)|WARNING: |"
    r"Unable to handle kernel|cut here|INFO: task .* blocked|"
    r"general protection fault|Call Trace:|Krnl PSW|"
    r"rcu: INFO: .*detected.*stall|detected stalls on CPUs|"
    r"hung_task: blocked tasks)")
# Where a hang shows itself; each report is printed with the lines after it.
HANG = re.compile(
    r"(INFO: task \S+ blocked for more than|rcu: INFO: .*detected.*stall|"
    r"BUG: workqueue lockup|VCCW-HANG: |VCCW-HOST-HANG: |VCCW-STACKS-BEGIN: )")
HANG_CONTEXT = 60
# KUnit prints every case's result to the kernel log as KTAP: a failing
# case of any suite fails the run even if its TAP frame went missing.
KUNIT_NOT_OK = re.compile(r"^\s*not ok \d+ ")
# The ownership torture test (driver/vfio_ccw_torture.c): a run that
# started must end with "end: PASS".
TORTURE_START = "vfio_ccw_torture: start:"
TORTURE_END = re.compile(r"vfio_ccw_torture: end: (PASS|FAIL)\b.*")
TAP_RESULT = re.compile(r"^(not ok|ok) (\d+)( - )?\s*(.*?)(\s+#\s*(\w+).*)?$")
TAP_PLAN = re.compile(r"^1\.\.(\d+)(\s*#\s*SKIP\b\s*(.*))?", re.I)
KSFT_SKIP = 4


def section(lines, begin, end):
    """Lines between the first begin marker and the end marker."""
    out, inside = [], False
    for line in lines:
        if line.startswith(begin):
            inside = True
            continue
        if inside and line.startswith(end):
            return out
        if inside:
            out.append(line)
    return out if inside else None


def framed_blocks(lines, kind):
    """{name: (lines, rc)} from VCCW-<kind>-BEGIN/END frames."""
    begin, end = f"VCCW-{kind}-BEGIN: ", f"VCCW-{kind}-END: "
    blocks, name, cur = {}, None, []
    for line in lines:
        if line.startswith(begin):
            name, cur = line.split(": ", 1)[1].strip(), []
        elif line.startswith(end) and name:
            m = re.search(r"rc=(\d*)", line)
            rc = int(m.group(1)) if m and m.group(1) else None
            blocks[name] = (cur, rc)
            name = None
        elif name:
            cur.append(line)
    return blocks


def judge_bench(name, lines, rc):
    """A benchmark run passes when it exited 0 and printed figures."""
    figures = [x for x in lines if x.startswith("VCCW-BENCH: ")]
    if rc == 0 and figures:
        print(f"ok      bench {name}: {len(figures)} figures")
        return True
    print(f"FAILED  bench {name}: exit code {rc}, {len(figures)} figures")
    for x in lines[-5:]:
        print("        " + x)
    return False


def judge_tap(name, lines, rc):
    """Return (passed, failed, problems) for one selftest program."""
    passed, failed, problems = 0, 0, []
    plan = None
    seen = skipped = 0
    for line in lines:
        s = line.strip()
        m = TAP_PLAN.match(s)
        if m and plan is None:
            plan = int(m.group(1))
            if plan == 0:
                # ksft_exit_skip(): the whole program did not run
                why = (m.group(3) or "").strip() or "empty plan"
                print(f"SKIPPED {name}: {why}")
                failed += 1
                skipped += 1
            continue
        m = TAP_RESULT.match(s)
        if not m:
            continue
        seen += 1
        directive = (m.group(6) or "").upper()
        desc = m.group(4)
        if m.group(1) == "ok" and directive not in ("SKIP", "TODO", "XFAIL"):
            passed += 1
            print(f"ok      {name}: {desc}")
        elif m.group(1) == "ok" and directive == "SKIP":
            failed += 1
            skipped += 1
            why = re.sub(r"^#\s*SKIP\s*", "", m.group(5).strip(), flags=re.I)
            print(f"SKIPPED {name}: {desc} ({why or 'no reason'})")
        else:
            failed += 1
            why = directive or "not ok"
            print(f"FAILED  {name}: {desc} ({why})")
    if plan is None:
        problems.append(f"{name}: no TAP plan")
    elif seen != plan:
        problems.append(f"{name}: planned {plan}, saw {seen}")
    # KSFT_SKIP is the exit code of a skip, counted above already.
    if rc != 0 and not (rc == KSFT_SKIP and skipped):
        problems.append(f"{name}: exit code {rc}")
    return passed, failed, problems


def hang_reports(lines):
    """Each hang report with the stacks that follow it, for the verdict:
    the guest's VCCW-STACKS frame whole, a kernel report with the next
    HANG_CONTEXT lines (up to the next VCCW- marker)."""
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not HANG.search(line):
            i += 1
            continue
        if line.startswith(("VCCW-HANG: ", "VCCW-HOST-HANG: ")):
            block = [line]
        elif line.startswith("VCCW-STACKS-BEGIN: "):
            block = [line]
            for x in lines[i + 1:]:
                block.append(x)
                if x.startswith("VCCW-STACKS-END"):
                    break
        else:
            block = [line]
            for x in lines[i + 1:i + HANG_CONTEXT]:
                if x.startswith("VCCW-"):
                    break
                block.append(x)
        out.append(block)
        i += len(block)
    return out


def main(argv):
    if len(argv) < 2:
        print("usage: check-log.py LOG [--expect-tests a,b]", file=sys.stderr)
        return 2
    expect = []
    if len(argv) > 3 and argv[2] == "--expect-tests":
        expect = [t for t in argv[3].split(",") if t]
    with open(argv[1], errors="replace") as f:
        raw = f.read()
    lines = [kcsan_classify.strip_line(x) for x in raw.splitlines()]
    problems = []

    for line in lines:
        if line.startswith("VCCW-FAIL:"):
            problems.append("guest: " + line)
    if "VCCW-DONE" not in lines:
        problems.append("guest did not finish (timeout, hang or crash)")

    # Kernel messages: the clean dmesg copy when the guest got that far,
    # else whatever reached the console.
    kernel = section(lines, "VCCW-DMESG-BEGIN", "VCCW-DMESG-END")
    if kernel is None:
        kernel = [x for x in lines if not x.startswith("VCCW-")]
    text = "\n".join(kernel)
    for line in kernel:
        if KERNEL_BAD.search(line):
            problems.append("kernel: " + line.strip())
    for line in kernel:
        if KUNIT_NOT_OK.match(line):
            problems.append("KUnit: " + line.strip())
    if any(TORTURE_START in x for x in kernel):
        ends = [m.group(0) for m in map(TORTURE_END.search, kernel) if m]
        if not ends:
            problems.append("torture: started, no end line")
        for e in ends:
            print("torture " + e)
            if " end: PASS" not in e:
                problems.append("torture: " + e)
    verdicts = kcsan_classify.classify_log(text)
    ndriver = sum(1 for v, _ in verdicts if v == "driver")
    for v, title in verdicts:
        print(f"kcsan {v}: {title}")
        if v == "driver":
            problems.append("KCSAN report in driver code: " + title)
    print(f"kcsan: {ndriver} driver, {len(verdicts) - ndriver} foreign")

    passed = failed = 0
    blocks = framed_blocks(lines, "TAP")
    benches = framed_blocks(lines, "BENCH")
    for name in expect:
        if name not in blocks and name not in benches:
            problems.append(f"{name}: selftest did not report")
    if not blocks and not benches:
        problems.append("no selftest output")
    for name, (out, rc) in sorted(benches.items()):
        if judge_bench(name, out, rc):
            passed += 1
        else:
            failed += 1
    for name, (tap, rc) in sorted(blocks.items()):
        p, fl, pr = judge_tap(name, tap, rc)
        passed += p
        failed += fl
        problems += pr

    hangs = hang_reports(lines)
    for block in hangs:
        print("HANG    " + block[0].strip())
        for x in block[1:]:
            print("        " + x.rstrip())
    if hangs:
        problems.append(f"{len(hangs)} hang report(s), stacks above")

    for p in problems:
        print("PROBLEM " + p)
    print(f"{passed} passed, {failed + len(problems)} failed")
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
