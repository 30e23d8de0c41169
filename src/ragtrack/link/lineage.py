"""Lineage: one ``lineage_id`` for every appearance of an action or measure across years.

:func:`link_items` is the stage's entry point. It works in three layers:

1. Within one plan year the plan and its quarterly reports share refs: the same kind and ref
   are the same *entity* (:mod:`ragtrack.link.entities`).
2. Across plan years entities are scored by text similarity (:mod:`ragtrack.link.features`)
   and matched year by year by optimal one-to-one assignment
   (:mod:`ragtrack.link.matching`). Each proposed link gets a calibrated confidence; those
   below ``join_confidence`` are kept as candidates, not joined. Reviewers' decisions
   (:mod:`ragtrack.link.overrides`) are applied before matching.
3. The partition is computed from scratch from the whole set of items and overrides every
   time, so it never depends on the order reports arrived in; each group is then named by
   the persisted ID that most of its items held (:mod:`ragtrack.link.naming`).

Pure functions over pandas tables; no I/O (see ``ragtrack.store.lineage_table``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz
from threadpoolctl import threadpool_limits

from ragtrack.link.entities import Entity, build_entities
from ragtrack.link.features import build_features
from ragtrack.link.items import linking_frame
from ragtrack.link.matching import Link, partition
from ragtrack.link.naming import name_groups
from ragtrack.link.overrides import resolve_overrides
from ragtrack.link.settings import LINEAGE_COLUMNS, LineageSettings, Override
from ragtrack.link.text import masked_text, numbers_in, plan_year_start
from ragtrack.normalise.refs import canonical_ref

__all__ = [
    "LINEAGE_COLUMNS",
    "LineageResult",
    "LineageSettings",
    "Override",
    "link_items",
    "linking_frame",
    "masked_text",
    "numbers_in",
    "plan_year_start",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LineageResult:
    """The lineage table (one row per item) and the warnings raised while building it."""

    table: pd.DataFrame
    warnings: tuple[str, ...] = ()


_COLUMNS = ("item_id", "document_id", "kind", "ref", "plan_year", "text")


def link_items(
    items: pd.DataFrame,
    existing: pd.DataFrame | None = None,
    overrides: Sequence[Override] = (),
    settings: LineageSettings | None = None,
) -> LineageResult:
    """Link ``items`` (see :func:`linking_frame`) across years: the lineage table.

    The partition depends only on the set of items and ``overrides``; ``existing`` (the
    persisted lineage table) only names the groups, so IDs stay stable. Warnings are logged
    once and returned.
    """
    settings = settings or LineageSettings()
    warnings: list[str] = []
    if items.empty:
        return LineageResult(pd.DataFrame(columns=LINEAGE_COLUMNS), ())
    cols, order = _prepare(items)
    entities = build_entities(cols, order, settings, warnings)
    must_link, forbidden = resolve_overrides(entities, cols, overrides, warnings)
    # one BLAS thread: OpenBLAS threads spin after each small product and starve the
    # rapidfuzz workers that compute token-set similarity beside them
    with threadpool_limits(limits=1, user_api="blas"):
        features = build_features(cols, entities, settings)
        links = partition(entities, features, settings, must_link, forbidden)
    table = _table(cols, entities, links, existing)
    for message in warnings:
        log.warning(message)
    return LineageResult(table=table, warnings=tuple(warnings))


def _prepare(items: pd.DataFrame) -> tuple[dict[str, list], list[int]]:
    """Plain-list columns of the items and the canonical order to visit them in: plan
    first, then reports by period end, each document's rows by line, then by item_id."""
    frame = items.reset_index(drop=True)
    cols = {c: frame[c].tolist() for c in _COLUMNS}
    for column in ("outcome", "supporting_outcome"):
        cols[column] = frame[column].tolist() if column in frame else [None] * len(frame)
    cols["_ref"] = [
        canonical_ref(r) if isinstance(r, str) and r.strip() else None for r in cols["ref"]
    ]
    cols["_masked"] = [masked_text(t) for t in cols["text"]]
    doc_rank = _doc_order(frame).tolist()
    line = (
        pd.to_numeric(frame["line_start"], errors="coerce").fillna(0).tolist()
        if "line_start" in frame
        else [0] * len(frame)
    )
    order = sorted(
        range(len(frame)),
        key=lambda r: (doc_rank[r], str(cols["document_id"][r]), line[r], str(cols["item_id"][r])),
    )
    return cols, order


def _doc_order(items: pd.DataFrame) -> pd.Series:
    """Order of documents within a plan year: plan first, then reports by period end."""
    if "doc_order" in items:
        return items["doc_order"].fillna(0).astype(float)
    order = pd.Series(0.0, index=items.index)
    if "period_end" in items:
        stamp = pd.to_datetime(items["period_end"], errors="coerce")
        order = order + stamp.fillna(pd.Timestamp("1900-01-01")).map(pd.Timestamp.toordinal)
    if "doc_type" in items:
        order = order.where(items["doc_type"] != "delivery_plan", -1.0)
    return order


def _group(link: Link) -> int:
    """The lineage group of an entity: after partition every entity has one."""
    assert link.group is not None
    return link.group


def _table(
    cols: dict[str, list],
    entities: list[Entity],
    links: list[Link],
    existing: pd.DataFrame | None,
) -> pd.DataFrame:
    item_ids = cols["item_id"]
    last = [item_ids[e.rows[-1]] for e in entities]
    groups = [_group(links[e.index]) for e in entities]
    keys = {g: entities[g].key for g in set(groups)}
    row_ids = [item_ids[r] for e in entities for r in e.rows]
    row_groups = [groups[e.index] for e in entities for _ in e.rows]
    names = name_groups([str(i) for i in row_ids], row_groups, keys, existing)
    records = []
    for ent in entities:
        link = links[ent.index]
        first_text = cols["_masked"][ent.rows[0]]
        for k, row in enumerate(ent.rows):
            record = {
                "item_id": item_ids[row],
                "document_id": cols["document_id"][row],
                "kind": ent.kind,
                "ref": cols["ref"][row],
                "plan_year": ent.plan_year,
                "lineage_id": names[groups[ent.index]],
            }
            if k:
                sim = fuzz.token_set_ratio(cols["_masked"][row], first_text) / 100
                record |= {
                    "method": "same_year_ref",
                    "status": "auto",
                    "score": round(sim, 4),
                    "previous_item_id": item_ids[ent.rows[k - 1]],
                }
            else:
                record |= _link_fields(link, last)
            records.append(record)
    table = pd.DataFrame.from_records(records, columns=LINEAGE_COLUMNS)
    for column in ("score", "margin", "confidence"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    return table


def _link_fields(link: Link, last: list[str]) -> dict[str, object]:
    """The columns saying how an entity's first row joined its lineage."""
    previous = last[link.previous] if link.previous is not None else None
    fields: dict[str, object] = {
        "method": "text" if link.candidate else link.method,
        "status": None,
        "score": link.score,
        "margin": link.margin,
        "confidence": link.confidence,
        "runner_up_item_id": last[link.runner_up] if link.runner_up is not None else None,
    }
    if link.candidate:
        fields |= {"status": "candidate", "candidate_item_id": previous}
    elif link.method in ("text", "override"):
        fields |= {"status": "auto" if link.method == "text" else "override"}
        fields["previous_item_id"] = previous
    else:
        fields |= {"score": None, "margin": None, "confidence": None, "runner_up_item_id": None}
    return fields
