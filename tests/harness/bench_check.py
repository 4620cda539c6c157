#!/usr/bin/env python3
"""The benchmarks' test: boot with test=bench, check the kernel's KTAP
results, then check that tools/wsreport reads the log and writes its files.

Owns: build/results/bench.log and build/results/bench.tap.  Called by
`make test` (after suites.py) as

    python3 tests/harness/bench_check.py --iso build/svmhv.iso

and by hand, also with --log LOG to check an existing log without booting
(a bench=quick log has no KTAP; its KTAP checks then fail).

The kernel's KTAP suite "bench" (bench/bench_tests.c) runs the quick suite and
checks structure and counters, never times: a result for every benchmark,
one host VMLOAD per VMRUN, VMSAVE counts by policy.  Here, on top:
  * the log has a BENCHMETA line and BENCH lines;
  * tools/wsreport exits 0 and writes bench.json (as many results as BENCH
    lines), bench.csv (one row each), bench.md and bench.png (a PNG);
  * wsreport --compare accepts the log against itself and refuses, exit
    status 2, a copy whose machine id was changed.
Result lines are suites.py's: "ok - bench: CHECK", "not ok - bench: CHECK #
reason", after a "1..N" plan; they are printed too.  Exit status 1 when a
check failed, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
import ktap                                    # noqa: E402
from qemu import run_qemu                      # noqa: E402
from suites import FAIL, PASS, Check, tap_lines   # noqa: E402

WSREPORT = ROOT / "tools" / "wsreport"
NAME = "bench"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_BENCH = re.compile(r"\bBENCH \{")
_META = re.compile(r"\bBENCHMETA (\{.*\})")


def check(name: str, ok: bool, reason: str = "") -> Check:
    return Check(name, PASS if ok else FAIL, "" if ok else (reason or "failed"))


def wsreport(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(WSREPORT), *args], capture_output=True, text=True)


def report_checks(log_path: Path, log: str) -> list[Check]:
    """What tools/wsreport must do with the log."""
    out: list[Check] = []
    nbench = len([l for l in log.splitlines() if _BENCH.search(l)])
    metas = _META.findall(log)
    out.append(check("log has BENCH lines and a BENCHMETA line", nbench > 0 and bool(metas),
                     f"{nbench} BENCH lines, {len(metas)} BENCHMETA lines"))
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        d = Path(tmp)
        r = wsreport(str(log_path), "-o", str(d))
        out.append(check("wsreport parses the log", r.returncode == 0,
                         f"exit {r.returncode}: {r.stderr.strip()[-200:]}"))
        try:
            doc = json.loads((d / "bench.json").read_text())
            n = len(doc.get("results", []))
            out.append(check("wsreport wrote bench.json", n == nbench and bool(doc.get("meta")),
                             f"{n} results for {nbench} BENCH lines"))
        except (OSError, ValueError) as e:
            out.append(check("wsreport wrote bench.json", False, str(e)))
        try:
            rows = (d / "bench.csv").read_text().strip().splitlines()
            out.append(check("wsreport wrote bench.csv", len(rows) == nbench + 1,
                             f"{len(rows) - 1} rows for {nbench} BENCH lines"))
        except OSError as e:
            out.append(check("wsreport wrote bench.csv", False, str(e)))
        try:
            md = (d / "bench.md").read_text()
            out.append(check("wsreport wrote bench.md", "## World switches" in md and "|" in md,
                             "no results table"))
        except OSError as e:
            out.append(check("wsreport wrote bench.md", False, str(e)))
        try:
            md = (d / "bench.md").read_text()
            svg = (d / "roundtrip.svg").read_text()
            out.append(check("wsreport wrote the unit costs, the model and roundtrip.svg",
                             "## Unit costs" in md and "## Do the counts explain" in md
                             and "<svg" in svg and (d / "units.csv").exists()
                             and (d / "model.csv").exists(), "a table or a file missing"))
        except OSError as e:
            out.append(check("wsreport wrote the unit costs, the model and roundtrip.svg", False,
                             str(e)))
        try:
            png = (d / "bench.png").read_bytes()
            out.append(check("wsreport wrote bench.png", png.startswith(PNG_MAGIC) and len(png) > 1000,
                             f"{len(png)} bytes, not a PNG"))
        except OSError as e:
            out.append(check("wsreport wrote bench.png", False, str(e)))

        r = wsreport(str(log_path), "--compare", str(log_path), "-o", str(d))
        out.append(check("wsreport compares a log with one of the same machine",
                         r.returncode == 0 and (d / "compare.md").exists(),
                         f"exit {r.returncode}: {r.stderr.strip()[-200:]}"))
        other = d / "other-machine.log"
        other.write_text(re.sub(r'"machine_id":"[^"]*"', '"machine_id":"0000000000000000"', log))
        r = wsreport(str(log_path), "--compare", str(other), "-o", str(d))
        out.append(check("wsreport refuses to compare logs of different machines",
                         r.returncode == 2 and "different machines" in r.stderr,
                         f"exit {r.returncode}: {r.stderr.strip()[-200:]}"))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Check the benchmarks: test=bench and tools/wsreport.")
    p.add_argument("--iso", default=str(ROOT / "build" / "svmhv.iso"))
    p.add_argument("--results", default=str(ROOT / "build" / "results"))
    p.add_argument("--log", help="check this log instead of booting")
    p.add_argument("--smp", type=int, default=4)
    p.add_argument("--timeout", type=float, default=400.0)
    a = p.parse_args(argv)

    results = Path(a.results)
    results.mkdir(parents=True, exist_ok=True)
    checks: list[Check] = []
    if a.log:
        log_path = Path(a.log)
        log = log_path.read_text(errors="replace")
    else:
        log_path = results / f"{NAME}.log"
        if not os.path.exists(a.iso):
            checks.append(check("exit code", False, f"{a.iso}: no such ISO"))
            log = ""
        else:
            res = run_qemu(a.iso, smp=a.smp, args="test=bench", modules=[], timeout=a.timeout,
                           log_path=str(log_path), quiet=True)
            log = res.log
            checks.append(check("exit code", res.code == 0, res.describe()))
    if log:
        present = ktap.has_ktap(log)
        checks.append(check("ktap output", present, "no 'KTAP version' line in the log"))
        for r in ktap.parse(log):
            name = f"{r.suite}.{r.test}" if r.suite else r.test
            checks.append(Check(f"ktap {name}", r.status, r.reason))
        checks += report_checks(log_path, log)
    lines = tap_lines(NAME, checks)
    (results / f"{NAME}.tap").write_text("\n".join(lines) + "\n")
    for line in lines[1:]:
        print(line)
    nfail = sum(c.status == FAIL for c in checks)
    print(f"bench_check: {len(checks) - nfail} of {len(checks)} checks passed; "
          f"{results / (NAME + '.tap')}", flush=True)
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
