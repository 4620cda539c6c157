#!/usr/bin/env python3
"""Kernel test runs: boot the ISO in several configurations and check them.

Owns: the list of boot configurations (RUNS, plain data below), the checks
made on each run, and the per-run result files
    build/results/NAME.log   serial log of the run
    build/results/NAME.tap   one line per check:
                             "ok - NAME: check"
                             "not ok - NAME: check # reason"
                             "ok - NAME: check # SKIP reason"

Called by `make kernel-test` and `make test`:
    python3 tests/harness/suites.py --iso build/svmhv.iso
        [--only NAME[,NAME...]] [--firmware bios|uefi] [--jobs N]
--only takes run names or shell patterns (fnmatch).  --firmware boots every
selected run with that firmware; a run whose own firmware differs is then
named NAME@FIRMWARE.  Always exits 0: tests/harness/summary.py reads the
.tap files and decides.

Each run contributes:
  * "exit code": the kernel must exit with expect_code (a crash, i.e. QEMU
    status 0 under -no-reboot, is "crashed (triple fault or reset)"; a
    timeout is a failure);
  * one check per expect_log regex (must match the log somewhere) and per
    reject_log regex (must not match);
  * when ktap is set, "ktap output" (a KTAP document was printed) and one
    check per KTAP leaf test, named "ktap SUITE.TEST".
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap                                    # noqa: E402
from qemu import GRUB_FAIL_CODE, KERNEL_CODES, iso_has, run_qemu   # noqa: E402


@dataclass
class Run:
    """One boot configuration and what its log must show."""
    name: str
    firmware: str = "bios"                 # "bios" (SeaBIOS) or "uefi" (OVMF)
    smp: int = 1
    mem: str = "1G"
    cpu: str = "EPYC"
    args: str = ""                         # kernel command line (exit=qemu is added)
    modules: list[tuple[str, str]] = field(default_factory=list)
    timeout: float = 180.0                 # seconds; TCG is slow
    expect_code: int = 0                   # kernel exit code (0 success ... 3 panic)
    expect_log: list[str] = field(default_factory=list)   # regexes that must match
    reject_log: list[str] = field(default_factory=list)   # regexes that must not
    expect_raw: list[bytes] = field(default_factory=list)  # byte regexes the log as
                                           # received must match (carriage returns kept)
    ktap: bool = False                     # parse KTAP and count every leaf test
    # Typing on svmhv's serial line (qemu.run_qemu's serial_input): steps
    # (regex, bytes), each sent once the output since the last step
    # matches its regex.
    serial_input: list[tuple[str, bytes]] | None = None
    # A negative control against the emulator itself: QEMU must abort
    # (SIGABRT) with a message matching this regex.  A QEMU that does not
    # abort, and whose kernel exits with expect_code, is a skip: nothing
    # to catch there.
    expect_abort: str = ""
    # Files the ISO must carry (e.g. /linux/vmlinuz from `make
    # linux-guest`); when one is missing the run is one SKIP with the
    # reason, not booted.
    needs: list[str] = field(default_factory=list)
    # Further checks: functions of the log returning (name, ok, detail).
    log_checks: list = field(default_factory=list)


def guest_modules(names=None):
    """Module lines for the guest images in tests/guests/: each source's
    first line `; svmhv-guest: key=value ... [-- ARGS]` gives its settings.
    Two keys are the harness's, not the kernel's: `attach=PATH[,PATH...]`
    adds a module `attach for=NAME` per file (multiboot v1 modules, in
    that order), `refused=WHY` marks an image svmhv must refuse, and
    `typed=yes` one that waits for input typed on the serial line (runs
    "console*"); both are left out unless named in `names`.  A timeout goes before `--`: what
    follows is the guest's command line."""
    mods = []
    root = os.path.join(os.path.dirname(__file__), "..", "guests")
    for fn in sorted(os.listdir(root)):
        if not fn.endswith(".asm"):
            continue
        name = fn[:-4]
        if names is not None and name not in names:
            continue
        with open(os.path.join(root, fn)) as f:
            first = f.readline()
        m = re.match(r";\s*svmhv-guest:\s*(.*)", first)
        settings, sep, args = (m.group(1).strip() if m else "").partition(" -- ")
        keys, attaches, refused = [], [], False
        for tok in settings.split():
            if tok.startswith("attach="):
                attaches += tok[len("attach="):].split(",")
            elif tok.startswith("refused=") or tok == "typed=yes":
                refused = True
            else:
                keys.append(tok)
        if refused and names is None:
            continue
        if not any(k.startswith("timeout=") for k in keys):
            keys.append("timeout=60000")   # a hang fails in a minute, not at the run's limit
        line = " ".join([f"guest name={name}"] + keys)
        if sep:
            line += " -- " + args.strip()
        mods.append((f"/guests/{name}.bin", line))
        mods += [(path, f"attach for={name}") for path in attaches]
    return mods


