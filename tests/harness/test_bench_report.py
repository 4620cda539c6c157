#!/usr/bin/env python3
"""Unit tests of the benchmark tooling that need no QEMU: how tools/wsreport
reads logs, writes its files and refuses comparisons, and how bench.py's
icount gate judges results.  Run by hand:

    python3 tests/harness/test_bench_report.py
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench                                   # noqa: E402

wsreport = bench.load_wsreport()

META = {"suite": "quick", "machine_id": "00000000000000aa", "cpu_vendor": "AuthenticAMD",
        "cpu_brand": "Test CPU", "cpus": 4, "tsc_hz": 2000000000, "platform": "hardware",
        "firmware": "BIOS", "invariant_tsc": True, "hypervisor": False, "rounds": 3,
        "policies": ["vmsave", "cached"]}


def result(bench_name, scenario, policy, median, **extra):
    r = {"bench": bench_name, "scenario": scenario, "policy": policy, "ok": True,
         "iterations": 100, "rounds": 3, "cycles_median": median, "cycles_min": median - 1,
         "cycles_p99": median + 10, "spread": 2, "note": ""}
    r.update(extra)
    return r


def log_text(meta, results, prefix="") -> str:
    lines = ["svmhv booting", "bench: some table line"]
    lines.append(f"{prefix}BENCHMETA {json.dumps(meta, separators=(',', ':'))}")
    lines += [f"{prefix}BENCH {json.dumps(r, separators=(',', ':'))}\r" for r in results]
    lines.append("svmhv: work done")
    return "\n".join(lines) + "\n"


RESULTS = [
    result("vmmcall", "floor", "none", 1000),
    result("vmmcall", "micro", "vmsave", 1500, vmsave_per_1k=0.5),
    result("vmmcall", "micro", "cached", 1400, vmsave_per_1k=0.5),
    result("vmmcall", "traced", "cached", 1450,
           phases={"exit": 500, "to_handler": 50, "handler": 300, "to_vmrun": 100, "entry": 500}),
    result("ctxsw", "tasks2", "none", 300, ratio_max_min=1.05),
    result("ctxsw", "tasks64", "none", 310, ratio_max_min=1.05),
    result("ctxsw", "tasks1024", "none", 315, ratio_max_min=1.05),
]


class ParseTest(unittest.TestCase):
    def test_prefixes_and_carriage_returns(self):
        runs = wsreport.parse_log(log_text(META, RESULTS, prefix="[cpu0] "))
        self.assertEqual(len(runs), 1)
        self.assertEqual(len(runs[0].results), len(RESULTS))
        self.assertEqual(runs[0].machine, "00000000000000aa")
        self.assertEqual(runs[0].floor(), 1000)

    def test_two_runs_in_one_log(self):
        text = log_text(META, RESULTS[:2]) + log_text(dict(META, suite="full"), RESULTS)
        runs = wsreport.parse_log(text)
        self.assertEqual([len(r.results) for r in runs], [2, len(RESULTS)])
        self.assertEqual(runs[1].meta["suite"], "full")

    def test_missing_key_is_an_error(self):
        bad = dict(RESULTS[0])
        del bad["cycles_p99"]
        with self.assertRaises(wsreport.ReportError):
            wsreport.parse_log(log_text(META, [bad]))

    def test_bad_json_is_an_error(self):
        with self.assertRaises(wsreport.ReportError):
            wsreport.parse_log("BENCH {\"bench\": \n")


class FilesTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="wsreport-test-"))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, meta, results):
        p = self.dir / name
        p.write_text(log_text(meta, results))
        return str(p)

    def test_report_files(self):
        log = self.write("a.log", META, RESULTS)
        png = shutil.which("gnuplot") is not None
        args = [log, "-o", str(self.dir / "out")] + ([] if png else ["--no-png"])
        self.assertEqual(wsreport.main(args), 0)
        out = self.dir / "out"
        doc = json.loads((out / "bench.json").read_text())
        self.assertEqual(len(doc["results"]), len(RESULTS))
        rows = (out / "bench.csv").read_text().strip().splitlines()
        self.assertEqual(len(rows), len(RESULTS) + 1)
        md = (out / "bench.md").read_text()
        self.assertIn("## World switches", md)
        self.assertIn("1.50", md)              # vmmcall/micro/vmsave x floor
        self.assertIn("**1.05**", md)          # context-switch ratio
        if png:
            self.assertTrue((out / "bench.png").read_bytes().startswith(b"\x89PNG"))

    def test_no_results(self):
        p = self.dir / "empty.log"
        p.write_text("nothing here\n")
        self.assertEqual(wsreport.main([str(p), "--no-png"]), 1)

    def test_compare_same_machine(self):
        a = self.write("a.log", META, RESULTS)
        b = self.write("b.log", META, [dict(r, cycles_median=r["cycles_median"] * 2) for r in RESULTS])
        self.assertEqual(wsreport.main([a, "--compare", b, "-o", str(self.dir)]), 0)
        self.assertIn("2.000", (self.dir / "compare.md").read_text())

    def test_compare_refuses_other_machine(self):
        a = self.write("a.log", META, RESULTS)
        b = self.write("b.log", dict(META, machine_id="00000000000000bb"), RESULTS)
        self.assertEqual(wsreport.main([a, "--compare", b, "-o", str(self.dir)]), 2)

    def test_compare_refuses_other_clock(self):
        a = self.write("a.log", META, RESULTS)
        b = self.write("b.log", dict(META, tsc_hz=1000000000), RESULTS)
        self.assertEqual(wsreport.main([a, "--compare", b, "-o", str(self.dir)]), 2)


class LimitsTest(unittest.TestCase):
    LIMITS = {"limits": {"vmmcall/micro/cached": {"max_instructions": 1450}},
              "ctxsw_ratio_max": 1.2}

    def test_within_limits(self):
        lines, failures = bench.check_limits(RESULTS, self.LIMITS)
        self.assertEqual(failures, [])
        self.assertTrue(any("vmmcall/micro/cached" in l for l in lines))

    def test_regression(self):
        slower = [dict(r, cycles_median=1600) if bench.key(r) == "vmmcall/micro/cached" else r
                  for r in RESULTS]
        _, failures = bench.check_limits(slower, self.LIMITS)
        self.assertEqual(len(failures), 1)
        self.assertIn("1600", failures[0])

    def test_switches_not_o1(self):
        grown = [dict(r, cycles_median=600) if r["scenario"] == "tasks1024" else r
                 for r in RESULTS]
        _, failures = bench.check_limits(grown, self.LIMITS)
        self.assertTrue(any("O(1)" in f for f in failures))

    def test_missing_result(self):
        _, failures = bench.check_limits(RESULTS[:1], self.LIMITS)
        self.assertTrue(failures)


if __name__ == "__main__":
    unittest.main(verbosity=1)
