"""How long ``ragtrack report`` takes, and how large the page is, for a long report series.

Parses the three progress-report samples once and writes them again and again as the
quarterly reports of one council (distinct periods and plan years, so the report's heatmaps
have a column per report), commits them with their lineage (as ``bench/analysis_scale.py``
does), then times ``ragtrack.api.report`` (load, heatmaps, histories, page) and prints the
file size. The page shows the latest ``DEFAULT_REPORTS`` reports (``--from`` shows more).

    python bench/report_scale.py [REPORTS] [COUNCILS]   (default 300 reports, 1 council)

Targets (issue 16): under 10 s and under 5 MB for 300 reports.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from pathlib import Path

from analysis_scale import REPORTS, SAMPLES, as_report
from ragtrack import api
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_file
from ragtrack.htmlreport.frames import DEFAULT_REPORTS
from ragtrack.relink import commit_with_lineage
from ragtrack.store import Store, report_key


def build(root: Path, reports: int, councils: int) -> None:
    """A dataset of ``reports`` reports shared by ``councils`` councils."""
    parsed = [parse_source(read_text_file(SAMPLES / name)) for name in REPORTS]
    with Store(root) as store:
        staged = []
        for k in range(reports):
            council, n = k % councils, k // councils
            one = as_report(parsed[n % len(parsed)], council, n)
            staged.append(
                store.stage_report(one, report_key=report_key(one.document), source_path="x")
            )
        commit_with_lineage(store, staged)


def main() -> None:
    reports = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    councils = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    logging.getLogger("ragtrack").setLevel(logging.ERROR)  # repeated texts warn by design
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        started = time.perf_counter()
        build(root, reports, councils)
        print(
            f"{reports} reports of {councils} council(s) committed in "
            f"{time.perf_counter() - started:.1f} s"
        )
        target = Path(tmp) / "report.html"
        started, cpu = time.perf_counter(), time.process_time()
        api.report(root, target, council="Council 0")
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = target.stat().st_size
        print(
            f"report of a series of {reports // councils} reports (the latest "
            f"{DEFAULT_REPORTS} in the heatmaps and histories): {took:.2f} s "
            f"({cpu:.2f} s CPU; target < 10 s), "
            f"{size / 1e6:.2f} MB (target < 5 MB)"
        )


if __name__ == "__main__":
    main()
