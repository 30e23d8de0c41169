"""The library's use cases, in one place: what the CLI calls and what notebooks import.

Each function takes the dataset directory (relative or absolute) and plain values, and
returns records or DataFrames; none prints. Heavy modules (pandas, pyarrow, the linker) are
imported inside the functions, so importing this module stays cheap.

Sections: ingest and read (:func:`ingest`, :func:`load`, :func:`status`); lineage
(:func:`link`, :func:`rebuild`, :func:`review_candidates`, :func:`review_links`,
:func:`item_history`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

    from ragtrack.link.lineage import LineageResult, LineageSettings
    from ragtrack.pipeline import FileResult, IngestOptions, IngestSummary
    from ragtrack.store.lineage_table import ReviewCandidate, Verdict
    from ragtrack.store.reading import DatasetStatus

#: The dataset directory used when none is given (``RAGTRACK_DATA`` overrides it in the CLI).
DEFAULT_DATA_DIR = Path("ragtrack-data")


# --------------------------------------------------------------------------- ingest and read


def ingest(
    paths: Iterable[str | Path],
    out_dir: str | Path = DEFAULT_DATA_DIR,
    options: IngestOptions | None = None,
    *,
    parse: Callable[..., Any] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> IngestSummary:
    """Parse files and folders into the dataset at ``out_dir`` (see :mod:`ragtrack.pipeline`)."""
    from ragtrack.pipeline import ingest as run

    return run(paths, out_dir, options, parse=parse, on_start=on_start, on_result=on_result)


def load(
    root: str | Path = DEFAULT_DATA_DIR, *, on_damage: Literal["raise", "skip"] = "raise"
) -> dict[str, pd.DataFrame]:
    """Every table of one committed state of the dataset as pandas DataFrames, read whole
    even while an ingest writes (see :func:`ragtrack.store.reading.load`). A damaged file
    raises an error naming it, or with ``on_damage="skip"`` is left out with a warning."""
    from ragtrack.store.reading import load as read

    return read(root, on_damage=on_damage)


def status(root: str | Path = DEFAULT_DATA_DIR, *, verify: bool = False) -> DatasetStatus:
    """What the dataset holds and whether it is sound: every file's checksum is checked,
    and with ``verify`` every file is decoded too."""
    from ragtrack.store.reading import status as read_status

    return read_status(root, verify=verify)


# --------------------------------------------------------------------------- lineage


def link(
    root: str | Path = DEFAULT_DATA_DIR,
    *,
    settings: LineageSettings | None = None,
    lock_timeout: float | None = None,
) -> LineageResult:
    """Link every item of the dataset across years and write the lineage table."""
    from ragtrack.store import lineage_table

    extra = {} if lock_timeout is None else {"lock_timeout": lock_timeout}
    return lineage_table.link_dataset(Path(root), settings=settings, **extra)


def rebuild(
    root: str | Path = DEFAULT_DATA_DIR,
    *,
    settings: LineageSettings | None = None,
    lock_timeout: float | None = None,
) -> LineageResult:
    """Relink the whole dataset from scratch, keeping existing lineage IDs by overlap."""
    from ragtrack.store import lineage_table

    extra = {} if lock_timeout is None else {"lock_timeout": lock_timeout}
    return lineage_table.rebuild_dataset(Path(root), settings=settings, **extra)


def review_candidates(
    root: str | Path = DEFAULT_DATA_DIR, settings: LineageSettings | None = None
) -> list[ReviewCandidate]:
    """The links up for review."""
    from ragtrack.store import lineage_table

    return lineage_table.review_candidates(Path(root), settings)


def review_links(
    root: str | Path,
    decide: Callable[[ReviewCandidate], Verdict],
    *,
    limit: int | None = None,
    reason: str = "",
) -> int:
    """Offer each link up for review to ``decide``; record decisions as overrides."""
    from ragtrack.store import lineage_table

    return lineage_table.review_links(Path(root), decide, limit=limit, reason=reason)


def item_history(root: str | Path, ref_or_id: str, plan_year: str | None = None) -> pd.DataFrame:
    """One lineage's appearances, one row per report."""
    from ragtrack.store import lineage_table

    return lineage_table.item_history(Path(root), ref_or_id, plan_year)
