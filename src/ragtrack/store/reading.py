"""Reading the dataset back: :func:`load` and the at-a-glance :func:`status`.

Both read one committed state (see :mod:`ragtrack.store.snapshot`): the report tables and
the whole-dataset tables (``lineage`` and the tables derived with it) of the same commit.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ragtrack.errors import StoreError
from ragtrack.store.dataset import Problem, check_files, decode_parquet
from ragtrack.store.frames import to_pandas
from ragtrack.store.manifest import Manifest, ManifestRow
from ragtrack.store.schema import DERIVED_SCHEMAS, SCHEMAS
from ragtrack.store.snapshot import Snapshot, read_snapshot, require_dataset

if TYPE_CHECKING:
    from ragtrack.analysis.gaps import SeriesGaps  # filled in by api.status

log = logging.getLogger(__name__)

OnDamage = Literal["raise", "skip"]


class DatasetDamaged(StoreError):
    """A file of the committed state is missing or does not match its checksum."""


def _unify(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    """Files as one table of ``schema``; columns a file lacks come back null. Files written
    alike (one schema) are joined first and cast together: a cast per column per file was
    a tenth of loading a dataset of hundreds of reports."""
    wanted = pa.schema([f.with_nullable(True) for f in schema])
    if not tables:
        return wanted.empty_table()
    runs: list[list[pa.Table]] = []
    for table in tables:  # consecutive files of one schema, so rows keep the files' order
        if runs and runs[-1][0].schema.equals(table.schema):
            runs[-1].append(table)
        else:
            runs.append([table])
    return pa.concat_tables([_shaped(pa.concat_tables(run), wanted) for run in runs])


def _shaped(table: pa.Table, wanted: pa.Schema) -> pa.Table:
    columns = [
        table.column(f.name).cast(f.type)
        if f.name in table.column_names
        else pa.nulls(table.num_rows, f.type)
        for f in wanted
    ]
    return pa.Table.from_arrays(columns, schema=wanted)


def _decode(snapshot: Snapshot, on_damage: OnDamage, root: Path) -> dict[str, list[pa.Table]]:
    per_table: dict[str, list[pa.Table]] = {}
    damage = [str(d) for d in snapshot.damaged]
    for entry in snapshot.files:
        blob = snapshot.data.get(entry.path)
        if blob is None:
            continue
        try:
            per_table.setdefault(entry.table_name, []).append(decode_parquet(blob))
        except Exception as err:  # checksum fine but undecodable: damaged at commit time
            damage.append(f"{entry.path} cannot be decoded ({err})")
    if damage:
        message = (
            f"{len(damage)} damaged file(s): {'; '.join(damage[:3])}"
            f"{' ...' if len(damage) > 3 else ''}; the next ingest repairs them from their sources"
        )
        if on_damage == "raise":
            raise DatasetDamaged(message, file=str(root))
        log.warning("%s: %s; loading the rest", root, message)
    return per_table


def load(
    root: str | Path, *, on_damage: OnDamage = "raise", tables: Iterable[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Load the dataset under ``root`` as pandas DataFrames keyed by table name.

    Reads one committed state whole, even while an ingest is writing. Always has
    ``documents``, ``items`` and ``commentary`` (empty with the right columns if nothing was
    ingested), and every whole-dataset table (``lineage`` and those derived with it; empty
    with their columns before the first report is ingested). A damaged or missing file
    raises :class:`DatasetDamaged` naming it, or with ``on_damage="skip"`` is left out with a
    warning. ``tables`` reads only those tables.
    """
    if on_damage not in get_args(OnDamage):  # a typo must not skip damaged files silently
        raise ValueError(f"on_damage must be 'raise' or 'skip', not {on_damage!r}")
    asked = None if tables is None else _table_names(tables)
    if asked is not None:  # items carry their lineage_id, asked for alone or not
        tables = [*asked, "lineage"] if "items" in asked else asked
    root = Path(root)
    snapshot = read_snapshot(root, tables)
    decoded = _decode(snapshot, on_damage, root)
    frames = {
        name: to_pandas(_unify(decoded.get(name, []), schema))
        for name, schema in SCHEMAS.items()
        if tables is None or name in tables
    }
    for name in sorted(set(decoded) - set(SCHEMAS)):
        table = pa.concat_tables(decoded[name], promote_options="default")
        frames[name] = to_pandas(table)
    frames.update(_never_written(snapshot, tables))
    if "lineage" in frames and "items" in frames:
        from ragtrack.store.lineage_table import attach_lineage

        frames["items"] = attach_lineage(frames["items"], frames["lineage"])
    return frames if asked is None else {n: f for n, f in frames.items() if n in asked}


