"""Parsing speed of the text pipeline (read + parse), on one core, in CPU seconds of this
process (so other work on the machine does not distort the figure).

Parses each sample progress report many times in one process and prints MB/s, then parses
one report built from a sample repeated 1, 4 and 16 times to show the time grows linearly.
Target: at least 5 MB/s.

    python bench/parse_speed.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_bytes

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PROGRESS = ["004_37aa582fc5e89633.txt", "000_965dd161175208ce.txt", "001_7d2f7bf68617a22e.txt"]


def throughput(seconds: float) -> tuple[float, int]:
    blobs = [(SAMPLES / name).read_bytes() for name in PROGRESS]
    done = 0
    rounds = 0
    start = time.process_time()
    while time.process_time() - start < seconds:
        for name, data in zip(PROGRESS, blobs, strict=True):
            parse_source(read_text_bytes(data, name))
            done += len(data)
        rounds += 1
    elapsed = time.process_time() - start
    return done / elapsed / 1e6, rounds


def scaling() -> list[tuple[int, float, float]]:
    body = (SAMPLES / PROGRESS[1]).read_text(encoding="utf-8")
    rows = []
    for copies in (1, 4, 16):
        data = ("\n".join([body] * copies)).encode()
        start = time.process_time()
        parse_source(read_text_bytes(data, "big.txt"))
        elapsed = time.process_time() - start
        rows.append((copies, len(data) / 1e6, elapsed))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    rate, rounds = throughput(args.seconds)
    print(
        f"throughput: {rate:.2f} MB/s over {rounds} rounds of the 3 progress reports "
        f"(target >= 5 MB/s)"
    )
    for copies, megabytes, elapsed in scaling():
        print(
            f"scaling: {copies:>2} x report 000 = {megabytes:6.2f} MB parsed in {elapsed:6.3f} s "
            f"({megabytes / elapsed:.2f} MB/s)"
        )


if __name__ == "__main__":
    main()
