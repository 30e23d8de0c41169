"""Reading the dataset back: :func:`load` and the at-a-glance :func:`status`."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ragtrack.analysis.gaps import SeriesGaps
from ragtrack.errors import StoreError
from ragtrack.store.dataset import Problem, check_dataset, dataset_files, pending_commits
from ragtrack.store.frames import read_derived, to_pandas
from ragtrack.store.layout import MANIFEST_NAME
from ragtrack.store.manifest import Manifest, ManifestRow
from ragtrack.store.schema import SCHEMAS

log = logging.getLogger(__name__)

_ATTEMPTS = 5


def _visible_files(root: Path) -> dict[str, list[Path]]:
    """The files a consistent reader should read per table.

    A committed transaction whose files are not all moved yet is read from the staging area,
    so a reader sees the new report whole even when a writer died half-way through moving.
    """
    chosen = {key: path for key, path in dataset_files(root).items()}
    for txn, payload in pending_commits(root):
        for staged_name, dest_rel in payload.get("moves", []):  # type: ignore[union-attr]
            staged = txn / staged_name
            parts = Path(dest_rel).parts
            if len(parts) == 3 and staged.exists():
                chosen[(parts[0], Path(parts[2]).stem)] = staged
    per_table: dict[str, list[Path]] = {name: [] for name in SCHEMAS}
    for (table, _key), path in sorted(chosen.items()):
        per_table[table].append(path)
    return per_table


def _read_table(paths: list[Path], schema: pa.Schema) -> pa.Table:
    """Read the files as one table of ``schema``; columns a file lacks come back null."""
    wanted = pa.schema([f.with_nullable(True) for f in schema])
    if not paths:
        return wanted.empty_table()
    dataset = ds.dataset([str(p) for p in paths], schema=wanted, format="parquet")
    return dataset.to_table()


def _extra_tables(root: Path) -> dict[str, pd.DataFrame]:
    """Tables other helpers add beside ours (for example ``lineage``), read as they are."""
    extra: dict[str, pd.DataFrame] = {}
    if not root.is_dir():
        return extra
    for child in sorted(root.iterdir()):
        if child.name.startswith(("_", ".")) or child.name in SCHEMAS:
            continue
        if child.is_dir() and any(child.rglob("*.parquet")):
            extra[child.name] = read_derived(child)
        elif child.suffix == ".parquet" and child.is_file():
            extra[child.stem] = pd.read_parquet(child)
    return extra


def load(root: str | Path) -> dict[str, pd.DataFrame]:
    """Load the dataset under ``root`` as pandas DataFrames keyed by table name.

    Always has ``documents``, ``items`` and ``commentary`` (empty with the right columns if
    nothing was ingested); other tables found in ``root`` (such as ``lineage``) are added.
    Columns added to a schema after a file was written come back as nulls for that file;
    ``kind``, ``rag``, ``direction``, ``category``, ``doc_type``, ``source_format`` and
    ``rag_source`` are categorical with fixed categories.
    """
    root = Path(root)
    if not root.is_dir():
        raise StoreError("no dataset here (directory does not exist)", file=str(root))
    last: Exception | None = None
    for _ in range(_ATTEMPTS):  # a writer may move a file between listing and reading
        try:
            files = _visible_files(root)
            tables = {name: _read_table(files[name], schema) for name, schema in SCHEMAS.items()}
            break
        except FileNotFoundError as err:
            last = err
    else:
        raise StoreError(f"dataset kept changing while reading: {last}", file=str(root))
    frames = {name: to_pandas(tables[name]) for name in ("documents", "items", "commentary")}
    frames.update(_extra_tables(root))
    if "lineage" in frames:
        from ragtrack.store.lineage_table import attach_lineage

        frames["items"] = attach_lineage(frames["items"], frames["lineage"])
    return frames


@dataclass(frozen=True, slots=True)
class DatasetStatus:
    """What a dataset holds, at a glance, and whether manifest and files agree."""

    root: str
    documents: dict[tuple[str, str], int] = field(default_factory=dict)  # (plan year, type)
    rows: dict[str, int] = field(default_factory=dict)
    rag: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    parser_versions: dict[str, int] = field(default_factory=dict)
    failures: tuple[ManifestRow, ...] = ()
    problems: tuple[Problem, ...] = ()
    gaps: tuple[SeriesGaps, ...] = ()  # per council: missing years and quarters (api.status)

    @property
    def consistent(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "root": self.root,
            "documents": [
                {"plan_year": year, "doc_type": kind, "count": n}
                for (year, kind), n in sorted(self.documents.items())
            ],
            "rows": self.rows,
            "rag": self.rag,
            "warnings": self.warnings,
            "parser_versions": self.parser_versions,
            "failures": [{"source_path": f.source_path, "error": f.error} for f in self.failures],
            "problems": [
                {"report_key": p.report_key, "kind": p.kind, "detail": p.detail}
                for p in self.problems
            ],
            "gaps": [g.to_dict() for g in self.gaps],
        }


def status(root: str | Path) -> DatasetStatus:
    """Summarise the dataset from its manifest and check the manifest against the files."""
    root = Path(root)
    manifest_path = root / MANIFEST_NAME
    if not manifest_path.exists():
        raise StoreError("no dataset here (no _manifest.sqlite)", file=str(root))
    with Manifest(manifest_path, readonly=True) as manifest:
        reports = manifest.reports()
        failures = manifest.failures()
        problems = check_dataset(root, manifest)
    documents: Counter[tuple[str, str]] = Counter()
    versions: Counter[str] = Counter()
    for row in reports:
        documents[(row.plan_year or "unknown", row.doc_type or "unknown")] += 1
        versions[row.parser_version] += 1
    rows = {
        "documents": sum(r.rows_documents for r in reports),
        "items": sum(r.rows_items for r in reports),
        "commentary": sum(r.rows_commentary for r in reports),
    }
    rag: Counter[str] = Counter()
    items = [p for (t, _k), p in dataset_files(root).items() if t == "items"]
    for path in items:
        try:
            column = pq.read_table(path, columns=["rag"]).column("rag").to_pylist()
        except Exception:  # unreadable files already show up as problems
            continue
        rag.update(value or "none" for value in column)
    return DatasetStatus(
        root=str(root),
        documents=dict(documents),
        rows=rows,
        rag=dict(rag),
        warnings=sum(r.warnings for r in reports),
        parser_versions=dict(versions),
        failures=tuple(failures),
        problems=tuple(problems),
    )
