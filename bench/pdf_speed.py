"""PDF ingest speed against plain pdfplumber text extraction, over the same pages.

Builds report PDFs from the sample reports (tests/report_pdf.py: landscape pages, ruled
tables, RAG fills, symbol-font arrows, running headers), then in one run times
  * ragtrack: ``read_pdf_bytes`` (default backend) + ``parse_source``, i.e. PDF to records,
  * pdfplumber: ``page.extract_text()`` for every page (the speed of pdfminer),
and prints pages per second for both and the ratio of ragtrack's time to pdfplumber's
(target: <= 0.2). Then, as whole processes on the same PDFs written to a folder, the time
of ``ragtrack ingest FOLDER`` (start-up, parsing, linking, writing the dataset; by default,
and with ``--jobs 1`` and ``--jobs 2``) against a
plain pdfplumber script that opens each PDF and calls ``extract_text`` on every page
(target: <= 0.2 too). ``--check`` also parses every PDF with the pdfplumber backend and
confirms the rows are identical.

    PYTHONPATH=src python bench/pdf_speed.py [--copies 2] [--rounds 3] [--check]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pdfplumber  # noqa: E402

from golden_rows import as_rows  # noqa: E402
from ragtrack.extract import parse_source  # noqa: E402
from ragtrack.extract.pdf import DEFAULT_BACKEND, read_pdf_bytes  # noqa: E402
from ragtrack.extract.reader import read_text_file  # noqa: E402
from report_pdf import Options, blocks_from_parsed, blocks_from_tabbed, render  # noqa: E402

SAMPLES = ROOT / "samples"
VARIANTS = [
    ("004_37aa582fc5e89633.txt", "tabbed", Options(rag="colour")),
    ("000_965dd161175208ce.txt", "parsed", Options(arrows="pua")),
    (
        "001_7d2f7bf68617a22e.txt",
        "tabbed",
        Options(rag="both", colour_space="cmyk", arrows="symbol"),
    ),
    ("004_37aa582fc5e89633.txt", "tabbed", Options(rag="both", arrows="wingdings")),
]


def build_pdfs(copies: int) -> list[tuple[str, bytes]]:
    pdfs = []
    for name, source, options in VARIANTS:
        path = SAMPLES / name
        blocks = (
            blocks_from_tabbed(path.read_text(encoding="utf-8-sig"))
            if source == "tabbed"
            else blocks_from_parsed(parse_source(read_text_file(path)))
        )
        data = render(blocks, options)
        for copy in range(copies):
            pdfs.append((f"{path.stem}-{options.rag}-{options.arrows}-{copy}.pdf", data))
    return pdfs


def time_ragtrack(pdfs: list[tuple[str, bytes]]) -> tuple[float, int, int]:
    start = time.perf_counter()
    pages = items = 0
    for name, data in pdfs:
        source = read_pdf_bytes(data, name)
        parsed = parse_source(source)
        pages += source.pages
        items += len(parsed.items)
    return time.perf_counter() - start, pages, items


def time_pdfplumber(pdfs: list[tuple[str, bytes]]) -> tuple[float, int]:
    start = time.perf_counter()
    pages = 0
    for _, data in pdfs:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    return time.perf_counter() - start, pages


PLAIN_PDFPLUMBER = """
import sys, pdfplumber
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
"""


#: compiled modules written and reused, as on a user's machine
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run_time(command: list[str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_ENV
    )
    took = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(command[:4])} failed ({done.returncode}): {done.stderr}")
    return took


def time_whole_processes(
    pdfs: list[tuple[str, bytes]], rounds: int, jobs: tuple[str, ...] = ("auto", "1", "2")
) -> tuple[dict[str, float], float]:
    """Best-of-``rounds`` wall time of a fresh ``ragtrack ingest`` of the folder (new dataset
    each round), with each ``--jobs`` value ("auto" is the default: as many worker processes
    as the batch is worth), and of the plain pdfplumber script over the same files.

    Copies of a PDF get a trailing comment, so no file is skipped as already seen; renderings
    of one report are then the same report with other bytes, and all but one are refused after
    parsing (exit 1): every file is read and parsed, as pdfplumber reads every file."""
    folder = Path(tempfile.mkdtemp(prefix="pdf-speed-"))
    try:
        paths = []
        for number, (name, data) in enumerate(pdfs):
            (folder / "in" / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / "in" / name).write_bytes(data + f"\n% copy {number}\n".encode())
            paths.append(str(folder / "in" / name))
        ours = dict.fromkeys(jobs, float("inf"))
        plain = float("inf")
        command = [sys.executable, "-m", "ragtrack", "ingest", str(folder / "in"), "-q"]
        for round_ in range(rounds):
            for n in jobs:
                data = str(folder / f"data{round_}-{n}")
                took = _run_time([*command, "--jobs", n, "-d", data], ok=(0, 1))
                ours[n] = min(ours[n], took)
            plain = min(plain, _run_time([sys.executable, "-c", PLAIN_PDFPLUMBER, *paths]))
        return ours, plain
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_rows(pdfs: list[tuple[str, bytes]]) -> bool:
    same = True
    for name, data in pdfs[:: max(1, len(pdfs) // len(VARIANTS))]:
        fast = as_rows(parse_source(read_pdf_bytes(data, name, backend="pypdfium2")))
        slow = as_rows(parse_source(read_pdf_bytes(data, name, backend="pdfplumber")))
        if fast != slow:
            print(f"  rows differ between backends: {name}")
            same = False
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=2, help="copies of each report PDF")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; best is kept")
    parser.add_argument("--check", action="store_true", help="compare rows of both backends")
    args = parser.parse_args()
    pdfs = build_pdfs(args.copies)
    print(
        f"{len(pdfs)} report PDFs, {sum(len(d) for _, d in pdfs) / 1e6:.1f} MB; "
        f"ragtrack backend: {DEFAULT_BACKEND}"
    )
    ours = plumber = float("inf")
    pages = plumber_pages = items = 0
    for _ in range(args.rounds):
        elapsed, pages, items = time_ragtrack(pdfs)
        ours = min(ours, elapsed)
        elapsed, plumber_pages = time_pdfplumber(pdfs)
        plumber = min(plumber, elapsed)
    assert pages == plumber_pages, (pages, plumber_pages)
    print(
        f"ragtrack PDF ingest  : {pages / ours:8.1f} pages/s  ({ours:.2f} s, {pages} pages, "
        f"{items} items)"
    )
    print(f"pdfplumber extract_text: {pages / plumber:8.1f} pages/s  ({plumber:.2f} s)")
    ratio = ours / plumber
    print(
        f"ratio (ragtrack time / pdfplumber time): {ratio:.3f}  "
        f"({'meets' if ratio <= 0.2 else 'misses'} the <= 0.2 target; "
        f"{plumber / ours:.1f}x faster)"
    )
    wholes, plain = time_whole_processes(pdfs, args.rounds)
    print(f"whole process: plain pdfplumber script {plain:.2f} s")
    for jobs, whole in wholes.items():
        verdict = "meets" if whole / plain <= 0.2 else "misses"
        label = f"--jobs {jobs}" + (" (the default)" if jobs == "auto" else "")
        print(
            f"  ragtrack ingest {label}: {whole:.2f} s, ratio {whole / plain:.3f} "
            f"({verdict} the <= 0.2 target)"
        )
    if args.check:
        print("rows identical across backends:", "yes" if check_rows(pdfs) else "NO")


if __name__ == "__main__":
    main()
