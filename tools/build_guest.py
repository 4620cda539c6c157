#!/usr/bin/env python3
"""tools/build_guest.py - assemble one test guest (tests/guests/*.asm) into
the image svmhv loads as a multiboot2 module.

Called by the Makefile as `build_guest.py [-I DIR]... SRC OUT` for every
guest source; each -I DIR is searched by %include after the source's own
directory (the Makefile passes build/gen, where svmhv_hypercall.inc is
generated from hw/svmhv_hypercall.h).
The source names its mode in a header comment within its first lines:

    ; svmhv-guest: mode=real|prot|long [other key=value ...] [-- GUEST ARGS]

Only `mode` decides how the image is built; the other keys (mem=, vcpus=,
expect=, ...) document the module string the guest is meant to run with
and are checked for key=value syntax only.  Words after a lone `--` are
the guest's own command line (multiboot v1 guests) and are not checked.

    real  nasm -f bin: a flat image loaded at 0x7c00 (the source says
          `org 0x7c00`), started in real mode at CS:IP = 0:0x7c00
    prot  nasm -f elf32, ld -m elf_i386 at 0x100000: a static ELF32
          executable started at _start in 32-bit protected mode
    long  nasm -f elf64, ld -m elf_x86_64 at 0x100000: a static ELF64
          executable started at _start in 64-bit long mode

ELF outputs are stripped and checked: only static PT_LOAD segments whose
virtual and physical addresses agree (guests run identity-mapped), the
entry inside an executable one.  Exit status 1 with one line saying what
is wrong on any failure; the output file is removed then.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HEADER_LINES = 20            # how far down the header comment may sit
LOAD_ADDR = 0x100000         # where ELF guests are linked
FLAT_BASE = 0x7C00           # where flat guests are loaded
FLAT_MAX = 0xA0000 - FLAT_BASE   # conventional memory above the load address

MODES = ("real", "prot", "long")
HEADER_RE = re.compile(r"^\s*;\s*svmhv-guest:(.*)$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
PF_X = 1


class BuildError(Exception):
    pass


def read_header(src: str) -> dict[str, str]:
    """Returns the key=value settings of the `; svmhv-guest:` comment."""
    try:
        with open(src, encoding="utf-8") as f:
            lines = [f.readline() for _ in range(HEADER_LINES)]
    except OSError as e:
        raise BuildError(f"cannot read {src}: {e.strerror}")
    except UnicodeDecodeError:
        raise BuildError(f"{src}: not UTF-8 text")

    for lineno, line in enumerate(lines, 1):
        m = HEADER_RE.match(line)
        if not m:
            continue
        settings: dict[str, str] = {}
        for tok in m.group(1).split():
            if tok == "--":
                break
            key, eq, val = tok.partition("=")
            if not eq or not val or not KEY_RE.match(key):
                raise BuildError(f"{src}:{lineno}: header token '{tok}' is not key=value")
            if key in settings:
                raise BuildError(f"{src}:{lineno}: header sets '{key}' twice")
            settings[key] = val
        if "mode" not in settings:
            raise BuildError(f"{src}:{lineno}: header has no mode= (want one of {', '.join(MODES)})")
        if settings["mode"] not in MODES:
            raise BuildError(f"{src}:{lineno}: mode={settings['mode']} is not one of {', '.join(MODES)}")
        return settings
    raise BuildError(f"{src}: no '; svmhv-guest: mode=...' comment in its first {HEADER_LINES} lines")


def run(cmd: list[str]) -> None:
    tool = cmd[0]
    if shutil.which(tool) is None:
        raise BuildError(f"'{tool}' not found in PATH (install it: make deps)")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.stdout:
        sys.stdout.write(proc.stdout)
    if proc.stderr:
        sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        raise BuildError(f"{tool} failed (status {proc.returncode}): {' '.join(cmd)}")


INCLUDE_DIRS: list[str] = []   # from -I, after the source's directory


def nasm(src: str, fmt: str, out: str) -> None:
    # -I: the directory of the source, so `%include "svmhv.inc"` works from anywhere.
    incs = [os.path.dirname(os.path.abspath(src)) + os.sep]
    incs += [os.path.abspath(d) + os.sep for d in INCLUDE_DIRS]
    flags = [f for d in incs for f in ("-I", d)]
    run([os.environ.get("NASM", "nasm"), "-Werror", "-f", fmt, *flags, "-o", out, src])


def check_elf(path: str, elf_class: int, machine: int) -> None:
    try:
        check_elf_headers(path, elf_class, machine)
    except struct.error:
        raise BuildError(f"{path}: ELF headers run past the end of the file")


def check_elf_headers(path: str, elf_class: int, machine: int) -> None:
    """Re-reads what ld wrote and refuses anything svmhv's loader would."""
    with open(path, "rb") as f:
        img = f.read()
    if img[:4] != b"\x7fELF" or img[4] != elf_class or img[5] != 1:
        raise BuildError(f"{path}: not a little-endian ELF{32 if elf_class == 1 else 64} file")
    if elf_class == 1:
        e_type, e_machine, _, e_entry, e_phoff = struct.unpack_from("<HHIII", img, 16)
        e_phentsize, e_phnum = struct.unpack_from("<HH", img, 42)
        ph_fmt, ph_fields = "<IIIIIIII", ("type", "offset", "vaddr", "paddr", "filesz", "memsz", "flags", "align")
    else:
        e_type, e_machine, _, e_entry, e_phoff = struct.unpack_from("<HHIQQ", img, 16)
        e_phentsize, e_phnum = struct.unpack_from("<HH", img, 54)
        ph_fmt, ph_fields = "<IIQQQQQQ", ("type", "flags", "offset", "vaddr", "paddr", "filesz", "memsz", "align")
    if e_type != 2 or e_machine != machine:
        raise BuildError(f"{path}: ld did not produce a static executable for machine {machine}")
    if e_phentsize != struct.calcsize(ph_fmt):
        raise BuildError(f"{path}: unexpected program header size {e_phentsize}")

    entry_ok = False
    nload = 0
    for i in range(e_phnum):
        ph = dict(zip(ph_fields, struct.unpack_from(ph_fmt, img, e_phoff + i * e_phentsize)))
        if ph["type"] in (PT_DYNAMIC, PT_INTERP):
            raise BuildError(f"{path}: program header {i} asks for dynamic linking")
        if ph["type"] != PT_LOAD:
            continue
        nload += 1
        if ph["vaddr"] != ph["paddr"]:
            raise BuildError(f"{path}: segment {i} has vaddr {ph['vaddr']:#x} != paddr {ph['paddr']:#x}")
        if ph["filesz"] > ph["memsz"]:
            raise BuildError(f"{path}: segment {i} has filesz > memsz")
        if ph["vaddr"] + ph["memsz"] > 1 << 32:
            raise BuildError(f"{path}: segment {i} ends above 4 GiB")
        if ph["flags"] & PF_X and ph["vaddr"] <= e_entry < ph["vaddr"] + ph["memsz"]:
            entry_ok = True
    if nload == 0:
        raise BuildError(f"{path}: no loadable segment")
    if not entry_ok:
        raise BuildError(f"{path}: entry {e_entry:#x} is not in an executable segment (is _start global?)")


