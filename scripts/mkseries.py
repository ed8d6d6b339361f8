#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mkseries.py: the driver as a patch series against the kernel tree.

    mkseries.py --src PRISTINE_TREE --out build/patches
    mkseries.py --src PRISTINE_TREE --verify PATCHED_TREE

Generates, from driver/, selftests/, lkmm/ and intree/ of this repository
(the one source of truth), a series in git format-patch shape against the
pristine Debian linux-source-6.12 tree. The tree is never modified: the
series is made in a scratch git repository that holds only the tree's
files the series touches, committed as they are in the tree. Patches:

  1. the driver replacing drivers/s390/cio/vfio_ccw_* (Makefile object
     list from driver/Kbuild, Kconfig entries from driver/Kconfig,
     MAINTAINERS);
  2. the KUnit tests (driver/ files with "kunit" in their name, Kbuild
     statements and Kconfig symbols naming KUNIT), when there are any;
  3. the torture test (the same with "torture"), when there is one;
  4. the selftests under tools/testing/selftests/drivers/s390x/vfio_ccw/
     (Makefile on lib.mk, config fragment, settings timeout, TARGETS);
  5. the litmus tests under Documentation/litmus-tests/vfio-ccw/;
  6. Documentation/arch/s390/ (intree/Documentation/).

--verify checks that a tree with the series applied holds driver/,
selftests/ and lkmm/ exactly (and no left-over in-tree vfio_ccw file),
and that its Makefile and Kconfig sections are what driver/Kbuild and
driver/Kconfig give now.

The output is reproducible: fixed author, dates and base, so the series'
hash (scripts/intree.sh) changes only when a source changes.
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTHOR = ("Your Name", "you@example.org")
DATE = "1767225600 +0000"          # 2026-01-01, fixed: reproducible hashes
SOB = "Signed-off-by: %s <%s>" % AUTHOR

CIO = "drivers/s390/cio"
SELFTEST_DIR = "tools/testing/selftests/drivers/s390x/vfio_ccw"
LITMUS_DIR = "Documentation/litmus-tests/vfio-ccw"
KCONFIG_FILE = "arch/s390/Kconfig"
GROUPS = ("driver", "kunit", "torture")


class SeriesError(Exception):
    pass


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def source_files(subdir):
    """Files of a source directory as git sees them (tracked or new, not
    ignored), i.e. without build outputs."""
    out = subprocess.run(
        ["git", "-C", TOP, "ls-files", "--cached", "--others",
         "--exclude-standard", "--", subdir],
        check=True, capture_output=True, text=True).stdout.split()
    # A file deleted in the worktree but still in the index is gone.
    return sorted(os.path.relpath(os.path.join(TOP, f), os.path.join(TOP, subdir))
                  for f in out if os.path.isfile(os.path.join(TOP, f)))


def group_of_name(name):
    low = name.lower()
    if "kunit" in low:
        return "kunit"
    if "torture" in low:
        return "torture"
    return "driver"


def driver_files():
    groups = {g: [] for g in GROUPS}
    for f in source_files("driver"):
        if f in ("Kbuild", "Kconfig"):
            continue
        if f == ".kunitconfig":
            # kunit.py run --kunitconfig=drivers/s390/cio
            groups["kunit"].append(f)
            continue
        if "/" in f or not re.search(r"\.[ch]$", f):
            raise SeriesError(
                "driver/%s: only .c and .h files (and Kbuild, Kconfig) go "
                "into drivers/s390/cio; teach scripts/mkseries.py about "
                "it" % f)
        groups[group_of_name(f)].append(f)
    return groups


# --- driver/Kbuild -> drivers/s390/cio/Makefile ---------------------------

def kbuild_units(text):
    """Statements of a Kbuild file, each with the comment lines just
    before it: [(comments, statement)]."""
    units, comments, stmt = [], [], []
    for line in text.splitlines():
        if stmt:
            stmt.append(line)
            if not line.endswith("\\"):
                units.append((comments, "\n".join(stmt)))
                comments, stmt = [], []
            continue
        if not line.strip():
            comments = []
        elif line.lstrip().startswith("#"):
            comments.append(line)
        else:
            stmt = [line]
            if not line.endswith("\\"):
                units.append((comments, line))
                comments, stmt = [], []
    if stmt:
        raise SeriesError("driver/Kbuild: continuation at end of file")
    return units