ALL_GUESTS = guest_modules()
CTRL_A3 = b"\x01\x01\x01"         # svmhv's console: switch the input focus

# Debian 12's kernel and the busybox initramfs (make linux-guest), booted
# through the 64-bit boot protocol; the init script prints SVMHV-LINUX
# marker lines and powers off through ACPI S5.
LINUX_NEEDS = ["/linux/vmlinuz", "/linux/initrd.img"]


def linux_modules(name: str = "linux", vcpus: int = 1, mem: int = 512,
                  timeout_ms: int = 240000, cmdline: str = "console=ttyS0") -> list[tuple[str, str]]:
    return [("/linux/vmlinuz", f"guest name={name} mem={mem} vcpus={vcpus} timeout={timeout_ms} "
                               f"stamp=on expect=poweroff -- {cmdline}"),
            ("/linux/initrd.img", f"attach for={name}")]


def linux_expect(name: str = "linux", nproc: int = 1) -> list[str]:
    p = rf"^\[{name} \+\d+\.\d+\] SVMHV-LINUX:"      # a stamped line of the guest
    return [rf"guest {name}: Linux boot protocol 2\.1\d, kernel at 0x1000000",
            rf"{p} userspace up at \d+\.\d+ s; kernel 6\.1\.0-",
            rf"{p} nproc={nproc}\s*$",
            rf"{p} workload done",
            rf"{p} powering off",
            rf"guest {name}: stopped: powered off \(ACPI S5 sleep",
            rf"guest {name}: ran \d+\.\d+ s from its start to its stop",
            rf"guest {name}: expected poweroff: as expected"]


def linux_run(name: str, vcpus: int, smp: int, firmware: str = "bios", timeout: int = 400,
              extra: list[str] | None = None) -> "Run":
    """A run of Debian's kernel with `vcpus` vCPUs on `smp` CPUs: the markers,
    nproc, the ACPI poweroff; no panic, no other stop, no MSR Linux had to
    survive (its "unchecked MSR access error" lines)."""
    return Run(name, smp=smp, firmware=firmware, args="", timeout=timeout, needs=LINUX_NEEDS,
               modules=linux_modules("linux", vcpus=vcpus),
               expect_log=linux_expect("linux", nproc=vcpus) +
                          [r"all 1 guest\(s\) stopped; 0 did not stop as expected"] + (extra or []),
               reject_log=[r"Kernel panic", r"guest linux: stopped: (?!powered off)",
                           r"unchecked MSR access error"],
               log_checks=[linux_sleep_check("linux"), linux_workload_check("linux", vcpus)])


SLEEP_TOLERANCE = 0.05


def linux_sleep_check(name: str):
    """`sleep 5` in the guest against svmhv's clock: the stamps of the lines
    before and after it (stamp=on) 5 s apart within 5%."""
    def check(log: str):
        t = {}
        for what in ("begins", "ends"):
            m = re.search(rf"^\[{name} \+(\d+\.\d+)\] SVMHV-LINUX: sleep 5 {what}", log, re.M)
            if m:
                t[what] = float(m.group(1))
        if len(t) < 2:
            return (f"{name}: sleep 5 timed by svmhv", False, "the stamped lines are missing")
        d = t["ends"] - t["begins"]
        ok = abs(d - 5.0) <= 5.0 * SLEEP_TOLERANCE
        return (f"{name}: sleep 5 timed by svmhv", ok, f"{d:.3f} s")
    return check


def linux_workload_check(name: str, nproc: int):
    """One correct worker sum (1 + ... + 20000) per vCPU."""
    def check(log: str):
        sums = re.findall(rf"^\[{name} \+\d+\.\d+\] SVMHV-LINUX: worker sum=(\d+)", log, re.M)
        ok = len(sums) == nproc and all(v == "200010000" for v in sums)
        return (f"{name}: workload on {nproc} vCPU(s)", ok, f"sums {sums}")
    return check


BANNER = [r"svmhv .* a hypervisor microkernel", r"svm: SVM present: revision",
          r"svm:\s+NPT \(nested paging\)\s+yes", r"memory: \d+ MiB usable RAM"]

