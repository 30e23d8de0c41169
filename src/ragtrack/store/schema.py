"""Explicit Arrow schemas of the dataset tables and the conversion of records to tables.

One place defines every column: its Arrow type, whether it is dictionary-encoded, and the
fixed categories pandas gets for it on :func:`ragtrack.load`. Files carry the schema version
in their Parquet metadata so later readers can tell which columns an old file can lack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pyarrow as pa

from ragtrack.normalise.status import RAG_ORDER as STATUS_RAG_ORDER
from ragtrack.records import ParsedDocument

#: Bump when a column is added, removed or changes type. Older files stay readable: load()
#: adds missing columns as nulls. 2: ``documents.layout`` and the printed cells of items
#: read through a layout profile (``rag_raw`` ... ``previous_value``).
SCHEMA_VERSION = 2

#: Parquet key-value metadata keys written into every file.
META_SCHEMA_VERSION = b"ragtrack.schema_version"
META_TABLE = b"ragtrack.table"
META_REPORT_KEY = b"ragtrack.report_key"

_DICT = pa.dictionary(pa.int32(), pa.string())

#: RAG statuses worst first: ``rag`` (and ``previous_rag``) load as an *ordered* categorical,
#: so ``items.rag < "green"`` works. Blue (complete) sorts after green and ``not_rated`` last,
#: out of the way: it is no rating (see :mod:`ragtrack.normalise.status`). Datasets written
#: before blue and not_rated existed load with these categories too.
RAG_ORDER: tuple[str, ...] = tuple(STATUS_RAG_ORDER)

#: How an item's RAG moved since its previous appearance (see the ``timeline`` table).
CHANGES: tuple[str, ...] = ("worsened", "unchanged", "improved", "new", "returned")

#: Columns with a closed set of values: pandas gets exactly these categories on load().
CATEGORIES: dict[str, tuple[str, ...]] = {
    "kind": ("action", "measure"),
    "rag": RAG_ORDER,
    "previous_rag": RAG_ORDER,
    "printed_previous_rag": RAG_ORDER,
    "change": CHANGES,
    "direction": ("improving", "sustained", "declining"),
    "category": ("progress", "improvement", "risk", "finance"),
    "doc_type": ("progress_report", "delivery_plan"),
    "source_format": ("text", "pdf"),
    "rag_source": ("letter", "colour"),
}

#: Categorical columns whose categories are ordered (worst first).
ORDERED: frozenset[str] = frozenset({"rag", "previous_rag", "printed_previous_rag"})

DOCUMENTS_SCHEMA = pa.schema(
    [
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("report_key", pa.string(), nullable=False),
        pa.field("source_name", pa.string(), nullable=False),
        pa.field("source_format", _DICT, nullable=False),
        pa.field("encoding", _DICT),
        pa.field("doc_type", _DICT, nullable=False),
        pa.field("council", _DICT),
        pa.field("title", pa.string()),
        pa.field("plan_year", _DICT),
        pa.field("period_end", pa.date32()),
        pa.field("quarter", pa.int8()),
        pa.field("pages", pa.int32(), nullable=False),
        pa.field("parser_version", _DICT, nullable=False),
        pa.field("ingested_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("warnings", pa.list_(pa.string()), nullable=False),
        pa.field("layout", _DICT),
    ]
)

#: Items columns only a layout profile fills (null for rows of the Cumbria parsers).
PRINTED_COLUMNS: tuple[str, ...] = (
    "rag_raw",
    "printed_previous_rag",
    "value",
    "target",
    "floor",
    "previous_value",
    "unit",
)

ITEMS_SCHEMA = pa.schema(
    [
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("plan_year", _DICT),
        pa.field("kind", _DICT, nullable=False),
        pa.field("ref", pa.string()),
        pa.field("outcome_number", pa.int16()),
        pa.field("outcome", _DICT),
        pa.field("supporting_outcome", _DICT),
        pa.field("section", _DICT, nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("milestone", _DICT),
        pa.field("milestone_date", pa.date32()),
        pa.field("rag", _DICT),
        pa.field("rag_source", _DICT),
        pa.field("direction", _DICT),
        pa.field("direction_raw", _DICT),
        pa.field("responsible", _DICT),
        pa.field("page", pa.int32(), nullable=False),
        pa.field("line_start", pa.int32(), nullable=False),
        pa.field("line_end", pa.int32(), nullable=False),
        *(pa.field(name, _DICT) for name in PRINTED_COLUMNS),
    ]
)

COMMENTARY_SCHEMA = pa.schema(
    [
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("commentary_id", pa.string(), nullable=False),
        pa.field("plan_year", _DICT),
        pa.field("category", _DICT, nullable=False),
        pa.field("outcome_number", pa.int16()),
        pa.field("outcome", _DICT),
        pa.field("supporting_outcome", _DICT),
        pa.field("refs", pa.list_(pa.string()), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("empty", pa.bool_(), nullable=False),
        pa.field("page", pa.int32(), nullable=False),
        pa.field("line_start", pa.int32(), nullable=False),
        pa.field("line_end", pa.int32(), nullable=False),
    ]
)

#: The tables every report writes, in the order they are committed (documents last, so a
#: reader that sees a document row can rely on its items and commentary being in place).
SCHEMAS: dict[str, pa.Schema] = {
    "items": ITEMS_SCHEMA,
    "commentary": COMMENTARY_SCHEMA,
    "documents": DOCUMENTS_SCHEMA,
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)

#: Whole-dataset tables computed from the report tables and the lineage
#: (:func:`ragtrack.analysis.derived_tables`), each one file ``DIR/<name>/<name>.parquet``.
TIMELINE_SCHEMA = pa.schema(
    [
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("lineage_id", pa.string()),
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("report_key", pa.string()),
        pa.field("council", _DICT),
        pa.field("plan_year", _DICT),
        pa.field("period_end", pa.date32()),
        pa.field("quarter", pa.int8()),
        pa.field("kind", _DICT, nullable=False),
        pa.field("ref", pa.string()),
        pa.field("outcome_id", _DICT),
        pa.field("outcome", _DICT),
        pa.field("outcome_theme", _DICT),
        pa.field("supporting_outcome_id", _DICT),
        pa.field("supporting_outcome", _DICT),
        pa.field("text", pa.string(), nullable=False),
        pa.field("rag", _DICT),
        pa.field("previous_rag", _DICT),
        pa.field("change", _DICT),
        pa.field("direction", _DICT),
        pa.field("milestone", _DICT),
        pa.field("milestone_date", pa.date32()),
        pa.field("continues", pa.bool_()),
    ]
)

PLAN_BASELINE_SCHEMA = pa.schema(
    [
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("lineage_id", pa.string()),
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("report_key", pa.string()),
        pa.field("council", _DICT),
        pa.field("plan_year", _DICT),
        pa.field("kind", _DICT, nullable=False),
        pa.field("section", _DICT),
        pa.field("ref", pa.string()),
        pa.field("outcome_id", _DICT),
        pa.field("outcome", _DICT),
        pa.field("outcome_theme", _DICT),
        pa.field("supporting_outcome_id", _DICT),
        pa.field("supporting_outcome", _DICT),
        pa.field("text", pa.string(), nullable=False),
        pa.field("milestone", _DICT),
        pa.field("milestone_date", pa.date32()),
        pa.field("responsible", _DICT),
    ]
)

OUTCOMES_SCHEMA = pa.schema(
    [
        pa.field("level", _DICT, nullable=False),
        pa.field("outcome_id", pa.string(), nullable=False),
        pa.field("theme", pa.string(), nullable=False),
        pa.field("plan_year", _DICT),
        pa.field("outcome_number", pa.int16()),
        pa.field("title", pa.string(), nullable=False),
        pa.field("method", _DICT, nullable=False),
        pa.field("score", pa.float64()),
        pa.field("items", pa.int32(), nullable=False),
    ]
)

DERIVED_SCHEMAS: dict[str, pa.Schema] = {
    "timeline": TIMELINE_SCHEMA,
    "plan_baseline": PLAN_BASELINE_SCHEMA,
    "outcomes": OUTCOMES_SCHEMA,
}

#: True/false columns that may be unknown (null): pandas' nullable ``boolean`` on load(),
#: whatever a dataset's rows hold; the others load as numpy ``bool``.
NULLABLE_FLAGS: frozenset[str] = frozenset(
    f.name
    for schema in (*SCHEMAS.values(), *DERIVED_SCHEMAS.values())
    for f in schema
    if pa.types.is_boolean(f.type) and f.nullable
)


def _column(values: Sequence[object], field: pa.Field) -> pa.Array:
    if pa.types.is_dictionary(field.type):
        return pa.array(values, type=pa.string()).dictionary_encode()
    return pa.array(values, type=field.type)


def _table(rows: Mapping[str, Sequence[object]], schema: pa.Schema) -> pa.Table:
    arrays = [_column(rows[f.name], f) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def with_metadata(table: pa.Table, name: str, report_key: str) -> pa.Table:
    """Attach the schema version, table name and report key to a table's schema metadata."""
    meta = dict(table.schema.metadata or {})
    meta.update(
        {
            META_SCHEMA_VERSION: str(SCHEMA_VERSION).encode(),
            META_TABLE: name.encode(),
            META_REPORT_KEY: report_key.encode(),
        }
    )
    return table.replace_schema_metadata(meta)


