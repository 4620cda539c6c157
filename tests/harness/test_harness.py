#!/usr/bin/env python3
"""Unit tests of the harness itself (no QEMU needed).

Owns: checks of the KTAP and cmocka parsers, the TAP writer/reader and the
GRUB script generator, and of the
kvm-unit-tests list reader and verdicts (kut.py).  Not called by make; run by hand after changing the
harness:
    python3 tests/harness/test_harness.py
"""

import os
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hosttests   # noqa: E402
import ktap        # noqa: E402
import kut         # noqa: E402
import qemu        # noqa: E402
import suites      # noqa: E402
import summary     # noqa: E402

NESTED = """\
SeaBIOS (version 1.16)
[    0.010] KTAP version 1
[    0.010] 1..4
[    0.011]     KTAP version 1
[    0.011]     # Subtest: pmm
[    0.011]     1..3
[    0.012]     ok 1 alloc_free
[    0.012]     # double_free: EXPECTATION FAILED at mm/pmm.c:42
[    0.012]     not ok 2 double_free
[    0.013]     ok 3 huge # SKIP no 1G pages
[    0.013] not ok 1 pmm
[    0.014]     # Subtest: svm
[    0.014]     1..2
[    0.014]         KTAP version 1
[    0.014]         # Subtest: vmcb
[    0.014]         1..1
[    0.014]         ok 1 layout
[    0.014]     ok 1 vmcb
[    0.015]     ok 2 vmrun
[    0.015] ok 2 svm
[    0.016] ok 3 toplevel
[    0.016]     KTAP version 1
[    0.016]     # Subtest: sched
[    0.016]     1..3
[    0.016]     ok 1 a
PANIC: stop
"""


def tuples(results):
    return [tuple(r) for r in results]


class KtapTest(unittest.TestCase):
    def test_nested_with_prefix_and_missing(self):
        got = tuples(ktap.parse(NESTED))
        self.assertEqual(got, [
            ("pmm", "alloc_free", "pass", ""),
            ("pmm", "double_free", "fail", "double_free: EXPECTATION FAILED at mm/pmm.c:42"),
            ("pmm", "huge", "skip", "no 1G pages"),
            ("svm.vmcb", "layout", "pass", ""),
            ("svm", "vmrun", "pass", ""),
            ("", "toplevel", "pass", ""),
            ("sched", "a", "pass", ""),
            ("sched", "test 2", "fail", "missing"),
            ("sched", "test 3", "fail", "missing"),
        ])

    def test_unindented_nesting_uses_plans(self):
        text = ("KTAP version 1\n1..2\nKTAP version 1\n# Subtest: a\n1..2\n"
                "ok 1 t1\nnot ok 2 t2\nnot ok 1 a\n# Subtest: b\n1..1\n"
                "ok 1 x\nok 2 b\n")
        self.assertEqual([(s, t, st) for s, t, st, _ in ktap.parse(text)],
                         [("a", "t1", "pass"), ("a", "t2", "fail"), ("b", "x", "pass")])

    def test_suite_not_ok_without_failing_leaf(self):
        text = "KTAP version 1\n1..1\n    # Subtest: s\n    1..1\n    ok 1 - t\nnot ok 1 - s\n"
        self.assertEqual(tuples(ktap.parse(text))[-1],
                         ("", "s", "fail", "suite reported not ok"))

    def test_plan_with_no_results(self):
        got = tuples(ktap.parse("KTAP version 1\n1..2\n"))
        self.assertEqual(got, [("", "test 1", "fail", "missing"),
                               ("", "test 2", "fail", "missing")])

    def test_no_ktap(self):
        self.assertEqual(ktap.parse("ok 1 not ktap\n"), [])
        self.assertFalse(ktap.has_ktap("ok 1 x\n"))
        self.assertTrue(ktap.has_ktap("[cpu0] KTAP version 1\n"))


class CmockaTest(unittest.TestCase):
    def test_parse(self):
        out = ("1..3\nok 1 - a\nnot ok 2 - b\n# 0x1 != 0x2\n# t.c:9: error: Failure!\n"
               "not ok 3 # SKIP c\n# not ok - grp\n1..2\nok 1 - d\n")
        checks, missing = hosttests.parse_cmocka_tap(out)
        self.assertEqual([(c.name, c.status, c.reason) for c in checks], [
            ("a", "pass", ""), ("b", "fail", "0x1 != 0x2; t.c:9: error: Failure!"),
            ("c", "skip", ""), ("d", "pass", "")])
        self.assertEqual(missing, ["test 2 of group 2"])


class TapTest(unittest.TestCase):
    def test_round_trip(self):
        checks = [suites.Check("exit code", "pass"),
                  suites.Check("log has /a#b/", "fail", "not\nfound"),
                  suites.Check("ktap s.t", "skip", "why"),
                  suites.Check("odd", "fail", "SKIP is not a directive here")]
        lines = suites.tap_lines("r", checks)
        self.assertEqual(lines[0], "1..4")
        self.assertEqual(lines[2], "not ok - r: log has /a\\#b/ # not found")
        self.assertEqual(lines[3], "ok - r: ktap s.t # SKIP why")
        with tempfile.TemporaryDirectory() as d:
            p = Path(d, "r.tap")
            p.write_text("\n".join(lines) + "\n")
            passed, failed, skipped, fails = summary.read_tap(p)
        self.assertEqual((passed, failed, skipped, len(fails)), (1, 2, 1, 2))

    def test_truncated_file(self):
        with tempfile.TemporaryDirectory() as d:
            p = Path(d, "x.tap")
            p.write_text("1..3\nok - x: a\n")
            self.assertEqual(summary.read_tap(p)[:3], (1, 1, 0))


