"""A data line's cells to the header's columns, in each of the three ways lines come.

Tabbed (a PDF's ruled table): cell N is column N. Aligned (text set out in spaces): a cell
belongs to the column it starts under. Flat (no separators, as HTML or PDF text prints an
unruled table): read from the right, each column taking what its kind of value looks like
(a status word, a trend, a figure), the ref from the left, the name what is left.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ragtrack.extract.tables.columns import Field, Header, line_mode, split_cells

#: A printed figure: ``97%``, ``£1,200``, ``12.5``, ``-3``, ``n/a``.
VALUE = re.compile(r"(?:[<>≤≥]?[-+]?[£$€]?\d[\d,]*(?:\.\d+)?%?[kKmM]?|n/a|N/A|-|–)")
_DATE_TAIL = re.compile(
    r"(?:(?:by|end(?: of)?)\s+)?(?:\d{1,2}\s+)?[A-Z][a-z]{2,8}\.?\s+(?:19|20)\d{2}$"
    r"|\d{1,2}/\d{1,2}/(?:19|20)?\d{2}$|Q[1-4]\s+(?:19|20)\d{2}/\d{2}$"
)
_STATUS_FIELDS = frozenset({"rag", "previous_rag"})
_VALUE_FIELDS = frozenset({"value", "previous_value", "target", "floor"})


@dataclass(frozen=True, slots=True)
class Vocab:
    """What the flat reader needs to recognise a cell at the end of a line: the longest
    status or trend phrase ``text`` ends with (None when it ends with none)."""

    status_tail: Callable[[str], str | None]
    trend_tail: Callable[[str], str | None]
    ref: re.Pattern[str] | None
    #: whether a cell is a status word the layout knows
    is_status: Callable[[str], bool] = lambda _text: True


def line_cells(text: str, header: Header, vocab: Vocab) -> dict[Field, str] | None:
    """The cells of a data line by field (empty cells left out); None for a line set out in
    columns that are not the header's (two cells under one column: another table)."""
    mode = line_mode(text)
    if mode == "flat" and header.mode == "aligned":
        mode = "aligned"  # one cell of a table set out in spaces: placed by where it starts
    if mode == "flat":
        out = _flat_cells(text.strip(), header, vocab)
    elif mode == "tabbed" and header.mode == "tabbed":
        out = _by_index(text, header)
    else:
        found = _by_position(text, header, mode)
        if found is None:
            return None
        out = found
    return {f: v for f, v in out.items() if v and f != "ignore"}


def _join(cells: Mapping[Field, str], field: Field, text: str) -> dict[Field, str]:
    out = dict(cells)
    out[field] = f"{out[field]} {text}".strip() if field in out else text
    return out


def _by_index(text: str, header: Header) -> dict[Field, str]:
    cells: dict[Field, str] = {}
    columns = header.columns
    for n, (_start, cell) in enumerate(split_cells(text, "tabbed")):
        if cell:
            cells = _join(cells, columns[min(n, len(columns) - 1)].field, cell)
    return cells


def _at_columns(start: int, cell: str, starts: list[int]) -> list[tuple[int, str]]:
    """A cell that runs into the next column with one space between (a full cell: ``Head of
    Customer 92%``) split where a word starts at that column's start."""
    for column in starts:
        at = column - start
        if 2 < at < len(cell) and cell[at - 1] == " " and cell[at] != " ":
            rest = _at_columns(column, cell[at:], starts)
            return [(start, cell[: at - 1].rstrip()), *rest]
    return [(start, cell)]


def _by_position(text: str, header: Header, mode: str) -> dict[Field, str] | None:
    """Each cell to the column it starts under (two characters' slack for a ragged edge);
    None when two cells fall under one column."""
    cells: dict[Field, str] = {}
    starts = [c.start for c in header.columns]
    used: set[int] = set()
    found = split_cells(text, "aligned" if mode != "tabbed" else "tabbed")
    if mode != "tabbed":
        found = [piece for s, c in found for piece in _at_columns(s, c, starts)]
    for start, cell in found:
        if not cell:
            continue
        under = [n for n, s in enumerate(starts) if s <= start + 2]
        column = under[-1] if under else 0
        if column in used:
            return None
        used.add(column)
        cells = _join(cells, header.columns[column].field, cell)
    return cells


def _take_tail(rest: str, field: Field, vocab: Vocab) -> tuple[str, str | None]:
    """The cell of ``field`` at the end of ``rest``, and what is left before it."""
    if field in _STATUS_FIELDS:
        phrase = vocab.status_tail(rest)
    elif field == "direction":
        phrase = vocab.trend_tail(rest)
    elif field in _VALUE_FIELDS:
        last = rest.rsplit(" ", 1)[-1]
        phrase = last if VALUE.fullmatch(last) else None
    elif field == "milestone":
        m = _DATE_TAIL.search(rest)
        phrase = m.group(0) if m else None
    else:
        return rest, None
    if phrase is None:
        return rest, None
    return rest[: len(rest) - len(phrase)].rstrip(), rest[len(rest) - len(phrase) :]


def _flat_cells(text: str, header: Header, vocab: Vocab) -> dict[Field, str]:
    cells: dict[Field, str] = {}
    fields = list(header.fields)
    rest = text
    if fields and fields[0] == "ref" and vocab.ref is not None:
        m = vocab.ref.match(rest)
        if m:
            cells["ref"] = m.group(0)
            rest = rest[m.end() :].strip()
        fields = fields[1:]
    name_at = next((n for n, f in enumerate(fields) if f in ("text", "commentary", "lead")), -1)
    for field in reversed(fields[name_at + 1 :]):
        rest, cell = _take_tail(rest, field, vocab)
        if cell:
            cells[field] = cell
    if rest and name_at >= 0:
        cells[fields[name_at]] = rest
    return {f: cells[f] for f in header.fields if f in cells}