# Every kernel test run.  Add new configurations here.
RUNS: list[Run] = [
    # Foundation and scheduler: every suite of test=all, one and four CPUs, both firmwares.
    Run("boot-bios", firmware="bios", smp=1, args="test=all", ktap=True,
        expect_log=BANNER + [r"1 CPUs online", r"tsc: \d+\.\d+ MHz"]),
    Run("boot-uefi", firmware="uefi", smp=1, args="test=all", ktap=True,
        expect_log=BANNER + [r"boot: loader .*UEFI"]),
    Run("smp4-bios", firmware="bios", smp=4, args="test=all", ktap=True,
        expect_log=BANNER + [r"4 CPUs online"]),
    Run("smp4-uefi", firmware="uefi", smp=4, args="test=all", ktap=True,
        expect_log=[r"4 CPUs online"]),
    # The host-state policies: exact counts and the 200,000-switch stress under
    # vmsave, cached and seedbug (the negative control must be caught).
    # Then hostfault: each field VMLOAD restores corrupted in turn (a 5,000-switch
    # stress each), caught and named; and no fault, no mismatch.
    Run("hoststate-smp4", smp=4, args="test=hoststate,hostfault hostcheck=1", ktap=True,
        timeout=600,
        expect_log=[r"stress under 'vmsave': \d+ world switches",
                    r"stress under 'cached': \d+ world switches",
                    r"hoststate: MISMATCH on CPU"] +
                   [r"hoststate: MISMATCH on CPU .*: %s\.?\S* expected" % f for f in
                    ("fs", "gs", "tr", "ldtr", "kernel_gs_base", "star", "lstar", "cstar",
                     "sfmask", "sysenter_cs", "sysenter_esp", "sysenter_eip")]),
    # Guest FPU/SSE/AVX state, XCR0 and DR0-3 (svm/gstate.c): two vCPUs on one
    # CPU, 10,000 yields each, and the negative controls with switching off.
    Run("gstate", smp=2, args="test=gstate", ktap=True, timeout=600,
        expect_log=[r"xstate: XSAVE on every CPU",
                    r"switching_off_is_caught: mode 'off' vCPU \d: 10000 yields, iterations with "
                    r"XMM/MXCSR wrong [1-9]"]),
    # Every guest image under both firmwares: exits, modes, hostile guests.
    Run("guests-bios", smp=4, args="test=guests hostcheck=1", modules=ALL_GUESTS, ktap=True,
        timeout=300, expect_log=[r"\[hello_real\] hello from a real-mode guest",
                                 r"VM-EXIT\s+Samples\s+Samples%", r"host-state mismatches: 0"]),
    # Every guest again under hostsave=lazy (docs/host-state.md): exits
    # handled in the kernel keep the guest's state in the CPU.
    Run("guests-lazy", smp=4, args="test=guests hostcheck=1 hostsave=lazy", modules=ALL_GUESTS,
        ktap=True, timeout=300, expect_log=[r"hoststate: policy 'lazy'",
                                            r"\[hello_real\] hello from a real-mode guest",
                                            r"host-state mismatches: 0"]),
    Run("guests-uefi", firmware="uefi", smp=4, args="test=guests hostcheck=1",
        modules=ALL_GUESTS, ktap=True, timeout=300,
        expect_log=[r"host-state mismatches: 0"]),
    # A boot sector written to the documented format by someone else runs unchanged.
    Run("bootsector", smp=1, args="", modules=guest_modules(["bootsector_plain"]),
        expect_log=[r"\[bootsector_plain\] plain boot sector", r"stopped: timeout"]),
    # The demo `make run` shows: example guests on all CPUs, statistics, counters.
    Run("demo", smp=4, args="bench=quick", timeout=300,
        modules=guest_modules(["hello_real", "exits_long", "smp_long"]),
        expect_log=BANNER + [r"4 CPUs online", r"\[hello_real\] hello",
                             r"VM-EXIT\s+Samples", r"host-state mismatches: 0",
                             r"all 3 guest\(s\) stopped; 0 did not stop as expected",
                             r"bench: \d+ results, 0 failed"]),
    # Many CPUs.
    Run("smp16-stress", smp=16, args="test=sched,hoststate hostcheck=1 stress=100000", ktap=True,
        timeout=900, expect_log=[r"16 CPUs online"]),
    Run("smp64-boot", smp=64, mem="2G", args="noguests", timeout=600,
        expect_log=[r"64 CPUs online"]),
    # The PC platform's simple devices (vmm/dev/pc.c) from a PC guest, and a
    # COM1 flood that must be contained (drops counted, guest and host go on).
    Run("pcdev", smp=2, args="test=guests", modules=guest_modules(["pc_devices", "uart_flood", "pc_clock", "pc_cpu", "pc_reset"]),
        ktap=True, timeout=300,
        expect_log=[r"guest pc_devices: stopped: exit port \(exit:42, exit port write of 42",
                    r"guest pc_devices: expected exit with status: as expected",
                    r"guest uart_flood: COM1 output over its budget",
                    r"\[uart_flood\] uart_flood: after the flood",
                    r"guest uart_flood: expected exit with status: as expected",
                    r"guest uart_flood: COM1 dropped [1-9]\d* output bytes",
                    r"guest pc_clock: expected exit with status: as expected",
                    r"guest pc_cpu: expected exit with status: as expected",
                    r"guest pc_reset: stopped: reset requested \(i8042 reset: command 0xfe",
                    r"guest pc_reset: expected reset: as expected"]),
    # The negative control of the CR8 intercept that V_IRQ needs (svm/run.c,
    # vcpu_cr8_intercept): without it, one guest's `cli; mov cr8` aborts
    # QEMU 7.2, the emulator standing in for the CPU.
    Run("cr8-control", smp=1, args="test=cr8ctl", timeout=120,
        expect_abort=r"tcg_handle_interrupt: assertion failed",
        expect_log=[r"# Subtest: cr8ctl", r"guest irq: starting"]),
    # svmhv's interactive console (vmm/console.c, docs/console.md): input
    # typed on its serial line reaches the guest with the focus; three
    # Ctrl-A switch between svmhv's keys and the guest; the focused guest's
    # output reaches the terminal raw (its carriage return and escape
    # sequence intact, no name), the others' as filtered lines.
    Run("console", smp=2, modules=guest_modules(["uart_echo"]), timeout=180,
        serial_input=[(r"\[uart_echo\] uart_echo: ready", b"r"),
                      (r"runq: cpu \d+: running", CTRL_A3),
                      (r"console: input to guest uart_echo", b"one\r"),
                      (r"uart_echo: got 'one'\nedit: abc\rX\x1b\[K\n", CTRL_A3),
                      (r"console: input to svmhv", b"l"),
                      (r"console: slot 0: guest uart_echo", CTRL_A3),
                      (r"console: input to guest uart_echo", b"t\x01w\x01\x01o\r")],
        expect_log=[r"console: serial input on",
                    r"\[uart_echo\] edit: abcX\.\[K\r?\n",
                    r"runq: cpu 0: running '",
                    r"console: input to guest uart_echo \(slot 0\)",
                    r"console: slot 0: guest uart_echo, 1 vCPU\(s\), \d+ exits, running",
                    r"uart_echo: got the second line",
                    r"guest uart_echo: stopped: .*; 2 passed, 0 failed",
                    r"guest uart_echo: expected exit with status: as expected"],
        reject_log=[r"does nothing", r"COM1 dropped", r"\[uart_echo\] uart_echo: got"],
        expect_raw=[rb"\nuart_echo: got 'one'\nedit: abc\rX\x1b\[K\n",
                    rb"\[uart_echo\] edit: abcX\.\[K\r\n"]),
    # A PC guest halted with interrupts on is woken by its COM1's RX
    # interrupt (IRQ 4 through its I/O APIC and local APIC); focus= gives
    # it the input from the start.
    Run("console-irq", smp=2, args="focus=uart_irq", modules=guest_modules(["uart_irq"]),
        timeout=180,
        serial_input=[(r"uart_irq: halted, waiting for IRQ 4", b"irq\r")],
        expect_log=[r"console: input to guest uart_irq \(slot 0\)",
                    r"guest uart_irq: ok woken by com1 rx vector 0x34",
                    r"uart_irq: got 'irq' by interrupt",
                    r"guest uart_irq: stopped: .*; 2 passed, 0 failed",
                    r"guest uart_irq: expected exit with status: as expected"],
        reject_log=[r"\[uart_irq\] uart_irq: got"]),
    # Its negative control: the same typing without the switch goes to
    # svmhv's keys, the guest never gets a byte and stops at its timeout.
    Run("console-nofocus", smp=2, timeout=120,
        modules=[("/guests/uart_echo.bin",
                  "guest name=uart_echo mode=prot mem=4 expect=exit:0 timeout=8000")],
        serial_input=[(r"\[uart_echo\] uart_echo: ready", b"one\r")],
        expect_log=[r"console: key 'o' does nothing",
                    r"Analyze events for VM uart_echo, VCPU 0 \(running, \d+ exits so far\)",
                    r"guest uart_echo: stopped: timeout",
                    r"guest uart_echo: expected exit with status: NOT as expected"],
        reject_log=[r"uart_echo: got"]),
    # svmhv's console stops one guest (x0), then every guest and svmhv
    # itself (Q): the benchmarks asked for never run.
    Run("console-stop", smp=2, args="bench=quick", timeout=180,
        modules=[("/guests/uart_echo.bin", "guest name=e1 mode=prot mem=4 timeout=60000"),
                 ("/guests/uart_echo.bin", "guest name=e2 mode=prot mem=4 timeout=60000")],
        serial_input=[(r"\[e\d\] uart_echo: ready", b""),
                      (r"\[e\d\] uart_echo: ready", b"x0"),
                      (r"console: stopping guest e1", b"Q")],
        expect_log=[r"guest e1: stopped: stopped by the host \(stopped from svmhv's console\)",
                    r"console: stopping every guest, then svmhv",
                    r"guest e2: stopped: stopped by the host \(svmhv stopped from its console\)",
                    r"svmhv: stopped from its console"],
        reject_log=[r"BENCH", r"bench: "]),
    # Refusals and failures the harness must see as such.
    Run("nosvm", cpu="qemu64,-svm", args="", expect_code=2,
        expect_log=[r"SVM \(AMD-V.*\) is absent", r"refusing to start guests"]),
    Run("smppanic", smp=4, args="test=smppanic", expect_code=3,
        expect_log=[r"3 of 3 other CPU\(s\) stopped"]),
    Run("fault", args="test=fault", expect_code=3,
        expect_log=[r"EXCEPTION #PF", r"backtrace", r"ktest_fault_trigger\+0x", r"ktest_run\+0x"]),
    Run("badopt", args="test=boot bogus_option=1 smp=abc", ktap=True,
        expect_log=[r"unknown option 'bogus_option'", r"smp=abc"]),
    Run("badguest", args="", modules=[("/guests/hello_real.bin", "guest name=bad! mem=0"),
                                      ("/guests/hello_real.bin", "guest name=ok mem=2")],
        expect_log=[r"bad guest settings", r"\[ok\] hello from a real-mode guest"]),
    # Multiboot v1 refusals: a bad header checksum, an attach naming no
    # guest, modules for a guest that is not multiboot v1, a module too big
    # for the guest's RAM; the guests that are fine still run.
    Run("mb1-refusals", args="", modules=guest_modules(["mb1_badsum"]) + [
            ("/guests/mb1_env.txt", "attach for=nosuch"),
            ("/guests/hello_real.bin", "guest name=flat mem=2"),
            ("/guests/mb1_env.txt", "attach for=flat"),
            ("/guests/mb1_boot.bin", "guest name=small mem=2"),
            ("/boot/svmhv.elf", "attach for=small"),
            ("/guests/hello_real.bin", "guest name=ok mem=2")],
        expect_log=[r"guest mb1_badsum: multiboot v1 image refused: multiboot header at offset \d+ "
                    r"has a bad checksum",
                    r"attach for=nosuch: no guest module has name=nosuch; module ignored",
                    r"guest flat: 1 module\(s\) attached, but its image is flat binary, not "
                    r"multiboot v1 or Linux; not started",
                    r"guest small: multiboot v1 image not loaded: module 0 \(\d+ bytes\) does not "
                    r"fit the guest's RAM",
                    r"\[ok\] hello from a real-mode guest",
                    r"all 1 guest\(s\) stopped"],
        reject_log=[r"guest (mb1_badsum|flat|small): starting", r"started although"]),
    # Linux's 64-bit boot protocol with a made-up kernel that checks what
    # the protocol promises at its entry (tests/guests/linux_proto.asm): no
    # Debian package needed.
    Run("linux-proto", args="", modules=[
            ("/guests/linux_proto.bin",
             "guest name=proto mem=32 timeout=60000 expect=exit:0 -- proto check"),
            ("/guests/mb1_env.txt", "attach for=proto")],
        expect_log=[r"guest proto: Linux boot protocol 2\.15, kernel at 0x1000000 \(init_size "
                    r"0x100000\), initrd 10 bytes, command line 'proto check'",
                    r"guest proto: starting: Linux bzImage, long mode, pc platform",
                    r"guest proto: stopped: exit port \(exit:0",
                    r"guest proto: expected exit with status: as expected"]),
    # Headers that lie or are too old, and boot scripts that are wrong: each
    # refused with the field named; the guest that is fine still runs.
    Run("linux-refusals", args="", modules=[
            ("/guests/linux_old.bin", "guest name=old mem=32"),
            ("/guests/linux_no64.bin", "guest name=no64 mem=32"),
            ("/guests/linux_bigsize.bin", "guest name=big mem=32"),
            ("/guests/linux_cmdline.bin", "guest name=cmdl mem=32 -- console=ttyS0"),
            ("/guests/linux_overlap.bin", "guest name=ovl mem=32"),
            ("/guests/mb1_env.txt", "attach for=ovl"),
            ("/guests/linux_proto.bin", "guest name=two mem=32 -- proto check"),
            ("/guests/mb1_env.txt", "attach for=two"),
            ("/guests/mb1_env.txt", "attach for=two"),
            ("/guests/linux_proto.bin", "guest name=bare platform=bare mem=32"),
            ("/guests/hello_real.bin", "guest name=ok mem=2")],
        expect_log=[r"guest old: Linux image refused: boot protocol 2\.11 is older than 2\.12",
                    r"guest no64: Linux image refused: no 64-bit entry \(xloadflags 0x2, bit 0 clear\)",
                    r"guest big: Linux image refused: init_size 0x40000000 from 0x200000 .* runs "
                    r"past the guest's RAM",
                    r"guest cmdl: Linux image not loaded: command line of 13 characters is longer "
                    r"than the kernel's cmdline_size 4",
                    r"guest ovl: Linux image not loaded: initrd of 10 bytes at 0x107f000 would "
                    r"overlap the kernel \[0x1000000, 0x1100000\)",
                    r"guest two: 2 modules attached; a Linux guest takes one",
                    r"guest bare: platform=bare but the image is a Linux bzImage",
                    r"\[ok\] hello from a real-mode guest",
                    r"all 1 guest\(s\) stopped; 0 did not stop as expected"],
        reject_log=[r"guest (old|no64|big|cmdl|ovl|two|bare): starting"]),
    # Debian's unmodified kernel to userspace and an ACPI poweroff with 1, 2
    # and 4 vCPUs (svmhv on as many CPUs), under SeaBIOS and under OVMF.
    *[linux_run(f"linux-{n}{'-uefi' if fw == 'uefi' else ''}", vcpus=n, smp=n, firmware=fw)
      for n in (1, 2, 4) for fw in ("bios", "uefi")],
    # Two Linux guests of 2 vCPUs each on 3 CPUs (overcommitted), the
    # host-state check after every exit, under the vmsave and cached
    # policies: both reach userspace and power off, 0 mismatches.
    *[Run(f"linux-pair-{pol}", smp=3, mem="1536M", args=f"hostcheck=1 hostsave={pol}", timeout=600,
          needs=LINUX_NEEDS,
          modules=linux_modules("la", vcpus=2) + linux_modules("lb", vcpus=2),
          expect_log=linux_expect("la", nproc=2) + linux_expect("lb", nproc=2) +
                     [rf"hoststate: policy '{pol}'", r"host-state mismatches: 0",
                      r"all 2 guest\(s\) stopped; 0 did not stop as expected"],
          reject_log=[r"Kernel panic", r"guest l[ab]: stopped: (?!powered off)",
                      r"unchecked MSR access error", r"hoststate: MISMATCH"],
          log_checks=[linux_workload_check("la", 2), linux_workload_check("lb", 2)])
      for pol in ("vmsave", "cached")],
]

