"""Items printed as blocks of ``Key: value`` lines under a ref and title, one block per item
(``4.01.01 Deliver the library refit`` then ``Directorate: Place``, ``Status: On track``...).

The keys are told by the same column vocabulary as table headers; a line with no known key
continues the value before it. A block ends where the next ref starts one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ragtrack.extract.tables.columns import Field, fold
from ragtrack.extract.tables.rows import TableRow, is_heading
from ragtrack.records import Line

_KEY = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z %/()'-]{0,40}?)\s*:\s*(?P<value>.*)$")


def _key_field(key: str, keys: Mapping[str, Field]) -> Field | None:
    return keys.get(fold(key))


def _start(line: Line, ref: re.Pattern[str]) -> tuple[str, str] | None:
    text = line.text.strip()
    m = ref.match(text)
    if m is None or text[m.end() : m.end() + 1].isalnum():
        return None
    rest = text[m.end() :].strip(" \t:-–")
    return m.group(0), rest


def read_blocks(
    lines: Sequence[Line], aliases: Mapping[Field, Sequence[str]], ref: re.Pattern[str]
) -> list[TableRow]:
    """Every block in ``lines`` as a row of cells, with the heading printed before it."""
    keys = {fold(a): f for f, names in aliases.items() for a in names}
    rows: list[TableRow] = []
    cells: dict[Field, str] = {}
    taken: list[Line] = []
    heading: str | None = None
    last: Field = "text"
    gap = False
    under: str | None = None  # the heading of the block being read
    for n, line in enumerate(lines):
        text = line.text.strip()
        gap = gap or not text
        if not text:
            continue
        started = _start(line, ref)
        if started is not None:
            if taken:
                rows.append(TableRow(cells, tuple(taken), under))
            under = heading
            cells, taken, last = {"ref": started[0], "text": started[1]}, [line], "text"
            gap = False
            continue
        m = _KEY.match(text)
        field = _key_field(m["key"], keys) if m else None
        if taken and m and field is not None:
            last = field
            cells[field] = " ".join(f"{cells.get(field, '')} {m['value']}".split())
            taken.append(line)
        elif taken and not gap and not (m and field is None and not m["value"]):
            cells[last] = f"{cells.get(last, '')} {text}".strip()
            taken.append(line)
        elif is_heading(lines, n):
            heading = " ".join(text.split())
        if taken and taken[-1] is line:
            gap = False
    if taken:
        rows.append(TableRow(cells, tuple(taken), under))
    return rows
