#!/usr/bin/env python3
"""Boot the svmhv ISO in QEMU, one run at a time.

Owns: the QEMU command line (machine, firmware, devices), the per-run GRUB
override (a FAT image holding /svmhv.cfg, see boot/grub.cfg), timeouts,
the serial log, monitor screendumps and decoding of the kernel's exit code.

Called by:
  * `make run` / `make debug` through the CLI (interactive, serial on the
    terminal, no timeout; exits 0 when svmhv reports success, its exit
    code when it reports another, else QEMU's status);
  * tests/harness/suites.py and tests/harness/bench.py through run_qemu().

How a run gets its kernel command line and modules without rebuilding the
ISO: the ISO's grub.cfg searches every disk for a file /svmhv.cfg and
sources it; the menuentry defined there becomes the default and boots at
once.  run_qemu() writes that file into a 1.44 MB FAT image (mtools) and
attaches it as an AHCI hard disk on the q35 controller (port ide.1), which
both SeaBIOS and OVMF hand to GRUB.  The ISO is the CD-ROM on ide.2 and
stays the boot device (-boot d).

Exit codes: the kernel writes code v to the isa-debug-exit port 0xf4 and
QEMU exits with (v << 1) | 1.  With -no-reboot, QEMU status 0 means the
guest reset or triple-faulted: a crash.  Code 127 is written by the
generated GRUB script itself when it cannot load the kernel or a module.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

QEMU = "qemu-system-x86_64"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS.fd"
KERNEL_PATH = "/boot/svmhv.elf"   # where the ISO keeps the kernel
DEBUG_EXIT_PORT = 0xF4
ESCAPE_CHAR = "0x1d"              # QEMU's terminal escape in interactive runs: Ctrl-]

# Modules `make run` boots with when no --module is given: the example
# guests.  Each entry is (path inside the ISO, module string).
DEFAULT_MODULES: list[tuple[str, str]] = [
    ("/guests/hello_real.bin", "guest name=hello mode=real mem=2"),
    ("/guests/exits_prot.bin", "guest name=exits_prot mode=prot mem=4"),
    ("/guests/exits_long.bin", "guest name=exits_long mode=long mem=16"),
    ("/guests/smp_long.bin", "guest name=smp_long mode=long mem=16 vcpus=2"),
]

# `make run`'s Linux guest, when the ISO carries it (make linux-guest):
# Debian's kernel with the project's busybox initramfs, 2 vCPUs.  On a
# terminal its init starts a shell (and the input focus is on it); with no
# terminal (CI) it runs its checks and powers off, so that the run ends.
LINUX_FILES = ("/linux/vmlinuz", "/linux/initrd.img")


def iso_has(iso: str, path: str) -> bool:
    """Whether the ISO carries `path` (asked of xorriso)."""
    r = subprocess.run(["xorriso", "-indev", iso, "-find", path], capture_output=True, text=True)
    return r.returncode == 0 and f"'{path}'" in r.stdout


def default_modules(iso: str, interactive: bool) -> list[tuple[str, str]]:
    mods = list(DEFAULT_MODULES)
    if all(iso_has(iso, f) for f in LINUX_FILES):
        shell = " svmhv_mode=shell" if interactive and sys.stdin.isatty() else ""
        mods += [(LINUX_FILES[0], "guest name=linux mem=512 vcpus=2 expect=poweroff -- "
                                  f"console=ttyS0 quiet{shell}"),
                 (LINUX_FILES[1], "attach for=linux")]
    return mods


# Codes the kernel writes to the debug-exit port.
KERNEL_CODES = {
    0: "success",
    1: "tests failed",
    2: "refused to start",
    3: "panic",
    127: "GRUB could not load the kernel or a module",
}
GRUB_FAIL_CODE = 127

DEFAULT_TIMEOUT = 120.0


@dataclass
class QemuResult:
    """What one QEMU run produced."""
    cmdline: list[str]
    exit_status: int | None       # QEMU's exit status; <0 = killed by signal
    code: int | None              # kernel code; None for crash/timeout/error
    timed_out: bool
    log: str                      # serial output (COM1)
    wall: float                   # seconds from start to exit
    stderr: str = ""              # QEMU's own messages (non-interactive)
    qemu_error: str | None = None  # QEMU failed to start (bad option, ...)
    screendump: str | None = None  # path of the PPM written, if one was
    stopped: bool = False         # ended by a signal to qemu.py (interactive)
    interactive: bool = False     # status 0 may also be the user quitting
    input_log: list[str] = field(default_factory=list)  # what serial_input did, in order
    log_bytes: bytes = b""        # the serial log as received (log is read as text:
                                  # its carriage returns become newlines)

    @property
    def crashed(self) -> bool:
        """The guest reset or triple-faulted (status 0 under -no-reboot)."""
        return not (self.timed_out or self.stopped) and self.exit_status == 0

    def describe(self) -> str:
        """One line saying how the run ended."""
        if self.qemu_error:
            return f"QEMU failed: {self.qemu_error}"
        if self.timed_out:
            return f"timed out after {self.wall:.0f}s"
        if self.stopped:
            return "stopped by a signal to qemu.py"
        if self.exit_status is None:
            return "QEMU did not run"
        if self.exit_status < 0:
            return f"QEMU killed by signal {-self.exit_status}"
        if self.exit_status == 0 and self.interactive:
            return "QEMU exited with status 0 (quit, reset or triple fault)"
        if self.exit_status == 0:
            return "crashed (triple fault or reset)"
        if self.code == GRUB_FAIL_CODE:
            return "GRUB could not load the kernel or a module (see log)"
        if self.code is not None:
            what = KERNEL_CODES.get(self.code, "unknown code")
            return f"kernel exit code {self.code} ({what})"
        return f"QEMU exit status {self.exit_status} (not a kernel code)"


# ---------------------------------------------------------------- GRUB --

_GRUB_SAFE = re.compile(r"^[A-Za-z0-9_=.,:/+@%^-]+$")


def grub_quote(word: str) -> str:
    """Quote one word for a GRUB script so it reaches the kernel verbatim."""
    if _GRUB_SAFE.match(word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def grub_words(text: str) -> str:
    """Split a command-line string on white space and quote each word.

    The kernel receives the words joined by single spaces; a word cannot
    contain white space.
    """
    return " ".join(grub_quote(w) for w in text.split())


def make_grub_script(args: str, modules: list[tuple[str, str]],
                     exit_qemu: bool = True) -> str:
    """The /svmhv.cfg sourced by the ISO's grub.cfg for one run."""
    cmdline = ("exit=qemu " if exit_qemu else "") + args
    lines = [
        "# Generated by tests/harness/qemu.py for one run.",
        "function svmhv_fail {",
        "  serial --unit=0 --speed=115200",
        "  terminal_output serial",
        '  echo "svmhv.cfg: $1"',
        "  insmod iorw",
        f"  outb 0x{DEBUG_EXIT_PORT:x} 0x{GRUB_FAIL_CODE:x}",
        "  halt",
        "}",
        'menuentry "test-run" {',
        f"  if multiboot2 {grub_quote(KERNEL_PATH)} {grub_words(cmdline)}; "
        f"then true; else svmhv_fail {grub_quote('cannot load ' + KERNEL_PATH)}; fi",
    ]
    for path, string in modules:
        lines.append(
            f"  if module2 {grub_quote(path)} {grub_words(string)}; "
            f"then true; else svmhv_fail {grub_quote('cannot load ' + path)}; fi")
    lines += ["  boot", "}", ""]
    return "\n".join(lines)


