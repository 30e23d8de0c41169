"""The OCR'd three-column commitment plan (2017/18 layout): rows rebuilt from the text's shape.

The sample is checked against an independent hand reconstruction
(tests/golden/hand_2017_18.py -> plan_2017_18_hand.json, written from line ranges read off
the text), not against the parser's own output alone.
"""

from __future__ import annotations

import pytest

from plan_rows import (
    PLAN_2017_18,
    PLAN_2019_20,
    SPACING_VARIANTS,
    content_rows,
    document_rows,
    item_row,
    load_golden,
    with_page_breaks,
)
from ragtrack.errors import ParseError
from ragtrack.extract.plans.commitment import parse_commitment_plan
from ragtrack.extract.reader import read_text_bytes, read_text_file

pytestmark = pytest.mark.usefixtures("quiet_ragtrack_logs")


def parse(text: str, name: str = "plan.txt"):
    return parse_commitment_plan(read_text_bytes(text.encode("utf-8"), name))


def rows(parsed, kind: str) -> list[str]:
    return [i.text for i in parsed.items if i.kind == kind]


@pytest.fixture(scope="module")
def sample():
    return parse_commitment_plan(read_text_file(PLAN_2017_18))


@pytest.fixture(scope="module")
def hand():
    data = load_golden("plan_2017_18_hand.json")
    out = []
    for group in data["groups"]:
        out += [("action", a, group) for a in group["actions"]]
        out += [("measure", t, group) for t in group["targets"]]
    return out


def test_nine_in_ten_rows_match_the_hand_reconstruction(sample, hand) -> None:
    got = [(i.kind, i.text) for i in sample.items]
    matched = sum(1 for kind, text, _ in hand if (kind, text) in got)
    accuracy = matched / len(hand)
    print(f"2017/18 reconstruction: {matched}/{len(hand)} rows exact ({accuracy:.1%})")
    assert accuracy >= 0.9
    assert len(sample.items) == len(hand) == 173


def test_no_row_mixes_two_columns(sample, hand) -> None:
    """Every row's words are a run of words from one hand row of its own kind."""
    own = {
        kind: [f" {text} " for k, text, _ in hand if k == kind] for kind in ("action", "measure")
    }
    for item in sample.items:
        assert any(f" {item.text} " in text for text in own[item.kind]), (
            item.line_start,
            item.text,
        )


def test_context_matches_the_hand_reconstruction(sample, hand) -> None:
    got = {(i.kind, i.text): i for i in sample.items}
    for kind, text, group in hand:
        item = got.get((kind, text))
        if item is None:
            continue
        assert item.supporting_outcome == group["commitment"]
        assert (item.outcome_number, item.outcome) == (group["outcome_number"], group["outcome"])


def test_golden_rows_with_provenance(sample) -> None:
    assert document_rows(sample) == load_golden("plan_2017_18.json")


def test_rows_are_plan_rows_without_refs(sample) -> None:
    assert {i.ref for i in sample.items} == {None}
    assert {(i.kind, i.section) for i in sample.items} == {
        ("action", "actions"),
        ("measure", "targets"),
    }
    doc = sample.document
    assert (doc.doc_type, doc.plan_year, doc.quarter, doc.period_end) == (
        "delivery_plan",
        "2017/18",
        None,
        None,
    )
    assert [i.outcome_number for i in sample.items] == sorted(
        i.outcome_number for i in sample.items
    )
    assert max(i.outcome_number for i in sample.items) == 5


def test_item_ids_are_stable(sample) -> None:
    again = parse_commitment_plan(read_text_file(PLAN_2017_18))
    assert [i.item_id for i in again.items] == [i.item_id for i in sample.items]
    assert len({i.item_id for i in sample.items}) == len(sample.items)


def test_uncertain_reconstructions_are_warned_with_line_numbers(sample) -> None:
    warnings = "\n".join(sample.document.warnings)
    assert "line 8: line read across columns" in warnings
    assert "line 21: 'care.' moved from the commitment to the action" in warnings
    assert "line 41: 'parenting role.' could go on with" in warnings


def test_cp1252_crlf_copy_gives_identical_rows(sample) -> None:
    data = PLAN_2017_18.read_bytes().decode("utf-8").replace("\n", "\r\n").encode("cp1252")
    copy = parse_commitment_plan(read_text_bytes(data, "copy.txt"))

    # same rows, pages and lines; only the document (its hash) differs
    assert [item_row(i) for i in copy.items] == [item_row(i) for i in sample.items]


# ------------------------------------------------------------------ layout features

COLUMNWISE = """\
Priority: To keep the roads safe and support
the local economy

Target value or date

We will maintain the highways
network to the best possible
standard within our resources.

Implement the Highways
Strategy.

e Repair more potholes
across the county.

Department of Transport level 3
achieved by May 2021.

Web-based system to report faults
operational by August 2021.
"""


