"""Time and peak memory of reading and parsing a file of a million short lines, by kind.

Each kind runs in its own process (so its peak resident memory is its own); the figures show
whether time and memory stay linear in the number of lines (run with --lines 100000 and
1000000 and compare).

    python bench/million_lines.py [--lines 1000000] [--kinds words,blank,...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_965dd161175208ce.txt"


def build(kind: str, n: int) -> bytes:
    """``n`` lines of one kind of text."""
    if kind == "words":  # a novel's worth of short lines
        return b"".join(b"line %d\n" % i for i in range(n))
    if kind == "blank":  # empty lines around one word
        return b"\n" * (n // 2) + b"word\n" + b"\n" * (n // 2)
    if kind == "refs":  # a ref on every line, nothing else
        return b"".join(b"%d.%d\n" % (i % 9 + 1, i % 50) for i in range(n))
    if kind == "pages":  # a page break on every line
        return b"a\n\f" * n
    if kind == "tab-rows":  # one table of tab-separated rows
        header = b"Ref\tAction\tMilestone\tRAG\tDirection of travel\n"
        return header + b"".join(
            b"1.%d\tDo\tOngoing\tG\t\xe2\x86\x91\n" % (i % 99) for i in range(n)
        )
    if kind == "wrapped-rows":  # ref, text, milestone line
        header = b"Ref Action Milestone RAG\n"
        row = b"1.%d\nDo the thing\nBy March 2020 A \xe2\x86\x93\n"
        return header + b"".join(row % (i % 99) for i in range(n // 3))
    if kind == "paragraph":  # one commentary paragraph of n lines
        body = b"".join(b"word %d\n" % i for i in range(n))
        return (
            b"Ref\tAction\tMilestone\tRAG\n1.1\tDo\tOngoing\tG\n"
            b"Commentary for areas of progress:\n1.1 " + body
        )
    if kind == "sample":  # a real report repeated
        data = SAMPLE.read_bytes()
        return data * max(1, n // data.count(b"\n"))
    raise SystemExit(f"unknown kind {kind}")


KINDS = ["words", "blank", "refs", "pages", "tab-rows", "wrapped-rows", "paragraph", "sample"]


def child(kind: str, n: int) -> None:
    """Read and parse one kind (runs in its own process); prints the outcome."""
    sys.path.insert(0, str(ROOT / "src"))
    import logging

    from ragtrack.errors import RagtrackError
    from ragtrack.extract import parse_source
    from ragtrack.extract.reader import read_text_bytes

    logging.disable(logging.WARNING)
    data = build(kind, n)
    start = time.perf_counter()
    try:
        parsed = parse_source(read_text_bytes(data, f"{kind}.txt", max_bytes=1 << 31))
        outcome = (
            f"{len(parsed.items)} items, {len(parsed.commentary)} commentary, "
            f"{len(parsed.document.warnings)} warnings"
        )
    except RagtrackError as err:
        outcome = f"refused: {err.message[:60]}"
    elapsed = time.perf_counter() - start
    print(f"{len(data) / 1e6:.1f}\t{elapsed:.1f}\t{outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.lines)
        return
    print(f"{'kind':<13} {'lines':>9} {'MB':>6} {'seconds':>8} {'peak MB':>8}  outcome")
    for kind in args.kinds.split(","):
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", kind, "--lines", str(args.lines)],
            stdout=subprocess.PIPE,
            text=True,
        )
        out = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        size, seconds, outcome = [*out.strip().split("\t"), "?", "?", "failed"][:3]
        peak = usage.ru_maxrss / 1024  # kilobytes on Linux
        print(f"{kind:<13} {args.lines:>9,} {size:>6} {seconds:>8} {peak:>8.0f}  {outcome}")


if __name__ == "__main__":
    main()
