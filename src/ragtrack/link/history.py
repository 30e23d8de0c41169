"""One lineage's history: which lineage a ref names, and its appearances report by report.
Pure: works on the lineage table and the items (with document fields) in memory."""

from __future__ import annotations

import pandas as pd

from ragtrack.errors import InputError, Remedy
from ragtrack.normalise.refs import canonical_ref

HISTORY_COLUMNS = [
    "lineage_id",
    "plan_year",
    "doc_type",
    "period_end",
    "quarter",
    "ref",
    "rag",
    "direction",
    "direction_raw",
    "milestone",
    "text",
    "method",
    "status",
    "item_id",
]


def resolve_lineage(lineage: pd.DataFrame, ref_or_id: str, plan_year: str | None = None) -> str:
    """The lineage ID meant by a lineage ID, or by a ref (in ``plan_year`` when given)."""
    if lineage.empty:
        raise InputError("the dataset has no lineage table yet (run `ragtrack lineage rebuild`)")
    if ref_or_id in set(lineage["lineage_id"]):
        return ref_or_id
    refs = lineage["ref"].map(lambda r: canonical_ref(r) if isinstance(r, str) else None)
    hits = lineage[refs == canonical_ref(ref_or_id)]
    if plan_year is not None:
        hits = hits[hits["plan_year"] == plan_year]
    ids = sorted(set(hits["lineage_id"]))
    if not ids:
        where = f" in plan year {plan_year}" if plan_year else ""
        raise InputError(f"no item or lineage {ref_or_id!r}{where}")
    if len(ids) > 1:
        years = ", ".join(sorted(set(hits["plan_year"].astype(str))))
        raise InputError(
            f"ref {ref_or_id} names different items in {years}",
            remedy=Remedy.PLAN_YEAR,
        )
    return ids[0]


def lineage_history(
    lineage: pd.DataFrame, items: pd.DataFrame, ref_or_id: str, plan_year: str | None = None
) -> pd.DataFrame:
    """One lineage's appearances, one row per report, oldest first."""
    lineage_id = resolve_lineage(lineage, ref_or_id, plan_year)
    members = lineage[lineage["lineage_id"] == lineage_id][
        ["item_id", "lineage_id", "method", "status"]
    ]
    history = members.merge(items, on="item_id", how="left")
    for column in HISTORY_COLUMNS:
        if column not in history:
            history[column] = None
    history["_year"] = history["plan_year"].astype(str)
    history["_period"] = pd.to_datetime(history["period_end"], errors="coerce")
    history = history.sort_values(["_year", "_period"], na_position="first")
    return history[HISTORY_COLUMNS].reset_index(drop=True)
