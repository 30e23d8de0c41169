"""Analysis over the loaded dataset: pure functions over DataFrames.

- :func:`derived_tables`: the whole-dataset tables computed from documents, items and lineage
  (``timeline``, ``plan_baseline``, ``outcomes``), as Arrow tables ready to persist;
- :mod:`~ragtrack.analysis.timeline`, :mod:`~ragtrack.analysis.diff`,
  :mod:`~ragtrack.analysis.gaps`, :mod:`~ragtrack.analysis.export`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from ragtrack.link.outcomes import OutcomeOverride

#: The derived tables, in the order they are best read (timeline first).
DERIVED_TABLES: tuple[str, ...] = ("timeline", "plan_baseline", "outcomes")


def derived_frames(
    documents: pd.DataFrame,
    items: pd.DataFrame,
    lineage: pd.DataFrame,
    outcome_overrides: Iterable[OutcomeOverride] = (),
) -> dict[str, pd.DataFrame]:
    """The derived tables as DataFrames (see :func:`derived_tables`)."""
    from ragtrack.analysis.timeline import build_timeline, plan_baseline
    from ragtrack.link.outcomes import link_outcomes

    outcomes = link_outcomes(items, outcome_overrides)
    return {
        "timeline": build_timeline(documents, items, lineage, outcomes),
        "plan_baseline": plan_baseline(documents, items, lineage, outcomes),
        "outcomes": outcomes,
    }


def derived_tables(
    documents: pd.DataFrame,
    items: pd.DataFrame,
    lineage: pd.DataFrame,
    outcome_overrides: Iterable[OutcomeOverride] = (),
) -> dict[str, pa.Table]:
    """Every derived table as an Arrow table of its schema in ``store/schema.py``.

    Pure: takes ``load()``'s ``documents`` and ``items`` and the lineage table (item_id,
    lineage_id), returns ``{"timeline": ..., "plan_baseline": ..., "outcomes": ...}``. The
    store writes them in the same commit as the lineage, so they never disagree with it.
    """
    from ragtrack.analysis.tables import frame_to_table
    from ragtrack.store.schema import DERIVED_SCHEMAS

    frames = derived_frames(documents, items, lineage, outcome_overrides)
    return {name: frame_to_table(frames[name], DERIVED_SCHEMAS[name]) for name in DERIVED_TABLES}
