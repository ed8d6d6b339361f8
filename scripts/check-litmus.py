#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-litmus.py: lkmm/ controls are their base tests plus marked mutations.

herd7 only says whether a test's "exists" clause can hold.  It does not
notice a control that has drifted from the protocol test it is meant to
break (the base was fixed, the control was not), nor an "exists" or
"filter" that reads a register the test never declares or assigns (herd7
takes it as 0, silently).  This script checks, without herd7:

  1. Every lkmm/ctrl-*.litmus names its base in its header comment,
     " * Base: <test>", and that test exists and is a protocol test
     (not a ctrl-*).

  2. A control that models the driver (it has "MODELS <function>" lines)
     is a *mutation* of its base: below the header comment it is the base
     line for line, except for lines that carry a mutation tag:

       /* mutation */ or /* mutation: why */   anywhere above the
                                               filter/exists lines
       (* mutation *) or (* mutation: why *)   at the end of a changed
                                               filter or exists line
       /* MODELS <function> WEAKENED */        an ordering control
                                               (check-orderings.py checks
                                               those lines further)

     A line of the base that the control drops is replaced, in its place,
     by a tagged comment line (e.g. "/* mutation: no flush_work() */"),
     so a removal is as visible as a change.  Any untagged line that is
     added, changed or dropped is drift and fails.  (herd7 cuts a test
     at the first word "filter" or "exists", even inside a C comment, so
     a comment above those lines must not contain either word.)

     A control that models another driver altogether (Linux 6.12, the
     2019 RFC) shares no code with its base and has no MODELS line; it
     must say so in a " * Scheme: <what it models>" header line and is
     not diffed.  A Scheme: control with a MODELS line fails: whatever
     models our driver must be a mutation.

  3. In every test, every register the "exists" or "filter" clause reads
     (N:reg) is declared ("int reg;") in process PN and assigned there,
     every shared location it names is a parameter of some process or
     set in the initial state, and every register assigned in a process
     is declared in it.

Usage:
  check-litmus.py [--lkmm DIR] [-q]
  check-litmus.py --selftest   plant drifts in temporary copies, check
                               that each is caught

Exit status: 0 all good, 1 problems (printed), 2 usage error.
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plant  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEF_LKMM = os.path.join(TOP, "lkmm")

TAG_RE = re.compile(r"/\*\s*mutation\b.*?\*/|\(\*\s*mutation\b.*?\*\)"
                    r"|/\*\s*MODELS\s+\w+\s+WEAKENED\s*\*/")


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def split_test(text):
    """(header comment, rest): the first (* ... *) block after 'C name'."""
    m = re.search(r"\n\(\*(.*?)\*\)\n", text, flags=re.S)
    if not m:
        return "", text
    return m.group(1), text[m.end():]


def processes(rest):
    """{N: (params, body)} for every 'PN(...) { ... }' of the test."""
    procs = {}
    code = strip_c_comments(rest)
    for m in re.finditer(r"^P(\d+)\s*\(([^)]*)\)\s*\{", code, flags=re.M):
        depth, i = 1, m.end()
        while depth and i < len(code):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        params = set(re.findall(r"\*\s*(\w+)\s*(?:,|$)", m.group(2)))
        procs[int(m.group(1))] = (params, code[m.end():i - 1])
    return procs


def condition(rest):
    """The text of the filter and exists clauses (after the last process)."""
    code = re.sub(r"\(\*.*?\*\)", " ", strip_c_comments(rest), flags=re.S)
    m = re.search(r"^(?:filter|exists|forall|~exists|locations)\b", code,
                  flags=re.M)
    return code[m.start():] if m else ""


def init_locations(rest):
    m = re.match(r"\s*\{(.*?)\}", strip_c_comments(rest), flags=re.S)
    if not m:
        return set()
    return set(re.findall(r"(?:^|[;\s])(\w+)\s*=", m.group(1)))


