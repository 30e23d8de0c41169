"""Whatever the parsers produce survives a write to Parquet and a load() unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ragtrack
from ragtrack.records import CommentaryRecord, DocumentRecord, ItemRecord, ParsedDocument
from ragtrack.store import Store, report_key
from stored_values import same_as_stored

text = st.text(max_size=40)
maybe_text = st.none() | text
dates = st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
small = st.integers(min_value=0, max_value=30000)


@st.composite
def parsed_documents(draw: st.DrawFn) -> ParsedDocument:
    doc_id = draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
    document = DocumentRecord(
        document_id=doc_id,
        source_name=draw(st.text(min_size=1, max_size=30)),
        source_format=draw(st.sampled_from(["text", "pdf"])),
        encoding=draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])),
        doc_type=draw(st.sampled_from(["progress_report", "delivery_plan"])),
        council=draw(maybe_text),
        title=draw(maybe_text),
        plan_year=draw(st.none() | st.sampled_from(["2018/19", "2019/20", "2021/22"])),
        period_end=draw(dates),
        quarter=draw(st.none() | st.integers(1, 4)),
        pages=draw(small),
        parser_version="1.0",
        warnings=tuple(draw(st.lists(text, max_size=3))),
    )
    items = tuple(
        ItemRecord(
            document_id=doc_id,
            item_id=f"i{n}",
            kind=draw(st.sampled_from(["action", "measure"])),
            ref=draw(maybe_text),
            outcome_number=draw(st.none() | st.integers(0, 99)),
            outcome=draw(maybe_text),
            supporting_outcome=draw(maybe_text),
            section=draw(text),
            text=draw(text),
            milestone=draw(maybe_text),
            milestone_date=draw(dates),
            rag=draw(st.none() | st.sampled_from(["red", "amber", "green"])),
            direction=draw(st.none() | st.sampled_from(["improving", "sustained", "declining"])),
            direction_raw=draw(maybe_text),
            responsible=draw(maybe_text),
            page=draw(small),
            line_start=draw(small),
            line_end=draw(small),
            rag_source=draw(st.none() | st.sampled_from(["letter", "colour"])),
        )
        for n in range(draw(st.integers(0, 4)))
    )
    commentary = tuple(
        CommentaryRecord(
            document_id=doc_id,
            commentary_id=f"c{n}",
            category=draw(st.sampled_from(["progress", "improvement", "risk", "finance"])),
            outcome_number=draw(st.none() | st.integers(0, 99)),
            outcome=draw(maybe_text),
            supporting_outcome=draw(maybe_text),
            refs=tuple(draw(st.lists(text, max_size=3))),
            text=draw(text),
            empty=draw(st.booleans()),
            page=draw(small),
            line_start=draw(small),
            line_end=draw(small),
        )
        for n in range(draw(st.integers(0, 4)))
    )
    return ParsedDocument(document=document, items=items, commentary=commentary)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parsed_documents())
def test_records_survive_parquet_and_load(parsed: ParsedDocument) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp)) as store:
        store.write_report(parsed, report_key=report_key(parsed.document), source_path="x")
        tables = ragtrack.load(tmp)
    pairs = [(parsed.document, tables["documents"].iloc[0])]
    pairs += list(zip(parsed.items, (r for _, r in tables["items"].iterrows()), strict=True))
    pairs += list(
        zip(parsed.commentary, (r for _, r in tables["commentary"].iterrows()), strict=True)
    )
    for record, row in pairs:
        for field in dataclasses.fields(record):
            expected = getattr(record, field.name)
            got = row[field.name]
            assert same_as_stored(expected, got), (field.name, expected, got)


def test_files_of_several_schemas_load_in_file_order_with_missing_columns_null() -> None:
    """Files written alike are joined and cast together; a file from an older version
    (a column short) between them keeps its place, its missing column null."""
    import pyarrow as pa

    from ragtrack.store.reading import _unify

    schema = pa.schema([("ref", pa.string()), ("rag", pa.dictionary(pa.int8(), pa.string()))])
    new = pa.table({"ref": ["1.1", "1.2"], "rag": pa.array(["red", "green"]).dictionary_encode()})
    old = pa.table({"ref": ["2.1"]})
    newer = pa.table({"ref": ["3.1"], "rag": pa.array(["amber"]).dictionary_encode()})
    table = _unify([new, old, newer, new], schema)
    assert table.column("ref").to_pylist() == ["1.1", "1.2", "2.1", "3.1", "1.1", "1.2"]
    assert table.column("rag").to_pylist() == ["red", "green", None, "amber", "red", "green"]
    assert table.schema.field("rag").type == schema.field("rag").type
