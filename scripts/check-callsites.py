#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-callsites.py: the ownership transitions are called where the proofs say.

The litmus tests in lkmm/ prove the protocol for transitions taken in a
given locking context: W publishes SUBMITTED inside the sch->lock section
of its ssch, I and R claim under sch->lock, R fences under retire_mutex.
driver/vfio_ccw_own.h states that context in "CONTEXT <function> <lock>"
lines, and each such function asserts it with lockdep_assert_held() (a
runtime check on the lockdep flavour). This script checks every call site
in driver/*.c statically:

  - each call of a CONTEXT function lies inside a section of the same
    function body that holds the lock (between its lock and unlock
    calls), or in a function that asserts the lock held itself;
  - the work item Q (vfio_ccw_io_work) never reads the ownership word: it
    frees for the claim it was handed with the IRB, and its
    vccw_cp_free() is inside "if (e.claim)".

Usage:
  check-callsites.py [--driver DIR]
  check-callsites.py --selftest   mutate temp copies, check each is caught
Exit status: 0 all call sites agree, 1 a disagreement (printed).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plant  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEF_DRIVER = os.path.join(TOP, "driver")

# How each lock named on a CONTEXT line is taken, released and asserted.
LOCKS = {
    "sch->lock": {
        "take": r"spin_lock(?:_irq|_irqsave)?\s*\(\s*&\s*(?:\w+->)*sch->lock\b",
        "drop": r"spin_unlock(?:_irq|_irqrestore)?\s*\(\s*&\s*(?:\w+->)*sch->lock\b",
        "assert": r"lockdep_assert_held\s*\(\s*&\s*(?:\w+->)*sch->lock\s*\)",
    },
    "retire_mutex": {
        "take": r"mutex_lock\s*\(\s*&\s*(?:\w+->)*retire_mutex\b",
        "drop": r"mutex_unlock\s*\(\s*&\s*(?:\w+->)*retire_mutex\b",
        "assert": r"lockdep_assert_held\s*\(\s*&\s*(?:\w+->)*retire_mutex\s*\)",
    },
}


def strip_comments(text):
    """Comments become spaces, newlines kept (line numbers stay right)."""
    return re.sub(r"/\*.*?\*/|//[^\n]*",
                  lambda m: re.sub(r"[^\n]", " ", m.group(0)), text,
                  flags=re.S)


