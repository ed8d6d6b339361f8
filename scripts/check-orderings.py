#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-orderings.py: the cp ownership orderings, four statements that must agree.

Every transition of the ownership word is a static inline function in
driver/vfio_ccw_own.h.  Its memory ordering is written down in four places
that must agree:

  1. the "ORDERING <function> <kind>" lines of the header comment;
  2. the transition table of the same comment ("... vccw_own_begin()
     cmpxchg acquire");
  3. the body of the function: the one atomic primitive it calls on the
     word (atomic_try_cmpxchg_acquire -> cmpxchg_acquire, ...);
  4. every litmus test in lkmm/ that models the function: the statement
     annotated "/* MODELS <function> */" (or a header line
     "Models: <function>=<primitive>") uses the LKMM primitive of the same
     kind.

A protocol test (lkmm/P*.litmus) must model each function with exactly its
ordering; every function with an ORDERING line must be modelled by at least
one protocol test.  A control (lkmm/ctrl-*.litmus) may weaken a function
only on lines marked "MODELS <function> WEAKENED", must say so in a
"Weakens: <function> <from> -> <to>" line, and, when it names a "Base:"
test and weakens, must be that test with only those lines changed.

Kinds: cmpxchg (fully ordered), cmpxchg_acquire, cmpxchg_release,
cmpxchg_relaxed, xchg, xchg_acquire, xchg_release, xchg_relaxed,
rmw_relaxed (plain atomic bit ops / atomic_inc ...), store_release,
store_once, load_acquire, load_once.

Usage:
  check-orderings.py [--header FILE] [--lkmm DIR] [-q]
  check-orderings.py --selftest     mutate temp copies, check each is caught

Exit status: 0 all agree, 1 disagreement (printed), 2 usage/parse error.
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
DEF_HEADER = os.path.join(TOP, "driver", "vfio_ccw_own.h")
DEF_LKMM = os.path.join(TOP, "lkmm")

KINDS = {
    "cmpxchg", "cmpxchg_acquire", "cmpxchg_release", "cmpxchg_relaxed",
    "xchg", "xchg_acquire", "xchg_release", "xchg_relaxed", "rmw_relaxed",
    "store_release", "store_once", "load_acquire", "load_once",
}

# Kernel primitive (as called in the driver) -> kind.  Bit operations map
# to the LKMM primitive with the same ordering (Documentation/atomic_t.txt,
# Documentation/atomic_bitops.txt): value-returning RMWs are fully ordered,
# _lock is acquire, _unlock is release, the rest are relaxed.
KERNEL = {}
for _p in ("atomic", "atomic_long", "atomic64"):
    for _sfx, _k in (("", "cmpxchg"), ("_acquire", "cmpxchg_acquire"),
                     ("_release", "cmpxchg_release"),
                     ("_relaxed", "cmpxchg_relaxed")):
        KERNEL[_p + "_cmpxchg" + _sfx] = _k
        KERNEL[_p + "_try_cmpxchg" + _sfx] = _k
        KERNEL[_p + "_xchg" + _sfx] = _k.replace("cmpxchg", "xchg")
    KERNEL[_p + "_set"] = "store_once"
    KERNEL[_p + "_set_release"] = "store_release"
    KERNEL[_p + "_read"] = "load_once"
    KERNEL[_p + "_read_acquire"] = "load_acquire"
    for _op in ("add", "sub", "inc", "dec", "and", "or", "xor", "andnot"):
        KERNEL[_p + "_" + _op] = "rmw_relaxed"
for _sfx, _k in (("", "cmpxchg"), ("_acquire", "cmpxchg_acquire"),
                 ("_release", "cmpxchg_release"),
                 ("_relaxed", "cmpxchg_relaxed")):
    KERNEL["cmpxchg" + _sfx] = _k
    KERNEL["try_cmpxchg" + _sfx] = _k
    KERNEL["xchg" + _sfx] = _k.replace("cmpxchg", "xchg")
KERNEL.update({
    "smp_store_release": "store_release",
    "smp_load_acquire": "load_acquire",
    "WRITE_ONCE": "store_once",
    "READ_ONCE": "load_once",
    "test_and_set_bit": "xchg",
    "test_and_clear_bit": "xchg",
    "test_and_change_bit": "xchg",
    "test_and_set_bit_lock": "xchg_acquire",
    "clear_bit_unlock": "store_release",
    "__clear_bit_unlock": "store_release",
    "set_bit": "rmw_relaxed",
    "clear_bit": "rmw_relaxed",
    "change_bit": "rmw_relaxed",
})

# LKMM primitive (as written in a litmus test, see linux-kernel.def) -> kind.
LKMM = {
    "cmpxchg": "cmpxchg", "cmpxchg_acquire": "cmpxchg_acquire",
    "cmpxchg_release": "cmpxchg_release", "cmpxchg_relaxed": "cmpxchg_relaxed",
    "atomic_cmpxchg": "cmpxchg", "atomic_cmpxchg_acquire": "cmpxchg_acquire",
    "atomic_cmpxchg_release": "cmpxchg_release",
    "atomic_cmpxchg_relaxed": "cmpxchg_relaxed",
    "xchg": "xchg", "xchg_acquire": "xchg_acquire",
    "xchg_release": "xchg_release", "xchg_relaxed": "xchg_relaxed",
    "atomic_xchg": "xchg", "atomic_xchg_acquire": "xchg_acquire",
    "atomic_xchg_release": "xchg_release", "atomic_xchg_relaxed": "xchg_relaxed",
    "smp_store_release": "store_release", "atomic_set_release": "store_release",
    "WRITE_ONCE": "store_once", "atomic_set": "store_once",
    "smp_load_acquire": "load_acquire", "atomic_read_acquire": "load_acquire",
    "READ_ONCE": "load_once", "atomic_read": "load_once",
    "atomic_inc": "rmw_relaxed", "atomic_dec": "rmw_relaxed",
    "atomic_add": "rmw_relaxed", "atomic_sub": "rmw_relaxed",
}

# "cmpxchg acquire" in the header's transition table -> kind.
TABLE = {
    ("cmpxchg", "acquire"): "cmpxchg_acquire",
    ("cmpxchg", "release"): "cmpxchg_release",
    ("cmpxchg", "relaxed"): "cmpxchg_relaxed",
    ("cmpxchg", "full"): "cmpxchg", ("cmpxchg", "mb"): "cmpxchg",
    ("xchg", "acquire"): "xchg_acquire", ("xchg", "release"): "xchg_release",
    ("xchg", "relaxed"): "xchg_relaxed", ("xchg", "full"): "xchg",
    ("store", "release"): "store_release", ("store", "once"): "store_once",
    ("store", "relaxed"): "store_once",
    ("load", "acquire"): "load_acquire", ("load", "once"): "load_once",
    ("load", "relaxed"): "load_once",
}


class Problems:
    def __init__(self):
        self.msgs = []

    def add(self, msg):
        self.msgs.append(msg)

    def __bool__(self):
        return bool(self.msgs)


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def parse_header(path, probs):
    """Return (ordering{fn: kind}, table{fn: kind}, body{fn: [kinds]})."""
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as e:
        probs.add(f"{path}: cannot read: {e}")
        return {}, {}, {}
    rel = os.path.relpath(path, TOP) if path.startswith(TOP) else path

    ordering = {}
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*\*?\s*ORDERING\s+(\S+)\s+(\S+)\s*$", line)
        if not m:
            continue
        fn, kind = m.groups()
        if kind not in KINDS:
            probs.add(f"{rel}:{n}: ORDERING {fn}: unknown kind '{kind}'"
                      f" (one of: {', '.join(sorted(KINDS))})")
        if fn in ordering:
            probs.add(f"{rel}:{n}: ORDERING {fn} given twice")
        ordering[fn] = kind

    table = {}
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*\*\s+\w+\s+->\s+\w+\s+\S+\s+(\w+)\(\)\s+"
                     r"(\w+)\s+(\w+)\s*$", line)
        if not m:
            continue
        fn, op, order = m.groups()
        kind = TABLE.get((op.lower(), order.lower()))
        if kind is None:
            probs.add(f"{rel}:{n}: transition table: cannot read "
                      f"'{op} {order}' for {fn}()")
            continue
        if fn in table and table[fn] != kind:
            probs.add(f"{rel}:{n}: transition table gives {fn}() both "
                      f"{table[fn]} and {kind}")
        table[fn] = kind

    body = {}
    code = strip_c_comments(text)
    for m in re.finditer(r"static\s+inline\s+[\w\s\*]*?\b(\w+)\s*\([^)]*\)\s*\{",
                         code):
        fn = m.group(1)
        depth, i = 1, m.end()
        while depth and i < len(code):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        src = code[m.end():i - 1]
        kinds = []
        for c in re.finditer(r"\b(\w+)\s*\(", src):
            k = KERNEL.get(c.group(1))
            if k:
                kinds.append((c.group(1), k))
        body[fn] = kinds
    return ordering, table, body


