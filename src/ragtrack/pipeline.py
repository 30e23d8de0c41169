"""The ingest pipeline: files and folders in, reports written to the dataset.

expand paths -> hash each file -> skip what the manifest already holds -> read and parse (in
worker processes with ``jobs > 1``, or as many as the batch is worth with ``"auto"``, or on
a Dask cluster with ``scheduler``) -> stage each report from this one process -> link across
years and commit the run's reports with their lineage at once (a long run also commits at
checkpoints, every few minutes). One bad file never stops the batch: it becomes a failed
:class:`FileResult` with a one-line error naming the file, recorded in the manifest, and the
dataset keeps what it held. A run that is stopped (killed, a full disk) leaves the dataset
exactly as its last commit made it.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import dataclasses
import datetime as dt
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypedDict, Unpack, get_args

from ragtrack.errors import RagtrackError, StoreError
from ragtrack.extract.reader import DEFAULT_MAX_BYTES, read_file_bytes, read_text_bytes
from ragtrack.limits import CHECKPOINT_SECONDS, PDF_MAX_BYTES
from ragtrack.records import DocType, ParsedDocument, SourceText
from ragtrack.store.dataset import DEFAULT_LOCK_TIMEOUT, StagedReport, Store
from ragtrack.store.layout import MANIFEST_NAME, report_key
from ragtrack.store.manifest import Manifest, ManifestRow
from ragtrack.version import PARSER_VERSION
from ragtrack.workers import AUTO, Jobs, check_jobs, unguarded_call, worker_count

if TYPE_CHECKING:
    from ragtrack.link.outcomes import OutcomeOverride
    from ragtrack.link.settings import Override

log = logging.getLogger(__name__)

Status = Literal["new", "changed", "unchanged", "reparsed", "repaired", "failed"]
ParseFn = Callable[..., ParsedDocument]
SUFFIXES = (".txt", ".pdf")
#: files in flight per worker process: one parsing, one waiting, so no worker idles
IN_FLIGHT_PER_WORKER = 2
#: checkpoints are at least this many times the last commit's duration apart, so relinking
#: the dataset at each stays a small part of a long run
CHECKPOINT_SPACING = 10


@dataclasses.dataclass(frozen=True, slots=True)
class IngestOptions:
    """How to ingest: overrides for the documents, re-parse rules, limits."""

    council: str | None = None
    doc_type: str | None = None
    plan_year: str | None = None
    force: bool = False
    reparse: bool = False
    dry_run: bool = False
    #: parse this many files at once in worker processes; "auto": as many as the batch is
    #: worth (see :mod:`ragtrack.workers`). 1 parses here, and is the library's default: a
    #: script that starts workers must ingest under ``if __name__ == "__main__":``
    jobs: Jobs = 1
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    max_bytes: int | None = None  # None: each reader's own default limit
    json_path: Path | None = None
    pdf_backend: str | None = None  # None: the PDF reader's default (pypdfium2)
    ocr: bool = False
    #: a layout profile (TOML), or a folder of them (each report read by the best fit)
    profile: Path | None = None
    #: parse on a Dask cluster: a scheduler's address (``tcp://host:8786``), or ``"local"``
    #: for a cluster of ``jobs`` worker processes on this machine; None parses here
    scheduler: str | None = None
    #: on a long run, commit what is parsed at least this often (seconds), so a run that is
    #: stopped keeps it; None commits once, at the end
    checkpoint_seconds: float | None = CHECKPOINT_SECONDS

    def __post_init__(self) -> None:
        check_jobs(self.jobs)
        if self.doc_type is not None and self.doc_type not in get_args(DocType):
            kinds = " or ".join(get_args(DocType))
            raise ValueError(f"doc_type must be {kinds}, not {self.doc_type!r}")


@dataclasses.dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one input file (or, in a dry run, what would happen)."""

    path: str
    status: Status
    report_key: str | None = None
    sha256: str | None = None
    doc_type: str | None = None
    council: str | None = None
    plan_year: str | None = None
    period_end: str | None = None
    items: int = 0
    commentary: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    #: what the caller can change to get past ``error`` (a :class:`~ragtrack.errors.Remedy`
    #: value, e.g. ``"max_bytes"``), when the error says
    remedy: str | None = None
    note: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_dict(self) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data["warnings"] = list(self.warnings)
        return data


class _Facts(TypedDict, total=False):
    """What a FileResult says about the report beyond its path and status."""

    report_key: str
    sha256: str
    doc_type: str
    council: str | None
    plan_year: str | None
    period_end: str | None
    items: int
    commentary: int
    warnings: tuple[str, ...]
    note: str


