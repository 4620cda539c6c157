#!/usr/bin/env python3
"""World-switch benchmarks under QEMU: `make bench`.

Owns: the benchmark boot (QEMU, -smp 4, no guest modules, kernel command
line bench=quick or bench=full), the report files in build/bench/, and the
instruction-count gate of `make bench ICOUNT=1` against
bench/icount_limits.json.  Called by the Makefile as

    python3 tests/harness/bench.py --iso build/svmhv.iso [--icount]

and by hand with the options below.  The suite is quick unless --suite or
the environment variable BENCH (`make bench BENCH=full`) says full.

Writes into --outdir (build/bench):
    serial.log   the whole serial log (the kernel's table and BENCH lines)
    bench.json, bench.csv, bench.md, bench.png   from tools/wsreport

With --icount QEMU runs with -icount shift=0 on one TCG thread: the TSC
advances by one per instruction, so every result is an instruction count
and repeats exactly from one run to the next.  The counts named in
bench/icount_limits.json must not exceed their limits, and the task-switch
counts for 2, 64 and 1024 tasks must stay within the file's ratio (the
scheduler is O(1) in instructions whatever the caches do): any breach
prints a REGRESSION banner and fails.  After a deliberate change,
--update-limits rewrites the file from the run (review the diff).

Exit status: 0 all good; 1 the boot, a benchmark, the report or the gate
failed; 2 bad arguments.
"""

from __future__ import annotations

import argparse
import re
import json
import os
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from qemu import run_qemu                      # noqa: E402

WSREPORT = ROOT / "tools" / "wsreport"
LIMITS = ROOT / "bench" / "icount_limits.json"
SUITES = ("quick", "full")
TIMEOUTS = {"quick": 240.0, "full": 1800.0}    # seconds, generous for a loaded host
HEADROOM = 1.05                                # --update-limits: limit = measured x this
ABOUT = ("Instructions per iteration (median) under QEMU -icount shift=0, where one TSC tick "
         "is one instruction: `make bench ICOUNT=1` fails when a result named here exceeds "
         "max_instructions, or when the task-switch counts for 2, 64 and 1024 tasks differ by "
         "more than ctxsw_ratio_max.  Keys are bench/scenario/policy of the BENCH lines.  "
         "Rewrite with tests/harness/bench.py --icount --update-limits after a deliberate "
         "change (limit = measured + 5%, at least + 2).")
DEFAULT_GATED = [
    "vmmcall/micro/vmsave", "vmmcall/micro/cached", "vmmcall/floor/none",
    "ctxsw/tasks2/none", "ctxsw/tasks64/none", "ctxsw/tasks1024/none",
    "ctxsw/queue2/none", "ctxsw/queue64/none", "ctxsw/queue1024/none",
]


def load_wsreport():
    """tools/wsreport as a module (it has no .py suffix)."""
    import importlib.machinery
    import importlib.util
    if "wsreport" in sys.modules:
        return sys.modules["wsreport"]
    loader = importlib.machinery.SourceFileLoader("wsreport", str(WSREPORT))
    spec = importlib.util.spec_from_loader("wsreport", loader)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["wsreport"] = mod
    loader.exec_module(mod)
    return mod


def bench_lines(log: str) -> list[dict]:
    """The BENCH results of a log's last run (the parsing is tools/wsreport's)."""
    runs = [r for r in load_wsreport().parse_log(log) if r.results]
    return runs[-1].results if runs else []


def key(r: dict) -> str:
    return f"{r['bench']}/{r['scenario']}/{r['policy']}"


def check_limits(results: list[dict], limits: dict) -> tuple[list[str], list[str]]:
    """(report lines, failures) of the icount gate."""
    by_key = {key(r): r for r in results}
    lines, failures = [], []
    for name, lim in sorted(limits.get("limits", {}).items()):
        r = by_key.get(name)
        top = lim.get("max_instructions")
        if r is None or not r.get("ok", True):
            failures.append(f"{name}: no result in this run")
            continue
        got = r["cycles_median"]
        verdict = "ok" if got <= top else "REGRESSION"
        lines.append(f"  {name:28} {got:8} instructions, limit {top:8}  {verdict}")
        if got > top:
            failures.append(f"{name}: {got} instructions per iteration, limit {top} "
                            f"(+{(got / top - 1) * 100:.1f}%)")
        elif got < top / HEADROOM / 1.10:
            lines.append(f"  {'':28} (well under its limit: lower it with --update-limits)")
    ratio_max = limits.get("ctxsw_ratio_max")
    shapes: dict[str, list[dict]] = {}
    for r in results:
        if r["bench"] == "ctxsw" and r.get("cycles_median"):
            shapes.setdefault(r["scenario"].rstrip("0123456789"), []).append(r)
    for shape, ctx in sorted(shapes.items()):
        if not ratio_max:
            break
        meds = [r["cycles_median"] for r in ctx]
        ratio = max(meds) / min(meds)
        verdict = "ok" if ratio <= ratio_max else "REGRESSION"
        label = f"task switch max/min ({shape})"
        lines.append(f"  {label:28} {ratio:8.2f} over {len(meds)} task counts, "
                     f"limit {ratio_max:.2f}  {verdict}")
        if ratio > ratio_max:
            failures.append(f"task switches ({shape}) are not O(1) in instructions: max/min "
                            f"{ratio:.2f} > {ratio_max:.2f} ({', '.join(str(m) for m in meds)})")
    if ratio_max and not shapes:
        failures.append("no task-switch results for the O(1) check")
    return lines, failures