PASS, FAIL, SKIP = "pass", "fail", "skip"
LOG_TAIL = 40
_ANSI = re.compile(r"\x1b(\[[0-9;?=]*[A-Za-z]|[()][0-9A-Za-z])")


@dataclass
class Check:
    name: str
    status: str            # PASS, FAIL or SKIP
    reason: str = ""


def code_name(code: int) -> str:
    return f"{code} ({KERNEL_CODES.get(code, 'unknown')})"


def check_run(run: Run, result) -> list[Check]:
    """All checks of one finished run (result: qemu.QemuResult)."""
    checks: list[Check] = []
    if run.expect_abort:
        said = re.search(run.expect_abort, result.stderr or "")
        if result.exit_status == -6 and said:
            checks.append(Check("QEMU aborts as expected", PASS))
        elif result.code == run.expect_code:
            checks.append(Check("QEMU aborts as expected", SKIP,
                                "this QEMU did not abort: nothing to catch"))
        else:
            checks.append(Check("QEMU aborts as expected", FAIL,
                                f"{result.describe()}; stderr "
                                f"{'matches' if said else 'lacks'} /{run.expect_abort}/"))
    elif result.code == run.expect_code:
        checks.append(Check("exit code", PASS))
    elif result.code is None or result.code == GRUB_FAIL_CODE:
        checks.append(Check("exit code", FAIL, result.describe()))
    else:
        checks.append(Check("exit code", FAIL,
                            f"kernel exit code {code_name(result.code)}, "
                            f"expected {code_name(run.expect_code)}"))
    log = result.log
    for rx in run.expect_log:
        ok = re.search(rx, log, re.MULTILINE) is not None
        checks.append(Check(f"log has /{rx}/", PASS if ok else FAIL,
                            "" if ok else "not found in the log"))
    for fn in run.log_checks:
        name, ok, detail = fn(log)
        checks.append(Check(name, PASS if ok else FAIL, detail))
    for rx in run.expect_raw:
        ok = re.search(rx, result.log_bytes) is not None
        checks.append(Check(f"raw log has /{rx.decode('latin-1')!r}/", PASS if ok else FAIL,
                            "" if ok else "not found in the log's bytes"))
    for rx in run.reject_log:
        m = re.search(rx, log, re.MULTILINE)
        checks.append(Check(f"log lacks /{rx}/", FAIL if m else PASS,
                            f"found: {m.group(0)[:80]!r}" if m else ""))
    bad = exit_stats_mismatches(log)
    if bad is not None:
        checks.append(Check("exit statistics add up", FAIL if bad else PASS, "; ".join(bad[:3])))
    if run.ktap:
        present = ktap.has_ktap(log)
        checks.append(Check("ktap output", PASS if present else FAIL,
                            "" if present else "no 'KTAP version' line in the log"))
        for r in ktap.parse(log):
            name = f"{r.suite}.{r.test}" if r.suite else r.test
            checks.append(Check(f"ktap {name}", r.status, r.reason))
    return checks