@dataclasses.dataclass(slots=True)
class IngestSummary:
    """The outcome of one ingest run."""

    out_dir: str
    dry_run: bool
    parser_version: str
    started_at: str
    finished_at: str | None = None
    results: list[FileResult] = dataclasses.field(default_factory=list)
    #: whether the run recorded its results in the dataset (made it if new); False for a
    #: dry run, and for a run given only paths that are not there where no dataset was yet
    written: bool = False
    #: why the run stopped before its end (another writer held the dataset, the dataset
    #: could not be written): the error it raised, so a ``json_path`` summary says so too
    error: str | None = None

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.failed]

    @property
    def ok(self) -> bool:
        return not self.failed

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for result in self.results:
            counts[result.status] = counts.get(result.status, 0) + 1
        return counts

    def to_dict(self) -> dict[str, object]:
        return {
            "out_dir": self.out_dir,
            "dry_run": self.dry_run,
            "written": self.written,
            "error": self.error,
            "parser_version": self.parser_version,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "counts": self.counts(),
            "results": [r.to_dict() for r in self.results],
        }


# -- finding input files --------------------------------------------------------------------


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """Files named directly plus ``*.txt``/``*.pdf`` found recursively in folders.

    Returns the files sorted and without duplicates (two names for one file count once),
    and a failed result for each path that does not exist or folder that cannot be listed.
    Symlinked folders are followed once; a symlink loop is not followed round. Hidden files
    and folders (names starting with ``.``) inside folders are skipped.
    """
    found: dict[str, Path] = {}
    errors: list[FileResult] = []

    def add(path: Path) -> None:
        try:
            real = os.path.realpath(path)
        except OSError:
            real = str(path.absolute())
        found.setdefault(real, path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            seen_dirs: set[tuple[int, int]] = set()

            def on_error(err: OSError, top: Path = path) -> None:
                where = err.filename or str(top)
                errors.append(_failure(where, f"cannot list folder: {err.strerror or err}"))

            for folder, dirs, files in os.walk(path, onerror=on_error, followlinks=True):
                try:
                    info = os.stat(folder)
                except OSError:
                    dirs[:] = []
                    continue
                ident = (info.st_dev, info.st_ino)
                if ident in seen_dirs:
                    log.info("%s: already visited (symlink loop?), not following", folder)
                    dirs[:] = []
                    continue
                seen_dirs.add(ident)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                        continue
                    add(Path(folder) / name)
        elif path.exists() or path.is_symlink():
            add(path)
        else:
            errors.append(_failure(str(path), "no such file or folder"))
    ordered = [found[key] for key in sorted(found)]
    return ordered, errors


def path_text(path: str | os.PathLike[str]) -> str:
    """A path as text that can be printed and stored: bytes of a file name that are not UTF-8
    (``caf\\xe9.txt`` from an old archive) are shown as ``\\xe9`` escapes, not kept as the
    lone surrogates Python decodes them to, which Parquet, SQLite and JSON refuse."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _failure(path: str | Path, message: str, **extra: Unpack[_Facts]) -> FileResult:
    path = path_text(path)
    message = " ".join(message.split())
    text = message if message.startswith(path) else f"{path}: {message}"
    return FileResult(path=path, status="failed", error=text, **extra)


def _not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a document, when it is no regular file: a named pipe
    or a device would block or never end (``/dev/zero``), so nothing is read from it."""
    mode = path.stat().st_mode
    if stat.S_ISREG(mode):
        return None
    what = (
        "a named pipe"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a folder"
        if stat.S_ISDIR(mode)
        else "not a regular file"
    )
    return f"not a document file ({what}); nothing was read from it"


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# -- reading and parsing (runs in worker processes) -----------------------------------------


def read_limit(path: Path, max_bytes: int | None = None) -> int:
    """The size limit for ``path``: ``max_bytes``, else the default of its reader (text or PDF,
    chosen by the file's ending)."""
    if max_bytes:
        return max_bytes
    return PDF_MAX_BYTES if path.suffix.lower() == ".pdf" else DEFAULT_MAX_BYTES


def read_source(
    data: bytes,
    path: Path,
    *,
    max_bytes: int | None = None,
    pdf_backend: str | None = None,
    ocr: bool = False,
) -> SourceText:
    """Turn a text or PDF source's bytes into lines (the reader is chosen by the ending of
    ``path``, which only names the file: it need not exist here).

    ``max_bytes`` bounds the file size (None: the reader's default limit); ``pdf_backend``
    and ``ocr`` go to the PDF reader.
    """
    limit = read_limit(path, max_bytes)
    if path.suffix.lower() == ".pdf":
        from ragtrack.extract.pdf import DEFAULT_BACKEND, read_pdf_bytes

        backend = pdf_backend or DEFAULT_BACKEND
        return read_pdf_bytes(data, path.name, backend=backend, ocr=ocr, max_bytes=limit)
    return read_text_bytes(data, path.name, max_bytes=limit)


def default_parser() -> ParseFn:
    """The dispatcher ``ragtrack.extract.parse_source``, imported when first needed."""
    from ragtrack.extract import parse_source

    return parse_source


@dataclasses.dataclass(frozen=True)
class ParseFailure:
    """Why one file could not be read or parsed: a one-line error naming the file, and what
    the caller can change to get past it (a :class:`~ragtrack.errors.Remedy` value)."""

    error: str
    remedy: str | None = None


def one_line_failure(err: BaseException, path: Path) -> ParseFailure:
    """Why ``path`` failed, as one line naming it (and the remedy, when the error has one)."""
    remedy = None
    if isinstance(err, RagtrackError):
        if err.file in (None, path.name):
            err.file = path_text(path)
        text = str(err)
        remedy = err.remedy.value if err.remedy else None
    else:
        text = f"{path_text(path)}: unexpected {type(err).__name__}: {err}"
    return ParseFailure(" ".join(text.split()), remedy)


def parse_file(
    path: Path, options: IngestOptions, parse: ParseFn | None = None
) -> ParsedDocument | ParseFailure:
    """Read and parse one file; return the parsed document or why it failed."""
    try:
        data = read_file_bytes(path, read_limit(path, options.max_bytes))
    except Exception as err:  # one bad file must never stop the batch
        return one_line_failure(err, path)
    return parse_bytes(data, path, options, parse)


def parse_bytes(
    data: bytes,
    path: Path,
    options: IngestOptions,
    parse: ParseFn | None = None,
    profile: object | None = None,
) -> ParsedDocument | ParseFailure:
    """Parse one file's bytes (``path`` names it in the document and in errors, as the
    client sees it: a worker on another machine needs no copy of the file). ``profile`` is
    the layout ``options.profile`` names, already loaded (so a worker needs no copy of that
    file either); None loads it here."""
    try:
        source = read_source(
            data,
            path,
            max_bytes=options.max_bytes,
            pdf_backend=options.pdf_backend,
            ocr=options.ocr,
        )
        parser = parse or default_parser()
        if options.profile is not None and profile is None:
            profile = load_layout(options.profile)
        layout = {"profile": profile} if profile is not None else {}
        parsed = parser(source, doc_type=options.doc_type, plan_year=options.plan_year, **layout)
    except Exception as err:  # one bad file must never stop the batch
        log.debug("%s: parse failed", path, exc_info=True)
        return one_line_failure(err, path)
    document = parsed.document
    if options.council is not None:
        document = dataclasses.replace(document, council=options.council)
    if document.source_name != path_text(document.source_name):
        document = dataclasses.replace(document, source_name=path_text(document.source_name))
    if document is not parsed.document:
        parsed = dataclasses.replace(parsed, document=document)
    return parsed


def load_layout(path: Path) -> object:
    """The layout profile at ``path``, or those in a folder."""
    from ragtrack.extract.profiles.profile import load_profiles

    found = load_profiles(path)
    return found[0] if len(found) == 1 else found


def _worker_start(parent: int) -> None:
    """Workers stay silent (the parent logs every warning and error from their results, once,
    naming the file) and end when the ingest that started them is gone, even by SIGKILL."""
    logger = logging.getLogger("ragtrack")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int, every: float = 0.5) -> None:
    """Poll for the parent process; exit at once when it has gone."""
    while True:
        time.sleep(every)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            continue


