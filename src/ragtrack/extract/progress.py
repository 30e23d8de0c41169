"""Parsing a quarterly progress report into document, item and commentary records.

Stages: classify and segment lines (:mod:`ragtrack.extract.segment`), decide which heading
labels which block, then turn rows and commentary sections into frozen records. Each stage
is a pure function of the previous one's output.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from typing import Literal, TypedDict

from ragtrack.errors import ParseError
from ragtrack.extract.commentary import (
    CommentaryStyle,
    detect_style,
    is_nothing_to_report,
    label_free_text,
    paragraph_refs,
    split_paragraphs,
)
from ragtrack.extract.provenance import (
    WarningLog,
    document_record,
    far_future,
    ingest_date,
    quote,
    stable_id,
    warn_far_future_plan_year,
)
from ragtrack.extract.rows import split_row_tail
from ragtrack.extract.segment import (
    CommentaryBlock,
    Context,
    HeadingBlock,
    RawRow,
    Section,
    Segmented,
    TableBlock,
    assign_contexts,
    segment,
)
from ragtrack.extract.structure import Classified
from ragtrack.normalise.kinds import PlanYear, Rag
from ragtrack.normalise.refs import RefStyle, canonical_ref, ref_outcome
from ragtrack.normalise.text import clean_text, join_wrapped
from ragtrack.normalise.values import (
    canonical_direction,
    canonical_plan_year,
    canonical_rag,
    financial_quarter_of,
    financial_year_of,
    milestone_date,
    read_printed_date,
)
from ragtrack.records import (
    CommentaryRecord,
    ItemRecord,
    Kind,
    Line,
    ParsedDocument,
    SourceText,
)

log = logging.getLogger(__name__)

#: "Progress to <date>", the date ending at a dash or bracket (a hyphen between digits, as in
#: 31-12-2019, is part of the date).
_PERIOD = re.compile(
    r"Progress\s+(?:up\s+)?to\s+(?P<date>(?:\d-(?=\d)|[^()\-–])+?)\s*(?:[-–)]|$)",
    re.IGNORECASE,
)
_QUARTER = re.compile(r"\bQ(?:uarter|tr)?\.?\s*(?P<q>[1-4])\b", re.IGNORECASE)
_COUNCIL = re.compile(
    r"\b(?P<name>[A-Za-z][A-Za-z'’\-]+(?:\s+[A-Za-z][A-Za-z'’\-]+){0,3})\s+Council\b(?!\s+Plan)",
    re.IGNORECASE,
)
_NOT_A_COUNCIL_NAME = {"plan", "delivery", "progress", "report", "the", "our", "of", "for"}


# ---------------------------------------------------------------- document fields


def _period_end(date: str, line: Line, warnings: WarningLog, today: dt.date) -> dt.date | None:
    """The period end printed as ``date`` on ``line``. One that is no real date (31 February)
    or cannot be read is left empty, never guessed; one more than a year after the date of
    ingest is kept. Each leaves a warning naming the text as printed."""
    printed = read_printed_date(date)
    if printed is None:
        warnings.add(line, f"period end {quote(date)} is not a date; period end left empty")
        return None
    if printed.value is None:
        warnings.add(
            line,
            f"period end {quote(printed.printed)} is not a real date ({printed.problem}); "
            "period end left empty, not guessed",
        )
        return None
    if far_future(printed.value, today):
        warnings.add(
            line,
            f"period end {quote(printed.printed)} ({printed.value}) is more than a year after "
            f"the date of ingest ({today}): probably a typo; kept as printed",
        )
    return printed.value


def _period(
    front: list[Line], warnings: WarningLog, today: dt.date
) -> tuple[dt.date | None, int | None, PlanYear | None]:
    """Period end, printed quarter and plan year from the first "Progress to ..." line that
    prints a date (else the first such line, to warn about what it holds)."""
    found = [(line, m) for line in front if (m := _PERIOD.search(line.text.strip()))]
    dated = [(line, m) for line, m in found if read_printed_date(m["date"]) is not None]
    if not (dated or found):
        return None, None, None
    line, match = (dated or found)[0]
    after = line.text.strip()[match.end() - 1 :]
    q = _QUARTER.search(after)
    period_end = _period_end(match["date"], line, warnings, today)
    return period_end, int(q["q"]) if q else None, canonical_plan_year(after)


class _DocumentFields(TypedDict):
    """What the front matter and headings say about the document."""

    title: str | None
    council: str | None
    period_end: dt.date | None
    quarter: int | None
    plan_year: PlanYear | None


def _document_fields(
    front: list[Line], blocks_years: list[PlanYear], warnings: WarningLog, today: dt.date
) -> _DocumentFields:
    """Title, council, period end, quarter and plan year from the front matter and headings."""
    texts = [line.text.strip() for line in front if line.text.strip()]
    title_parts: list[str] = []
    for text in texts:
        if _PERIOD.search(text) or text.startswith("(") or text.casefold().startswith("rag"):
            break
        title_parts.append(text)
    title = " ".join(" ".join(title_parts).split()) or None

    period_end, quarter, period_year = _period(front, warnings, today)
    if period_end is not None and quarter is None:
        quarter = financial_quarter_of(period_end)
    elif period_end is not None and quarter != financial_quarter_of(period_end):
        warnings.add(None, f"printed quarter Q{quarter} does not match period end {period_end}")

    heading_year = Counter(blocks_years).most_common(1)[0][0] if blocks_years else None
    plan_year = period_year or heading_year
    if plan_year is None and period_end is not None:
        plan_year = financial_year_of(period_end)
    if period_end is not None and plan_year and plan_year != financial_year_of(period_end):
        warnings.add(None, f"plan year {plan_year} does not contain period end {period_end}")

    council = None
    for text in texts:
        for match in _COUNCIL.finditer(text):
            words = match["name"].split()
            if not words or any(w.casefold() in _NOT_A_COUNCIL_NAME for w in words):
                continue
            council = " ".join(w.capitalize() if w.isupper() else w for w in words) + " Council"
            break
        if council:
            break
    return {
        "title": title,
        "council": council,
        "period_end": period_end,
        "quarter": quarter,
        "plan_year": plan_year,
    }


# ---------------------------------------------------------------- items


def _table_kind(table: TableBlock, ctx: Context) -> Kind:
    header = table.header
    if header.measures or ctx.measures or not header.has_milestone:
        return "measure"
    return "action"


def _row_record(
    row: RawRow,
    table: TableBlock,
    ctx: Context,
    kind: Kind,
    document_id: str,
    ordinal: int,
    colours: dict[int, Rag],
    warnings: WarningLog,
) -> ItemRecord:
    colour = next((colours[line.number] for line in row.lines if line.number in colours), None)
    tail = row.tail or split_row_tail(
        row.body,
        has_milestone=table.header.has_milestone,
        has_colour=colour is not None,
        cells=row.cells,
    )
    text = clean_text(join_wrapped(tail.text.split("\n")))
    first = row.lines[0]
    rag = canonical_rag(tail.rag_raw)
    rag_source: Literal["letter", "colour"] | None = "letter" if rag else None
    if colour is not None:
        if rag is None:
            rag, rag_source = colour, "colour"
        elif rag != colour:
            warnings.add(
                first,
                f"{row.ref}: RAG letter says {rag} but the cell colour is "
                f"{colour}; kept the letter",
            )
    if not tail.complete and rag is None:
        warnings.add(first, f"{row.ref}: no RAG status found in row {quote(row.body)}")
    elif rag is None:
        warnings.add(first, f"{row.ref}: RAG cell is empty")
    if table.header.has_milestone and tail.milestone is None and tail.complete:
        warnings.add(first, f"{row.ref}: no milestone found")
    direction = canonical_direction(tail.arrow_raw)
    if tail.arrow_raw is None and tail.complete:
        warnings.add(first, f"{row.ref}: no direction of travel printed")
    if not text:
        warnings.add(first, f"{row.ref}: row has no text")
    milestone = tail.milestone
    ref = row.ref
    if ctx.outcome_number is not None and ref_outcome(ref) not in (None, ctx.outcome_number):
        warnings.add(
            first,
            f"{ref}: ref is numbered for outcome {ref_outcome(ref)} but sits "
            f"under outcome {ctx.outcome_number}",
        )
    return ItemRecord(
        document_id=document_id,
        item_id=stable_id(document_id, kind, ref, ordinal),
        kind=kind,
        ref=ref,
        outcome_number=ctx.outcome_number,
        outcome=ctx.outcome,
        supporting_outcome=None if kind == "measure" else ctx.supporting,
        section="measures" if kind == "measure" else "actions",
        text=text,
        milestone=milestone,
        milestone_date=milestone_date(milestone),
        rag=rag,
        direction=direction,
        direction_raw=tail.arrow_raw,
        responsible=None,
        page=first.page,
        line_start=first.number,
        line_end=row.lines[-1].number,
        rag_source=rag_source,
    )


def _items(
    seg: Segmented,
    contexts: list[Context | None],
    document_id: str,
    colours: dict[int, Rag],
    warnings: WarningLog,
) -> list[ItemRecord]:
    items: list[ItemRecord] = []
    seen: Counter[tuple[str, str]] = Counter()
    for block, ctx in zip(seg.blocks, contexts, strict=True):
        if not isinstance(block, TableBlock) or ctx is None:
            continue
        if not block.rows:
            warnings.add(block.header_line, "table header with no rows under it")
        kind = _table_kind(block, ctx)
        for row in block.rows:
            key = (kind, canonical_ref(row.ref))
            if seen[key]:
                warnings.add(row.lines[0], f"{row.ref}: ref printed more than once; kept both rows")
            items.append(
                _row_record(row, block, ctx, kind, document_id, seen[key], colours, warnings)
            )
            seen[key] += 1
    return items


# ---------------------------------------------------------------- commentary


def _commentary(
    seg: Segmented, contexts: list[Context | None], style: CommentaryStyle, document_id: str
) -> list[CommentaryRecord]:
    records: list[CommentaryRecord] = []
    for block, ctx in zip(seg.blocks, contexts, strict=True):
        if not isinstance(block, CommentaryBlock) or ctx is None:
            continue
        for section in block.sections:
            supporting = None if ctx.measures else ctx.supporting
            paragraphs = split_paragraphs(section, style, ctx.measures)

            def record(
                text: str,
                refs: list[str],
                empty: bool,
                lines: list[Line],
                ctx: Context = ctx,
                section: Section = section,
                supporting: str | None = supporting,
            ) -> CommentaryRecord:
                first, last = lines[0], lines[-1]
                return CommentaryRecord(
                    document_id=document_id,
                    commentary_id=stable_id(
                        document_id, section.category, first.number, len(records)
                    ),
                    category=section.category,
                    outcome_number=ctx.outcome_number,
                    outcome=ctx.outcome,
                    supporting_outcome=supporting,
                    refs=tuple(refs),
                    text=text,
                    empty=empty,
                    page=first.page,
                    line_start=first.number,
                    line_end=last.number,
                )

            if not paragraphs:
                records.append(record("", [], True, [section.heading]))
                continue
            for paragraph in paragraphs:
                text = paragraph.text()
                empty = is_nothing_to_report(label_free_text(text, paragraph.label))
                refs = paragraph_refs(text, paragraph.label, style)
                records.append(record(text, refs, empty, paragraph.lines))
    return records


# ---------------------------------------------------------------- entry point


def parse_progress_report(
    source: SourceText, classes: list[Classified] | None = None, *, today: dt.date | None = None
) -> ParsedDocument:
    """Parse a progress report (either text layout, or lines from a PDF) into records.

    ``classes`` are the lines already classified, when the caller has them; ``today`` is the
    date of ingest, against which far-off dates are warned about (default: today)."""
    warnings = WarningLog(source.pages)
    seg = segment(source.lines, source.rag_colour, classes)
    contexts = assign_contexts(seg.blocks)
    document_id = source.sha256

    heading_years = [y for b in seg.blocks if isinstance(b, HeadingBlock) for y in b.plan_years]
    today = ingest_date(today)
    fields = _document_fields(seg.front, heading_years, warnings, today)
    period_end, plan_year = fields["period_end"], fields["plan_year"]
    if isinstance(plan_year, str) and not (
        isinstance(period_end, dt.date)
        and far_future(period_end, today)
        and plan_year == financial_year_of(period_end)
    ):  # a plan year that follows from a far-off period end is warned about with it
        warn_far_future_plan_year(plan_year, source.lines, warnings, today)

    items = _items(seg, contexts, document_id, source.rag_colour, warnings)
    actions = [i.ref for i in items if i.kind == "action" and i.ref]
    measures = [i.ref for i in items if i.kind == "measure" and i.ref]
    ref_style = RefStyle.from_refs(actions, measures)
    item_refs = frozenset(canonical_ref(r) for r in actions + measures)
    sections = [s for b in seg.blocks if isinstance(b, CommentaryBlock) for s in b.sections]
    style = detect_style(sections, ref_style, item_refs)
    commentary = _commentary(seg, contexts, style, document_id)

    for line, why in seg.unplaced:
        warnings.add(line, f"could not place line ({why}): {quote(line.text)}")
    if not items and not commentary:
        tables = [b for b in seg.blocks if isinstance(b, TableBlock)]
        if tables:  # a report after all, but its rows carry no refs to key them on
            first = tables[0].header_line
            raise ParseError(
                f"{len(tables)} table{'s' if len(tables) > 1 else ''} of actions or measures "
                "found but no row starts with a ref (such as 1.1, M1.1 or A1.1), and no "
                "commentary: nothing to record",
                file=source.name,
                page=first.page if source.pages > 1 else None,
                line=first.number,
            )
        raise ParseError(
            "no actions, measures or commentary found: this does not look like "
            "a council plan progress report",
            file=source.name,
        )

    document = document_record(
        source,
        "progress_report",
        warnings,
        council=fields["council"],
        title=fields["title"],
        plan_year=fields["plan_year"],
        period_end=fields["period_end"],
        quarter=fields["quarter"],
    )
    return ParsedDocument(document=document, items=tuple(items), commentary=tuple(commentary))
