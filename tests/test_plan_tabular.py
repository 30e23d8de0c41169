"""The tabular delivery plan (2019/20 layout): golden rows and one test per layout feature."""

from __future__ import annotations

import datetime as dt

import pytest

from plan_rows import (
    PLAN_2017_18,
    PLAN_2019_20,
    SAMPLES,
    SPACING_VARIANTS,
    content_rows,
    document_rows,
    item_row,
    load_golden,
    with_page_breaks,
)
from ragtrack.errors import InputError, ParseError
from ragtrack.extract.plans.dispatch import parse_plan
from ragtrack.extract.plans.tabular import parse_delivery_plan
from ragtrack.extract.reader import read_text_bytes, read_text_file

pytestmark = pytest.mark.usefixtures("quiet_ragtrack_logs")

HEADER = "Ref Action Milestone Assistant Director(s)\nResponsible for Delivery\n"
LATER_HEADER = "Ref Action Assistant Director(s)\nResponsible for Delivery\n"


def parse(text: str, name: str = "plan.txt", **kwargs):
    return parse_delivery_plan(read_text_bytes(text.encode("utf-8"), name), **kwargs)


def plan(
    *rows: str,
    heading: str = "Year 2 Actions and Milestones (2020/21)",
    outcome: str = "Outcome 1 People are safe",
    after: str = "",
) -> str:
    body = "\n\n".join(rows)
    return f"{outcome}\n\n{heading}\n\n{HEADER}\n{body}\n\n{after}"


def by_ref(parsed):
    return {i.ref: i for i in parsed.items}


# ------------------------------------------------------------------ the 2019/20 sample


@pytest.fixture(scope="module")
def sample():
    return parse_delivery_plan(read_text_file(PLAN_2019_20))


def test_every_row_matches_the_hand_checked_golden_file(sample) -> None:
    golden = load_golden("plan_2019_20.json")
    rows = document_rows(sample)
    assert rows["document"] == golden["document"]
    assert len(rows["items"]) == len(golden["items"]) == 116
    for got, want in zip(rows["items"], golden["items"], strict=True):
        assert got == want, want["ref"]


def test_sample_counts_and_sections(sample) -> None:
    kinds = [(i.kind, i.section) for i in sample.items]
    assert kinds.count(("action", "year_actions")) == 54
    assert kinds.count(("action", "planned_actions_years_3_4")) == 24
    assert kinds.count(("measure", "measures")) == 38
    assert all(i.supporting_outcome is None for i in sample.items if i.kind == "measure")
    assert all(
        i.milestone is None for i in sample.items if i.section == "planned_actions_years_3_4"
    )


def test_sample_document_fields(sample) -> None:
    doc = sample.document
    assert (doc.doc_type, doc.plan_year, doc.quarter, doc.period_end) == (
        "delivery_plan",
        "2019/20",
        None,
        None,
    )
    assert doc.document_id == sample.items[0].document_id
    assert sample.commentary == ()


def test_sample_traps_leave_warnings(sample) -> None:
    warnings = "\n".join(sample.document.warnings)
    assert "line 383: table heading states 2018/19 in a 2019/20 plan" in warnings
    assert "line 560: ref M2.12 printed again" in warnings
    assert "line 601: page number 166 run into the officer cell removed" in warnings
    assert "line 529: text outside any table ignored: 'Pupil Outcomes" in warnings


def test_financial_sustainability_section_is_outcome_4(sample) -> None:
    rows = [i for i in sample.items if i.ref in ("4.1", "4.17", "M4.5")]
    assert {(i.outcome_number, i.outcome) for i in rows} == {
        (4, "New ways of working and achieving financial sustainability")
    }


def test_cp1252_crlf_copy_gives_identical_rows(sample) -> None:
    data = PLAN_2019_20.read_bytes().decode("utf-8").replace("\n", "\r\n").encode("cp1252")
    copy = parse_delivery_plan(read_text_bytes(data, "copy.txt"))
    assert copy.document.encoding == "cp1252"

    # same rows, pages and lines; only the document (its hash) differs
    assert [item_row(i) for i in copy.items] == [item_row(i) for i in sample.items]
    assert copy.document.plan_year == sample.document.plan_year


def test_item_ids_are_stable_and_distinct(sample) -> None:
    again = parse_delivery_plan(read_text_file(PLAN_2019_20))
    assert [i.item_id for i in again.items] == [i.item_id for i in sample.items]
    assert len({i.item_id for i in sample.items}) == len(sample.items)


# ------------------------------------------------------------------ layout features


def test_wrapped_officer_lines_are_joined_single_spaced() -> None:
    parsed = parse(
        plan("1.1 Build the thing.\n\nBy March 2021 AD - Integration and  \nPartnerships")
    )
    assert parsed.items[0].responsible == "AD - Integration and Partnerships"


