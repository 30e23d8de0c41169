"""Series health: missing plan years and quarters, plans without reports and reports without
a plan, per council (issue 11, item 6)."""

from __future__ import annotations

import pandas as pd

import ragtrack
from ragtrack.analysis.gaps import find_gaps, quarter_ranges
from sample_dataset import sample_dataset


def _docs(*rows: tuple[str | None, str, str | None, int | None]) -> pd.DataFrame:
    """Documents from (council, doc_type, plan_year, quarter)."""
    return pd.DataFrame(
        [
            {"council": c, "doc_type": t, "plan_year": y, "quarter": q, "report_key": f"k{n}"}
            for n, (c, t, y, q) in enumerate(rows)
        ]
    )


def test_a_complete_series_has_no_gaps() -> None:
    docs = _docs(
        ("A", "delivery_plan", "2019/20", None),
        *(("A", "progress_report", "2019/20", q) for q in (1, 2, 3, 4)),
        ("A", "delivery_plan", "2020/21", None),
        ("A", "progress_report", "2020/21", 1),
    )
    [series] = find_gaps(docs)
    assert series.complete
    assert (series.first, series.last) == ("2019/20", "2020/21")


def test_missing_years_quarters_and_unpaired_plans_and_reports() -> None:
    docs = _docs(
        ("A", "delivery_plan", "2017/18", None),
        ("A", "progress_report", "2018/19", 1),
        ("A", "progress_report", "2019/20", 3),
        ("A", "delivery_plan", "2019/20", None),
        ("A", "progress_report", "2021/22", 2),
        ("B", "progress_report", "2020/21", 4),
        ("B", "progress_report", None, None),
    )
    a, b = find_gaps(docs)
    assert a.council == "A" and a.missing_plan_years == ("2020/21",)
    assert quarter_ranges(a.missing_quarters) == (
        "2018/19 Q2-Q4; 2019/20 Q1-Q2, Q4; 2020/21 all; 2021/22 Q1"
    )
    assert a.plans_without_reports == ("2017/18",)
    assert a.reports_without_plan == ("2018/19", "2021/22")
    assert b.council == "B" and b.missing_quarters == () and b.undated == 1


def test_status_reports_the_samples_missing_year() -> None:
    """The samples have no 2020/21 document: status says so."""
    [series] = ragtrack.status(sample_dataset()).gaps
    assert series.council == "Cumbria County Council"  # the reports do not print it
    assert series.missing_plan_years == ("2020/21",)
    assert series.plans_without_reports == ("2017/18",)
    assert series.reports_without_plan == ("2018/19", "2021/22")
    assert "2020/21 Q1" in series.missing_quarters
