"""The ``timeline`` table: one row per item appearance in a progress report, in series order,
with the previous report's RAG for the same lineage, what changed, and whether it continues.

Delivery-plan rows are kept out of the quarterly series; :func:`plan_baseline` gives them
(the plan year's items with milestone and responsible officer) with the same ids.
"""

from __future__ import annotations

import pandas as pd

from ragtrack.analysis.series import PLAN, reports_in_order, series_council
from ragtrack.analysis.tables import missing_as_none
from ragtrack.link.outcomes import attach_outcomes
from ragtrack.normalise.status import rag_change
from ragtrack.store.schema import PLAN_BASELINE_SCHEMA, TIMELINE_SCHEMA

TIMELINE_COLUMNS = [f.name for f in TIMELINE_SCHEMA]
PLAN_BASELINE_COLUMNS = [f.name for f in PLAN_BASELINE_SCHEMA]


def _with_lineage(items: pd.DataFrame, lineage: pd.DataFrame) -> pd.DataFrame:
    """``items`` with ``lineage_id`` from ``lineage`` (null where the item is not linked)."""
    items = items.drop(columns=[c for c in ("lineage_id",) if c in items.columns])
    if lineage is None or lineage.empty or "lineage_id" not in lineage:
        return items.assign(lineage_id=None)
    ids = lineage[["item_id", "lineage_id"]].drop_duplicates("item_id")
    return items.merge(ids, on="item_id", how="left")


def _plain(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Categoricals to plain objects so merges and comparisons do not depend on categories."""
    for column in columns:
        if column in frame:
            plain = missing_as_none(frame[column])
            frame[column] = pd.Series(plain, index=frame.index, dtype="object")
    return frame


def _appearances(rows: pd.DataFrame, last_seq: pd.Series) -> pd.DataFrame:
    """One row per (council, lineage, report) with the previous and next appearance."""
    app = (
        rows.sort_values(["_council", "_lineage", "seq", "line_start"])
        .groupby(["_council", "_lineage", "seq"], sort=False)["rag"]
        .first()
        .reset_index()
    )
    grouped = app.groupby(["_council", "_lineage"], sort=False)
    app["prev_seq"] = grouped["seq"].shift(1)
    app["previous_rag"] = grouped["rag"].shift(1)
    app["next_seq"] = grouped["seq"].shift(-1)
    app["_last"] = app["_council"].map(last_seq)
    return app.drop(columns=["rag"])


def _change(
    row_rag: str | float | None, prev_rag: str | float | None, seq: int, prev_seq: float
) -> str | None:
    if pd.isna(prev_seq):
        return "new"
    if prev_seq < seq - 1:
        return "returned"
    if row_rag is None or prev_rag is None or pd.isna(row_rag) or pd.isna(prev_rag):
        return None
    return rag_change(str(prev_rag), str(row_rag))  # None when either is not rated


def build_timeline(
    documents: pd.DataFrame, items: pd.DataFrame, lineage: pd.DataFrame, outcomes: pd.DataFrame
) -> pd.DataFrame:
    """The timeline (columns :data:`TIMELINE_COLUMNS`), sorted by council, period and line."""
    reports = reports_in_order(documents)[
        ["document_id", "report_key", "council", "period_end", "quarter", "seq"]
    ]
    rows = _with_lineage(items.drop(columns=["period_end", "quarter"], errors="ignore"), lineage)
    rows = rows.merge(reports, on="document_id", how="inner")
    rows = _plain(rows, ("rag", "direction", "kind", "plan_year", "council", "lineage_id"))
    rows = attach_outcomes(rows, outcomes)
    rows["_council"] = rows["council"].fillna("")
    rows["_lineage"] = rows["lineage_id"].fillna(rows["item_id"])
    last_seq = reports.assign(_council=reports["council"].fillna("")).groupby("_council")["seq"]
    app = _appearances(rows, last_seq.max())
    rows = rows.merge(app, on=["_council", "_lineage", "seq"], how="left")
    rows["change"] = [
        _change(r, p, s, ps)
        for r, p, s, ps in zip(
            rows["rag"], rows["previous_rag"], rows["seq"], rows["prev_seq"], strict=True
        )
    ]
    rows["previous_rag"] = rows["previous_rag"].where(rows["previous_rag"].notna(), None)
    rows["continues"] = pd.array(
        [
            None if s >= last else (not pd.isna(n) and n == s + 1)
            for s, n, last in zip(rows["seq"], rows["next_seq"], rows["_last"], strict=True)
        ],
        dtype="boolean",
    )
    rows = rows.sort_values(["_council", "seq", "line_start", "item_id"], ignore_index=True)
    return rows[TIMELINE_COLUMNS]


def plan_baseline(
    documents: pd.DataFrame, items: pd.DataFrame, lineage: pd.DataFrame, outcomes: pd.DataFrame
) -> pd.DataFrame:
    """Delivery-plan items (columns :data:`PLAN_BASELINE_COLUMNS`): each plan year's baseline."""
    docs = documents.assign(council=series_council(documents))
    plans = docs[docs["doc_type"].astype("object") == PLAN]
    plans = plans[["document_id", "report_key", "council"]]
    rows = _with_lineage(items, lineage).merge(plans, on="document_id", how="inner")
    rows = _plain(rows, ("kind", "plan_year", "council", "lineage_id"))
    rows = attach_outcomes(rows, outcomes)
    rows = rows.sort_values(["plan_year", "report_key", "line_start", "item_id"], ignore_index=True)
    return rows[PLAN_BASELINE_COLUMNS]
