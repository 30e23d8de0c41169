"""Each progress-report sample parses to its hand-reviewed golden rows, field for field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PROGRESS_SAMPLES, SAMPLES
from golden_rows import as_rows, golden_path
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_file


@pytest.fixture(scope="module", params=PROGRESS_SAMPLES)
def parsed(request: pytest.FixtureRequest) -> tuple[Path, dict]:
    sample = SAMPLES / request.param
    return sample, as_rows(parse_source(read_text_file(sample)))


def test_document_fields_match_golden(parsed: tuple[Path, dict]) -> None:
    sample, rows = parsed
    golden = json.loads(golden_path(sample).read_text())
    assert rows["document"] == golden["document"]


def test_every_item_matches_golden(parsed: tuple[Path, dict]) -> None:
    sample, rows = parsed
    golden = json.loads(golden_path(sample).read_text())
    assert [i["ref"] for i in rows["items"]] == [i["ref"] for i in golden["items"]]
    for got, want in zip(rows["items"], golden["items"], strict=True):
        assert got == want, f"{sample.name} {want['ref']}"


def test_every_commentary_paragraph_matches_golden(parsed: tuple[Path, dict]) -> None:
    sample, rows = parsed
    golden = json.loads(golden_path(sample).read_text())
    assert len(rows["commentary"]) == len(golden["commentary"])
    for got, want in zip(rows["commentary"], golden["commentary"], strict=True):
        assert got == want, f"{sample.name} line {want['line_start']}"


def test_sample_reports_parse_without_warnings() -> None:
    for name in PROGRESS_SAMPLES:
        parsed = parse_source(read_text_file(SAMPLES / name))
        assert parsed.document.warnings == (), name


EXPECTED_COUNTS = {
    # hand counts of table rows and commentary paragraphs in each sample
    "004_37aa582fc5e89633.txt": (118, 112),
    "000_965dd161175208ce.txt": (92, 131),
    "001_7d2f7bf68617a22e.txt": (91, 131),
}


@pytest.mark.parametrize("name", PROGRESS_SAMPLES)
def test_row_counts(name: str) -> None:
    parsed = parse_source(read_text_file(SAMPLES / name))
    assert (len(parsed.items), len(parsed.commentary)) == EXPECTED_COUNTS[name]


def test_known_facts_from_the_reports() -> None:
    """Spot facts a reader checks first, stated independently of the golden files."""
    q3 = parse_source(read_text_file(SAMPLES / "000_965dd161175208ce.txt"))
    by_ref = {i.ref: i for i in q3.items}
    assert by_ref["1.1"].milestone == "By March 2020"
    assert (by_ref["1.1"].rag, by_ref["1.1"].direction) == ("amber", "declining")
    assert by_ref["M1.11"].text == "10,000 safe and well visits carried out by 31 March 2020."
    assert by_ref["M1.11"].supporting_outcome is None
    assert by_ref["4.1"].outcome_number == 4
    assert by_ref["1.9"].supporting_outcome == (
        "Children, young people and the most vulnerable will be protected from harm"
    )
    assert q3.document.period_end.isoformat() == "2019-12-31"
    assert (q3.document.quarter, q3.document.plan_year) == (3, "2019/20")

    q2 = parse_source(read_text_file(SAMPLES / "001_7d2f7bf68617a22e.txt"))
    risk = next(c for c in q2.commentary if c.text.startswith("At Q2, actions A1.1, 1.2 & 1.3"))
    assert risk.refs[:3] == ("A1.1", "A1.2", "A1.3")
    split = [c for c in q2.commentary if c.refs and c.refs[0] in {"M3.1", "M3.2", "M3.5"}]
    assert [c.refs[0] for c in split] == ["M3.1", "M3.2", "M3.5"]
    assert by_ref["M1.14"].text.endswith("by 8-14% each financial year.")

    q1 = parse_source(read_text_file(SAMPLES / "004_37aa582fc5e89633.txt"))
    q1_refs = {i.ref: i for i in q1.items}
    assert "<" not in q1_refs["1.7"].text and "safe and well visits" in q1_refs["1.7"].text
    assert q1_refs["4.7"].direction is None and q1_refs["4.7"].direction_raw == "n/a"
    finance = [c for c in q1.commentary if c.category == "finance" and c.empty]
    assert finance and all(c.text.startswith("No items") for c in finance)