def _table_names(tables: Iterable[str]) -> list[str]:
    """The names asked for, each a table of the dataset (a typo is an error, not nothing)."""
    from ragtrack.store.lineage_table import LINEAGE_DIR

    known = [*SCHEMAS, LINEAGE_DIR, *DERIVED_SCHEMAS]
    names = list(tables)
    for name in names:
        if name not in known:
            raise ValueError(f"no table {name!r} in a dataset (tables: {', '.join(known)})")
    return names


def _never_written(snapshot: Snapshot, tables: Iterable[str] | None) -> dict[str, pd.DataFrame]:
    """The whole-dataset tables (lineage and those derived with it) of a dataset no report
    has reached yet: empty, with their columns, so ``load()`` always gives every table."""
    from ragtrack.store.lineage_table import LINEAGE_DIR, LINEAGE_SCHEMA

    written = {entry.table_name for entry in snapshot.files}
    if "documents" in written:  # reports without some of them: each caller derives its own
        return {}
    schemas = {LINEAGE_DIR: LINEAGE_SCHEMA, **DERIVED_SCHEMAS}
    wanted = set(schemas) if tables is None else set(schemas) & set(tables)
    empty = {}
    for name in sorted(wanted - written):
        table = schemas[name].empty_table()
        empty[name] = to_pandas(table)
    return empty


@dataclass(frozen=True, slots=True)
class DatasetStatus:
    """What a dataset holds, at a glance, and whether its files are sound."""

    root: str
    documents: dict[tuple[str, str], int] = field(default_factory=dict)  # (plan year, type)
    rows: dict[str, int] = field(default_factory=dict)
    rag: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    parser_versions: dict[str, int] = field(default_factory=dict)
    failures: tuple[ManifestRow, ...] = ()
    problems: tuple[Problem, ...] = ()
    generation: int = 0
    writing: bool = False  # an ingest holds the dataset right now
    gaps: tuple[SeriesGaps, ...] = ()  # per council: missing years and quarters (api.status)

    @property
    def consistent(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "root": self.root,
            "generation": self.generation,
            "writing": self.writing,
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


def status(root: str | Path, *, verify: bool = False) -> DatasetStatus:
    """Summarise one committed state from its manifest and check every file's checksum
    (``verify`` also decodes every file). A damaged manifest is reported, not raised."""
    from ragtrack.store.manifest import ManifestDamaged
    from ragtrack.store.snapshot import writer_active

    root = Path(root)
    manifest_path = require_dataset(root)
    try:
        with Manifest(manifest_path, readonly=True) as manifest:
            reports, failures = manifest.reports(), manifest.failures()
            generation = manifest.generation()
            problems = check_files(root, manifest, full=verify)
    except ManifestDamaged as err:
        detail = f"{err.message}; the next ingest rebuilds it from the files"
        return DatasetStatus(root=str(root), problems=(Problem(None, "manifest", detail),))
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
    return DatasetStatus(
        root=str(root),
        documents=dict(documents),
        rows=rows,
        rag=_rag_counts(root),
        warnings=sum(r.warnings for r in reports),
        parser_versions=dict(versions),
        failures=tuple(failures),
        problems=tuple(problems),
        generation=generation,
        writing=writer_active(root),
    )


def _rag_counts(root: Path) -> dict[str, int]:
    rag: Counter[str] = Counter()
    snapshot = read_snapshot(root, ["items"])
    for blob in snapshot.data.values():
        try:
            file = pq.ParquetFile(pa.BufferReader(blob))  # not read_table: see decode_parquet
            column = file.read(columns=["rag"]).column("rag")
        except Exception:  # undecodable files show up as problems with --verify
            continue
        rag.update(value or "none" for value in column.to_pylist())
    return dict(rag)