def kbuild_intree(text, files):
    """[(group, lines)] of driver/Kbuild's statements as the in-tree
    Makefile has them. The out-of-tree-only ones are dropped: the include
    path of drivers/s390/cio (the objects are in it in-tree) and the
    -DCONFIG_X of a symbol that Kconfig defines in-tree."""
    stems = {os.path.splitext(f)[0]: g for g, fs in files.items()
             for f in fs}
    out = []
    for comments, stmt in kbuild_units(text):
        flat = " ".join(s.rstrip("\\").strip() for s in stmt.splitlines())
        if re.fullmatch(r"ccflags-y\s*\+?=\s*-I\$\(srctree\)/drivers/s390/cio",
                        flat):
            continue
        m = re.fullmatch(r"ccflags-\$\((CONFIG_\w+)\)\s*\+=\s*-D(\w+)", flat)
        if m and m.group(1) == m.group(2):
            continue
        if re.match(r"(ccflags|asflags|ldflags|subdir-ccflags)-", flat):
            raise SeriesError(
                "driver/Kbuild: '%s' would apply to all of drivers/s390/cio "
                "in the tree; use CFLAGS_<object>.o" % flat)
        m = re.fullmatch(r"obj-m\s*\+=\s*(\S+)", flat)
        if m:
            if m.group(1) != "vfio_ccw.o":
                raise SeriesError(
                    "driver/Kbuild: 'obj-m += %s': write obj-$(CONFIG_X) "
                    "with X a symbol of driver/Kconfig (make passes "
                    "CONFIG_X=m out of tree)" % m.group(1))
            stmt = "obj-$(CONFIG_VFIO_CCW) += vfio_ccw.o"
        group = "driver"
        if "KUNIT" in flat.upper():
            group = "kunit"
        elif "TORTURE" in flat.upper():
            group = "torture"
        else:
            for obj in re.findall(r"([\w-]+)\.o\b", flat):
                if stems.get(obj, "driver") != "driver":
                    group = stems[obj]
                    break
        lines = [c for c in comments if "SPDX-License-Identifier" not in c]
        out.append((group, lines + stmt.splitlines()))
    return out


def cio_makefile(pristine, units, upto):
    """drivers/s390/cio/Makefile with the in-tree vfio_ccw lines replaced
    by driver/Kbuild's statements of the groups up to 'upto'."""
    keep = GROUPS[:GROUPS.index(upto) + 1]
    block = ["# vfio-ccw (drivers/s390/cio/vfio_ccw_*, vccw_trace.*)"]
    for g, lines in units:
        if g in keep:
            block.extend(lines)
    lines = pristine.splitlines()
    out, i, placed = [], 0, False
    while i < len(lines):
        line = lines[i]
        if line == "CFLAGS_vfio_ccw_trace.o := -I$(src)":
            i += 1
            continue
        if line.startswith("vfio_ccw-objs"):
            while lines[i].endswith("\\"):
                i += 1
            i += 1
            if lines[i] != "obj-$(CONFIG_VFIO_CCW) += vfio_ccw.o":
                raise SeriesError("cio/Makefile: unexpected vfio_ccw lines")
            out.extend(block)
            placed = True
            i += 1
            continue
        out.append(line)
        i += 1
    if not placed:
        raise SeriesError("cio/Makefile: vfio_ccw lines not found")
    return "\n".join(out) + "\n"


# --- driver/Kconfig -> arch/s390/Kconfig ------------------------------------

def kconfig_entries(text):
    entries, cur = [], None
    for line in text.splitlines():
        m = re.match(r"(?:menu)?config\s+(\w+)", line)
        if m:
            cur = [m.group(1), [line]]
            entries.append(cur)
        elif cur is not None:
            cur[1].append(line)
    if not entries or entries[0][0] != "VFIO_CCW":
        raise SeriesError("driver/Kconfig: the first entry must be VFIO_CCW")
    return [(group_of_name(sym), "\n".join(lines).rstrip("\n"))
            for sym, lines in entries]


