"""Layout features of progress reports, one small report each."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ragtrack.errors import ParseError
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_bytes
from ragtrack.records import ParsedDocument


def parse(text: str) -> ParsedDocument:
    return parse_source(read_text_bytes(textwrap.dedent(text).lstrip().encode(), "t.txt"))


HEADINGS_BEFORE = """\
    COUNCIL PLAN PROGRESS REPORT
    (Progress to 31 March 2023 - Quarter 4)

    OUTCOME 2: PLACES ARE THRIVING
    Supporting outcome: Roads are kept in good repair
    Ref\tAction for 2022/23\tMilestone\tRAG\tDirection of travel
    2.1\tResurface <b>ten</b> roads &amp; bridges.\tBy March 2023\tg\t↑
    2.2\tMend potholes.\tOngoing\tR\t
    Commentary for areas of progress:
    In relation to actions 2.1 and 2.2 work is on track.

    A second paragraph about the roads.
    - with a bullet
    Commentary for Risk updates:
    Commentary for Finance updates:
    No items by exception to report.
    Key Outcome Indicators
    Ref\tMeasure for 2022/23\tRAG\tDirection of travel
    M2.1\tPotholes fixed within 7 days.\tA\t→
    """


def test_headings_before_tables_label_what_follows() -> None:
    parsed = parse(HEADINGS_BEFORE)
    doc = parsed.document
    assert (doc.title, doc.plan_year, doc.quarter) == ("COUNCIL PLAN PROGRESS REPORT", "2022/23", 4)
    assert doc.period_end.isoformat() == "2023-03-31"
    first, second, measure = parsed.items
    assert first.text == "Resurface ten roads & bridges."
    assert (first.rag, first.direction, first.milestone) == ("green", "improving", "By March 2023")
    assert first.supporting_outcome == "Roads are kept in good repair"
    assert (second.milestone, second.milestone_date, second.direction) == ("Ongoing", None, None)
    assert (measure.kind, measure.section, measure.supporting_outcome) == (
        "measure",
        "measures",
        None,
    )
    assert measure.outcome_number == 2
    progress = [c for c in parsed.commentary if c.category == "progress"]
    assert [c.refs for c in progress] == [("2.1", "2.2"), ()]
    assert progress[1].text == "A second paragraph about the roads. - with a bullet"
    risk = next(c for c in parsed.commentary if c.category == "risk")
    assert risk.empty and risk.text == ""
    finance = next(c for c in parsed.commentary if c.category == "finance")
    assert finance.empty and finance.text.startswith("No items")


HEADINGS_AFTER = """\
    PROGRESS REPORT
    (Progress to 30 September 2022 - Quarter 2 2022/23)
    Ref Action for 2022/23 Milestone RAG (against target)
    Direction of travel
    since last report
    4.1

    Balance the budget and report on it to
    Cabinet every quarter.

    By March 2023 A ↓
    4.2 Deliver savings of £3.5 million. By March 2023 R →
    NEW WAYS OF WORKING
    Supporting outcome: A council that lives within its
    means
    Commentary for areas of progress:
    4.1 The budget is forecast to
    balance.  More detail follows in
    the finance section.
    4.2 Savings are behind plan: see action 4.1.
    NEW WAYS OF WORKING
    Supporting outcome: A council that lives within its
    means
    """


def test_headings_after_tables_label_what_precedes() -> None:
    parsed = parse(HEADINGS_AFTER)
    one, two = parsed.items
    assert one.text == "Balance the budget and report on it to Cabinet every quarter."
    assert (one.milestone, one.rag, one.direction) == ("By March 2023", "amber", "declining")
    assert two.text == "Deliver savings of £3.5 million."
    # an outcome printed without a number takes the number its refs carry
    assert one.outcome_number == 4 and one.outcome == "NEW WAYS OF WORKING"
    assert one.supporting_outcome == "A council that lives within its means"
    paragraphs = parsed.commentary
    assert [c.refs for c in paragraphs] == [("4.1",), ("4.2", "4.1")]
    assert paragraphs[0].text.endswith("the finance section.")
    assert paragraphs[0].supporting_outcome == "A council that lives within its means"


def test_table_continued_over_a_page_break_with_repeated_header() -> None:
    text = """\
        Report title
        Page 1 of 3
        OUTCOME 1: PEOPLE ARE SAFE
        Ref Action for 2020/21 Milestone RAG
        1.1
        A long action that starts on one page
        \fRunning title of the report
        Ref Action for 2020/21 Milestone RAG
        Direction of travel
        and finishes on the next.
        By June 2020 G →
        1.2 A short one. By July 2020 A ↑
        Page 2 of 3
        \fRunning title of the report
        Commentary for areas of progress:
        1.1 Going well.
        """
    parsed = parse(text)
    assert [i.text for i in parsed.items] == [
        "A long action that starts on one page and finishes on the next.",
        "A short one.",
    ]
    assert parsed.items[0].page == 1 and parsed.items[1].page == 2
    assert parsed.document.pages == 3
    assert parsed.document.warnings == ()


def test_labelled_commentary_with_colons_and_mid_line_labels() -> None:
    text = """\
        Outcome 1: Working well
        Ref\tAction for 2021/22\tMilestone\tRAG\tDirection
        A1.1\tOne.\tBy May 2021\tG\t-
        A1.2\tTwo.\tThroughout Plan\tA\t→
        Measures
        Ref\tAction for 2021/22\tRAG\tDirection
        M1.1\tThree.\tR\t↓
        M1.2\tFour.\tG\t↑
        Commentary for areas of progress:
        A1.1: First paragraph.

        It runs on after a blank line.

        A1.2: Awaiting commentary
        M1.1: Figures are in. M1.2: See M1.1 commentary
        """
    parsed = parse(text)
    assert [(c.refs, c.empty) for c in parsed.commentary] == [
        (("A1.1",), False),
        (("A1.2",), True),
        (("M1.1",), False),
        (("M1.2", "M1.1"), False),
    ]
    assert parsed.commentary[0].text == "A1.1: First paragraph. It runs on after a blank line."
    assert parsed.items[0].direction is None and parsed.items[0].direction_raw == "-"
    assert [i.kind for i in parsed.items] == ["action", "action", "measure", "measure"]


def test_what_cannot_be_placed_becomes_a_warning_with_its_line() -> None:
    text = """\
        OUTCOME 1: PEOPLE ARE SAFE
        Ref\tAction\tMilestone\tRAG\tDirection
        1.1\tAn action with no status at all
        1.2\tFine.\tBy May 2021\tG\t↑
        """
    parsed = parse(text)
    assert [i.ref for i in parsed.items] == ["1.1", "1.2"]
    assert parsed.items[0].rag is None
    assert any(w.startswith("line 3: 1.1: no RAG status") for w in parsed.document.warnings)


def test_a_document_with_nothing_to_parse_is_an_error() -> None:
    with pytest.raises(ParseError, match="no actions, measures or commentary"):
        parse("It was a dark and stormy night.\nThe end.\n")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_parser_never_raises_anything_but_parse_error(text: str) -> None:
    try:
        parse_source(read_text_bytes(("OUTCOME 1: X\n" + text).encode(), "fuzz.txt"))
    except ParseError:
        pass
    except Exception as err:  # pragma: no cover - this is the failure being looked for
        from ragtrack.errors import InputError

        if not isinstance(err, InputError):
            raise


def test_heading_and_cell_wording_variants() -> None:
    """Other councils' wording: bare commentary headings, "Ref No." and KPI headers, arrows
    as words."""
    text = """\
        Outcome 3 - A thriving economy
        Supporting Outcome - Jobs for all
        Ref No.\tAction\tMilestone\tRAG\tDirection of travel
        3.1\tCreate jobs.\tBy June 2024\tAmber\tImproving
        Areas of progress:
        3.1 Jobs are being created.
        Risk updates:
        No risks identified.
        Reference\tKey Outcome Indicator\tRAG\tDirection of travel
        3.2\tUnemployment falls.\tGreen\tSustained
        """
    parsed = parse(text)
    action, measure = parsed.items
    assert (action.rag, action.direction, action.milestone) == (
        "amber",
        "improving",
        "By June 2024",
    )
    assert action.outcome_number == 3 and action.supporting_outcome == "Jobs for all"
    assert (measure.kind, measure.rag, measure.direction) == ("measure", "green", "sustained")
    assert [(c.category, c.refs, c.empty) for c in parsed.commentary] == [
        ("progress", ("3.1",), False),
        ("risk", (), True),
    ]