def _parse_all(
    paths: Sequence[Path], options: IngestOptions, parse: ParseFn | None
) -> Iterator[ParsedDocument | ParseFailure]:
    """Parse in order, in ``options.jobs`` worker processes when there is more than one file,
    or on the Dask cluster ``options.scheduler`` names (see :mod:`ragtrack.cluster`)."""
    if options.scheduler is not None:
        from ragtrack.cluster import parse_on_cluster

        yield from parse_on_cluster(paths, options, parse)
        return
    workers = _workers_here(options.jobs, paths)
    if workers <= 1:
        for path in paths:
            yield parse_file(path, options, parse)
        return
    log.info("parsing %d files in %d worker processes", len(paths), workers)
    yield from _parse_in_pools(workers, paths, options, parse)


def _workers_here(jobs: Jobs, paths: Sequence[Path]) -> int:
    """The worker processes to parse ``paths`` in, where this process can start them: a
    script calling ingest outside ``if __name__ == "__main__":`` cannot (each worker would
    run it again), so "auto" parses here (a number of jobs was refused before the run)."""
    workers = worker_count(jobs, paths)
    if workers > 1 and (where := unguarded_call()) is not None:
        log.info("parsing here: %s line %d calls ingest outside %s", *where, _GUARD)
        return 1
    if workers == 1 and jobs == AUTO and len(paths) > 1:  # -v says what auto chose
        log.info("parsing %d files here: too little to gain from worker processes", len(paths))
    return workers


