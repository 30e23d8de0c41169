"""The dataset's files: schemas, layout, metadata, and reading them with pandas and DuckDB."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import ragtrack
from fake_reports import parse_fake, write_report
from ragtrack.errors import RagtrackError
from ragtrack.extract.reader import read_text_file
from ragtrack.pipeline import ingest
from ragtrack.store import SCHEMA_VERSION, SCHEMAS, Store, report_key
from ragtrack.store.schema import META_SCHEMA_VERSION
from stored_values import same_as_stored

ISSUE_COLUMNS = {
    "documents": """document_id source_name source_format encoding doc_type council title
        plan_year period_end quarter pages parser_version ingested_at warnings""",
    "items": """document_id item_id kind ref outcome_number outcome supporting_outcome section
        text milestone milestone_date rag direction direction_raw responsible page line_start
        line_end rag_source""",
    "commentary": """document_id commentary_id category outcome_number outcome
        supporting_outcome refs text empty page line_start line_end""",
}


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    inbox = tmp_path / "in"
    write_report(inbox / "q3.txt", extra="stray line")
    write_report(inbox / "q2.txt", period="2019-09-30")
    write_report(inbox / "next.txt", plan_year="2020/21", period="2020-06-30")
    summary = ingest([inbox], tmp_path / "out", parse=parse_fake)
    assert summary.ok
    return tmp_path / "out"


def test_every_column_the_issue_names_is_in_the_schema() -> None:
    for table, names in ISSUE_COLUMNS.items():
        assert set(names.split()) <= set(SCHEMAS[table].names), table
        assert "year" not in SCHEMAS[table].names  # the partition key is never a column


def test_files_are_hive_partitioned_by_plan_year_one_per_report(dataset: Path) -> None:
    for table in SCHEMAS:
        files = sorted(
            p.relative_to(dataset / table).as_posix() for p in (dataset / table).rglob("*.parquet")
        )
        assert files == [
            "year=2019-20/testshire_progress-report_2019-20_2019-09-30.parquet",
            "year=2019-20/testshire_progress-report_2019-20_2019-12-31.parquet",
            "year=2020-21/testshire_progress-report_2020-21_2020-06-30.parquet",
        ]


def test_files_carry_schema_version_and_dictionary_encoding(dataset: Path) -> None:
    path = next((dataset / "items").rglob("*.parquet"))
    schema = pq.read_schema(path)
    assert schema.metadata[META_SCHEMA_VERSION] == str(SCHEMA_VERSION).encode()
    for column in ("kind", "rag", "direction", "section", "plan_year"):
        assert pa.types.is_dictionary(schema.field(column).type), column
    assert "year" not in schema.names


def test_load_gives_categoricals_and_the_rows(dataset: Path) -> None:
    tables = ragtrack.load(dataset)
    items, documents, commentary = tables["items"], tables["documents"], tables["commentary"]
    assert len(documents) == 3 and len(items) == 9 and len(commentary) == 6
    for frame, column in (
        (items, "kind"),
        (items, "rag"),
        (items, "direction"),
        (commentary, "category"),
    ):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    assert list(items["rag"].cat.categories) == ["red", "amber", "green", "blue", "not_rated"]
    assert sorted(documents["plan_year"]) == ["2019/20", "2019/20", "2020/21"]
    stray = documents.loc[documents["source_name"] == "q3.txt", "warnings"].iloc[0]
    assert list(stray) == ["line 10: cannot place this line: stray line"]
    # UTC without a zone attached, so to_excel takes it (issue 11): within a minute of now
    assert documents["ingested_at"].dt.tz is None
    now = pd.Timestamp.now(tz="UTC").tz_localize(None)
    assert ((now - documents["ingested_at"]).abs() < pd.Timedelta(minutes=1)).all()


def test_rows_survive_the_round_trip_unchanged(tmp_path: Path) -> None:
    path = write_report(tmp_path / "r.txt")
    parsed = parse_fake(read_text_file(path))
    ingest([path], tmp_path / "out", parse=parse_fake)
    items = ragtrack.load(tmp_path / "out")["items"]
    for record, (_, row) in zip(parsed.items, items.iterrows(), strict=True):
        for field in dataclasses.fields(record):
            expected, got = getattr(record, field.name), row[field.name]
            assert same_as_stored(expected, got), field.name


def test_pandas_reads_each_table_directory(dataset: Path) -> None:
    items = pd.read_parquet(dataset / "items")
    assert len(items) == 9
    assert sorted(items["year"].astype(str).unique()) == ["2019-20", "2020-21"]
    assert len(pd.read_parquet(dataset / "documents")) == 3


def test_duckdb_reads_the_dataset_offline(dataset: Path) -> None:
    glob = (dataset / "items" / "**" / "*.parquet").as_posix()
    rows = duckdb.sql(
        f"SELECT year, rag, count(*) AS n FROM read_parquet('{glob}', hive_partitioning=true, "
        "union_by_name=true) GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert rows == [
        ("2019-20", "amber", 2),
        ("2019-20", "green", 2),
        ("2019-20", "red", 2),
        ("2020-21", "amber", 1),
        ("2020-21", "green", 1),
        ("2020-21", "red", 1),
    ]


def test_an_older_file_without_a_newer_column_loads_with_nulls(dataset: Path) -> None:
    path = next((dataset / "items" / "year=2020-21").glob("*.parquet"))
    old = pq.read_table(path).drop_columns(["rag_source", "responsible"])
    pq.write_table(old, path)
    # a file rewritten by hand is damage to load(); an older file is what a rebuilt
    # manifest registers as it finds it
    (dataset / "_manifest.sqlite").unlink()
    with Store(dataset):
        pass
    items = ragtrack.load(dataset)["items"]
    from_old = items[items["plan_year"] == "2020/21"]
    assert len(from_old) == 3 and from_old["rag_source"].isna().all()
    assert items.loc[items["plan_year"] == "2019/20", "rag_source"].notna().all()
    # ingest linked the items across years, so load() joins their lineage_id on
    assert list(items.columns) == [*SCHEMAS["items"].names, "lineage_id"]


def test_load_of_an_empty_dataset_has_the_columns(tmp_path: Path) -> None:
    with Store(tmp_path / "out"):
        pass
    tables = ragtrack.load(tmp_path / "out")
    # with the lineage ID load() joins on, as in a dataset with reports
    assert list(tables["items"].columns) == [*SCHEMAS["items"].names, "lineage_id"]
    assert tables["items"].empty


def test_a_hostile_council_name_cannot_steer_the_path(tmp_path: Path) -> None:
    path = write_report(tmp_path / "evil.txt", council="../../etc/passwd\\..\\x")
    summary = ingest([path], tmp_path / "out", parse=parse_fake)
    assert summary.ok
    key = summary.results[0].report_key
    assert key == "etc-passwd-x_progress-report_2019-20_2019-12-31"
    written = sorted(p for p in tmp_path.rglob("*.parquet"))
    assert written and all((tmp_path / "out") in p.parents for p in written)
    assert ragtrack.load(tmp_path / "out")["documents"]["council"].tolist() == [
        "../../etc/passwd\\..\\x"
    ]


def test_report_key_without_year_or_period_does_not_collide(tmp_path: Path) -> None:
    one = parse_fake(read_text_file(write_report(tmp_path / "a.txt", plan_year=None, period=None)))
    two = parse_fake(
        read_text_file(
            write_report(tmp_path / "b.txt", plan_year=None, period=None, items=[("1.1", "red")])
        )
    )
    assert report_key(one.document) != report_key(two.document)
    assert report_key(one.document).startswith("testshire_progress-report_unknown_undated-")
    changed = dataclasses.replace(one.document, period_end=dt.date(2019, 12, 31))
    assert report_key(changed) == "testshire_progress-report_unknown_2019-12-31"


def test_a_derived_table_is_replaced_whole_and_loaded(dataset: Path) -> None:
    items = ragtrack.load(dataset)["items"]
    lineage = pa.table(
        {
            "item_id": items["item_id"].tolist(),
            "lineage_id": [f"L{i % 2}" for i in range(len(items))],
        }
    )
    with Store(dataset) as store:
        store.write_derived("lineage", lineage)
        store.write_derived("lineage", lineage.slice(0, 4))
        with pytest.raises(RagtrackError):
            store.write_derived("items", lineage)
    tables = ragtrack.load(dataset)
    assert tables["lineage"]["lineage_id"].tolist() == ["L0", "L1", "L0", "L1"]
    assert list((dataset / "lineage").iterdir()) == [dataset / "lineage" / "lineage.parquet"]
