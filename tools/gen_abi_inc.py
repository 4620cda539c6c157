#!/usr/bin/env python3
"""tools/gen_abi_inc.py - turn a C header of plain constants into a nasm
include, so assembly guests use the C definition instead of a copy.

    gen_abi_inc.py HEADER > OUT.inc

Every `#define NAME VALUE [/* comment */]` becomes `NAME equ VALUE [; comment]`.
VALUE may be an integer (C suffixes U/L dropped), `(1 << n)`, or an
expression of integers, + - | << and names defined earlier in the header.
Anything else is an error (exit 1, one line saying which define): a value
that nasm would read differently must not slip through.  The include
guard (a define with no value) is skipped."""

import re
import sys

DEFINE = re.compile(r"^#define\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+(.*?))?\s*$")
COMMENT = re.compile(r"/\*(.*?)\*/")
TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|[0-9]+|[A-Za-z_][A-Za-z0-9_]*|<<|[-+|()])")


def translate(name: str, expr: str, known: set[str]) -> str:
    out = []
    pos = 0
    expr = expr.strip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"{name}: cannot translate '{expr}'")
        tok = m.group(1)
        if tok[0].isdigit():
            out.append(tok)
            tail = expr[m.end():]
            suffix = re.match(r"[uUlL]+", tail)
            pos = m.end() + (suffix.end() if suffix else 0)
            continue
        if tok[0].isalpha() or tok[0] == "_":
            if tok not in known:
                raise ValueError(f"{name}: '{tok}' is not defined above it")
        out.append(tok)
        pos = m.end()
    return " ".join(out).replace("( ", "(").replace(" )", ")")


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: gen_abi_inc.py HEADER", file=sys.stderr)
        return 2
    header = sys.argv[1]
    lines = [f"; generated from {header} by tools/gen_abi_inc.py - do not edit"]
    known: set[str] = set()
    with open(header, encoding="utf-8") as f:
        for line in f:
            m = DEFINE.match(line.rstrip("\n"))
            if not m:
                continue
            name, rest = m.group(1), m.group(2) or ""
            comment = ""
            c = COMMENT.search(rest)
            if c:
                comment = c.group(1).strip()
                rest = rest[:c.start()]
            if not rest.strip():
                continue            # include guard
            try:
                value = translate(name, rest, known)
            except ValueError as e:
                print(f"gen_abi_inc.py: {header}: {e}", file=sys.stderr)
                return 1
            known.add(name)
            text = f"{name:<20} equ {value}"
            lines.append(f"{text:<40} ; {comment}" if comment else text)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
