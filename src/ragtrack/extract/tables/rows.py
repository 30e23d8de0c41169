"""Tables found by their header row, read into rows: across page breaks and repeated
headers, wrapped cells joined, bullets printed apart from their row given back to it.

A row starts at a line whose ref cell is a ref (in a table with refs), or, in a table without
refs, at a name that begins after the previous row has its status or figures. Any other line
that fits the table continues the row; a line that fits nothing ends the table.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ragtrack.extract.tables.cells import Vocab, line_cells
from ragtrack.extract.tables.columns import (
    ColumnNames,
    Field,
    Header,
    read_header,
    read_wrapped_header,
)
from ragtrack.records import Line

_BULLETS = ("•", "●", "▪", "◦", "- ", "* ", "o ", "–")
_COMPLETE = frozenset({"rag", "value", "previous_rag", "previous_value", "target", "direction"})
#: A free line this long or ending in a full stop is prose, not a heading over a table.
_HEADING_MAX = 90


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row: its cells by field, the lines it was read from, the heading it sits under."""

    cells: Mapping[Field, str]
    lines: tuple[Line, ...]
    heading: str | None


@dataclass(frozen=True, slots=True)
class FoundTable:
    header: Header
    heading: str | None
    rows: tuple[TableRow, ...]


@dataclass(slots=True)
class _Open:
    header: Header
    heading: str | None
    rows: list[TableRow] = field(default_factory=list)
    cells: dict[Field, str] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)

    def close_row(self) -> None:
        if self.lines and self.cells:
            self.rows.append(TableRow(dict(self.cells), tuple(self.lines), self.heading))
        self.cells, self.lines = {}, []

    def table(self) -> FoundTable:
        self.close_row()
        return FoundTable(self.header, self.heading, tuple(self.rows))


def _is_bullet(text: str) -> bool:
    return text.lstrip().startswith(_BULLETS)


def _starts_row(table: _Open, cells: Mapping[Field, str], vocab: Vocab) -> bool:
    if "ref" in table.header.fields and vocab.ref is not None:
        ref = cells.get("ref", "")
        return bool(ref) and vocab.ref.fullmatch(ref) is not None
    name = cells.get("text", "")
    if not name or not (name[0].isupper() or name[0].isdigit()):
        return False
    return not table.cells or bool(_COMPLETE & set(table.cells))


def _is_sentence(table: _Open, line: Line, cells: Mapping[Field, str]) -> bool:
    """A line of prose where a table without refs would start a row: only a name, ending
    in a full stop."""
    return (
        "ref" not in table.header.fields
        and set(cells) <= {"text"}
        and (line.text.rstrip().endswith("."))
    )


def _continues(table: _Open, line: Line, cells: Mapping[Field, str]) -> bool:
    """Whether a line that starts no row belongs to the open one."""
    if not table.lines or cells.get("ref"):
        return False  # text in the ref column that is no ref starts nothing: a ref never wraps
    text = line.text.strip()
    if _is_bullet(text) or text[:1].islower() or not text[:1].isalnum() or "\t" in line.text:
        return True
    if set(cells) - {"text", "commentary", "lead"}:
        return True
    if not (_COMPLETE & set(table.cells)):
        return True  # the row has not yet printed its status or figures
    return table.header.mode != "flat" and "ref" not in cells and "text" not in cells


def _add(table: _Open, line: Line, cells: Mapping[Field, str]) -> None:
    if _is_bullet(line.text):
        into: Field = "commentary" if "commentary" in table.header.fields else "text"
        cells = {into: line.text.strip()}
    for key, value in cells.items():
        old = table.cells.get(key)
        table.cells[key] = f"{old} {value}" if old else value
    table.lines.append(line)