def arch_kconfig(pristine, entries, upto):
    keep = GROUPS[:GROUPS.index(upto) + 1]
    text = "\n\n".join(e for g, e in entries if g in keep) + "\n\n"
    m = re.search(r"^config VFIO_CCW\n.*?(?=^config VFIO_AP\n)", pristine,
                  re.S | re.M)
    if not m:
        raise SeriesError("arch/s390/Kconfig: VFIO_CCW entry not found")
    return pristine[:m.start()] + text + pristine[m.end():]


# --- MAINTAINERS --------------------------------------------------------------

def maintainers(text, add):
    """The S390 VFIO-CCW DRIVER entry with the F: patterns in 'add' too,
    in alphabetic order."""
    lines = text.split("\n")
    start = lines.index("S390 VFIO-CCW DRIVER")
    end = lines.index("", start)
    fl = [i for i in range(start, end) if lines[i].startswith("F:\t")]
    pats = sorted(set([lines[i][3:] for i in fl] + list(add)))
    new = lines[:fl[0]] + ["F:\t" + p for p in pats] + lines[fl[-1] + 1:]
    return "\n".join(new)


# --- selftests ----------------------------------------------------------------

def selftest_parts():
    """{test: [its other .c files]} from the project's selftests/Makefile,
    whose "$(OUT)/<test>: a.c b.c" lines say which sources beside
    <test>.c make up one program (the fuzzer: runner, model, generators)."""
    parts = {}
    mk = read(os.path.join(TOP, "selftests/Makefile"))
    for m in re.finditer(r"^\$\(OUT\)/(\w+):[ \t]*(.*)$", mk, re.M):
        srcs = [w for w in m.group(2).split() if w.endswith(".c")]
        if srcs:
            parts[m.group(1)] = srcs
    return parts


def selftest_sources():
    """The selftests' sources that go into the tree: the tests, the other
    .c files of a test program (selftest_parts) and their headers. Not the
    benchmarks (*_bench.c): they compare with the 6.12 driver the series
    replaces, which the patched tree no longer has."""
    parts = [c for srcs in selftest_parts().values() for c in srcs]
    files = source_files("selftests")
    others = [f for f in files if f.endswith(".c") and
              not f.endswith(("_test.c", "_bench.c")) and f not in parts]
    if others:
        raise SeriesError("selftests/: %s: neither *_test.c nor *_bench.c "
                          "nor named in selftests/Makefile as part of a "
                          "test program (\"$(OUT)/<test>: %s\")"
                          % (" ".join(others), others[0]))
    return [f for f in files if f.endswith(("_test.c", ".h")) or f in parts]


def selftest_makefile(files):
    tests = [f[:-2] for f in files if f.endswith("_test.c")]
    benches = [f[:-2] for f in files if f.endswith("_bench.c")]
    hdrs = [f for f in files if f.endswith(".h")]
    parts = {t: srcs for t, srcs in selftest_parts().items() if t in tests}

    def lst(names):
        return " \\\n\t".join(names)
    text = "# SPDX-License-Identifier: GPL-2.0\n"
    text += "# Generated from the vfio-ccw tree's selftests/ by make intree.\n\n"
    text += "TEST_GEN_PROGS := %s\n" % lst(tests)
    if benches:
        text += ("\n# Benchmarks: they print figures and assert nothing; "
                 "installed, not run.\n")
        text += "TEST_GEN_PROGS_EXTENDED := %s\n" % lst(benches)
    text += ("\nCFLAGS += -O2 -g -Wall -Wextra -Wno-unused-parameter "
             "-Wno-sign-compare \\\n\t-Wno-clobbered -I../../.. "
             "$(KHDR_INCLUDES)\nLDLIBS += -lpthread\n")
    if hdrs:
        # lib.mk's rule depends on LOCAL_HDRS and leaves them off the
        # compiler's command line.
        text += "LOCAL_HDRS += %s\n" % " ".join(hdrs)
    text += "\ninclude ../../../lib.mk\n"
    if parts:
        text += "\n# Programs made of several files.\n"
    for t in sorted(parts):
        text += "$(OUTPUT)/%s: %s\n" % (t, " ".join(parts[t]))
    return text