def make_cfg_image(path: Path, script: str) -> None:
    """Write a FAT floppy-sized image holding /svmhv.cfg (needs mtools)."""
    cfg = path.with_suffix(".cfg")
    cfg.write_text(script)
    path.unlink(missing_ok=True)
    for cmd in (["mformat", "-C", "-f", "1440", "-i", str(path), "::"],
                ["mcopy", "-i", str(path), str(cfg), "::/svmhv.cfg"]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr.strip()}")


# ------------------------------------------------------- command line --

def _opt(path: str) -> str:
    """A file name inside a QEMU option list (commas are doubled)."""
    return str(path).replace(",", ",,")


def build_cmdline(iso: str, cfg_img: str, firmware: str, smp: int, mem: str,
                  cpu: str, vars_copy: str | None, serial: list[str],
                  monitor: list[str], icount: bool, gdb: bool,
                  extra: list[str]) -> list[str]:
    """The full QEMU argument vector for one run."""
    cmd = [QEMU, "-M", "q35", "-cpu", cpu, "-smp", str(smp), "-m", str(mem),
           "-no-reboot", "-display", "none", "-nic", "none"]
    if firmware == "uefi":
        cmd += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={_opt(OVMF_CODE)}",
                "-drive", f"if=pflash,format=raw,unit=1,file={_opt(vars_copy)}"]
    elif firmware != "bios":
        raise ValueError(f"firmware must be 'bios' or 'uefi', not {firmware!r}")
    cmd += ["-device", f"isa-debug-exit,iobase=0x{DEBUG_EXIT_PORT:x},iosize=0x04",
            "-cdrom", iso,                  # taken as is, no option list
            "-drive", f"file={_opt(cfg_img)},format=raw,if=none,id=cfg",
            "-device", "ide-hd,drive=cfg,bus=ide.1",
            "-boot", "d"]
    cmd += serial + monitor
    if icount:
        cmd += ["-icount", "shift=0", "-accel", "tcg,thread=single"]
    if gdb:
        cmd += ["-s", "-S"]
    return cmd + list(extra)


