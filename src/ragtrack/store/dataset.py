"""Writing reports into the dataset atomically, one writer at a time, and checking it.

A report is committed in four steps, each safe to interrupt:

1. its three files are written to ``DIR/_staging/<txn>/`` (readers ignore ``_`` names);
2. ``commit.json`` is written there atomically: from now on the report is committed;
3. the files are moved into place with ``os.replace`` (documents last);
4. the manifest row is recorded and the staging directory removed.

The next writer rolls a committed transaction forward and deletes an uncommitted one, and
:func:`ragtrack.store.reading.load` already reads a committed-but-unmoved transaction as if it
were in place, so a reader sees each report wholly old or wholly new.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import filelock
import pyarrow as pa
import pyarrow.parquet as pq

from ragtrack.errors import LockTimeout, StoreError
from ragtrack.records import ParsedDocument
from ragtrack.store.layout import (
    LOCK_NAME,
    MANIFEST_NAME,
    PARTITION,
    STAGING_NAME,
    is_safe_key,
    key_year,
    table_file,
    year_partition,
)
from ragtrack.store.manifest import Manifest, ManifestRow
from ragtrack.store.schema import (
    META_SCHEMA_VERSION,
    META_TABLE,
    SCHEMA_VERSION,
    TABLES,
    to_tables,
)

log = logging.getLogger(__name__)

COMMIT_NAME = "commit.json"
DEFAULT_LOCK_TIMEOUT = 300.0


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic_json(path: Path, payload: dict[str, object]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(payload, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def pending_commits(root: Path) -> list[tuple[Path, dict[str, object]]]:
    """Committed transactions whose files may not all be in place yet, oldest first."""
    staging = root / STAGING_NAME
    found: list[tuple[float, Path, dict[str, object]]] = []
    if not staging.is_dir():
        return []
    for txn in staging.iterdir():
        commit = txn / COMMIT_NAME
        try:
            payload = json.loads(commit.read_text(encoding="utf-8"))
            found.append((commit.stat().st_mtime, txn, payload))
        except (OSError, ValueError):
            continue
    return [(txn, payload) for _, txn, payload in sorted(found, key=lambda f: (f[0], f[1].name))]


def dataset_files(root: Path) -> dict[tuple[str, str], Path]:
    """Every report file in the dataset, keyed by (table, report key)."""
    found: dict[tuple[str, str], Path] = {}
    for table in TABLES:
        for path in sorted((root / table).glob(f"{PARTITION}=*/*.parquet")):
            found[(table, path.stem)] = path
    return found


@dataclass(frozen=True, slots=True)
class Problem:
    """A disagreement between the manifest and the files, or an interrupted ingest."""

    report_key: str | None
    kind: str  # missing_file | row_count | not_in_manifest | interrupted
    detail: str

    def __str__(self) -> str:
        return f"{self.report_key or '-'}: {self.detail}"


def check_dataset(root: Path, manifest: Manifest) -> list[Problem]:
    """Compare the manifest with the files on disk; an empty list means they agree."""
    problems: list[Problem] = []
    files = dataset_files(root)
    known: set[str] = set()
    for row in manifest.reports():
        key = row.report_key or ""
        known.add(key)
        expected = {
            "documents": row.rows_documents,
            "items": row.rows_items,
            "commentary": row.rows_commentary,
        }
        for table in TABLES:
            path = files.get((table, key))
            if path is None:
                problems.append(Problem(key, "missing_file", f"{table} file is missing"))
                continue
            try:
                rows = pq.read_metadata(path).num_rows
            except Exception as err:  # any unreadable file is a disagreement, not a crash
                problems.append(Problem(key, "row_count", f"{table} file unreadable: {err}"))
                continue
            if rows != expected[table]:
                problems.append(
                    Problem(
                        key,
                        "row_count",
                        f"{table} file has {rows} rows, manifest says {expected[table]}",
                    )
                )
    for (_table, key), path in files.items():
        if key not in known:
            problems.append(
                Problem(key, "not_in_manifest", f"{path.relative_to(root)} is not in the manifest")
            )
    staging = root / STAGING_NAME
    if staging.is_dir():
        for txn in sorted(staging.iterdir()):
            state = "committed" if (txn / COMMIT_NAME).exists() else "uncommitted"
            problems.append(
                Problem(None, "interrupted", f"interrupted ingest ({state}) in {txn.name}")
            )
    return problems


class Store:
    """The single writer of a dataset directory; use as a context manager.

    Entering takes the lock on the directory (waiting up to ``lock_timeout`` seconds, then
    raising :class:`LockTimeout`), opens the manifest and finishes or discards whatever an
    interrupted earlier run left in the staging area.
    """

    def __init__(self, root: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.root = Path(root)
        self.lock_timeout = lock_timeout
        self._lock: filelock.BaseFileLock | None = None
        self._manifest: Manifest | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> Store:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"cannot create dataset directory: {err}", file=str(self.root)
            ) from None
        lock = filelock.FileLock(self.root / LOCK_NAME)
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
                    f"another ingest held the dataset lock for over {self.lock_timeout:g} s "
                    "(raise --lock-timeout to wait longer)",
                    file=str(self.root),
                ) from None
        self._lock = lock
        try:
            self._manifest = Manifest(self.root / MANIFEST_NAME)
            self.recover()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
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

    # -- recovery and repair -------------------------------------------------------------

    def recover(self) -> int:
        """Roll committed transactions forward, delete uncommitted ones; return how many."""
        staging = self.root / STAGING_NAME
        if not staging.is_dir():
            return 0
        handled = 0
        for txn, payload in pending_commits(self.root):
            log.info("%s: completing an interrupted ingest (%s)", self.root, txn.name)
            self._apply(txn, payload)
            handled += 1
        for txn in list(staging.iterdir()):
            log.info("%s: removing an uncommitted staging area (%s)", self.root, txn.name)
            shutil.rmtree(txn, ignore_errors=True)
            handled += 1
        return handled

    def repair(self) -> list[ManifestRow]:
        """Make manifest and files agree again; return the reports that lost files.

        A report whose files are missing or altered is taken out whole (its remaining files
        deleted, its manifest row dropped) so the dataset never holds part of it; the caller
        re-ingests it from ``source_path`` when that still exists. Complete report files the
        manifest does not know (a deleted manifest) are registered again from their contents.
        """
        damaged: dict[str, ManifestRow] = {}
        rows = {r.report_key: r for r in self.manifest.reports()}
        problems = check_dataset(self.root, self.manifest)
        for problem in problems:
            if problem.kind in ("missing_file", "row_count") and problem.report_key in rows:
                damaged[problem.report_key] = rows[problem.report_key]
        for key in damaged:
            log.warning("%s: report %s has missing or altered files; taking it out", self.root, key)
            self._remove_files(key)
            self.manifest.forget_report(key)
        orphans = {p.report_key for p in problems if p.kind == "not_in_manifest"}
        for key in sorted(k for k in orphans if k):
            self._register_orphan(key)
        return list(damaged.values())

    def _remove_files(self, key: str) -> None:
        for (_table, file_key), path in dataset_files(self.root).items():
            if file_key == key:
                path.unlink(missing_ok=True)

    def _register_orphan(self, key: str) -> None:
        files = dataset_files(self.root)
        paths = {table: files.get((table, key)) for table in TABLES}
        if any(p is None for p in paths.values()):
            log.warning(
                "%s: removing incomplete files of report %s that the manifest does not know",
                self.root,
                key,
            )
            self._remove_files(key)
            return
        try:
            documents = pq.read_table(paths["documents"]).to_pylist()
            counts = {t: pq.read_metadata(p).num_rows for t, p in paths.items() if p}
        except Exception as err:
            log.warning(
                "%s: cannot read files of report %s (%s); removing them", self.root, key, err
            )
            self._remove_files(key)
            return
        if len(documents) != 1:
            self._remove_files(key)
            return
        doc = documents[0]
        log.warning("%s: registering report %s found without a manifest row", self.root, key)
        self.manifest.record_ok(
            ManifestRow(
                report_key=key,
                sha256=str(doc["document_id"]),
                source_path=str(doc["source_name"]),
                source_name=str(doc["source_name"]),
                doc_type=doc["doc_type"],
                council=doc["council"],
                plan_year=doc["plan_year"],
                year=key_year(key),
                rows_documents=counts["documents"],
                rows_items=counts["items"],
                rows_commentary=counts["commentary"],
                warnings=len(doc["warnings"] or []),
                status="ok",
                error=None,
                parser_version=str(doc["parser_version"]),
                ingested_at=doc["ingested_at"].isoformat(),
            )
        )

    # -- writing -------------------------------------------------------------------------

    def write_report(
        self,
        parsed: ParsedDocument,
        *,
        report_key: str,
        source_path: str,
        ingested_at: dt.datetime | None = None,
    ) -> ManifestRow:
        """Write (or replace) one report in every table and record it in the manifest."""
        if not is_safe_key(report_key):
            raise StoreError(f"unsafe report key {report_key!r}", file=source_path)
        when = ingested_at or utc_now()
        doc = parsed.document
        year = year_partition(doc.plan_year)
        tables = to_tables(parsed, report_key, when)
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
        )
        txn = self.root / STAGING_NAME / f"{report_key}-{uuid.uuid4().hex[:10]}"
        try:
            txn.mkdir(parents=True)
            moves: list[list[str]] = []
            for name in TABLES:
                staged = txn / f"{name}.parquet"
                pq.write_table(tables[name], staged, compression="zstd")
                _fsync_file(staged)
                dest = table_file(self.root, name, year, report_key)
                moves.append([staged.name, dest.relative_to(self.root).as_posix()])
            _write_atomic_json(txn / COMMIT_NAME, {"moves": moves, "manifest": row.to_dict()})
        except OSError as err:
            shutil.rmtree(txn, ignore_errors=True)
            raise StoreError(f"cannot write report {report_key}: {err}", file=source_path) from None
        self._apply(txn, {"moves": moves, "manifest": row.to_dict()})
        return row

    def _apply(self, txn: Path, payload: dict[str, object]) -> None:
        """Move a committed transaction's files into place, record it, drop its staging."""
        moves = payload.get("moves", [])
        for staged_name, dest_rel in moves:  # type: ignore[union-attr]
            dest = (self.root / dest_rel).resolve()
            if self.root.resolve() not in dest.parents:
                raise StoreError(f"refusing to move a file outside the dataset: {dest_rel}")
            staged = txn / staged_name
            if staged.exists():
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, dest)
        manifest = payload.get("manifest")
        if isinstance(manifest, dict):
            self.manifest.record_ok(ManifestRow(**manifest))
        shutil.rmtree(txn, ignore_errors=True)

    def write_derived(self, name: str, table: pa.Table) -> Path:
        """Replace a whole-dataset table computed from the others (such as ``lineage``).

        Written as the single file ``DIR/<name>/<name>.parquet`` (staged, then moved into place
        with ``os.replace``), so readers see the old table or the new one, never a mix.
        :func:`ragtrack.load` returns it beside the report tables.
        """
        if name in TABLES or not is_safe_key(name) or "_" in name[:1]:
            raise StoreError(f"not a name for a derived table: {name!r}", file=str(self.root))
        meta = dict(table.schema.metadata or {})
        meta[META_SCHEMA_VERSION] = str(SCHEMA_VERSION).encode()
        meta[META_TABLE] = name.encode()
        table = table.replace_schema_metadata(meta)
        txn = self.root / STAGING_NAME / f"{name}-{uuid.uuid4().hex[:10]}"
        dest = self.root / name / f"{name}.parquet"
        try:
            txn.mkdir(parents=True)
            staged = txn / dest.name
            pq.write_table(table, staged, compression="zstd")
            _fsync_file(staged)
            dest.parent.mkdir(exist_ok=True)
            os.replace(staged, dest)
        except OSError as err:
            raise StoreError(f"cannot write table {name}: {err}", file=str(self.root)) from None
        finally:
            shutil.rmtree(txn, ignore_errors=True)
        return dest

    def record_failure(
        self, *, source_path: str, source_name: str, sha256: str, error: str, parser_version: str
    ) -> None:
        """Keep a failed file in the manifest with its error; the dataset is untouched."""
        self.manifest.record_failure(
            ManifestRow(
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
        )
