#!/usr/bin/env python3
"""Check that the kernel's screen console shows the boot banner.

Owns: the screenshot check of the framebuffer console (drivers/fb.c) and its
result file
    build/results/screenshot.tap   "ok - screenshot: FIRMWARE banner visible"
                                   "not ok - screenshot: FIRMWARE banner visible # reason"
    build/results/screenshot-FIRMWARE.{log,ppm,png}   serial log and screen
(the PNG only when netpbm's pnmtopng is installed).

Called by hand or by a test target:
    python3 tests/harness/screenshot.py --iso build/svmhv.iso [--firmware bios,uefi]
Exit status 0 when every firmware passed, 1 otherwise.

Each firmware boots the ISO once (no modules, no exit=qemu, one CPU):
  bios       SeaBIOS, with "set gfxpayload=1024x768x32" between multiboot2
             and boot in the generated svmhv.cfg (GRUB's multiboot2 command
             resets gfxpayload, so it must come after it);
  uefi       OVMF, whose GRUB always hands over the GOP framebuffer;
  bios-text  (not run by default) SeaBIOS with gfxpayload=text: only saves
             the screen and checks that the kernel chose VGA text, since QEMU
             draws text mode with its own font.
The VM starts paused with QEMU's gdbstub on a unix socket; a breakpoint on
the kernel symbol --break (default options_parse, which kmain calls right
after it has chosen the screen and printed the "console:" line) stops it
before anything can scroll the banner away.  The serial log must then show
the banner and, after it, the marker (default "console: framebuffer");
"screendump" through the monitor writes the screen.  --no-break polls the
log instead and sends "stop" (racy: the kernel runs on meanwhile).  The
banner line from the serial log is rendered with the font the kernel was
built with (tools/psf2c.py reads it) and searched for in the pixels: an
exact match of every glyph cell, text in any one colour on any other.

The QEMU command line, the GRUB script and the monitor protocol come from
qemu.py; this file adds the gfxpayload line, the gdbstub stop and the
image check, which run_qemu() does not offer.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tools"))
import psf2c                                   # noqa: E402
import qemu                                    # noqa: E402

BANNER = re.compile(r"^svmhv \S+ - a hypervisor microkernel for AMD SVM$", re.M)
DEFAULT_MARKER = "console: framebuffer"
DEFAULT_BREAK = "options_parse"     # kmain's next call after screen_init()
BIOS_GFXPAYLOAD = "1024x768x32"

# firmware name -> (QEMU firmware, gfxpayload, marker or None for default)
VARIANTS = {
    "bios": ("bios", BIOS_GFXPAYLOAD, None),
    "uefi": ("uefi", None, None),
    "bios-text": ("bios", "text", "console: VGA text"),
}
DEFAULT_VARIANTS = ("bios", "uefi")

POLL = 0.01            # seconds between looks at the serial log


# ------------------------------------------------------------- images --

@dataclass
class Image:
    width: int
    height: int
    rgb: bytes          # width * height * 3, rows top to bottom

    def row(self, y: int) -> bytes:
        return self.rgb[y * self.width * 3:(y + 1) * self.width * 3]


def read_ppm(path: Path) -> Image:
    """A binary PPM (P6, maxval 255), as QEMU's screendump writes it."""
    data = path.read_bytes()
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        if end == pos:
            raise ValueError("truncated PPM header")
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"not a 24-bit binary PPM ({fields[0]!r}, maxval {fields[3]!r})")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + w * h * 3]
    if len(pixels) != w * h * 3:
        raise ValueError(f"PPM holds {len(pixels)} bytes of pixels, {w}x{h} needs {w * h * 3}")
    return Image(w, h, pixels)


def to_png(ppm: Path) -> Path | None:
    """ppm as a PNG next to it, when netpbm's pnmtopng is installed."""
    tool = shutil.which("pnmtopng")
    if not tool:
        return None
    png = ppm.with_suffix(".png")
    with open(png, "wb") as out:
        r = subprocess.run([tool, str(ppm)], stdout=out, stderr=subprocess.DEVNULL)
    return png if r.returncode == 0 else None


# ------------------------------------------------------ text matching --

