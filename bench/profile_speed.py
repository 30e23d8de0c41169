"""How fast reports read through layout profiles parse, beside a Cumbria sample.

For each of the six test layouts of other councils (tests/profile_layouts.py), and for a long
KPI report of our own making (a KPI table with refs, section after section over ~20 pages),
times the automatic choice (every built-in profile tried, the best read: what an ingest
without ``--profile`` does) on the text and on the reportlab PDF, and prints pages per
second and items per second. The Cumbria sample ``000_965dd161175208ce.txt`` (its own parser)
is timed the same way for comparison. PDF times include reading the PDF (default backend).

    PYTHONPATH=src python bench/profile_speed.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from profile_layouts import FIXTURES, LAYOUTS, layout_pdf  # noqa: E402
from ragtrack.extract import parse_source  # noqa: E402
from ragtrack.extract.pdf import read_pdf_bytes  # noqa: E402
from ragtrack.extract.reader import read_text_bytes  # noqa: E402
from ragtrack.records import SourceText  # noqa: E402
from report_pdf import NewPage, Para, blocks_from_parsed, render  # noqa: E402

SAMPLE = ROOT / "samples" / "000_965dd161175208ce.txt"
_STATUS = ["Green", "Amber", "Red", "Green", "Blue"]


def long_kpi_report(sections: int = 40) -> str:
    """A KPI report with refs, ``sections`` priorities of twelve indicators each."""
    lines = ["Greyhaven Borough Council", "Key Performance Indicators: Quarter 3 2024/25", ""]
    for s in range(1, sections + 1):
        lines += [f"Priority {s}: Service area {s}", "", "Ref\tMeasure\tLast quarter"]
        lines[-1] += "\tThis quarter\tTarget\tStatus\tTrend"
        for k in range(1, 13):
            status = _STATUS[(s + k) % len(_STATUS)]
            lines.append(
                f"{s}.{k}.1.PI\tIndicator {k} of service area {s}, per 1,000 residents"
                f"\t{40 + k}\t{42 + k}\t{45}%\t{status}\tBetter"
            )
        lines += ["", f"Service area {s} improved on most indicators this quarter.", ""]
        if s % 2 == 0:
            lines.append("\f")
    return "\n".join(lines) + "\n"


def long_kpi_pdf(text: str) -> bytes:
    blocks: list[Para | NewPage] = []
    for line in text.splitlines():
        if line == "\f":
            blocks.append(NewPage())
        elif line.strip():
            blocks.append(Para(line.replace("\t", " "), heading=line.startswith("Priority")))
    return render(blocks)


def timed(read: Callable[[], SourceText], rounds: int) -> tuple[float, int, int, str]:
    """Seconds per round (best of ``rounds``), pages, items and the layout chosen."""
    best = float("inf")
    pages = items = 0
    layout = ""
    for _ in range(rounds):
        start = time.perf_counter()
        source = read()
        parsed = parse_source(source)
        best = min(best, time.perf_counter() - start)
        pages, items, layout = source.pages, len(parsed.items), parsed.layout or ""
    return best, pages, items, layout


def cases() -> list[tuple[str, str, Callable[[], SourceText]]]:
    out: list[tuple[str, str, Callable[[], SourceText]]] = []
    for name, (text_file, _profile, _blocks, _options) in sorted(LAYOUTS.items()):
        text = (FIXTURES / text_file).read_bytes()
        pdf = layout_pdf(name)
        out.append((name, "text", lambda t=text, n=text_file: read_text_bytes(t, n)))
        out.append((name, "pdf", lambda p=pdf, n=name: read_pdf_bytes(p, f"{n}.pdf")))
    long_text = long_kpi_report()
    long_pdf = long_kpi_pdf(long_text)
    out.append(("long_kpi", "text", lambda: read_text_bytes(long_text.encode(), "long.txt")))
    out.append(("long_kpi", "pdf", lambda: read_pdf_bytes(long_pdf, "long.pdf")))
    sample = SAMPLE.read_bytes()
    sample_pdf = render(blocks_from_parsed(parse_source(read_text_bytes(sample, SAMPLE.name))))
    out.append(("cumbria 000", "text", lambda: read_text_bytes(sample, SAMPLE.name)))
    out.append(("cumbria 000", "pdf", lambda: read_pdf_bytes(sample_pdf, "000.pdf")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"{'document':<18}{'form':<6}{'layout':<18}{'pages':>6}{'items':>7}{'ms':>9}", end="")
    print(f"{'pages/s':>10}{'items/s':>10}")
    for name, form, read in cases():
        seconds, pages, items, layout = timed(read, args.rounds)
        print(
            f"{name:<18}{form:<6}{layout:<18}{pages:>6}{items:>7}{seconds * 1000:>9.1f}"
            f"{pages / seconds:>10.0f}{items / seconds:>10.0f}"
        )


if __name__ == "__main__":
    main()