def _feed(table: _Open, line: Line, vocab: Vocab) -> bool:
    """Add ``line`` to the open table; False when it does not belong there."""
    cells = line_cells(line.text, table.header, vocab)
    if cells is None:
        return False
    if "ref" not in table.header.fields and "rag" in cells and not vocab.is_status(cells["rag"]):
        return False  # no status where a table without refs prints one: another table
    if _is_bullet(line.text) and table.lines:
        _add(table, line, cells)
    elif _starts_row(table, cells, vocab):
        if _is_sentence(table, line, cells):
            return False  # a paragraph after a table without refs: the table has ended
        table.close_row()
        _add(table, line, cells)
    elif _continues(table, line, cells):
        _add(table, line, cells)
    else:
        return False
    return True


def _ref_starts(text: str, ref: re.Pattern[str]) -> list[int]:
    """Where a ref starts a new row inside a line the PDF reader joined into one paragraph:
    after a full stop, or a ref with two separators or a letter (``1.2.1.KR``, ``4.01.02``),
    followed by a word in capitals; never a bare figure (``15 Red``)."""
    starts = []
    for m in ref.finditer(text):
        if m.start() == 0 or text[m.start() - 1] != " " or not text[m.end() :].startswith(" "):
            continue
        shaped = m.group(0).count(".") >= 2 or any(c.isalpha() for c in m.group(0))
        after_stop = text[: m.start()].rstrip().endswith((".", ":"))
        if (shaped or after_stop) and text[m.end() + 1 : m.end() + 2].isupper():
            starts.append(m.start())
    return starts


def split_at_refs(lines: Sequence[Line], ref: re.Pattern[str]) -> list[Line]:
    """Lines with no separators split before each ref inside them (same number and page)."""
    out: list[Line] = []
    for line in lines:
        starts = (
            [] if "\t" in line.text or "  " in line.text.strip() else _ref_starts(line.text, ref)
        )
        if not starts:
            out.append(line)  # as it was: an aligned line's cells are placed by position
            continue
        bounds = [0, *starts, len(line.text)]
        out += [line._replace(text=line.text[a:b].strip()) for a, b in itertools.pairwise(bounds)]
    return out


def is_heading(lines: Sequence[Line], n: int, aliases: ColumnNames | None = None) -> bool:
    """A short line, not a sentence, standing alone (a blank line or the edge before it and
    after it) or printed straight above a table header: a heading over what follows."""
    text = lines[n].text.strip()
    if not text or len(text) > _HEADING_MAX or text.endswith((".", ":", ",")):
        return False
    if aliases is not None and n + 1 < len(lines) and read_header(lines[n + 1], aliases):
        return True
    before = n == 0 or not lines[n - 1].text.strip()
    after = n + 1 >= len(lines) or not lines[n + 1].text.strip()
    return before and after


def _header_at(lines: Sequence[Line], n: int, names: ColumnNames) -> tuple[Header | None, int]:
    """The header starting at line ``n`` and the index of a second line its names wrap onto
    (-1 when they do not): a wrapped header is preferred, as ``RAG`` alone is a header too."""
    below = n + 1
    if below < len(lines) and (wrapped := read_wrapped_header(lines[n], lines[below], names)):
        return wrapped, below
    return read_header(lines[n], names), -1


def read_tables(
    lines: Sequence[Line], aliases: Mapping[Field, Sequence[str]], vocab: Vocab
) -> list[FoundTable]:
    """Every table of items in ``lines``, with the heading printed last before each."""
    names = ColumnNames.of(aliases)
    tables: list[FoundTable] = []
    table: _Open | None = None
    heading: str | None = None
    skip = -1
    for n, line in enumerate(lines):
        text = line.text.strip()
        if not text or n == skip:
            continue
        header, skip = _header_at(lines, n, names)
        if header is not None:
            if table is not None and header.fields == table.header.fields:
                continue  # the header repeated on a new page: the table goes on
            if table is not None:
                tables.append(table.table())
            table = _Open(header, heading)
            continue
        heading_here = is_heading(lines, n, names) and text[:1].isupper()
        if table is not None and not heading_here and _feed(table, line, vocab):
            continue
        if table is not None:
            tables.append(table.table())
            table = None
        if heading_here:
            heading = " ".join(text.split())
    if table is not None:
        tables.append(table.table())
    return tables
