"""Tables without rulings: rows from word positions against the header row's column bands.

When a free line reads as a table header (``Ref  Action for 2019/20  Milestone  RAG ...``),
the starts of its widely spaced phrases are the column bands; each following line's words go
to the band they start in; a ref in the first band starts a row, a line with nothing there
continues it (also across a page break); anything else ends the table. A coloured fill
behind a row's line in a band is that cell's colour (a RAG shown only by colour).

A table with no ref column (``KPI  DoT  RAG rating  Previous``) has nothing that marks where
a row starts, so each of its lines is given as a row of its own, split into the bands, and
the table reader joins wrapped cells as it does for aligned text. Its lines must keep to the
bands (a word crosses into the next band only after a column gap) and to the header's type
size and weight; a heading or a paragraph ends the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ragtrack.extract.pdf.colours import rag_of_fill
from ragtrack.extract.pdf.layout import Cell, Free, PageLayout, Row
from ragtrack.extract.pdf.text_lines import TextLine
from ragtrack.extract.profiles.profile import builtin_column_names
from ragtrack.extract.structure import LineKind, classify_line, is_header_fragment, row_ref
from ragtrack.extract.tables.columns import read_header
from ragtrack.normalise.text import join_wrapped
from ragtrack.records import Line

#: A gap between words wider than this share of the font size separates two columns.
_COLUMN_GAP = 0.6
_SLACK = 2.0


@dataclass(slots=True)
class _Table:
    starts: list[float]
    header: Row
    row: Row | None = None
    in_header: bool = True
    #: for a header repeated after a page break: the cells of the header it repeats, which
    #: tell where its wrapped lines end and a split row's rest begins
    repeats: list[str] | None = None
    #: no ref column: every line is a row of its own (see the module's docstring)
    by_line: bool = False
    #: the header line, whose type a line of the table keeps
    line: TextLine | None = None


def _phrase_starts(line: TextLine) -> list[float]:
    starts = [line.words[0].x0]
    for before, after in zip(line.words, line.words[1:], strict=False):
        if after.x0 - before.x1 > _COLUMN_GAP * line.height:
            starts.append(after.x0)
    return starts


def _split(line: TextLine, starts: list[float]) -> list[str]:
    cells: list[list[str]] = [[] for _ in starts]
    for word in line.words:
        index = 0
        for i, start in enumerate(starts):
            if word.x0 + _SLACK >= start:
                index = i
        cells[index].append(word.text)
    return [" ".join(parts) for parts in cells]


def _extend(row: Row, texts: list[str]) -> None:
    for cell, text in zip(row.cells, texts, strict=False):
        if text:
            cell.text = join_wrapped([cell.text, text])


def _take_fills(row: Row, line: TextLine, starts: list[float], page: PageLayout) -> None:
    """Give the row's cells the colour of any fill behind this line in their band."""
    top, bottom = line.top, line.baseline + 0.3 * line.height
    for fill in page.fills:
        if fill.bottom < top or fill.top > bottom or rag_of_fill(fill.rgb) == "none":
            continue
        middle = (fill.x0 + fill.x1) / 2
        index = max((i for i, start in enumerate(starts) if middle + _SLACK >= start), default=None)
        if index is not None and index < len(row.cells) and row.cells[index].rgb is None:
            row.cells[index].rgb = fill.rgb


def _continues_header(table: _Table, texts: list[str], line: TextLine) -> bool:
    if table.repeats is not None:  # a repeated header goes on while it grows into the old
        before = [c.text for c in table.header.cells]
        after = [join_wrapped([b, t]) if t else b for b, t in zip(before, texts, strict=False)]
        return after != before and all(
            old.startswith(new) for new, old in zip(after, table.repeats, strict=False)
        )
    return not texts[0] or is_header_fragment(line.text)


#: A ref of another council's shape standing alone in the first band (``PI-01``, ``KP012``,
#: ``1.1.2.PI``, ``CS1``): a row starts there when the line has cells in other bands too.
_OTHER_REF = re.compile(r"[A-Za-z]{0,4}[-.]?\d{1,3}(?:[.-]\d{1,3}){0,3}(?:\.[A-Za-z]{1,3})?")


