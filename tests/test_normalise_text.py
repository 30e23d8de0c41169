"""Joining wrapped lines: soft hyphen breaks join tight, everything else with one space."""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from ragtrack.normalise.text import CELL_LINE_BREAK, fold_spaces, join_wrapped


def joined_by_spec(parts: list[str]) -> str:
    """The rule as written: a piece joins tight after text ending letter/digit + hyphen."""
    out = ""
    for piece in (fold_spaces(line) for part in parts for line in part.split(CELL_LINE_BREAK)):
        if not piece:
            continue
        if out and not regex.search(r"(?<=[\p{L}\p{N}])-$", out):
            out += " "
        out += piece
    return out


def test_soft_breaks_join_tight() -> None:
    assert join_wrapped(["an 8-", "14% rise", "", "  in  costs "]) == "an 8-14% rise in costs"
    assert join_wrapped(["word", "-", "next"]) == "word - next"  # a lone dash is no soft break
    assert join_wrapped(["x-", "-", "y"]) == "x-- y"  # "--" is no soft break either


@given(st.lists(st.text(alphabet="ab1- \t-é\u2028", max_size=6), max_size=8))
def test_join_follows_the_rule_on_any_pieces(parts: list[str]) -> None:
    assert join_wrapped(parts) == joined_by_spec(parts)


def test_a_paragraph_of_many_lines_joins_whole() -> None:
    # the join looks only at the end of the text so far (it was quadratic in the paragraph)
    parts = [f"line {n}" for n in range(200_000)]
    assert join_wrapped(parts) == " ".join(parts)
