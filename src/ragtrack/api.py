"""The library's use cases, in one place: what the CLI calls and what notebooks import.

Each function takes the dataset directory (relative or absolute) and plain values, and
returns records or DataFrames; none prints. Heavy modules (pandas, pyarrow, the linker) are
imported inside the functions, so importing this module stays cheap.

Sections: ingest and read (:func:`ingest`, :func:`load`, :func:`status`); lineage
(:func:`link`, :func:`rebuild`, :func:`review_candidates`, :func:`decide`,
:func:`review_links`, :func:`export_review`, :func:`import_review`, :func:`item_history`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

    from ragtrack.link.review import ReviewCandidate
    from ragtrack.link.settings import LineageResult, LineageSettings, Override
    from ragtrack.pipeline import FileResult, IngestOptions, IngestSummary
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

#: A reviewer's answer to one link: ``skip`` leaves it queued, ``quit`` ends the review.
Verdict = Literal["accept", "reject", "skip", "quit"]
#: The columns of an exported review queue; a reviewer fills in ``decision``.
REVIEW_EXPORT_COLUMNS = (
    "decision",
    "reason",
    "impact",
    "status",
    "confidence",
    "kind",
    "plan_year_a",
    "ref_a",
    "text_a",
    "plan_year_b",
    "ref_b",
    "text_b",
    "history_a",
    "history_b",
    "outcome_b",
    "milestone_b",
    "commentary_b",
    "runner_up",
)


class _Locked:
    """The dataset's one writer lock (the ingest store's), unless the caller holds it."""

    def __init__(self, root: Path, take_lock: bool, lock_timeout: float | None) -> None:
        from ragtrack.store.dataset import DEFAULT_LOCK_TIMEOUT, Store

        timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self.store = Store(root, lock_timeout=timeout) if take_lock else None

    def __enter__(self) -> None:
        if self.store is not None:
            self.store.__enter__()

    def __exit__(self, *exc: object) -> None:
        if self.store is not None:
            self.store.__exit__(*exc)


def _dataset(root: str | Path) -> Path:
    """``root`` as a path, when it holds a dataset; otherwise NoDataset (nothing is created)."""
    from ragtrack.store.snapshot import require_dataset

    path = Path(root)
    require_dataset(path)
    return path


def linking_items(root: str | Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """The dataset's items with the document fields lineage needs (plan year, period, type)."""
    from ragtrack.link.items import linking_frame

    tables = load(_dataset(root))
    return linking_frame(tables["items"], tables["documents"])


def link(
    root: str | Path = DEFAULT_DATA_DIR,
    *,
    settings: LineageSettings | None = None,
    lock_timeout: float | None = None,
) -> LineageResult:
    """Link every item of the dataset across years and commit the lineage table.

    The lineages depend only on the dataset's documents and ``overrides.csv``, never on the
    order reports were ingested in; lineage IDs already given stay with most of their items.
    """
    from ragtrack.relink import commit_with_lineage
    from ragtrack.store.dataset import DEFAULT_LOCK_TIMEOUT, Store
    from ragtrack.store.overrides import read_overrides

    path = _dataset(root)
    timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    with Store(path, lock_timeout=timeout) as store:
        return commit_with_lineage(store, overrides=read_overrides(path), settings=settings)


def rebuild(
    root: str | Path = DEFAULT_DATA_DIR,
    *,
    settings: LineageSettings | None = None,
    lock_timeout: float | None = None,
) -> LineageResult:
    """Relink the whole dataset; the same as :func:`link` (every link starts from scratch)."""
    return link(root, settings=settings, lock_timeout=lock_timeout)


