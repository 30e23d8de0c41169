"""Page furniture, one set of rules over three kinds of evidence: text pages split by form
feeds, PDF edge lines with their heights, and text without page breaks."""

from __future__ import annotations

import pytest

from ragtrack.extract.furniture import (
    EdgeLine,
    drop_page_furniture,
    find_branding,
    find_positioned_furniture,
    furniture_key,
    is_bare_page_number,
    is_page_number,
)
from ragtrack.extract.structure import classify_line
from ragtrack.records import Line


@pytest.mark.parametrize("text", ["Page 3 of 40", "page 3", "3/40", "3 of 40", "- 3 -", "– 12 –"])
def test_page_numbers(text: str) -> None:
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["2021/22", "Page 41 of 40", "Plan 2019 to 2022", "40 pages"])
def test_not_page_numbers(text: str) -> None:
    assert not is_page_number(text)


def test_a_lone_year_is_no_bare_page_number() -> None:
    assert is_bare_page_number("17") and is_bare_page_number(" 204 ")
    assert not is_bare_page_number("2019") and not is_bare_page_number("12345")


def test_two_printings_of_a_running_line_share_a_key() -> None:
    assert furniture_key("  Council  Plan  PAGE 3 ") == furniture_key("Council Plan page 14")
    assert furniture_key("Council Plan") != furniture_key("Council Planning")


def _lines(pages: list[list[str]]) -> list[Line]:
    out, number = [], 1
    for page, texts in enumerate(pages, start=1):
        for text in texts:
            out.append(Line(number=number, page=page, text=text))
            number += 1
    return out


def test_text_pages_lose_their_running_header_and_footer_but_keep_content() -> None:
    body = [f"Body line {n}" for n in range(6)]
    pages = [
        ["Borough Performance Report", *body[:3], "Not met", *body[3:], "Page 1 of 3"],
        ["Borough Performance Report Q2", *body, "Not met", "Page 2 of 3"],
        ["Borough Performance Report Q3", *body, "Not met", "7"],
    ]
    kept, count = drop_page_furniture(_lines(pages))
    texts = [line.text for line in kept]
    assert count == 3
    # the title stays once (first page); page numbers go; "Not met" ends two pages but also
    # stands inside one, so it is content
    assert texts.count("Borough Performance Report") == 1
    assert not any("Q2" in t or "Q3" in t or "Page" in t or t == "7" for t in texts)
    assert texts.count("Not met") == 3 and texts.count("Body line 0") == 3


CLOSING = "Finance comments have been provided against the outcomes these indicators support."


def test_a_sentence_every_page_ends_with_is_content_not_a_footer() -> None:
    """Regression: a report whose sections close with the same sentence lost it wherever it
    fell at the foot of a page, as if a running footer, when pages happened to end there."""
    pages = [
        ["Council Plan Progress Report", "Commentary for Finance updates:", CLOSING, "Page 1"],
        ["Council Plan Progress Report", "Body", "Commentary for Finance updates:", CLOSING],
        ["Council Plan Progress Report", "Body", "More body", CLOSING, "- 3 -"],
    ]
    texts = [line.text for line in drop_page_furniture(_lines(pages))[0]]
    assert texts.count(CLOSING) == 3
    assert texts.count("Council Plan Progress Report") == 1  # the running header still goes


def test_a_line_at_page_tops_that_also_stands_lower_down_a_page_is_content() -> None:
    pages = [
        ["Title", "Intro", "More", "Yet more", "Still more", "End", "Page 1"],
        ["Not met", "Body a", "Body b", "Body c", "Body d", "Page 2"],
        ["Not met", "Body e", "Body f", "Body g", "Body h", "Page 3"],
        ["Body i", "Body j", "Body k", "Not met", "Page 4"],  # near the foot, not the top
    ]
    texts = [line.text for line in drop_page_furniture(_lines(pages))[0]]
    assert texts.count("Not met") == 3


def test_pdf_edge_lines_recurring_at_one_height_are_furniture() -> None:
    edges = [
        EdgeLine(page, 0, f"Quarterly monitoring {page}", 20.0 + page * 0.2) for page in range(4)
    ]
    edges += [EdgeLine(page, 1, "12", 800.0) for page in range(4)]
    edges.append(EdgeLine(0, 2, "A note that sits at the bottom once", 790.0))
    edges += [EdgeLine(page, 3, "Quarterly monitoring", 400.0 + page * 90) for page in (1, 2)]
    dropped = find_positioned_furniture(edges, page_count=4)
    assert {(p, 0) for p in range(4)} <= dropped  # same words, same height
    assert {(p, 1) for p in range(4)} <= dropped  # page numbers
    assert (0, 2) not in dropped
    assert (1, 3) not in dropped and (2, 3) not in dropped  # same words, wandering height


def test_branding_without_page_breaks_recurs_beside_headings_and_never_ends_a_cell() -> None:
    texts = []
    for outcome, action in enumerate(("Mend roads", "Build homes", "Train staff"), start=1):
        texts += ["www.example-council.gov.uk", "Acme Borough Council Delivery Plan"]
        texts += [f"Outcome {outcome}: People are healthy", action]
    lines = _lines([texts])
    classes = [classify_line(line.text) for line in lines]

    def found(lines: list[Line], wraps_on: str) -> set[str]:
        branding = find_branding(lines, classes, lambda text: text.endswith(wraps_on))
        return {lines[i].text for i in branding}

    assert found(lines, "onto") == {
        "www.example-council.gov.uk",
        "Acme Borough Council Delivery Plan",
    }
    # the same words once as the wrapped end of a cell: they are content everywhere
    texts[3] = "An action that wraps onto"
    texts.insert(4, "Acme Borough Council Delivery Plan")
    lines = _lines([texts])
    classes = [classify_line(line.text) for line in lines]
    assert found(lines, "onto") == {"www.example-council.gov.uk"}