_STATS_HEAD = re.compile(r"^Analyze events for VM (\S+), VCPU (\d+) \((\d+) exits\):")
_STATS_ROW = re.compile(r"^\s*(\S+)\s+(\d+)\s+[\d.]+%\s+[\d.]+%\s")
_STATS_TOTAL = re.compile(r"^Total Samples:(\d+),")


def exit_stats_mismatches(log: str) -> list[str] | None:
    """Each vCPU's exit statistics (vmm/stats.c) against themselves: the
    rows printed must add up to its "Total Samples" (every row is printed),
    and that is its exit count or one less (the last exit is accounted at
    the next entry, which never came).  None when the log has no table."""
    bad: list[str] = []
    seen = False
    head, rows = None, 0
    for line in log.splitlines():
        m = _STATS_HEAD.match(line)
        if m:
            head, rows, seen = m, 0, True
            continue
        if head is None:
            continue
        m = _STATS_ROW.match(line)
        if m and m.group(1) != "VM-EXIT":
            rows += int(m.group(2))
            continue
        m = _STATS_TOTAL.match(line)
        if m:
            total, exits = int(m.group(1)), int(head.group(3))
            who = f"{head.group(1)}/{head.group(2)}"
            if rows != total:
                bad.append(f"{who}: rows add up to {rows}, Total Samples {total}")
            elif not exits - 1 <= total <= exits:
                bad.append(f"{who}: Total Samples {total} for {exits} exits")
            head = None
    return bad if seen else None


