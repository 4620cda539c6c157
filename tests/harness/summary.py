#!/usr/bin/env python3
"""Summarise every result file of a test run.

Owns: the verdict of `make test`.  Called last by `make test` as
    python3 tests/harness/summary.py build/results
It reads every *.tap file in the directory (written by hosttests.py and
suites.py, or any TAP producer), prints the counts per file, lists every
failure, and ends with exactly one line
    N passed, N failed, N skipped
Exit status: 1 if anything failed or no test ran at all, else 0.

Accepted lines: "ok ..." / "not ok ..." (test numbers optional), with an
optional "# SKIP reason" (or "# TODO", counted as skipped) directive;
"Bail out!" counts as a failure.  A file whose plan ("1..N") says more
tests than it holds gets one failure for the missing ones.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_RESULT = re.compile(r"^(not )?ok\b(?:\s+\d+)?\s*(?:-\s*)?(.*)$")
_DIRECTIVE = re.compile(r"(?<!\\)#\s*(SKIP|TODO)\b", re.IGNORECASE)
_PLAN = re.compile(r"^1\.\.(\d+)")


def read_tap(path: Path) -> tuple[int, int, int, list[str]]:
    """passed, failed, skipped and the failure lines of one TAP file."""
    passed = failed = skipped = 0
    failures: list[str] = []
    plan = None
    for line in path.read_text(errors="replace").splitlines():
        line = line.rstrip()
        if (m := _PLAN.match(line)) and plan is None:
            plan = int(m.group(1))
        elif (m := _RESULT.match(line)):
            if _DIRECTIVE.search(m.group(2)):
                skipped += 1
            elif m.group(1):
                failed += 1
                failures.append(line)
            else:
                passed += 1
        elif line.startswith("Bail out!"):
            failed += 1
            failures.append(line)
    if plan is not None and passed + failed + skipped < plan:
        missing = plan - (passed + failed + skipped)
        failed += 1
        failures.append(f"not ok - {path.name}: {missing} of {plan} planned results missing")
    return passed, failed, skipped, failures


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: summary.py RESULTS_DIR", file=sys.stderr)
        return 2
    files = sorted(Path(argv[1]).glob("*.tap"))
    total = [0, 0, 0]
    failures: list[str] = []
    for f in files:
        p, fl, s, fails = read_tap(f)
        total = [total[0] + p, total[1] + fl, total[2] + s]
        mark = "FAIL" if fl else "ok  "
        print(f"{mark} {f.name:28} {p:4} passed {fl:4} failed {s:4} skipped")
        failures += fails
    if failures:
        print(f"\n{len(failures)} failures:")
        for line in failures:
            print("  " + line)
    if not files or sum(total) == 0:
        print(f"\nsummary.py: no test results in {argv[1]}")
    print()
    print(f"{total[0]} passed, {total[1]} failed, {total[2]} skipped")
    return 1 if total[1] or sum(total) == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
