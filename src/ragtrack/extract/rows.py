"""Table rows: telling a row's own text from its milestone, RAG and direction cells.

Rows arrive either as one tab-separated line (``1.1<TAB>text<TAB>By March 2019<TAB>A<TAB>↑``)
or wrapped over several lines with the trailing cells sharing one line
(``By March 2020 A ↓``) or trailing the text on its last line. Both are handled by reading the
joined row from the right: arrow, then RAG, then milestone; whatever is left is the text.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from ragtrack.normalise.values import _MONTH_RE

_ARROW = r"[↑→↓⬆⬇➡⇧⇩⇨⇑⇓⇒↔]|n/a|N/A|[-–—]"
_TAIL_ARROW = re.compile(rf"(?P<sep>\s+|^)(?P<tok>{_ARROW})\s*$")
_TAIL_RAG = re.compile(r"(?P<sep>\s+|^)(?P<tok>[RAG]|[rag]|Red|Amber|Green|RED|AMBER|GREEN)\s*$")
CELL_SEP = re.compile(r"\t| {2,}")

_MS_LEAD = (
    r"(?:By|From|Start(?:ing|s)?(?:\s+in)?|Before|Until|Till|End(?:\s+of)?|Due(?:\s+by)?"
    r"|Complete(?:d)?(?:\s+by)?|Throughout|Commencing|Beginning|Early|Mid|Late|On[\s-]?going"
    r"|Spring|Summer|Autumn|Winter)"
)
_MS_DATE = (
    rf"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTH_RE}|Spring|Summer|Autumn|Winter)\.?"
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

    m_arrow = _TAIL_ARROW.search(rest)
    if m_arrow:
        before = rest[: m_arrow.start()]
        if _TAIL_RAG.search(before) or is_cell_sep(m_arrow["sep"]):
            arrow = m_arrow["tok"]
            last_sep = m_arrow["sep"]
            rest = before
    m_rag = _TAIL_RAG.search(rest)
    if m_rag:
        before = rest[: m_rag.start()]
        token = m_rag["tok"]
        separated = is_cell_sep(m_rag["sep"])
        after_milestone = has_milestone and bool(_MILESTONE_AT_END.search(before))
        lone_lower = len(token) == 1 and token.islower()
        if arrow is not None or separated or (after_milestone and not lone_lower):
            rag = token
            last_sep = m_rag["sep"]
            rest = before
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
        elif m_ms := _MILESTONE_AT_END.search(rest.rstrip()):
            milestone = " ".join(m_ms["ms"].split())
            rest = rest[: m_ms.start()]
    complete = rag is not None or (arrow is not None and (has_colour or "\t" in body))
    return RowTail(
        text=rest.rstrip(), milestone=milestone, rag_raw=rag, arrow_raw=arrow, complete=complete
    )
