"""How many worker processes a batch of files is worth parsing in (``jobs="auto"``).

Starting worker processes costs a few tenths of a second; parsing a text report costs
milliseconds, a PDF page about a hundredth of a second. So a folder of PDFs parses about a
third faster on two cores, while a handful of text reports or one PDF would only wait for the
workers to start. "auto" estimates each file's parsing time from its size and kind and uses
the cores only when that saves more than starting them costs. A wrong estimate costs speed,
never a different result: the rows are the same however many processes parse them.
"""

from __future__ import annotations

import ast
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Literal

#: ``jobs`` value that lets the batch decide (see :func:`workers_for`)
AUTO: Literal["auto"] = "auto"
#: how many files to parse at once: a number of processes, or "auto"
Jobs = int | Literal["auto"]

#: seconds of parsing per megabyte, as measured on a 2-core machine over report PDFs from
#: tests/report_pdf.py (bench/pdf_speed.py: 3.4-4.6 s/MB) and the sample text reports
#: (0.2-1.4 s/MB); a PDF's fonts and images make it larger than its text, so the PDF rate
#: errs towards starting the workers
PDF_SECONDS_PER_MB = 4.0
TEXT_SECONDS_PER_MB = 0.5
#: what starting the worker processes costs before they parse anything (a fork server that
#: imports the parsers, then a fork per worker), measured at 0.25 s on an idle machine and
#: up to 0.6 s on a busy one
POOL_START_SECONDS = 0.4
#: the cgroup (v2) file that caps a container's CPU time: "max PERIOD" or "QUOTA PERIOD"
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the system tells it, capped
    by a container's CPU quota (a container given two CPUs of a 64-core host has two).
    Not how busy they are: on a machine busy with other work, parse with ``jobs=1``."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    quota = cpu_quota(CPU_MAX)
    return max(1, min(cores, quota) if quota else cores)


def cpu_quota(path: Path) -> int | None:
    """The whole CPUs a cgroup ``cpu.max`` file allows (at least 1), None without a cap."""
    try:
        quota, period = path.read_text(encoding="ascii").split()[:2]
        return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError, ZeroDivisionError, UnicodeDecodeError):
        return None  # no such file, "max" (no cap), or nothing a cap can be read from


def expected_parse_seconds(path: Path) -> float:
    """A rough estimate of how long parsing ``path`` takes, from its size and the reader it
    goes to: the PDF reader for a name ending .pdf, when its first bytes say it is one (else
    that reader refuses it at once), the text reader for any other name (which refuses PDF
    bytes at once too, so they cost no PDF parse); 0 for a file that cannot be read."""
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(1024)
    except OSError:
        return 0.0
    pdf = path.suffix.lower() == ".pdf" and b"%PDF-" in head
    return size / 1e6 * (PDF_SECONDS_PER_MB if pdf else TEXT_SECONDS_PER_MB)


def workers_for(paths: Sequence[Path], cores: int | None = None) -> int:
    """How many worker processes parsing ``paths`` is worth: one per core (at most one per
    file) when the parse spread over them, plus starting them, is shorter than parsing in this
    process; otherwise 1 (parse here). The longest file bounds the spread parse."""
    cores = usable_cores() if cores is None else cores
    workers = min(cores, len(paths))
    if workers <= 1:
        return 1
    seconds = [expected_parse_seconds(path) for path in paths]
    serial = sum(seconds)
    spread = max(serial / workers, max(seconds)) + POOL_START_SECONDS
    return workers if spread < serial else 1


def worker_count(jobs: Jobs, paths: Sequence[Path]) -> int:
    """The number of processes to parse ``paths`` in for a ``jobs`` setting (1: here)."""
    if jobs == AUTO:
        return workers_for(paths)
    return max(1, min(jobs, len(paths)))


def check_jobs(jobs: object) -> None:
    """Raise ValueError unless ``jobs`` is a number of processes (1 or more) or "auto"."""
    if jobs != AUTO and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs must be a number of processes (1 or more) or {AUTO!r}: {jobs!r}")


def unguarded_call() -> tuple[str, int] | None:
    """Where the running script calls into ragtrack from its top level outside
    ``if __name__ == "__main__":`` (its file and line), or None. Worker processes import the
    main script again, so such a call would run again in each of them; a notebook, ``python
    -c`` or an interactive session has no script to import and is never unguarded."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path or not str(path).endswith(".py"):
        return None
    frame: FrameType | None = sys._getframe()
    line = None
    while frame is not None:  # the outermost top-level statement of the script running
        if frame.f_code.co_name == "<module>" and frame.f_globals.get("__name__") == "__main__":
            line = frame.f_lineno
        frame = frame.f_back
    if line is None:
        return None
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return None if under_main_guard(source, line) else (str(path), line)


def under_main_guard(source: str, line: int) -> bool:
    """Whether ``line`` of the module ``source`` is inside an ``if __name__ == "__main__":``
    block (either way round); True when the source cannot be read as Python."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return True
    for node in tree.body:
        if isinstance(node, ast.If) and _is_main_test(node.test):
            end = node.end_lineno or node.lineno
            if node.lineno <= line <= end and not _in_else(node, line):
                return True
    return False


def _is_main_test(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(mains) == 1


def _in_else(node: ast.If, line: int) -> bool:
    return bool(node.orelse) and node.orelse[0].lineno <= line
