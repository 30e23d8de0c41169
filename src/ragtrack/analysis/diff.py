"""What changed between two progress reports, from the timeline: RAG changes (worsened
first), new items, dropped items, renumbered items and reworded milestones.

Items are matched by lineage, so an item renumbered or reworded between the reports is the
same item. Reports are named by report key, by period end (``2019-12-31``) or by plan year
and quarter (``2019/20 Q3``); by default the two latest reports of the council are compared.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from ragtrack.errors import InputError
from ragtrack.normalise.status import RAG_ORDER, rag_change

SECTIONS: tuple[str, ...] = ("rag_changes", "new", "dropped", "renumbered", "reworded")
DIFF_COLUMNS = [
    "section",
    "kind",
    "lineage_id",
    "ref_from",
    "ref_to",
    "rag_from",
    "rag_to",
    "change",
    "milestone_from",
    "milestone_to",
    "text",
]
_QUARTER = re.compile(r"^\s*(\d{4}/\d{2})\s*q([1-4])\s*$", re.IGNORECASE)
_CHANGE_ORDER = {"worsened": 0, "improved": 1}


@dataclass(frozen=True)
class ReportDiff:
    """The differences between report ``from_key`` and report ``to_key``; one DataFrame per
    section, each with the columns of :data:`DIFF_COLUMNS` that apply."""

    from_key: str
    to_key: str
    from_period: str | None
    to_period: str | None
    rag_changes: pd.DataFrame
    new: pd.DataFrame
    dropped: pd.DataFrame
    renumbered: pd.DataFrame
    reworded: pd.DataFrame

    def sections(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in SECTIONS}

    def to_frame(self) -> pd.DataFrame:
        """Every section in one long table (a ``section`` column first), for CSV."""
        parts = [frame.assign(section=name) for name, frame in self.sections().items()]
        out = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame()], ignore_index=True)
        return _ordered_rags(out.reindex(columns=DIFF_COLUMNS))

    def to_dict(self) -> dict[str, object]:
        def records(frame: pd.DataFrame) -> list[dict[str, object]]:
            return [
                {str(k): (None if pd.isna(v) else v) for k, v in row.items()}
                for row in frame.astype("object").to_dict("records")
            ]

        return {
            "from": {"report_key": self.from_key, "period_end": self.from_period},
            "to": {"report_key": self.to_key, "period_end": self.to_period},
            **{name: records(frame) for name, frame in self.sections().items()},
        }


#: The council that names the series of reports printing no council, where the dataset
#: holds another council too (otherwise they join it: see :mod:`ragtrack.analysis.series`).
UNNAMED = ""


def _reports(timeline: pd.DataFrame) -> pd.DataFrame:
    cols = ["report_key", "council", "plan_year", "period_end", "quarter"]
    reports = timeline[cols].drop_duplicates("report_key").astype("object")
    return reports.sort_values(["period_end", "report_key"], na_position="first")


def series_names(timeline: pd.DataFrame) -> pd.Series:
    """Each timeline row's series: its council, or :data:`UNNAMED`."""
    return timeline["council"].astype("object").map(lambda c: UNNAMED if pd.isna(c) else str(c))


def in_series(timeline: pd.DataFrame, council: str | None) -> pd.DataFrame:
    """The rows of ``council``'s series; with ``None``, of the dataset's only series (an
    :class:`InputError` naming the councils when there are several, never a mix of them)."""
    names = series_names(timeline)
    found = sorted(set(names))
    if council is not None:
        if council not in found:
            choose = f"; councils: {', '.join(repr(c) for c in found)}" if found else ""
            raise InputError(f"no progress reports of council {council!r}{choose}")
        return timeline[names == council]
    if len(found) > 1:
        listed = ", ".join(c or "'' (the reports that name no council)" for c in found)
        raise InputError(f"the dataset has several councils; choose one of {listed}")
    return timeline


def resolve_report(timeline: pd.DataFrame, name: str, council: str | None = None) -> str:
    """The report key ``name`` means: a report key, a period end, or ``2019/20 Q3``."""
    reports = _reports(timeline)
    if council is not None:
        reports = reports[series_names(reports) == council]
    if name in set(reports["report_key"]):
        return name
    quarter = _QUARTER.match(name)
    if quarter:
        hits = reports[
            (reports["plan_year"] == quarter[1]) & (reports["quarter"] == int(quarter[2]))
        ]
    else:
        period = pd.to_datetime(name, errors="coerce")
        hits = reports[reports["period_end"] == period] if not pd.isna(period) else reports[:0]
    if len(hits) != 1:
        known = ", ".join(_label(r) for r in reports.itertuples()) or "none"
        what = "no report" if hits.empty else "more than one report (give its report key)"
        raise InputError(f"{what} matches {name!r}; reports: {known}")
    return str(hits["report_key"].iloc[0])


class _Report(Protocol):
    """A row of the reports table as ``itertuples`` gives it."""

    @property
    def report_key(self) -> object: ...


def _label(report: _Report) -> str:
    period = getattr(report, "period_end", None)
    when = "" if period is None or pd.isna(period) else f" ({pd.Timestamp(period).date()})"
    return f"{report.report_key}{when}"


