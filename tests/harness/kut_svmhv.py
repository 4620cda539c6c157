#!/usr/bin/env python3
"""kvm-unit-tests as svmhv guests: several KUT tests per boot of svmhv.

Owns:
  * the KUT ISO build/kut/svmhv-kut.iso: the kernel, the ISO's grub.cfg, the
    .flat binaries the list uses under /kut/ and one environment file per
    test under /kut/env/ (rebuilt on every run: it is small);
  * how tests are grouped into boots (plan_boots) and the module strings of
    a test: `guest name=N vcpus=K mem=M timeout=MS [OPTS] -- ARGS`, then
    `attach for=N` with the environment file (NR_CPUS, MEMSIZE, ...);
  * reading one guest's part of a boot's serial log (guest_output: svmhv
    prints each guest line as "[NAME] text", vmm/console.c, and one report
    line "guest NAME: stopped: WHAT (DETAIL); ...", vmm/vm.c vm_report) and
    its verdict (guest_verdict, through kut.verdict);
  * comparing that verdict with the one tests/kut/tests.txt expects
    (svmhv=pass, the default; svmhv=skip:"why"; svmhv=xfail:"why"), and
        build/results/kut.log    every boot's serial log
        build/results/kut.tap    one line per test (tests/harness/summary.py)
        build/results/kut.json   every test's verdict, counts and reason
  * the side-by-side table of the reference (plain QEMU, kut_reference.py)
    and svmhv verdicts (`compare`).

Called by `make kut` and `make test`:
    python3 tests/harness/kut_svmhv.py [run] [--only NAME[,PATTERN...]]
        [--kut-dir DIR] [--per-boot N] [--max-vcpus N] [--firmware bios|uefi]
        [--results DIR]
    python3 tests/harness/kut_svmhv.py plan     (the boots and module strings)
and by hand (or `make kut-compare`):
    python3 tests/harness/kut_svmhv.py compare [--results DIR]
Always exits 0 for `run`, like suites.py: summary.py decides.

A result line is "ok" when the verdict is the expected one, except that an
expected FAIL is written "not ok ... # TODO" (summary.py counts it as
skipped).  A test expected to PASS that does not, or one expected to FAIL or
SKIP that PASSes (or otherwise differs), is "not ok": the list must then be
updated, so it stays honest.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kut                                                 # noqa: E402
from qemu import run_qemu, without_noise                  # noqa: E402
from suites import exit_stats_mismatches                   # noqa: E402

REPO = kut.REPO
RESULT_NAME = "kut"
REFERENCE_NAME = "kut-reference"
GUEST_MEM_MIB = 128          # each KUT guest's RAM (x86/run gives 256M; 128 is plenty)
HOST_SMP = 4                 # svmhv's CPUs (QEMU -smp) in every KUT boot
HOST_CPU = "EPYC"            # svmhv's CPU model; the guests see svmhv's CPUID
PER_BOOT = 15                # tests per boot (each takes two of svmhv's 32 modules)
MAX_VCPUS_PER_BOOT = 20      # guest vCPUs per boot (svmhv has HOST_SMP CPUs)
BOOT_SLACK = 60.0            # seconds for GRUB, svmhv's start-up and reports
MAX_MODULES = 32             # kernel/mb2.h MB2_MAX_MODULES; two per test
GUEST_NAME_MAX = 31          # vmm/loader/loader.h GUEST_NAME_SIZE less the NUL
EXPECT_WORD = {kut.PASS: "pass", kut.SKIP: "skip", kut.FAIL: "xfail"}


# ---- boots ----

def guest_name(test: kut.KutTest, index: int) -> str:
    """The guest's name in svmhv (A-Z a-z 0-9 _ -, at most 31 characters)."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", test.name)
    if len(name) > GUEST_NAME_MAX:
        tag = f"-{index}"
        name = name[:GUEST_NAME_MAX - len(tag)] + tag
    return name


@dataclass
class Slot:
    """One test inside a boot."""
    test: kut.KutTest
    guest: str                 # its name in svmhv's log
    env_path: str              # its environment file, inside the ISO


