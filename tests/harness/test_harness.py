#!/usr/bin/env python3
"""Unit tests of the harness itself (no QEMU needed).

Owns: checks of the KTAP and cmocka parsers, the TAP writer/reader and the
GRUB script generator, and of the
kvm-unit-tests list reader and verdicts (kut.py) and the svmhv runner's
log reading, verdicts and expectations (kut_svmhv.py), and the initramfs
writer (tools/mkinitramfs.py); with --tap also those of
tests/harness/test_bench_report.py (tools/wsreport, the model).  Not called by make; run by hand after changing the
harness:
    python3 tests/harness/test_harness.py
"""

import os
import sys
import tempfile
import re
import unittest
from pathlib import Path

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hosttests   # noqa: E402
import ktap        # noqa: E402
import kut         # noqa: E402
import kut_svmhv   # noqa: E402
import qemu        # noqa: E402
import suites      # noqa: E402
import summary     # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import mkinitramfs  # noqa: E402

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


class SlowTestsTest(unittest.TestCase):
    def test_slow_key_and_boots(self):
        ts = kut.parse_tests("a x.flat\nb y.flat slow=yes\nc z.flat slow=no\nd w.flat\n")
        self.assertEqual([t.slow for t in ts], [False, True, False, False])
        with self.assertRaises(ValueError):
            kut.parse_tests("a x.flat slow=maybe\n")
        # A slow test boots alone; the others pack around it.
        boots = kut_svmhv.plan_boots(ts)
        self.assertEqual([[s.test.name for s in b.slots] for b in boots], [["a"], ["b"], ["c", "d"]])
        ts = kut.parse_tests("a x.flat\nb y.flat alone=yes\nc z.flat\n")
        self.assertEqual([[s.test.name for s in b.slots] for b in kut_svmhv.plan_boots(ts)],
                         [["a"], ["b"], ["c"]])

    def test_icount_key_and_boots(self):
        ts = kut.parse_tests("a x.flat\nb y.flat icount=yes\nc z.flat\nd w.flat\n")
        self.assertEqual([t.icount for t in ts], [False, True, False, False])
        with self.assertRaises(ValueError):
            kut.parse_tests("a x.flat icount=1\n")
        boots = kut_svmhv.plan_boots(ts)
        self.assertEqual([[s.test.name for s in b.slots] for b in boots], [["a"], ["b"], ["c", "d"]])
        self.assertEqual([b.icount for b in boots], [False, True, False])


class LinuxChecksTest(unittest.TestCase):
    def test_sleep_and_workload(self):
        import suites
        log = ("[linux +10.000000] SVMHV-LINUX: worker sum=200010000\n"
               "[linux +10.100000] SVMHV-LINUX: sleep 5 begins\n"
               "[linux +15.200000] SVMHV-LINUX: sleep 5 ends\n")
        self.assertTrue(suites.linux_sleep_check("linux")(log)[1])
        self.assertTrue(suites.linux_workload_check("linux", 1)(log)[1])
        # Negative controls: 5.4 s is 8% off; two vCPUs want two sums; a
        # wrong sum; no stamps (stamp=off) at all.
        self.assertFalse(suites.linux_sleep_check("linux")(log.replace("15.200000", "15.500000"))[1])
        self.assertFalse(suites.linux_workload_check("linux", 2)(log)[1])
        self.assertFalse(suites.linux_workload_check("linux", 1)(log.replace("200010000", "200010001"))[1])
        self.assertFalse(suites.linux_sleep_check("linux")(re.sub(r" \+[\d.]+\]", "]", log))[1])


class KutVmexitTest(unittest.TestCase):
    def test_results(self):
        import bench
        log = ("[kut_vmexit] cpuid 1525\n[kut_vmexit]   ipi ipi 20\n[kut_vmexit] ipi 4000\n"
               "[kut_vmexit] vmcall 1400\r\n[kut_vmexit] tscdeadline (skipped)\n[other] cpuid 1\n")
        rs = {r["bench"]: r for r in bench.kut_vmexit_results(log, "lazy")}
        self.assertEqual(set(rs), {f"kut_{t}" for t in bench.KUT_VMEXIT_TESTS})
        self.assertEqual(rs["kut_cpuid"]["cycles_median"], 1525)
        self.assertEqual(rs["kut_ipi"]["cycles_median"], 4000)       # not the "  ipi ipi" line
        self.assertEqual(rs["kut_vmcall"]["cycles_median"], 1400)
        self.assertFalse(rs["kut_tscdeadline"]["ok"])                 # skipped: no number
        self.assertEqual(rs["kut_cpuid"]["policy"], "lazy")
        self.assertEqual(rs["kut_cpuid"]["scenario"], "kut-vmexit")


