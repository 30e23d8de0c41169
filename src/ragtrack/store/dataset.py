"""Writing the dataset: one writer at a time, every commit whole, damage found and mended.

A writer stages new files in ``DIR/_staging/<txn>/`` (readers ignore ``_`` names), then
commits them in three steps:

1. a journal is written there atomically, naming each file to put in place and where the
   file it replaces is set aside;
2. the old files are hard-linked aside and the new ones moved into place (``os.replace``);
3. the manifest records the new files, their checksums and the next generation in one
   SQLite transaction: this is the commit point. The staging folder is then removed.

A failure before step 3 puts the old files back; a writer killed before step 3 is rolled
back by the next one, after it, merely cleaned up. Readers (:mod:`ragtrack.store.snapshot`)
read the committed file list and find the old bytes aside while a writer is at step 2, so
they always see one committed state whole.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import filelock
import pyarrow as pa
import pyarrow.parquet as pq

from ragtrack.errors import LockTimeout, StoreError
from ragtrack.records import ParsedDocument
from ragtrack.store.layout import (
    LOCK_NAME,
    MANIFEST_NAME,
    STAGING_NAME,
    dataset_files,
    inside,
    is_safe_key,
    key_year,
    table_file,
    year_partition,
)
from ragtrack.store.manifest import FileEntry, Manifest, ManifestDamaged, ManifestRow
from ragtrack.store.schema import (
    META_SCHEMA_VERSION,
    META_TABLE,
    SCHEMA_VERSION,
    TABLES,
    to_tables,
)
from ragtrack.store.snapshot import (
    JOURNAL_NAME,
    NoDataset,
    journal_steps,
    journals,
    read_snapshot,
    sha256_bytes,
    writer_active,
)

log = logging.getLogger(__name__)

DEFAULT_LOCK_TIMEOUT = 300.0
META_SOURCE_RAW = b"ragtrack.source_raw"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _os_error(what: str, err: OSError, where: Path | str) -> StoreError:
    reason = err.strerror or str(err)
    return StoreError(f"{what}: {reason}", file=str(getattr(err, "filename", None) or where))


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _write_file(path: Path, blob: bytes) -> None:
    """Write and flush to disk; the file takes the user's umask like any other."""
    with path.open("wb") as handle:
        handle.write(blob)
        handle.flush()
        os.fsync(handle.fileno())


