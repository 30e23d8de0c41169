"""What a layout reading of a document finds, for a user writing a profile: the chosen
layout, the header's columns and what each was mapped to, and the first rows' cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ragtrack.errors import ParseError
from ragtrack.extract.profiles.parse import parse_reading
from ragtrack.extract.profiles.profile import Profile, builtin_profiles
from ragtrack.extract.profiles.reading import Reading, choose, read_with, what_was_missing
from ragtrack.records import SourceText


@dataclass(frozen=True, slots=True)
class InspectedRow:
    """One row's cells as read (field, text), with the lines it came from."""

    line_start: int
    line_end: int
    cells: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Inspection:
    """A document as a layout reads it. ``layout`` is None when nothing fits, and
    ``problem`` then says what was not found; ``scores`` is each profile tried, with the
    evidence it found."""

    name: str
    layout: str | None
    scores: tuple[tuple[str, int], ...]
    header_line: int | None
    columns: tuple[tuple[str, str], ...]
    items: int
    rows: tuple[InspectedRow, ...]
    problem: str | None = None


def _rows(reading: Reading, limit: int) -> tuple[InspectedRow, ...]:
    return tuple(
        InspectedRow(r.lines[0].number, r.lines[-1].number, tuple(r.cells.items()))
        for r in reading.rows[:limit]
    )


def inspect_source(
    source: SourceText,
    profiles: Sequence[Profile] | None = None,
    *,
    rows: int = 5,
    today: dt.date | None = None,
) -> Inspection:
    """How ``source`` is read by one profile, or by the best of several (default: the
    built-in profiles)."""
    tried = list(profiles or builtin_profiles())
    readings = [read_with(p, source) for p in tried]
    scores = tuple((r.profile.name, r.score) for r in readings)
    chosen = readings[0] if len(readings) == 1 else choose(readings)
    if chosen is None:
        problems = "; ".join(what_was_missing(r) for r in readings)
        return Inspection(source.name, None, scores, None, (), 0, (), problems)
    header = chosen.headers[0] if chosen.headers else None
    columns = tuple((c.label, c.field) for c in header.columns) if header else ()
    try:
        items, problem = len(parse_reading(source, chosen, today=today).items), None
    except ParseError as err:
        items, problem = 0, err.message
    return Inspection(
        source.name,
        chosen.profile.name,
        scores,
        header.line.number if header else None,
        columns,
        items,
        _rows(chosen, rows),
        problem,
    )
