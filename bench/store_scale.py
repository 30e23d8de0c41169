"""How the dataset behaves with many reports: write time per report, files, and read times.

Parses the progress-report samples once, then writes them again and again as reports of
different councils (distinct report keys), and times ``ragtrack.load``, ``pandas.read_parquet``
and a DuckDB query over the result. Used to decide whether ``ragtrack compact`` is needed.

    python bench/store_scale.py [COUNCILS]   (default 100 councils x 3 reports)
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

import ragtrack
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_file
from ragtrack.store import Store, report_key

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
REPORTS = ["000_965dd161175208ce.txt", "001_7d2f7bf68617a22e.txt", "004_37aa582fc5e89633.txt"]


def main() -> None:
    councils = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    parsed = [parse_source(read_text_file(SAMPLES / name)) for name in REPORTS]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        with Store(root) as store:
            for n in range(councils):
                for doc in parsed:
                    document = dataclasses.replace(
                        doc.document,
                        council=f"Council {n}",
                        document_id=f"{n:08d}{doc.document.document_id[8:]}",
                    )
                    one = dataclasses.replace(doc, document=document)
                    store.write_report(one, report_key=report_key(document), source_path="x")
        written = time.perf_counter() - started
        reports = councils * len(parsed)
        files = list(root.rglob("*.parquet"))
        size = sum(f.stat().st_size for f in files)
        print(
            f"{reports} reports written in {written:.2f} s ({written / reports * 1000:.1f} ms each)"
        )
        print(f"{len(files)} files, {size / 1e6:.1f} MB, {size / len(files) / 1e3:.1f} kB per file")

        started = time.perf_counter()
        tables = ragtrack.load(root)
        print(
            f"ragtrack.load: {time.perf_counter() - started:.2f} s, "
            f"{len(tables['items']):,} items, {len(tables['commentary']):,} commentary"
        )
        started = time.perf_counter()
        items = pd.read_parquet(root / "items")
        print(f"pandas.read_parquet(items): {time.perf_counter() - started:.2f} s, {len(items):,}")
        glob = (root / "items" / "**" / "*.parquet").as_posix()
        started = time.perf_counter()
        rows = duckdb.sql(
            f"SELECT year, rag, count(*) FROM read_parquet('{glob}', hive_partitioning=true, "
            "union_by_name=true) GROUP BY ALL"
        ).fetchall()
        print(
            f"DuckDB group-by over items: {time.perf_counter() - started:.2f} s, {len(rows)} groups"
        )


if __name__ == "__main__":
    main()