def update_limits(results: list[dict], path: Path) -> None:
    old = json.loads(path.read_text()) if path.exists() else {}
    names = list(old.get("limits", {})) or DEFAULT_GATED
    by_key = {key(r): r for r in results}
    new = {}
    for n in names:
        r = by_key.get(n)
        if r and r.get("ok", True):
            m = r["cycles_median"]
            new[n] = {"max_instructions": max(int(m * HEADROOM + 0.999), m + 2), "measured": m}
    out = {k: v for k, v in old.items() if k != "limits"}
    out.setdefault("about", ABOUT)
    out["limits"] = new
    out.setdefault("ctxsw_ratio_max", 1.2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")


# ---- kvm-unit-tests' vmexit.flat, the world-switch numbers others quote ----

KUT_VMEXIT_TESTS = ["cpuid", "vmcall", "inl_from_pmtimer", "ipi", "ipi_halt", "tscdeadline"]
KUT_VMEXIT_POLICIES = ["vmsave", "cached", "lazy"]
_KUT_LINE = re.compile(r"^\[kut_vmexit\] (\w+) (\d+)\s*$")


def kut_vmexit_results(log: str, policy: str) -> list[dict]:
    """vmexit.flat's "NAME CYCLES" lines (cycles per iteration, its own
    RDTSC) as BENCH records of scenario kut-vmexit; a wanted test that
    printed nothing is a failed record."""
    got = {}
    for line in log.splitlines():
        m = _KUT_LINE.match(line.rstrip("\r"))
        if m and m.group(1) in KUT_VMEXIT_TESTS:
            got[m.group(1)] = int(m.group(2))
    out = []
    for t in KUT_VMEXIT_TESTS:
        r = {"bench": f"kut_{t}", "scenario": "kut-vmexit", "policy": policy,
             "ok": t in got, "skipped": False, "iterations": 1}
        if t in got:
            r.update({"cycles_median": got[t], "cycles_min": got[t], "cycles_p25": got[t],
                      "cycles_p75": got[t], "cycles_p99": got[t], "cycles_max": got[t],
                      "spread": 0, "note": "vmexit.flat's cycles per iteration (one mean)"})
        else:
            r["note"] = "vmexit.flat printed no result for it"
        out.append(r)
    return out


def run_kut_vmexit(icount: bool, firmware: str) -> tuple[list[dict], str]:
    """vmexit.flat as a guest, one sub-test per svmhv boot (as
    kvm-unit-tests' own runner does), 2 vCPUs for the IPI tests and 1 for
    the others, under each host-state policy.
    (records, why not): no records and a reason when kvm-unit-tests is
    absent or does not build."""
    import kut
    import kut_svmhv
    src = kut.kut_dir(None)
    if src is None:
        return [], kut.absent_message(None)
    try:
        kut.build(src, kut.BUILD_DIR, quiet=True)
    except (RuntimeError, OSError) as e:
        return [], f"kvm-unit-tests did not build: {e}"
    records = []
    for pol in KUT_VMEXIT_POLICIES:
        got = []
        for name in KUT_VMEXIT_TESTS:
            # The IPI tests need a second vCPU; with one, tscdeadline runs on
            # the AP too, inside an IPI handler, and waits there forever
            # with interrupts off (as tests/kut/tests.txt runs it: smp=1).
            t = kut.KutTest("kut_vmexit", "vmexit.flat", smp=2 if name.startswith("ipi") else 1,
                            args=name,
                            timeout=120.0 if icount else 60.0)
            boots = kut_svmhv.plan_boots([t])
            iso = kut_svmhv.make_iso(boots, kut.BUILD_DIR, ROOT / "build" / "svmhv.elf",
                                     ROOT / "build" / "bench" / "kut")
            mods = [m for s in boots[0].slots for m in kut_svmhv.module_lines(s)]
            res = run_qemu(str(iso), firmware=firmware, smp=kut_svmhv.HOST_SMP,
                           mem=boots[0].mem, args=f"hostsave={pol}", modules=mods,
                           timeout=boots[0].timeout, icount=icount, quiet=True)
            got += [r for r in kut_vmexit_results(res.log, pol) if r["bench"] == f"kut_{name}"]
        print(f"bench: kvm-unit-tests vmexit.flat under hostsave={pol}: " +
              ", ".join(f"{r['bench'][4:]} {r.get('cycles_median', '-')}" for r in got) +
              " (cycles per iteration)", flush=True)
        records += got
    return records, ""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Boot svmhv with the benchmark suite and report.")
    p.add_argument("--iso", default=str(ROOT / "build" / "svmhv.iso"))
    p.add_argument("--suite", choices=SUITES, default=None,
                   help="quick (default, or $BENCH) or full")
    p.add_argument("--icount", action="store_true",
                   help="deterministic: -icount shift=0, one TCG thread; checks the limits")
    p.add_argument("--smp", type=int, default=4)
    p.add_argument("--firmware", choices=("bios", "uefi"), default="bios")
    p.add_argument("--outdir", default=str(ROOT / "build" / "bench"))
    p.add_argument("--limits", default=str(LIMITS), help="icount limits (JSON)")
    p.add_argument("--update-limits", action="store_true",
                   help="with --icount: rewrite the limits file from this run")
    p.add_argument("--timeout", type=float, help="seconds before QEMU is killed")
    p.add_argument("--log", help="report on this serial log instead of booting")
    p.add_argument("--no-kut", action="store_true",
                   help="leave out kvm-unit-tests' vmexit.flat (booted once per policy)")
    a = p.parse_args(argv)

    suite = a.suite or os.environ.get("BENCH") or "quick"
    if suite not in SUITES:
        print(f"bench: BENCH={suite!r}: the suites are {', '.join(SUITES)}", file=sys.stderr)
        return 2
    if a.update_limits and not a.icount:
        print("bench: --update-limits needs --icount (limits are instruction counts)",
              file=sys.stderr)
        return 2
    outdir = Path(a.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    failed = False
    if a.log:
        log_path = Path(a.log)
        log = log_path.read_text(errors="replace")
    else:
        if not os.path.exists(a.iso):
            print(f"bench: {a.iso}: no such ISO (make iso)", file=sys.stderr)
            return 1
        log_path = outdir / "serial.log"
        timeout = a.timeout or TIMEOUTS[suite] * (2 if a.icount else 1)
        mode = "icount (instructions)" if a.icount else "TCG"
        print(f"bench: suite {suite}, {mode}, -smp {a.smp}, {a.firmware}; log in {log_path}",
              flush=True)
        # icount=1 tells the kernel that its TSC counts instructions: it
        # then leaves out the unit costs, which only time can measure.
        args = f"bench={suite}" + (" icount=1" if a.icount else "")
        res = run_qemu(a.iso, firmware=a.firmware, smp=a.smp, args=args, modules=[],
                       timeout=timeout, log_path=str(log_path), icount=a.icount, quiet=True)
        log = res.log
        for line in log.splitlines():
            line = line.rstrip("\r")
            if line.startswith("bench:"):
                print(line)
        print(f"bench: QEMU: {res.describe()} in {res.wall:.0f}s", flush=True)
        if res.code != 0:
            print("bench: FAILED: the benchmark boot did not end with success; last lines:")
            for line in log.splitlines()[-25:]:
                print("  | " + line.rstrip("\r"))
            failed = True

    results = bench_lines(log)
    if not results:
        print("bench: FAILED: no BENCH lines in the log")
        return 1
    if a.icount and not a.log and not a.no_kut:
        # 18 more boots under -icount would make the instruction gate slow.
        print("bench: kvm-unit-tests vmexit.flat: left out under --icount (plain make bench runs it)")
    elif not a.log and not a.no_kut:
        kres, why = run_kut_vmexit(a.icount, a.firmware)
        if why:
            print(f"bench: kvm-unit-tests vmexit.flat: SKIP: {why}")
        # Into the log the report is made from, as BENCH lines of their own
        # (those with a number: a missing one fails below, by its note).
        with open(log_path, "a") as f:
            for r in kres:
                if r["ok"]:
                    f.write("BENCH " + json.dumps(r, separators=(",", ":")) + "\n")
        results += kres
    bad = [r for r in results if not r.get("ok", True)]
    for r in bad:
        print(f"bench: FAILED: {key(r)}: {r.get('note', '')}")
    failed = failed or bool(bad)

    rep = subprocess.run([sys.executable, str(WSREPORT), str(log_path), "-o", str(outdir)],
                         capture_output=True, text=True)
    sys.stderr.write(rep.stderr)
    if rep.returncode != 0:
        print(f"bench: FAILED: tools/wsreport exited with {rep.returncode}")
        failed = True

    if a.icount:
        limits_path = Path(a.limits)
        if a.update_limits:
            update_limits(results, limits_path)
            print(f"bench: wrote {limits_path} from this run; review and commit it")
        if not limits_path.exists():
            print(f"bench: FAILED: {limits_path}: no limits file (--update-limits writes one)")
            return 1
        limits = json.loads(limits_path.read_text())
        lines, failures = check_limits(results, limits)
        print(f"bench: instruction counts per iteration against {limits_path}:")
        print("\n".join(lines))
        if failures:
            print("bench: " + "*" * 70)
            print("bench: *  ICOUNT REGRESSION: the host path got longer")
            for f in failures:
                print(f"bench: *    {f}")
            print("bench: *  (a deliberate change? make bench ICOUNT=1 after "
                  "tests/harness/bench.py --icount --update-limits)")
            print("bench: " + "*" * 70)
            failed = True
    print(f"bench: {'FAILED' if failed else 'done'}; files in {outdir}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
