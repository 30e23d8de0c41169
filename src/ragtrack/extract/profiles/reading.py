"""A profile's reading of a document: its tables (or blocks) found, rows kept by section,
and how well the profile fits, so the best of several profiles can be chosen by evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ragtrack.extract.profiles.profile import Profile
from ragtrack.extract.tables.blocks import read_blocks
from ragtrack.extract.tables.cells import Vocab
from ragtrack.extract.tables.columns import Header
from ragtrack.extract.tables.rows import TableRow, read_tables, split_at_refs
from ragtrack.normalise.status import STATUS_WORDS, TREND_WORDS, read_status
from ragtrack.normalise.values import DIRECTION_CANONICAL
from ragtrack.records import SourceText


@dataclass(frozen=True, slots=True)
class Reading:
    """What one profile finds in a document: the header rows, the rows it keeps (in the
    sections it reads), and its score (rows whose ref or status it recognises)."""

    profile: Profile
    headers: tuple[Header, ...]
    rows: tuple[TableRow, ...]
    score: int


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


_REPORTED = frozenset({"rag", "value", "direction", "milestone"})


def _kept(row: TableRow, profile: Profile) -> bool:
    heading = row.heading or ""
    if any(p.search(heading) for p in profile.exclude):
        return False
    return not profile.include or any(p.search(heading) for p in profile.include)


def _score(rows: Sequence[TableRow], profile: Profile) -> int:
    score = 0
    for row in rows:
        if not (_REPORTED & set(row.cells)):
            continue  # a name with nothing reported about it is no evidence
        ref = row.cells.get("ref")
        score += 3 if ref and profile.ref is not None and profile.ref.fullmatch(ref) else 1
    return score


def read_with(profile: Profile, source: SourceText) -> Reading:
    """The document read by ``profile``."""
    aliases = profile.aliases
    if profile.form == "blocks":
        if profile.ref is None:
            return Reading(profile, (), (), 0)
        lines = split_at_refs(source.lines, profile.ref)
        rows = tuple(r for r in read_blocks(lines, aliases, profile.ref) if _kept(r, profile))
        return Reading(profile, (), rows, _score(rows, profile))
    lines = split_at_refs(source.lines, profile.ref) if profile.ref else list(source.lines)
    tables = read_tables(lines, aliases, vocab_of(profile))
    rows = tuple(r for t in tables for r in t.rows if _kept(r, profile))
    return Reading(profile, tuple(t.header for t in tables), rows, _score(rows, profile))


#: Evidence a built-in profile needs before it is chosen: two rows that report something.
_ENOUGH = 2


def choose(readings: Sequence[Reading]) -> Reading | None:
    """The reading with the most evidence (ties go to the first profile), None if none has
    enough."""
    best = max(readings, key=lambda r: r.score, default=None)
    return best if best is not None and best.score >= _ENOUGH else None


def what_was_missing(reading: Reading) -> str:
    """One line naming what a profile looked for and did not find."""
    profile = reading.profile
    if profile.form == "blocks":
        pattern = profile.ref.pattern if profile.ref else "(no ref pattern set)"
        return f"profile {profile.name!r}: no item starting with a ref matching {pattern!r} found"
    if not reading.headers:
        names = {f: profile.aliases[f][:3] for f in ("ref", "text", "rag") if f in profile.aliases}
        looked = "; ".join(f"{f}: {'/'.join(n)}" for f, n in names.items())
        return f"profile {profile.name!r}: no table header row found (looked for columns {looked})"
    found = " | ".join(c.label for c in reading.headers[0].columns)
    if profile.ref is not None:
        return (
            f"profile {profile.name!r}: header ({found}) found on line "
            f"{reading.headers[0].line.number} but no row starts with a ref matching "
            f"{profile.ref.pattern!r}"
        )
    return f"profile {profile.name!r}: header ({found}) found but no rows under it"
