"""Start-up cost of the ``ragtrack`` command, as whole processes on this machine in one run.

Prints the best-of-N wall time of ``python -c pass`` and, beside it, of
  * ``ragtrack --version`` and ``ragtrack --help`` (target: within 0.15 s of ``pass``),
  * ``ragtrack ingest`` of one small text report into a new dataset (target: under 0.6 s in
    total; the report is the smallest sample, parsed, linked and written), and, for
    reference, what a scheduled job pays: the latest sample ingested into a dataset of the
    other four (parsed, linked across years with them, written),
  * ``python -c "import ragtrack"``, ``import ragtrack.cli`` and pyarrow building one array
    (which imports pandas: the floor of any run that writes the dataset) for reference.

    python bench/startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SMALL_REPORT = SAMPLES / "002_09ef99f253a2c4a1.txt"
PY = sys.executable
#: as a user's machine runs: compiled modules written once and reused (a shell that sets
#: PYTHONDONTWRITEBYTECODE would make every run compile ragtrack from source)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
#: the installed console script, as a user types it (``python -m ragtrack`` where there is none)
SCRIPT = Path(PY).parent / "ragtrack"
RAGTRACK = [str(SCRIPT)] if SCRIPT.exists() else [PY, "-m", "ragtrack"]


def timed(command: list[str]) -> float:
    """Wall time of one run of ``command``, its output dropped (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    return time.perf_counter() - start


def best(command: list[str], rounds: int, fresh: Path | None = None) -> float:
    """Best wall time of ``command``; with ``fresh``, each round writes a new dataset there."""
    return min(
        timed([*command, *(["-d", str(fresh / f"data{n}")] if fresh else [])])
        for n in range(rounds)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="runs of each; best is kept")
    args = parser.parse_args()
    rounds = args.rounds
    # a first run writes the compiled modules, as the first run after an install does
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "src")], env=ENV, check=False)
    base = best([PY, "-c", "pass"], rounds)
    print(f"python -c pass          {base:6.3f} s")
    for label, command in (
        ("import ragtrack", [PY, "-c", "import ragtrack"]),
        ("import ragtrack.cli", [PY, "-c", "import ragtrack.cli"]),
        # the floor of any ingest: the first Arrow array built from Python values makes
        # pyarrow import pandas (with numpy), whatever the caller needs
        ("pyarrow: one array", [PY, "-c", "import pyarrow as pa; pa.array(['a'])"]),
    ):
        print(f"{label:<23} {best(command, rounds):6.3f} s")
    for flag in ("--version", "--help"):
        took = best([*RAGTRACK, flag], rounds)
        verdict = "meets" if took - base <= 0.15 else "misses"
        over = f"+{took - base:.3f} s over pass; {verdict} 0.15"
        print(f"ragtrack {flag:<14} {took:6.3f} s  ({over})")
    folder = Path(tempfile.mkdtemp(prefix="startup-"))
    try:
        took = best([*RAGTRACK, "ingest", str(SMALL_REPORT), "-q"], max(3, rounds // 3), folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    verdict = "meets" if took <= 0.6 else "misses"
    size = SMALL_REPORT.stat().st_size // 1024
    print(f"ingest one report       {took:6.3f} s  ({SMALL_REPORT.name}, {size} KB; {verdict} 0.6)")
    took = scheduled_ingest(max(3, rounds // 3))
    print(f"... into a history      {took:6.3f} s  (the latest sample into the other four)")


def scheduled_ingest(rounds: int) -> float:
    """Best wall time of what a scheduled job runs: one new report ingested into a dataset
    holding the others (so it is linked across years with them), a fresh process each time."""
    folder = Path(tempfile.mkdtemp(prefix="startup-"))
    try:
        samples = sorted(SAMPLES.glob("*.txt"))
        latest = SAMPLES / "001_7d2f7bf68617a22e.txt"  # the 2021/22 Q2 progress report
        inbox = folder / "history"
        inbox.mkdir()
        for path in samples:
            if path != latest:
                shutil.copy(path, inbox)
        timed([*RAGTRACK, "ingest", str(inbox), "-q", "-d", str(folder / "base")])
        times = []
        for round_ in range(rounds):
            data = folder / f"data{round_}"
            shutil.copytree(folder / "base", data)
            times.append(timed([*RAGTRACK, "ingest", str(latest), "-q", "-d", str(data)]))
        return min(times)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
