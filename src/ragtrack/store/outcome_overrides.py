"""Reading and recording reviewers' outcome-theme decisions, ``DIR/outcome_overrides.csv``
(the I/O edge of outcome linking, beside ``overrides.csv`` in ``store.overrides``)."""

from __future__ import annotations

import csv
import logging
from dataclasses import fields
from pathlib import Path
from typing import Literal

from ragtrack.errors import InputError
from ragtrack.link.outcomes import LEVELS, OutcomeOverride
from ragtrack.store.overrides import append_csv_rows

log = logging.getLogger(__name__)

#: Reviewers' outcome-theme decisions, one per row (like ``overrides.csv`` for items).
OUTCOME_OVERRIDES_NAME = "outcome_overrides.csv"
OUTCOME_OVERRIDE_FIELDS = [f.name for f in fields(OutcomeOverride)]
_DECISIONS: tuple[Literal["must_link", "cannot_link"], ...] = ("must_link", "cannot_link")


def read_outcome_overrides(root: Path) -> list[OutcomeOverride]:
    """The decisions in ``DIR/outcome_overrides.csv`` (none when the file does not exist)."""
    path = Path(root) / OUTCOME_OVERRIDES_NAME
    if not path.exists():
        return []
    out = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            values = {k: (row.get(k) or "").strip() for k in OUTCOME_OVERRIDE_FIELDS}
            decision = next((d for d in _DECISIONS if d == values["decision"]), None)
            if decision is None:
                raise InputError(
                    f"decision must be must_link or cannot_link, not {values['decision']!r}",
                    file=str(path),
                    line=number,
                )
            level = next((lv for lv in LEVELS if lv == values["level"]), None)
            if level is None:
                raise InputError(
                    f"level must be outcome or supporting_outcome, not {values['level']!r}",
                    file=str(path),
                    line=number,
                )
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
