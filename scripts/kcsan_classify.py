#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Split KCSAN reports from a kernel log into the driver's and foreign ones.

A report is the driver's when either racing access is "in the driver":

  * one of the access's first DRIVER_DEPTH stack frames is in the module
    under test ([vfio_ccw]) or in mdev ([mdev]), i.e. the access was made
    by driver code or by a helper it called directly on its own data
    (memcpy, copy_to_user, an atomic_*() wrapper); or
  * the accessing function itself is VFIO, mdev or cio code (vfio_*,
    mdev_*, cio_*, css_*, ...), which is where the driver's own data is
    handed over to the rest of the kernel.

Unless the accessing function is one of FOREIGN_TOP: core-kernel code
whose races with itself are known in 6.12 and are not about our data
(the fdget/fput file refcount dance, the mutex/rwsem optimistic spinner
reading a lock owner's CPU, the scheduler's wake-up lists, an eventfd's
counter: eventfd_poll() reads it with READ_ONCE() while
eventfd_signal_mask() increments it under the eventfd's own lock, a
plain write that CONFIG_KCSAN_ASSUME_PLAIN_WRITES_ATOMIC=n reports). Those are
reported as foreign even when the driver is further up the stack, because
the racing word belongs to the VFS or to the lock, not to the driver.

Everything else is foreign: counted and printed, not failing the run.
Usage: kcsan_classify.py LOG   (exit 1 if any report is the driver's)
"""

import re
import sys

DRIVER_MODULES = ("vfio_ccw", "mdev")
DRIVER_DEPTH = 3
DRIVER_FUNC = re.compile(
    r"^_*(vfio|mdev|cio|css|chsc|chp|ccw|io_subchannel|vfio_ccw)_")
FOREIGN_TOP = re.compile(
    r"^(fput|fget\w*|__fget\w*|fdget\w*|__fdget\w*|fd_install|"
    r"close_fd|file_close_fd\w*|__fput\w*|"
    r"mutex_spin_on_owner|mutex_can_spin_on_owner|osq_lock|"
    r"rwsem_spin_on_owner|rwsem_can_spin_on_owner|"
    r"arch_vcpu_is_preempted|owner_on_cpu|vcpu_is_preempted|"
    r"ttwu_\w+|try_to_wake_up|__schedule|finish_task_switch\w*|"
    r"eventfd_poll|eventfd_signal_mask|eventfd_write|eventfd_read|"
    r"eventfd_ctx_do_read)$")

SEPARATOR = "=" * 66
ACCESS = re.compile(
    r"^(race at unknown origin, with )?(read|write|read-write)"
    r"( \(marked\))?( \(reordered\))?( \(scoped\))? to 0x[0-9a-f]+ "
    r"of \d+ bytes by (task \d+|interrupt) on cpu \d+:$")
FRAME = re.compile(r"^\s+(\|\s+)?([\w.$]+)\+0x[0-9a-f]+/0x[0-9a-f]+"
                   r"(?: \[(\w+)\])?")
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")


def strip_line(line):
    """Drop carriage returns and a printk timestamp."""
    return TIMESTAMP.sub("", line.rstrip("\r\n"))


def split_reports(text):
    """Yield (title, body lines) for every KCSAN report in a log."""
    lines = [strip_line(x) for x in text.splitlines()]
    i = 0
    while i < len(lines):
        if lines[i].startswith("BUG: KCSAN:"):
            title = lines[i]
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith(SEPARATOR) \
                    and not lines[i].startswith("BUG: KCSAN:"):
                body.append(lines[i])
                i += 1
            yield title, body
        else:
            i += 1


def accesses(body):
    """Return a list of stacks, one per racing access: [(func, module)]."""
    stacks = []
    cur = None
    for line in body:
        if ACCESS.match(line.strip()):
            cur = []
            stacks.append(cur)
            continue
        if cur is None:
            continue
        m = FRAME.match(line)
        if m:
            # KCSAN marks the reordered part of a stack with "|".
            cur.append((m.group(2), m.group(3)))
        elif not line.strip():
            cur = None
    return stacks


def access_is_driver(stack):
    if not stack:
        return False
    top = stack[0][0]
    if FOREIGN_TOP.match(top):
        return False
    for func, mod in stack[:DRIVER_DEPTH]:
        if mod in DRIVER_MODULES:
            return True
    return bool(DRIVER_FUNC.match(top))


def classify(title, body):
    """'driver' or 'foreign' for one report."""
    stacks = accesses(body)
    if not stacks:
        # A report we cannot parse is not silently foreign.
        return "driver"
    if any(access_is_driver(s) for s in stacks):
        return "driver"
    return "foreign"


def classify_log(text):
    """List of (verdict, title) for every report in the log."""
    return [(classify(t, b), t) for t, b in split_reports(text)]


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    with open(argv[1], errors="replace") as f:
        verdicts = classify_log(f.read())
    ours = [t for v, t in verdicts if v == "driver"]
    for v, t in verdicts:
        print(f"{v}: {t}")
    print(f"kcsan: {len(ours)} driver, {len(verdicts) - len(ours)} foreign")
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
