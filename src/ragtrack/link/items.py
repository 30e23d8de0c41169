"""The items table the linker reads: each item with the fields of its document that order
and separate appearances (plan year, period end, document type, quarter). Pure: it works on
frames in memory, so the store can link a state that is not yet on disk."""

from __future__ import annotations

import logging

import pandas as pd

log = logging.getLogger(__name__)

DOCUMENT_FIELDS = ("plan_year", "period_end", "doc_type", "quarter")


def linking_frame(items: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """``items`` joined with their document's plan year, period end, type and quarter.

    Items whose document has no plan year cannot be placed in time: they are left out with
    a warning (logged).
    """
    keep = ["document_id", *(c for c in DOCUMENT_FIELDS if c in documents.columns)]
    docs = documents[keep].drop_duplicates("document_id")
    # the document columns (and a lineage_id a reader joined) come from here, not from items
    drop = [c for c in (*keep[1:], "lineage_id") if c in items.columns]
    merged = items.drop(columns=drop).merge(docs, on="document_id", how="left")
    for column in ("kind", "plan_year", "doc_type", "rag", "direction"):
        if column in merged:
            merged[column] = merged[column].astype("object")
    if "plan_year" not in merged:
        merged["plan_year"] = None
    missing = merged["plan_year"].isna()
    if missing.any():
        log.warning("%d items have no plan year and are left out of lineage", int(missing.sum()))
        merged = merged[~missing]
    return merged.reset_index(drop=True)
