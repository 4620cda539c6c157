#!/usr/bin/env python3
"""Run the host unit-test binaries (cmocka) and record their results.

Owns: running each binary, reading cmocka's TAP output and writing
build/results/host_NAME.tap (NAME = the binary's name less "test_"), one
line per check in the same format as tests/harness/suites.py:
    "ok - host_NAME: test"  /  "not ok - host_NAME: test # reason"
    "ok - host_NAME: test # SKIP reason"

Called by `make host-test` and `make test`:
    python3 tests/harness/hosttests.py [--results DIR] [--timeout S] BINARY...
Always exits 0: tests/harness/summary.py decides.

Each binary runs with CMOCKA_MESSAGE_OUTPUT=TAP.  cmocka prints, per group,
"1..N" then "ok N - name", "not ok N - name" (the "# ..." lines after it
say why) and "not ok N # SKIP name".  Besides one check per test, each
binary gets an "exit status" check, which fails when the binary was killed
by a signal, timed out, printed a sanitizer (ASan/UBSan) report, reported
fewer tests than its plan (those are failures too, "missing"), or exited
non-zero without any failing test to explain it.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suites import FAIL, PASS, SKIP, Check, tap_lines     # noqa: E402

_PLAN = re.compile(r"^1\.\.(\d+)")
_RESULT = re.compile(r"^(not )?ok\s+(\d+)\s*(?:-\s*)?(.*?)\s*$")
_SKIP = re.compile(r"^(.*?)\s*#\s*SKIP\b\s*(.*)$", re.IGNORECASE)
_SANITIZER = re.compile(r"(ERROR: AddressSanitizer|ERROR: LeakSanitizer|"
                        r"runtime error:|SUMMARY: \w+Sanitizer)")


@dataclass
class _Group:
    plan: int
    seen: int = 0


def parse_cmocka_tap(text: str) -> tuple[list[Check], list[str]]:
    """Checks from cmocka's TAP output, and the tests that never reported."""
    checks: list[Check] = []
    groups: list[_Group] = []
    last_fail: Check | None = None
    for line in text.splitlines():
        line = line.strip()
        if (m := _PLAN.match(line)):
            groups.append(_Group(int(m.group(1))))
            last_fail = None
        elif (m := _RESULT.match(line)):
            if groups:
                groups[-1].seen += 1
            ok, desc = m.group(1) is None, m.group(3)
            if (s := _SKIP.match(desc)):
                name, reason = s.group(1), ""
                if not name:                 # "not ok 3 # SKIP name"
                    name = s.group(2)
                else:
                    reason = s.group(2)
                checks.append(Check(name or f"test {m.group(2)}", SKIP, reason))
                last_fail = None
            else:
                c = Check(desc or f"test {m.group(2)}", PASS if ok else FAIL)
                checks.append(c)
                last_fail = None if ok else c
        elif line.startswith("#") and last_fail is not None:
            msg = line.lstrip("# ").strip()
            # "# ok - group" / "# not ok - group" close a group, not a reason
            if not re.match(r"^(not )?ok - ", msg):
                last_fail.reason = "; ".join(filter(None, [last_fail.reason, msg]))[:300]
    missing = [f"test {n} of group {gi}" for gi, g in enumerate(groups, 1)
               for n in range(g.seen + 1, g.plan + 1)]
    return checks, missing


def run_binary(path: str, timeout: float) -> tuple[list[Check], float, list[str]]:
    """Run one test binary: its checks, run time, and (when the exit status
    check fails) the last lines it printed."""
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
    start = time.monotonic()
    timed_out = False
    try:
        proc = subprocess.run([os.path.abspath(path)], env=env, capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=timeout)
        out = proc.stdout.decode(errors="replace")
        err = proc.stderr.decode(errors="replace")
        status = proc.returncode
    except subprocess.TimeoutExpired as e:
        timed_out = True
        out = (e.stdout or b"").decode(errors="replace")
        err = (e.stderr or b"").decode(errors="replace")
        status = None
    except OSError as e:
        return [Check("exit status", FAIL, f"cannot run: {e}")], 0.0, []
    wall = time.monotonic() - start

    checks, missing = parse_cmocka_tap(out)
    for name in missing:
        checks.append(Check(name, FAIL, "missing"))
    failed = any(c.status == FAIL for c in checks)
    sanitizer = _SANITIZER.search(err) or _SANITIZER.search(out)

    reason = ""
    if timed_out:
        reason = f"timed out after {timeout:.0f}s"
    elif status is not None and status < 0:
        try:
            sig = signal.Signals(-status).name
        except ValueError:
            sig = str(-status)
        reason = f"killed by {sig}"
    elif sanitizer:
        reason = "sanitizer: " + _sanitizer_line(err + "\n" + out)
    elif missing:
        reason = f"exit status {status}, {len(missing)} tests never reported"
    elif status != 0 and not failed:
        reason = f"exit status {status} with no failing test"
    elif not checks:
        reason = "no TAP output (is it a cmocka test?)"
    checks.append(Check("exit status", FAIL if reason else PASS, reason))
    tail: list[str] = []
    if sanitizer:       # the report's head says what and where
        text = err if _SANITIZER.search(err) else out
        tail = text[_SANITIZER.search(text).start():].splitlines()[:20]
    elif reason:
        tail = (err or out).strip().splitlines()[-20:]
    return checks, wall, tail


def _sanitizer_line(text: str) -> str:
    for line in text.splitlines():
        if "SUMMARY:" in line or "runtime error:" in line:
            return line.strip()[:200]
    m = _SANITIZER.search(text)
    return m.group(0) if m else "report"


def result_name(path: str) -> str:
    base = os.path.basename(path)
    if base.startswith("test_"):
        base = base[len("test_"):]
    return "host_" + base


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run cmocka host unit tests.")
    p.add_argument("binaries", nargs="*")
    p.add_argument("--results", default="build/results", help="output directory")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per binary")
    a = p.parse_args(argv)
    outdir = Path(a.results)
    outdir.mkdir(parents=True, exist_ok=True)
    if not a.binaries:
        print("hosttests.py: no host test binaries given")
    for path in a.binaries:
        name = result_name(path)
        checks, wall, tail = run_binary(path, a.timeout)
        (outdir / f"{name}.tap").write_text("\n".join(tap_lines(name, checks)) + "\n")
        n = {s: sum(c.status == s for c in checks) for s in (PASS, FAIL, SKIP)}
        print(f"run {name}: {n[PASS]} passed, {n[FAIL]} failed, "
              f"{n[SKIP]} skipped ({wall:.1f}s)", flush=True)
        for c in checks:
            if c.status == FAIL:
                print(f"  not ok - {name}: {c.name} # {c.reason}", flush=True)
        for line in tail:
            print("  | " + line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
