#!/usr/bin/env python3
"""Benchmarks (placeholder).

Owns: `make bench`, which calls
    python3 tests/harness/bench.py --iso build/svmhv.iso [--icount]
Not written yet: it will boot the ISO through qemu.run_qemu() (icount=True
for repeatable numbers) and report the kernel's measurements.  Until then it
says so and exits 2.
"""

import sys


def main() -> int:
    print("bench: not implemented yet")
    return 2


if __name__ == "__main__":
    sys.exit(main())