def check_registers(rel, rest, probs):
    procs = processes(rest)
    if not procs:
        probs.append(f"{rel}: no processes found")
        return
    shared = set(init_locations(rest))
    for n, (params, body) in sorted(procs.items()):
        shared |= params
        declared = set()
        for d in re.findall(r"^\s*int\s+([\w\s,]+);", body, flags=re.M):
            declared |= {x.strip() for x in d.split(",")}
        for reg in sorted(set(re.findall(r"(?<![\w*])(\w+)\s*=(?!=)", body))):
            if reg not in declared and reg not in params:
                probs.append(f"{rel}: P{n} assigns '{reg}', which it never "
                             f"declares (int {reg};)")
    cond = condition(rest)
    if not re.search(r"^exists\b", cond, flags=re.M):
        probs.append(f"{rel}: no exists clause")
    for n, reg in sorted(set(re.findall(r"\b(\d+):(\w+)", cond))):
        n = int(n)
        if n not in procs:
            probs.append(f"{rel}: the condition reads {n}:{reg}, but there "
                         f"is no P{n}")
            continue
        params, body = procs[n]
        if not re.search(r"^\s*int\s+[\w\s,]*\b%s\b[\w\s,]*;" % re.escape(reg),
                         body, flags=re.M):
            probs.append(f"{rel}: the condition reads {n}:{reg}, which P{n} "
                         f"never declares")
        elif not re.search(r"(?<![\w*])%s\s*=(?!=)" % re.escape(reg), body):
            probs.append(f"{rel}: the condition reads {n}:{reg}, which P{n} "
                         f"never assigns (herd7 would take it as 0)")
    no_regs = re.sub(r"\b\d+:\w+", " ", cond)
    for loc in sorted(set(re.findall(r"\b([A-Za-z_]\w*)\s*=", no_regs))):
        if loc not in shared:
            probs.append(f"{rel}: the condition names location '{loc}', "
                         f"which no process takes and the initial state "
                         f"does not set")


def check_control(rel, t, tests, probs):
    base_name = t["base"]
    if not base_name:
        probs.append(f"{rel}: a control must name its base test in a "
                     f"' * Base: <test>' header line")
        return
    if base_name.startswith("ctrl-"):
        probs.append(f"{rel}: Base: {base_name} is a control, not a "
                     f"protocol test")
        return
    base = tests.get(base_name)
    if base is None:
        probs.append(f"{rel}: Base: {base_name} does not exist")
        return
    has_models = re.search(r"MODELS\s+\w+", t["rest"]) is not None
    if t["scheme"]:
        if has_models:
            probs.append(f"{rel}: a Scheme: control may not model our "
                         f"driver (it has MODELS lines): make it a "
                         f"mutation of {base_name}")
        return
    if not has_models:
        probs.append(f"{rel}: models no driver function (no MODELS line) "
                     f"and has no ' * Scheme: ...' line saying what it "
                     f"models instead")
    a = [line.rstrip() for line in base["rest"].splitlines()]
    b = [line.rstrip() for line in t["rest"].splitlines()]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    tagged = 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if op == "delete":
            for i in range(i1, i2):
                probs.append(f"{rel}: drifted from {base_name}: the "
                             f"base's line '{a[i].strip()}' is missing, and "
                             f"no /* mutation: ... */ line stands in its "
                             f"place")
            continue
        for j in range(j1, j2):
            if TAG_RE.search(b[j]):
                tagged += 1
                continue
            was = ("'" + a[i1].strip() + "'") if op == "replace" else \
                "(nothing)"
            probs.append(f"{rel}: drifted from {base_name}: line "
                         f"'{b[j].strip()}' (base: {was}) is not marked "
                         f"/* mutation */")
    if tagged == 0:
        probs.append(f"{rel}: is {base_name} without a single marked "
                     f"mutation")


def parse(path):
    text = open(path, encoding="utf-8").read()
    header, rest = split_test(text)
    base = re.search(r"^\s*\*?\s*Base:\s*(\S+)", header, flags=re.M)
    scheme = re.search(r"^\s*\*?\s*Scheme:\s*\S", header, flags=re.M)
    return {"header": header, "rest": rest,
            "base": base.group(1) if base else None,
            "scheme": bool(scheme)}


