"""How long ``load()`` and the derived tables (timeline, plan baseline, outcome themes) take
for a dataset of many reports.

Parses the three progress-report samples once, then writes them again and again as the
quarterly reports of several councils (distinct periods and plan years, so each council has
a long series), commits them in one ingest-like commit (linking them and deriving the
timeline), and times
``derived_tables`` on its own and ``ragtrack.load`` with every table.

    python bench/analysis_scale.py [REPORTS] [COUNCILS]   (default 300 reports, 10 councils)

Target (issue 11): ``load()`` under a second per 100 reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path

import ragtrack
from ragtrack.analysis import derived_tables
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_file
from ragtrack.records import ParsedDocument
from ragtrack.relink import commit_with_lineage
from ragtrack.store import Store, report_key

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
REPORTS = ["004_37aa582fc5e89633.txt", "000_965dd161175208ce.txt", "001_7d2f7bf68617a22e.txt"]


def quarter_end(first_year: int, n: int) -> tuple[dt.date, str, int]:
    """The n-th quarter from April ``first_year``: its last day, plan year and quarter."""
    start, quarter = first_year + n // 4, n % 4 + 1
    month = 3 * quarter + 3
    year = start + (month > 12)
    month = (month - 1) % 12 + 1
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return last, f"{start}/{(start + 1) % 100:02d}", quarter


def as_report(doc: ParsedDocument, council: int, n: int) -> ParsedDocument:
    """``doc`` as council ``council``'s n-th quarterly report, with ids of its own."""
    period, plan_year, quarter = quarter_end(2010, n)
    doc_id = f"{council:04d}{n:04d}{doc.document.document_id[8:]}"
    document = dataclasses.replace(
        doc.document,
        council=f"Council {council}",
        document_id=doc_id,
        period_end=period,
        plan_year=plan_year,
        quarter=quarter,
    )
    items = tuple(
        dataclasses.replace(item, document_id=doc_id, item_id=f"{doc_id[:8]}{item.item_id}")
        for item in doc.items
    )
    commentary = tuple(
        dataclasses.replace(c, document_id=doc_id, commentary_id=f"{doc_id[:8]}{c.commentary_id}")
        for c in doc.commentary
    )
    return dataclasses.replace(doc, document=document, items=items, commentary=commentary)


def main() -> None:
    reports = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    councils = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    logging.getLogger("ragtrack").setLevel(logging.ERROR)  # repeated texts warn by design
    parsed = [parse_source(read_text_file(SAMPLES / name)) for name in REPORTS]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with Store(root) as store:
            staged = []
            for k in range(reports):
                council, n = k % councils, k // councils
                one = as_report(parsed[n % len(parsed)], council, n)
                key = report_key(one.document)
                staged.append(store.stage_report(one, report_key=key, source_path="x"))
            print(f"{reports} reports of {councils} councils staged")
            started = time.perf_counter()
            commit_with_lineage(store, staged)
            took = time.perf_counter() - started
        print(f"one commit with lineage and derived tables: {took:.2f} s")

        tables = ragtrack.load(root)
        started = time.perf_counter()
        derived = derived_tables(tables["documents"], tables["items"], tables["lineage"])
        took = time.perf_counter() - started
        print(
            f"derived_tables: {took:.2f} s; timeline {derived['timeline'].num_rows:,} rows, "
            f"outcomes {derived['outcomes'].num_rows:,} titles"
        )

        started = time.perf_counter()
        tables = ragtrack.load(root)
        took = time.perf_counter() - started
        print(
            f"ragtrack.load: {took:.2f} s ({took / reports * 100:.2f} s per 100 reports), "
            f"{len(tables['items']):,} items, {len(tables['timeline']):,} timeline rows"
        )


if __name__ == "__main__":
    main()
