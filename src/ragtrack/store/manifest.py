"""The manifest: ``DIR/_manifest.sqlite``, the record of what the dataset holds.

One row per report key that is in the dataset (status ``ok``) and one per source file that
failed (status ``failed``, keyed by its path). SQLite gives the manifest its own atomic
updates; the dataset files are committed before the manifest row that describes them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

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
    ingested_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS reports_ok_key ON reports(report_key) WHERE status = 'ok';
CREATE UNIQUE INDEX IF NOT EXISTS reports_failed_path ON reports(source_path)
    WHERE status = 'failed';
CREATE INDEX IF NOT EXISTS reports_sha ON reports(sha256);
"""


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

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


_COLUMNS = [f.name for f in fields(ManifestRow)]


class Manifest:
    """Read and update the manifest; each method is one SQLite transaction."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        if readonly:
            self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        else:
            self._db = sqlite3.connect(path)
            with self._db:
                self._db.executescript(_SCHEMA)
        self._db.row_factory = sqlite3.Row

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, where: str = "1", args: tuple[object, ...] = ()) -> Iterator[ManifestRow]:
        cols = ", ".join(_COLUMNS)
        for row in self._db.execute(f"SELECT {cols} FROM reports WHERE {where}", args):
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