class ExitStatsTest(unittest.TestCase):
    LOG = ("Analyze events for VM g, VCPU 0 (11 exits):\n\n"
           "             VM-EXIT    Samples  Samples%     Time%     Min Time     Max Time     Avg time\n\n"
           "                 NPF          6     60.00%     50.00%       2.11us      3.00us       2.50us\n"
           "                IOIO          4     40.00%     50.00%       2.11us      3.00us       2.50us\n"
           "\nTotal Samples:10, Total events handled time:25.00us.\n")

    def test_rows_add_up(self):
        self.assertEqual(suites.exit_stats_mismatches(self.LOG), [])
        self.assertIsNone(suites.exit_stats_mismatches("no tables here\n"))

    def test_missing_row_is_caught(self):
        # The bug it guards against: a row (NPF, 0x400) left out of the print.
        log = self.LOG.replace("                 NPF          6     60.00%     50.00%"
                               "       2.11us      3.00us       2.50us\n", "")
        self.assertEqual(len(suites.exit_stats_mismatches(log)), 1)

    def test_total_far_from_exits(self):
        log = self.LOG.replace("(11 exits)", "(20 exits)")
        self.assertIn("for 20 exits", suites.exit_stats_mismatches(log)[0])


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

    def test_expected_abort(self):
        run = suites.Run("r", expect_abort=r"assertion failed")
        said = "ERROR:x.c:81:f: assertion failed: (y)\n"
        aborted = qemu.QemuResult([], -6, None, False, "", 1.0, stderr=said)
        self.assertEqual(suites.check_run(run, aborted)[0].status, "pass")
        other = qemu.QemuResult([], -6, None, False, "", 1.0, stderr="something else\n")
        self.assertEqual(suites.check_run(run, other)[0].status, "fail")
        self.assertEqual(suites.check_run(run, self.result(1))[0].status, "skip")
        self.assertEqual(suites.check_run(run, self.result(0))[0].status, "fail")


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


class MakeExitTest(unittest.TestCase):
    """What `make run` exits with (qemu.exit_status_for_make)."""
    def r(self, status, **kw):
        return qemu.QemuResult([], status, qemu.decode_status(status), False, "", 1.0, **kw)

    def test_success_is_zero(self):
        # isa-debug-exit: code 0 makes QEMU exit 1; make must see 0.
        self.assertEqual(qemu.exit_status_for_make(self.r(1)), 0)

    def test_other_codes_fail(self):
        self.assertEqual(qemu.exit_status_for_make(self.r(3)), 1)     # tests failed
        self.assertEqual(qemu.exit_status_for_make(self.r(7)), 3)     # panic
        self.assertEqual(qemu.exit_status_for_make(self.r(255)), 127)  # GRUB failed

    def test_quit_crash_signal_timeout(self):
        self.assertEqual(qemu.exit_status_for_make(self.r(0, interactive=True)), 0)
        self.assertEqual(qemu.exit_status_for_make(self.r(-9)), 137)
        self.assertEqual(qemu.exit_status_for_make(
            qemu.QemuResult([], None, None, True, "", 1.0)), 125)
        self.assertEqual(qemu.exit_status_for_make(
            qemu.QemuResult([], 1, None, True, "", 1.0)), 124)
        self.assertEqual(qemu.exit_status_for_make(self.r(1, stopped=True)), 1)


class ConsoleRunTest(unittest.TestCase):
    def test_raw_check_sees_carriage_returns(self):
        run = suites.Run("r", expect_raw=[rb"abc\rX"])
        good = qemu.QemuResult([], 1, 0, False, "abc\nX", 1.0, log_bytes=b"abc\rX")
        bad = qemu.QemuResult([], 1, 0, False, "abcX", 1.0, log_bytes=b"abcX")
        self.assertEqual(suites.check_run(run, good)[1].status, "pass")
        self.assertEqual(suites.check_run(run, bad)[1].status, "fail")

    def test_typed_guests_left_out_unless_named(self):
        names = [p for p, _ in suites.guest_modules()]
        self.assertNotIn("/guests/uart_echo.bin", names)
        self.assertIn("/guests/uart_echo.bin",
                      [p for p, _ in suites.guest_modules(["uart_echo"])])


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