def check(lkmm_dir, quiet=False):
    probs = []
    try:
        files = sorted(f for f in os.listdir(lkmm_dir)
                       if f.endswith(".litmus"))
    except OSError as e:
        print(f"check-litmus: {lkmm_dir}: {e}")
        return 1
    tests = {f[:-len(".litmus")]: parse(os.path.join(lkmm_dir, f))
             for f in files}
    nctrl = nmut = 0
    for stem, t in sorted(tests.items()):
        rel = os.path.join(os.path.basename(lkmm_dir), stem + ".litmus")
        check_registers(rel, t["rest"], probs)
        if stem.startswith("ctrl-"):
            nctrl += 1
            nmut += not t["scheme"]
            check_control(rel, t, tests, probs)
        else:
            for n, line in enumerate(t["rest"].splitlines(), 1):
                if re.search(r"/\*\s*mutation\b|\(\*\s*mutation\b", line):
                    probs.append(f"{rel}: a protocol test carries a "
                                 f"mutation tag: '{line.strip()}'")
    for p in probs:
        print("check-litmus: " + p)
    if probs:
        print(f"check-litmus: FAILED: {len(probs)} problem(s)")
        return 1
    if not quiet:
        print(f"check-litmus: ok: {len(tests)} tests, registers declared and "
              f"assigned; {nmut} of {nctrl} controls are their base plus "
              f"marked mutations, {nctrl - nmut} model another scheme")
    return 0


def selftest():
    """Plant drifts in temporary copies of lkmm/; each must be caught."""
    tmp = tempfile.mkdtemp(prefix="check-litmus.")
    lk = os.path.join(tmp, "lkmm")
    try:
        def fresh():
            if os.path.isdir(lk):
                shutil.rmtree(lk)
            shutil.copytree(DEF_LKMM, lk)

        def edit(name, old, new):
            path = os.path.join(lk, name + ".litmus")
            text = open(path, encoding="utf-8").read()
            if old not in text:
                raise SystemExit(f"selftest: cannot find {old!r} in {name}")
            open(path, "w", encoding="utf-8").write(text.replace(old, new, 1))

        def run():
            out = subprocess.run([sys.executable, os.path.abspath(__file__),
                                  "--lkmm", lk], capture_output=True,
                                 text=True)
            return out.returncode, out.stdout + out.stderr

        fresh()
        rc, out = run()
        if rc != 0:
            print("selftest: the unmodified copy does not pass:\n" + out)
            return 1
        print("selftest: unmodified copy passes")
        u = "P4-update-scsw-vs-retire"
        c = "ctrl-retire-without-flush"
        mutations = [
            ("the base is fixed, its control is not (P4-update-scsw-vs-retire"
             " gets a new line)",
             lambda: edit(u, "\tint d;\n\tint s;\n",
                          "\tint d;\n\tint s;\n\tint e;\n"),
             f"{c}.litmus: drifted from {u}"),
            ("the control loses a declaration (the original drift: "
             "P0's 'int d;' of ctrl-retire-without-flush)",
             lambda: edit(c, "\tint d;\n\tint s;\n", "\tint s;\n"),
             "P0 assigns 'd', which it never declares"),
            ("the control changes an unmarked line",
             lambda: edit(c, "\t\t\t*slot0 = 3;\n", "\t\t\t*slot0 = 1;\n"),
             f"{c}.litmus: drifted from {u}: line '*slot0 = 1;'"),
            ("the control drops a base line without a tagged line in its "
             "place",
             lambda: edit(c, "\t\t/* mutation: no flush_work(): R does not "
                          "wait for Q */\n", ""),
             f"{c}.litmus: drifted from {u}: the base's line"),
            ("an exists clause reads a register its process never assigns",
             lambda: edit("P4-work-vs-retire", "exists (",
                          "exists (0:z=1 \\/ "),
             "reads 0:z, which P0 never declares"),
            ("an exists clause reads a declared register nobody assigns",
             lambda: edit("P4-work-vs-retire", "\tint c;\n",
                          "\tint c;\n\tint z;\n") or
             edit("P4-work-vs-retire", "exists (", "exists (0:z=1 \\/ "),
             "reads 0:z, which P0 never assigns"),
            ("a control without a Base: line",
             lambda: edit(c, " * Base: " + u + "\n", ""),
             "must name its base test"),
            ("a Scheme: control that models our driver",
             lambda: edit(c, " * Base: " + u + "\n",
                          " * Base: " + u + "\n * Scheme: none\n"),
             "a Scheme: control may not model our driver"),
            ("a mutation tag in a protocol test",
             lambda: edit(u, "\t\t*tail = 1;\n",
                          "\t\t*tail = 1; /* mutation */\n"),
             "a protocol test carries a mutation tag"),
        ]
        return plant.caught_all(mutations, fresh, run, "check-litmus: ")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lkmm", default=DEF_LKMM)
    ap.add_argument("--selftest", action="store_true",
                    help="plant drifts in temporary copies, check each is "
                         "caught")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    return check(os.path.abspath(a.lkmm), a.quiet)


if __name__ == "__main__":
    sys.exit(main())