class CheckRunTest(unittest.TestCase):
    def result(self, status, log="", timed_out=False):
        return qemu.QemuResult([], status, qemu.decode_status(status), timed_out, log, 1.0)

    def test_crash(self):
        run = suites.Run("r", ktap=True, expect_log=["svmhv"])
        checks = suites.check_run(run, self.result(0))
        self.assertEqual((checks[0].status, checks[0].reason),
                         ("fail", "crashed (triple fault or reset)"))
        self.assertEqual([c.status for c in checks], ["fail", "fail", "fail"])

    def test_pass_with_ktap(self):
        run = suites.Run("r", ktap=True, expect_log=["svmhv"], reject_log=["PANIC"])
        log = "svmhv 1.0\nKTAP version 1\n1..2\nok 1 a\nok 2 b # SKIP x\n"
        checks = suites.check_run(run, self.result(1, log))
        self.assertEqual([(c.name, c.status) for c in checks], [
            ("exit code", "pass"), ("log has /svmhv/", "pass"),
            ("log lacks /PANIC/", "pass"), ("ktap output", "pass"),
            ("ktap a", "pass"), ("ktap b", "skip")])

    def test_wrong_code_and_timeout(self):
        run = suites.Run("r", expect_code=3)
        c = suites.check_run(run, self.result(1))[0]
        self.assertEqual(c.reason, "kernel exit code 0 (success), expected 3 (panic)")
        c = suites.check_run(run, self.result(None, timed_out=True))[0]
        self.assertEqual(c.reason, "timed out after 1s")


class GrubTest(unittest.TestCase):
    def test_quote(self):
        self.assertEqual(qemu.grub_quote("test=all"), "test=all")
        self.assertEqual(qemu.grub_quote("a$b;c"), "'a$b;c'")
        self.assertEqual(qemu.grub_quote("it's"), "'it'\\''s'")

    def test_script(self):
        s = qemu.make_grub_script("test=all", [("/guests/g.bin", "guest name=g")])
        self.assertIn("multiboot2 /boot/svmhv.elf exit=qemu test=all;", s)
        self.assertIn("module2 /guests/g.bin guest name=g;", s)
        self.assertNotIn("exit=qemu", qemu.make_grub_script("", [], exit_qemu=False))

    def test_decode(self):
        self.assertEqual(qemu.decode_status(1), 0)
        self.assertEqual(qemu.decode_status(7), 3)
        self.assertIsNone(qemu.decode_status(0))
        self.assertIsNone(qemu.decode_status(-9))


class KutTest(unittest.TestCase):
    def test_list_file_parses(self):
        tests = kut.load_tests()
        names = [t.name for t in tests]
        for n in ("msr", "apic-xapic", "apic-x2apic", "ioapic", "smptest3", "vmexit_cpuid"):
            self.assertIn(n, names)
        ioapic = tests[names.index("ioapic")]
        self.assertEqual((ioapic.smp, ioapic.devices), (4, ["pc-testdev"]))

    def test_parse_keys(self):
        t = kut.parse_tests('x vmexit.flat smp=2 args=ipi qemu="-machine pit=off" cpu=+x2apic\n')[0]
        self.assertEqual((t.smp, t.args, t.qemu), (2, "ipi", ["-machine", "pit=off"]))
        self.assertEqual(t.cpu_model(), "EPYC,+x2apic")
        with self.assertRaises(ValueError):
            kut.parse_tests("x x.flat bogus=1\n")

    def test_verdicts(self):
        log = "PASS: a\nFAIL: b\nSKIP: c\nSUMMARY: 3 tests, 1 unexpected failures, 1 skipped\n"
        v = kut.verdict(log, 3)
        self.assertEqual((v.verdict, v.passed, v.failed, v.skipped), ("FAIL", 1, 1, 1))
        self.assertEqual(kut.verdict("PASS: a\nSUMMARY: 1 tests\n", 1).verdict, "PASS")
        self.assertEqual(kut.verdict("SKIP: no x2apic\nSUMMARY: 1 tests, 1 skipped\n", 77).verdict,
                         "SKIP")
        self.assertIn("triple", kut.verdict("PASS: a\n", 0).reason)
        self.assertEqual(kut.verdict("PASS: a\n", None, timed_out=True).verdict, "FAIL")

    def test_vmexit_verdicts(self):
        v = kut.verdict("enabling apic\ncpuid 229\n", 1)
        self.assertEqual((v.verdict, v.cycles), ("PASS", {"cpuid": 229}))
        v = kut.verdict("tscdeadline (skipped)\n", 1)
        self.assertEqual((v.verdict, v.skipped), ("SKIP", 1))


if __name__ == "__main__":
    unittest.main()