def _tap_text(text: str) -> str:
    """Keep a description on one line and its '#' from starting a directive."""
    return " ".join(text.split()).replace("#", "\\#")


def tap_lines(run_name: str, checks: list[Check]) -> list[str]:
    lines = [f"1..{len(checks)}"]
    for c in checks:
        desc = f"{run_name}: {_tap_text(c.name)}"
        if c.status == PASS:
            lines.append(f"ok - {desc}")
        elif c.status == SKIP:
            lines.append(f"ok - {desc} # SKIP {_tap_text(c.reason)}".rstrip())
        else:
            reason = _tap_text(c.reason) or "failed"
            if reason.upper().startswith(("SKIP", "TODO")):
                reason = "- " + reason        # not a directive
            lines.append(f"not ok - {desc} # {reason}")
    return lines


def iso_lacks(iso: str, paths: list[str]) -> list[str]:
    """The paths of `paths` the ISO does not carry."""
    return [p for p in paths if not iso_has(iso, p)]


def execute(run: Run, iso: str, outdir: Path) -> tuple[Run, list[Check], float]:
    """Boot one run, write its .log and .tap, return its checks."""
    log_path = outdir / f"{run.name}.log"
    wall = 0.0
    try:
        if not os.path.exists(iso):
            raise FileNotFoundError(f"{iso}: no such ISO")
        missing = iso_lacks(iso, run.needs) if run.needs else []
        if missing:
            checks = [Check("boot", SKIP, f"the ISO lacks {', '.join(missing)} "
                                          f"(make linux-guest, then make iso)")]
            log_path.write_text(f"--- suites.py: not booted: the ISO lacks {', '.join(missing)}\n")
            (outdir / f"{run.name}.tap").write_text(
                "\n".join(tap_lines(run.name, checks)) + "\n")
            return run, checks, wall
        result = run_qemu(iso, firmware=run.firmware, smp=run.smp, mem=run.mem,
                          cpu=run.cpu, args=run.args, modules=run.modules,
                          timeout=run.timeout, log_path=str(log_path), quiet=True,
                          serial_input=run.serial_input)
        checks = check_run(run, result)
        wall = result.wall
        with open(log_path, "a") as f:
            for line in result.input_log:
                f.write(f"\n--- suites.py: {line}")
            f.write(f"\n--- suites.py: {result.describe()} in {result.wall:.1f}s\n"
                    f"--- {' '.join(result.cmdline)}\n")
    except Exception as e:       # a harness problem still makes a result
        checks = [Check("exit code", FAIL, f"harness error: {e}")]
    (outdir / f"{run.name}.tap").write_text("\n".join(tap_lines(run.name, checks)) + "\n")
    return run, checks, wall