def selftests_parent_makefile(text):
    anchor = "TARGETS += drivers/s390x/uvdevice\n"
    if anchor not in text:
        raise SeriesError("selftests/Makefile of the tree: no %r" % anchor)
    return text.replace(anchor, anchor + "TARGETS += drivers/s390x/vfio_ccw\n")


# --- litmus tests ---------------------------------------------------------------

def litmus_summary(path):
    """The first paragraph of a litmus test's comment, as one line."""
    words = []
    started = False
    for line in read(path).splitlines()[1:]:
        s = line.strip()
        if s == "(*":
            started = True
            continue
        if not started:
            continue
        s = s.lstrip("*").strip()
        if not s or s == ")" or s.endswith("*)"):
            break
        words.append(s)
    return " ".join(words)


def litmus_readme_section(names):
    out = ["", "", "vfio-ccw (/vfio-ccw directory)",
           "------------------------------", "",
           "The channel program ownership protocol of drivers/s390/cio/vfio_ccw_*",
           "(see Documentation/arch/s390/vfio-ccw-ownership.rst). Tests named P*",
           "must say Never; tests named ctrl-* are negative controls, each one its",
           "Base: test with one rule broken, and must say Sometimes."]
    for n in names:
        out.append("")
        out.append(n)
        summary = litmus_summary(os.path.join(TOP, "lkmm", n)).replace(
            "Documentation/ownership.rst",
            "Documentation/arch/s390/vfio-ccw-ownership.rst")
        line = "   "
        for w in summary.split():
            if len(line) + 1 + len(w) > 72:
                out.append(line)
                line = "   "
            line += " " + w
        out.append(line)
    return "\n".join(out) + "\n"


# --- commit messages ------------------------------------------------------------

MSG_DRIVER = """\
s390/vfio-ccw: own the channel program through one atomic word

The channel program of a vfio-ccw device is reached from the I/O region
writer that translates and starts it, the interrupt handler that sees
its final status, the work item that hands the IRB to userspace and the
paths that retire the device (close, DMA unmap, reset, not operational,
mdev removal). The current driver coordinates them through the FSM
state and io_mutex, which leaves windows: closing the device with I/O
in flight leaves the subchannel not operational and the next open fails
with -EINVAL, and a DMA unmap with I/O in flight does the same.

Replace the driver with one in which the channel program is owned
through one atomic word (idle, translating, submitted, claimed),
changed only with compare-and-exchange and release stores. Exactly one
party frees a started channel program, once; a retire path quiesces the
subchannel before it frees; a channel program whose quiesce fails is
parked instead of freed. The protocol is modelled with the Linux kernel
memory model (the litmus tests come later in this series).

The module name, the css driver, the mdev type vfio_ccw-io and the UAPI
(include/uapi/linux/vfio_ccw.h) are unchanged, so QEMU, mdevctl and
driverctl keep working.

Debug hooks that hold the work item or the region writer at a chosen
point and make up interrupts, for the selftests that force the
protocol's interleavings, are behind CONFIG_VFIO_CCW_DEBUG_HOOKS, which
depends on DEBUG_FS and FAULT_INJECTION and is off unless chosen.
"""

MSG_KUNIT = """\
s390/vfio-ccw: add KUnit tests

Test below the VFIO interface what the selftests can reach only through
real I/O: the ownership transitions from every state, the
classification of crafted IRBs and the translation of crafted channel
programs with a test double for page pinning, so that every error path
is run and every pin is shown to be unpinned exactly once.

They need no device, and run with the kernel's runner in QEMU:

  ./tools/testing/kunit/kunit.py run --arch=s390 \\
      --cross_compile=s390x-linux-gnu- --kunitconfig=drivers/s390/cio
"""

MSG_TORTURE = """\
s390/vfio-ccw: add an ownership torture test

Kernel threads play the parties of the channel program ownership
protocol against the driver's own ownership word and IRB ring for a
bounded time, checking that there is exactly one owner at a time and
exactly one free per submit, and print their counts, in the manner of
locktorture.
"""