def decode_status(status: int | None) -> int | None:
    """Kernel code from QEMU's exit status, None when it is not one."""
    if status is None or status <= 0 or status % 2 == 0:
        return None
    return status >> 1


def _qemu_error(stderr: str) -> str | None:
    """QEMU's own error message (start-up failures), ignoring warnings."""
    for line in stderr.splitlines():
        if line.startswith(QEMU + ":") and ": warning:" not in line and ": info:" not in line \
                and "terminating on signal" not in line:
            return line[len(QEMU) + 1:].strip()
    return None


# ------------------------------------------------------------ monitor --

def _monitor_command(sock_path: str, command: str, wait: float = 10.0) -> str:
    """Send one HMP command over the monitor socket, return its output."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(wait)
        s.connect(sock_path)
        buf = b""
        while b"(qemu) " not in buf:        # banner + first prompt
            chunk = s.recv(4096)
            if not chunk:
                return buf.decode(errors="replace")
            buf += chunk
        s.sendall(command.encode() + b"\n")
        out = b""
        while out.count(b"(qemu) ") < 1:    # output ends at the next prompt
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
        return out.decode(errors="replace")


def take_screendump(sock_path: str, ppm_path: str) -> bool:
    """Ask QEMU (through the monitor socket) for a PPM of the screen."""
    try:
        _monitor_command(sock_path, f"screendump {ppm_path}")
    except OSError:
        return False
    return os.path.exists(ppm_path)


# ---------------------------------------------------------------- run --

def run_qemu(iso: str, firmware: str = "bios", smp: int = 4, mem: str = "1G",
             cpu: str = "EPYC", args: str = "",
             modules: list[tuple[str, str]] | None = None,
             timeout: float | None = DEFAULT_TIMEOUT,
             log_path: str | None = None, icount: bool = False,
             extra: list[str] | None = None, interactive: bool = False,
             gdb: bool = False, screendump: str | None = None,
             screendump_marker: str | None = None,
             exit_qemu: bool | None = None, quiet: bool = False,
             serial_input: list[tuple[str, bytes]] | None = None,
             records_path: str | None = None) -> QemuResult:
    """Boot `iso` once and return how it ended.

    args       kernel command line (added after "exit=qemu" unless exit_qemu
               is False; exit_qemu defaults to "not interactive").
    modules    [(path inside the ISO, module string)], none by default.
    timeout    seconds before QEMU is killed (result.timed_out, a failure);
               None or 0 = no limit.  Interactive runs have no limit.
    log_path   where the serial log goes (a temporary file otherwise).
    screendump path of a PPM to write through the QEMU monitor: when the
               serial log first contains screendump_marker, or, without a
               marker, just before QEMU is killed at the timeout.  The run
               goes on afterwards.
    interactive serial and monitor on the terminal (mon:stdio), no timeout.
    gdb        -s -S: QEMU waits for gdb on localhost:1234 (with
               interactive: serial output only, see _run_interactive).
    quiet      do not print the QEMU command line.
    serial_input  typing on svmhv's serial line (batch runs): steps
               (regex, bytes), in order; each waits until the serial output
               after the previous step's match matches regex, then sends
               bytes.  COM1 is then a pair of FIFOs (QEMU's pipe chardev;
               its log still goes to log_path).
    records_path  a second UART (COM2) writing to this file, and
               records=com2: svmhv's machine-readable BENCH lines go there
               instead of the console (`make run`: not on the terminal).
    """
    iso = str(iso)
    modules = list(modules or [])
    extra = list(extra or [])
    if exit_qemu is None:
        exit_qemu = not interactive
    tmp = Path(tempfile.mkdtemp(prefix="svmhv-qemu-"))
    try:
        cfg_img = tmp / "svmhv-cfg.img"
        if records_path:
            Path(records_path).parent.mkdir(parents=True, exist_ok=True)
            args = (args + " records=com2").strip()
        make_cfg_image(cfg_img, make_grub_script(args, modules, exit_qemu))
        vars_copy = None
        if firmware == "uefi":
            vars_copy = str(tmp / "OVMF_VARS.fd")
            shutil.copyfile(OVMF_VARS, vars_copy)
        log = Path(log_path) if log_path else tmp / "serial.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.unlink(missing_ok=True)
        mon_sock = str(tmp / "monitor.sock")
        feeder = None
        logfile = f",logfile={_opt(log)}" if log_path else ""
        if interactive and gdb:
            # gdb owns the terminal: serial output only, no input, no
            # monitor (use gdb's "monitor CMD"), Ctrl-C left to gdb.
            serial = ["-chardev", f"stdio,id=con,signal=off{logfile}",
                      "-serial", "chardev:con"]
            monitor: list[str] = []
        elif interactive:
            # svmhv's console owns Ctrl-A (three in a row switch its input
            # focus, docs/console.md), so QEMU's own escape moves to
            # Ctrl-] (then x quits, c toggles the monitor), and Ctrl-C is a
            # byte for the guest (signal=off), not a signal for QEMU.
            serial = ["-chardev", f"stdio,id=con,mux=on,signal=off{logfile}",
                      "-serial", "chardev:con", "-mon", "chardev=con,mode=readline",
                      "-echr", ESCAPE_CHAR]
            monitor = []
        elif serial_input is not None:
            feeder = _SerialFeeder(str(tmp / "serial"), serial_input)
            # QEMU opens serial.in and serial.out (FIFOs _SerialFeeder makes).
            serial = ["-chardev", f"pipe,id=ser,path={_opt(str(tmp / 'serial'))},"
                      f"logfile={_opt(log)}", "-serial", "chardev:ser"]
            monitor = ["-monitor", f"unix:{mon_sock},server=on,wait=off"]
        else:
            serial = ["-serial", f"file:{log}"]
            monitor = ["-monitor", f"unix:{mon_sock},server=on,wait=off"]
        if records_path:
            serial += ["-serial", f"file:{records_path}"]     # the second: COM2
        cmd = build_cmdline(iso, str(cfg_img), firmware, smp, mem, cpu,
                            vars_copy, serial, monitor, icount, gdb, extra)
        if not quiet:
            print("+ " + shlex.join(cmd), flush=True)
            if gdb:
                print("qemu.py: QEMU waits for gdb on localhost:1234", flush=True)
        if interactive:
            return _run_interactive(cmd, log, gdb)

        return _run_batch(cmd, log, timeout, screendump, screendump_marker,
                          mon_sock, feeder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _is_noise(line: str) -> bool:
    """QEMU warnings repeated on every TCG run with -cpu EPYC."""
    return "TCG doesn't support requested feature" in line


def without_noise(stderr: str) -> str:
    """QEMU's messages less the per-run TCG feature warnings."""
    return "".join(l for l in stderr.splitlines(keepends=True) if not _is_noise(l))