def _starts_row(texts: list[str]) -> bool:
    """Whether a line's first band holds a ref alone: Cumbria's (``1.17``, ``M1.11``), or one
    of another shape with more of the row in the other bands."""
    first = texts[0].strip()
    if not first:
        return False
    ref = row_ref(first)
    if ref is not None and first == ref:
        return True
    return _OTHER_REF.fullmatch(first) is not None and sum(bool(t) for t in texts[1:]) >= 2


#: What a table without refs must have a column of, besides the names of its rows.
_RATED = frozenset({"rag", "previous_rag", "direction"})


def _other_header(line: TextLine) -> Literal["ref", "name"] | None:
    """Whether ``line`` is a header of another council's table, and which kind: with a ref
    column first (``Ref  Objective  Lead  Rating``, ``Code  Milestone  Due  Status``), or with
    the rows' names first and a status or trend column (``KPI  DoT  RAG rating  Previous``);
    its widely spaced phrases all column names."""
    starts = _phrase_starts(line)
    if len(starts) < 3:
        return None
    header = read_header(Line(0, 0, "\t".join(_split(line, starts))), builtin_column_names())
    if header is None:
        return None
    if header.fields[0] == "ref":
        return "ref"
    if header.fields[0] == "text" and _RATED & set(header.fields):
        return "name"
    return None


def _band(x: float, starts: list[float]) -> int:
    return max((i for i, start in enumerate(starts) if x + _SLACK >= start), default=0)


def _keeps_to_bands(line: TextLine, table: _Table) -> bool:
    """Whether a line can be a row of a table without refs: in the header's type size (and
    not bold unless the header is), one phrase to a band, and no word running on into the
    next band without a column gap (as a paragraph's would). Another table's line under
    other columns (``Activity  Apr  May  Jun``) puts several phrases in one band."""
    header = table.line
    if header is None or abs(line.height - header.height) > 0.5:
        return False
    if line.bold and not header.bold:
        return False
    bands = [_band(line.words[0].x0, table.starts)]
    for before, after in zip(line.words, line.words[1:], strict=False):
        band = _band(after.x0, table.starts)
        if after.x0 - before.x1 > _COLUMN_GAP * line.height:  # a new phrase
            if band in bands:
                return False
            bands.append(band)
        elif band != bands[-1]:
            return False
    return True


def apply_bands(pages: list[PageLayout]) -> None:
    """Turn free lines under an unruled table header into rows, in place."""
    table: _Table | None = None
    for page in pages:
        out: list[Row | Free] = []
        for entry in page.entries:
            if isinstance(entry, Row):
                table = None
                out.append(entry)
                continue
            line = entry.line
            kind = classify_line(line.text).kind
            other = None if kind is LineKind.TABLE_HEADER else _other_header(line)
            if kind is LineKind.TABLE_HEADER or other is not None:
                starts = _phrase_starts(line)
                if len(starts) >= 2:
                    header = Row(
                        [Cell(t) for t in _split(line, starts)],
                        line.top,
                        page.number,
                        source="bands",
                    )
                    # a header repeated on the next page keeps the open row, which a split
                    # row continues below it
                    carried = table.row if table is not None else None
                    repeats = (
                        [c.text for c in table.header.cells]
                        if table is not None and table.header.cells[0].text == header.cells[0].text
                        else None
                    )
                    table = _Table(starts, header, carried, repeats=repeats)
                    table.by_line, table.line = other == "name", line
                    out.append(header)
                    continue
            if table is None:
                out.append(entry)
                continue
            texts = _split(line, table.starts)
            if table.in_header and _continues_header(table, texts, line):
                _extend(table.header, texts)  # the header's cells wrap onto more lines
                continue
            table.in_header = False
            if table.by_line:
                if _keeps_to_bands(line, table):
                    row = Row([Cell(t) for t in texts], line.top, page.number, source="bands")
                    _take_fills(row, line, table.starts, page)
                    out.append(row)
                else:
                    table = None
                    out.append(entry)
                continue
            if _starts_row(texts):
                table.row = Row([Cell(t) for t in texts], line.top, page.number, source="bands")
                _take_fills(table.row, line, table.starts, page)
                out.append(table.row)
            elif not texts[0] and table.row is not None and kind is LineKind.TEXT:
                _extend(table.row, texts)
                _take_fills(table.row, line, table.starts, page)
            else:
                table = None
                out.append(entry)
        page.entries = out