def latest_pair(timeline: pd.DataFrame, council: str | None = None) -> tuple[str, str]:
    """The report keys of the two latest reports of the council (the only one if omitted)."""
    reports = _reports(in_series(timeline, council))
    if len(reports) < 2:
        raise InputError(f"need two reports to compare, the series has {len(reports)}")
    keys = list(reports["report_key"])
    return keys[-2], keys[-1]


def check_pair(timeline: pd.DataFrame, first: str, second: str) -> None:
    """Refuse to compare reports of two councils, or a later report with an earlier one
    (each change would read backwards)."""
    if first == second:
        raise InputError(f"{first} is named twice: name two reports to compare")
    reports = _reports(timeline).set_index("report_key")
    names = series_names(reports)
    if names[first] != names[second]:
        councils = " and ".join(repr(names[k]) for k in (first, second))
        raise InputError(f"{first} and {second} are reports of different councils ({councils})")
    periods = pd.to_datetime(reports["period_end"])  # NaT when undated
    if periods[first] > periods[second]:  # False with NaT on either side
        raise InputError(f"{first} comes after {second}: name the earlier report first")


def _side(timeline: pd.DataFrame, key: str) -> pd.DataFrame:
    rows = timeline[timeline["report_key"] == key].astype("object")
    rows = rows.assign(
        _lineage=rows["lineage_id"].where(rows["lineage_id"].notna(), rows["item_id"])
    )
    return rows.drop_duplicates("_lineage")


def _change(a: object, b: object) -> str:
    """The kind of a RAG change: worsened or improved by level (blue is level with green);
    ``completed``/``reopened`` between green and blue; ``not_rated`` when either side is
    printed as not rated; ``rag_missing`` when either has no RAG."""
    ra = a if isinstance(a, str) else None
    rb = b if isinstance(b, str) else None
    change = rag_change(ra, rb)
    if change == "unchanged":
        return "completed" if rb == "blue" else "reopened"
    if change is not None:
        return change
    return "not_rated" if "not_rated" in (ra, rb) else "rag_missing"


def _ordered_rags(frame: pd.DataFrame) -> pd.DataFrame:
    """``rag_from`` and ``rag_to`` as the timeline's ordered RAG (red < amber < green), so
    ``rag_to < "green"`` compares ratings, not spellings."""
    rags = pd.CategoricalDtype(list(RAG_ORDER), ordered=True)
    return frame.astype({c: rags for c in ("rag_from", "rag_to") if c in frame.columns})


def diff_reports(timeline: pd.DataFrame, from_key: str, to_key: str) -> ReportDiff:
    """Compare two reports of the timeline, matched by lineage (see the module docstring)."""
    a, b = _side(timeline, from_key), _side(timeline, to_key)
    both = a.merge(b, on="_lineage", suffixes=("_from", "_to"))
    both = both.assign(
        kind=both["kind_from"], lineage_id=both["lineage_id_to"], text=both["text_to"]
    )
    differs = both[both["rag_from"].fillna("") != both["rag_to"].fillna("")].copy()
    differs["change"] = [
        _change(x, y) for x, y in zip(differs["rag_from"], differs["rag_to"], strict=True)
    ]
    differs["_order"] = differs["change"].map(_CHANGE_ORDER).fillna(2)
    differs = differs.sort_values(["_order", "kind", "ref_to"], na_position="last")
    renumbered = both[both["ref_from"].fillna("") != both["ref_to"].fillna("")]
    reworded = both[both["milestone_from"].fillna("") != both["milestone_to"].fillna("")]
    new = b[~b["_lineage"].isin(a["_lineage"])].rename(
        columns={"ref": "ref_to", "rag": "rag_to", "milestone": "milestone_to"}
    )
    dropped = a[~a["_lineage"].isin(b["_lineage"])].rename(
        columns={"ref": "ref_from", "rag": "rag_from", "milestone": "milestone_from"}
    )
    pick = {
        "rag_changes": (
            differs,
            ["kind", "lineage_id", "ref_from", "ref_to", "rag_from", "rag_to", "change", "text"],
        ),
        "new": (new, ["kind", "lineage_id", "ref_to", "rag_to", "milestone_to", "text"]),
        "dropped": (
            dropped,
            ["kind", "lineage_id", "ref_from", "rag_from", "milestone_from", "text"],
        ),
        "renumbered": (renumbered, ["kind", "lineage_id", "ref_from", "ref_to", "text"]),
        "reworded": (
            reworded,
            ["kind", "lineage_id", "ref_to", "milestone_from", "milestone_to", "text"],
        ),
    }
    sections = {
        name: _ordered_rags(frame[cols].reset_index(drop=True))
        for name, (frame, cols) in pick.items()
    }
    periods = _reports(timeline).set_index("report_key")["period_end"]
    return ReportDiff(
        from_key=from_key,
        to_key=to_key,
        from_period=_iso(periods.get(from_key)),
        to_period=_iso(periods.get(to_key)),
        **sections,
    )


def _iso(value: dt.date | None) -> str | None:
    """A period end (a Timestamp, NaT or None) as an ISO date."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()
