"""The library's use cases, in one place: what the CLI calls and what notebooks import.

Each function takes the dataset directory (relative or absolute) and plain values, and
returns records or DataFrames; none prints. Heavy modules (pandas, pyarrow, the linker) are
imported inside the functions, so importing this module stays cheap.

Sections: ingest and read (:func:`ingest`, :func:`load`, :func:`status`); lineage
(:func:`link`, :func:`rebuild`, :func:`review_candidates`, :func:`decide`,
:func:`review_links`, :func:`export_review`, :func:`import_review`, :func:`item_history`);
analysis (:func:`require_dataset`, :func:`timeline`, :func:`gaps`, :func:`diff`,
:func:`export`, :func:`outcomes`, :func:`decide_outcomes`, :func:`report`); layouts
(:func:`inspect`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ragtrack.limits import CHECKPOINT_SECONDS, PDF_MAX_BYTES, TEXT_MAX_BYTES
from ragtrack.workers import AUTO
from ragtrack.workers import Jobs as Jobs

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from ragtrack.analysis.diff import ReportDiff
    from ragtrack.analysis.gaps import SeriesGaps
    from ragtrack.analysis.gaps import quarter_ranges as quarter_ranges  # via __getattr__
    from ragtrack.extract.profiles.inspect import Inspection
    from ragtrack.extract.reader import DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES  # via __getattr__
    from ragtrack.link.lineage import LineageResult
    from ragtrack.link.outcomes import OutcomeOverride
    from ragtrack.link.review import ReviewCandidate
    from ragtrack.link.settings import LineageSettings, Override
    from ragtrack.pipeline import FileResult, IngestOptions, IngestSummary
    from ragtrack.store.reading import DatasetStatus

#: Records and limits the use cases take and return, importable from here (loaded on first
#: use, so importing this module stays cheap).
_RECORDS = {
    "IngestOptions": "ragtrack.pipeline",
    "FileResult": "ragtrack.pipeline",
    "IngestSummary": "ragtrack.pipeline",
    "SeriesGaps": "ragtrack.analysis.gaps",
    "quarter_ranges": "ragtrack.analysis.gaps",
    "OutcomeOverride": "ragtrack.link.outcomes",
    "Inspection": "ragtrack.extract.profiles.inspect",
}


def __getattr__(name: str) -> object:
    if name in _RECORDS:
        import importlib

        return getattr(importlib.import_module(_RECORDS[name]), name)
    raise AttributeError(f"module 'ragtrack.api' has no attribute {name!r}")


#: Default size limits of input files, text and PDF (``IngestOptions.max_bytes`` overrides).
DEFAULT_MAX_BYTES = TEXT_MAX_BYTES
DEFAULT_PDF_MAX_BYTES = PDF_MAX_BYTES
#: ``IngestOptions.jobs`` value that parses in as many worker processes as the batch is
#: worth: one per core for a folder of PDFs, none for a few text reports (``AUTO_JOBS``
#: is "auto"; a script that starts workers must ingest under ``if __name__ == "__main__":``).
AUTO_JOBS = AUTO
#: How often a long ingest commits what it has parsed, by default (seconds).
DEFAULT_CHECKPOINT_SECONDS = CHECKPOINT_SECONDS

#: The dataset directory used when none is given (``RAGTRACK_DATA`` overrides it in the CLI).
DEFAULT_DATA_DIR = Path("ragtrack-data")


# --------------------------------------------------------------------------- ingest and read


def ingest(
    paths: str | Path | Iterable[str | Path],
    out_dir: str | Path = DEFAULT_DATA_DIR,
    options: IngestOptions | None = None,
    *,
    parse: Callable[..., Any] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> IngestSummary:
    """Parse files and folders into the dataset at ``out_dir`` (see :mod:`ragtrack.pipeline`).
    A layout profile in ``options.profile`` is checked before any file is read."""
    from ragtrack.pipeline import IngestOptions
    from ragtrack.pipeline import ingest as run

    if isinstance(options, IngestOptions) and options.profile is not None:
        from ragtrack.extract.profiles.profile import load_profiles

        load_profiles(options.profile)

    return run(paths, out_dir, options, parse=parse, on_start=on_start, on_result=on_result)


def load(
    root: str | Path = DEFAULT_DATA_DIR,
    *,
    on_damage: Literal["raise", "skip"] = "raise",
    tables: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table of one committed state of the dataset as pandas DataFrames, read whole
    even while an ingest writes (see :func:`ragtrack.store.reading.load`); ``tables``
    (names such as ``["timeline"]``) reads only those. A damaged file raises an error
    naming it, or with ``on_damage="skip"`` is left out with a warning."""
    from ragtrack.store.reading import load as read

    if isinstance(tables, str):  # one name given alone
        tables = [tables]
    return read(root, on_damage=on_damage, tables=None if tables is None else list(tables))


