#!/usr/bin/env python3
"""Turn a PC screen font (PSF1 or PSF2, optionally gzip'd) into the C file
that gives drivers/fb.c its glyphs.

Used by mk/font.mk at build time (build/font.c) and, as a module, by
tests/harness/screenshot.py, which renders the expected text with the same
bitmaps to find it in a screendump.

The kernel only prints ASCII, so the output covers the 128 byte values
0x00-0x7f: printable characters take the glyph the font's Unicode table
assigns to that code point (the glyph at that index when the font has no
table), control characters get an empty glyph, and a character the font
lacks is drawn as '?'.

Formats, as the Linux console tools define them:
  PSF1  magic 36 04, mode byte (1: 512 glyphs, 2: Unicode table), height;
        8 pixels wide, one byte per row; the table lists, per glyph,
        little-endian UCS-2 values ending in 0xffff (0xfffe starts
        sequences, which are skipped).
  PSF2  magic 72 b5 4a 86, then u32 version, header size, flags (1: Unicode
        table), glyph count, bytes per glyph, height, width; rows are
        (width + 7) / 8 bytes, most significant bit leftmost; the table lists,
        per glyph, UTF-8 characters ending in 0xff (0xfe starts sequences).
"""

from __future__ import annotations

import argparse
import gzip
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FONT = "/usr/share/consolefonts/default8x16.psf.gz"

PSF1_MAGIC = b"\x36\x04"
PSF1_MODE512 = 0x01
PSF1_MODEHASTAB = 0x02
PSF1_MODESEQ = 0x04
PSF1_SEPARATOR = 0xFFFF
PSF1_STARTSEQ = 0xFFFE

PSF2_MAGIC = b"\x72\xb5\x4a\x86"
PSF2_HAS_UNICODE_TABLE = 0x01
PSF2_SEPARATOR = 0xFF
PSF2_STARTSEQ = 0xFE

# Limits drivers/fb.c relies on (it reads a glyph row into a u32).
MAX_WIDTH = 32
MAX_HEIGHT = 64

ASCII_COUNT = 128


class FontError(Exception):
    """The file is not a font this tool can use."""


@dataclass
class Font:
    width: int
    height: int
    stride: int                 # bytes per glyph row
    glyphs: list[bytes]         # height * stride bytes each
    unicode: dict[int, int] = field(default_factory=dict)   # code point -> glyph

    def glyph_for(self, code: int) -> bytes | None:
        """The glyph the font gives code point `code`, or None."""
        if self.unicode:
            index = self.unicode.get(code)
        else:
            index = code if code < len(self.glyphs) else None
        return None if index is None else self.glyphs[index]

    def ascii_table(self) -> list[bytes]:
        """128 glyphs indexed by byte value (see the module docstring)."""
        blank = bytes(self.height * self.stride)
        question = self.glyph_for(ord("?"))
        if question is None:
            raise FontError("the font has no '?' to stand for missing characters")
        table = []
        for code in range(ASCII_COUNT):
            if code < 0x20 or code == 0x7F:
                table.append(blank)
            else:
                g = self.glyph_for(code)
                table.append(question if g is None else g)
        return table

    def rows(self, glyph: bytes) -> list[int]:
        """The glyph's rows as integers, bit (width - 1 - x) = pixel x."""
        out = []
        for y in range(self.height):
            row = int.from_bytes(glyph[y * self.stride:(y + 1) * self.stride], "big")
            out.append(row >> (self.stride * 8 - self.width))
        return out


def _psf1_table(data: bytes, count: int) -> dict[int, int]:
    table: dict[int, int] = {}
    pos, glyph, in_seq = 0, 0, False
    while glyph < count and pos + 2 <= len(data):
        (value,) = struct.unpack_from("<H", data, pos)
        pos += 2
        if value == PSF1_SEPARATOR:
            glyph, in_seq = glyph + 1, False
        elif value == PSF1_STARTSEQ:
            in_seq = True
        elif not in_seq:
            table.setdefault(value, glyph)
    return table


def _psf2_table(data: bytes, count: int) -> dict[int, int]:
    table: dict[int, int] = {}
    glyph = 0
    for entry in data.split(bytes([PSF2_SEPARATOR])):
        if glyph >= count:
            break
        singles = entry.split(bytes([PSF2_STARTSEQ]))[0]
        for ch in singles.decode("utf-8", errors="ignore"):
            table.setdefault(ord(ch), glyph)
        glyph += 1
    return table