def text_bitmap(font: psf2c.Font, text: str) -> list[list[bool]]:
    """text drawn with font, font.height rows of len(text) * width pixels."""
    table = font.ascii_table()
    rows = [[] for _ in range(font.height)]
    for ch in text:
        code = ord(ch)
        glyph = table[code] if code < len(table) else table[ord("?")]
        for y, bits in enumerate(font.rows(glyph)):
            rows[y] += [bool(bits >> (font.width - 1 - x) & 1) for x in range(font.width)]
    return rows


def find_text(img: Image, font: psf2c.Font, text: str) -> tuple[int, int] | None:
    """Top-left pixel of text drawn in one colour on another, or None."""
    bitmap = text_bitmap(font, text)
    width = len(bitmap[0])
    if width > img.width or font.height > img.height:
        return None
    # Search on the glyph row with the most ink, verify the others.
    key = max(range(font.height), key=lambda y: sum(bitmap[y]))
    colours = Counter(img.rgb[i:i + 3] for i in range(0, len(img.rgb), 3 * 7))
    ranked = [c for c, _ in colours.most_common(8)]
    for bg in ranked[:2]:
        for fg in ranked:
            if fg == bg:
                continue
            lines = [b"".join(fg if on else bg for on in row) for row in bitmap]
            for y in range(key, img.height - font.height + key + 1):
                row = img.row(y)
                start = row.find(lines[key])
                while start >= 0:
                    if start % 3 == 0:
                        top, left = y - key, start
                        if all(img.row(top + r)[left:left + width * 3] == lines[r]
                               for r in range(font.height)):
                            return left // 3, top
                    start = row.find(lines[key], start + 1)
    return None


# ---------------------------------------------------------------- run --

def grub_script(gfxpayload: str | None) -> str:
    """qemu.py's script for a run without exit=qemu or modules, with
    "set gfxpayload" between multiboot2 and boot: GRUB's multiboot2 command
    itself sets gfxpayload (to "auto" when the kernel's header asks for a
    framebuffer), so an earlier setting is lost."""
    script = qemu.make_grub_script("", [], exit_qemu=False)
    if gfxpayload:
        boot = "\n  boot\n"
        if script.count(boot) != 1:
            raise RuntimeError("qemu.make_grub_script() no longer ends the entry "
                               "with one 'boot' line; update grub_script()")
        script = script.replace(boot, f"\n  set gfxpayload={gfxpayload}{boot}")
    return script