def _refuse_unguarded(options: IngestOptions, files: Sequence[Path]) -> None:
    """Before anything is read or written: a number of jobs that would start workers from a
    script calling ingest outside ``if __name__ == "__main__":`` is an error naming the line
    (each worker process would import the script again and run the call)."""
    jobs = options.jobs
    if jobs == AUTO or options.scheduler is not None or min(jobs, len(files)) <= 1:
        return
    where = unguarded_call()
    if where is not None:
        raise RagtrackError(
            f"ingest with jobs={jobs} is called outside {_GUARD}: each worker process imports "
            "the script again; put the call under that line, or use one job",
            file=where[0],
            line=where[1],
        )


_GUARD = '`if __name__ == "__main__":`'


def _new_pool(workers: int) -> cf.ProcessPoolExecutor:
    # A fork server imports the parsers once and forks each worker from it: workers start
    # fast and share nothing with this process's state (PDFium is not fork-safe once used).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ragtrack.extract.dispatch", "ragtrack.extract.pdf"])
    return cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )


#: a file waiting to be parsed: its path and how many pools died while it was in flight
_Waiting = tuple[Path, int]
#: a file in flight: what was waiting, and its parse (or its failure, decided already)
_InFlight = tuple[_Waiting, "cf.Future[ParsedDocument | ParseFailure] | ParseFailure"]
#: a file in flight when this many pools died fails (it is taken to be what kills them)
_DEATHS = 2


def _parse_in_pools(
    workers: int, paths: Sequence[Path], options: IngestOptions, parse: ParseFn | None
) -> Iterator[ParsedDocument | ParseFailure]:
    """Parse in worker processes, yielding in input order, with a bounded window of files in
    flight (each result let go once yielded, so a batch of any size holds a few parsed
    documents at a time). A worker that dies (killed, a crash in a PDF library) breaks its
    pool and every file in flight: those files are tried again one at a time in a new pool,
    so only a file that kills its worker twice fails, and the rest of the batch goes on."""
    waiting: collections.deque[_Waiting] = collections.deque((p, 0) for p in paths)
    window: collections.deque[_InFlight] = collections.deque()
    pool = _new_pool(workers)
    importing = None if options.dry_run else _import_commit_modules_meanwhile()
    try:
        while waiting or window:
            while waiting and len(window) < IN_FLIGHT_PER_WORKER * workers:
                suspect = waiting[0][1] > 0  # in flight when a pool died: runs alone
                if suspect and window:
                    break
                entry = waiting.popleft()
                window.append((entry, _submit_to(pool, entry, options, parse)))
                if suspect:
                    break
            (path, deaths), task = window.popleft()
            if isinstance(task, ParseFailure):
                yield task
                continue
            try:
                result = task.result()
            except cf.BrokenExecutor:
                again = [(path, deaths + 1), *((p, n + 1) for (p, n), _task in window)]
                waiting.extendleft(reversed(again))
                window.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _new_pool(workers)
                continue
            except Exception as err:
                result = ParseFailure(f"{path}: parser process failed: {type(err).__name__}: {err}")
            del task
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if importing is not None:  # never outlives the parse (a fork meanwhile could hang)
            importing.join()


#: what committing a batch imports (pandas, Arrow's pandas layer, the linker, SciPy's sparse
#: matrices): about half a second this process would otherwise spend after the last parse
_COMMIT_MODULES = ("ragtrack.relink", "ragtrack.analysis.timeline", "scipy.sparse")


def _import_commit_modules_meanwhile() -> threading.Thread:
    """Import what the commit needs in a background thread while the workers parse: this
    process only waits for them then, so the imports cost the batch no time. The caller
    joins the thread when parsing ends; a dry run, which commits nothing, starts none."""

    def load() -> None:
        for name in _COMMIT_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # the commit imports it again and reports any failure
                log.debug("could not import %s ahead of the commit", name, exc_info=True)

    thread = threading.Thread(target=load, name="ragtrack-commit-imports", daemon=True)
    thread.start()
    return thread


