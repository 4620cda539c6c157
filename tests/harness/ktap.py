#!/usr/bin/env python3
"""KTAP v1 parser for the kernel's self-test output.

Owns: turning a serial log into leaf test results.  Called by
tests/harness/suites.py (parse()); run directly, `ktap.py LOG` prints the
results of a log file, for checking by hand.

What it accepts (tolerantly):
  * any kernel log around the KTAP text; parsing starts at the first
    "KTAP version N" (or "TAP version N") line;
  * an optional prefix on each line made of bracketed groups such as
    "[    0.123] " or "[cpu1] ", which is removed before anything else;
  * nesting by indentation (4 spaces per level in KTAP, but any deeper
    indent counts as one level deeper); when a nested suite is not
    indented, its plan tells where it ends;
  * "# Subtest: NAME" before or after a nested "KTAP version" line.

What it returns: a list of Result(suite, test, status, reason) for the leaf
tests only (a result line with no subtests), status "pass", "fail" or
"skip".  A "# SKIP" or "# TODO" directive is a skip.  The "# ..." lines
seen just before a "not ok" become its reason.  A suite whose plan says M
but which got fewer results gets one failure per missing test, reason
"missing".  A suite line "not ok" whose subtests all passed adds one
failure for the suite itself.  suite is the names of the enclosing suites
joined with "." ("" for tests directly under the top level).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

PASS, FAIL, SKIP = "pass", "fail", "skip"


@dataclass
class Result:
    suite: str
    test: str
    status: str          # PASS, FAIL or SKIP
    reason: str = ""

    def __iter__(self):  # lets callers unpack (suite, test, status, reason)
        return iter((self.suite, self.test, self.status, self.reason))


_PREFIX = re.compile(r"^(?:\s*\[[^\]]*\] ?)+")
_ANSI = re.compile(r"\x1b\[[0-9;?=]*[A-Za-z]")
_VERSION = re.compile(r"^(?:KTAP|TAP) version \d+\s*$")
_SUBTEST = re.compile(r"^# Subtest: *(.*?)\s*$")
_PLAN = re.compile(r"^1\.\.(\d+)\b")
_RESULT = re.compile(
    r"^(?P<not>not )?ok +(?P<num>\d+)(?: +-)?(?: +(?P<desc>.*?))?\s*$")
_DIRECTIVE = re.compile(r"\s+#\s*(SKIP|TODO)\b\s*(.*)$", re.IGNORECASE)


@dataclass
class _Frame:
    """One test list (the top level or a suite) being read."""
    indent: int
    name: str = ""
    plan: int | None = None
    results: int = 0               # result lines at this level
    failed_below: bool = False     # a leaf under this one failed/was missing
    has_version: bool = False
    diag: list[str] = field(default_factory=list)   # "# ..." since last result
    pending: "_Frame | None" = None   # finished child awaiting its result line

    @property
    def fresh(self) -> bool:
        return self.plan is None and self.results == 0 and self.pending is None

    @property
    def complete(self) -> bool:
        return self.plan is not None and self.results >= self.plan


def _split(line: str) -> tuple[int, str] | None:
    """(indent, body) of a log line, prefix removed; None for blank."""
    line = _ANSI.sub("", line).rstrip("\r\n").replace("\t", "    ")
    line = _PREFIX.sub("", line)
    body = line.lstrip(" ")
    if not body.strip():
        return None
    return len(line) - len(body), body.rstrip()


class _Parser:
    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.out: list[Result] = []

    # -- helpers
    def suite_path(self) -> str:
        """Names of the open suites (the top level excluded), dot-joined."""
        return ".".join(f.name for f in self.stack[1:] if f.name)

    def finish(self, frame: _Frame, path: str) -> None:
        """Account for the tests a finished frame never reported."""
        done = frame.results + (1 if frame.pending is not None else 0)
        if frame.plan is not None and done < frame.plan:
            for n in range(done + 1, frame.plan + 1):
                self.out.append(Result(path, f"test {n}", FAIL, "missing"))
            frame.failed_below = True

    def pop(self) -> None:
        """Close the innermost frame; its parent holds it as pending until
        the parent's next result line (the suite's own result)."""
        path = self.suite_path()
        frame = self.stack.pop()
        self.finish(frame, path)
        parent = self.stack[-1]
        parent.pending = frame
        if frame.failed_below:
            parent.failed_below = True

    def close_to(self, indent: int) -> None:
        """Pop frames nested deeper than `indent`."""
        while len(self.stack) > 1 and self.stack[-1].indent > indent:
            self.pop()

    def push(self, indent: int) -> _Frame:
        """Open a nested test list (a suite)."""
        frame = _Frame(indent=indent)
        self.stack.append(frame)
        return frame

    def new_document(self, indent: int) -> None:
        self.end()
        self.stack = [_Frame(indent=indent, has_version=True)]

    # -- line kinds
    def header(self, indent: int, kind: str, name: str = "") -> None:
        """A "KTAP version" or "# Subtest:" line."""
        if not self.stack:
            if kind == "version":
                self.stack = [_Frame(indent=indent, has_version=True)]
            return
        root = self.stack[0]
        if indent < root.indent or (len(self.stack) == 1 and kind == "version"
                                    and indent == root.indent and root.complete):
            self.new_document(indent)
            return
        self.close_to(indent)
        top = self.stack[-1]
        mergeable = top.fresh and len(self.stack) > 1 and (
            (kind == "version" and not top.has_version) or
            (kind == "subtest" and not top.name))
        if not mergeable:
            top = self.push(indent)
        if kind == "version":
            top.has_version = True
        else:
            top.name = name

    def plan(self, indent: int, count: int) -> None:
        if not self.stack:
            return
        self.close_to(indent)
        top = self.stack[-1]
        if top.plan is not None or top.results or top.pending is not None:
            if indent > top.indent:
                top = self.push(indent)
            else:
                return      # a second plan for the same list: ignore
        top.plan = count

    def result(self, indent: int, ok: bool, num: int, desc: str) -> None:
        if not self.stack:
            return
        self.close_to(indent)
        # Unindented nesting: a full child list, or a line naming the child
        # suite, belongs to the parent.
        while len(self.stack) > 1:
            top, parent = self.stack[-1], self.stack[-2]
            if top.indent <= parent.indent and (
                    top.complete or (top.name and desc == top.name and top.results)):
                self.pop()
            else:
                break
        frame = self.stack[-1]
        frame.results += 1
        status = PASS if ok else FAIL
        reason = ""
        m = _DIRECTIVE.search(" " + desc)
        if m:
            desc = (" " + desc)[:m.start()].strip()
            status = SKIP
            reason = (m.group(1).upper() + " " + m.group(2)).strip() \
                if m.group(1).upper() == "TODO" else m.group(2).strip()
            if not desc:        # cmocka style: "ok 3 # SKIP name"
                desc, reason = reason, ""
        if not desc:
            desc = f"test {num}"
        if status == FAIL:
            reason = "; ".join(frame.diag)[:300]
        frame.diag = []

        child = frame.pending
        frame.pending = None
        if child is not None:
            # The result line of a suite: its leaves are already counted.
            if status == FAIL and not child.failed_below:
                path = self.suite_path()
                self.out.append(Result(path, desc, FAIL,
                                       reason or "suite reported not ok"))
                frame.failed_below = True
            return
        self.out.append(Result(self.suite_path(), desc, status, reason))
        if status == FAIL:
            frame.failed_below = True

    def diagnostic(self, indent: int, text: str) -> None:
        if self.stack:
            self.stack[-1].diag.append(text)
            del self.stack[-1].diag[:-5]

    def end(self) -> None:
        while len(self.stack) > 1:
            self.pop()
        if self.stack:
            self.finish(self.stack[0], "")
        self.stack = []

    def feed(self, raw: str) -> None:
        split = _split(raw)
        if split is None:
            return
        indent, body = split
        if _VERSION.match(body):
            self.header(indent, "version")
        elif (m := _SUBTEST.match(body)):
            self.header(indent, "subtest", m.group(1))
        elif not self.stack:
            return
        elif (m := _PLAN.match(body)):
            self.plan(indent, int(m.group(1)))
        elif (m := _RESULT.match(body)):
            self.result(indent, not m.group("not"), int(m.group("num")),
                        m.group("desc") or "")
        elif body.startswith("#"):
            self.diagnostic(indent, body.lstrip("# ").strip())


def parse(text: str) -> list[Result]:
    """Leaf results of every KTAP document in `text` (a serial log)."""
    p = _Parser()
    for line in text.splitlines():
        p.feed(line)
    p.end()
    return p.out


def has_ktap(text: str) -> bool:
    """Whether the log contains a KTAP/TAP version line at all."""
    return any((s := _split(l)) and _VERSION.match(s[1]) for l in text.splitlines())


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: ktap.py LOG", file=sys.stderr)
        return 2
    with open(argv[1], errors="replace") as f:
        results = parse(f.read())
    for r in results:
        name = f"{r.suite}.{r.test}" if r.suite else r.test
        print(f"{r.status:4} {name}" + (f"  # {r.reason}" if r.reason else ""))
    counts = {s: sum(r.status == s for r in results) for s in (PASS, FAIL, SKIP)}
    print(f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[SKIP]} skipped")
    return 1 if counts[FAIL] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