def _run_interactive(cmd: list[str], log: Path, gdb: bool) -> QemuResult:
    """QEMU on the terminal until it exits; no timeout.

    Plain interactive runs: serial and monitor on the terminal (Ctrl-] h
    for help, Ctrl-] x quits, Ctrl-] c the monitor), Ctrl-C and Ctrl-A go
    to svmhv's console.  With gdb: QEMU runs in
    its own session with no input, so that Ctrl-C in gdb interrupts the
    guest instead of killing QEMU; gdb's "kill" ends QEMU, and so do
    SIGTERM/SIGHUP to this script and the death of its parent (Ctrl-C of
    `make debug` once gdb has quitted).  QEMU's stderr is passed through
    less the TCG feature warnings.
    """
    start = time.monotonic()
    parent = os.getppid()
    try:
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL if gdb else None,
                                start_new_session=gdb)
    except FileNotFoundError as e:
        return QemuResult(cmd, None, None, False, "", 0.0, qemu_error=str(e))

    def forward_stderr() -> None:
        for raw in proc.stderr:
            line = raw.decode(errors="replace")
            if not _is_noise(line):
                sys.stderr.write(line.rstrip("\n") + "\r\n")
                sys.stderr.flush()
    threading.Thread(target=forward_stderr, daemon=True).start()

    stopped: list[int] = []

    def stop(signum: int, frame=None) -> None:
        stopped.append(signum)
        proc.terminate()
    # Set only now, after the fork, so that QEMU keeps the defaults.
    saved = {sig: signal.signal(sig, handler) for sig, handler in (
        (signal.SIGINT, signal.SIG_IGN), (signal.SIGTERM, stop), (signal.SIGHUP, stop))}
    try:
        while True:
            try:
                status = proc.wait(0.5)
                break
            except subprocess.TimeoutExpired:
                if os.getppid() != parent and not stopped:
                    stop(0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    text = log.read_text(errors="replace") if log.exists() else ""
    return QemuResult(cmd, status, None if stopped else decode_status(status),
                      False, text, time.monotonic() - start, stopped=bool(stopped),
                      interactive=True)


class _LogWatch:
    """Reads a growing log file and tells when a marker has appeared."""

    def __init__(self, path: Path, marker: str):
        self.path, self.marker = path, marker.encode()
        self.offset, self.tail = 0, b""

    def seen(self) -> bool:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                new = f.read()
        except OSError:
            return False
        self.offset += len(new)
        text = self.tail + new
        self.tail = text[-len(self.marker):]
        return self.marker in text


class _SerialFeeder(threading.Thread):
    """Types on svmhv's serial line: reads everything svmhv prints from
    the FIFO `base`.out QEMU writes to, and writes each step's bytes to
    `base`.in once the output since the previous step matches the step's
    regex.  FIFOs rather than a socket: QEMU's serial port writes one byte
    at a time, and on a Unix socket every byte takes a buffer of its own,
    so a reader the loaded host does not schedule for a moment makes QEMU's
    writes fail (EAGAIN) and its 16550 retry; a pipe holds 64 KiB of bytes.
    Both FIFOs are opened read-write here (as QEMU does), so no open waits
    for the other side; stop() ends the reading once QEMU is gone."""

    def __init__(self, base: str, steps: list[tuple[str, bytes]]):
        super().__init__(daemon=True)
        self.base, self.steps = base, list(steps)
        self.log: list[str] = []
        self.done = threading.Event()
        self._stop = threading.Event()
        for end in (".in", ".out"):
            os.mkfifo(base + end)

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        import select
        rd = os.open(self.base + ".out", os.O_RDWR | os.O_NONBLOCK)
        wr = os.open(self.base + ".in", os.O_RDWR)
        text, pos, step = "", 0, 0
        try:
            while True:
                while step < len(self.steps):
                    rx, data = self.steps[step]
                    m = re.compile(rx, re.MULTILINE).search(text, pos)
                    if not m:
                        break
                    os.write(wr, data)
                    self.log.append(f"serial input: step {step}: saw /{rx}/, sent {data!r}")
                    pos, step = m.end(), step + 1
                if not select.select([rd], [], [], 0.1)[0]:
                    if self._stop.is_set():
                        break
                    continue
                try:
                    chunk = os.read(rd, 65536)
                except BlockingIOError:
                    continue
                text += chunk.decode("latin-1")
        except OSError as e:
            self.log.append(f"serial input: {e}")
        finally:
            for rx, _ in self.steps[step:]:
                self.log.append(f"serial input: step {step}: /{rx}/ never seen, nothing sent")
                step += 1
            os.close(rd)
            os.close(wr)
            self.done.set()


def _run_batch(cmd: list[str], log: Path, timeout: float | None,
               screendump: str | None, marker: str | None,
               mon_sock: str, feeder: _SerialFeeder | None = None) -> QemuResult:
    """Serial to a file, QEMU killed at the timeout."""
    start = time.monotonic()
    errf = tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=errf, stderr=subprocess.STDOUT)
    except FileNotFoundError as e:
        return QemuResult(cmd, None, None, False, "", 0.0, qemu_error=str(e))
    if feeder:
        feeder.start()
    timed_out = False
    dumped: str | None = None
    watch = _LogWatch(log, marker) if (screendump and marker) else None
    try:
        while proc.poll() is None:
            if watch and not dumped and watch.seen():
                dumped = screendump if take_screendump(mon_sock, screendump) else None
                watch = None        # one try only
            if timeout and time.monotonic() - start > timeout:
                timed_out = True
                if screendump and not marker:
                    if take_screendump(mon_sock, screendump):
                        dumped = screendump
                break
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    wall = time.monotonic() - start
    errf.seek(0)
    stderr = errf.read().decode(errors="replace")
    errf.close()
    text = log.read_text(errors="replace") if log.exists() else ""
    status = proc.returncode
    err = None if timed_out else _qemu_error(stderr)
    if err is not None and status != 1:
        err = None      # a message, but QEMU ran and exited on its own
    code = None if (timed_out or err) else decode_status(status)
    if feeder:
        feeder.stop()
        feeder.done.wait(5)
    return QemuResult(cmd, status, code, timed_out, text, wall,
                      stderr=stderr, qemu_error=err, screendump=dumped,
                      input_log=list(feeder.log) if feeder else [],
                      log_bytes=log.read_bytes() if log.exists() else b"")