def parse_psf(data: bytes) -> Font:
    """Parse PSF1 or PSF2 bytes (already decompressed)."""
    if data[:2] == PSF1_MAGIC:
        if len(data) < 4:
            raise FontError("truncated PSF1 header")
        mode, height = data[2], data[3]
        count = 512 if mode & PSF1_MODE512 else 256
        width, stride, header = 8, 1, 4
        has_table = bool(mode & (PSF1_MODEHASTAB | PSF1_MODESEQ))
    elif data[:4] == PSF2_MAGIC:
        if len(data) < 32:
            raise FontError("truncated PSF2 header")
        (_version, header, flags, count, charsize, height,
         width) = struct.unpack_from("<7I", data, 4)
        stride = (width + 7) // 8
        if width == 0 or charsize != height * stride:
            raise FontError(f"inconsistent PSF2 header: {width}x{height}, "
                            f"{charsize} bytes per glyph")
        has_table = bool(flags & PSF2_HAS_UNICODE_TABLE)
    else:
        raise FontError("not a PSF1 or PSF2 font (bad magic)")
    if not 0 < height <= MAX_HEIGHT or width > MAX_WIDTH:
        raise FontError(f"glyphs of {width}x{height} are outside what drivers/fb.c "
                        f"draws (up to {MAX_WIDTH}x{MAX_HEIGHT})")
    size = height * stride
    end = header + count * size
    if len(data) < end:
        raise FontError(f"file too short for {count} glyphs of {size} bytes")
    glyphs = [data[header + i * size:header + (i + 1) * size] for i in range(count)]
    table = {}
    if has_table:
        rest = data[end:]
        table = (_psf1_table(rest, count) if data[:2] == PSF1_MAGIC
                 else _psf2_table(rest, count))
    return Font(width, height, stride, glyphs, table)


def load_font(path: str | Path) -> Font:
    """Read a .psf or .psf.gz file."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return parse_psf(raw)


def _char_comment(code: int) -> str:
    if 0x20 < code < 0x7F and chr(code) not in "\\*/":
        return f"0x{code:02x} '{chr(code)}'"
    return f"0x{code:02x}"


def emit_c(font: Font, source: str) -> str:
    """The text of build/font.c."""
    table = font.ascii_table()
    size = font.height * font.stride
    out = [
        f"/* build/font.c - generated by tools/psf2c.py; do not edit.",
        f" * Source: {source}",
        f" * {font.width}x{font.height} glyphs for byte values 0x00-0x7f, "
        f"{font.stride} byte(s) per row,",
        f" * most significant bit leftmost (see struct fb_font in drivers/fb.h). */",
        '#include "drivers/fb.h"',
        "",
        f"static const u8 font_glyphs[{ASCII_COUNT}][{size}] = {{",
    ]
    for code, glyph in enumerate(table):
        data = ", ".join(f"0x{b:02x}" for b in glyph)
        out.append(f"\t/* {_char_comment(code)} */ {{ {data} }},")
    name = Path(source).name.replace("\\", "/").replace('"', "")
    out += [
        "};",
        "",
        "const struct fb_font fb_font = {",
        f"\t.width = {font.width},",
        f"\t.height = {font.height},",
        f"\t.stride = {font.stride},",
        f"\t.count = {ASCII_COUNT},",
        "\t.glyphs = &font_glyphs[0][0],",
        f'\t.name = "{name}",',
        "};",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Convert a PSF1/PSF2 font to build/font.c.")
    p.add_argument("font", nargs="?", default=DEFAULT_FONT,
                   help=f"font file, .psf or .psf.gz (default {DEFAULT_FONT})")
    p.add_argument("-o", "--output", help="C file to write (default: standard output)")
    a = p.parse_args(argv)
    try:
        text = emit_c(load_font(a.font), a.font)
    except (OSError, FontError, EOFError) as e:
        print(f"psf2c: {a.font}: {e}", file=sys.stderr)
        if isinstance(e, FileNotFoundError):
            print("psf2c: the Debian package console-data provides "
                  "/usr/share/consolefonts (make deps)", file=sys.stderr)
        return 1
    if a.output:
        tmp = Path(a.output + ".tmp")
        tmp.write_text(text)
        tmp.replace(a.output)       # no half-written file if interrupted
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