PRIM_RE = re.compile(r"\b(" + "|".join(sorted(LKMM, key=len, reverse=True))
                     + r")\s*\(")


def litmus_primitive(stmt):
    """The LKMM primitive a statement calls, as (name, kind), or None."""
    found = PRIM_RE.findall(strip_c_comments(stmt))
    if len(found) != 1:
        return None
    return found[0], LKMM[found[0]]


def parse_litmus(path):
    """Return dict with name, header text, body lines, models list."""
    text = open(path, encoding="utf-8").read()
    first = text.splitlines()[0] if text else ""
    m = re.match(r"^C\s+(\S+)", first)
    name = m.group(1) if m else None
    # Header comment: the first (* ... *) block after the name line.
    hm = re.search(r"\n\(\*(.*?)\*\)\n", text, flags=re.S)
    header = hm.group(1) if hm else ""
    rest = text[hm.end():] if hm else text
    models = []
    for n, line in enumerate(text.splitlines(), 1):
        mm = re.search(r"(?:/\*|\(\*)\s*MODELS\s+(\w+)(\s+WEAKENED)?\s*(?:\*/|\*\))",
                       line)
        if mm:
            models.append((n, mm.group(1), bool(mm.group(2)), line.strip()))
    header_models = re.findall(r"^\s*\*?\s*Models:\s*(.*)$", header, flags=re.M)
    hdr = []
    for entry in header_models:
        for item in re.split(r"[,;]\s*", entry.strip()):
            im = re.match(r"(\w+)\s*=\s*(\w+)", item)
            if im:
                hdr.append((im.group(1), im.group(2)))
    base = re.search(r"^\s*\*?\s*Base:\s*(\S+)", header, flags=re.M)
    weakens = re.findall(r"^\s*\*?\s*Weakens:\s*(\w+)\s+(\w+)\s*->\s*(\w+)",
                         header, flags=re.M)
    return {
        "path": path, "name": name, "header": header, "rest": rest,
        "models": models, "header_models": hdr,
        "base": base.group(1) if base else None, "weakens": weakens,
    }


