"""A document read through a layout profile, to the same records the Cumbria parsers give.

Stages: the profile's reading (:mod:`.reading`), the document's fields from its front lines,
each row to an item (and its commentary cell to a commentary paragraph), then the sanity
limits: a document with one implausible item is refused, never stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ragtrack.errors import ParseError
from ragtrack.extract.profiles.profile import Profile
from ragtrack.extract.profiles.reading import Reading, choose, read_with, what_was_missing
from ragtrack.extract.provenance import WarningLog, document_record, ingest_date, quote, stable_id
from ragtrack.extract.tables.rows import TableRow
from ragtrack.normalise.kinds import Ref
from ragtrack.normalise.status import read_status, read_trend
from ragtrack.normalise.text import clean_text
from ragtrack.normalise.values import (
    canonical_plan_year,
    financial_quarter_of,
    financial_year_of,
    milestone_date,
    month_end,
    read_printed_date,
)
from ragtrack.records import (
    CommentaryRecord,
    ItemRecord,
    Line,
    ParsedDocument,
    PrintedCells,
    SourceText,
)

_FRONT = 40
_COUNCIL = re.compile(
    r"\b(?P<name>(?:[A-Z][\w'’-]+\s+){1,4}?(?:County\s+|Borough\s+|District\s+|City\s+)?Council)\b"
)
_QUARTER = re.compile(
    r"\b(?:Quarter|Q)\s*(?P<q>[1-4])\b[^0-9]{0,12}(?P<year>(?:19|20)\d{2}\s*[/-]\s*\d{2,4})", re.I
)
_AS_AT = re.compile(r"\b(?:to|ending|as at|at|end of)\s+(?P<date>.{4,30})", re.I)


def _council(front: Sequence[Line], profile: Profile) -> str | None:
    pattern = profile.council or _COUNCIL
    for line in front:
        if m := pattern.search(line.text):
            name = m.groupdict().get("name") or m.group(0)
            return " ".join(name.split())
    return None


def _period(front: Sequence[Line], profile: Profile) -> tuple[dt.date | None, int | None]:
    """The period end and quarter, from the profile's pattern or a printed quarter and year
    (``Quarter 2 2024/25`` ends 30 September 2024) or a date after "to"/"as at"."""
    for line in front:
        if profile.period is not None:
            m = profile.period.search(line.text)
            printed = read_printed_date(m.groupdict().get("date") or m.group(0)) if m else None
            if printed and printed.value:
                return printed.value, financial_quarter_of(printed.value)
            continue
        if m := _QUARTER.search(line.text):
            year = canonical_plan_year(m["year"])
            if year:
                q = int(m["q"])
                start = int(year[:4]) + (1 if q == 4 else 0)
                return month_end(start, {1: 6, 2: 9, 3: 12, 4: 3}[q]), q
        m = _AS_AT.search(line.text)
        printed = read_printed_date(m["date"]) if m else None
        if printed is not None and printed.value is not None:
            return printed.value, financial_quarter_of(printed.value)
    return None, None


def _item(
    row: TableRow, profile: Profile, document_id: str, n: int, warnings: WarningLog
) -> ItemRecord:
    cells, first = row.cells, row.lines[0]
    ref = cells.get("ref")
    status = read_status(cells.get("rag"), profile.status)
    if status is not None and status.meaning == "unknown":
        warnings.add(
            first, f"{ref or 'row'}: status {quote(status.raw)} is not a known word; RAG left empty"
        )
    direction, known = read_trend(cells.get("direction"), profile.trend)
    if not known:
        warnings.add(
            first, f"{ref or 'row'}: trend {quote(cells.get('direction', ''))} is not a known word"
        )
    milestone = cells.get("milestone")
    return ItemRecord(
        document_id=document_id,
        item_id=stable_id(document_id, profile.kind, ref or cells.get("text"), n),
        kind=profile.kind,
        ref=Ref(ref) if ref else None,
        outcome_number=None,
        outcome=row.heading,
        supporting_outcome=None,
        section="measures" if profile.kind == "measure" else "actions",
        text=clean_text(cells.get("text", "")),
        milestone=milestone,
        milestone_date=milestone_date(milestone),
        rag=status.rag if status else None,
        direction=direction,
        direction_raw=cells.get("direction"),
        responsible=cells.get("lead"),
        page=first.page,
        line_start=first.number,
        line_end=row.lines[-1].number,
        rag_source="letter" if status and status.rag else None,
    )


def _printed(row: TableRow, profile: Profile) -> PrintedCells:
    cells = row.cells
    status = read_status(cells.get("rag"), profile.status)
    previous = read_status(cells.get("previous_rag"), profile.status)
    return PrintedCells(
        rag_raw=status.raw if status else None,
        printed_previous_rag=previous.rag if previous else None,
        value=cells.get("value"),
        target=cells.get("target"),
        floor=cells.get("floor"),
        previous_value=cells.get("previous_value"),
        unit=cells.get("unit"),
    )


def _commentary(row: TableRow, item: ItemRecord, n: int) -> CommentaryRecord | None:
    text = row.cells.get("commentary")
    if not text:
        return None
    return CommentaryRecord(
        document_id=item.document_id,
        commentary_id=stable_id(item.document_id, "progress", item.line_start, n),
        category="progress",
        outcome_number=None,
        outcome=item.outcome,
        supporting_outcome=None,
        refs=(item.ref,) if item.ref else (),
        text=" ".join(text.split()),
        empty=False,
        page=item.page,
        line_start=item.line_start,
        line_end=item.line_end,
    )


def check_limits(items: Sequence[ItemRecord], profile: Profile, name: str) -> None:
    """Refuse a document with an item too long to be one: the layout was misread."""
    for item in items:
        lines = item.line_end - item.line_start + 1
        if len(item.text) > profile.limits.max_item_chars or lines > profile.limits.max_item_lines:
            raise ParseError(
                f"item {item.ref or quote(item.text, 30)} runs to {len(item.text):,} characters "
                f"over {lines:,} lines (at most {profile.limits.max_item_chars:,} and "
                f"{profile.limits.max_item_lines:,}): not a report of this layout",
                file=name,
                line=item.line_start,
            )


def parse_reading(
    source: SourceText, reading: Reading, *, today: dt.date | None = None
) -> ParsedDocument:
    """The records of a document as ``reading`` found them; ParseError when it found none."""
    profile = reading.profile
    if not reading.rows:
        raise ParseError(what_was_missing(reading), file=source.name)
    warnings = WarningLog(source.pages)
    for line, note in reading.notes:
        warnings.add(line, note)
    items = [_item(r, profile, source.sha256, n, warnings) for n, r in enumerate(reading.rows)]
    check_limits(items, profile, source.name)
    notes = [_commentary(r, i, n) for n, (r, i) in enumerate(zip(reading.rows, items, strict=True))]
    front = [line for line in source.lines[:_FRONT] if line.text.strip()]
    period_end, quarter = _period(front, profile)
    if period_end is None:
        looked = (
            f"profile's pattern {profile.period.pattern!r}"
            if profile.period
            else ("'Quarter N YYYY/YY' or a date after 'to' or 'as at'")
        )
        warnings.add(None, f"no reporting period found in the first lines ({looked}); left empty")
    ingest_date(today)
    document = document_record(
        source,
        "progress_report",
        warnings,
        council=_council(front, profile),
        title=" ".join(front[0].text.split()) if front else None,
        plan_year=financial_year_of(period_end) if period_end else None,
        period_end=period_end,
        quarter=quarter,
    )
    commentary = tuple(c for c in notes if c is not None)
    printed = {i.item_id: _printed(r, profile) for r, i in zip(reading.rows, items, strict=True)}
    return ParsedDocument(document, tuple(items), commentary, profile.name, printed)


def parse_with_profile(
    source: SourceText, profile: Profile, *, today: dt.date | None = None
) -> ParsedDocument:
    """A document read by the one profile given; a clear error when it does not fit."""
    return parse_reading(source, read_with(profile, source), today=today)


def parse_best(
    source: SourceText, profiles: Sequence[Profile], *, today: dt.date | None = None
) -> ParsedDocument:
    """A document read by whichever of ``profiles`` finds most evidence; when none fits,
    one error saying what each did not find."""
    readings = [read_with(p, source) for p in profiles]
    chosen = choose(readings)
    if chosen is None:
        raise ParseError("; ".join(what_was_missing(r) for r in readings), file=source.name)
    return parse_reading(source, chosen, today=today)