def _write_json(path: Path, payload: Mapping[str, object]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    _write_file(tmp, json.dumps(payload).encode("utf-8"))
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _Journal(TypedDict):
    """What a commit writes before it moves files, so that an interrupted one can be undone."""

    generation: int
    moves: list[dict[str, object]]
    removes: list[dict[str, object]]


@dataclass(frozen=True, slots=True)
class Problem:
    """A disagreement between the manifest and the files, or an interrupted write."""

    report_key: str | None
    kind: str  # missing_file | damaged | not_in_manifest | interrupted
    detail: str
    path: str | None = None

    def __str__(self) -> str:
        return f"{self.report_key or '-'}: {self.detail}"


@dataclass(slots=True)
class StagedReport:
    """A report written to the staging area, waiting for :meth:`Store.commit`.

    It holds the names of its staged files, not their tables, so a long batch keeps no
    report in memory between parsing it and committing it (:meth:`Store.staged_table` reads
    one back)."""

    row: ManifestRow
    files: list[tuple[str, FileEntry]] = field(default_factory=list)


def check_files(root: Path, manifest: Manifest, *, full: bool = False) -> list[Problem]:
    """Compare the committed state with the files on disk; an empty list means they agree.

    Every file's checksum is verified; ``full`` also decodes each file and counts its rows.
    """
    root = Path(root)
    problems: list[Problem] = []
    snapshot = read_snapshot(root)
    for damage in snapshot.damaged:
        kind = "missing_file" if damage.reason == "missing" else "damaged"
        entry = damage.entry
        problems.append(Problem(entry.report_key, kind, str(damage), entry.path))
    if full:
        for entry in snapshot.files:
            blob = snapshot.data.get(entry.path)
            if blob is None:
                continue
            try:
                rows = decode_parquet(blob).num_rows
            except Exception as err:  # any undecodable file is damage, not a crash
                detail = f"{entry.path} cannot be decoded: {err}"
                problems.append(Problem(entry.report_key, "damaged", detail, entry.path))
                continue
            if entry.rows >= 0 and rows != entry.rows:
                detail = f"{entry.path} has {rows} rows, the manifest says {entry.rows}"
                problems.append(Problem(entry.report_key, "damaged", detail, entry.path))
    known = {entry.path for entry in snapshot.files}
    for (_table, key), path in dataset_files(root).items():
        rel = path.relative_to(root).as_posix()
        if rel not in known:
            problems.append(Problem(key, "not_in_manifest", f"{rel} is not in the manifest", rel))
    if not writer_active(root):
        staging = root / STAGING_NAME
        for txn in sorted(staging.iterdir()) if staging.is_dir() else []:
            state = "moving files" if (txn / JOURNAL_NAME).exists() else "staging"
            detail = f"interrupted ingest ({state}) in {txn.name}; the next ingest cleans it up"
            problems.append(Problem(None, "interrupted", detail))
    return problems


def decode_parquet(blob: bytes) -> pa.Table:
    """One Parquet file's bytes as a table (through ``ParquetFile``: for the small files of
    one report, a third faster than ``read_table``, which sets up a dataset per file)."""
    return pq.ParquetFile(pa.BufferReader(blob)).read()


def _refuse_a_folder_of_reports(root: Path) -> None:
    """A folder of reports is not made a dataset (the inbox named as the dataset, or the
    arguments swapped): the tables would be written among the reports."""
    if (root / MANIFEST_NAME).exists() or not root.is_dir():
        return
    try:
        reports = sorted(
            e.name
            for e in os.scandir(root)
            if e.name.lower().endswith((".txt", ".pdf")) and e.is_file()
        )
    except OSError:
        return  # an unreadable folder fails as the store opens it, with its own message
    if reports:
        shown = ", ".join(reports[:3]) + (", ..." if len(reports) > 3 else "")
        raise NoDataset(
            f"holds reports ({shown}), not a dataset: a dataset needs a folder of its own",
            file=str(root),
        )


class Store:
    """The single writer of a dataset directory; use as a context manager.

    Entering takes the lock on the directory (waiting up to ``lock_timeout`` seconds, then
    raising :class:`LockTimeout`), opens the manifest (rebuilding it from the files when it
    is damaged) and rolls back or cleans up whatever an interrupted earlier writer left.
    """

    def __init__(self, root: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.root = Path(root)
        self.lock_timeout = lock_timeout
        self._lock: filelock.BaseFileLock | None = None
        self._manifest: Manifest | None = None
        self._txn: Path | None = None
        self._counter = 0
        #: what the store had to mend on opening, for the caller to report
        self.notices: list[str] = []

    # -- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> Store:
        if str(self.root) == "":
            raise NoDataset("the dataset directory must not be empty", file="''")
        _refuse_a_folder_of_reports(self.root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise _os_error("cannot create the dataset directory", err, self.root) from None
        self._take_lock()
        try:
            self._manifest = self._open_manifest()
            self.recover()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _take_lock(self) -> None:
        lock = filelock.FileLock(self.root / LOCK_NAME)
        try:
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:
                log.warning(
                    "%s: another ingest is writing this dataset; waiting up to %g s for it",
                    self.root,
                    self.lock_timeout,
                )
                try:
                    lock.acquire(timeout=self.lock_timeout)
                except filelock.Timeout:
                    raise LockTimeout(
                        f"another ingest held the dataset lock for over {self.lock_timeout:g} s",
                        file=str(self.root),
                    ) from None
        except OSError as err:
            raise _os_error("cannot lock the dataset for writing", err, self.root) from None
        self._lock = lock

    def __exit__(self, *exc: object) -> None:
        if self._txn is not None:
            shutil.rmtree(self._txn, ignore_errors=True)
            self._txn = None
        if self._manifest is not None:
            self._manifest.close()
            self._manifest = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @property
    def manifest(self) -> Manifest:
        if self._manifest is None:
            raise StoreError("store is not open", file=str(self.root))
        return self._manifest

    def _open_manifest(self) -> Manifest:
        path = self.root / MANIFEST_NAME
        existed = path.exists()
        try:
            manifest = Manifest(path)
        except ManifestDamaged as err:
            aside = path.with_name(f"{MANIFEST_NAME}.damaged-{uuid.uuid4().hex[:8]}")
            os.replace(path, aside)
            for extra in ("-journal", "-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
            self._manifest = manifest = Manifest(path)
            found = self._register_found()
            self.notices.append(
                f"the manifest was damaged ({err.message}); rebuilt it from the {found} "
                f"report(s) found (the damaged file is kept as {aside.name})"
            )
            log.warning("%s: %s", self.root, self.notices[-1])
            return manifest
        self._manifest = manifest
        if not existed and dataset_files(self.root):
            found = self._register_found()
            self.notices.append(
                f"the manifest was missing; rebuilt it from the {found} report(s) found"
            )
            log.warning("%s: %s", self.root, self.notices[-1])
        elif existed and not manifest.files() and manifest.reports():
            self._register_found()  # a dataset from before checksums: record them now
        return manifest

    # -- recovery ------------------------------------------------------------------------

    def recover(self) -> int:
        """Roll back writes that did not commit, clean up those that did; return how many."""
        staging = self.root / STAGING_NAME
        if not staging.is_dir():
            return 0
        committed = self.manifest.generation()
        pending = dict(journals(self.root))
        handled = 0
        for txn in sorted(staging.iterdir()):
            journal = pending.get(txn)
            if journal is not None and int(str(journal.get("generation", 0))) > committed:
                log.info("%s: rolling back an interrupted ingest (%s)", self.root, txn.name)
                if not self._roll_back(txn, journal):
                    raise StoreError(
                        f"cannot undo an interrupted ingest ({txn.name}); see the errors above",
                        file=str(self.root),
                    )
            shutil.rmtree(txn, ignore_errors=True)
            handled += 1
        return handled

    def _steps(self, journal: Mapping[str, object]) -> list[dict[str, object]]:
        """The journal's steps, each checked to stay inside DIR and inside its staging folder."""
        steps = journal_steps(journal)
        for step in steps:
            if not isinstance(step, dict):
                raise ValueError(f"not a journal step: {step!r}")
            inside(self.root, str(step.get("dest", "")))
            for name in (step.get("backup"), step.get("staged")):
                if name is not None and (not isinstance(name, str) or "/" in name or ".." in name):
                    raise ValueError(f"not a staging file name: {name!r}")
        return [step for step in steps if isinstance(step, dict)]  # all are, as checked

    def _roll_back(self, txn: Path, journal: Mapping[str, object]) -> bool:
        """Put back every file a write set aside and remove the files it added; False (and
        the staging folder kept for the next writer) when some step could not be undone."""
        try:
            steps = self._steps(journal)
        except ValueError as err:
            log.error("%s: refusing to recover %s: %s", self.root, txn.name, err)
            return True
        undone = True
        for step in steps:
            dest = self.root / str(step["dest"])
            backup = txn / str(step["backup"])
            try:
                if step.get("had_old"):
                    if backup.exists():
                        os.replace(backup, dest)
                elif "staged" in step:
                    dest.unlink(missing_ok=True)
            except OSError as err:
                log.error("%s: cannot put back %s: %s", self.root, step["dest"], err)
                undone = False
        return undone

    # -- staging -------------------------------------------------------------------------

    def _staging(self) -> Path:
        if self._txn is None:
            txn = self.root / STAGING_NAME / uuid.uuid4().hex[:12]
            try:
                txn.mkdir(parents=True)
            except OSError as err:
                raise _os_error("cannot write to the dataset", err, txn) from None
            self._txn = txn
        return self._txn

    def _stage(
        self, table: pa.Table, rel: str, name: str, key: str | None
    ) -> tuple[str, FileEntry]:
        blob = parquet_bytes(table)
        self._counter += 1
        staged = f"n{self._counter}.parquet"
        path = self._staging() / staged
        try:
            _write_file(path, blob)
        except OSError as err:
            path.unlink(missing_ok=True)
            raise _os_error("cannot write to the dataset", err, path) from None
        entry = FileEntry(rel, name, key, sha256_bytes(blob), len(blob), table.num_rows)
        return staged, entry

    def stage_report(
        self,
        parsed: ParsedDocument,
        *,
        report_key: str,
        source_path: str,
        source_raw: bytes | None = None,
        ingested_at: dt.datetime | None = None,
    ) -> StagedReport:
        """Write one report's files to the staging area (nothing is visible until commit)."""
        if not is_safe_key(report_key):
            raise StoreError(f"unsafe report key {report_key!r}", file=source_path)
        when = ingested_at or utc_now()
        doc = parsed.document
        year = year_partition(doc.plan_year)
        tables = to_tables(parsed, report_key, when)
        if source_raw is not None:
            documents = tables["documents"]
            meta = {**(documents.schema.metadata or {}), META_SOURCE_RAW: source_raw.hex().encode()}
            tables["documents"] = documents.replace_schema_metadata(meta)
        row = ManifestRow(
            report_key=report_key,
            sha256=doc.document_id,
            source_path=source_path,
            source_name=doc.source_name,
            doc_type=doc.doc_type,
            council=doc.council,
            plan_year=doc.plan_year,
            year=year,
            rows_documents=tables["documents"].num_rows,
            rows_items=tables["items"].num_rows,
            rows_commentary=tables["commentary"].num_rows,
            warnings=len(doc.warnings),
            status="ok",
            error=None,
            parser_version=doc.parser_version,
            ingested_at=when.isoformat(),
            source_raw=source_raw,
        )
        staged = StagedReport(row)
        for name in TABLES:
            rel = table_file(self.root, name, year, report_key).relative_to(self.root).as_posix()
            staged.files.append(self._stage(tables[name], rel, name, report_key))
        return staged

    def staged_table(self, report: StagedReport, name: str) -> pa.Table:
        """Table ``name`` of a report staged in this store's open transaction, read back."""
        staged = next(s for s, entry in report.files if entry.table_name == name)
        if self._txn is None:
            raise StoreError("no staged reports to read", file=str(self.root))
        try:
            return decode_parquet((self._txn / staged).read_bytes())
        except OSError as err:
            raise _os_error("cannot read a staged report", err, self._txn / staged) from None

    def _stage_derived(self, name: str, table: pa.Table) -> tuple[str, FileEntry]:
        if name in TABLES or not is_safe_key(name):
            raise StoreError(f"not a name for a derived table: {name!r}", file=str(self.root))
        meta = dict(table.schema.metadata or {})
        meta[META_SCHEMA_VERSION] = str(SCHEMA_VERSION).encode()
        meta[META_TABLE] = name.encode()
        return self._stage(
            table.replace_schema_metadata(meta), f"{name}/{name}.parquet", name, None
        )

    # -- committing ----------------------------------------------------------------------

    def commit(
        self,
        reports: Iterable[StagedReport] = (),
        derived: Mapping[str, pa.Table] | None = None,
        forget: Iterable[str] = (),
    ) -> int:
        """Make staged reports, whole-dataset tables (such as ``lineage``) and the removal of
        reports ``forget`` visible together, atomically; return the new generation."""
        reports, forget = list(reports), sorted(set(forget))
        moves = [pair for report in reports for pair in report.files]
        moves += [self._stage_derived(name, table) for name, table in (derived or {}).items()]
        gone = [e.path for e in self.manifest.files() if e.report_key in set(forget)]
        generation = self.manifest.generation() + 1
        journal: _Journal = {
            "generation": generation,
            "moves": [
                {"staged": s, "dest": e.path, "backup": f"old{i}", "had_old": False}
                for i, (s, e) in enumerate(moves)
            ],
            "removes": [
                {"dest": p, "backup": f"gone{i}", "had_old": True} for i, p in enumerate(gone)
            ],
        }
        for step in [*journal["moves"], *journal["removes"]]:
            step["had_old"] = (self.root / str(step["dest"])).exists()
        txn = self._staging()
        try:
            _write_json(txn / JOURNAL_NAME, journal)
            self._put_in_place(txn, journal)
            self.manifest.commit(
                generation=generation,
                reports=[r.row for r in reports],
                forget=forget,
                files=[e for _, e in moves],
                drop_files=gone,
            )
        except BaseException as err:
            if self._roll_back(txn, journal):
                (txn / JOURNAL_NAME).unlink(missing_ok=True)
            else:
                self._txn = None  # keep the journal and the old files for the next writer
            if isinstance(err, OSError):
                raise _os_error("cannot write to the dataset", err, self.root) from None
            if isinstance(err, sqlite3.Error):
                raise StoreError(f"cannot record the commit: {err}", file=MANIFEST_NAME) from None
            raise
        shutil.rmtree(txn, ignore_errors=True)
        self._txn = None
        return generation

    def _put_in_place(self, txn: Path, journal: Mapping[str, object]) -> None:
        steps = self._steps(journal)
        for step in steps:  # every old file aside first, so a failure can put all back
            dest = self.root / str(step["dest"])
            if step.get("had_old"):
                try:
                    os.link(dest, txn / str(step["backup"]))
                except OSError:
                    shutil.copy2(dest, txn / str(step["backup"]))
        folders = set()
        for step in steps:
            dest = self.root / str(step["dest"])
            if "staged" in step:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(txn / str(step["staged"]), dest)
            else:
                dest.unlink(missing_ok=True)
            folders.add(dest.parent)
        for folder in folders:
            _fsync_dir(folder)

    def write_report(
        self,
        parsed: ParsedDocument,
        *,
        report_key: str,
        source_path: str,
        ingested_at: dt.datetime | None = None,
    ) -> ManifestRow:
        """Write (or replace) one report in every table and commit it on its own."""
        staged = self.stage_report(
            parsed, report_key=report_key, source_path=source_path, ingested_at=ingested_at
        )
        self.commit([staged])
        return staged.row

    def write_derived(self, name: str, table: pa.Table) -> Path:
        """Replace a whole-dataset table (such as ``lineage``) on its own commit."""
        self.commit(derived={name: table})
        return self.root / name / f"{name}.parquet"

    def record_failure(
        self, *, source_path: str, source_name: str, sha256: str, error: str, parser_version: str
    ) -> None:
        """Keep a failed file in the manifest with its error; the dataset is untouched."""
        row = ManifestRow(
            report_key=None,
            sha256=sha256,
            source_path=source_path,
            source_name=source_name,
            doc_type=None,
            council=None,
            plan_year=None,
            year=None,
            rows_documents=0,
            rows_items=0,
            rows_commentary=0,
            warnings=0,
            status="failed",
            error=error,
            parser_version=parser_version,
            ingested_at=utc_now().isoformat(),
        )
        try:
            self.manifest.record_failure(row)
        except sqlite3.Error as err:
            raise StoreError(f"cannot record a failure: {err}", file=MANIFEST_NAME) from None

    # -- reading the committed state (under the lock) ------------------------------------

    def read_tables(self, names: Iterable[str]) -> dict[str, list[tuple[FileEntry, pa.Table]]]:
        """The committed files of tables ``names``, decoded (damaged files left out)."""
        snapshot = read_snapshot(self.root, names)
        out: dict[str, list[tuple[FileEntry, pa.Table]]] = {name: [] for name in names}
        for entry in snapshot.files:
            blob = snapshot.data.get(entry.path)
            if blob is None:
                continue
            try:
                out[entry.table_name].append((entry, decode_parquet(blob)))
            except Exception as err:  # an undecodable file is damage, found by check_files
                log.debug("%s: cannot decode %s: %s", self.root, entry.path, err)
        return out

    # -- repair --------------------------------------------------------------------------

    def problems(self, *, full: bool = False) -> list[Problem]:
        return check_files(self.root, self.manifest, full=full)

    def _register_found(self) -> int:
        """Register every complete, readable report and whole-dataset table found on disk
        (after the manifest was lost or damaged, or to add checksums to an old dataset)."""
        by_key: dict[str, dict[str, Path]] = {}
        for (table, key), path in dataset_files(self.root).items():
            by_key.setdefault(key, {})[table] = path
        rows, files = [], []
        for key, paths in sorted(by_key.items()):
            found = self._read_found_report(key, paths)
            if found is None:
                continue
            rows.append(found[0])
            files.extend(found[1])
        for child in sorted(self.root.iterdir()):
            path = child / f"{child.name}.parquet"
            if child.name.startswith(("_", ".")) or child.name in TABLES or not path.is_file():
                continue
            entry = _entry_for(path, child.name, None, self.root)
            if entry is not None:
                files.append(entry)
        self.manifest.commit(generation=self.manifest.generation() + 1, reports=rows, files=files)
        return len(rows)

    def _read_found_report(
        self, key: str, paths: dict[str, Path]
    ) -> tuple[ManifestRow, list[FileEntry]] | None:
        entries = [_entry_for(paths[t], t, key, self.root) if t in paths else None for t in TABLES]
        if any(e is None for e in entries):
            log.warning("%s: report %s is incomplete or unreadable; leaving it out", self.root, key)
            return None
        table = pq.read_table(paths["documents"])
        documents = table.to_pylist()
        if len(documents) != 1:
            return None
        doc = documents[0]
        raw_hex = (table.schema.metadata or {}).get(META_SOURCE_RAW)
        raw = bytes.fromhex(raw_hex.decode()) if raw_hex else None
        rows = {t: e.rows for t, e in zip(TABLES, entries, strict=True) if e is not None}
        row = ManifestRow(
            report_key=key,
            sha256=str(doc["document_id"]),
            source_path=os.fsdecode(raw) if raw else str(doc["source_name"]),
            source_name=str(doc["source_name"]),
            doc_type=doc["doc_type"],
            council=doc["council"],
            plan_year=doc["plan_year"],
            year=key_year(key),
            rows_documents=rows["documents"],
            rows_items=rows["items"],
            rows_commentary=rows["commentary"],
            warnings=len(doc["warnings"] or []),
            status="ok",
            error=None,
            parser_version=str(doc["parser_version"]),
            ingested_at=doc["ingested_at"].isoformat(),
            source_raw=raw,
        )
        if raw and not _text_ok(row.source_path):
            row = _with_source_text(row)
        return row, [e for e in entries if e is not None]


def _text_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _with_source_text(row: ManifestRow) -> ManifestRow:
    from dataclasses import replace

    shown = (row.source_raw or b"").decode("utf-8", "backslashreplace")
    return replace(row, source_path=shown)


def _entry_for(path: Path, table: str, key: str | None, root: Path) -> FileEntry | None:
    """A manifest entry for a file found on disk, when it decodes whole; else None."""
    try:
        blob = path.read_bytes()
        rows = decode_parquet(blob).num_rows
    except Exception:
        return None
    rel = path.relative_to(root).as_posix()
    return FileEntry(rel, table, key, sha256_bytes(blob), len(blob), rows)