def _submit_to(
    pool: cf.ProcessPoolExecutor, entry: _Waiting, options: IngestOptions, parse: ParseFn | None
) -> cf.Future[ParsedDocument | ParseFailure] | ParseFailure:
    """The file's parse in the pool, or its failure once its workers have died too often."""
    path, deaths = entry
    if deaths >= _DEATHS:
        return ParseFailure(
            f"{path_text(path)}: parser process failed: the worker parsing it died "
            f"{deaths} times (killed, or a crash in a PDF library)"
        )
    try:
        return pool.submit(parse_file, path, options, parse)
    except cf.BrokenExecutor as err:  # a worker died since the last result: tried again
        failed: cf.Future[ParsedDocument | ParseFailure] = cf.Future()
        failed.set_exception(err)
        return failed


# -- the pipeline -----------------------------------------------------------------------------


def _matches_overrides(row: ManifestRow, options: IngestOptions) -> bool:
    return all(
        wanted is None or wanted == held
        for wanted, held in (
            (options.council, row.council),
            (options.doc_type, row.doc_type),
            (options.plan_year, row.plan_year),
        )
    )


def _skip_reason(
    rows: list[ManifestRow], options: IngestOptions
) -> tuple[Status, str | None] | None:
    """``("unchanged", note)`` when the manifest already holds these bytes as wanted."""
    held = [r for r in rows if r.status == "ok" and _matches_overrides(r, options)]
    if not held or options.force:
        return None
    if options.reparse and any(r.parser_version != PARSER_VERSION for r in held):
        return None
    stale = [r for r in held if r.parser_version != PARSER_VERSION]
    note = (
        f"parsed by parser {stale[0].parser_version}, not the current {PARSER_VERSION}; "
        "re-parse to update"
        if stale
        else None
    )
    return "unchanged", note


class _NoStore:
    """Stands in for the store in a dry run: reads the manifest, writes nothing."""

    def __init__(self, root: Path) -> None:
        path = root / MANIFEST_NAME
        self.manifest = Manifest(path, readonly=True) if path.exists() else None

    def by_sha(self, sha: str) -> list[ManifestRow]:
        return self.manifest.by_sha(sha) if self.manifest else []

    def report(self, key: str) -> ManifestRow | None:
        return self.manifest.report(key) if self.manifest else None

    def close(self) -> None:
        if self.manifest:
            self.manifest.close()


