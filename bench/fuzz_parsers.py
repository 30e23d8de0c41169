"""Fuzz the parsers with mangled copies of every sample report and plan.

Feeds N mangled versions (lines dropped, duplicated, swapped, truncated, characters
replaced; see tests/mangling.py) through reading and parsing, and counts crashes (any
exception other than ragtrack's own one-line errors) and rows with impossible values.

    python bench/fuzz_parsers.py [--count 10000] [--seed 0]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from mangling import impossible_values, mangle  # noqa: E402
from ragtrack.errors import RagtrackError  # noqa: E402
from ragtrack.extract import parse_source  # noqa: E402
from ragtrack.extract.reader import read_text_bytes  # noqa: E402


def run(count: int, seed: int) -> tuple[int, int, int, int]:
    """Returns (inputs, crashes, rejected with a clear error, impossible values)."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)  # parser warnings are expected here; restored after
    try:
        return _run(count, seed)
    finally:
        logging.disable(previous)


def _run(count: int, seed: int) -> tuple[int, int, int, int]:
    samples = sorted((ROOT / "samples").glob("*.txt"))
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in samples]
    crashes = rejected = impossible = 0
    for n in range(count):
        name, text = texts[n % len(texts)]
        mangled = mangle(text, seed + n)
        try:
            parsed = parse_source(read_text_bytes(mangled.encode("utf-8"), name))
        except RagtrackError:
            rejected += 1
            continue
        except Exception:
            crashes += 1
            print(f"crash on {name} seed {seed + n}:", file=sys.stderr)
            traceback.print_exc()
            continue
        problems = impossible_values(parsed, mangled)
        if problems:
            impossible += 1
            print(f"impossible values on {name} seed {seed + n}: {problems[:3]}", file=sys.stderr)
    return count, crashes, rejected, impossible


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    count, crashes, rejected, impossible = run(args.count, args.seed)
    elapsed = time.perf_counter() - start
    print(
        f"fuzz: {count} mangled inputs in {elapsed:.1f} s: {crashes} crashes, "
        f"{impossible} with impossible values, {rejected} rejected with a clear error"
    )
    sys.exit(1 if crashes or impossible else 0)


if __name__ == "__main__":
    main()
