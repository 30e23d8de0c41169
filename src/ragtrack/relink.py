"""Committing a new state of the dataset whole: its reports, their lineage and the tables
derived from them (timeline, plan baseline, outcome themes), in one store commit, so no
reader ever sees reports without their links or a timeline out of step with them.

Used by ingest (after staging the reports it parsed) and by the lineage use cases (relink,
rebuild, review), always inside an open :class:`~ragtrack.store.dataset.Store`.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from ragtrack.analysis import derived_tables
from ragtrack.link.items import linking_frame
from ragtrack.link.lineage import LineageResult, link_items
from ragtrack.link.outcomes import OutcomeOverride
from ragtrack.link.settings import LineageSettings, Override
from ragtrack.store.dataset import StagedReport, Store
from ragtrack.store.frames import to_pandas
from ragtrack.store.lineage_table import LINEAGE_DIR, lineage_arrow, lineage_frame
from ragtrack.store.outcome_overrides import read_outcome_overrides
from ragtrack.store.reading import _unify
from ragtrack.store.schema import SCHEMAS

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NewState:
    """The report tables of the state a commit will make, as pandas."""

    documents: pd.DataFrame
    items: pd.DataFrame


def new_state(store: Store, staged: Sequence[StagedReport], forget: Collection[str]) -> NewState:
    """The committed reports less those replaced or forgotten, plus the staged ones."""
    replaced = {report.row.report_key for report in staged} | set(forget)
    committed = store.read_tables(["documents", "items"])
    frames = {}
    for name in ("documents", "items"):
        kept = [t for entry, t in committed[name] if entry.report_key not in replaced]
        kept += [store.staged_table(report, name) for report in staged]
        frames[name] = to_pandas(_unify(kept, SCHEMAS[name]))
    return NewState(frames["documents"], frames["items"])


def existing_lineage(store: Store) -> pd.DataFrame:
    """The committed lineage; when it is damaged or lost, the IDs the timeline still holds."""
    found = store.read_tables([LINEAGE_DIR, "timeline"])
    if found[LINEAGE_DIR]:
        return lineage_frame(found[LINEAGE_DIR][0][1])
    frame = lineage_frame(None)
    if found["timeline"]:
        timeline = found["timeline"][0][1].to_pandas()
        if {"item_id", "lineage_id"} <= set(timeline.columns):
            frame = pd.concat([frame, timeline[["item_id", "lineage_id"]]], ignore_index=True)
            log.warning(
                "%s: the lineage table was lost; relinking keeps the IDs the timeline held",
                store.root,
            )
    return frame


def commit_with_lineage(
    store: Store,
    staged: Sequence[StagedReport] = (),
    *,
    forget: Collection[str] = (),
    overrides: Sequence[Override] = (),
    outcome_overrides: Sequence[OutcomeOverride] | None = None,
    settings: LineageSettings | None = None,
) -> LineageResult:
    """Link the new state across years and commit it with its lineage and the tables derived
    from both (timeline, plan baseline, outcome themes), all at once. The links depend only
    on the state's documents and ``overrides``; IDs already given follow most of their items.
    ``outcome_overrides`` default to those in ``DIR/outcome_overrides.csv``."""
    state = new_state(store, staged, forget)
    items = linking_frame(state.items, state.documents)
    result = link_items(items, existing_lineage(store), overrides, settings)
    if outcome_overrides is None:
        outcome_overrides = read_outcome_overrides(store.root)
    derived: dict[str, pa.Table] = {LINEAGE_DIR: lineage_arrow(result.table)}
    derived.update(derived_tables(state.documents, state.items, result.table, outcome_overrides))
    store.commit(staged, derived, forget)
    return result
