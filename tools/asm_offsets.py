#!/usr/bin/env python3
"""tools/asm_offsets.py - turn the compiler's assembly of
kernel/asm-offsets.c into a nasm include: every `->NAME VALUE` marker the
DEFINE() macro left becomes `NAME equ VALUE`.  Structure offsets used by
assembly are thereby written once, in C."""
import re
import sys

out = ["; generated from kernel/asm-offsets.c by tools/asm_offsets.py - do not edit"]
pat = re.compile(r'->(\w+)\s+\$?(-?(?:0x[0-9a-fA-F]+|\d+))')
with open(sys.argv[1]) as f:
    for line in f:
        m = pat.search(line)
        if m:
            out.append(f"{m.group(1)} equ {m.group(2)}")
if len(out) == 1:
    sys.exit("asm_offsets: no definitions found")
print("\n".join(out))