# One svmhv boot with three KUT guests, as vmm/console.c and vm_report print
# them: every guest line "[NAME] text", interleaved; then one report line per
# guest.  "tsc" is a prefix of "tsc_adjust" on purpose.
SVMHV_KUT_LOG = """\
svmhv: running 4 guest(s) on 4 CPU(s)
guest tsc: starting: multiboot v1, 128 MiB, 1 vCPU(s), timeout set
guest tsc_adjust: starting: multiboot v1, 128 MiB, 1 vCPU(s), timeout set
guest msr: starting: multiboot v1, 128 MiB, 1 vCPU(s), timeout set
[tsc] enabling apic
[tsc_adjust] enabling apic
[tsc] smp: waiting for 0 APs
[msr] enabling apic
[tsc] rdtsc latency 126
[tsc_adjust] smp: waiting for 0 APs
[tsc] PASS: Test RDTSCP 0
[msr] smp: waiting for 0 APs
[msr] PASS: MSR_IA32_SYSENTER_CS
[tsc_adjust] SKIP: MSR_IA32_TSC_ADJUST feature not enabled
[tsc] PASS: Test RDTSCP 10
[msr] FAIL: Expected #GP on WRMSR(MSR_FS_BASE, 0xaaaaaaaaaaaaaaaa), got vector 0
[tsc_adjust] SUMMARY: 1 tests, 1 skipped
[tsc] PASS: Test RDTSCP 256
[msr] PASS: MSR_GS_BASE
[tsc] SUMMARY: 3 tests
[msr] SUMMARY: 3 tests, 1 unexpected failures
[smp2] enabling apic
[smp2] smp: waiting for 1 APs
guest tsc: stopped: exit port (exit:0); 120 exits; 0 passed, 0 failed, 0 skipped in-guest checks; 0 port writes dropped
guest tsc_adjust: stopped: exit port (exit:38); 80 exits; 0 passed, 0 failed, 0 skipped in-guest checks; 0 port writes dropped
guest msr: stopped: exit port (exit:1); 99 exits; 0 passed, 0 failed, 0 skipped in-guest checks; 0 port writes dropped
guest smp2: stopped: timeout (timeout of 60000 ms reached); 5000 exits; 0 passed, 0 failed, 0 skipped in-guest checks; 0 port writes dropped
svmhv: all 4 guest(s) stopped; 0 did not stop as expected
"""

REFUSED_LOG = """\
guest: unknown key '--' (known: name mem mode vcpus cpus timeout expect)
module 0 ('guest name=tsc vcpus=1 mem=128 timeout=60000 --'): bad guest settings; not started
module 1 ('attach for=tsc'): not a guest (its string does not start with 'guest'); ignored
svmhv: no guest modules to run (add module2 lines with 'guest ...', see docs/guests.md)
"""