def ingest(
    paths: str | Path | Iterable[str | Path],
    out_dir: str | Path,
    options: IngestOptions | None = None,
    *,
    parse: ParseFn | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> IngestSummary:
    """Ingest files and folders into the dataset at ``out_dir``; never raises for bad input.

    ``parse`` replaces ``ragtrack.extract.parse_source`` (it must be a module-level function
    when ``jobs > 1`` or with a ``scheduler``). ``on_start`` gets the number of files,
    ``on_result`` each file's result as soon as it is known (the CLI prints and advances its
    progress bar there). Raises :class:`~ragtrack.errors.LockTimeout` when another ingest
    holds the dataset, and :class:`~ragtrack.errors.StoreError` when the dataset directory
    cannot be used at all.
    """
    options = IngestOptions() if options is None else options
    if not isinstance(options, IngestOptions):
        raise TypeError(f"options must be IngestOptions, not {type(options).__name__}")
    if _starting_a_worker():
        raise RagtrackError(
            "ingest called while a worker process of another ingest was starting: a script "
            "that ingests with more than one job must do so under "
            '`if __name__ == "__main__":` (each worker imports the script again)',
            file=str(out_dir),
        )
    if options.scheduler is not None:
        from ragtrack.cluster import require_dask

        require_dask()  # before anything is read, even when nothing will need parsing
    if options.ocr:
        from ragtrack.extract.pdf.scanned import require_ocr

        require_ocr()  # said once, before anything is read: not as each file's failure
    root = Path(out_dir)
    summary = IngestSummary(
        out_dir=str(root),
        dry_run=options.dry_run,
        parser_version=PARSER_VERSION,
        started_at=dt.datetime.now(dt.UTC).isoformat(),
    )
    # one path given alone is one path (a string is not a list of one-letter paths, "/" first)
    paths = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    files, path_errors = expand_paths(paths)
    _refuse_unguarded(options, files)

    def emit(result: FileResult) -> None:
        summary.results.append(result)
        if on_result:
            on_result(result)
        if result.failed:
            log.error("%s", result.error, extra={"remedy": result.remedy})
        for warning in result.warnings:
            log.warning("%s: %s", result.path, warning)

    if options.dry_run or _nothing_there(paths, root):
        reader = _NoStore(root)
        try:
            _run(files, path_errors, options, parse, reader, None, set(), on_start, emit)
        finally:
            reader.close()
    else:
        try:
            with Store(root, lock_timeout=options.lock_timeout) as store:
                _ingest_into(store, files, path_errors, options, parse, on_start, emit)
        except RagtrackError as err:  # a monitor reading the summary must not see the last run's
            summary.error = str(err)
            _finish(summary, options)
            raise
        summary.written = True
    _finish(summary, options)
    return summary


def _finish(summary: IngestSummary, options: IngestOptions) -> None:
    summary.finished_at = dt.datetime.now(dt.UTC).isoformat()
    if options.json_path is not None:
        _write_json(options.json_path, summary)


def _nothing_there(paths: list[str | Path], root: Path) -> bool:
    """Every path given is missing (not even a dangling link) and no dataset is at ``root``
    yet: a mistyped path makes no dataset to record it in. An empty inbox folder, which is
    there, still starts one; a ``root`` that is a file goes on to fail as unusable."""
    if not paths or any(os.path.lexists(p) for p in paths):
        return False
    return not root.exists() or (root.is_dir() and not (root / MANIFEST_NAME).exists())


def _starting_a_worker() -> bool:
    """Whether this process is a worker still importing its parent's main script: an ingest
    there waited for the lock its parent held, five minutes a try, while the parent waited
    for it (multiprocessing itself checks this flag for the same mistake)."""
    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def _ingest_into(
    store: Store,
    files: list[Path],
    path_errors: list[FileResult],
    options: IngestOptions,
    parse: ParseFn | None,
    on_start: Callable[[int], None] | None,
    emit: Callable[[FileResult], None],
) -> None:
    """Repair, stage every file's report, and commit them with their lineage: at the end,
    and on a long run at checkpoints too."""
    from ragtrack.store.outcome_overrides import read_outcome_overrides
    from ragtrack.store.overrides import read_overrides

    # a bad overrides file stops the run up front, before anything is parsed
    overrides = read_overrides(store.root)
    outcome_overrides = read_outcome_overrides(store.root)
    plan = _repair_plan(store, files)
    for failure in store.manifest.failures():
        if not Path(failure.source_path).exists():  # gone from the inbox: forget it
            store.manifest.forget_failure(failure.source_path)
    commits = _Commits(store, options.checkpoint_seconds, plan.forget, overrides, outcome_overrides)
    _run(
        files,
        path_errors,
        options,
        parse,
        store.manifest,
        store,
        plan.repaired,
        on_start,
        emit,
        commits,
    )
    if commits.staged or commits.forget or plan.derived_lost or not _has_lineage(store):
        commits.commit()


class _Commits:
    """The run's staged reports, committed with the dataset's lineage at the end of the run
    and, on a long run, at checkpoints: once ``every`` seconds have passed since the last
    commit, so a backfill that is stopped keeps what it had parsed by then. Each commit links
    the whole dataset again, so checkpoints are also spaced at least
    :data:`CHECKPOINT_SPACING` times the last commit's own duration apart."""

    def __init__(
        self,
        store: Store,
        every: float | None,
        forget: set[str],
        overrides: Sequence[Override],
        outcome_overrides: Sequence[OutcomeOverride],
    ) -> None:
        self.store, self.every, self.forget = store, every, set(forget)
        self.overrides, self.outcome_overrides = overrides, outcome_overrides
        self.staged: list[StagedReport] = []
        self.due = time.monotonic() + (every if every is not None else 0.0)
        self.count = 0

    def checkpoint(self) -> None:
        """Commit what is staged when a checkpoint is due."""
        if self.every is not None and self.staged and time.monotonic() >= self.due:
            count = len(self.staged)
            reports = "report" if count == 1 else "reports"
            log.info("%s: checkpoint: committing %d %s", self.store.root, count, reports)
            self.commit()

    def commit(self) -> None:
        from ragtrack.relink import commit_with_lineage

        start = time.monotonic()
        commit_with_lineage(
            self.store,
            self.staged,
            forget=self.forget,
            overrides=self.overrides,
            outcome_overrides=self.outcome_overrides,
        )
        took = time.monotonic() - start
        self.staged, self.forget, self.count = [], set(), self.count + 1
        self.due = time.monotonic() + max(self.every or 0.0, CHECKPOINT_SPACING * took)


def _has_lineage(store: Store) -> bool:
    """True when the committed state has its lineage (or has no reports to link)."""
    from ragtrack.store.lineage_table import LINEAGE_DIR

    files = store.manifest.files()
    return any(e.table_name == LINEAGE_DIR for e in files) or not store.manifest.reports()


@dataclasses.dataclass(frozen=True, slots=True)
class _RepairPlan:
    repaired: set[str]
    forget: set[str]
    derived_lost: bool


def _repair_plan(store: Store, files: list[Path]) -> _RepairPlan:
    """Damaged or missing report files are re-read from their sources (added to ``files``);
    a report whose source is gone is taken out whole, with a warning; damaged whole-dataset
    tables are derived again."""
    problems = store.problems()
    rows = {r.report_key: r for r in store.manifest.reports()}
    damaged = {p.report_key for p in problems if p.kind in ("missing_file", "damaged")}
    known = {os.path.realpath(f) for f in files}
    repaired: set[str] = set()
    forget: set[str] = set()
    for key in sorted(k for k in damaged if k is not None and k in rows):
        row = rows[key]
        source = row.source()
        if source.is_file():
            log.warning("%s: report %s is damaged; re-reading %s", store.root, key, row.source_path)
            repaired.add(key)
            if os.path.realpath(source) not in known:
                files.append(source)
                known.add(os.path.realpath(source))
        else:
            log.warning(
                "%s: report %s is damaged and its source %s is gone; taking it out",
                store.root,
                key,
                row.source_path,
            )
            forget.add(key)
    lost = any(p.report_key is None and p.kind in ("missing_file", "damaged") for p in problems)
    return _RepairPlan(repaired, forget, lost)


def _run(
    files: list[Path],
    path_errors: list[FileResult],
    options: IngestOptions,
    parse: ParseFn | None,
    manifest: Manifest | _NoStore,
    store: Store | None,
    repaired: set[str],
    on_start: Callable[[int], None] | None,
    emit: Callable[[FileResult], None],
    commits: _Commits | None = None,
) -> None:
    if on_start:
        on_start(len(files) + len(path_errors))
    for result in path_errors:
        if store is not None:  # by its full path, as every failure: a later run clears it
            store.record_failure(
                source_path=path_text(os.path.realpath(result.path)),
                source_name=Path(result.path).name,
                sha256="",
                error=result.error or "",
                parser_version=PARSER_VERSION,
            )
        emit(result)

    to_parse: list[tuple[Path, str]] = []
    batch = _Batch()
    for path in files:
        try:
            kind = _not_a_regular_file(path)
            sha = "" if kind else _sha256(path)
        except OSError as err:
            kind = f"cannot read file: {err.strerror or err}"
        if kind:
            result = _failure(path, kind)
            _record_failure(store, path, "", result)
            emit(result)
            continue
        if sha in batch.files:
            emit(
                FileResult(
                    path=path_text(path),
                    status="unchanged",
                    sha256=sha,
                    note=f"same bytes as {path_text(batch.files[sha])}",
                )
            )
            continue
        batch.files[sha] = path
        held_rows = manifest.by_sha(sha)
        skip = _skip_reason(held_rows, options)
        if skip is not None and not any(r.report_key in repaired for r in held_rows):
            held = next(r for r in manifest.by_sha(sha) if r.status == "ok")
            emit(
                FileResult(
                    path=path_text(path),
                    status=skip[0],
                    sha256=sha,
                    report_key=held.report_key,
                    doc_type=held.doc_type,
                    council=held.council,
                    plan_year=held.plan_year,
                    items=held.rows_items,
                    commentary=held.rows_commentary,
                    note=skip[1],
                )
            )
            continue
        to_parse.append((path, sha))

    parsed_all = _parse_all([p for p, _ in to_parse], options, parse)
    for (path, sha), parsed in zip(to_parse, parsed_all, strict=True):
        if isinstance(parsed, ParseFailure):
            result = FileResult(
                path=path_text(path),
                status="failed",
                sha256=sha,
                error=parsed.error,
                remedy=parsed.remedy,
            )
            _record_failure(store, path, sha, result)
            emit(result)
            continue
        staged = commits.staged if commits is not None else None
        forget = commits.forget if commits is not None else None
        emit(_stage(path, sha, parsed, manifest, store, repaired, batch, staged, forget))
        if commits is not None:
            commits.checkpoint()


def _stage(
    path: Path,
    sha: str,
    parsed: ParsedDocument,
    manifest: Manifest | _NoStore,
    store: Store | None,
    repaired: set[str],
    batch: _Batch,
    staged: list[StagedReport] | None,
    forget: set[str] | None = None,
) -> FileResult:
    doc = parsed.document
    key = report_key(doc)
    facts: _Facts = {
        "report_key": key,
        "sha256": sha,
        "doc_type": doc.doc_type,
        "council": doc.council,
        "plan_year": doc.plan_year,
        "period_end": doc.period_end.isoformat() if doc.period_end else None,
        "items": len(parsed.items),
        "commentary": len(parsed.commentary),
        "warnings": tuple(doc.warnings),
    }
    held = manifest.report(key)
    conflict = _conflict(path, key, held, batch)
    if conflict:
        result = _failure(path, conflict, **facts)
        _record_failure(store, path, sha, result)
        return result
    batch.keys[key] = path_text(path)
    status: Status
    if key in repaired:
        status = "repaired"
    elif held is None:
        status = "new"
    elif held.sha256 != sha:
        status = "changed"
        facts["note"] = f"replaces {held.source_name}, ingested {held.ingested_at[:10]}"
    else:
        status = "reparsed"
    replaced = _same_bytes_elsewhere(manifest, sha, key, batch.keys)
    if replaced:
        status = "changed" if status == "new" else status
        facts["note"] = f"replaces {', '.join(replaced)} (the same file, read as {key})"
    if store is not None and staged is not None:
        if forget is not None:
            forget.discard(key)
            forget.update(replaced)
        real = os.path.realpath(path)
        try:
            staged.append(
                store.stage_report(
                    parsed,
                    report_key=key,
                    source_path=path_text(real),
                    source_raw=os.fsencode(real),
                )
            )
        except StoreError:
            raise  # the dataset cannot be written at all (a full disk): stop the run cleanly
        except Exception as err:  # one report the store cannot take must not stop the batch
            log.debug("%s: write failed", path, exc_info=True)
            message = f"cannot write to the dataset: unexpected {type(err).__name__}: {err}"
            result = _failure(path, message, **facts)
            _record_failure(store, path, sha, result)
            return result
    return FileResult(path=path_text(path), status=status, **facts)


@dataclasses.dataclass
class _Batch:
    """What a run has met so far: the first file of each content (by sha256) and the file
    staged for each report key."""

    files: dict[str, Path] = dataclasses.field(default_factory=dict)
    keys: dict[str, str] = dataclasses.field(default_factory=dict)


def _conflict(path: Path, key: str, held: ManifestRow | None, batch: _Batch) -> str | None:
    """Why ``path`` must not be staged as ``key``: another file of the batch is that report
    already, staged in this run or held unchanged and newer. Two versions of one report left
    in an inbox settle on the newer (modification time, then name) instead of replacing
    each other by turns on every run."""
    if key in batch.keys:
        return (
            f"same report ({key}) as {batch.keys[key]} in this batch, with different "
            "content; skipped"
        )
    holder = batch.files.get(held.sha256) if held is not None else None
    if holder is not None and holder != path and _age(holder) > _age(path):
        return (
            f"same report ({key}) as {path_text(holder)}, a newer file; skipped (remove the "
            "one that is out of date)"
        )
    return None


def _age(path: Path) -> tuple[int, str]:
    """Orders files oldest first: by modification time, then by name."""
    try:
        return path.stat().st_mtime_ns, path_text(path)
    except OSError:
        return 0, path_text(path)


def _same_bytes_elsewhere(
    manifest: Manifest | _NoStore, sha: str, key: str, batch_keys: dict[str, str]
) -> list[str]:
    """Reports the dataset holds from these very bytes under another key (read before with
    another council, plan year or parser): the report read now replaces them, so one file
    never counts twice. A key this batch also stages is left to that file."""
    held = {r.report_key for r in manifest.by_sha(sha) if r.status == "ok" and r.report_key}
    return sorted(k for k in held if k is not None and k != key and k not in batch_keys)


def _record_failure(store: Store | None, path: Path, sha: str, result: FileResult) -> None:
    if store is None:
        return
    store.record_failure(
        source_path=path_text(os.path.realpath(path)),
        source_name=path_text(path.name),
        sha256=sha,
        error=result.error or "",
        parser_version=PARSER_VERSION,
    )


def _write_json(path: Path, summary: IngestSummary) -> None:
    try:
        path.write_text(json.dumps(summary.to_dict(), indent=2, default=str), encoding="utf-8")
    except OSError as err:
        raise StoreError(
            f"cannot write the JSON summary: {err.strerror or err}", file=str(path)
        ) from None
