"""The manifest: ``DIR/_manifest.sqlite``, the record of what the dataset holds.

It is the dataset's single source of truth, and its commit is the dataset's commit point:

- ``reports``: one row per report key in the dataset (status ``ok``) and one per source file
  that failed (status ``failed``, keyed by its path);
- ``files``: every data file of the committed state (report files and whole-dataset tables
  such as ``lineage``), with its SHA-256, size and row count, so readers read exactly that
  state and damage is found;
- ``meta``: the format marker and the ``generation``, raised by one on every commit.

A writer puts new files in place first (keeping the old ones aside) and then commits all
three tables in one SQLite transaction; a reader takes the file list in one read transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ragtrack.errors import StoreError

#: ``meta.format``: what marks a SQLite file as a ragtrack manifest.
FORMAT = "ragtrack-manifest-2"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_key TEXT,
    sha256 TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_name TEXT NOT NULL,
    doc_type TEXT,
    council TEXT,
    plan_year TEXT,
    year TEXT,
    rows_documents INTEGER NOT NULL DEFAULT 0,
    rows_items INTEGER NOT NULL DEFAULT 0,
    rows_commentary INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    error TEXT,
    parser_version TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    source_raw BLOB
);
CREATE UNIQUE INDEX IF NOT EXISTS reports_ok_key ON reports(report_key) WHERE status = 'ok';
CREATE UNIQUE INDEX IF NOT EXISTS reports_failed_path ON reports(source_path)
    WHERE status = 'failed';
CREATE INDEX IF NOT EXISTS reports_sha ON reports(sha256);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    report_key TEXT,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    rows INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class ManifestDamaged(StoreError):
    """The manifest cannot be read as a ragtrack manifest (garbage, truncated, foreign)."""


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One data file of the committed state: where it is (relative to DIR) and its checksum."""

    path: str
    table_name: str
    report_key: str | None
    sha256: str
    bytes: int
    rows: int


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One manifest row: a report in the dataset, or a source file that failed."""

    report_key: str | None
    sha256: str
    source_path: str
    source_name: str
    doc_type: str | None
    council: str | None
    plan_year: str | None
    year: str | None
    rows_documents: int
    rows_items: int
    rows_commentary: int
    warnings: int
    status: str
    error: str | None
    parser_version: str
    ingested_at: str
    #: the source path's bytes as the file system gave them (a name that is not UTF-8 is
    #: shown escaped in ``source_path`` but found again through these)
    source_raw: bytes | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def source(self) -> Path:
        """The source file's path, exactly as it was found."""
        return Path(os.fsdecode(self.source_raw)) if self.source_raw else Path(self.source_path)


_COLUMNS = [f.name for f in fields(ManifestRow)]


_FILE_COLUMNS = [f.name for f in fields(FileEntry)]


def _connect_reader(path: Path) -> sqlite3.Connection:
    """Open an existing manifest for reading. Read-write where allowed, so that SQLite can
    roll back what a writer killed mid-commit left in its journal; read-only otherwise (a
    dataset on read-only media or owned by another user)."""
    uri = Path(path).resolve().as_uri()
    try:
        db = sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=10)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError as err:
        if "readonly" not in str(err) and "unable to open" not in str(err):
            raise
    return sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=10)


_EXPECTED = {"reports": set(_COLUMNS), "files": set(_FILE_COLUMNS), "meta": {"key", "value"}}