class KutSvmhvTest(unittest.TestCase):
    def v(self, log, name, **kw):
        return kut_svmhv.guest_verdict(kut_svmhv.guest_output(log, name), **kw)

    def test_console_split_by_guest(self):
        g = kut_svmhv.guest_output(SVMHV_KUT_LOG, "tsc")
        self.assertEqual(g.console.count("PASS:"), 3)
        self.assertNotIn("TSC_ADJUST", g.console)          # "[tsc_adjust]" is not "[tsc]"
        self.assertTrue(g.console.startswith("enabling apic\n"))
        self.assertEqual(g.exit_value, 0)

    def test_pass_skip_fail(self):
        v = self.v(SVMHV_KUT_LOG, "tsc")
        self.assertEqual((v.verdict, v.passed, v.failed, v.skipped), ("PASS", 3, 0, 0))
        self.assertEqual(v.summary, "SUMMARY: 3 tests")
        v = self.v(SVMHV_KUT_LOG, "tsc_adjust")
        self.assertEqual((v.verdict, v.skipped), ("SKIP", 1))
        self.assertIn("TSC_ADJUST", v.reason)

    def test_fail_line_makes_fail(self):
        # Negative control: one FAIL line fails the test, whatever else passed.
        v = self.v(SVMHV_KUT_LOG, "msr")
        self.assertEqual((v.verdict, v.passed, v.failed), ("FAIL", 2, 1))
        self.assertIn("Expected #GP", v.reason)
        # Even when the guest (wrongly) exits with status 0.
        log = SVMHV_KUT_LOG.replace("exit port (exit:1)", "exit port (exit:0)")
        self.assertEqual(self.v(log, "msr").verdict, "FAIL")

    def test_timeout_without_summary_is_fail(self):
        v = self.v(SVMHV_KUT_LOG, "smp2")
        self.assertEqual(v.verdict, "FAIL")
        self.assertEqual(v.summary, "")
        self.assertTrue(v.reason.startswith("timeout"), v.reason)
        # PASS lines before a timeout do not save it.
        log = SVMHV_KUT_LOG.replace("[smp2] smp: waiting for 1 APs", "[smp2] PASS: a")
        self.assertEqual(self.v(log, "smp2").verdict, "FAIL")

    def test_other_stops(self):
        trip = "guest x: stopped: shutdown (triple fault) (guest triple fault); 3 exits; 0 passed\n"
        v = self.v("[x] PASS: a\n" + trip, "x")
        self.assertEqual(v.verdict, "FAIL")
        self.assertIn("triple", v.reason)
        npf = ("guest x: stopped: access outside its RAM (read outside its RAM at GPA 0xfee00020 "
               "(RIP 0x402f40, error 0x100000004)); 8 exits; 0 passed\n")
        v = self.v(npf, "x")
        self.assertEqual(v.verdict, "FAIL")
        self.assertIn("0xfee00020", v.reason)
        hc = "guest x: stopped: exit hypercall (exit hypercall with status 0); 3 exits; 0 passed\n"
        self.assertEqual(self.v("[x] PASS: a\n[x] SUMMARY: 1 tests\n" + hc, "x").verdict, "PASS")

    def test_not_started_and_no_report(self):
        v = self.v(REFUSED_LOG, "tsc")
        self.assertEqual(v.verdict, "FAIL")
        self.assertIn("unknown key '--'", v.reason)
        v = self.v("[y] PASS: a\n", "y", boot_problem="svmhv boot: timed out after 150s",
                   boot_timed_out=True)
        self.assertEqual(v.verdict, "FAIL")
        self.assertIn("timed out", v.reason)
        self.assertEqual(self.v("", "z").reason, "no stop report from svmhv")
        # A report line without the exit counts still gives the stop.
        self.assertEqual(self.v("[w] PASS: a\n[w] SUMMARY: 1 tests\n"
                                "guest w: stopped: exit port (exit:0)\n", "w").verdict, "PASS")

    def test_exit_value_forms(self):
        for text, want in (("exit port (exit:1)", 1), ("exit:0x26", 38),
                           ("exit port write of 3", 3), ("exit hypercall (with status -1)", -1),
                           ("timeout (timeout of 500 ms reached)", None),
                           ("unhandled exit (exit code 0x7b, status 5)", None)):
            self.assertEqual(kut_svmhv.exit_value(text), want, text)

    def test_expectations(self):
        t = kut.parse_tests('a a.flat svmhv=xfail:"platform not yet wired"\n'
                            'b b.flat svmhv=skip:"no pci-testdev" svmhv_opts="x=1 y=2"\n'
                            'c c.flat svmhv=pass\nd d.flat\n')
        self.assertEqual([(x.svmhv_expect, x.svmhv_reason) for x in t],
                         [("FAIL", "platform not yet wired"), ("SKIP", "no pci-testdev"),
                          ("PASS", ""), ("PASS", "")])
        self.assertEqual(t[1].svmhv_opts, ["x=1", "y=2"])
        for bad in ("x x.flat svmhv=xfail\n", "x x.flat svmhv=maybe\n", 'x x.flat svmhv=pass:"a"\n'):
            with self.assertRaises(ValueError):
                kut.parse_tests(bad)
        for x in kut.load_tests():          # the list itself parses
            self.assertIn(x.svmhv_expect, ("PASS", "SKIP", "FAIL"))

    def judge(self, expect, got, reason="r"):
        t = kut.parse_tests(f"t t.flat svmhv={expect}\n")[0]
        return kut_svmhv.judge(t, kut.Verdict(got, reason=reason), 0)

    def test_judge_and_tap(self):
        cases = [("pass", "PASS", "ok"), ("pass", "FAIL", "not ok"), ("pass", "SKIP", "not ok"),
                 ('xfail:"why"', "FAIL", "todo"), ('xfail:"why"', "PASS", "not ok"),
                 ('xfail:"why"', "SKIP", "not ok"), ('skip:"why"', "SKIP", "skip"),
                 ('skip:"why"', "PASS", "not ok"), ('skip:"why"', "FAIL", "not ok")]
        lines = []
        for expect, got, status in cases:
            o = self.judge(expect, got)
            self.assertEqual(o.status, status, (expect, got))
            lines.append(kut_svmhv.tap_line(o))
        self.assertIn("unexpected PASS", lines[4])
        self.assertIn("svmhv=pass", lines[4])
        self.assertIn("regression", lines[1])
        with tempfile.TemporaryDirectory() as d:
            tap = kut_svmhv.write_results(Path(d), lines)
            passed, failed, skipped, _ = summary.read_tap(tap)
        self.assertEqual((passed, failed, skipped), (1, 6, 2))   # todo and skip: skipped

    def test_plan_and_modules(self):
        tests = kut.load_tests()
        boots = kut_svmhv.plan_boots(tests, per_boot=12, max_vcpus=16)
        self.assertEqual(sum(len(b.slots) for b in boots), len(tests))
        names = [s.guest for b in boots for s in b.slots]
        self.assertEqual(len(set(names)), len(names))
        for b in boots:
            self.assertLessEqual(len(b.slots) * 2, 32)            # svmhv's module limit
            self.assertLessEqual(b.vcpus, 16)
        for n in names:
            self.assertRegex(n, r"^[A-Za-z0-9_-]{1,31}$")
        t = kut.parse_tests("vmexit_ipi vmexit.flat args=ipi smp=2\n")[0]
        slot = kut_svmhv.Slot(t, "vmexit_ipi", "/kut/env/vmexit_ipi.env")
        (p1, s1), (p2, s2) = kut_svmhv.module_lines(slot)
        self.assertEqual((p1, s1), ("/kut/vmexit.flat",
                                    "guest name=vmexit_ipi vcpus=2 mem=128 timeout=60000 "
                                    "-- vmexit.flat ipi"))
        self.assertEqual((p2, s2), ("/kut/env/vmexit_ipi.env", "attach for=vmexit_ipi"))
        self.assertIn("NR_CPUS=2\n", kut_svmhv.env_text(t))
        # A CPU model without x2APIC is the guest's x2apic=off.
        t = kut.parse_tests("apic-xapic apic.flat smp=2 cpu=-x2apic,+tsc-deadline\n")[0]
        slot = kut_svmhv.Slot(t, "apic-xapic", "/kut/env/apic-xapic.env")
        self.assertIn(" x2apic=off ", kut_svmhv.module_lines(slot)[0][1])
        t = kut.parse_tests("apic-x2apic apic.flat smp=2 cpu=+x2apic\n")[0]
        slot = kut_svmhv.Slot(t, "apic-x2apic", "/kut/env/apic-x2apic.env")
        self.assertNotIn("x2apic=", kut_svmhv.module_lines(slot)[0][1])

    def test_reference_tap(self):
        with tempfile.TemporaryDirectory() as d:
            tap = Path(d) / "kut-reference.tap"
            tap.write_text("1..3\nok - kut-reference: tsc (3 pass, 0 fail, 0 skip)\n"
                           "not ok - kut-reference: msr (7 pass, 1 fail, 0 skip) # reset\n"
                           "ok - kut-reference: tsc_adjust (0 pass, 0 fail, 1 skip) # SKIP no MSR\n")
            ref = kut_svmhv.reference_verdicts(tap)
        self.assertEqual({k: v[0] for k, v in ref.items()},
                         {"tsc": "PASS", "msr": "FAIL", "tsc_adjust": "SKIP"})


