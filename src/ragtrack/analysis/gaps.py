"""Series health from the documents table: what is missing in each council's series.

Per council (see :func:`ragtrack.analysis.series.series_council`):

- plan years between the council's first and last document with no document at all;
- quarters between its first and last progress report with no report;
- plan years with a delivery plan but no report, and with reports but no plan.

Documents without a plan year (or reports without a quarter) cannot be placed and are
counted as ``undated`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ragtrack.analysis.series import PLAN, REPORT, series_council
from ragtrack.normalise.values import canonical_plan_year


@dataclass(frozen=True, slots=True)
class SeriesGaps:
    """What one council's series lacks. Quarters are written ``2019/20 Q3``."""

    council: str | None
    first: str | None
    last: str | None
    missing_plan_years: tuple[str, ...] = ()
    missing_quarters: tuple[str, ...] = ()
    plans_without_reports: tuple[str, ...] = ()
    reports_without_plan: tuple[str, ...] = ()
    undated: int = 0

    @property
    def complete(self) -> bool:
        return not (
            self.missing_plan_years
            or self.missing_quarters
            or self.plans_without_reports
            or self.reports_without_plan
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "council": self.council,
            "first": self.first,
            "last": self.last,
            "missing_plan_years": list(self.missing_plan_years),
            "missing_quarters": list(self.missing_quarters),
            "plans_without_reports": list(self.plans_without_reports),
            "reports_without_plan": list(self.reports_without_plan),
            "undated": self.undated,
        }


def year_start(plan_year: str) -> int | None:
    """``2019/20`` -> 2019 (None when it is not a plan year)."""
    canonical = canonical_plan_year(str(plan_year))
    return int(canonical[:4]) if canonical else None


def plan_year_of(start: int) -> str:
    """2019 -> ``2019/20``."""
    return f"{start}/{(start + 1) % 100:02d}"


def _quarter_span(quarters: set[tuple[int, int]]) -> list[tuple[int, int]]:
    first, last = min(quarters), max(quarters)
    out, (year, quarter) = [], first
    while (year, quarter) <= last:
        out.append((year, quarter))
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return out


def _one_series(council: str | None, docs: pd.DataFrame) -> SeriesGaps:
    starts = docs["plan_year"].map(lambda y: None if pd.isna(y) else year_start(y))
    kind = docs["doc_type"].astype("object")
    dated = docs[starts.notna()].assign(start=starts[starts.notna()].astype(int))
    plans = set(dated.loc[kind[starts.notna()] == PLAN, "start"])
    report_rows = dated[kind[starts.notna()] == REPORT]
    reports = set(report_rows["start"])
    quarters = {
        (int(s), int(q))
        for s, q in zip(report_rows["start"], report_rows["quarter"], strict=True)
        if not pd.isna(q)
    }
    undated = int(starts.isna().sum()) + int(report_rows["quarter"].isna().sum())
    years = plans | reports
    if not years:
        return SeriesGaps(council, None, None, undated=undated)
    span = range(min(years), max(years) + 1)
    missing_q = [q for q in _quarter_span(quarters) if q not in quarters] if quarters else []
    return SeriesGaps(
        council=council,
        first=plan_year_of(min(years)),
        last=plan_year_of(max(years)),
        missing_plan_years=tuple(plan_year_of(y) for y in span if y not in years),
        missing_quarters=tuple(f"{plan_year_of(y)} Q{q}" for y, q in missing_q),
        plans_without_reports=tuple(plan_year_of(y) for y in sorted(plans - reports)),
        reports_without_plan=tuple(plan_year_of(y) for y in sorted(reports - plans)),
        undated=undated,
    )


def find_gaps(documents: pd.DataFrame) -> list[SeriesGaps]:
    """One :class:`SeriesGaps` per council in ``documents`` (ordered by council name)."""
    if documents.empty:
        return []
    docs = documents.assign(council=series_council(documents))
    key = docs["council"].fillna("")
    return [_one_series(council or None, group) for council, group in docs.groupby(key, sort=True)]


def quarter_ranges(quarters: tuple[str, ...]) -> str:
    """``2018/19 Q2``, ``2018/19 Q3``, ... -> ``2018/19 Q2-Q4; 2020/21 all`` for display."""
    by_year: dict[str, list[int]] = {}
    for label in quarters:
        year, number = label.rsplit(" Q", 1)
        by_year.setdefault(year, []).append(int(number))
    parts = []
    for year, qs in by_year.items():
        if qs == [1, 2, 3, 4]:
            parts.append(f"{year} all")
            continue
        runs: list[list[int]] = []
        for q in qs:
            if runs and q == runs[-1][-1] + 1:
                runs[-1].append(q)
            else:
                runs.append([q])
        spans = [f"Q{r[0]}" if len(r) == 1 else f"Q{r[0]}-Q{r[-1]}" for r in runs]
        parts.append(f"{year} {', '.join(spans)}")
    return "; ".join(parts)