def test_several_officers_are_joined_with_a_slash() -> None:
    parsed = parse(
        plan(
            "1.1 Build the thing.\n\nBy March 2021 AD - Education and Skills\n"
            "AD - Organisational Change",
            "1.2 Other thing.\n\nBy May 2021 Director - Finance/Executive\n"
            "Director - Economy and\nInfrastructure",
            "1.3 Third thing.\n\nBy May 2021 AD - Strategic Commissioning/\n"
            "AD - Education and Skills",
        )
    )
    rows = by_ref(parsed)
    assert rows["1.1"].responsible == "AD - Education and Skills / AD - Organisational Change"
    assert rows["1.2"].responsible == (
        "Director - Finance/Executive Director - Economy and Infrastructure"
    )
    assert rows["1.3"].responsible == "AD - Strategic Commissioning / AD - Education and Skills"


def test_milestone_wrapped_over_two_lines() -> None:
    parsed = parse(plan("1.1 Review the strategy.\n\nBy September\n2021\n\nAD - Highways"))
    item = parsed.items[0]
    assert (item.milestone, item.milestone_date) == ("By September 2021", dt.date(2021, 9, 30))
    assert item.responsible == "AD - Highways"
    assert item.text == "Review the strategy."


def test_milestone_and_officer_on_the_text_line() -> None:
    parsed = parse(
        plan(
            "1.1 Deliver the Equalities Plan. By March 2021 AD - Customer and\nCommunity Services",
            "1.2 Support the partners to grow the\ncounty. By June 2021\n\nAD - Economy",
        )
    )
    rows = by_ref(parsed)
    assert (rows["1.1"].text, rows["1.1"].milestone, rows["1.1"].responsible) == (
        "Deliver the Equalities Plan.",
        "By March 2021",
        "AD - Customer and Community Services",
    )
    assert (rows["1.2"].text, rows["1.2"].milestone, rows["1.2"].responsible) == (
        "Support the partners to grow the county.",
        "By June 2021",
        "AD - Economy",
    )


def test_lower_case_by_inside_the_text_is_not_a_milestone() -> None:
    parsed = parse(
        plan("1.1 Agree the priorities with partners\nby Dec 2020.\n\nBy December 2020 AD - Adults")
    )
    item = parsed.items[0]
    assert item.text == "Agree the priorities with partners by Dec 2020."
    assert item.milestone == "By December 2020"


def test_page_number_run_into_a_cell_is_removed_with_a_warning() -> None:
    parsed = parse(plan("1.1 Use the levy.\n\nBy March 2021 AD - Education and Skills17"))
    assert parsed.items[0].responsible == "AD - Education and Skills"
    assert any("page number 17 run into the officer cell" in w for w in parsed.warnings)


def test_supporting_outcome_printed_after_its_table() -> None:
    text = (
        "Outcome 1 People are safe\n\nYear 2 Actions and Milestones (2020/21)\n\n"
        + HEADER
        + "\n1.1 First.\n\nBy May 2020 AD - A\n\n1.2 Second.\n\nBy May 2020 AD - B\n\n"
        "Supporting Outcome: Children will be safe and\n well\n\n"
        "Actions Planned for Years 3-4 (2021-2023)\n\n" + LATER_HEADER + "\n1.3 Later. AD - C\n\n"
        "Year 2 Actions and Milestones (2020/21)\n\n"
        + HEADER
        + "\n1.4 Fourth.\n\nBy June 2020 AD - D\n\nSupporting Outcome: Adults will be well\n"
    )
    rows = by_ref(parse(text))
    assert [rows[r].supporting_outcome for r in ("1.1", "1.2", "1.3")] == [
        "Children will be safe and well"
    ] * 3
    assert rows["1.4"].supporting_outcome == "Adults will be well"
    assert rows["1.3"].section == "planned_actions_years_3_4"
    assert rows["1.3"].responsible == "AD - C"


def test_supporting_outcome_printed_before_its_table() -> None:
    text = (
        "Outcome 1 People are safe\n\nSupporting Outcome: Children will be safe\n\n"
        "Year 2 Actions and Milestones (2020/21)\n\n"
        + HEADER
        + "\n1.1 First.\n\nBy May 2020 AD - A\n\n"
        "Supporting Outcome: Adults will be well\n\n"
        "Year 2 Actions and Milestones (2020/21)\n\n"
        + HEADER
        + "\n1.2 Second.\n\nBy May 2020 AD - B\n"
    )
    rows = by_ref(parse(text))
    assert rows["1.1"].supporting_outcome == "Children will be safe"
    assert rows["1.2"].supporting_outcome == "Adults will be well"


def test_duplicate_ref_keeps_both_rows_and_warns() -> None:
    parsed = parse(plan("M1.1 Fewer fires.", "M1.1 More visits."))
    assert [i.text for i in parsed.items] == ["Fewer fires.", "More visits."]
    assert len({i.item_id for i in parsed.items}) == 2
    assert any("ref M1.1 printed again" in w for w in parsed.warnings)


