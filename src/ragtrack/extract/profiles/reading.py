"""A profile's reading of a document: its tables (or blocks) found, rows kept by section,
and how well the profile fits, so the best of several profiles can be chosen by evidence."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ragtrack.extract.profiles.profile import Profile
from ragtrack.extract.provenance import quote
from ragtrack.extract.tables.blocks import read_blocks
from ragtrack.extract.tables.cells import VALUE, Vocab
from ragtrack.extract.tables.columns import Field, Header, fold
from ragtrack.extract.tables.rows import FoundTable, TableRow, read_tables, split_at_refs
from ragtrack.extract.tables.tiles import read_tiles
from ragtrack.normalise.status import RATED, STATUS_WORDS, TREND_WORDS, read_status, read_trend
from ragtrack.normalise.values import DIRECTION_CANONICAL
from ragtrack.records import Line, SourceText


@dataclass(frozen=True, slots=True)
class Reading:
    """What one profile finds in a document: the header rows, the rows it keeps (in the
    sections it reads), and its score (rows whose ref or status it recognises)."""

    profile: Profile
    headers: tuple[Header, ...]
    rows: tuple[TableRow, ...]
    score: int
    #: whether any row is rated red, amber or green, or prints a trend
    rated: bool = False
    #: header columns found by names the profile itself gives (not the common vocabulary):
    #: between profiles with equal evidence, the one written for the layout fits better
    named: int = 0
    #: what the reading passed over that a user should hear of: (line, message)
    notes: tuple[tuple[Line, str], ...] = ()


def _tail_finder(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)
    return re.compile(rf"(?:^|(?<=\s))(?:{alternatives})$", re.IGNORECASE)


def vocab_of(profile: Profile) -> Vocab:
    """The status and trend words of a profile as end-of-line finders for flat rows."""
    status = _tail_finder([*STATUS_WORDS, *profile.status])
    trend = _tail_finder([*TREND_WORDS, *profile.trend, *DIRECTION_CANONICAL])

    def status_tail(text: str) -> str | None:
        m = status.search(text)
        return m.group(0) if m else None

    def trend_tail(text: str) -> str | None:
        m = trend.search(text)
        return m.group(0) if m else None

    def is_status(text: str) -> bool:
        reading = read_status(text, profile.status)
        return reading is not None and reading.meaning != "unknown"

    return Vocab(status_tail, trend_tail, profile.ref, is_status)


def _kept(row: TableRow, profile: Profile) -> bool:
    heading = row.heading or ""
    if any(p.search(heading) for p in profile.exclude):
        return False
    return not profile.include or any(p.search(heading) for p in profile.include)


def _evidence(row: TableRow, profile: Profile) -> tuple[bool, bool]:
    """Whether a row prints a status or trend the layout knows, and whether it is a rating
    (red, amber or green) or a trend: what a RAG report prints and a register, a form or a
    table of counts does not."""
    status = read_status(row.cells.get("rag") or row.cells.get("previous_rag"), profile.status)
    direction, known = read_trend(row.cells.get("direction"), profile.trend)
    trend = direction is not None and known
    rated = status is not None and status.rag in RATED
    return (status is not None and status.meaning != "unknown") or trend, rated or trend


def _score(rows: Sequence[TableRow], profile: Profile) -> tuple[int, bool]:
    """Rows with a known status or trend (three for one whose ref is the profile's shape),
    and whether any row is rated."""
    score, rated = 0, False
    for row in rows:
        counts, rates = _evidence(row, profile)
        if not counts:
            continue  # a name with no known status about it is no evidence
        rated = rated or rates
        ref = row.cells.get("ref")
        score += 3 if ref and profile.ref is not None and profile.ref.fullmatch(ref) else 1
    return score, rated


#: Where a cell of the other kind goes: a status word printed under a column named for a
#: figure (``Previous: AMBER``), or a figure under a column named for a status.
_OTHER_KIND: dict[Field, Field] = {
    "previous_value": "previous_rag",
    "previous_rag": "previous_value",
    "value": "rag",
    "rag": "value",
}


def _settled(row: TableRow, is_status: Callable[[str], bool]) -> TableRow:
    """``row`` with each cell under the field its value shows it to be, where the column's
    name alone is ambiguous ("Previous" prints a rating in one report, a figure in
    another). A cell moves only into an empty field."""
    cells = dict(row.cells)
    for field, other in _OTHER_KIND.items():
        value = row.cells.get(field)
        if value is None or other in row.cells or other in cells:
            continue
        first = value.split(" ", 1)[0]
        figure = VALUE.fullmatch(first) is not None and any(c.isdigit() for c in first)
        to_status = field in ("value", "previous_value")
        if (to_status and not figure and is_status(value)) or (not to_status and figure):
            cells[other] = cells.pop(field)
    return row if cells == row.cells else replace(row, cells=cells)


def with_tiles(rows: Sequence[TableRow], tiles: Sequence[TableRow]) -> list[TableRow]:
    """Table rows and KPI tiles in reading order; a tile naming a KPI a table row names adds
    its figures to that row (the row keeps its place and lines) rather than repeating it."""
    by_name = {fold(r.cells.get("text", "")): n for n, r in enumerate(rows)}
    out = list(rows)
    for tile in tiles:
        n = by_name.get(fold(tile.cells["text"]))
        if n is None:
            out.append(tile)
        else:
            out[n] = replace(out[n], cells={**tile.cells, **out[n].cells})
    return sorted(out, key=lambda r: (r.lines[0].page, r.lines[0].number))


def _named(headers: Sequence[Header], profile: Profile) -> int:
    own = {fold(name) for names in profile.columns.values() for name in names}
    return sum(fold(c.label) in own for h in headers for c in h.columns)


def read_with(profile: Profile, source: SourceText) -> Reading:
    """The document read by ``profile``."""
    aliases = profile.aliases
    if profile.form == "blocks":
        if profile.ref is None:
            return Reading(profile, (), (), 0)
        lines = split_at_refs(source.lines, profile.ref)
        rows = tuple(r for r in read_blocks(lines, aliases, profile.ref) if _kept(r, profile))
        return Reading(profile, (), rows, *_score(rows, profile))
    lines = split_at_refs(source.lines, profile.ref) if profile.ref else list(source.lines)
    vocab = vocab_of(profile)
    tables = read_tables(lines, aliases, vocab)
    found = [_settled(r, vocab.is_status) for t in tables for r in t.rows]
    notes: tuple[tuple[Line, str], ...] = ()
    if profile.tiles:
        tiles, unnamed = read_tiles(lines, aliases)
        found = with_tiles(found, tiles)
        notes = tuple((line, _UNNAMED) for line in unnamed)
    rows = tuple(r for r in found if _kept(r, profile))
    kept = {r.lines[0] for r in rows}
    notes += tuple(note for t in tables if (note := _no_trend_printed(t, kept)) is not None)
    headers = tuple(t.header for t in tables)
    score, rated = _score(rows, profile)
    return Reading(profile, headers, rows, score, rated, _named(headers, profile), notes)


_UNNAMED = "figures printed as a KPI tile with no name above them; not read as an item"


def _no_trend_printed(table: FoundTable, kept: set[Line]) -> tuple[Line, str] | None:
    """One note for a table with a direction column that prints no text in any of the rows
    kept (first lines ``kept``): its trends are pictures (arrow images), which are not read,
    and a user should know the direction is empty for that reason, not left blank. (A blank
    cell here and there is a row without a trend, and no news.)"""
    column = next((c for c in table.header.columns if c.field == "direction"), None)
    rows = [r for r in table.rows if r.lines[0] in kept]
    if column is None or not rows or any(r.cells.get("direction", "").strip() for r in rows):
        return None
    where = f" under {quote(table.heading)}" if table.heading else ""
    return rows[0].lines[0], (
        f"no row of the table{where} prints text in its {quote(column.label)} column (arrows "
        "drawn as pictures are not read); direction left empty"
    )


#: Evidence a profile needs before it is chosen: two rows with a known status or trend
#: (one, with a ref of the profile's shape), one of them rated or with a trend.
_ENOUGH = 2


def choose(readings: Sequence[Reading]) -> Reading | None:
    """The reading with the most evidence (ties go to the profile that names more of the
    columns found, then to the first), None if none has enough."""
    best = max(readings, key=lambda r: (r.score, r.named), default=None)
    return best if best is not None and best.score >= _ENOUGH and best.rated else None


def what_was_missing(reading: Reading) -> str:
    """One line naming what a profile looked for and did not find."""
    profile = reading.profile
    if profile.form == "blocks" and reading.rows:
        return (
            f"profile {profile.name!r}: {len(reading.rows)} items found, but none prints a "
            "status or trend it knows (no item rated red, amber or green)"
        )
    if profile.form == "blocks":
        pattern = profile.ref.pattern if profile.ref else "(no ref pattern set)"
        return f"profile {profile.name!r}: no item starting with a ref matching {pattern!r} found"
    if not reading.headers:
        names = {f: profile.aliases[f][:3] for f in ("ref", "text", "rag") if f in profile.aliases}
        looked = "; ".join(f"{f}: {'/'.join(n)}" for f, n in names.items())
        return f"profile {profile.name!r}: no table header row found (looked for columns {looked})"
    found = " | ".join(c.label for c in reading.headers[0].columns)
    if reading.rows:
        return (
            f"profile {profile.name!r}: header ({found}) found on line "
            f"{reading.headers[0].line.number}, but {len(reading.rows)} rows under it print "
            "no status or trend it knows (no row rated red, amber or green)"
        )
    if profile.ref is not None:
        return (
            f"profile {profile.name!r}: header ({found}) found on line "
            f"{reading.headers[0].line.number} but no row starts with a ref matching "
            f"{profile.ref.pattern!r}"
        )
    return f"profile {profile.name!r}: header ({found}) found but no rows under it"
