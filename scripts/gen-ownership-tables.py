#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gen-ownership-tables.py: the tables of Documentation/ownership.rst that
map each ownership transition to its litmus tests and each litmus test to
its selftests, generated from the sources so that they cannot drift.

Sources:
  - driver/vfio_ccw_own.h: the transition table of its header comment
    (from, to, parties, function) and each function's atomic primitive,
    read with scripts/check-orderings.py's parser;
  - lkmm/*.litmus: which protocol tests model each function (MODELS
    annotations), each test's Result: line, each control's Base: test;
  - lkmm/README: the claim of each test (its first sentence); every
    lkmm/*.litmus must have an entry there, in the section of its kind,
    and every entry must name an existing file;
  - selftests/*.c: a test case exercises a litmus test when its comment
    or body names it as "lkmm/<name>".

The generated text stands between the lines ".. BEGIN GENERATED: <name>"
and ".. END GENERATED: <name>" of Documentation/ownership.rst.

Usage:
  gen-ownership-tables.py            check: the document and lkmm/README
                                     match the sources (exit 1 if not)
  gen-ownership-tables.py --write    rewrite the generated blocks
  gen-ownership-tables.py --selftest plant a drift in the table and a
                                     litmus test without an index entry
                                     in temporary copies; each must fail
"""

import argparse
import difflib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_spec = importlib.util.spec_from_file_location(
    "check_orderings", os.path.join(TOP, "scripts", "check-orderings.py"))
co = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(co)

# The LKMM primitive a protocol test uses for each kind (check-orderings.py
# makes sure the tests agree with the driver).
LKMM_OF_KIND = {}
for _prim, _kind in co.LKMM.items():
    LKMM_OF_KIND.setdefault(_kind, _prim)


class Tree:
    def __init__(self, top):
        self.top = top
        self.header = os.path.join(top, "driver", "vfio_ccw_own.h")
        self.lkmm = os.path.join(top, "lkmm")
        self.readme = os.path.join(top, "lkmm", "README")
        self.selftests = os.path.join(top, "selftests")
        self.doc = os.path.join(top, "Documentation", "ownership.rst")


def transitions(tree):
    """[(from, to, parties, fn)] from the header's transition table, then
    the functions with an ORDERING line and no transition (snapshots)."""
    text = open(tree.header, encoding="utf-8").read()
    out = []
    for line in text.splitlines():
        m = re.match(r"^\s*\*\s+(\w+)\s+->\s+(\w+)\s+(\S+)\s+(\w+)\(\)\s+"
                     r"\w+\s+\w+\s*$", line)
        if m:
            out.append(m.groups())
    probs = co.Problems()
    ordering, _, body = co.parse_header(tree.header, probs)
    seen = {t[3] for t in out}
    for fn in ordering:
        if fn not in seen:
            out.append(("(snapshot)", "", "", fn))
    return out, ordering, body


def litmus_tests(tree):
    tests = {}
    for f in sorted(os.listdir(tree.lkmm)):
        if f.endswith(".litmus"):
            t = co.parse_litmus(os.path.join(tree.lkmm, f))
            text = open(t["path"], encoding="utf-8").read()
            m = re.search(r"^\s*\*?\s*Result:\s*(.+?)\s*$", text, flags=re.M)
            t["result"] = m.group(1) if m else "?"
            tests[f[:-len(".litmus")]] = t
    return tests


def readme_entries(tree, probs):
    """{name: (section, claim)} of lkmm/README, checked against lkmm/."""
    try:
        lines = open(tree.readme, encoding="utf-8").read().splitlines()
    except OSError as e:
        probs.append(f"lkmm/README: cannot read: {e}")
        return {}
    entries, section, i = {}, None, 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and re.match(r"^=+$", lines[i + 1]):
            section = "ctrl" if "CONTROL" in line.upper() else "protocol"
        m = re.match(r"^(\S+\.litmus)\s*$", line)
        if m:
            name = m.group(1)[:-len(".litmus")]
            desc = []
            i += 1
            while i < len(lines) and lines[i].startswith("\t"):
                desc.append(lines[i].strip())
                i += 1
            if not desc:
                probs.append(f"lkmm/README: {name}.litmus has no text")
            if name in entries:
                probs.append(f"lkmm/README: {name}.litmus listed twice")
            entries[name] = (section, " ".join(desc))
            continue
        i += 1
    files = {f[:-len(".litmus")] for f in os.listdir(tree.lkmm)
             if f.endswith(".litmus")}
    for name in sorted(files - set(entries)):
        probs.append(f"lkmm/README: no entry for lkmm/{name}.litmus")
    for name in sorted(set(entries) - files):
        probs.append(f"lkmm/README: entry for {name}.litmus, which is "
                     "not in lkmm/")
    for name, (sec, _) in sorted(entries.items()):
        want = "ctrl" if name.startswith("ctrl-") else "protocol"
        if name in files and sec != want:
            probs.append(f"lkmm/README: {name}.litmus is listed among the "
                         f"{'controls' if sec == 'ctrl' else 'protocol tests'}")
    return entries


def selftest_refs(tree):
    """{litmus name: [fixture.test]} from selftests/*.c."""
    refs = {}
    for f in sorted(os.listdir(tree.selftests)):
        if not f.endswith(".c"):
            continue
        text = open(os.path.join(tree.selftests, f), encoding="utf-8").read()
        # Each test case owns the text from the end of the previous one
        # (its comment, helpers it alone uses) to its closing brace.
        start = 0
        for m in re.finditer(r"^TEST(?:_F)?(?:_TIMEOUT)?\((\w+),\s*(\w+)"
                             r"[^\n]*\n\{\n(.*?)^\}$", text,
                             flags=re.M | re.S):
            region = text[start:m.end()]
            start = m.end()
            name = f"{m.group(1)}.{m.group(2)}"
            for r in sorted(set(re.findall(r"lkmm/([A-Za-z0-9][\w-]*)",
                                           region))):
                refs.setdefault(r, [])
                if name not in refs[r]:
                    refs[r].append(name)
    return refs


def lit(names):
    return ", ".join(f"``{n}``" for n in names) if names else "(none)"


def table(header, rows):
    out = [".. list-table::", "   :header-rows: 1", ""]
    for i, row in enumerate([header] + rows):
        for j, cell in enumerate(row):
            out.append(("   * - " if j == 0 else "     - ") + cell)
    return out


def gen_transitions(tree, tests):
    trans, ordering, body = transitions(tree)
    rows = []
    for frm, to, parties, fn in trans:
        kind = ordering.get(fn, "?")
        kernel = [k for k, kd in body.get(fn, []) if kd == kind]
        protocol = sorted(n for n, t in tests.items()
                          if n.startswith("P") and
                          (any(m[1] == fn and not m[2] for m in t["models"])
                           or any(h[0] == fn for h in t["header_models"])))
        weakened = sorted(n for n, t in tests.items()
                          if any(w[0] == fn for w in t["weakens"]))
        what = f"{frm} -> {to}" if to else frm
        rows.append([what, parties.replace(",", ", ") or "-",
                     f"``{fn}()``",
                     f"``{kernel[0]}``" if kernel else "?",
                     f"``{LKMM_OF_KIND.get(kind, '?')}``",
                     lit(protocol), lit(weakened)])
    return table(["transition", "by", "function", "kernel primitive",
                  "LKMM primitive", "protocol tests", "weakened in"], rows)


def gen_obligations(tree, tests, entries, refs):
    rows = []
    for name, t in sorted(tests.items()):
        if name.startswith("ctrl-"):
            continue
        controls = sorted(n for n, c in tests.items() if c["base"] == name)
        sec_claim = entries.get(name, (None, ""))[1]
        rows.append([sec_claim or "(no entry in lkmm/README)", f"``{name}``", t["result"],
                     lit(controls), lit(refs.get(name, []))])
    return table(["what it proves (lkmm/README)", "litmus test", "expected",
                  "controls (Base:)", "selftests (name it as lkmm/...)"],
                 rows)


def blocks(tree, probs):
    tests = litmus_tests(tree)
    entries = readme_entries(tree, probs)
    refs = selftest_refs(tree)
    for r in sorted(refs):
        if r not in tests:
            probs.append(f"selftests: {', '.join(refs[r])} name lkmm/{r}, "
                         "which does not exist")
    return {
        "transitions": gen_transitions(tree, tests),
        "obligations": gen_obligations(tree, tests, entries, refs),
    }


def splice(doc, gen, probs, write):
    """Return the document with each generated block replaced."""
    out = doc
    for name, lines in gen.items():
        begin = f".. BEGIN GENERATED: {name} (scripts/gen-ownership-tables.py)"
        end = f".. END GENERATED: {name}"
        m = re.search(re.escape(begin) + r"\n(.*?)" + re.escape(end),
                      out, flags=re.S)
        if not m:
            probs.append(f"ownership.rst: no block '{begin}'")
            continue
        new = "\n" + "\n".join(lines) + "\n\n"
        if m.group(1) != new and not write:
            diff = difflib.unified_diff(
                m.group(1).splitlines(), new.splitlines(),
                "ownership.rst (committed)", "generated", lineterm="", n=1)
            probs.append(f"ownership.rst: the '{name}' table differs from "
                         "the sources (run scripts/gen-ownership-tables.py "
                         "--write):\n" + "\n".join(diff))
        out = out[:m.start(1)] + new + out[m.end(1):]
    return out


def run(tree, write=False, quiet=False):
    probs = []
    gen = blocks(tree, probs)
    doc = open(tree.doc, encoding="utf-8").read()
    new = splice(doc, gen, probs, write)
    if write and new != doc:
        open(tree.doc, "w", encoding="utf-8").write(new)
        print("gen-ownership-tables: Documentation/ownership.rst rewritten")
    for p in probs:
        print("gen-ownership-tables: " + p)
    if probs:
        print(f"gen-ownership-tables: FAILED: {len(probs)} problem(s)")
        return 1
    if not quiet:
        print("gen-ownership-tables: ok: ownership.rst's tables match the "
              "sources, lkmm/README indexes every litmus test")
    return 0


def selftest():
    """Each planted drift in a temporary copy must be caught."""
    plants = {
        "a cell of the generated table changed by hand":
            lambda t: _edit(t.doc, "``P7-two-writers``", "``P7-two-writer``"),
        "a litmus test without an lkmm/README entry":
            lambda t: shutil.copy(os.path.join(t.lkmm, "P7-two-writers.litmus"),
                                  os.path.join(t.lkmm, "P8-new-test.litmus")),
        "an lkmm/README entry whose file is gone":
            lambda t: os.remove(os.path.join(t.lkmm, "ctrl-weak-submit.litmus")),
        "a new selftest that names a litmus test":
            lambda t: _append(os.path.join(t.selftests, "vfio_ccw_basic_test.c"),
                              "\n/* lkmm/P7-two-writers */\n"
                              "TEST(planted, x)\n{\n}\n"),
    }
    failed = 0
    for what, plant in plants.items():
        with tempfile.TemporaryDirectory() as tmp:
            for d in ("driver", "lkmm", "selftests", "Documentation",
                      "scripts"):
                shutil.copytree(os.path.join(TOP, d), os.path.join(tmp, d))
            t = Tree(tmp)
            plant(t)
            if _quiet_run(t):
                print(f"selftest: caught: {what}")
            else:
                print(f"selftest: NOT caught: {what}")
                failed += 1
    if failed:
        print(f"gen-ownership-tables --selftest: FAILED: {failed} drift(s) "
              "not caught")
        return 1
    print(f"gen-ownership-tables --selftest: ok: {len(plants)} drifts caught")
    return 0


def _quiet_run(tree):
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        return run(tree)


def _edit(path, old, new):
    text = open(path, encoding="utf-8").read()
    if old not in text:
        raise SystemExit(f"selftest: '{old}' not in {path}")
    open(path, "w", encoding="utf-8").write(text.replace(old, new, 1))


def _append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    return run(Tree(TOP), write=a.write)


if __name__ == "__main__":
    sys.exit(main())
