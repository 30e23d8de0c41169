"""Table rows: telling a row's own text from its milestone, RAG and direction cells.

Rows arrive either as one tab-separated line (``1.1<TAB>text<TAB>By March 2019<TAB>A<TAB>↑``)
or wrapped over several lines with the trailing cells sharing one line
(``By March 2020 A ↓``) or trailing the text on its last line. Both are handled by reading the
joined row from the right: arrow, then RAG, then milestone; whatever is left is the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragtrack.normalise.values import MONTH_PATTERN

_ARROW_TOKENS = frozenset(
    ["↑", "→", "↓", "⬆", "⬇", "➡", "⇧", "⇩", "⇨", "⇑", "⇓", "⇒", "↔", "n/a", "N/A", "-", "–", "—"]
)
_RAG_TOKENS = frozenset(
    ["R", "A", "G", "r", "a", "g", "Red", "Amber", "Green", "RED", "AMBER", "GREEN"]
)
#: Directions printed as words in the direction cell.
_DIRECTION_WORDS = frozenset(["improving", "sustained", "declining"])
_TAIL_WINDOW = 160  # characters: longer than any milestone, RAG and arrow together
CELL_SEP = re.compile(r"\t| {2,}")

_MS_LEAD = (
    r"(?:By|From|Start(?:ing|s)?(?:\s+in)?|Before|Until|Till|End(?:\s+of)?|Due(?:\s+by)?"
    r"|Complete(?:d)?(?:\s+by)?|Throughout|Commencing|Beginning|Early|Mid|Late|On[\s-]?going"
    r"|Spring|Summer|Autumn|Winter)"
)
_MS_DATE = (
    rf"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{MONTH_PATTERN}|Spring|Summer|Autumn|Winter)\.?"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?,?)?\s+(?:19|20)\d{2}|Q[1-4]\s+(?:19|20)\d{2}(?:/\d{2})?"
    r"|(?:19|20)\d{2}\s*/\s*\d{2}|(?:19|20)\d{2})"
)
_MS_WORDS = (
    r"(?:On[\s-]?going|Throughout(?:\s+the)?\s+(?:Plan|Year)|Annual(?:ly)?|Quarterly|Monthly"
    r"|TBC|TBA|Complete(?:d)?|Achieved)"
)
#: A milestone at the end of a row with no cell separators: "By March 2020",
#: "From end of June 2018", "Ongoing until March 2019", "By Sept 2018 By April 2019".
_MILESTONE = (
    rf"(?:{_MS_LEAD}[ \t]+)*{_MS_DATE}(?:[ \t]+(?:{_MS_LEAD}[ \t]+)+{_MS_DATE})*|{_MS_WORDS}"
)
_MILESTONE_AT_END = re.compile(rf"(?:^|(?<=\s))(?P<ms>{_MILESTONE})\s*$", re.IGNORECASE)
_MILESTONE_LINE = re.compile(rf"^\s*(?P<ms>{_MILESTONE})\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RowTail:
    """A row split into its own text and its trailing cells (all as printed)."""

    text: str
    milestone: str | None
    rag_raw: str | None
    arrow_raw: str | None
    #: the row's trailing cells were found: a RAG (or a separated arrow) ends the row
    complete: bool


def _last_token(text: str) -> tuple[str, str, str]:
    """``(before, separator, token)``: the last whitespace-delimited token of ``text``."""
    stripped = text.rstrip()
    if not stripped:
        return "", "", ""
    token = stripped.rsplit(None, 1)[-1]
    head = stripped[: len(stripped) - len(token)]
    before = head.rstrip()
    return before, head[len(before) :], token


def _is_arrow(token: str) -> bool:
    return token in _ARROW_TOKENS or token.casefold() in _DIRECTION_WORDS


def may_end_row(line: str) -> bool:
    """Cheap test: could this line hold a row's trailing cells (it ends in a RAG or arrow)?"""
    token = _last_token(line)[2]
    return token in _RAG_TOKENS or _is_arrow(token)


def split_row_tail(
    body: str, *, has_milestone: bool, has_colour: bool = False, cells: bool = True
) -> RowTail:
    """Split a row's body (everything after its ref, lines joined with ``\\n``) from the right.

    A RAG letter is accepted when an arrow follows it, when it stands in its own cell (tab,
    run of spaces or line break before it), or after a recognised milestone; a lone
    lower-case letter after a single space is text ("... and a"). ``cells`` says the row
    is laid out in cells on one line (tabs, or runs of spaces standing for tabs); then the
    milestone is the cell before the RAG, whatever it says. Otherwise runs of spaces are
    just spacing and the milestone is recognised by its wording, preferring a line of its own.
    """

    def is_cell_sep(sep: str) -> bool:
        return "\t" in sep or "\n" in sep or sep == "" or (cells and "  " in sep)

    def is_column_sep(sep: str) -> bool:
        return "\t" in sep or (cells and "  " in sep)

    rest = body.rstrip()
    arrow = rag = milestone = None
    last_sep = ""
    # The trailing cells are short: look only at the end of a long row.
    window = max(0, len(rest) - _TAIL_WINDOW)

    before, sep, token = _last_token(rest)
    if _is_arrow(token) and (_last_token(before)[2] in _RAG_TOKENS or is_cell_sep(sep)):
        arrow, last_sep, rest = token, sep, before
    before, sep, token = _last_token(rest)
    if token in _RAG_TOKENS:
        lone_lower = len(token) == 1 and token.islower()
        if (
            arrow is not None
            or is_cell_sep(sep)
            or (has_milestone and not lone_lower and _MILESTONE_AT_END.search(before, window))
        ):
            rag, last_sep, rest = token, sep, before
    rest = rest.rstrip(" ") if not is_column_sep(last_sep) else rest
    if has_milestone and (rag is not None or arrow is not None or has_colour):
        last_line = rest.rsplit("\n", 1)[-1]
        separators = list(CELL_SEP.finditer(last_line.rstrip()))
        if is_column_sep(last_sep) and separators:
            milestone = " ".join(last_line[separators[-1].end() :].split()) or None
            head = rest[: len(rest) - len(last_line)]
            rest = head + last_line[: separators[-1].start()]
        elif "\n" in rest and (m_ms := _MILESTONE_LINE.match(last_line)):
            milestone = " ".join(m_ms["ms"].split())
            rest = rest[: len(rest) - len(last_line)]
        elif m_ms := _MILESTONE_AT_END.search(rest.rstrip(), window):
            milestone = " ".join(m_ms["ms"].split())
            rest = rest[: m_ms.start()]
    complete = rag is not None or (arrow is not None and (has_colour or "\t" in body))
    return RowTail(
        text=rest.rstrip(), milestone=milestone, rag_raw=rag, arrow_raw=arrow, complete=complete
    )


def looks_like_milestone(text: str) -> bool:
    """Whether ``text`` reads as a milestone by its wording alone (no cell needed)."""
    return bool(_MILESTONE_LINE.match(text))