MSG_SELFTESTS = """\
selftests: drivers/s390x: add vfio-ccw tests

Userspace tests of the vfio-ccw driver through VFIO: regions,
capabilities and interrupts, channel programs (chaining, IDAL, TIC),
HALT and CLEAR, every path that retires the device with I/O in flight,
forced interleavings with the driver's debug hooks, stress and a
seeded fuzzer of channel programs. After each test no page stays
pinned and every accepted START was freed exactly once, as the
driver's debugfs counters show.

They need two I/O subchannels bound to vfio_ccw with an mdev on each,
named by VFIO_CCW_MDEV and VFIO_CCW_MDEV2 (for example two
virtio-rng-ccw devices of a QEMU guest), and skip otherwise. The config
fragment lists the options they need.
"""

MSG_LITMUS = """\
Documentation/litmus-tests: add the vfio-ccw ownership tests

The vfio-ccw driver relies on the ordering of its ownership transitions
(acquire compare-and-exchange, release stores) for the data of the
channel program, the IRB ring and the parking of channel programs whose
quiesce failed. Add the litmus tests that model each proof obligation
with herd7 and the Linux kernel memory model, and negative controls
that break one rule each, so that a change of an ordering in the driver
can be checked against them.
"""

MSG_DOCS = """\
docs: s390: vfio-ccw: describe the channel program ownership

The FSM and its states are gone from the driver; describe what replaced
them: the ownership word and its transitions, who frees the channel
program on each path, how the device is retired with I/O in flight, the
debug hooks and the debugfs counters, and where the litmus tests and
selftests are.
"""


# --- the scratch repository ---------------------------------------------------------

def git(repo, *args, **kw):
    env = dict(os.environ,
               GIT_AUTHOR_NAME=AUTHOR[0], GIT_AUTHOR_EMAIL=AUTHOR[1],
               GIT_COMMITTER_NAME=AUTHOR[0], GIT_COMMITTER_EMAIL=AUTHOR[1],
               GIT_AUTHOR_DATE=DATE, GIT_COMMITTER_DATE=DATE,
               GIT_CONFIG_NOSYSTEM="1", HOME=repo)
    return subprocess.run(["git", "-C", repo] + list(args), check=True,
                          capture_output=True, text=True, env=env, **kw).stdout


def commit(repo, msg):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-F", "-", input=msg + "\n" + SOB + "\n")


def intree_docs():
    """Files of intree/Documentation (tree-relative path -> text)."""
    out = {}
    for f in source_files("intree/Documentation"):
        out["Documentation/" + f] = read(os.path.join(TOP, "intree",
                                                      "Documentation", f))
    return out


VFIO_CCW_RST_SECTION = """\
Channel program ownership
-------------------------

Who may use a channel program started through the I/O region, who frees
it, and how the device is retired with I/O in flight are described in
Documentation/arch/s390/vfio-ccw-ownership.rst.

"""


def vfio_ccw_rst(text):
    """The tree's vfio-ccw.rst with a pointer to the ownership page,
    before its Limitations section."""
    anchor = "Limitations\n-----------\n"
    if anchor not in text:
        raise SeriesError("vfio-ccw.rst: no Limitations section")
    return text.replace(anchor, VFIO_CCW_RST_SECTION + anchor, 1)


def doc_index(pristine, docs):
    new = [os.path.basename(p)[:-4] for p in docs
           if p.startswith("Documentation/arch/s390/") and p.endswith(".rst")
           and not os.path.exists(os.path.join(pristine, p))]
    path = os.path.join(pristine, "Documentation/arch/s390/index.rst")
    text = read(path)
    for name in sorted(new, reverse=True):
        text = text.replace("    vfio-ccw\n", "    vfio-ccw\n    %s\n" % name, 1)
    return text