def status(root: str | Path = DEFAULT_DATA_DIR, *, verify: bool = False) -> DatasetStatus:
    """What the dataset holds and whether it is sound (every file's checksum is checked, and
    with ``verify`` every file is decoded too), with the gaps in each council's series."""
    import dataclasses

    from ragtrack.store.reading import status as read_status

    report = read_status(require_dataset(root), verify=verify)
    return dataclasses.replace(report, gaps=tuple(gaps(root)))


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
    return require_dataset(root)


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
    from ragtrack.store.lineage_table import read_lineage, read_overrides

    path = _dataset(root)
    lineage = read_lineage(path)
    if lineage.empty:
        return []
    tables = load(path)
    items = linking_frame(tables["items"], tables["documents"])
    decided = read_overrides(path)
    return review_queue(lineage, items, tables.get("commentary"), settings, decided)


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
    from ragtrack.errors import InputError
    from ragtrack.link.history import lineage_history
    from ragtrack.store.lineage_table import read_lineage

    path = _dataset(root)
    try:
        return lineage_history(read_lineage(path), linking_items(path), ref_or_id, plan_year)
    except InputError as err:  # say which dataset the ref was looked up in
        raise InputError(err.message, file=str(root), remedy=err.remedy) from None


# --------------------------------------------------------------------------- analysis


def require_dataset(root: str | Path = DEFAULT_DATA_DIR) -> Path:
    """``root`` as a Path if it holds a dataset; else :class:`~ragtrack.errors.NoDataset`.

    Commands that only read call this first, so pointing one at the wrong folder says so and
    creates nothing there.
    """
    from ragtrack.store.snapshot import require_dataset as check

    path = Path(root)
    check(path)
    return path


