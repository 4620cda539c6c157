#!/usr/bin/env python3
"""The kvm-unit-tests reference: each test of tests/kut/tests.txt booted
directly under QEMU TCG, with no svmhv, on the CPU model svmhv's runs use.

Owns: the QEMU command line of a reference boot (the one of KUT's x86/run,
less KVM: -kernel FLAT, -append ARGS, -initrd ENVFILE, -smp, the exit and
test devices), one line per test with its verdict and counts, and
    build/results/kut-reference.log   every test's serial output
    build/results/kut-reference.tap   one line per test, the harness format
                                      of tests/harness/suites.py
Builds KUT first when needed (tests/harness/kut.py).

Called by `make kut-reference` (and `make test` when KUT is present):
    python3 tests/harness/kut_reference.py [--only NAME[,PATTERN...]]
        [--kut-dir DIR] [--cpu MODEL] [--results DIR]
Runs are sequential (the machine's cores are shared).  Always exits 0, like
suites.py: summary.py decides.  A FAIL under plain TCG is recorded as such;
expected failures are explained in docs/kvm-unit-tests.md, not hidden here.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kut                                                  # noqa: E402
from suites import FAIL, PASS, SKIP, Check, tap_lines       # noqa: E402

QEMU = "qemu-system-x86_64"
MEM = "256M"           # what x86/run gives a test unless unittests.cfg says otherwise
RESULT_NAME = "kut-reference"


def qemu_cmdline(test: kut.KutTest, flat: Path, envfile: str, cpu: str) -> list[str]:
    cmd = [QEMU, "-M", "q35", "-accel", "tcg", "-cpu", test.cpu_model(cpu),
           "-smp", str(test.smp), "-m", MEM,
           "-no-reboot", "-nodefaults", "-display", "none", "-serial", "stdio",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4"]
    for d in test.devices:
        cmd += ["-device", d]
    cmd += test.qemu
    cmd += ["-kernel", str(flat), "-initrd", envfile]
    if test.args:
        cmd += ["-append", test.args]
    return cmd


def run_one(test: kut.KutTest, build: Path, cpu: str) -> tuple[kut.Verdict, str, float, list[str]]:
    """Boot one test; its verdict, serial log, wall time and command line."""
    flat = build / "x86" / test.flat
    with tempfile.NamedTemporaryFile("w", prefix="kut-env-", suffix=".txt") as env:
        env.write(kut.env_file(test))
        env.flush()
        cmd = qemu_cmdline(test, flat, env.name, cpu)
        start = time.monotonic()
        timed_out = False
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=test.timeout)
            status, out, err = r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired as e:
            status, out, err, timed_out = None, e.stdout or b"", e.stderr or b"", True
        wall = time.monotonic() - start
    log = out.decode(errors="replace").replace("\r", "")
    err_text = "\n".join(line for line in err.decode(errors="replace").splitlines()
                         if "TCG doesn't support requested feature" not in line)
    v = kut.verdict(log, status, timed_out)
    if status not in (0, 1, 3, kut.SKIP_STATUS, None) and err_text and not log.strip():
        v.reason = f"QEMU: {err_text.splitlines()[0]}"
    return v, log + (f"\n[stderr]\n{err_text}\n" if err_text else ""), wall, cmd


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run kvm-unit-tests directly under QEMU TCG.")
    p.add_argument("--only", help="test names or patterns, comma-separated")
    p.add_argument("--kut-dir", help="KUT source (default: $KUT_DIR, then the shared snapshot)")
    p.add_argument("--cpu", default="EPYC", help="CPU model (default EPYC, as svmhv's runs)")
    p.add_argument("--results", default="build/results", help="output directory")
    a = p.parse_args(argv)

    outdir = Path(a.results)
    outdir.mkdir(parents=True, exist_ok=True)
    tap = outdir / f"{RESULT_NAME}.tap"
    src = kut.kut_dir(a.kut_dir)
    if src is None:
        msg = kut.absent_message(a.kut_dir)
        print(f"kut-reference: SKIP: {msg}")
        tap.write_text("\n".join(tap_lines(RESULT_NAME, [Check("kvm-unit-tests", SKIP, msg)])) + "\n")
        return 0
    try:
        kut.build(src, kut.BUILD_DIR, quiet=True)
    except (RuntimeError, OSError) as e:
        print(f"kut-reference: build failed: {e}")
        tap.write_text("\n".join(tap_lines(RESULT_NAME, [Check("build", FAIL, str(e).splitlines()[0])])) + "\n")
        return 0

    tests = kut.load_tests()
    if a.only:
        pats = [x.strip() for x in a.only.split(",") if x.strip()]
        tests = [t for t in tests if any(fnmatch.fnmatchcase(t.name, x) for x in pats)]
    qemu_version = subprocess.run([QEMU, "--version"], capture_output=True,
                                  text=True).stdout.splitlines()[0]
    print(f"kut-reference: {len(tests)} tests under {qemu_version}, TCG, -cpu {a.cpu}", flush=True)
    checks: list[Check] = []
    start = time.monotonic()
    with open(outdir / f"{RESULT_NAME}.log", "w") as logf:
        logf.write(f"# {qemu_version}; KUT from {src}\n")
        for t in tests:
            v, log, wall, cmd = run_one(t, kut.BUILD_DIR, a.cpu)
            logf.write(f"\n===== {t.name}: {v.verdict} ({v.counts()}) in {wall:.1f}s\n"
                       f"===== {' '.join(cmd)}\n{log}")
            extra = f"  # {v.reason}" if v.reason else ""
            cycles = "  " + " ".join(f"{k}={c}" for k, c in v.cycles.items()) if v.cycles else ""
            print(f"{t.name:34} {v.verdict:4}  {v.counts():26} {wall:5.1f}s{cycles}{extra}",
                  flush=True)
            status = {kut.PASS: PASS, kut.SKIP: SKIP}.get(v.verdict, FAIL)
            detail = f"{t.name} ({v.counts()})"
            checks.append(Check(detail, status, v.reason or ("" if status == PASS else v.verdict)))
    total = time.monotonic() - start
    tap.write_text("\n".join(tap_lines(RESULT_NAME, checks)) + "\n")
    n = {s: sum(c.status == s for c in checks) for s in (PASS, FAIL, SKIP)}
    print(f"kut-reference: {n[PASS]} PASS, {n[FAIL]} FAIL, {n[SKIP]} SKIP in {total:.0f}s; "
          f"results in {tap}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
