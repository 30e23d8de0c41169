"""Properties of bad input (issue 7): the parsers never crash on any text, parsed rows survive
Parquet unchanged, and the order of files in a batch does not change the dataset.

Generated records surviving Parquet is tests/test_store_roundtrip.py; here the rows are what
the real parsers make of damaged sample reports.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ragtrack
from mangling import impossible_values, mangle
from ragtrack.errors import RagtrackError
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_bytes
from ragtrack.pipeline import ingest
from ragtrack.records import ParsedDocument
from ragtrack.store import Store, report_key
from stored_values import same_as_stored
from test_bad_input import report_text

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))}
SAMPLE_LINES = sorted({ln for text in SAMPLE_TEXTS.values() for ln in text.splitlines()})

# lines that steer the parsers: headings, table headers, rows, commentary labels, furniture
STRUCTURE = [
    "OUTCOME 1: PEOPLE ARE SAFE",
    "Supporting outcome: roads",
    "Key Outcome Indicators",
    "Measures",
    "Ref\tAction for 2019/20\tMilestone\tRAG\tDirection of travel",
    "Ref Action for 2019/20 Milestone RAG (against target)",
    "Direction of travel",
    "Ref\tMeasure\tRAG\tDirection",
    "Year 2 Actions and Milestones (2019/20)",
    "How we will measure progress against this outcome",
    "Target value or date",
    "We will keep people safe",
    "Commentary for areas of progress:",
    "Commentary for Risk updates:",
    "Commentary for :",
    "(Progress to 31 December 2019 - Quarter 3)",
    "Page 3 of 40",
    "1.1",
    "M1.1:",
    "A1.2 text",
    "By March 2020 A ↓",
    "Throughout Plan G →",
    "<ul style='x'><li>",
    "",
]
line = st.one_of(
    st.sampled_from(STRUCTURE),
    st.sampled_from(SAMPLE_LINES),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
    st.text(alphabet="1234567890.AMRG:↑→↓-\t ", max_size=20),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(line, max_size=60),
    breaks=st.sampled_from(["\n", "\r\n", "\r", "\n\f"]),
    doc_type=st.sampled_from([None, "progress_report", "delivery_plan"]),
    plan_year=st.sampled_from([None, "2019/20"]),
)
def test_parsers_never_crash_on_any_text(
    lines: list[str], breaks: str, doc_type: str | None, plan_year: str | None
) -> None:
    text = breaks.join(lines)
    try:
        source = read_text_bytes(text.encode("utf-8"), "any.txt")
        parsed = parse_source(source, doc_type=doc_type, plan_year=plan_year)  # type: ignore[arg-type]
    except RagtrackError as err:  # ragtrack's own one-line errors are the only way out
        assert "\n" not in str(err) and str(err).startswith("any.txt")
        return
    assert impossible_values(parsed, text) == []


def test_a_second_header_under_a_row_is_never_joined_into_its_ref() -> None:
    """Found by the property test above: a header of other columns under a ref-only row was
    read as that row's continuation by the generic table reader, giving an item '1.1 Ref'."""
    lines = [
        "Ref\tMeasure\tRAG\tDirection",
        "1.1",
        "Ref\tAction for 2019/20\tMilestone\tRAG\tDirection of travel",
        "0.3%).",
        "Ref\tAction for 2019/20\tMilestone\tRAG\tDirection of travel",
    ]
    text = "\n".join(lines)
    for doc_type in (None, "progress_report", "delivery_plan"):
        try:
            parsed = parse_source(read_text_bytes(text.encode(), "any.txt"), doc_type=doc_type)  # type: ignore[arg-type]
        except RagtrackError:
            continue
        assert impossible_values(parsed, text) == []


@pytest.mark.parametrize(
    "line",
    [
        "Commentary for :inance\tuA/at3s:",  # bench/fuzz_parsers.py seed 2269: no category words
    ],
)
def test_lines_that_crashed_a_parser_once(line: str) -> None:
    text = SAMPLE_TEXTS["004_37aa582fc5e89633.txt"].replace("\n", f"\n{line}\n", 40)
    parsed = parse_source(read_text_bytes(text.encode("utf-8"), "r.txt"))
    assert parsed.items and impossible_values(parsed, text) == []


def _rows(parsed: ParsedDocument) -> list[tuple[str, object]]:
    return [
        (table, record)
        for table, records in (
            ("documents", [parsed.document]),
            ("items", parsed.items),
            ("commentary", parsed.commentary),
        )
        for record in records
    ]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLE_TEXTS)), seed=st.integers(0, 10**6))
def test_parsed_rows_of_damaged_reports_survive_parquet_and_load(name: str, seed: int) -> None:
    text = mangle(SAMPLE_TEXTS[name], seed)
    try:
        parsed = parse_source(read_text_bytes(text.encode("utf-8"), name))
    except RagtrackError:
        return
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp)) as store:
        store.write_report(parsed, report_key=report_key(parsed.document), source_path=name)
        tables = ragtrack.load(tmp)
    keys = {"documents": "document_id", "items": "item_id", "commentary": "commentary_id"}
    loaded = {t: {row[keys[t]]: row for _, row in tables[t].iterrows()} for t in keys}
    for table, record in _rows(parsed):
        row = loaded[table][getattr(record, keys[table])]
        for field in dataclasses.fields(record):  # type: ignore[arg-type]
            expected = getattr(record, field.name)
            got = row[field.name]
            assert same_as_stored(expected, got), (table, field.name, expected, got)
    assert [len(tables[t]) for t in keys] == [1, len(parsed.items), len(parsed.commentary)]


def _batch(inbox: Path) -> list[Path]:
    """Reports of three quarters, a copy, a rival of the same report, and two bad files."""
    files = {
        "q1.txt": report_text(1),
        "q2.txt": report_text(2),
        "q3.txt": report_text(3),
        "q1 copy.txt": report_text(1),
        "q2 rival.txt": report_text(2).replace("Mend potholes.", "Mend more potholes."),
        "empty.txt": "",
        "novel.txt": "Call me Ishmael.\n",
    }
    inbox.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (inbox / name).write_text(text, encoding="utf-8")
    return [inbox / name for name in files]


def _frames(root: Path) -> dict[str, pd.DataFrame]:
    tables = ragtrack.load(root)
    keys = {"documents": "document_id", "items": "item_id", "commentary": "commentary_id"}
    return {
        name: tables[name]
        .drop(columns=["ingested_at"], errors="ignore")
        .sort_values(key)
        .reset_index(drop=True)
        for name, key in keys.items()
    }


@pytest.mark.slow  # a property soak: batches of damaged reports in every order
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=st.permutations(range(7)), as_folder=st.booleans())
def test_the_order_of_files_in_a_batch_does_not_change_the_dataset(
    order: list[int], as_folder: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = _batch(root / "in")
        reference = ingest(files, root / "reference")
        given_files = [files[i] for i in order]
        # the folder as well as some of its files: each file still counts once
        args = [*given_files[:3], root / "in", *given_files[3:]] if as_folder else given_files
        shuffled = ingest(args, root / "shuffled")
        statuses = sorted((Path(r.path).name, r.status) for r in shuffled.results)
        assert statuses == sorted((Path(r.path).name, r.status) for r in reference.results)
        assert reference.counts() == {"new": 3, "unchanged": 1, "failed": 3}
        one, two = _frames(root / "reference"), _frames(root / "shuffled")
        for table in one:
            pd.testing.assert_frame_equal(one[table], two[table])