def build_series(src, out):
    files = driver_files()
    units = kbuild_intree(read(os.path.join(TOP, "driver/Kbuild")), files)
    entries = kconfig_entries(read(os.path.join(TOP, "driver/Kconfig")))
    tests = selftest_sources()
    test_extra = [f for f in ("config", "settings")
                  if f in source_files("selftests")]
    litmus = [f for f in source_files("lkmm") if f.endswith(".litmus")]
    docs = intree_docs()

    old = sorted(f for f in os.listdir(os.path.join(src, CIO))
                 if f.startswith("vfio_ccw"))
    touched = [CIO + "/Makefile", KCONFIG_FILE, "MAINTAINERS",
               "tools/testing/selftests/Makefile",
               "Documentation/litmus-tests/README",
               "Documentation/arch/s390/index.rst"]
    touched += [CIO + "/" + f for f in old]
    touched += [p for p in docs if os.path.exists(os.path.join(src, p))]
    touched.append("Documentation/arch/s390/vfio-ccw.rst")

    repo = tempfile.mkdtemp(prefix="mkseries.")
    try:
        git(repo, "init", "-q")
        for p in touched:
            dst = os.path.join(repo, p)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(os.path.join(src, p), dst)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "base: pristine files of the tree")
        base = git(repo, "rev-parse", "HEAD").strip()

        def put(path, text):
            write(os.path.join(repo, path), text)

        def mk(upto, mpats):
            put(CIO + "/Makefile", cio_makefile(
                read(os.path.join(src, CIO, "Makefile")), units, upto))
            put(KCONFIG_FILE, arch_kconfig(
                read(os.path.join(src, KCONFIG_FILE)), entries, upto))
            put("MAINTAINERS", maintainers(
                read(os.path.join(repo, "MAINTAINERS")), mpats))

        # 1. the driver
        for f in old:
            os.unlink(os.path.join(repo, CIO, f))
        for f in files["driver"]:
            shutil.copyfile(os.path.join(TOP, "driver", f),
                            os.path.join(repo, CIO, f))
        extra = sorted({CIO + "/" + f.rsplit(".", 1)[0] + ".*"
                        for f in files["driver"]
                        if not f.startswith("vfio_ccw")})
        mk("driver", extra)
        commit(repo, MSG_DRIVER)

        # 2. 3. KUnit, torture
        for g, msg in (("kunit", MSG_KUNIT), ("torture", MSG_TORTURE)):
            if not files[g] and not any(u[0] == g for u in units):
                continue
            for f in files[g]:
                shutil.copyfile(os.path.join(TOP, "driver", f),
                                os.path.join(repo, CIO, f))
            # Listed one by one although vfio_ccw* covers most: a patch
            # that adds files and leaves MAINTAINERS alone gets a
            # checkpatch warning.
            extra = sorted(CIO + "/" + f for f in files[g])
            mk(g, extra)
            commit(repo, msg)

        # 4. selftests
        for f in tests + test_extra:
            put(SELFTEST_DIR + "/" + f, read(os.path.join(TOP, "selftests", f)))
        put(SELFTEST_DIR + "/Makefile", selftest_makefile(tests))
        put(SELFTEST_DIR + "/.gitignore",
            "# SPDX-License-Identifier: GPL-2.0-only\n" +
            "".join(f[:-2] + "\n" for f in tests if f.endswith(".c")))
        put("tools/testing/selftests/Makefile", selftests_parent_makefile(
            read(os.path.join(repo, "tools/testing/selftests/Makefile"))))
        put("MAINTAINERS", maintainers(read(os.path.join(repo, "MAINTAINERS")),
                                       [SELFTEST_DIR + "/"]))
        commit(repo, MSG_SELFTESTS)

        # 5. litmus tests
        for f in litmus:
            put(LITMUS_DIR + "/" + f, read(os.path.join(TOP, "lkmm", f)))
        readme = read(os.path.join(repo, "Documentation/litmus-tests/README"))
        put("Documentation/litmus-tests/README",
            readme.rstrip("\n") + "\n" + litmus_readme_section(litmus))
        put("MAINTAINERS", maintainers(read(os.path.join(repo, "MAINTAINERS")),
                                       [LITMUS_DIR + "/"]))
        commit(repo, MSG_LITMUS)

        # 6. Documentation
        if docs:
            for p, text in docs.items():
                put(p, text)
            put("Documentation/arch/s390/index.rst", doc_index(src, docs))
            rst = "Documentation/arch/s390/vfio-ccw.rst"
            put(rst, vfio_ccw_rst(read(os.path.join(src, rst))))
            new = [p for p in docs if not os.path.exists(os.path.join(src, p))]
            put("MAINTAINERS", maintainers(
                read(os.path.join(repo, "MAINTAINERS")), new))
            commit(repo, MSG_DOCS)

        if os.path.isdir(out):
            for f in os.listdir(out):
                if f.endswith(".patch"):
                    os.unlink(os.path.join(out, f))
        os.makedirs(out, exist_ok=True)
        git(repo, "format-patch", "-q", "--no-renames", "--no-signature",
            "--zero-commit", "-o", os.path.abspath(out), base + "..HEAD")
    finally:
        shutil.rmtree(repo)
    pats = sorted(f for f in os.listdir(out) if f.endswith(".patch"))
    h = hashlib.sha256()
    for p in pats:
        h.update(read(os.path.join(out, p)).encode())
    write(os.path.join(out, "series-hash"), h.hexdigest()[:16] + "\n")
    for p in pats:
        print(os.path.join(out, p))


