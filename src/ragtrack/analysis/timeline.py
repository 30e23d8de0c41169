"""The ``timeline`` table: one row per item appearance in a progress report, in series order,
with the previous report's RAG for the same lineage, what changed, and whether it continues.

Delivery-plan rows are kept out of the quarterly series; :func:`plan_baseline` gives them
(the plan year's items with milestone and responsible officer) with the same ids.

Both are computed over plain lists of the frames' columns (:mod:`ragtrack.link.columns`)
and returned as DataFrames of object columns, which
:func:`~ragtrack.analysis.tables.frame_to_table` types by the stored schema.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from ragtrack.analysis.series import PLAN, councils_of, report_sequence
from ragtrack.link.columns import column_values, missing_last
from ragtrack.link.outcomes import outcome_columns
from ragtrack.normalise.status import rag_change
from ragtrack.store.schema import PLAN_BASELINE_SCHEMA, TIMELINE_SCHEMA

TIMELINE_COLUMNS = [f.name for f in TIMELINE_SCHEMA]
PLAN_BASELINE_COLUMNS = [f.name for f in PLAN_BASELINE_SCHEMA]
#: the columns a derived row takes from its document rather than from its item
_FROM_DOCUMENT = ("report_key", "council", "period_end", "quarter")
#: the columns computed here (lineage, outcome themes, the change between reports)
_COMPUTED = (
    "lineage_id",
    "outcome_id",
    "outcome_theme",
    "supporting_outcome_id",
    "previous_rag",
    "change",
    "continues",
)


def lineage_ids(item_ids: Sequence[object], lineage: pd.DataFrame | None) -> list[Any]:
    """Each item's ``lineage_id`` (from the first lineage row naming the item); None where
    the item is not linked or there is no lineage."""
    if lineage is None or lineage.empty or "lineage_id" not in lineage:
        return [None] * len(item_ids)
    found: dict[object, object] = {}
    for item, lineage_id in zip(
        column_values(lineage, "item_id"), column_values(lineage, "lineage_id"), strict=True
    ):
        found.setdefault(item, lineage_id)
    return [found.get(i) for i in item_ids]


class _Rows:
    """Items joined to their documents: item columns by item position, document columns by
    document position, and the joined rows as (item, document) position pairs."""

    def __init__(self, items: pd.DataFrame, documents: pd.DataFrame, columns: Sequence[str]):
        wanted = [c for c in columns if c not in _FROM_DOCUMENT + _COMPUTED]
        self.item = {c: column_values(items, c) for c in {*wanted, "item_id", "line_start"}}
        self.document = {c: column_values(documents, c) for c in _FROM_DOCUMENT}
        self.document["council"] = councils_of(self.document["council"])
        self.doc_ids = column_values(documents, "document_id")
        self.item_docs = column_values(items, "document_id")

    def join(self, documents: Sequence[int]) -> list[tuple[int, int]]:
        """(item, document) pairs for the documents at ``documents`` positions: items in
        their order, each with its documents in the order given (an inner join)."""
        by_id: dict[object, list[int]] = {}
        for n in documents:
            by_id.setdefault(self.doc_ids[n], []).append(n)
        return [(i, d) for i, doc in enumerate(self.item_docs) for d in by_id.get(doc, ())]

    def frame(
        self,
        pairs: Sequence[tuple[int, int]],
        columns: Sequence[str],
        computed: dict[str, list],
        order: Callable[[int], tuple[object, ...]],
    ) -> pd.DataFrame:
        """The rows ``pairs`` as a DataFrame of ``columns``, computed ones from ``computed``
        (lists in the order of ``pairs``), sorted by ``order`` (a key of a row's position)."""
        sequence = sorted(range(len(pairs)), key=order)
        pairs = [pairs[n] for n in sequence]
        computed = {c: [v[n] for n in sequence] for c, v in computed.items()}
        data: dict[str, object] = {}
        for column in columns:
            if column in computed:
                data[column] = computed[column]
            elif column in _FROM_DOCUMENT:
                values = self.document[column]
                data[column] = [values[d] for _, d in pairs]
            else:
                values = self.item[column]
                data[column] = [values[i] for i, _ in pairs]
        return pd.DataFrame(
            {
                c: pd.Series(v, dtype="boolean" if c == "continues" else "object")
                for c, v in data.items()
            },
            columns=list(columns),
        )

    def themes(
        self, pairs: Sequence[tuple[int, int]], outcomes: pd.DataFrame
    ) -> dict[str, list[object]]:
        """``outcome_id``, ``outcome_theme`` and ``supporting_outcome_id`` of the rows."""
        year, outcome, supporting = (
            self.item[c] for c in ("plan_year", "outcome", "supporting_outcome")
        )
        return outcome_columns(
            outcomes,
            [year[i] for i, _ in pairs],
            [outcome[i] for i, _ in pairs],
            [supporting[i] for i, _ in pairs],
        )


def _change(rag: object, previous_rag: object, seq: int, previous_seq: int | None) -> str | None:
    if previous_seq is None:
        return "new"
    if previous_seq < seq - 1:
        return "returned"
    if rag is None or previous_rag is None:
        return None
    return rag_change(str(previous_rag), str(rag))  # None when either is not rated


def _appearances(
    keys: Sequence[tuple[str, str, int]], rags: Sequence[object], lines: Sequence[object]
) -> dict[tuple[str, str, int], tuple[int | None, object, int | None]]:
    """Each (council, lineage, seq) appearance: the previous appearance's seq and RAG and
    the next appearance's seq. An appearance's RAG is that of its first row by line with
    one (a lineage printed twice in a report takes the first RAG given)."""
    order = sorted(range(len(keys)), key=lambda n: (keys[n], missing_last(lines[n])))
    rag_of: dict[tuple[str, str, int], object] = {}
    for n in order:
        if rag_of.get(keys[n]) is None:
            rag_of[keys[n]] = rags[n]
    out: dict[tuple[str, str, int], tuple[int | None, object, int | None]] = {}
    previous: tuple[str, str, int] | None = None
    shown = list(rag_of)  # in sorted order: series by series, seq ascending
    for n, key in enumerate(shown):
        before = previous if previous is not None and previous[:2] == key[:2] else None
        after = shown[n + 1] if n + 1 < len(shown) and shown[n + 1][:2] == key[:2] else None
        out[key] = (
            before[2] if before else None,
            rag_of[before] if before else None,
            after[2] if after else None,
        )
        previous = key
    return out


def build_timeline(
    documents: pd.DataFrame, items: pd.DataFrame, lineage: pd.DataFrame, outcomes: pd.DataFrame
) -> pd.DataFrame:
    """The timeline (columns :data:`TIMELINE_COLUMNS`), sorted by council, period and line."""
    sequence = report_sequence(documents)
    rows = _Rows(items, documents, TIMELINE_COLUMNS)
    pairs = rows.join(list(sequence))
    item_ids, lines, rags = (rows.item[c] for c in ("item_id", "line_start", "rag"))
    linked = lineage_ids(item_ids, lineage)
    councils = [sequence[d][0] or "" for _, d in pairs]
    seqs = [sequence[d][1] for _, d in pairs]
    keys = [
        (council, linked[i] if linked[i] is not None else item_ids[i], seq)
        for (i, _), council, seq in zip(pairs, councils, seqs, strict=True)
    ]
    seen = _appearances(keys, [rags[i] for i, _ in pairs], [lines[i] for i, _ in pairs])
    last: dict[str, int] = {}
    for council, seq in sequence.values():
        last[council or ""] = max(seq, last.get(council or "", seq))
    computed: dict[str, list] = {"lineage_id": [linked[i] for i, _ in pairs]}
    computed |= rows.themes(pairs, outcomes)
    computed["previous_rag"] = [seen[k][1] for k in keys]
    computed["change"] = [
        _change(rags[i], seen[k][1], k[2], seen[k][0])
        for (i, _), k in zip(pairs, keys, strict=True)
    ]
    computed["continues"] = [None if k[2] >= last[k[0]] else seen[k][2] == k[2] + 1 for k in keys]
    return rows.frame(
        pairs,
        TIMELINE_COLUMNS,
        computed,
        order=lambda n: (
            councils[n],
            seqs[n],
            missing_last(lines[pairs[n][0]]),
            item_ids[pairs[n][0]],
        ),
    )


def plan_baseline(
    documents: pd.DataFrame, items: pd.DataFrame, lineage: pd.DataFrame, outcomes: pd.DataFrame
) -> pd.DataFrame:
    """Delivery-plan items (columns :data:`PLAN_BASELINE_COLUMNS`): each plan year's baseline."""
    rows = _Rows(items, documents, PLAN_BASELINE_COLUMNS)
    plans = [n for n, kind in enumerate(column_values(documents, "doc_type")) if kind == PLAN]
    pairs = rows.join(plans)
    item_ids, lines, years = (rows.item[c] for c in ("item_id", "line_start", "plan_year"))
    report_keys = rows.document["report_key"]
    linked = lineage_ids(item_ids, lineage)
    computed: dict[str, list] = {"lineage_id": [linked[i] for i, _ in pairs]}
    computed |= rows.themes(pairs, outcomes)
    return rows.frame(
        pairs,
        PLAN_BASELINE_COLUMNS,
        computed,
        order=lambda n: (
            missing_last(years[pairs[n][0]]),
            missing_last(report_keys[pairs[n][1]]),
            missing_last(lines[pairs[n][0]]),
            item_ids[pairs[n][0]],
        ),
    )