def timeline(root: str | Path = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """The timeline table: one row per item appearance in a progress report (see docs).

    Read from the dataset when it is there; computed from the other tables otherwise (a
    dataset written before the timeline existed).
    """
    tables = load(require_dataset(root))
    if "timeline" in tables:
        return tables["timeline"]
    from ragtrack.analysis import derived_tables
    from ragtrack.store.frames import to_pandas

    lineage = tables.get("lineage", tables["items"][["item_id"]].assign(lineage_id=None))
    derived = derived_tables(tables["documents"], tables["items"], lineage)
    return to_pandas(derived["timeline"])  # typed as the stored timeline loads


def gaps(root: str | Path = DEFAULT_DATA_DIR) -> list[SeriesGaps]:
    """Per council: missing plan years and quarters, plans without reports and the reverse."""
    from ragtrack.analysis.gaps import find_gaps
    from ragtrack.store.reading import load as read

    tables = read(require_dataset(root), tables=["documents"], on_damage="skip")
    return find_gaps(tables["documents"])


def diff(
    root: str | Path = DEFAULT_DATA_DIR,
    from_report: str | dt.date | None = None,
    to_report: str | dt.date | None = None,
    *,
    council: str | None = None,
) -> ReportDiff:
    """What changed between two reports (report keys, periods such as ``2019-12-31``, or
    ``2019/20 Q3``); by default the two latest reports of the council."""
    from ragtrack.analysis.diff import check_pair, diff_reports, latest_pair, resolve_report
    from ragtrack.errors import InputError

    frame = timeline(root)
    try:
        if from_report is None and to_report is None:
            first, second = latest_pair(frame, council)
        elif from_report is None or to_report is None:
            raise InputError("name both reports to compare, or neither")
        else:  # a period may come as a date or a Timestamp (from the timeline itself)
            first = resolve_report(frame, _report_name(from_report), council)
            second = resolve_report(frame, _report_name(to_report), council)
            check_pair(frame, first, second)
    except InputError as err:  # say which dataset the names were looked up in
        raise InputError(err.message, file=str(root)) from None
    return diff_reports(frame, first, second)


def export(
    root: str | Path = DEFAULT_DATA_DIR, *, fmt: str = "xlsx", target: str | Path
) -> list[Path]:
    """Write every table (timeline first) as CSV files in the folder ``target`` (``fmt``
    ``"csv"``) or as one workbook at ``target`` (``"xlsx"``); returns the files written."""
    from ragtrack.analysis.export import export_frames, write_csv, write_xlsx
    from ragtrack.errors import InputError

    path = require_dataset(root)
    if Path(target).resolve().is_relative_to(path.resolve()):
        raise InputError("the export would be written inside the dataset", file=str(target))
    tables = load(path)
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
    from ragtrack.link.outcomes import link_outcomes
    from ragtrack.store.outcome_overrides import read_outcome_overrides

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
    from ragtrack.errors import InputError
    from ragtrack.link.outcomes import title_key
    from ragtrack.store.outcome_overrides import append_outcome_override

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
    if override.plan_year_a == override.plan_year_b:  # one plan's titles: never one theme
        raise InputError(
            f"both titles are of {override.plan_year_a}: a decision joins or parts titles of "
            "two plan years",
            file=str(path),
        )
    with _Locked(path, True, lock_timeout):
        append_outcome_override(path, override)
    link(path, lock_timeout=lock_timeout)
    return outcomes(path)


def _report_name(name: object) -> str:
    """A report named by key, period or quarter; a date or Timestamp as its ISO date."""
    import datetime

    if isinstance(name, datetime.date):  # pandas' Timestamp is a datetime, hence a date
        return name.strftime("%Y-%m-%d")
    return str(name)


def report(
    root: str | Path = DEFAULT_DATA_DIR,
    target: str | Path = "report.html",
    *,
    council: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Path:
    """Write the HTML report of the council's progress reports ``start`` to ``end`` (report
    keys, periods such as ``2019-12-31``, or ``2019/20 Q3``; by default the 12 reports up to
    the latest) to ``target``: one self-contained page (see docs/report.md). Needs the
    ``report`` extra (matplotlib); the council is needed only when the dataset has several."""
    import importlib.util

    from ragtrack.errors import InputError, MissingExtra

    if importlib.util.find_spec("matplotlib") is None:  # an optional dependency
        raise MissingExtra("the report needs matplotlib: pip install 'ragtrack[report]'")
    from ragtrack.htmlreport import render_report
    from ragtrack.store.reading import load as read

    path = require_dataset(root)
    tables = read(path, tables=["timeline", "commentary"])
    if "timeline" not in tables:
        tables["timeline"] = timeline(path)
    try:
        page = render_report(tables, council, start, end)
    except InputError as err:  # say which dataset the names were looked up in
        raise InputError(err.message, file=str(root)) from None
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)  # as export does for its target
    out.write_text(page, encoding="utf-8")
    return out


# --------------------------------------------------------------------------- layouts


def inspect(
    path: str | Path,
    profile: str | Path | None = None,
    *,
    rows: int = 5,
    pdf_backend: str | None = None,
) -> Inspection:
    """How a report would be read: the layout chosen (the Cumbria parsers', the given
    profile's or the best of a folder of profiles, or the built-in profile with most
    evidence), the header's columns and what each is mapped to, and the first rows, so a
    user can write a profile for a new layout. Nothing is written."""
    from ragtrack.errors import ParseError
    from ragtrack.extract.dispatch import parse_source
    from ragtrack.extract.profiles.inspect import InspectedRow, Inspection, inspect_source
    from ragtrack.extract.profiles.profile import load_profiles
    from ragtrack.extract.reader import read_file_bytes
    from ragtrack.pipeline import read_limit, read_source

    file = Path(path)
    data = read_file_bytes(file, read_limit(file))
    source = read_source(data, file, pdf_backend=pdf_backend)
    if profile is not None:
        return inspect_source(source, load_profiles(profile), rows=rows)
    try:
        parsed = parse_source(source)
    except ParseError:
        return inspect_source(source, rows=rows)
    if parsed.layout is None or not parsed.layout.startswith("cumbria"):
        return inspect_source(source, rows=rows)
    first = tuple(
        InspectedRow(i.line_start, i.line_end, tuple(_item_cells(i))) for i in parsed.items[:rows]
    )
    return Inspection(source.name, parsed.layout, (), None, (), len(parsed.items), first)


def _item_cells(item: Any) -> list[tuple[str, str]]:
    fields = ("ref", "text", "milestone", "rag", "direction_raw")
    return [(f, str(getattr(item, f))) for f in fields if getattr(item, f) is not None]