@dataclass
class Boot:
    index: int
    slots: list[Slot] = field(default_factory=list)

    @property
    def vcpus(self) -> int:
        return sum(s.test.smp for s in self.slots)

    @property
    def timeout(self) -> float:
        """Guests run at once and each stops at its own timeout."""
        return max((s.test.timeout for s in self.slots), default=0) + BOOT_SLACK

    @property
    def icount(self) -> bool:
        return any(s.test.icount for s in self.slots)

    @property
    def mem(self) -> str:
        return f"{512 + GUEST_MEM_MIB * len(self.slots)}M"


def boots_alone(t: kut.KutTest) -> bool:
    """A slow test, one marked alone and one under icount get a boot of
    their own."""
    return t.slow or t.alone or t.icount


def plan_boots(tests: list[kut.KutTest], per_boot: int = PER_BOOT,
               max_vcpus: int = MAX_VCPUS_PER_BOOT) -> list[Boot]:
    """Tests in list order, packed into boots of at most per_boot tests and
    max_vcpus guest vCPUs."""
    boots: list[Boot] = []
    per_boot = max(1, min(per_boot, MAX_MODULES // 2))
    for i, t in enumerate(tests):
        # Beside another test a slow or alone one would share its CPUs.
        solo = boots_alone(t)
        if not boots or len(boots[-1].slots) >= per_boot or solo \
                or boots_alone(boots[-1].slots[0].test) \
                or (boots[-1].slots and boots[-1].vcpus + t.smp > max_vcpus):
            boots.append(Boot(len(boots)))
        boots[-1].slots.append(Slot(t, guest_name(t, i), f"/kut/env/{guest_name(t, i)}.env"))
    return boots


def env_text(test: kut.KutTest, mem_mib: int = GUEST_MEM_MIB) -> str:
    """The environment file: KUT reads NR_CPUS and MEMSIZE before fw_cfg."""
    return kut.env_file(test, {"NR_CPUS": str(test.smp), "MEMSIZE": str(mem_mib)})


def module_lines(slot: Slot, mem_mib: int = GUEST_MEM_MIB) -> list[tuple[str, str]]:
    """(path inside the ISO, module string) of the test and its environment."""
    t = slot.test
    # The CPU features the reference takes away from its model, svmhv takes
    # away from the guest's: today x2APIC (the xapic entry of apic).
    cpu_opts = ["x2apic=off"] if "-x2apic" in t.cpu.split(",") else []
    words = ["guest", f"name={slot.guest}", f"vcpus={t.smp}", f"mem={mem_mib}",
             f"timeout={int(t.timeout * 1000)}", *cpu_opts, *t.svmhv_opts, "--", t.flat]
    # argv[0] is the first word, as QEMU's multiboot -kernel gives it.
    if t.args:
        words += t.args.split()
    return [(f"/kut/{t.flat}", " ".join(words)),
            (slot.env_path, f"attach for={slot.guest}")]


def make_iso(boots: list[Boot], kut_build: Path, kernel: Path, out: Path) -> Path:
    """The ISO of the KUT boots: kernel, grub.cfg, flats, environment files."""
    tree = out / "iso"
    if tree.exists():
        shutil.rmtree(tree)
    (tree / "boot" / "grub").mkdir(parents=True)
    (tree / "kut" / "env").mkdir(parents=True)
    shutil.copyfile(kernel, tree / "boot" / "svmhv.elf")
    shutil.copyfile(REPO / "boot" / "grub.cfg", tree / "boot" / "grub" / "grub.cfg")
    for b in boots:
        for s in b.slots:
            flat = kut_build / "x86" / s.test.flat
            if not flat.is_file():
                raise FileNotFoundError(f"{flat}: not built")
            shutil.copyfile(flat, tree / "kut" / s.test.flat)
            (tree / s.env_path.lstrip("/")).write_text(env_text(s.test))
    iso = out / "svmhv-kut.iso"
    r = subprocess.run(["grub-mkrescue", "-o", str(iso), str(tree)],
                       capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"grub-mkrescue failed: {r.stderr.strip()[-500:]}")
    return iso


# ---- reading a boot's log ----

_STOP = re.compile(r"guest (?P<name>[A-Za-z0-9_-]+): stopped: (?P<how>.*?)(?:; \d+ exits.*)?$")
# The guest's exit status inside svmhv's stop text: "exit:N" (expect=exit:N
# style), "exit port ... N" or "... with status N" (the exit hypercall).
_EXIT_VALUE = [re.compile(r"\bexit:\s*(-?(?:0x[0-9a-fA-F]+|\d+))"),
               re.compile(r"\bexit port\b[^;]*?\b(?:value|status|code|of)\s+(-?(?:0x[0-9a-fA-F]+|\d+))"),
               re.compile(r"\bwith status\s+(-?(?:0x[0-9a-fA-F]+|\d+))")]


@dataclass
class GuestRun:
    """What a boot's log says about one guest."""
    console: str = ""                  # its own lines, prefix removed
    stop: str | None = None            # svmhv's "stopped: ..." text
    exit_value: int | None = None      # the value written to the exit port
    refused: str = ""                  # why svmhv did not start it


def exit_value(stop: str) -> int | None:
    for rx in _EXIT_VALUE:
        if (m := rx.search(stop)):
            return int(m.group(1), 0)
    return None


def guest_output(log: str, name: str) -> GuestRun:
    g = GuestRun()
    prefix = f"[{name}] "
    lines = log.replace("\r", "").splitlines()
    out = []
    for i, line in enumerate(lines):
        at = line.find(prefix)
        if at >= 0:
            out.append(line[at + len(prefix):])
            continue
        if (m := _STOP.search(line)) and m.group("name") == name and g.stop is None:
            g.stop = m.group("how")
            g.exit_value = exit_value(g.stop)
        elif f"name={name} " in line and ("not started" in line or "not created" in line):
            before = lines[i - 1].strip() if i else ""
            why = line[line.find("):") + 2:].strip() if "):" in line else line.strip()
            why = why.replace("; not started", "").replace("; not created", "")
            g.refused = f"{before}; {why}" if before.startswith("guest:") else why
    g.console = "\n".join(out) + ("\n" if out else "")
    return g


def guest_verdict(g: GuestRun, boot_problem: str = "", boot_timed_out: bool = False) -> kut.Verdict:
    """The verdict of one KUT guest.  Its exit value v stands for QEMU's
    status (v << 1) | 1 in kut.verdict(); svmhv's timeout is a timeout;
    a triple fault is QEMU's status 0 (reset)."""
    if g.refused and g.stop is None:
        v = kut.verdict(g.console, None)
        v.verdict, v.reason = kut.FAIL, f"not started: {g.refused}"
        return v
    if g.stop is None:
        v = kut.verdict(g.console, None, timed_out=boot_timed_out)
        v.verdict = kut.FAIL
        v.reason = (boot_problem or "no stop report from svmhv") + _after(g.console)
        return v
    how = g.stop
    if g.exit_value is not None:
        return kut.verdict(g.console, ((g.exit_value << 1) | 1) & 0xff)
    if how.startswith("timeout"):
        return kut.verdict(g.console, None, timed_out=True)
    if "triple fault" in how or how.startswith("shutdown"):
        return kut.verdict(g.console, 0)
    v = kut.verdict(g.console, None)
    v.verdict, v.reason = kut.FAIL, f"stopped: {how}" + _after(g.console)
    return v


def _after(console: str) -> str:
    """" after FAIL: ..." for the guest's first failed check, if any."""
    for kind, text in kut._REPORT.findall(console):
        if kind in ("FAIL", "XPASS"):
            return f" after {kind}: {text.strip()}"
    return ""


# ---- expectations and results ----

@dataclass
class Outcome:
    name: str
    verdict: str               # PASS, FAIL, SKIP (what happened)
    expect: str                # what tests.txt expects
    expect_reason: str
    passed: int
    failed: int
    skipped: int
    reason: str                # why FAIL or SKIP
    boot: int
    status: str                # "ok", "todo" (expected FAIL), "skip", "not ok"
    note: str = ""             # the TAP directive text


def judge(t: kut.KutTest, v: kut.Verdict, boot: int) -> Outcome:
    o = Outcome(t.name, v.verdict, t.svmhv_expect, t.svmhv_reason, v.passed, v.failed,
                v.skipped, v.reason, boot, "not ok")
    why = f": {v.reason}" if v.reason else ""
    if v.verdict == t.svmhv_expect:
        if v.verdict == kut.PASS:
            o.status = "ok"
        elif v.verdict == kut.SKIP:
            o.status, o.note = "skip", f"{t.svmhv_reason} (got{why or ' SKIP'})"
        else:
            o.status, o.note = "todo", f"expected FAIL: {t.svmhv_reason} (got{why or ' FAIL'})"
    elif t.svmhv_expect == kut.PASS:
        o.note = f"regression: {v.verdict}{why}"
    else:
        word = "unexpected PASS" if v.verdict == kut.PASS else f"{v.verdict}{why}"
        o.note = (f"{word}, tests.txt expects {t.svmhv_expect} ({t.svmhv_reason}): "
                  f"update it to svmhv={EXPECT_WORD[v.verdict]}"
                  + ("" if v.verdict == kut.PASS else ':"why"'))
    return o


def _tap_text(text: str) -> str:
    return " ".join(text.split()).replace("#", "\\#")


def tap_line(o: Outcome) -> str:
    desc = f"{RESULT_NAME}: {o.name} {o.verdict} ({o.passed} pass, {o.failed} fail, {o.skipped} skip)"
    if o.status == "ok":
        return f"ok - {desc}"
    if o.status == "skip":
        return f"ok - {desc} # SKIP {_tap_text(o.note)}"
    if o.status == "todo":
        return f"not ok - {desc} # TODO {_tap_text(o.note)}"
    note = _tap_text(o.note) or "failed"
    if note.upper().startswith(("SKIP", "TODO")):
        note = "- " + note
    return f"not ok - {desc} # {note}"


def write_results(outdir: Path, lines: list[str]) -> Path:
    tap = outdir / f"{RESULT_NAME}.tap"
    tap.write_text("\n".join([f"1..{len(lines)}"] + lines) + "\n")
    return tap


# ---- run ----

def select_tests(a: argparse.Namespace) -> tuple[list[kut.KutTest], list[kut.KutTest]]:
    """The tests of tests.txt that --only and --slow pick, and the slow ones
    left out (--slow no)."""
    tests = kut.load_tests()
    if a.only:
        pats = [x.strip() for x in a.only.split(",") if x.strip()]
        tests = [t for t in tests if any(fnmatch.fnmatchcase(t.name, x) for x in pats)]
    if a.slow == "only":
        return [t for t in tests if t.slow], []
    if a.slow == "no":
        return [t for t in tests if not t.slow], [t for t in tests if t.slow]
    return tests, []


def run(a: argparse.Namespace) -> int:
    outdir = Path(a.results)
    outdir.mkdir(parents=True, exist_ok=True)
    src = kut.kut_dir(a.kut_dir)
    if src is None:
        msg = kut.absent_message(a.kut_dir)
        print(f"kut: SKIP: {msg}", flush=True)
        write_results(outdir, [f"ok - {RESULT_NAME}: kvm-unit-tests # SKIP {_tap_text(msg)}"])
        return 0
    kernel = Path(a.kernel)
    start = time.monotonic()
    slow_skipped: list[kut.KutTest] = []
    try:
        kut.build(src, kut.BUILD_DIR, quiet=True)
        tests, slow_skipped = select_tests(a)
        boots = plan_boots(tests, a.per_boot, a.max_vcpus)
        if not kernel.is_file():
            raise FileNotFoundError(f"{kernel}: no kernel (make all)")
        iso = make_iso(boots, kut.BUILD_DIR, kernel, REPO / "build" / "kut")
    except (RuntimeError, OSError, ValueError) as e:
        print(f"kut: cannot run: {e}", flush=True)
        write_results(outdir, [f"not ok - {RESULT_NAME}: set-up # {_tap_text(str(e).splitlines()[0])}"])
        return 0

    print(f"kut: {len(tests)} kvm-unit-tests as svmhv guests in {len(boots)} boots "
          f"(up to {a.per_boot} per boot)", flush=True)
    outcomes: list[Outcome] = []
    stats_bad: list[str] = []
    logf = open(outdir / f"{RESULT_NAME}.log", "w")
    for b in boots:
        mods = [m for s in b.slots for m in module_lines(s)]
        boot_log = outdir / f"kut-boot{b.index}.log"
        try:
            r = run_qemu(str(iso), firmware=a.firmware, smp=HOST_SMP, mem=b.mem, cpu=HOST_CPU,
                         args="", modules=mods, timeout=b.timeout,
                         log_path=str(boot_log), quiet=True, icount=b.icount)
            log, problem, timed_out, wall = r.log, "", r.timed_out, r.wall
            qemu_said = without_noise(r.stderr).strip()
            if r.timed_out or r.code != 0:
                problem = f"svmhv boot: {r.describe()}"
        except Exception as e:          # a harness problem still makes results
            log, problem, timed_out, wall = "", f"harness error: {e}", False, 0.0
            qemu_said = ""
        boot_log.unlink(missing_ok=True)
        names = ", ".join(s.test.name for s in b.slots)
        logf.write(f"\n===== boot {b.index}: {names} ({b.vcpus} vCPUs) in {wall:.1f}s"
                   f"{'; ' + problem if problem else ''}\n")
        for path, string in mods:
            logf.write(f"===== module {path} {string}\n")
        logf.write(log)
        if qemu_said:       # e.g. the assertion message of a QEMU abort
            logf.write(f"===== QEMU's stderr\n{qemu_said}\n")
        logf.flush()
        print(f"kut: boot {b.index}: {len(b.slots)} tests, {b.vcpus} vCPUs, {wall:.0f}s"
              f"{'; ' + problem if problem else ''}", flush=True)
        stats_bad += [f"boot {b.index}: {m}" for m in exit_stats_mismatches(log) or []]
        for s in b.slots:
            g = guest_output(log, s.guest)
            v = guest_verdict(g, problem, timed_out)
            o = judge(s.test, v, b.index)
            outcomes.append(o)
            mark = {"ok": "ok  ", "skip": "skip", "todo": "xfail"}.get(o.status, "FAIL")
            print(f"  {mark:5} {o.name:34} {o.verdict:4} {o.passed:3}/{o.failed}/{o.skipped}"
                  f"{'  # ' + (o.note or o.reason) if (o.note or o.reason) else ''}", flush=True)
    logf.close()
    total = time.monotonic() - start
    lines = [tap_line(o) for o in outcomes]
    lines += [f"ok - {RESULT_NAME}: {t.name} # SKIP slow under nested TCG: make kut-slow runs it"
              for t in slow_skipped]
    # The exit statistics each guest printed must add up (suites.py).
    lines.append(f"{'not ok' if stats_bad else 'ok'} - {RESULT_NAME}: exit statistics add up"
                 f"{' # ' + _tap_text('; '.join(stats_bad[:3])) if stats_bad else ''}")
    tap = write_results(outdir, lines)
    (outdir / f"{RESULT_NAME}.json").write_text(json.dumps(
        {"seconds": round(total, 1), "boots": len(boots), "tests": [asdict(o) for o in outcomes]},
        indent=1) + "\n")
    n = {k: sum(o.status == k for o in outcomes) for k in ("ok", "skip", "todo", "not ok")}
    v = {k: sum(o.verdict == k for o in outcomes) for k in (kut.PASS, kut.FAIL, kut.SKIP)}
    print(f"kut: {v[kut.PASS]} PASS, {v[kut.FAIL]} FAIL, {v[kut.SKIP]} SKIP under svmhv; "
          f"{n['ok'] + n['skip'] + n['todo']} as tests.txt expects ({n['todo']} expected failures), "
          f"{n['not ok']} not; {total:.0f}s; results in {tap}", flush=True)
    return 0


# ---- compare ----

_TAP = re.compile(r"^(not )?ok\b(?:\s+\d+)?\s*-?\s*(?P<desc>[^#]*?)\s*(?:#\s*(?P<dir>.*))?$")


def reference_verdicts(tap: Path) -> dict[str, tuple[str, str]]:
    """name -> (verdict, reason) from kut-reference.tap."""
    out: dict[str, tuple[str, str]] = {}
    for line in tap.read_text(errors="replace").splitlines():
        m = _TAP.match(line)
        if not m:
            continue
        desc = m.group("desc")
        if desc.startswith(REFERENCE_NAME + ": "):
            desc = desc[len(REFERENCE_NAME) + 2:]
        name = desc.split(" ", 1)[0]
        counts = desc[len(name):].strip()
        d = (m.group("dir") or "").strip()
        if d.upper().startswith("SKIP"):
            out[name] = (kut.SKIP, f"{counts} {d[4:].strip()}".strip())
        elif m.group(1):
            out[name] = (kut.FAIL, f"{counts} {d}".strip())
        else:
            out[name] = (kut.PASS, counts)
    return out


def compare(a: argparse.Namespace) -> int:
    outdir = Path(a.results)
    ref_tap, ours = outdir / f"{REFERENCE_NAME}.tap", outdir / f"{RESULT_NAME}.json"
    ref = reference_verdicts(ref_tap) if ref_tap.exists() else {}
    svm = {t["name"]: t for t in json.loads(ours.read_text())["tests"]} if ours.exists() else {}
    if not ref:
        print(f"kut compare: no reference results in {ref_tap} (make kut-reference)")
    if not svm:
        print(f"kut compare: no svmhv results in {ours} (make kut)")
    try:
        names = [t.name for t in kut.load_tests()]
    except (OSError, ValueError):
        names = []
    names += [n for n in list(ref) + list(svm) if n not in names]
    print(f"{'test':34} {'reference':9} {'svmhv':6} {'expected':8}  svmhv counts / reason")
    for n in names:
        r = ref.get(n, ("-", ""))[0]
        s = svm.get(n)
        sv = s["verdict"] if s else "-"
        ex = s["expect"] if s else "-"
        flag = " " if not s or s["status"] != "not ok" else "!"
        detail = ""
        if s:
            detail = f"{s['passed']}/{s['failed']}/{s['skipped']}"
            if s["reason"]:
                detail += f"  {s['reason']}"
        better = " <" if r == kut.PASS and sv not in (kut.PASS, "-") else ""
        print(f"{n:34} {r:9} {sv:6}{flag}{ex:8}  {detail}{better}")
    print("\n'!' : not the verdict tests/kut/tests.txt expects; "
          "'<' : passes under plain QEMU but not under svmhv")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run kvm-unit-tests as svmhv guests.")
    p.add_argument("command", nargs="?", default="run", choices=("run", "compare", "plan"))
    p.add_argument("--only", help="test names or patterns, comma-separated")
    p.add_argument("--kut-dir", help="KUT source (default: $KUT_DIR, then the shared snapshot)")
    p.add_argument("--kernel", default=str(REPO / "build" / "svmhv.elf"))
    p.add_argument("--firmware", choices=("bios", "uefi"), default="bios")
    p.add_argument("--per-boot", type=int, default=PER_BOOT, help=f"tests per boot (default {PER_BOOT})")
    p.add_argument("--max-vcpus", type=int, default=MAX_VCPUS_PER_BOOT,
                   help=f"guest vCPUs per boot (default {MAX_VCPUS_PER_BOOT})")
    p.add_argument("--results", default="build/results", help="output directory")
    p.add_argument("--slow", choices=("no", "yes", "only"), default="no",
                   help="tests marked slow=yes: reported as skipped (no, `make test`), "
                        "run with the rest (yes), or run alone (only, `make kut-slow`)")
    a = p.parse_args(argv)
    if a.command == "compare":
        return compare(a)
    if a.command == "plan":
        for b in plan_boots(select_tests(a)[0], a.per_boot, a.max_vcpus):
            print(f"boot {b.index}: {len(b.slots)} tests, {b.vcpus} vCPUs, mem {b.mem}, "
                  f"timeout {b.timeout:.0f}s")
            for s in b.slots:
                for path, string in module_lines(s):
                    print(f"  {path:20} {string}")
        return 0
    return run(a)


if __name__ == "__main__":
    sys.exit(main())
