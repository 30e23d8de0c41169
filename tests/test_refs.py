"""Refs named in commentary prose, in the document's own style; figures are not refs."""

from __future__ import annotations

import pytest

from ragtrack.normalise.refs import RefStyle, find_prose_refs, leading_label

PLAIN = RefStyle(action_prefix="", measure_prefix="M")
PREFIXED = RefStyle(action_prefix="A", measure_prefix="M")


@pytest.mark.parametrize(
    ("text", "style", "want"),
    [
        ("In relation to action 1.4 for the academic year", PLAIN, ["1.4"]),
        ("Delayed Transfers of Care in Quarter 1 (Measure M1.8) the total", PLAIN, ["M1.8"]),
        ("Actions 1.2 and 1.9 refer to health and care integration", PLAIN, ["1.2", "1.9"]),
        (
            "relates directly to Actions 4.7/ 4.8/ 4.9/ 4.11. At Q3",
            PLAIN,
            ["4.7", "4.8", "4.9", "4.11"],
        ),
        ("relates directly to Actions 1.10, 1.11 & 1.12.", PLAIN, ["1.10", "1.11", "1.12"]),
        (
            "At Q2, actions A1.1, 1.2 & 1.3 align to the Corporate Risk",
            PREFIXED,
            ["A1.1", "A1.2", "A1.3"],
        ),
        ("relates to actions 4.5, 4.6 and 4.7. This risk", PREFIXED, ["A4.5", "A4.6", "A4.7"]),
        ("performance for measure 4.4 improved", PLAIN, ["M4.4"]),
        ("Quarter 1 (53) is 13.8% lower than the target (61.5)", PLAIN, []),
        ("a Corporate Risk (CR12) is in place; CQC action plan Workstream 4 action B2", PLAIN, []),
        ("£22.730 million of savings and 2.3% of headcount", PLAIN, []),
        ("See comment (A2.14) re 14.9% market share.", PREFIXED, ["A2.14"]),
    ],
)
def test_refs_in_prose(text: str, style: RefStyle, want: list[str]) -> None:
    assert find_prose_refs(text, style) == want


def test_bare_refs_need_to_be_the_documents_own_outside_keyword_lists() -> None:
    known = frozenset({"3.1", "4.12"})
    text = "programmes (3.1), and in relation to 4.12 the council; an increase of 1.5 days (2.2)"
    assert find_prose_refs(text, PLAIN, known) == ["3.1", "4.12"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("1.2 District Leads continue", ("1.2", False)),
        ("A1.1: Cumbria County Council", ("A1.1", True)),
        ("M1.3 We have not met", ("M1.3", False)),
        ("4.8/ 4.9/ 4.11. At Q3", None),
        ("6.9%). Copeland is the only", None),
        ("2. A total of 63 requests", None),
    ],
)
def test_leading_labels(text: str, want: tuple[str, bool] | None) -> None:
    found = leading_label(text)
    assert (found[:2] if found else None) == want
