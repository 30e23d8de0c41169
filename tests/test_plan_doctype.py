"""Document type and plan year come from the text, never the file name."""

from __future__ import annotations

import pytest

from plan_rows import PLAN_2017_18, PLAN_2019_20, SAMPLES
from ragtrack.errors import ParseError
from ragtrack.extract.doctype import detect_doc_type, detect_plan_year, is_commitment_table
from ragtrack.extract.reader import read_text_bytes, read_text_file


def source(text: str, name: str = "x.txt"):
    return read_text_bytes(text.encode("utf-8"), name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_965dd161175208ce.txt", "progress_report"),
        ("001_7d2f7bf68617a22e.txt", "progress_report"),
        ("002_09ef99f253a2c4a1.txt", "delivery_plan"),
        ("003_d491075be32868fc.txt", "delivery_plan"),
        ("004_37aa582fc5e89633.txt", "progress_report"),
    ],
)
def test_samples_are_recognised(name: str, expected: str) -> None:
    assert detect_doc_type(read_text_file(SAMPLES / name)) == expected


def test_file_name_does_not_decide() -> None:
    data = PLAN_2019_20.read_bytes()
    assert detect_doc_type(read_text_bytes(data, "Progress Report Q3.txt")) == "delivery_plan"


def test_small_plan_and_report_texts() -> None:
    plan = source(
        "Outcome 1 Healthy\n\nYear 2 Actions and Milestones (2020/21)\n\n"
        "Ref Action Milestone Responsible Officer\n1.1 Do it. By May 2020 AD - X\n"
    )
    report = source(
        "Progress to 30 September 2020\n\nRef Action Milestone RAG Direction of "
        "travel\n1.1 Do it. By May 2020 G ↑\n\nCommentary for areas of progress:\n"
    )
    assert detect_doc_type(plan) == "delivery_plan"
    assert detect_doc_type(report) == "progress_report"


def test_text_with_neither_sign_is_an_error() -> None:
    with pytest.raises(ParseError, match="progress report or a delivery plan"):
        detect_doc_type(source("Minutes of the meeting\n\nApologies were received.\n"))


def test_plan_year_from_table_headings_and_from_dates() -> None:
    assert detect_plan_year(read_text_file(PLAN_2019_20)) == "2019/20"
    # no heading states it: the deadlines point at the 2017/18 financial year
    assert detect_plan_year(read_text_file(PLAN_2017_18)) == "2017/18"


def test_plan_year_majority_outvotes_a_mislabelled_table() -> None:
    text = "".join(
        f"Year 2 Actions and Milestones ({y})\n\n1.{n} Thing. By May 2021 AD - X\n\n"
        for n, y in enumerate(["2020/21", "2019/20", "2020/21"], start=1)
    )
    assert detect_plan_year(source(text)) == "2020/21"


def test_plan_year_from_a_title_when_no_table_states_it() -> None:
    text = "Delivery Plan 2021/22\n\nPriority: Roads\n\nWe will mend roads.\n"
    assert detect_plan_year(source(text)) == "2021/22"


def test_commitment_table_layout_is_told_apart() -> None:
    assert is_commitment_table(read_text_file(PLAN_2017_18))
    assert not is_commitment_table(read_text_file(PLAN_2019_20))


def test_parse_source_sends_plans_to_the_plan_parsers() -> None:
    from ragtrack.extract import parse_source

    tabular = parse_source(read_text_file(PLAN_2019_20))
    ocr = parse_source(read_text_file(PLAN_2017_18))
    assert (tabular.document.doc_type, len(tabular.items)) == ("delivery_plan", 116)
    assert (ocr.document.doc_type, len(ocr.items)) == ("delivery_plan", 173)
    assert (
        parse_source(read_text_file(PLAN_2019_20), plan_year="2020/21").document.plan_year
        == "2020/21"
    )


def test_parse_source_with_the_wrong_type_fails_loudly() -> None:
    report = read_text_file(SAMPLES / "004_37aa582fc5e89633.txt")
    from ragtrack.extract import parse_source

    with pytest.raises(ParseError):
        parse_source(report, doc_type="delivery_plan")