def contexts(header):
    out = {}
    for line in open(header, encoding="utf-8"):
        m = re.match(r"^\s*\*\s*CONTEXT\s+(\w+)\s+(\S+)\s*$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def functions(code):
    """(name, body_start, body_end) of every function definition."""
    out = []
    for m in re.finditer(r"^[\w][\w \t\*]*?\b(\w+)\s*\(([^;{}]*?)\)\s*\{",
                         code, flags=re.M | re.S):
        depth, i = 1, m.end()
        while depth and i < len(code):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        out.append((m.group(1), m.end(), i - 1))
    return out


def line_of(code, pos):
    return code.count("\n", 0, pos) + 1


def check(driver_dir):
    probs = []
    ctx = contexts(os.path.join(driver_dir, "vfio_ccw_own.h"))
    if not ctx:
        probs.append("vfio_ccw_own.h: no CONTEXT lines")
    calls = 0
    for fname in sorted(os.listdir(driver_dir)):
        if not fname.endswith(".c") or fname.endswith(".mod.c"):
            continue
        path = os.path.join(driver_dir, fname)
        code = strip_comments(open(path, encoding="utf-8").read())
        for fn, start, end in functions(code):
            body = code[start:end]
            for callee, lock in ctx.items():
                pats = LOCKS.get(lock)
                if pats is None:
                    probs.append(f"CONTEXT {callee}: unknown lock '{lock}'")
                    continue
                asserted = re.search(pats["assert"], body)
                for c in re.finditer(r"\b" + callee + r"\s*\(", body):
                    calls += 1
                    before = body[:c.start()]
                    held = (len(re.findall(pats["take"], before)) -
                            len(re.findall(pats["drop"], before)))
                    if held <= 0 and not asserted:
                        probs.append(
                            f"driver/{fname}:{line_of(code, start + c.start())}:"
                            f" {fn}() calls {callee}() without holding {lock}")
            if fn == "vfio_ccw_io_work":
                if re.search(r"\bvccw_own_read\s*\(|\batomic_read\w*\s*\(\s*&"
                             r"\s*\w+->own\b", body):
                    probs.append(f"driver/{fname}: vfio_ccw_io_work() reads "
                                 "the ownership word (Q must act on the "
                                 "claim it was handed)")
                for c in re.finditer(r"\bvccw_cp_free\s*\(", body):
                    guard = re.findall(r"if\s*\(\s*e\.claim\s*\)\s*\{",
                                       body[:c.start()])
                    if not guard:
                        probs.append(
                            f"driver/{fname}:{line_of(code, start + c.start())}:"
                            " vfio_ccw_io_work() frees outside "
                            "'if (e.claim)'")
    for p in probs:
        print("check-callsites: " + p)
    if probs:
        return 1
    print(f"check-callsites: ok: {calls} calls of {len(ctx)} transitions "
          "with a locking context, and Q, agree with the proofs")
    return 0


def selftest():
    """Each mutation of a temp copy of driver/ must be caught."""
    tmp = tempfile.mkdtemp(prefix="check-callsites.")
    drv = os.path.join(tmp, "driver")

    def fresh():
        if os.path.isdir(drv):
            shutil.rmtree(drv)
        shutil.copytree(DEF_DRIVER, drv,
                        ignore=shutil.ignore_patterns("*.o", "*.ko", ".*"))

    def edit(fname, old, new):
        path = os.path.join(drv, fname)
        text = open(path).read()
        if old not in text:
            raise SystemExit(f"selftest: cannot find '{old}' in {fname}")
        open(path, "w").write(text.replace(old, new, 1))

    def move_submit_after_unlock():
        # W publishes SUBMITTED after the ssch section instead of in it.
        path = os.path.join(drv, "vfio_ccw_ops.c")
        text = open(path).read()
        call = "\t\tvccw_own_submit(&private->own, &sch->lock);\n"
        if call not in text:
            raise SystemExit("selftest: no vccw_own_submit() call")
        text = text.replace(call, "", 1)
        unlock = "\tspin_unlock_irq(&sch->lock);\n\tif (!ret)\n\t\treturn 0;"
        if unlock not in text:
            raise SystemExit("selftest: no unlock after the ssch section")
        text = text.replace(unlock, "\tspin_unlock_irq(&sch->lock);\n\tif (!ret)"
                            "\n\t\tvccw_own_submit(&private->own, &sch->lock);"
                            "\n\tif (!ret)\n\t\treturn 0;", 1)
        open(path, "w").write(text)

    def run():
        out = subprocess.run([sys.executable, os.path.abspath(__file__),
                              "--driver", drv], capture_output=True, text=True)
        return out.returncode, out.stdout + out.stderr

    mutations = [
        ("W: vccw_own_submit() after the ssch section's unlock",
         move_submit_after_unlock, "vccw_own_submit() without holding"),
        ("R: claim without sch->lock",
         lambda: edit("vfio_ccw_drv.c",
                      "\t\t\tspin_lock_irq(&sch->lock);\n\t\t\tclaimed = ",
                      "\t\t\tclaimed = "),
         "vccw_own_claim() without holding"),
        ("Q: tests the word instead of the claim it was handed",
         lambda: edit("vfio_ccw_drv.c", "if (e.claim) {",
                      "if (vccw_own_read(&private->own) == "
                      "VCCW_OWN_CLAIMED) {"),
         "reads the ownership word"),
        ("R: fence without retire_mutex",
         lambda: edit("vfio_ccw_drv.c",
                      "\tlockdep_assert_held(&private->retire_mutex);\n"
                      "\tfor (;;) {\n\t\tswitch (vccw_settle(private)) {",
                      "\tfor (;;) {\n\t\tswitch (vccw_settle(private)) {"),
         "vccw_own_fence() without holding"),
    ]
    try:
        fresh()
        rc, out = run()
        if rc:
            print("selftest: the unmodified copy does not pass:\n" + out)
            return 1
        print("selftest: unmodified copy passes")
        return plant.caught_all(mutations, fresh, run, "")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", default=DEF_DRIVER)
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    return check(os.path.abspath(a.driver))


if __name__ == "__main__":
    sys.exit(main())
