"""Report series: which council a document belongs to and the order of its reports.

A report series is one council's progress reports in period order. Documents that do not
print their council join the only council the dataset names, when it names exactly one
(a council's reports often omit the name its plan prints); otherwise they stay apart, under
a null council.
"""

from __future__ import annotations

import pandas as pd

REPORT = "progress_report"
PLAN = "delivery_plan"


def series_council(documents: pd.DataFrame) -> pd.Series:
    """Each document's council, with unnamed ones given the dataset's only named council."""
    council = documents["council"].astype("object")
    named = sorted({c for c in council.dropna() if str(c).strip()})
    if len(named) == 1:
        council = council.where(council.notna(), named[0])
    return council.where(council.notna(), None)


def reports_in_order(documents: pd.DataFrame) -> pd.DataFrame:
    """The progress reports with ``council`` resolved and ``seq``, their 0-based position
    in their council's series (by period end, then plan year and quarter, then key)."""
    docs = documents.assign(council=series_council(documents))
    reports = docs[docs["doc_type"].astype("object") == REPORT].copy()
    reports["_council"] = reports["council"].fillna("")
    reports["_year"] = reports["plan_year"].astype("object").fillna("")
    reports = reports.sort_values(
        ["_council", "period_end", "_year", "quarter", "report_key"], na_position="last"
    )
    reports["seq"] = reports.groupby("_council", sort=False).cumcount()
    return reports.drop(columns=["_council", "_year"]).reset_index(drop=True)