def check(header, lkmm_dir, quiet=False):
    probs = Problems()
    ordering, table, body = parse_header(header, probs)
    hrel = os.path.relpath(header, TOP) if header.startswith(TOP) else header
    if not ordering and not probs:
        probs.add(f"{hrel}: no 'ORDERING <function> <kind>' lines")

    # 1-3: the header against itself.
    body_kind = {}
    for fn, kind in sorted(ordering.items()):
        if fn not in body:
            probs.add(f"{hrel}: ORDERING names {fn}, but there is no "
                      f"static inline {fn}()")
            continue
        kinds = {k for _, k in body[fn]}
        if not kinds:
            probs.add(f"{hrel}: {fn}() calls no atomic primitive on the "
                      f"word, ORDERING says {kind}")
            continue
        if len(kinds) > 1:
            probs.add(f"{hrel}: {fn}() calls several primitives: "
                      + ", ".join(f"{p} ({k})" for p, k in body[fn]))
        prim, bk = body[fn][0]
        body_kind[fn] = (prim, bk)
        if bk != kind:
            probs.add(f"{hrel}: {fn}(): ORDERING says {kind}, the code "
                      f"calls {prim}() = {bk}")
        if fn in table and table[fn] != kind:
            probs.add(f"{hrel}: {fn}(): ORDERING says {kind}, the "
                      f"transition table says {table[fn]}")
    for fn in sorted(table):
        if fn not in ordering:
            probs.add(f"{hrel}: transition table lists {fn}() without an "
                      f"ORDERING line")
    notes = []
    for fn, kinds in sorted(body.items()):
        if fn not in ordering and kinds:
            notes.append(f"note: {fn}() calls "
                         + ", ".join(f"{p}() = {k}" for p, k in kinds)
                         + " and has no ORDERING line (not a transition)")

    # 4: the litmus tests.
    try:
        files = sorted(f for f in os.listdir(lkmm_dir) if f.endswith(".litmus"))
    except OSError as e:
        probs.add(f"{lkmm_dir}: {e}")
        files = []
    tests = {}
    for f in files:
        tests[f[:-len(".litmus")]] = parse_litmus(os.path.join(lkmm_dir, f))
    used = {fn: [] for fn in ordering}
    for stem, t in sorted(tests.items()):
        rel = os.path.join(os.path.basename(lkmm_dir), stem + ".litmus")
        control = stem.startswith("ctrl-")
        if t["name"] != stem:
            probs.add(f"{rel}: test is named '{t['name']}', file '{stem}'")
        weak_decl = {w[0]: (w[1], w[2]) for w in t["weakens"]}
        for fn, (frm, to) in weak_decl.items():
            if fn in ordering and frm != ordering[fn]:
                probs.add(f"{rel}: 'Weakens: {fn} {frm} -> {to}', but its "
                          f"ORDERING is {ordering[fn]}")
        for fn, prim in t["header_models"]:
            kind = LKMM.get(prim, prim if prim in KINDS else None)
            if fn not in ordering:
                probs.add(f"{rel}: Models: {fn}: no ORDERING line for it")
            elif kind != ordering[fn] and not (control and fn in weak_decl):
                probs.add(f"{rel}: Models: {fn}={prim}: that is {kind}, "
                          f"ORDERING says {ordering[fn]}")
            elif not control:
                if stem not in used[fn]:
                    used[fn].append(stem)
        weakened_seen = set()
        for n, fn, weak, line in t["models"]:
            where = f"{rel}:{n}"
            if fn not in ordering:
                probs.add(f"{where}: MODELS {fn}: no ORDERING line for it "
                          f"in {hrel}")
                continue
            p = litmus_primitive(line)
            if p is None:
                probs.add(f"{where}: MODELS {fn}: cannot tell which LKMM "
                          f"primitive this line calls: {line}")
                continue
            prim, kind = p
            if weak:
                if not control:
                    probs.add(f"{where}: a protocol test may not weaken "
                              f"{fn} (WEAKENED is for ctrl-* tests)")
                elif fn not in weak_decl:
                    probs.add(f"{where}: {fn} WEAKENED but the header has "
                              f"no 'Weakens: {fn} ...' line")
                elif kind == ordering[fn]:
                    probs.add(f"{where}: {fn} marked WEAKENED but uses "
                              f"{prim} = {kind}, its full ordering")
                elif kind != weak_decl[fn][1]:
                    probs.add(f"{where}: {fn} weakened to {kind}, header "
                              f"says -> {weak_decl[fn][1]}")
                weakened_seen.add(fn)
                continue
            if kind != ordering[fn]:
                probs.add(f"{where}: models {fn} with {prim} = {kind}, "
                          f"ORDERING says {ordering[fn]}"
                          + ("" if not control else
                             " (mark it 'MODELS ... WEAKENED' if meant)"))
            elif not control:
                if stem not in used[fn]:
                    used[fn].append(stem)
        for fn in weak_decl:
            if fn not in weakened_seen:
                probs.add(f"{rel}: 'Weakens: {fn}' but no line is marked "
                          f"MODELS {fn} WEAKENED")
        if control and t["base"] and weak_decl:
            base = tests.get(t["base"])
            if base is None:
                probs.add(f"{rel}: Base: {t['base']} does not exist")
            else:
                a = base["rest"].splitlines()
                b = t["rest"].splitlines()
                if len(a) != len(b):
                    probs.add(f"{rel}: is not {t['base']} with only the "
                              f"weakened lines changed (length differs)")
                else:
                    for la, lb in zip(a, b):
                        if la == lb:
                            continue
                        m = re.search(r"MODELS\s+(\w+)\s+WEAKENED", lb)
                        if not (m and m.group(1) in weak_decl and
                                re.search(r"MODELS\s+%s\s*\*/" % m.group(1), la)):
                            probs.add(f"{rel}: differs from {t['base']} "
                                      f"outside the weakened lines: "
                                      f"'{la.strip()}' vs '{lb.strip()}'")
                            break
        elif control and t["base"] and t["base"] not in tests:
            probs.add(f"{rel}: Base: {t['base']} does not exist")
    for fn in sorted(ordering):
        if not used[fn]:
            probs.add(f"{hrel}: {fn} ({ordering[fn]}) is modelled by no "
                      f"protocol test in {os.path.basename(lkmm_dir)}/")

    if not quiet:
        print(f"{'transition':18} {'ORDERING':16} {'code':28} "
              f"{'table':16} tests")
        for fn in sorted(ordering):
            prim, bk = body_kind.get(fn, ("?", "?"))
            print(f"{fn:18} {ordering[fn]:16} {prim + '()':28} "
                  f"{table.get(fn, '-'):16} {len(used[fn])}")
        for n in notes:
            print(n)
    for p in probs.msgs:
        print("check-orderings: " + p)
    if probs:
        print(f"check-orderings: FAILED: {len(probs.msgs)} disagreement(s)")
        return 1
    if not quiet:
        print(f"check-orderings: ok: {len(ordering)} transitions agree in "
              f"ORDERING lines, code, table and {len(tests)} litmus tests")
    return 0