def build(src: str, out: str) -> None:
    mode = read_header(src)["mode"]
    out_dir = os.path.dirname(os.path.abspath(out))
    os.makedirs(out_dir, exist_ok=True)

    if mode == "real":
        nasm(src, "bin", out)
        size = os.path.getsize(out)
        if size == 0:
            raise BuildError(f"{src}: assembled to an empty image")
        if size > FLAT_MAX:
            raise BuildError(f"{src}: flat image is {size} bytes; at most {FLAT_MAX} fit "
                             f"between 0x7c00 and 0xa0000")
        return

    if mode == "prot":
        fmt, emul, elf_class, machine = "elf32", "elf_i386", 1, 3
    else:
        fmt, emul, elf_class, machine = "elf64", "elf_x86_64", 2, 62
    with tempfile.TemporaryDirectory(prefix="svmhv-guest-") as tmp:
        obj = os.path.join(tmp, "guest.o")
        nasm(src, fmt, obj)
        # -z noseparate-code: headers and code share one segment, so the
        # image has two PT_LOADs (code, data+bss) instead of four.
        run([os.environ.get("LD", "ld"), "-m", emul, f"-Ttext={LOAD_ADDR:#x}", "-e", "_start",
             "-nostdlib", "-static", "-s", "--build-id=none", "--fatal-warnings",
             "-z", "max-page-size=0x1000", "-z", "noexecstack", "-z", "noseparate-code",
             "-o", out, obj])
    check_elf(out, elf_class, machine)


def main(argv: list[str]) -> int:
    args = argv[1:]
    while len(args) >= 2 and args[0] == "-I":
        INCLUDE_DIRS.append(args[1])
        args = args[2:]
    if len(args) != 2:
        sys.stderr.write("usage: build_guest.py [-I DIR]... SRC.asm OUT\n")
        return 2
    src, out = args
    try:
        build(src, out)
    except BuildError as e:
        sys.stderr.write(f"build_guest: {e}\n")
        try:
            os.unlink(out)
        except OSError:
            pass
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
