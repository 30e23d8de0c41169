"""The ``lineage`` table in the dataset directory: reading and writing it (I/O only).

``DIR/lineage/lineage.parquet`` holds one row per item (see
:data:`ragtrack.link.settings.LINEAGE_COLUMNS` and docs/lineage.md), readable with
``pandas.read_parquet(DIR / "lineage")``. It is committed by the store together with the
reports it links (see :mod:`ragtrack.relink`) and read from the committed state. Reviewers'
decisions live in ``DIR/overrides.csv`` (:mod:`ragtrack.store.overrides`, re-exported here).
Linking itself is :func:`ragtrack.link.lineage.link_items`; the use cases (link, rebuild,
review, history) are in :mod:`ragtrack.api`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ragtrack.errors import StoreError
from ragtrack.link.settings import LINEAGE_COLUMNS
from ragtrack.store.overrides import OVERRIDES_NAME, append_overrides, read_overrides

__all__ = [
    "LINEAGE_DIR",
    "LINEAGE_FILE",
    "LINEAGE_SCHEMA",
    "OVERRIDES_NAME",
    "append_overrides",
    "attach_lineage",
    "lineage_arrow",
    "lineage_frame",
    "read_lineage",
    "read_overrides",
    "write_lineage",
]

LINEAGE_DIR = "lineage"
LINEAGE_FILE = "lineage.parquet"

_DICT8 = pa.dictionary(pa.int8(), pa.string())
LINEAGE_SCHEMA = pa.schema(
    [
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("document_id", pa.string()),
        pa.field("kind", _DICT8),
        pa.field("ref", pa.string()),
        pa.field("plan_year", pa.dictionary(pa.int16(), pa.string())),
        pa.field("lineage_id", pa.string(), nullable=False),
        pa.field("method", _DICT8),
        pa.field("status", _DICT8),
        pa.field("score", pa.float64()),
        pa.field("margin", pa.float64()),
        pa.field("confidence", pa.float64()),
        pa.field("previous_item_id", pa.string()),
        pa.field("candidate_item_id", pa.string()),
        pa.field("runner_up_item_id", pa.string()),
    ]
)
_CATEGORICAL = ("kind", "plan_year", "method", "status")
_STRINGS = (
    "item_id",
    "document_id",
    "ref",
    "lineage_id",
    "previous_item_id",
    "candidate_item_id",
    "runner_up_item_id",
)


def read_lineage(root: Path) -> pd.DataFrame:
    """The committed lineage table (empty, with its columns, when there is none yet)."""
    from ragtrack.store.snapshot import read_snapshot

    snapshot = read_snapshot(Path(root), [LINEAGE_DIR])
    if snapshot.damaged:
        raise StoreError(f"the lineage table is damaged: {snapshot.damaged[0]}", file=str(root))
    blobs = list(snapshot.data.values())
    if not blobs:
        return lineage_frame(None)
    try:
        return lineage_frame(pq.read_table(pa.BufferReader(blobs[0])))
    except (OSError, pa.ArrowInvalid) as exc:
        raise StoreError(f"cannot read the lineage table: {exc}", file=str(root)) from exc


def lineage_frame(table: pa.Table | None) -> pd.DataFrame:
    """A lineage table as pandas with plain object columns (empty when ``table`` is None);
    a table written before a column existed comes back with that column null."""
    if table is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in LINEAGE_COLUMNS})
    frame = table.to_pandas()
    for column in LINEAGE_COLUMNS:
        if column not in frame:
            frame[column] = None
    for column in _CATEGORICAL:
        frame[column] = frame[column].astype("object")
    return frame[LINEAGE_COLUMNS]


def lineage_arrow(table: pd.DataFrame) -> pa.Table:
    """The lineage table as Arrow, in its stored schema."""
    frame = table[LINEAGE_COLUMNS].copy()
    for column in (*_STRINGS, *_CATEGORICAL):
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    return pa.Table.from_pandas(frame, schema=LINEAGE_SCHEMA, preserve_index=False)


def write_lineage(root: Path, table: pd.DataFrame) -> Path:
    """Replace the lineage table in a commit of its own (takes the dataset lock)."""
    from ragtrack.store.dataset import Store

    with Store(Path(root)) as store:
        return store.write_derived(LINEAGE_DIR, lineage_arrow(table))


def attach_lineage(items: pd.DataFrame, lineage: pd.DataFrame) -> pd.DataFrame:
    """``items`` with a ``lineage_id`` column joined on item_id (null where not linked).

    ``ragtrack.load()`` calls this so every item carries its lineage.
    """
    if "lineage_id" in items.columns:
        items = items.drop(columns=["lineage_id"])
    ids = lineage[["item_id", "lineage_id"]].drop_duplicates("item_id")
    return items.merge(ids, on="item_id", how="left")