def to_tables(
    parsed: ParsedDocument, report_key: str, ingested_at: dt.datetime
) -> dict[str, pa.Table]:
    """Turn one parsed document into its three Arrow tables, typed by the schemas above."""
    doc = parsed.document
    plan_year = doc.plan_year
    documents: dict[str, list[object]] = {
        "document_id": [doc.document_id],
        "report_key": [report_key],
        "source_name": [doc.source_name],
        "source_format": [doc.source_format],
        "encoding": [doc.encoding],
        "doc_type": [doc.doc_type],
        "council": [doc.council],
        "title": [doc.title],
        "plan_year": [plan_year],
        "period_end": [doc.period_end],
        "quarter": [doc.quarter],
        "pages": [doc.pages],
        "parser_version": [doc.parser_version],
        "ingested_at": [ingested_at.astimezone(dt.UTC)],
        "warnings": [list(doc.warnings)],
        "layout": [parsed.layout],
    }
    items: dict[str, list[object]] = {f.name: [] for f in ITEMS_SCHEMA}
    for item in parsed.items:
        printed = parsed.printed.get(item.item_id)
        for f in ITEMS_SCHEMA:
            if f.name in PRINTED_COLUMNS:
                items[f.name].append(getattr(printed, f.name) if printed else None)
            else:
                items[f.name].append(plan_year if f.name == "plan_year" else getattr(item, f.name))
    commentary: dict[str, list[object]] = {f.name: [] for f in COMMENTARY_SCHEMA}
    for row in parsed.commentary:
        for f in COMMENTARY_SCHEMA:
            value = plan_year if f.name == "plan_year" else getattr(row, f.name)
            commentary[f.name].append(list(row.refs) if f.name == "refs" else value)
    built = {
        "items": _table(items, ITEMS_SCHEMA),
        "commentary": _table(commentary, COMMENTARY_SCHEMA),
        "documents": _table(documents, DOCUMENTS_SCHEMA),
    }
    return {name: with_metadata(t, name, report_key) for name, t in built.items()}
