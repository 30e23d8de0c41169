"""The library's use cases, in one place: what the CLI calls and what notebooks import.

Each function takes the dataset directory (relative or absolute) and plain values, and
returns records or DataFrames; none prints. Heavy modules (pandas, pyarrow, the linker) are
imported inside the functions, so importing this module stays cheap.

Sections: ingest and read (:func:`ingest`, :func:`load`, :func:`status`); lineage
(:func:`link`, :func:`rebuild`, :func:`review_candidates`, :func:`review_links`,
:func:`item_history`); analysis (:func:`require_dataset`, :func:`timeline`, :func:`gaps`,
:func:`diff`, :func:`export`, :func:`outcomes`, :func:`decide_outcomes`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ragtrack.analysis.diff import ReportDiff
    from ragtrack.analysis.gaps import SeriesGaps
    from ragtrack.link.lineage import LineageResult, LineageSettings
    from ragtrack.link.outcomes import OutcomeOverride
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


def load(root: str | Path = DEFAULT_DATA_DIR) -> dict[str, pd.DataFrame]:
    """Every table of the dataset as pandas DataFrames (see :func:`ragtrack.store.reading.load`)."""
    from ragtrack.store.reading import load as read

    return read(root)


def status(root: str | Path = DEFAULT_DATA_DIR) -> DatasetStatus:
    """What the dataset holds and whether it is sound, with the gaps in each council's series."""
    import dataclasses

    from ragtrack.store.reading import status as read_status

    report = read_status(require_dataset(root).resolve())
    return dataclasses.replace(report, gaps=tuple(gaps(root)))


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


# --------------------------------------------------------------------------- analysis


def require_dataset(root: str | Path = DEFAULT_DATA_DIR) -> Path:
    """``root`` as a Path if it holds a dataset; else :class:`~ragtrack.errors.NoDataset`.

    Commands that only read call this first, so pointing one at the wrong folder says so and
    creates nothing there.
    """
    from ragtrack.errors import NoDataset
    from ragtrack.store.layout import MANIFEST_NAME

    path = Path(root)
    if not path.is_dir():
        raise NoDataset("no dataset here (the directory does not exist)", file=str(path))
    if not (path / MANIFEST_NAME).is_file():
        raise NoDataset(f"no dataset here (no {MANIFEST_NAME})", file=str(path))
    return path


def timeline(root: str | Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """The timeline table: one row per item appearance in a progress report (see docs).

    Read from the dataset when it is there; computed from the other tables otherwise (a
    dataset written before the timeline existed).
    """
    tables = load(require_dataset(root))
    if "timeline" in tables:
        return tables["timeline"]
    from ragtrack.analysis import derived_frames

    lineage = tables.get("lineage", tables["items"][["item_id"]].assign(lineage_id=None))
    return derived_frames(tables["documents"], tables["items"], lineage)["timeline"]


def gaps(root: str | Path = DEFAULT_DATA_DIR) -> list[SeriesGaps]:
    """Per council: missing plan years and quarters, plans without reports and the reverse."""
    import pyarrow.parquet as pq

    from ragtrack.analysis.gaps import find_gaps
    from ragtrack.store.frames import to_pandas

    folder = require_dataset(root) / "documents"
    if not folder.is_dir():
        return []
    return find_gaps(to_pandas(pq.read_table(folder)))


def diff(
    root: str | Path = DEFAULT_DATA_DIR,
    from_report: str | None = None,
    to_report: str | None = None,
    *,
    council: str | None = None,
) -> ReportDiff:
    """What changed between two reports (report keys, periods such as ``2019-12-31``, or
    ``2019/20 Q3``); by default the two latest reports of the council."""
    from ragtrack.analysis.diff import diff_reports, latest_pair, resolve_report
    from ragtrack.errors import InputError

    frame = timeline(root)
    try:
        if from_report is None and to_report is None:
            first, second = latest_pair(frame, council)
        elif from_report is None or to_report is None:
            raise InputError("name both reports to compare, or neither")
        else:
            first = resolve_report(frame, from_report, council)
            second = resolve_report(frame, to_report, council)
    except InputError as err:  # say which dataset the names were looked up in
        raise InputError(err.message, file=str(root)) from None
    return diff_reports(frame, first, second)


def export(
    root: str | Path = DEFAULT_DATA_DIR, *, fmt: str = "xlsx", target: str | Path
) -> list[Path]:
    """Write every table (timeline first) as CSV files in the folder ``target`` (``fmt``
    ``"csv"``) or as one workbook at ``target`` (``"xlsx"``); returns the files written."""
    from ragtrack.analysis.export import export_frames, write_csv, write_xlsx

    tables = load(require_dataset(root))
    if "timeline" not in tables:
        tables["timeline"] = timeline(root)
    frames = export_frames(tables)
    if fmt == "csv":
        return write_csv(frames, Path(target))
    if fmt == "xlsx":
        return [write_xlsx(frames, Path(target))]
    raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")


def outcomes(root: str | Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """The outcome themes: every printed outcome and supporting outcome with its
    ``outcome_id``, how it was linked and its score (weakest links are worth a look)."""
    tables = load(require_dataset(root))
    if "outcomes" in tables:
        return tables["outcomes"]
    from ragtrack.analysis.persist import read_outcome_overrides
    from ragtrack.link.outcomes import link_outcomes

    return link_outcomes(tables["items"], read_outcome_overrides(Path(root)))


def decide_outcomes(
    root: str | Path,
    override: OutcomeOverride,
    *,
    lock_timeout: float | None = None,
) -> pd.DataFrame:
    """Record a reviewer's outcome-theme decision in ``DIR/outcome_overrides.csv`` and relink,
    so the timeline and the outcome themes follow it; returns the new themes.

    Both titles must be printed in their plan years at that level (case and punctuation
    aside), else :class:`~ragtrack.errors.InputError` says which is not.
    """
    import filelock

    from ragtrack.analysis.persist import append_outcome_override
    from ragtrack.errors import InputError, LockTimeout
    from ragtrack.link.outcomes import title_key
    from ragtrack.store.layout import LOCK_NAME

    path = require_dataset(root)
    themes = outcomes(path)
    rows = themes[themes["level"] == override.level]
    printed = set(zip(rows["plan_year"].astype(str), rows["title"].map(title_key), strict=True))
    for year, title in (
        (override.plan_year_a, override.title_a),
        (override.plan_year_b, override.title_b),
    ):
        if (year, title_key(title)) not in printed:
            raise InputError(f"no {override.level} {title!r} is printed in {year}", file=str(path))
    timeout = 300.0 if lock_timeout is None else lock_timeout
    try:
        with filelock.FileLock(str(path / LOCK_NAME), timeout=timeout):
            append_outcome_override(path, override)
    except filelock.Timeout as exc:
        raise LockTimeout(f"another writer held the dataset lock for over {timeout:g} s") from exc
    link(path, lock_timeout=lock_timeout)
    return outcomes(path)
