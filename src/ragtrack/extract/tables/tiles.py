"""KPI tiles: later pages of a scorecard print one indicator per tile, its name on a line of
its own and its figures as ``Key: value`` pairs on the lines below (``Latest: 97% Target:
97%, Floor: 90% Previous: 97% (Green)``), one pair or several to a line.

A tile needs at least two figure keys the vocabulary knows (latest, target, floor, previous,
...), so prose that says "Target: ..." once, a form's ``Name:`` lines and a table of counts by
month are never tiles. A rating printed after a figure in brackets (``97% (Green)``) is that
figure's rating: after the previous value, the previous period's rating.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ragtrack.extract.tables.cells import VALUE
from ragtrack.extract.tables.columns import Field, fold
from ragtrack.extract.tables.rows import TableRow, is_heading
from ragtrack.records import Line

#: Fields a tile's keys may name; a tile needs two figures among them.
_TILE_FIELDS = frozenset(
    {"value", "previous_value", "target", "floor", "rag", "previous_rag", "unit", "direction"}
)
_FIGURES = frozenset({"value", "previous_value", "target", "floor"})
#: A figure named by a status column's name (``Previous: 97%``) and the reverse.
_FIGURE_OF: Mapping[Field, Field] = {"previous_rag": "previous_value", "rag": "value"}
_STATUS_OF: Mapping[Field, Field] = {"previous_value": "previous_rag", "value": "rag"}
_RATED = re.compile(r"^(?P<figure>.*?)\s*\((?P<status>[^()]{1,30})\)$")
#: A tile's name: a short line, not a sentence.
_NAME_MAX = 160


def _key_pattern(keys: Mapping[str, Field]) -> re.Pattern[str]:
    words = sorted(keys, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, k.split())) for k in words)
    return re.compile(rf"(?:^|(?<=[\s,;]))(?P<key>{alternatives})\s*:", re.IGNORECASE)


def _pairs(
    text: str, finder: re.Pattern[str], keys: Mapping[str, Field]
) -> list[tuple[Field, str]]:
    """The ``Key: value`` pairs of a line (empty unless the line starts with a key)."""
    found = list(finder.finditer(text.strip()))
    if not found or found[0].start() != 0:
        return []
    text = text.strip()
    out = []
    for m, after in zip(found, [*found[1:], None], strict=True):
        value = text[m.end() : after.start() if after else len(text)].strip(" ,;")
        out.append((keys[fold(m["key"])], value))
    return out


def _cells(pairs: Sequence[tuple[Field, str]]) -> dict[Field, str]:
    """A tile's pairs to cells: a bracketed rating split from its figure, a figure under a
    status name moved to its figure field, the unit taken from the latest figure."""
    cells: dict[Field, str] = {}
    for field, value in pairs:
        if not value:
            continue
        m = _RATED.match(value)
        figure, status = (m["figure"], m["status"]) if m else (value, None)
        first = figure.split(" ", 1)[0]
        if field in _FIGURE_OF and VALUE.fullmatch(first) and any(c.isdigit() for c in first):
            field = _FIGURE_OF[field]
        cells.setdefault(field, figure)
        if status and field in _STATUS_OF:
            cells.setdefault(_STATUS_OF[field], status)
    latest = cells.get("value", "")
    number = re.match(r"[-+]?[£$€]?\d[\d,]*(?:\.\d+)?", latest)
    if "unit" not in cells and number and latest[number.end() :].strip():
        cells["unit"] = latest[number.end() :].strip()
    return cells


def _name(lines: Sequence[Line], n: int, taken: set[int]) -> tuple[str, int] | None:
    """The tile's name and the index it starts at: the block of lines before line ``n`` (up
    to three, after blank lines in between), not a sentence, not a line another tile took."""
    at = n - 1
    while at >= 0 and not lines[at].text.strip():
        at -= 1
    start = at + 1
    while start - 1 >= 0 and lines[start - 1].text.strip() and start - 1 not in taken:
        if at - start + 2 > 3:
            break
        start -= 1
    text = " ".join(" ".join(line.text.split()) for line in lines[start : at + 1])
    if start > at or len(text) > _NAME_MAX or text.endswith((".", ":")) or ":" in text:
        return None
    return text, start


def read_tiles(
    lines: Sequence[Line], aliases: Mapping[Field, Sequence[str]]
) -> tuple[list[TableRow], list[Line]]:
    """Every tile in ``lines`` as a row (cells ``text`` and its figures), under the heading
    printed last before its name; and the first line of each run of figures that looked
    like a tile but had no name above it (so the caller can warn)."""
    keys = {fold(a): f for f, names in aliases.items() if f in _TILE_FIELDS for a in names}
    keys = {k: f for k, f in keys.items() if k}
    if not keys:
        return [], []
    finder = _key_pattern(keys)
    pairs = [_pairs(line.text, finder, keys) if ":" in line.text else [] for line in lines]
    rows: list[TableRow] = []
    unnamed: list[Line] = []
    taken: set[int] = set()
    filled = [n for n, line in enumerate(lines) if line.text.strip()]
    k = 0
    while k < len(filled):
        if not pairs[filled[k]]:
            k += 1
            continue
        first = k  # a run of key lines (blank lines between them, as PDF paragraphs come)
        while k + 1 < len(filled) and pairs[filled[k + 1]]:
            k += 1
        n, end = filled[first], filled[k]
        cells = _cells([p for at in filled[first : k + 1] for p in pairs[at]])
        named = _name(lines, n, taken)
        if len(_FIGURES & set(cells)) < 2:
            pass  # one figure ("Target: to be agreed"): prose or a form, no tile
        elif named is None:
            unnamed.append(lines[n])
        else:
            text, start = named
            taken.update(range(start, end + 1))
            rows.append(TableRow({"text": text, **cells}, tuple(lines[start : end + 1]), None))
        k += 1
    return _with_headings(lines, rows), unnamed


def _with_headings(lines: Sequence[Line], rows: list[TableRow]) -> list[TableRow]:
    """Each tile under the heading printed last before its name (never a tile's own name)."""
    names = {id(row.lines[0]) for row in rows}
    within = {id(line) for row in rows for line in row.lines}
    heading: str | None = None
    out: list[TableRow] = []
    by_start = {id(row.lines[0]): row for row in rows}
    for n, line in enumerate(lines):
        if id(line) in names:
            out.append(TableRow(by_start[id(line)].cells, by_start[id(line)].lines, heading))
        elif id(line) not in within and line.text.strip() and is_heading(lines, n):
            heading = " ".join(line.text.split())
    return out
