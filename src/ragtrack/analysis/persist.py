"""Writing the derived tables beside the lineage, and reading outcome overrides (I/O edge)."""

from __future__ import annotations

import csv
import logging
from dataclasses import fields
from pathlib import Path

import pandas as pd

from ragtrack.errors import InputError
from ragtrack.link.outcomes import LEVELS, OutcomeOverride

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
            if values["decision"] not in ("must_link", "cannot_link"):
                raise InputError(
                    f"decision must be must_link or cannot_link, not {values['decision']!r}",
                    file=str(path),
                    line=number,
                )
            if values["level"] not in LEVELS:
                raise InputError(
                    f"level must be outcome or supporting_outcome, not {values['level']!r}",
                    file=str(path),
                    line=number,
                )
            out.append(OutcomeOverride(**values))  # type: ignore[arg-type]
    return out


def refresh_derived(root: Path, lineage: pd.DataFrame) -> None:
    """Recompute the derived tables from the dataset and ``lineage`` and replace them.

    Called with the dataset lock held, right after the lineage is written, so the timeline
    is rewritten whenever links change.
    """
    from ragtrack.analysis import derived_tables
    from ragtrack.store.dataset import Store
    from ragtrack.store.reading import load

    tables = load(root)
    derived = derived_tables(
        tables["documents"], tables["items"], lineage, read_outcome_overrides(root)
    )
    store = Store(Path(root))
    for name, table in derived.items():
        store.write_derived(name, table)


def append_outcome_override(root: Path, override: OutcomeOverride) -> Path:
    """Add a decision to ``DIR/outcome_overrides.csv`` (created with a header when new).

    The caller holds the dataset lock; the file is replaced whole, atomically.
    """
    import os
    import tempfile

    path = Path(root) / OUTCOME_OVERRIDES_NAME
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    handle, temp = tempfile.mkstemp(prefix="_outcome_overrides-", suffix=".tmp", dir=root)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            if existing:
                out.write(existing if existing.endswith("\n") else existing + "\n")
            writer = csv.DictWriter(out, fieldnames=OUTCOME_OVERRIDE_FIELDS)
            if not existing:
                writer.writeheader()
            writer.writerow({f: getattr(override, f) for f in OUTCOME_OVERRIDE_FIELDS})
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path
