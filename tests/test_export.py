"""Export for a colleague: CSV with a BOM, one workbook with a sheet per table (issue 11,
item 5)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd

import ragtrack
from ragtrack.analysis.export import export_frame
from sample_dataset import sample_dataset


def test_csv_files_start_with_a_bom_and_keep_pound_signs_and_curly_quotes(tmp_path: Path) -> None:
    written = ragtrack.export(sample_dataset(), fmt="csv", target=tmp_path / "out")
    assert written[0].name == "timeline.csv"
    for path in written:
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf", path.name
    commentary = (tmp_path / "out" / "commentary.csv").read_text(encoding="utf-8-sig")
    assert "£" in commentary and "’" in commentary
    with (tmp_path / "out" / "commentary.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(ragtrack.load(sample_dataset())["commentary"])
    assert any(row["refs"] == "2.3; 2.4" for row in rows) or any(
        "; " in row["refs"] for row in rows
    )
    assert not any("[" in row["refs"] or "\n" in row["refs"] for row in rows)


def test_workbook_opens_with_a_sheet_per_table_header_frozen_and_filters(tmp_path: Path) -> None:
    [path] = ragtrack.export(sample_dataset(), fmt="xlsx", target=tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path, read_only=False)
    assert book.sheetnames[0] == "timeline"
    assert {"documents", "items", "commentary", "outcomes", "lineage"} <= set(book.sheetnames)
    timeline = book["timeline"]
    assert timeline.freeze_panes == "A2"
    assert timeline.auto_filter.ref == timeline.dimensions
    header = [c.value for c in timeline[1]]
    assert header[:3] == ["item_id", "lineage_id", "document_id"]
    assert timeline.max_row == 1 + len(ragtrack.load(sample_dataset())["timeline"])
    period = header.index("period_end") + 1
    assert isinstance(timeline.cell(2, period).value, dt.datetime)


def test_lists_dates_and_categories_flattened() -> None:
    frame = pd.DataFrame(
        {
            "refs": [["A1.1", "M2"], []],
            "when": pd.to_datetime(["2020-03-31", None]),
            "rag": pd.Categorical(["red", None], categories=["red", "green"], ordered=True),
        }
    )
    out = export_frame(frame)
    assert list(out["refs"]) == ["A1.1; M2", ""]
    assert out["when"].iloc[0] == dt.date(2020, 3, 31) and out["when"].iloc[1] is None
    assert list(out["rag"]) == ["red", None]


def test_control_characters_do_not_break_the_workbook(tmp_path: Path) -> None:
    from ragtrack.analysis.export import write_xlsx

    frame = pd.DataFrame({"text": ["page\x0cbreak", "ok"]})
    write_xlsx({"t": frame}, tmp_path / "x.xlsx")
    assert openpyxl.load_workbook(tmp_path / "x.xlsx")["t"]["A2"].value == "pagebreak"


def test_every_kind_of_value_reads_back_from_the_workbook(tmp_path: Path) -> None:
    """Numbers, flags, dates, times and text come back as written; missing values are empty
    cells (never 'nan' or 'None'); the filter covers exactly the rows written."""
    from ragtrack.analysis.export import write_xlsx

    frame = pd.DataFrame(
        {
            "n": pd.array([3, None], dtype="Int32"),
            "score": [0.25, float("nan")],
            "flag": pd.array([True, None], dtype="boolean"),
            "when": [dt.date(2021, 9, 30), None],
            "at": pd.to_datetime(["2024-05-01 10:30", None]),
            "text": ["£ and ’", "only text"],
        }
    )
    write_xlsx({"t": frame, "empty": frame.iloc[:0]}, tmp_path / "x.xlsx")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    rows = [[c.value for c in row] for row in book["t"].iter_rows()]
    assert rows[0] == ["n", "score", "flag", "when", "at", "text"]
    assert rows[1] == [
        3,
        0.25,
        True,
        dt.datetime(2021, 9, 30),
        dt.datetime(2024, 5, 1, 10, 30),
        "£ and ’",
    ]
    assert rows[2] == [None] * 5 + ["only text"]
    assert book["t"].auto_filter.ref == "A1:F3" and book["t"].freeze_panes == "A2"
    assert [c.value for c in book["empty"][1]] == rows[0] and book["empty"].max_row == 1