class GdbStub:
    """The least of the GDB remote protocol that stops the VM at an address:
    QEMU's gdbstub on a unix socket, all-stop mode."""

    def __init__(self, path: str, wait: float = 10.0):
        deadline = time.monotonic() + wait
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""

    def close(self) -> None:
        self.sock.close()

    def send(self, payload: str) -> None:
        data = payload.encode()
        self.sock.sendall(b"$" + data + b"#%02x" % (sum(data) & 0xFF))

    def receive(self, timeout: float) -> str | None:
        """The next packet's payload (acknowledged), None at the timeout."""
        self.sock.settimeout(timeout)
        while True:
            m = re.search(rb"\$([^#$]*)#[0-9a-fA-F]{2}", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                self.sock.sendall(b"+")
                return m.group(1).decode(errors="replace")
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                return None
            if not chunk:
                raise ConnectionError("QEMU closed the gdbstub connection")
            self.buf += chunk

    def command(self, payload: str, timeout: float = 10.0) -> str | None:
        self.send(payload)
        return self.receive(timeout)


def symbol_address(elf: Path, name: str) -> int:
    """The address of a text symbol of the kernel ELF (nm)."""
    r = subprocess.run(["nm", str(elf)], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"nm {elf} failed: {r.stderr.strip()}")
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name and parts[1] in "tT":
            return int(parts[0], 16)
    raise RuntimeError(f"{elf} has no text symbol {name}")


@dataclass
class Capture:
    ok: bool
    reason: str = ""
    log: str = ""
    lines_after_marker: int = 0


def _log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def _has_banner_then(text: str, marker: str) -> bool:
    banner = BANNER.search(text)
    return bool(banner) and marker in text[banner.end():]


def _wait_break(proc: subprocess.Popen, gdb_sock: str, address: int,
                timeout: float) -> str | None:
    """Run to `address` under the gdbstub; None, or why not."""
    gdb = GdbStub(gdb_sock)
    try:
        # A hardware breakpoint works under TCG and KVM alike.
        reply = gdb.command(f"Z1,{address:x},1")
        if reply != "OK":
            reply = gdb.command(f"Z0,{address:x},1")
            if reply != "OK":
                return f"the gdbstub refused a breakpoint at {address:#x} ({reply!r})"
        gdb.send("c")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = gdb.receive(0.2)
            if reply is not None and reply[:1] in ("T", "S"):
                return None
            if reply is not None and reply[:1] in ("W", "X"):
                return f"the VM ended before the breakpoint ({reply})"
            if proc.poll() is not None:
                return f"QEMU exited (status {proc.returncode}) before the breakpoint"
        return f"no stop at {address:#x} after {timeout:.0f}s"
    finally:
        gdb.close()


def _wait_marker(proc: subprocess.Popen, log_path: Path, marker: str,
                 mon_sock: str, timeout: float) -> str | None:
    """Poll the serial log, stop the VM once banner and marker are there.
    The kernel runs on meanwhile, so this can miss under load."""
    start = time.monotonic()
    while not _has_banner_then(_log_text(log_path), marker):
        if proc.poll() is not None:
            return f"QEMU exited (status {proc.returncode}) before the marker"
        if time.monotonic() - start > timeout:
            return f"no banner and marker after {timeout:.0f}s"
        time.sleep(POLL)
    qemu._monitor_command(mon_sock, "stop")
    return None


def capture(iso: str, firmware: str, gfxpayload: str | None, marker: str,
            ppm: Path, log_path: Path, timeout: float, smp: int, mem: str,
            break_at: int | None) -> Capture:
    """Boot, stop once the banner and the marker are on the serial port
    (at the address break_at, or by polling the log), dump the screen."""
    tmp = Path(tempfile.mkdtemp(prefix="svmhv-shot-"))
    proc = None
    try:
        cfg_img = tmp / "svmhv-cfg.img"
        qemu.make_cfg_image(cfg_img, grub_script(gfxpayload))
        vars_copy = None
        if firmware == "uefi":
            vars_copy = str(tmp / "OVMF_VARS.fd")
            shutil.copyfile(qemu.OVMF_VARS, vars_copy)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.unlink(missing_ok=True)
        ppm.unlink(missing_ok=True)
        mon_sock = str(tmp / "monitor.sock")
        gdb_sock = str(tmp / "gdb.sock")
        extra = [] if break_at is None else \
            ["-S", "-gdb", f"unix:{gdb_sock},server=on,wait=off"]
        cmd = qemu.build_cmdline(iso, str(cfg_img), firmware, smp, mem, "EPYC", vars_copy,
                                 ["-serial", f"file:{log_path}"],
                                 ["-monitor", f"unix:{mon_sock},server=on,wait=off"],
                                 False, False, extra)
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if break_at is None:
            why = _wait_marker(proc, log_path, marker, mon_sock, timeout)
        else:
            why = _wait_break(proc, gdb_sock, break_at, timeout)
        text = _log_text(log_path)
        if why:
            return Capture(False, why, text)
        if not _has_banner_then(text, marker):
            return Capture(False, f"stopped, but the serial log lacks the banner or "
                           f"'{marker}' after it", text)
        qemu._monitor_command(mon_sock, f"screendump {ppm}")
        after = max(text[text.index(marker):].count("\n") - 1, 0)
        if not ppm.exists():
            return Capture(False, "screendump wrote no file", text, after)
        return Capture(True, "", text, after)
    finally:
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def check(name: str, iso: str, font: psf2c.Font, outdir: Path, timeout: float,
          smp: int, mem: str, marker_override: str | None,
          break_at: int | None) -> tuple[bool, str]:
    """One firmware variant: (passed, reason or detail)."""
    firmware, gfxpayload, marker = VARIANTS[name]
    marker = marker_override or marker or DEFAULT_MARKER
    ppm = outdir / f"screenshot-{name}.ppm"
    log = outdir / f"screenshot-{name}.log"
    cap = capture(iso, firmware, gfxpayload, marker, ppm, log, timeout, smp, mem, break_at)
    if not cap.ok:
        return False, cap.reason
    png = to_png(ppm)
    img = read_ppm(ppm)
    where = f"{img.width}x{img.height} screen in {png or ppm}"
    if gfxpayload == "text":
        # QEMU renders VGA text with its own font: only the mode is checked.
        if (img.width, img.height) != (720, 400):
            return False, f"expected the 720x400 text-mode screen, got {where}"
        return True, where
    banner = BANNER.search(cap.log).group(0)
    text = banner[:img.width // font.width]
    pos = find_text(img, font, text)
    if pos is None:
        return False, (f"'{text}' not found on the {where} "
                       f"({cap.lines_after_marker} lines printed after the marker)")
    x, y = pos
    return True, (f"at pixel ({x},{y}), text row {y // font.height}, "
                  f"of the {where}")


def font_path(arg: str | None) -> str:
    """--font, else the font build/font.c names, else psf2c's default."""
    if arg:
        return arg
    generated = ROOT / "build" / "font.c"
    if generated.exists():
        m = re.search(r"^ \* Source: (.+)$", generated.read_text(errors="replace"), re.M)
        if m:
            return m.group(1).strip()
    return psf2c.DEFAULT_FONT


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Check that the boot banner is on the screen.")
    p.add_argument("--iso", required=True)
    p.add_argument("--firmware", default=",".join(DEFAULT_VARIANTS),
                   help=f"comma-separated, from {', '.join(VARIANTS)} "
                        f"(default {','.join(DEFAULT_VARIANTS)})")
    p.add_argument("--font", help="PSF font the kernel was built with "
                                  "(default: the one build/font.c names)")
    p.add_argument("--marker", help=f"serial text after the banner that triggers the "
                                    f"screendump (default '{DEFAULT_MARKER}')")
    p.add_argument("--elf", help="kernel ELF inside the ISO, for --break "
                                 "(default: svmhv.elf next to the ISO)")
    p.add_argument("--break", dest="break_sym", default=DEFAULT_BREAK, metavar="SYMBOL",
                   help=f"stop the VM (gdbstub) when the kernel reaches SYMBOL, which "
                        f"kmain calls after printing the marker (default {DEFAULT_BREAK})")
    p.add_argument("--no-break", action="store_true",
                   help="no gdbstub: poll the serial log and stop the VM through the "
                        "monitor (racy: the kernel runs on until then)")
    p.add_argument("--results", default=str(ROOT / "build" / "results"))
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--mem", default="1G")
    a = p.parse_args(argv)

    names = [n.strip() for n in a.firmware.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown or not names:
        p.error(f"unknown firmware {', '.join(unknown) or '(none)'}; "
                f"choose from {', '.join(VARIANTS)}")
    if not os.path.exists(a.iso):
        print(f"screenshot.py: {a.iso}: no such ISO", file=sys.stderr)
        return 2
    outdir = Path(a.results)
    outdir.mkdir(parents=True, exist_ok=True)
    setup_error = None
    fpath = font_path(a.font)
    try:
        font = psf2c.load_font(fpath)
    except (OSError, psf2c.FontError) as e:
        font, setup_error = None, f"font {fpath}: {e}"
    break_at = None
    if not a.no_break:
        elf = Path(a.elf) if a.elf else Path(a.iso).with_name("svmhv.elf")
        try:
            break_at = symbol_address(elf, a.break_sym)
        except (OSError, RuntimeError) as e:
            setup_error = setup_error or f"--break {a.break_sym}: {e}"

    lines = []
    failed = 0
    for name in names:
        check_name = f"screenshot: {name} " + ("text console" if VARIANTS[name][1] == "text"
                                               else "banner visible")
        if setup_error:
            ok, detail = False, setup_error
        else:
            try:
                ok, detail = check(name, a.iso, font, outdir, a.timeout, a.smp, a.mem,
                                   a.marker, break_at)
            except (OSError, ValueError, RuntimeError) as e:
                ok, detail = False, f"{type(e).__name__}: {e}"
        detail = detail.replace("#", "\\#")       # '#' starts a TAP directive
        line = f"ok - {check_name}" if ok else f"not ok - {check_name} # {detail}"
        failed += not ok
        lines.append(line)
        print(line + (f"  ({detail})" if ok else ""), flush=True)
    (outdir / "screenshot.tap").write_text("\n".join(lines) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