class MkinitramfsTest(unittest.TestCase):
    """tools/mkinitramfs.py read back by a newc reader of the test's own
    (buffer-format.rst: "070701", 13 eight-digit hex fields, the name with
    its NUL, header+name padded to 4, data padded to 4, TRAILER!!!)."""

    @staticmethod
    def read_newc(data):
        entries, off = [], 0
        while True:
            assert data[off:off + 6] == b"070701", off
            f = [int(data[off + 6 + 8 * i: off + 14 + 8 * i], 16) for i in range(13)]
            namesize, filesize = f[11], f[6]
            name = data[off + 110: off + 110 + namesize]
            assert name.endswith(b"\0")
            off += 110 + namesize
            off += (4 - off % 4) % 4
            body = data[off: off + filesize]
            off += filesize
            off += (4 - off % 4) % 4
            name = name[:-1].decode()
            if name == "TRAILER!!!":
                return entries, off
            entries.append((name, f[1], body, (f[9], f[10])))

    def test_round_trip(self):
        import gzip
        import stat
        with tempfile.TemporaryDirectory() as d:
            host = Path(d) / "payload"
            host.write_bytes(b"abcde")            # 5 bytes: padding after it
            out = Path(d) / "i.gz"
            self.assertEqual(mkinitramfs.main(["mk", str(out), "dir:bin", f"file:bin/x={host}:755",
                                               "link:bin/sh=x", "dir:dev", "cdev:dev/console=5,1"]), 0)
            raw = gzip.decompress(out.read_bytes())
            entries, end = self.read_newc(raw)
            self.assertEqual(end, len(raw))
            self.assertEqual([e[0] for e in entries], ["bin", "bin/x", "bin/sh", "dev", "dev/console"])
            self.assertEqual(entries[0][1], stat.S_IFDIR | 0o755)
            self.assertEqual(entries[1][1], stat.S_IFREG | 0o755)
            self.assertEqual(entries[1][2], b"abcde")
            self.assertEqual(stat.S_IFMT(entries[2][1]), stat.S_IFLNK)
            self.assertEqual(entries[2][2], b"x")
            self.assertEqual(entries[4][1], stat.S_IFCHR | 0o600)
            self.assertEqual(entries[4][3], (5, 1))
            # The same inputs, the same bytes (mtime 0 everywhere).
            first = out.read_bytes()
            mkinitramfs.main(["mk", str(out), "dir:bin", f"file:bin/x={host}:755",
                              "link:bin/sh=x", "dir:dev", "cdev:dev/console=5,1"])
            self.assertEqual(out.read_bytes(), first)

    def test_refusals(self):
        with self.assertRaises(ValueError):
            mkinitramfs.build(["link:bin/sh=busybox"])          # parent not listed
        with self.assertRaises(ValueError):
            mkinitramfs.build(["dir:bin", "dir:bin"])          # repeated
        with self.assertRaises(ValueError):
            mkinitramfs.build(["fifo:x=1"])                    # unknown kind
        with self.assertRaises(OSError):
            mkinitramfs.build(["file:x=/nonexistent/file"])