def report(run: Run, checks: list[Check], wall: float, outdir: Path) -> None:
    """The per-run line, failures, and the log tail of a failing run."""
    n = {s: sum(c.status == s for c in checks) for s in (PASS, FAIL, SKIP)}
    print(f"run {run.name}: {n[PASS]} passed, {n[FAIL]} failed, "
          f"{n[SKIP]} skipped ({wall:.1f}s)", flush=True)
    if not n[FAIL]:
        return
    for c in checks:
        if c.status == FAIL:
            print(f"  not ok - {run.name}: {c.name} # {c.reason}")
    log = outdir / f"{run.name}.log"
    if log.exists():
        tail = log.read_text(errors="replace").splitlines()[-LOG_TAIL:]
        print(f"  --- last {len(tail)} lines of {log}:")
        for line in tail:
            print("  | " + _ANSI.sub("", line).replace("\r", ""))
    sys.stdout.flush()


def select(runs: list[Run], only: str | None, firmware: str | None) -> list[Run]:
    chosen = runs
    if only:
        pats = [p.strip() for p in only.split(",") if p.strip()]
        chosen = [r for r in runs if any(fnmatch.fnmatchcase(r.name, p) for p in pats)]
    if firmware:
        # A run moved to the other firmware is dropped when it would boot
        # exactly like a run chosen already (boot-bios -> boot-uefi).
        key = lambda r: replace(r, name="")     # noqa: E731
        seen = [key(r) for r in chosen if r.firmware == firmware]
        moved: list[Run] = []
        for r in chosen:
            if r.firmware != firmware:
                r = replace(r, name=f"{r.name}@{firmware}", firmware=firmware)
                if key(r) in seen:
                    continue
                seen.append(key(r))
            moved.append(r)
        chosen = moved
    return chosen


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run the kernel test boots.")
    p.add_argument("--iso", required=True)
    p.add_argument("--only", help="run names or patterns, comma-separated")
    p.add_argument("--firmware", choices=("bios", "uefi"),
                   help="boot every selected run with this firmware")
    p.add_argument("--results", default="build/results", help="output directory")
    p.add_argument("--jobs", type=int, default=2, help="runs at once (default 2)")
    p.add_argument("--list", action="store_true", help="list the runs and stop")
    a = p.parse_args(argv)

    runs = select(RUNS, a.only, a.firmware)
    if a.list:
        for r in runs:
            print(f"{r.name:12} {r.firmware:4} smp={r.smp} cpu={r.cpu} "
                  f"args={r.args!r} expect_code={r.expect_code}")
        return 0
    if not runs:
        print(f"suites.py: no run matches {a.only!r}", file=sys.stderr)
        return 0
    outdir = Path(a.results)
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    print(f"suites.py: {len(runs)} runs, {a.jobs} at a time", flush=True)
    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futures = [pool.submit(execute, r, a.iso, outdir) for r in runs]
        for fut in futures:          # report in list order
            run, checks, wall = fut.result()
            report(run, checks, wall, outdir)
    print(f"suites.py: done in {time.monotonic() - start:.0f}s, "
          f"results in {outdir}/", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