def selftest():
    """Mutate temp copies by hand-style edits; each must be caught."""
    tmp = tempfile.mkdtemp(prefix="check-orderings.")
    try:
        hdr = os.path.join(tmp, "vfio_ccw_own.h")
        lk = os.path.join(tmp, "lkmm")

        def fresh():
            shutil.copy(DEF_HEADER, hdr)
            if os.path.isdir(lk):
                shutil.rmtree(lk)
            shutil.copytree(DEF_LKMM, lk)

        def edit(path, fn_re, old, new):
            text = open(path).read()
            # Restrict the edit to the body of one function (or anywhere).
            if fn_re:
                m = re.search(fn_re, text, flags=re.S)
                if not m or old not in m.group(0):
                    raise SystemExit(f"selftest: cannot find '{old}' in "
                                     f"{fn_re} of {path}")
                seg = m.group(0).replace(old, new, 1)
                text = text[:m.start()] + seg + text[m.end():]
            else:
                if old not in text:
                    raise SystemExit(f"selftest: cannot find '{old}' in {path}")
                text = text.replace(old, new, 1)
            open(path, "w").write(text)

        def run():
            out = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--header", hdr,
                 "--lkmm", lk], capture_output=True, text=True)
            return out.returncode, out.stdout + out.stderr

        fresh()
        rc, out = run()
        if rc != 0:
            print("selftest: the unmodified copies do not pass:\n" + out)
            return 1
        print("selftest: unmodified copy passes")
        p1 = os.path.join(lk, "P1-translating-vs-work.litmus")
        mutations = [
            ("code: vccw_own_submit() atomic_set_release -> atomic_set",
             lambda: edit(hdr, r"vccw_own_submit\(atomic_t \*own[^)]*\)\s*\{.*?\n\}",
                          "atomic_set_release(", "atomic_set("),
             "vccw_own_submit"),
            ("code: vccw_own_begin() try_cmpxchg_acquire -> try_cmpxchg_relaxed",
             lambda: edit(hdr, r"vccw_own_begin\(atomic_t \*own[^)]*\)\s*\{.*?\n\}",
                          "atomic_try_cmpxchg_acquire(",
                          "atomic_try_cmpxchg_relaxed("),
             "vccw_own_begin"),
            ("ORDERING line: vccw_own_claim cmpxchg_acquire -> cmpxchg_relaxed",
             lambda: edit(hdr, None, "ORDERING vccw_own_claim cmpxchg_acquire",
                          "ORDERING vccw_own_claim cmpxchg_relaxed"),
             "vccw_own_claim"),
            ("table: vccw_own_release() store release -> store once",
             lambda: edit(hdr, None,
                          "vccw_own_release()     store release",
                          "vccw_own_release()     store once"),
             "vccw_own_release"),
            ("litmus: P1 models vccw_own_begin with cmpxchg_relaxed",
             lambda: edit(p1, None,
                          "cmpxchg_acquire(own, 0, 1); /* MODELS vccw_own_begin */",
                          "cmpxchg_relaxed(own, 0, 1); /* MODELS vccw_own_begin */"),
             "vccw_own_begin"),
            ("litmus: control drifts from its base (P1 changed, control not)",
             lambda: edit(p1, None, "\t\t*cp = 5;\n", "\t\t*cp = 7;\n"),
             "differs from P1-translating-vs-work"),
        ]
        return plant.caught_all(mutations, fresh, run, "check-orderings: ")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--header", default=DEF_HEADER)
    ap.add_argument("--lkmm", default=DEF_LKMM)
    ap.add_argument("--selftest", action="store_true",
                    help="mutate temp copies and check that each is caught")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    return check(os.path.abspath(a.header), os.path.abspath(a.lkmm), a.quiet)


if __name__ == "__main__":
    sys.exit(main())