def test_column_by_column_group_splits_actions_from_targets() -> None:
    parsed = parse(COLUMNWISE)
    assert rows(parsed, "action") == [
        "Implement the Highways Strategy.",
        "Repair more potholes across the county.",
    ]
    assert rows(parsed, "measure") == [
        "Department of Transport level 3 achieved by May 2021.",
        "Web-based system to report faults operational by August 2021.",
    ]
    item = parsed.items[0]
    assert item.supporting_outcome == (
        "We will maintain the highways network to the best possible standard within our resources."
    )
    assert (item.outcome_number, item.outcome) == (
        1,
        "To keep the roads safe and support the local economy",
    )


def test_cells_carry_on_over_blank_lines_when_they_open_in_lower_case() -> None:
    text = COLUMNWISE.replace(
        "Web-based system to report faults\noperational by August 2021.",
        "Early Help Assessments closed in\n2020/21 with a ‘satisfactory\n\n"
        "outcome’ increased from 63% to\n75% by March 2021.",
    )
    assert rows(parse(text), "measure")[-1] == (
        "Early Help Assessments closed in 2020/21 with a ‘satisfactory outcome’ increased "
        "from 63% to 75% by March 2021."
    )


def test_a_target_line_of_a_bare_year_is_kept() -> None:
    text = COLUMNWISE.replace("achieved by May 2021.", "achieved by May\n2021.")
    assert rows(parse(text), "measure")[0] == (
        "Department of Transport level 3 achieved by May 2021."
    )


def test_line_read_across_two_columns_at_a_bullet() -> None:
    text = """\
Priority: To protect children

Target value or date

We will improve our services e Deliver, in partnership, the
for vulnerable children and
families in line with the plan.

council’s improvement plan.

Quarterly reports to the Board
demonstrate satisfactory progress.
"""
    parsed = parse(text)
    assert rows(parsed, "action") == ["Deliver, in partnership, the council’s improvement plan."]
    assert rows(parsed, "measure") == [
        "Quarterly reports to the Board demonstrate satisfactory progress."
    ]
    assert parsed.items[0].supporting_outcome == (
        "We will improve our services for vulnerable children and families in line with the plan."
    )
    assert any("line 5: line read across columns" in w for w in parsed.warnings)


def test_line_read_across_three_columns_is_cut_by_column_widths() -> None:
    text = """\
Priority: To protect children

Target value or date

We will, as part of our e Deliver the Children Quarterly reports to Corporate

Improvement Plan, work with Looked After (CLA) Parenting Board demonstrate

partners to improve outcomes for Strategy ‘satisfactory progress’ in

young people in care.

e Introduce a ‘Local Offer’
for Care Leavers.

delivering an effective CLA
Strategy.
"""
    parsed = parse(text)
    assert rows(parsed, "action") == [
        "Deliver the Children Looked After (CLA) Strategy",
        "Introduce a ‘Local Offer’ for Care Leavers.",
    ]
    assert rows(parsed, "measure") == [
        "Quarterly reports to Corporate Parenting Board demonstrate ‘satisfactory progress’ "
        "in delivering an effective CLA Strategy."
    ]
    assert parsed.items[0].supporting_outcome == (
        "We will, as part of our Improvement Plan, work with partners to improve outcomes "
        "for young people in care."
    )


def test_a_listing_cell_keeps_its_bullets_and_says_so() -> None:
    text = COLUMNWISE.replace(
        "e Repair more potholes\nacross the county.",
        "Continue to promote:\n\ne Community Minibus.\n\ne Rural Wheels.",
    )
    parsed = parse(text)
    assert rows(parsed, "action")[1] == "Continue to promote: Community Minibus. Rural Wheels."
    assert sum("kept in the cell it lists under" in w for w in parsed.warnings) == 2


def test_no_commitments_is_an_error() -> None:
    with pytest.raises(ParseError, match="no commitments"):
        parse("Priority: Something\n\nTarget value or date\n\nJust a note.\n")


def test_a_ref_numbered_plan_is_refused() -> None:
    with pytest.raises(ParseError, match="three-column commitment plan"):
        parse_commitment_plan(read_text_file(PLAN_2019_20))


# A form feed between "By September" and "2019" is left out on purpose: the reader takes a
# bare year at a page edge for a page number (reported to main), so the line never arrives.
@pytest.mark.parametrize("every", [23, 53, 71])
def test_page_breaks_and_running_headers_change_no_row(sample, every: int) -> None:
    text = with_page_breaks(PLAN_2017_18.read_text(encoding="utf-8"), every)
    copy = parse_commitment_plan(read_text_bytes(text.encode("utf-8"), "paged.txt"))
    assert copy.document.pages > 1
    assert content_rows(copy) == content_rows(sample)


@pytest.mark.parametrize("variant", sorted(SPACING_VARIANTS))
def test_spacing_of_the_text_changes_no_row(sample, variant: str) -> None:
    text = SPACING_VARIANTS[variant](PLAN_2017_18.read_text(encoding="utf-8"))
    copy = parse_commitment_plan(read_text_bytes(text.encode("utf-8"), "spaced.txt"))
    assert content_rows(copy) == content_rows(sample)