# ---------------------------------------------------------------- CLI --

def _parse_module(text: str) -> tuple[str, str]:
    path, sep, string = text.partition("=")
    if not sep or not path.startswith("/"):
        raise argparse.ArgumentTypeError(
            f"--module wants PATH_IN_ISO=STRING, got {text!r}")
    return path, string


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description="Boot the svmhv ISO in QEMU (used by make run / make debug).")
    p.add_argument("--iso", required=True, help="ISO image (build/svmhv.iso)")
    p.add_argument("--firmware", choices=("bios", "uefi"), default="bios")
    p.add_argument("--smp", type=int, default=4)
    p.add_argument("--mem", default="1G")
    p.add_argument("--cpu", default="EPYC", help="QEMU -cpu model (default EPYC)")
    p.add_argument("--args", default="", help="kernel command line to add")
    p.add_argument("--module", action="append", type=_parse_module, default=None,
                   metavar="PATH_IN_ISO=STRING",
                   help="boot module (repeatable); replaces the default example guests")
    p.add_argument("--no-modules", action="store_true", help="boot without modules")
    p.add_argument("--interactive", action="store_true",
                   help="serial + monitor on the terminal (Ctrl-] x quits), no timeout")
    p.add_argument("--gdb", action="store_true", help="wait for gdb on :1234 (-s -S)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help="seconds before QEMU is killed (batch runs; 0 = never)")
    p.add_argument("--log", help="also keep the serial log in this file")
    p.add_argument("--records", metavar="FILE",
                   help="svmhv's BENCH lines to this file (COM2, records=com2), not the console")
    p.add_argument("--icount", action="store_true", help="deterministic -icount shift=0")
    p.add_argument("--screendump", help="PPM to write through the monitor")
    p.add_argument("--screendump-marker", help="serial text that triggers --screendump")
    p.add_argument("--exit-qemu", dest="exit_qemu", action="store_true", default=None,
                   help="pass exit=qemu (default for batch runs)")
    p.add_argument("--no-exit-qemu", dest="exit_qemu", action="store_false",
                   help="do not pass exit=qemu (default for interactive runs)")
    p.add_argument("extra", nargs="*", help="more QEMU arguments (after --)")
    a = p.parse_args(argv)

    if not os.path.exists(a.iso):
        print(f"qemu.py: {a.iso}: no such ISO", file=sys.stderr)
        return 2
    modules = [] if a.no_modules else (a.module if a.module is not None
                                       else default_modules(a.iso, a.interactive))
    if modules and any(name.startswith("guest name=linux ") for _, name in modules) \
            and a.interactive and sys.stdin.isatty() and "focus=" not in a.args:
        a.args = (a.args + " focus=linux").strip()
    r = run_qemu(a.iso, firmware=a.firmware, smp=a.smp, mem=a.mem, cpu=a.cpu,
                 args=a.args, modules=modules, timeout=a.timeout,
                 log_path=a.log, icount=a.icount, extra=a.extra,
                 interactive=a.interactive or a.gdb, gdb=a.gdb,
                 screendump=a.screendump, screendump_marker=a.screendump_marker,
                 exit_qemu=a.exit_qemu, records_path=a.records)
    if not (a.interactive or a.gdb):
        sys.stdout.write(r.log)
        if r.log and not r.log.endswith("\n"):
            sys.stdout.write("\n")
        noise = without_noise(r.stderr)
        if noise.strip():
            sys.stderr.write(noise)
    print(f"qemu.py: {r.describe()} ({r.wall:.1f}s)", file=sys.stderr)
    if a.records and os.path.exists(a.records) and os.path.getsize(a.records):
        print(f"qemu.py: machine-readable records (BENCH lines) in {a.records}", file=sys.stderr)
    return exit_status_for_make(r)


def exit_status_for_make(r: QemuResult) -> int:
    """What `make run` and friends exit with: 0 when svmhv reported
    success (QEMU's own status is then 1, isa-debug-exit's (0 << 1) | 1),
    the kernel's code when it reported another, QEMU's status otherwise."""
    if r.exit_status is None:
        return 125
    if r.timed_out:
        return 124
    if r.code is not None and not r.stopped:
        return r.code
    return r.exit_status if r.exit_status >= 0 else 128 - r.exit_status


if __name__ == "__main__":
    sys.exit(main())
