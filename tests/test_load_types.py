"""load() gives the dtypes an analyst expects: ordered RAG, datetime64 dates, timestamps
Excel accepts, list columns as Python lists (issue 11, item 1)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import ragtrack
from sample_dataset import sample_dataset


def test_rag_is_ordered_so_comparisons_work() -> None:
    items = ragtrack.load(sample_dataset())["items"]
    assert items["rag"].cat.ordered
    assert list(items["rag"].cat.categories) == ["red", "amber", "green", "blue", "not_rated"]
    below_green = items[items["rag"] < "green"]
    assert set(below_green["rag"].dropna()) == {"red", "amber"}
    assert items["rag"].dropna().max() == "green"


def test_direction_and_kind_are_categorical() -> None:
    items = ragtrack.load(sample_dataset())["items"]
    assert list(items["direction"].cat.categories) == ["improving", "sustained", "declining"]
    assert not items["direction"].cat.ordered


def test_dates_are_datetime64_so_dt_works() -> None:
    tables = ragtrack.load(sample_dataset())
    documents, items = tables["documents"], tables["items"]
    assert pd.api.types.is_datetime64_dtype(documents["period_end"])
    assert pd.api.types.is_datetime64_dtype(items["milestone_date"])
    ends = documents["period_end"].dropna().sort_values().dt.strftime("%Y-%m-%d")
    assert list(ends) == ["2018-06-30", "2019-12-31", "2021-09-30"]
    assert (items["milestone_date"].dt.year.dropna() >= 2017).all()


def test_every_table_can_be_written_to_excel(tmp_path: Path) -> None:
    tables = ragtrack.load(sample_dataset())
    assert tables["documents"]["ingested_at"].dt.tz is None  # UTC, zone dropped
    with pd.ExcelWriter(tmp_path / "all.xlsx", engine="openpyxl") as writer:
        for name in ("documents", "timeline"):
            tables[name].to_excel(writer, sheet_name=name)  # raised for tz-aware columns


def test_list_columns_are_python_lists() -> None:
    tables = ragtrack.load(sample_dataset())
    refs = tables["commentary"]["refs"]
    assert all(isinstance(v, list) for v in refs)
    assert all(isinstance(v, list) for v in tables["documents"]["warnings"])
    assert any("M1.11" in v for v in refs)


def test_a_dataset_with_no_report_yet_loads_every_table_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a first run whose only file failed (not a report) left a dataset whose
    load() had no timeline or lineage, so a notebook's ``tables["timeline"]`` raised KeyError;
    and an empty ``continues`` loaded as numpy ``bool``, not the ``boolean`` of a full one."""
    monkeypatch.chdir(tmp_path)
    Path("q3.txt").write_text("minutes of the parish council\n", encoding="utf-8")
    assert not ragtrack.ingest(["q3.txt"]).ok
    tables = ragtrack.load()
    full = ragtrack.load(sample_dataset())
    assert sorted(tables) == sorted(full)
    for name, frame in tables.items():
        assert frame.empty
        assert list(frame.columns) == list(full[name].columns), name
        assert _kinds(frame) == _kinds(full[name]), name
    for loaded in (tables, full):  # as docs/schema.md says
        assert loaded["timeline"]["continues"].dtype == "boolean"
        assert loaded["commentary"]["empty"].dtype == bool


def _kinds(frame: pd.DataFrame) -> dict[str, object]:
    """Each column's dtype; for a categorical, whether it is ordered (its categories are
    the values a dataset holds, except for the closed sets)."""
    return {
        c: ("category", d.ordered) if isinstance(d, pd.CategoricalDtype) else d
        for c, d in frame.dtypes.items()
    }


def test_plan_year_is_a_plain_string_in_every_table_so_it_sorts_by_year() -> None:
    """Regression: in ``lineage`` it was a categorical in first-met order (2019/20 before
    2017/18), so ``sort_values`` and ``groupby`` came out of year order."""
    tables = ragtrack.load(sample_dataset())
    for name, frame in tables.items():
        if "plan_year" in frame.columns:
            assert not isinstance(frame["plan_year"].dtype, pd.CategoricalDtype), name
    years = list(tables["lineage"].sort_values("plan_year")["plan_year"].unique())
    assert years == sorted(years) == ["2017/18", "2018/19", "2019/20", "2021/22"]