def main() -> int:
    """`--tap DIR`: run every test and write DIR/harness.tap (the format of
    suites.py, read by summary.py); always exits 0 then.  Otherwise plain
    unittest."""
    if len(sys.argv) == 3 and sys.argv[1] == "--tap":
        from suites import FAIL, PASS, SKIP, Check, tap_lines
        result = unittest.TestResult()
        import test_bench_report      # the benchmark report and its model, too
        loader = unittest.defaultTestLoader
        suite = unittest.TestSuite([loader.loadTestsFromModule(sys.modules[__name__]),
                                    loader.loadTestsFromModule(test_bench_report)])
        ids = [t.id() for t in _all_tests(suite)]     # run() lets go of them
        suite.run(result)
        bad = {t.id(): (FAIL, tb) for t, tb in result.failures + result.errors}
        bad.update({t.id(): (SKIP, why) for t, why in result.skipped})
        checks = []
        for i in ids:
            status, why = bad.get(i, (PASS, ""))
            last = why.strip().splitlines()[-1] if why.strip() else ""
            checks.append(Check(i.split(".", 1)[-1], status, last))
        out = Path(sys.argv[2])
        out.mkdir(parents=True, exist_ok=True)
        (out / "harness.tap").write_text("\n".join(tap_lines("harness", checks)) + "\n")
        print(f"run harness: {sum(c.status == PASS for c in checks)} passed, "
              f"{sum(c.status == FAIL for c in checks)} failed, "
              f"{sum(c.status == SKIP for c in checks)} skipped")
        return 0
    unittest.main()
    return 0


def _all_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _all_tests(t)
        else:
            yield t


if __name__ == "__main__":
    sys.exit(main())
