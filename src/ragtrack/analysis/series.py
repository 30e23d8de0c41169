"""Report series: which council a document belongs to and the order of its reports.

A report series is one council's progress reports in period order. Documents that do not
print their council join the only council the dataset names, when it names exactly one
(a council's reports often omit the name its plan prints); otherwise they stay apart, under
a null council.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ragtrack.link.columns import column_values, missing_last

REPORT = "progress_report"
PLAN = "delivery_plan"


def councils_of(councils: Sequence[Any]) -> list[Any]:
    """Each document's council (None where missing), unnamed ones given the only council
    the documents name when they name exactly one."""
    named = sorted({str(c) for c in councils if c is not None and str(c).strip()})
    if len(named) == 1:
        return [named[0] if c is None else c for c in councils]
    return list(councils)


def series_council(documents: pd.DataFrame) -> pd.Series:
    """Each document's council, with unnamed ones given the dataset's only named council."""
    councils = councils_of(column_values(documents, "council"))
    return pd.Series(councils, index=documents.index, dtype="object")


def report_sequence(documents: pd.DataFrame) -> dict[int, tuple[Any, int]]:
    """The progress reports, by row position in ``documents``: (council, ``seq``), ``seq``
    being the report's 0-based position in its council's series (by period end, then plan
    year and quarter, then key; missing values last)."""
    councils = councils_of(column_values(documents, "council"))
    doc_types = column_values(documents, "doc_type")
    period = column_values(documents, "period_end")
    years = column_values(documents, "plan_year")
    quarters = column_values(documents, "quarter")
    keys = column_values(documents, "report_key")
    reports = [n for n, kind in enumerate(doc_types) if kind == REPORT]
    reports.sort(
        key=lambda n: (
            councils[n] or "",
            missing_last(period[n]),
            years[n] or "",
            missing_last(quarters[n]),
            missing_last(keys[n]),
        )
    )
    sequence: dict[int, tuple[Any, int]] = {}
    counts: dict[object, int] = {}
    for n in reports:
        council = councils[n] or ""
        sequence[n] = (councils[n], counts.get(council, 0))
        counts[council] = counts.get(council, 0) + 1
    return sequence
