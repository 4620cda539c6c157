#!/usr/bin/env python3
"""tools/compile_commands.py CC FLAGS SRC... - write compile_commands.json
for the kernel's C files so editors and clang-tidy see the real flags."""
import json
import os
import shlex
import sys

cc, flags, srcs = sys.argv[1], sys.argv[2], sys.argv[3:]
root = os.getcwd()
cmds = []
for s in srcs:
    obj = "build/" + s[:-2] + ".o"
    cmds.append({"directory": root, "file": s,
                 "command": " ".join([cc] + shlex.split(flags) + ["-c", "-o", obj, s])})
print(json.dumps(cmds, indent=1))
