# SPDX-License-Identifier: GPL-2.0
"""The loop that the host checks' --selftest modes share: plant each
mutation in a fresh temporary copy, run the check, and require that it
fails and names the problem."""


def caught_all(mutations, fresh, run, prefix=""):
    """mutations: [(what, mutate(), text the report must contain)];
    fresh() makes a clean copy, run() returns (exit code, output).
    Prints one line per mutation; returns 0 when every one was caught."""
    ok = True
    for what, mutate, expect in mutations:
        fresh()
        mutate()
        rc, out = run()
        hits = [line for line in out.splitlines()
                if line.startswith(prefix) and expect in line]
        caught = rc != 0 and bool(hits)
        ok &= caught
        print(f"selftest: {'caught' if caught else 'NOT CAUGHT'}: {what}")
        for h in hits[:1]:
            print("          " + h)
        if not caught:
            print(out)
    print("selftest: " + ("ok: every planted drift caught" if ok
                          else "FAILED: a planted drift went unnoticed"))
    return 0 if ok else 1
