#!/usr/bin/env python3
"""kvm-unit-tests (KUT) as an external suite: find it, build it, list it, read its verdicts.

Owns:
  * where the KUT source is (KUT_DIR; see kut_dir());
  * the build copy build/kvm-unit-tests (x86_64), rebuilt only when it is
    missing or older than the source (a stamp of the source tree);
  * reading tests/kut/tests.txt, the one list of KUT tests svmhv runs;
  * the verdict of one KUT boot from its serial log and QEMU status.
The KUT source is read-only and never copied into the project's sources.

Called by `make kut`:
    python3 tests/harness/kut.py build [--kut-dir DIR] [--out build/kvm-unit-tests]
(exit 0 when built or up to date, 77 when KUT_DIR is absent: a skip),
and imported by tests/harness/kut_reference.py and tests/harness/kut_svmhv.py.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True     # no __pycache__ in the source tree

REPO = Path(__file__).resolve().parents[2]
TESTS_TXT = REPO / "tests" / "kut" / "tests.txt"
BUILD_DIR = REPO / "build" / "kvm-unit-tests"
# The snapshot beside the repository, then the shared one by absolute path
# (CI clones the repository elsewhere).
DEFAULT_DIRS = [REPO.parent / "shared" / "third_party" / "kvm-unit-tests",
                Path("/work/shared/third_party/kvm-unit-tests")]
SKIP_STATUS = 77                   # like KUT (and automake): "skipped"
STAMP = ".svmhv-stamp"


def kut_dir(given: str | None = None) -> Path | None:
    """The KUT source: the given path or $KUT_DIR if set (even when it does
    not exist, so a typo is reported), else the first default that exists."""
    given = given or os.environ.get("KUT_DIR")
    if given:
        p = Path(given).resolve()
        return p if (p / "configure").is_file() else None
    for p in DEFAULT_DIRS:
        if (p / "configure").is_file():
            return p.resolve()
    return None


def absent_message(given: str | None = None) -> str:
    where = given or os.environ.get("KUT_DIR") or " or ".join(str(p) for p in DEFAULT_DIRS)
    return f"kvm-unit-tests not found at {where} (set KUT_DIR to its source)"


# ---- build ----

def _source_stamp(src: Path) -> str:
    """A digest of the source tree's names, sizes and times (no contents:
    cheap enough to take on every `make kut`)."""
    h = hashlib.sha256(str(src).encode())
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for f in sorted(files):
            st = os.lstat(os.path.join(root, f))
            h.update(f"{os.path.relpath(os.path.join(root, f), src)}"
                     f" {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _restore_symlinks(tree: Path) -> int:
    """A snapshot exported without symlink support keeps each git symlink
    as a small file holding its target (x86/sieve.c is "../common/sieve.c"),
    which does not compile.  Turn such files back into links."""
    n = 0
    for p in tree.rglob("*"):
        if not p.is_file() or p.is_symlink() or p.stat().st_size > 255:
            continue
        try:
            text = p.read_text()
        except (UnicodeDecodeError, OSError):
            continue
        if not text or "\n" in text or "\0" in text:
            continue
        target = p.parent / text
        if target.is_file() and target.resolve() != p.resolve():
            p.unlink()
            p.symlink_to(text)
            n += 1
    return n


def build(src: Path, out: Path, jobs: int = 2, quiet: bool = False) -> None:
    """Copy src to out and build it for x86_64, unless out is up to date."""
    stamp = _source_stamp(src)
    stamp_file = out / STAMP
    if stamp_file.exists() and stamp_file.read_text().strip() == stamp \
            and any(out.glob("x86/*.flat")):
        if not quiet:
            print(f"kut: {out} is up to date with {src}")
        return
    print(f"kut: building {src} in {out}", flush=True)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    for p in out.rglob("*"):          # the snapshot is read-only
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | 0o200)
    fixed = _restore_symlinks(out)
    if fixed:
        print(f"kut: restored {fixed} symlinks stored as plain files")
    log = out / "build.log"
    with open(log, "w") as f:
        for cmd in (["./configure", "--arch=x86_64"], ["make", f"-j{jobs}"]):
            r = subprocess.run(cmd, cwd=out, stdout=f, stderr=subprocess.STDOUT)
            if r.returncode:
                tail = log.read_text(errors="replace").splitlines()[-20:]
                raise RuntimeError(f"{' '.join(cmd)} failed (status {r.returncode}) in {out}; "
                                   f"last lines of {log}:\n" + "\n".join(tail))
    stamp_file.write_text(stamp + "\n")
    print(f"kut: built {len(list(out.glob('x86/*.flat')))} x86 tests in {out}")


# ---- the test list ----

@dataclass
class KutTest:
    """One boot of one KUT binary (a line of tests/kut/tests.txt)."""
    name: str
    flat: str                       # file under x86/ of the build
    smp: int = 1
    args: str = ""                  # the test's command line
    cpu: str = ""                   # features added to the CPU model
    devices: list[str] = field(default_factory=list)
    qemu: list[str] = field(default_factory=list)
    timeout: float = 60.0
    # Under svmhv (tests/harness/kut_svmhv.py): the verdict the list expects,
    # PASS, SKIP or FAIL (svmhv=pass, svmhv=skip:"why", svmhv=xfail:"why"),
    # why it is not PASS, and extra words for the guest's module string.
    svmhv_expect: str = "PASS"
    svmhv_reason: str = ""
    svmhv_opts: list[str] = field(default_factory=list)
    # slow=yes: minutes under svmhv in nested TCG (its reason in tests.txt);
    # `make test` reports it as skipped, `make kut-slow` runs it, alone in
    # its boot.
    slow: bool = False
    # alone=yes: its own boot, no other guest beside it - for a test that
    # times its own instructions against the APIC timer (apic's TMCCT
    # checks) and fails when an overcommitted boot preempts it in between.
    alone: bool = False
    # icount=yes: its own boot under QEMU -icount shift=0 (svmhv runs only):
    # the emulated CPUs' clocks follow instructions, not the host's wall
    # clock, so a host thread preempted by the machine running QEMU does not
    # look to the guest like a CPU that stopped while its timers ran on.
    icount: bool = False

    def cpu_model(self, base: str = "EPYC") -> str:
        return f"{base},{self.cpu}" if self.cpu else base


_EXPECT_WORDS = {"pass": "PASS", "skip": "SKIP", "xfail": "FAIL"}


def parse_expectation(val: str, where: str = "tests.txt") -> tuple[str, str]:
    """svmhv=pass, svmhv=skip:REASON or svmhv=xfail:REASON (the reason in
    quotes when it has spaces): the verdict expected under svmhv and why."""
    word, colon, reason = val.partition(":")
    verdict = _EXPECT_WORDS.get(word)
    if verdict is None:
        raise ValueError(f"{where}: svmhv={val!r}: want pass, skip:REASON or xfail:REASON")
    reason = reason.strip()
    if verdict == "PASS" and colon:
        raise ValueError(f"{where}: svmhv=pass takes no reason")
    if verdict != "PASS" and not reason:
        raise ValueError(f"{where}: svmhv={word} needs a reason: svmhv={word}:\"why\"")
    return verdict, reason


def parse_tests(text: str, origin: str = "tests.txt") -> list[KutTest]:
    tests: list[KutTest] = []
    for n, line in enumerate(text.splitlines(), 1):
        words = shlex.split(line, comments=True)
        if not words:
            continue
        if len(words) < 2 or "=" in words[0] or "=" in words[1]:
            raise ValueError(f"{origin}:{n}: expected NAME FLAT [key=value ...]")
        t = KutTest(words[0], words[1])
        for w in words[2:]:
            key, eq, val = w.partition("=")
            if not eq:
                raise ValueError(f"{origin}:{n}: {w!r} is not key=value")
            if key == "smp":
                t.smp = int(val)
            elif key == "args":
                t.args = val
            elif key == "cpu":
                t.cpu = val
            elif key == "devices":
                t.devices = [d for d in val.split(",") if d]
            elif key == "qemu":
                t.qemu = shlex.split(val)
            elif key == "timeout":
                t.timeout = float(val)
            elif key == "svmhv":
                t.svmhv_expect, t.svmhv_reason = parse_expectation(val, f"{origin}:{n}")
            elif key == "svmhv_opts":
                t.svmhv_opts = val.split()
            elif key == "alone":
                if val not in ("yes", "no"):
                    raise ValueError(f"{origin}:{n}: alone={val!r}: want yes or no")
                t.alone = val == "yes"
            elif key == "icount":
                if val not in ("yes", "no"):
                    raise ValueError(f"{origin}:{n}: icount={val!r}: want yes or no")
                t.icount = val == "yes"
            elif key == "slow":
                if val not in ("yes", "no"):
                    raise ValueError(f"{origin}:{n}: slow={val!r}: want yes or no")
                t.slow = val == "yes"
            else:
                raise ValueError(f"{origin}:{n}: unknown key {key!r}")
        if any(t.name == o.name for o in tests):
            raise ValueError(f"{origin}:{n}: duplicate name {t.name!r}")
        tests.append(t)
    return tests


def load_tests(path: Path = TESTS_TXT) -> list[KutTest]:
    return parse_tests(path.read_text(), str(path))


# ---- verdicts ----

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"
_REPORT = re.compile(r"^(PASS|FAIL|SKIP|XPASS|XFAIL|KFAIL): (.*)$", re.MULTILINE)
_SUMMARY = re.compile(r"^SUMMARY: (\d+) tests(?:, (\d+) unexpected failures)?"
                      r"(?:, (\d+) known failures)?(?:, (\d+) expected failures)?"
                      r"(?:, (\d+) skipped)?", re.MULTILINE)
# vmexit reports no PASS/FAIL: a result line "NAME CYCLES" per sub-test, or
# "NAME (skipped)".
_VMEXIT_RESULT = re.compile(r"^([a-z0-9_-]+) (-?\d+)$", re.MULTILINE)
_VMEXIT_SKIP = re.compile(r"^([a-z0-9_-]+) \(skipped\)$", re.MULTILINE)


@dataclass
class Verdict:
    verdict: str                    # PASS, FAIL or SKIP
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    reason: str = ""                # why FAIL or SKIP, one line
    summary: str = ""               # KUT's SUMMARY line, if any
    cycles: dict[str, int] = field(default_factory=dict)   # vmexit results

    def counts(self) -> str:
        return f"{self.passed} pass, {self.failed} fail, {self.skipped} skip"


def verdict(log: str, status: int | None, timed_out: bool = False) -> Verdict:
    """Verdict of one boot from its serial log and the exit status of QEMU
    (or of svmhv's stand-in for it).  KUT exits through port 0xf4 with its
    code c, and QEMU with (c << 1) | 1: 1 = passed, 3 = failed, 77 = every
    check skipped.  Status 0 (-no-reboot) is a reset or triple fault."""
    v = Verdict(FAIL)
    for kind, text in _REPORT.findall(log):
        if kind in ("PASS", "XFAIL", "KFAIL"):
            v.passed += kind == "PASS"
            v.failed += kind == "KFAIL"      # known failure: still a failure here
        elif kind == "SKIP":
            v.skipped += 1
        else:                                # FAIL, XPASS
            v.failed += 1
            if not v.reason:
                v.reason = f"{kind}: {text.strip()}"
    if (m := _SUMMARY.search(log)):
        v.summary = m.group(0)
    results = dict((n, int(c)) for n, c in _VMEXIT_RESULT.findall(log))
    skips = _VMEXIT_SKIP.findall(log)
    if not _REPORT.search(log) and not v.summary and (results or skips):
        v.cycles = results
        v.passed, v.skipped = len(results), len(skips)
        if skips and not v.reason:
            v.reason = "sub-test skipped: " + ", ".join(skips)
    abort = re.search(r"^(ABORT:.*|.*[Aa]ssert.*failed.*|Unhandled exception.*)$", log, re.MULTILINE)

    if timed_out:
        v.verdict, v.reason = FAIL, "timeout" + (f" after {v.reason}" if v.reason else "")
    elif status == 1 and not v.failed:
        v.verdict = PASS if v.passed or not v.skipped else SKIP
    elif status == SKIP_STATUS:
        v.verdict = SKIP
        if not v.reason:
            skip = re.search(r"^SKIP: (.*)$", log, re.MULTILINE)
            v.reason = skip.group(1).strip() if skip else "every check skipped"
    elif status == 0:
        v.verdict = FAIL
        v.reason = "reset or triple fault" + (f" after {v.reason}" if v.reason else "")
    else:
        v.verdict = FAIL
        if abort and not v.reason:
            v.reason = abort.group(1).strip()
        elif not v.reason:
            v.reason = f"exit status {status}"
    if v.verdict == PASS and v.skipped and not v.reason:
        skip = re.search(r"^SKIP: (.*)$", log, re.MULTILINE)
        v.reason = "some skipped: " + skip.group(1).strip() if skip else ""
    return v


def env_file(test: KutTest, extra: dict[str, str] | None = None) -> str:
    """The environment file KUT's own runner passes as -initrd (scripts/
    arch-run.bash writes TARGET, QEMU_ACCEL, versions, ERRATA_*); the x86 lib
    reads NR_CPUS, MEMSIZE, TEST_DEVICE, MEMLIMIT, BOOTLOADER from it."""
    env = {"TARGET": "qemu", "QEMU_ACCEL": "tcg"}
    env.update(extra or {})
    return "".join(f"{k}={v}\n" for k, v in env.items())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build kvm-unit-tests for svmhv's runs.")
    p.add_argument("command", choices=("build", "where", "list"))
    p.add_argument("--kut-dir", help="KUT source (default: $KUT_DIR, then the shared snapshot)")
    p.add_argument("--out", default=str(BUILD_DIR), help="build copy (default build/kvm-unit-tests)")
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args(argv)
    if a.command == "list":
        for t in load_tests():
            expect = t.svmhv_expect + (f" ({t.svmhv_reason})" if t.svmhv_reason else "")
            print(f"{t.name:32} {t.flat:16} smp={t.smp} cpu={t.cpu_model()} args={t.args!r} "
                  f"svmhv: {expect}")
        return 0
    src = kut_dir(a.kut_dir)
    if src is None:
        print(f"kut: SKIP: {absent_message(a.kut_dir)}")
        return SKIP_STATUS
    if a.command == "where":
        print(src)
        return 0
    try:
        build(src, Path(a.out).resolve(), a.jobs)
    except (RuntimeError, OSError) as e:
        print(f"kut: build failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