def test_mislabelled_table_year_is_outvoted_and_warned() -> None:
    tables = "\n".join(
        f"Year 2 Actions and Milestones ({y})\n\n{HEADER}\n1.{n} Thing {n}.\n\nBy May 2020 AD - A\n"
        for n, y in enumerate(["2020/21", "2019/20", "2020/21"], 1)
    )
    parsed = parse("Outcome 1 People are safe\n\n" + tables)
    assert parsed.document.plan_year == "2020/21"
    assert sum("table heading states 2019/20" in w for w in parsed.warnings) == 1
    assert (
        parse("Outcome 1 Safe\n\n" + tables, plan_year="2019-2020").document.plan_year == "2019/20"
    )


def test_branding_repeated_on_every_page_is_never_glued_into_a_cell() -> None:
    page = (
        "Northshire Council\n\nServing the people of Northshire\n\n"
        "Outcome 1 People are safe\n\nYear 2 Actions and Milestones (2020/21)\n\n"
        + HEADER
        + "\n1.{n} Thing {n}.\n\nBy May 2020 AD - Integration and\n"
        "Partnerships\n"
    )
    parsed = parse("".join(page.format(n=n) for n in range(1, 5)))
    assert [i.responsible for i in parsed.items] == ["AD - Integration and Partnerships"] * 4
    assert parsed.document.council == "Northshire Council"
    assert not any("Serving" in w for w in parsed.warnings)


def test_unnumbered_outcome_heading_takes_its_refs_number() -> None:
    text = (
        plan("1.1 First.\n\nBy May 2020 AD - A")
        + "\nNew ways of working\n\nWe will be efficient and modern in all we do.\n\n"
        "Year 2 Actions and Milestones (2020/21)\n\n"
        + HEADER
        + "\n2.1 Save money.\n\nBy March 2021 Director - Finance\n"
    )
    rows = by_ref(parse(text))
    assert (rows["2.1"].outcome_number, rows["2.1"].outcome) == (2, "New ways of working")
    assert rows["1.1"].outcome == "People are safe"


def test_a_plan_with_no_rows_is_an_error_not_an_empty_success() -> None:
    with pytest.raises(ParseError, match="no action or measure rows") as err:
        parse("Outcome 1 People are safe\n\nSome introduction only.\n", name="empty.txt")
    assert "empty.txt" in str(err.value)


@pytest.mark.parametrize(
    "name", ["000_965dd161175208ce.txt", "001_7d2f7bf68617a22e.txt", "004_37aa582fc5e89633.txt"]
)
def test_a_progress_report_is_refused_by_the_plan_parsers(name: str) -> None:
    report = read_text_file(SAMPLES / name)
    for parser in (parse_delivery_plan, parse_plan):
        with pytest.raises(ParseError, match="reads as a progress report"):
            parser(report)


def test_parse_plan_picks_the_layout_from_the_text() -> None:
    assert parse_plan(read_text_file(PLAN_2019_20)).items[0].ref == "1.1"
    ocr = parse_plan(read_text_file(PLAN_2017_18))
    assert ocr.items[0].ref is None
    assert ocr.document.plan_year == "2017/18"


# A form feed between "By September" and "2019" is left out on purpose: the reader takes a
# bare year at a page edge for a page number (reported to main), so the line never arrives.
@pytest.mark.parametrize("every", [23, 53, 71])
def test_page_breaks_and_running_headers_change_no_row(sample, every: int) -> None:
    text = with_page_breaks(PLAN_2019_20.read_text(encoding="utf-8"), every)
    copy = parse_delivery_plan(read_text_bytes(text.encode("utf-8"), "paged.txt"))
    assert copy.document.pages > 1
    assert content_rows(copy) == content_rows(sample)


def test_a_figure_opening_a_wrapped_line_does_not_start_a_row() -> None:
    parsed = parse(
        plan(
            "1.1 Deliver savings of\n3.5 million across the council.\n\n"
            "By March 2021 Director - Finance"
        )
    )
    assert [i.ref for i in parsed.items] == ["1.1"]
    assert parsed.items[0].text == "Deliver savings of 3.5 million across the council."


def test_bare_refs_under_a_measures_heading_are_measures() -> None:
    text = (
        plan("1.1 First.\n\nBy May 2020 AD - A")
        + "\nHow we will measure progress against this outcome\n\n"
        "1.2 Fewer falls at home.\n\n1.3 More safe and well visits.\n"
    )
    rows = by_ref(parse(text))
    assert [(rows[r].kind, rows[r].section) for r in ("1.1", "1.2", "1.3")] == [
        ("action", "year_actions"),
        ("measure", "measures"),
        ("measure", "measures"),
    ]
    assert rows["1.2"].supporting_outcome is None


def test_a_plan_year_override_that_is_no_financial_year_is_refused() -> None:
    with pytest.raises(InputError, match="not a financial year"):
        parse(plan("1.1 First.\n\nBy May 2020 AD - A"), plan_year="2019")


@pytest.mark.parametrize("variant", sorted(SPACING_VARIANTS))
def test_spacing_of_the_text_changes_no_row(sample, variant: str) -> None:
    text = SPACING_VARIANTS[variant](PLAN_2019_20.read_text(encoding="utf-8"))
    copy = parse_delivery_plan(read_text_bytes(text.encode("utf-8"), "spaced.txt"))
    assert content_rows(copy) == content_rows(sample)