def review_candidates(
    root: str | Path = DEFAULT_DATA_DIR, settings: LineageSettings | None = None
) -> list[ReviewCandidate]:
    """The links up for review, those whose decision moves most appearances first."""
    from ragtrack.link.items import linking_frame
    from ragtrack.link.review import review_queue
    from ragtrack.store.lineage_table import read_lineage

    path = _dataset(root)
    lineage = read_lineage(path)
    if lineage.empty:
        return []
    tables = load(path)
    items = linking_frame(tables["items"], tables["documents"])
    return review_queue(lineage, items, tables.get("commentary"), settings)


def decide(
    root: str | Path,
    decisions: Iterable[tuple[ReviewCandidate, bool]],
    *,
    reason: str = "",
    settings: LineageSettings | None = None,
    lock_timeout: float | None = None,
) -> int:
    """Record several verdicts (candidate, accepted?) as overrides, then relink once."""
    from ragtrack.link.review import decision_for

    overrides = [decision_for(c, accept, reason) for c, accept in decisions]
    return _record(_dataset(root), overrides, settings, lock_timeout)


def _record(
    path: Path,
    overrides: list[Override],
    settings: LineageSettings | None,
    lock_timeout: float | None,
) -> int:
    from ragtrack.store.lineage_table import append_overrides

    if overrides:
        with _Locked(path, True, lock_timeout):
            append_overrides(path, overrides)
        link(path, settings=settings, lock_timeout=lock_timeout)
    return len(overrides)


def review_links(
    root: str | Path,
    decide_one: Callable[[ReviewCandidate], Verdict],
    *,
    limit: int | None = None,
    reason: str = "",
    settings: LineageSettings | None = None,
    lock_timeout: float | None = None,
) -> int:
    """Offer each queued link to ``decide_one``; return how many were decided.

    Each accept or reject is appended to ``DIR/overrides.csv`` at once, so a review broken
    off keeps what was decided; the dataset is relinked once at the end, not per decision.
    """
    from ragtrack.link.review import decision_for
    from ragtrack.store.lineage_table import append_overrides

    path = _dataset(root)
    decided = 0
    try:
        for candidate in review_candidates(path, settings)[:limit]:
            verdict = decide_one(candidate)
            if verdict == "quit":
                break
            if verdict not in ("accept", "reject"):
                continue
            with _Locked(path, True, lock_timeout):
                append_overrides(path, [decision_for(candidate, verdict == "accept", reason)])
            decided += 1
    finally:
        if decided:
            link(path, settings=settings, lock_timeout=lock_timeout)
    return decided


def export_review(
    root: str | Path, csv_path: str | Path, settings: LineageSettings | None = None
) -> int:
    """Write the review queue to a CSV file (UTF-8) for a reviewer in a spreadsheet: they
    fill in ``decision`` (``accept`` / ``reject``, or leave it blank) and, if they like,
    ``reason``. Returns how many links were written."""
    import csv
    from dataclasses import asdict

    queue = review_candidates(root, settings)
    with Path(csv_path).open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=REVIEW_EXPORT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for candidate in queue:
            writer.writerow({**asdict(candidate), "decision": "", "reason": ""})
    return len(queue)


def import_review(
    root: str | Path,
    csv_path: str | Path,
    *,
    settings: LineageSettings | None = None,
    lock_timeout: float | None = None,
) -> int:
    """Record the decisions of an edited review export (rows whose ``decision`` is
    ``accept`` or ``reject``; blank ones are skipped), then relink once. Returns how many
    were recorded. A row that names no decision we know is an error naming its line."""
    from ragtrack.store.overrides import read_review_export

    path = _dataset(root)
    return _record(path, read_review_export(Path(csv_path)), settings, lock_timeout)


def item_history(root: str | Path, ref_or_id: str, plan_year: str | None = None) -> pd.DataFrame:
    """One lineage's appearances, one row per report: period, ref, RAG, arrow, milestone, text."""
    from ragtrack.link.history import lineage_history
    from ragtrack.store.lineage_table import read_lineage

    path = _dataset(root)
    return lineage_history(read_lineage(path), linking_items(path), ref_or_id, plan_year)
