"""Reading and recording reviewers' outcome-theme decisions, ``DIR/outcome_overrides.csv``
(the I/O edge of outcome linking, beside ``overrides.csv`` in ``store.overrides``)."""

from __future__ import annotations

import csv
import logging
from dataclasses import fields
from pathlib import Path

from ragtrack.link.settings import LEVELS, OutcomeOverride
from ragtrack.store.overrides import DECISIONS, append_csv_rows, one_of

log = logging.getLogger(__name__)

#: Reviewers' outcome-theme decisions, one per row (like ``overrides.csv`` for items).
OUTCOME_OVERRIDES_NAME = "outcome_overrides.csv"
OUTCOME_OVERRIDE_FIELDS = [f.name for f in fields(OutcomeOverride)]


def read_outcome_overrides(root: Path) -> list[OutcomeOverride]:
    """The decisions in ``DIR/outcome_overrides.csv`` (none when the file does not exist)."""
    path = Path(root) / OUTCOME_OVERRIDES_NAME
    if not path.exists():
        return []
    out = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            values = {k: (row.get(k) or "").strip() for k in OUTCOME_OVERRIDE_FIELDS}
            decision = one_of(DECISIONS, values["decision"], "decision", path, number)
            level = one_of(LEVELS, values["level"], "level", path, number)
            out.append(
                OutcomeOverride(
                    decision=decision,
                    level=level,
                    plan_year_a=values["plan_year_a"],
                    title_a=values["title_a"],
                    plan_year_b=values["plan_year_b"],
                    title_b=values["title_b"],
                    reason=values["reason"],
                )
            )
    return out


def append_outcome_override(root: Path, override: OutcomeOverride) -> Path:
    """Add a decision to ``DIR/outcome_overrides.csv`` (created with a header when new).

    The caller holds the dataset lock; the file is replaced whole, atomically.
    """
    path = Path(root) / OUTCOME_OVERRIDES_NAME
    existing = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    row = {f: getattr(override, f) for f in OUTCOME_OVERRIDE_FIELDS}
    return append_csv_rows(path, OUTCOME_OVERRIDE_FIELDS, [row], existing)