# --- verification of a patched tree -----------------------------------------------

def listdir(d):
    return os.listdir(d) if os.path.isdir(d) else []


def verify(src, tree):
    """A tree with the series applied holds the sources exactly."""
    bad = []

    def same(a, b, what):
        if not os.path.isfile(b):
            bad.append("%s: %s missing in the tree" % (what, b))
        elif read(a) != read(b):
            bad.append("%s: %s differs from %s" % (what, b, a))

    files = driver_files()
    want = set()
    for g in GROUPS:
        for f in files[g]:
            same(os.path.join(TOP, "driver", f), os.path.join(tree, CIO, f),
                 "driver")
            want.add(f)
    for f in os.listdir(os.path.join(tree, CIO)):
        if (f.startswith(("vfio_ccw", "vccw")) and f.endswith((".c", ".h"))
                and f not in want):
            bad.append("driver: %s/%s is in the tree, not in driver/" % (CIO, f))
    units = kbuild_intree(read(os.path.join(TOP, "driver/Kbuild")), files)
    mk = cio_makefile(read(os.path.join(src, CIO, "Makefile")), units,
                      "torture")
    if read(os.path.join(tree, CIO, "Makefile")) != mk:
        bad.append("driver: %s/Makefile is not what driver/Kbuild gives" % CIO)
    entries = kconfig_entries(read(os.path.join(TOP, "driver/Kconfig")))
    kc = arch_kconfig(read(os.path.join(src, KCONFIG_FILE)), entries,
                      "torture")
    if read(os.path.join(tree, KCONFIG_FILE)) != kc:
        bad.append("driver: %s is not what driver/Kconfig gives" % KCONFIG_FILE)
    st = selftest_sources() + [f for f in ("config", "settings")
                               if f in source_files("selftests")]
    for f in st:
        same(os.path.join(TOP, "selftests", f),
             os.path.join(tree, SELFTEST_DIR, f), "selftests")
    for f in listdir(os.path.join(tree, SELFTEST_DIR)):
        if f.endswith((".c", ".h")) and f not in st:
            bad.append("selftests: %s/%s is not in selftests/" % (SELFTEST_DIR, f))
    lk = [f for f in source_files("lkmm") if f.endswith(".litmus")]
    for f in lk:
        same(os.path.join(TOP, "lkmm", f), os.path.join(tree, LITMUS_DIR, f),
             "lkmm")
    for f in listdir(os.path.join(tree, LITMUS_DIR)):
        if f not in lk:
            bad.append("lkmm: %s/%s is not in lkmm/" % (LITMUS_DIR, f))
    for p, text in intree_docs().items():
        if read(os.path.join(tree, p)) != text:
            bad.append("docs: %s differs from intree/%s" % (p, p))
    for b in bad:
        print("mkseries: " + b, file=sys.stderr)
    n = len(files["driver"]) + len(files["kunit"]) + len(files["torture"])
    print("mkseries: tree %s: %d driver, %d selftest, %d litmus files: %s"
          % (tree, n, len(st), len(lk), "MISMATCH" if bad else "identical"))
    return not bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True, help="pristine kernel tree")
    ap.add_argument("--out", help="directory for the patches")
    ap.add_argument("--verify", metavar="TREE",
                    help="check a patched tree against the sources")
    a = ap.parse_args()
    try:
        if a.verify:
            return 0 if verify(a.src, a.verify) else 1
        if not a.out:
            ap.error("--out or --verify")
        build_series(a.src, a.out)
    except SeriesError as e:
        print("mkseries: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