class Manifest:
    """Read and update the manifest; each method is one SQLite transaction.

    Raises :class:`ManifestDamaged` when the file is not a readable ragtrack manifest.
    """

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        try:
            if readonly:
                self._db = _connect_reader(Path(path))
            else:
                self._db = sqlite3.connect(path, timeout=30)
                with self._db:
                    self._db.executescript(_SCHEMA)
            self._db.row_factory = sqlite3.Row
            self._check_shape(readonly)
        except sqlite3.DatabaseError as err:
            raise ManifestDamaged(f"manifest unreadable: {err}", file=str(path)) from None

    def _check_shape(self, readonly: bool) -> None:
        """Refuse a SQLite file of another shape (a foreign database is not our manifest)."""
        for table, wanted in _EXPECTED.items():
            have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
            if table == "reports" and have and "source_raw" not in have and not readonly:
                with self._db:  # a manifest from before raw source paths
                    self._db.execute("ALTER TABLE reports ADD COLUMN source_raw BLOB")
                have.add("source_raw")
            if table == "reports" and readonly:
                wanted = wanted - {"source_raw"}
            if readonly and not have and table != "reports":
                continue  # a manifest from before checksums: readable, files unverified
            if not wanted <= have:
                self._db.close()
                missing = ", ".join(sorted(wanted - have)) or table
                raise ManifestDamaged(
                    f"not a ragtrack manifest (table {table} lacks {missing})",
                    file=str(self.path),
                )
        if not readonly:
            with self._db:
                self._db.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?)", (FORMAT,)
                )
                self._db.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', '0')"
                )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the committed state ---------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # no meta table: a manifest from before checksums
            return None
        return None if row is None else str(row[0])

    def generation(self) -> int:
        """How many commits the dataset has had (0 for a manifest from before checksums)."""
        return int(self._meta("generation") or 0)

    def has_checksums(self) -> bool:
        return self._meta("format") == FORMAT

    def files(self) -> list[FileEntry]:
        """Every data file of the committed state, by path."""
        try:
            rows = self._db.execute(
                f"SELECT {', '.join(_FILE_COLUMNS)} FROM files ORDER BY path"
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [FileEntry(**dict(r)) for r in rows]

    def state(self) -> tuple[int, list[FileEntry]]:
        """The generation and its files, read in one transaction (a consistent pair)."""
        with self._db:
            self._db.execute("BEGIN")
            return self.generation(), self.files()

    def commit(
        self,
        *,
        generation: int,
        reports: Iterable[ManifestRow] = (),
        forget: Iterable[str] = (),
        files: Iterable[FileEntry] = (),
        drop_files: Iterable[str] = (),
    ) -> None:
        """Record one commit of the dataset atomically: the reports it adds or replaces (and
        clears failures of), the report keys it removes, its files, and the new generation."""
        with self._db:
            for key in forget:
                self._db.execute(
                    "DELETE FROM reports WHERE status = 'ok' AND report_key = ?", (key,)
                )
            for row in reports:
                self._db.execute(
                    "DELETE FROM reports WHERE (status = 'ok' AND report_key = ?)"
                    " OR (status = 'failed' AND source_path = ?)",
                    (row.report_key, row.source_path),
                )
                self._insert(row)
            self._db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in drop_files])
            marks = ", ".join("?" for _ in _FILE_COLUMNS)
            self._db.executemany(
                f"INSERT OR REPLACE INTO files ({', '.join(_FILE_COLUMNS)}) VALUES ({marks})",
                [tuple(getattr(f, c) for c in _FILE_COLUMNS) for f in files],
            )
            self._db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)",
                (str(generation),),
            )

    # -- reports and failures ----------------------------------------------------------------

    def _rows(self, where: str = "1", args: tuple[object, ...] = ()) -> Iterator[ManifestRow]:
        cols = ", ".join(_COLUMNS)
        try:
            found = self._db.execute(f"SELECT {cols} FROM reports WHERE {where}", args).fetchall()
        except sqlite3.OperationalError:  # read-only manifest from before raw source paths
            cols = ", ".join(c for c in _COLUMNS if c != "source_raw")
            found = self._db.execute(f"SELECT {cols} FROM reports WHERE {where}", args).fetchall()
        for row in found:
            yield ManifestRow(**dict(row))

    def reports(self) -> list[ManifestRow]:
        """Every report in the dataset, by key."""
        return sorted(self._rows("status = 'ok'"), key=lambda r: r.report_key or "")

    def failures(self) -> list[ManifestRow]:
        """Every source file whose last ingest failed, by path."""
        return sorted(self._rows("status = 'failed'"), key=lambda r: r.source_path)

    def report(self, key: str) -> ManifestRow | None:
        return next(self._rows("status = 'ok' AND report_key = ?", (key,)), None)

    def by_sha(self, sha256: str) -> list[ManifestRow]:
        return list(self._rows("sha256 = ?", (sha256,)))

    def record_ok(self, row: ManifestRow) -> None:
        """Record a committed report: replaces the key's row and clears failures of its file."""
        with self._db:
            self._db.execute(
                "DELETE FROM reports WHERE (status = 'ok' AND report_key = ?)"
                " OR (status = 'failed' AND source_path = ?)",
                (row.report_key, row.source_path),
            )
            self._insert(row)

    def record_failure(self, row: ManifestRow) -> None:
        """Record that a source file failed; the dataset keeps what it held before."""
        with self._db:
            self._db.execute(
                "DELETE FROM reports WHERE status = 'failed' AND source_path = ?",
                (row.source_path,),
            )
            self._insert(row)

    def forget_failure(self, source_path: str) -> None:
        with self._db:
            self._db.execute(
                "DELETE FROM reports WHERE status = 'failed' AND source_path = ?", (source_path,)
            )

    def forget_report(self, key: str) -> None:
        with self._db:
            self._db.execute("DELETE FROM reports WHERE status = 'ok' AND report_key = ?", (key,))

    def _insert(self, row: ManifestRow) -> None:
        marks = ", ".join("?" for _ in _COLUMNS)
        self._db.execute(
            f"INSERT INTO reports ({', '.join(_COLUMNS)}) VALUES ({marks})",
            tuple(getattr(row, c) for c in _COLUMNS),
        )
