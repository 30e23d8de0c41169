"""Segmenting a report's lines into blocks: front matter, heading blocks, tables, commentary.

Segmentation only groups lines; it does not yet decide which heading labels which block
(that depends on whether the document prints headings before or after what they label, see
:func:`assign_contexts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from ragtrack.extract.rows import CELL_SEP, RowTail, may_end_row, split_row_tail
from ragtrack.extract.structure import (
    HEADING_KINDS,
    Classified,
    LineKind,
    classify_line,
    is_header_fragment,
    row_ref,
)
from ragtrack.normalise.kinds import PlanYear, Ref
from ragtrack.normalise.refs import ref_outcome, ref_prefix
from ragtrack.records import Category, Line

#: Running lines that mark the end of a report's front matter (legend, title).
_BODY_STARTS = {
    LineKind.TABLE_HEADER,
    LineKind.COMMENTARY,
    LineKind.SUPPORTING,
    LineKind.ACTIONS,
    LineKind.MEASURES,
    LineKind.RUNNING,
}


@dataclass
class HeadingBlock:
    lines: list[Line] = field(default_factory=list)
    outcome_number: int | None = None
    outcome: str | None = None
    has_outcome: bool = False
    supporting: str | None = None
    measures: bool = False
    actions: bool = False
    plan_years: list[PlanYear] = field(default_factory=list)
    _supporting_open: bool = False


@dataclass
class RawRow:
    ref: Ref
    lines: list[Line]
    body: str
    #: laid out in cells on one line (tab-separated, or spaces standing for tabs)
    cells: bool = False
    complete: bool = False
    #: the row read from the right when it was last checked (reused for its record)
    tail: RowTail | None = None


@dataclass
class TableBlock:
    header: Classified
    header_line: Line
    rows: list[RawRow] = field(default_factory=list)
    _in_header: bool = True


@dataclass
class Section:
    category: Category
    heading: Line
    content: list[Line] = field(default_factory=list)


@dataclass
class CommentaryBlock:
    sections: list[Section] = field(default_factory=list)


Block = HeadingBlock | TableBlock | CommentaryBlock


@dataclass
class Segmented:
    front: list[Line]
    blocks: list[Block]
    #: (line, message) for lines the segmenter could not place
    unplaced: list[tuple[Line, str]]


def _sibling(previous: str, ref: str) -> bool:
    """Could ``ref`` be the row after ``previous`` in one table (same prefix and outcome)?"""
    return ref_prefix(previous) == ref_prefix(ref) and ref_outcome(previous) == ref_outcome(ref)


def _has_colour(line: Line, colours: Mapping[int, str]) -> bool:
    return line.number in colours


class Segmenter:
    """A single pass over classified lines that groups them into blocks."""

    def __init__(self, rag_colour: Mapping[int, str] | None = None) -> None:
        self.front: list[Line] = []
        self.blocks: list[Block] = []
        self.unplaced: list[tuple[Line, str]] = []
        self.current: Block | None = None
        self.in_body = False
        self.rag_colour = rag_colour or {}

    def feed(self, line: Line, c: Classified) -> None:
        kind = c.kind
        if self.in_body and kind is LineKind.TEXT:  # the common case first
            if isinstance(self.current, CommentaryBlock):
                self.current.sections[-1].content.append(line)
            else:
                self._text(line)
            return
        if not self.in_body:
            numbered_outcome = c.kind is LineKind.OUTCOME and c.number is not None
            if c.kind in _BODY_STARTS or numbered_outcome or row_ref(line.text):
                self.in_body = True
            else:
                self.front.append(line)
                return
        if kind is LineKind.BLANK:
            if isinstance(self.current, CommentaryBlock):
                self.current.sections[-1].content.append(line)
        elif kind in HEADING_KINDS:
            self._heading(line, c)
        elif c.kind is LineKind.TABLE_HEADER:
            if isinstance(self.current, TableBlock):
                self.current._in_header = True  # a header repeated after a page break
            else:
                self._open(TableBlock(header=c, header_line=line))
        elif c.kind is LineKind.COMMENTARY:
            # a commentary line's value is the category structure.commentary_category read
            section = Section(category=cast("Category", c.value or ""), heading=line)
            if c.remainder:
                section.content.append(Line(line.number, line.page, c.remainder))
            if isinstance(self.current, CommentaryBlock):
                self.current.sections.append(section)
            else:
                self._open(CommentaryBlock(sections=[section]))
        else:
            self._text(line)

    def _open(self, block: Block) -> None:
        self.current = block
        self.blocks.append(block)

    def _heading(self, line: Line, c: Classified) -> None:
        if not isinstance(self.current, HeadingBlock):
            self._open(HeadingBlock())
        block = self.current
        assert isinstance(block, HeadingBlock)
        block.lines.append(line)
        block._supporting_open = False
        if c.kind is LineKind.OUTCOME:
            block.has_outcome = True
            block.outcome_number = c.number
            block.outcome = c.value
            block.measures = block.measures or c.measures
        elif c.kind is LineKind.SUPPORTING:
            block.supporting = c.value or ""
            block._supporting_open = True
        elif c.kind is LineKind.MEASURES:
            block.measures = True
        elif c.kind is LineKind.ACTIONS:
            block.actions = True
        if c.plan_year:
            block.plan_years.append(c.plan_year)

    def _text(self, line: Line) -> None:
        block = self.current
        if isinstance(block, HeadingBlock):
            if block._supporting_open and not row_ref(line.text):
                block.supporting = f"{block.supporting} {line.text.strip()}".strip()
                block.lines.append(line)
                return
            if row_ref(line.text):
                # rows printed straight under a heading, with no header row
                measures = block.measures
                header = Classified(
                    LineKind.TABLE_HEADER, measures=measures, has_milestone=not measures
                )
                self._open(TableBlock(header=header, header_line=line, _in_header=False))
                self._row_line(line)
                return
            self.unplaced.append((line, "text between headings"))
        elif isinstance(block, TableBlock):
            self._row_line(line)
        elif isinstance(block, CommentaryBlock):
            block.sections[-1].content.append(line)
        else:
            self.unplaced.append((line, "text outside any table or commentary section"))

    def _row_line(self, line: Line) -> None:
        table = self.current
        assert isinstance(table, TableBlock)
        if table._in_header:
            if is_header_fragment(line.text):
                return
            table._in_header = False
        ref = row_ref(line.text)
        last = table.rows[-1] if table.rows else None
        if ref and last is not None and not last.complete and not _sibling(last.ref, ref):
            ref = None  # "10.000 a year ..." wrapped inside an unfinished row is text
        if ref:
            body = line.text.strip()[len(ref) :]
            cells = len(CELL_SEP.split(line.text.strip())) >= 3
            row = RawRow(ref=ref, lines=[line], body=body, cells=cells)
            table.rows.append(row)
            self._check_complete(table, row)
            return
        if last is not None and not last.complete:
            last.lines.append(line)
            last.body = f"{last.body}\n{line.text}"
            last.tail = None
            self._check_complete(table, last)
            return
        self.unplaced.append((line, "text in a table that belongs to no row"))

    def _check_complete(self, table: TableBlock, row: RawRow) -> None:
        has_colour = any(_has_colour(line, self.rag_colour) for line in row.lines)
        if not has_colour and not may_end_row(row.lines[-1].text):
            return
        row.tail = split_row_tail(
            row.body,
            has_milestone=table.header.has_milestone,
            has_colour=has_colour,
            cells=row.cells,
        )
        row.complete = row.tail.complete

    def finish(self) -> Segmented:
        return Segmented(front=self.front, blocks=self.blocks, unplaced=self.unplaced)


def segment(
    lines: list[Line] | tuple[Line, ...],
    rag_colour: Mapping[int, str] | None = None,
    classes: list[Classified] | None = None,
) -> Segmented:
    """Group a report's lines into front matter and blocks in one pass (``classes``: the
    lines already classified, when the caller has them)."""
    segmenter = Segmenter(rag_colour)
    if classes is None:
        classes = [classify_line(line.text) for line in lines]
    for line, c in zip(lines, classes, strict=True):
        segmenter.feed(line, c)
    return segmenter.finish()


@dataclass(frozen=True, slots=True)
class Context:
    """What a block sits under: its outcome, supporting outcome and whether it is measures."""

    outcome_number: int | None = None
    outcome: str | None = None
    supporting: str | None = None
    measures: bool = False


def headings_follow_content(blocks: list[Block]) -> bool:
    """True when the document prints each heading *after* the table or commentary it labels
    (the first table or commentary comes before the first outcome heading)."""
    for block in blocks:
        if isinstance(block, HeadingBlock) and block.has_outcome:
            return False
        if isinstance(block, TableBlock | CommentaryBlock):
            return True
    return False


def assign_contexts(blocks: list[Block]) -> list[Context | None]:
    """The context of every block (None for heading blocks).

    Headings printed before their content label what follows; headings printed after their
    content label what precedes, which is the same carry-forward read backwards.
    """
    after = headings_follow_content(blocks)
    order = range(len(blocks) - 1, -1, -1) if after else range(len(blocks))
    contexts: list[Context | None] = [None] * len(blocks)
    ctx = Context()
    for index in order:
        block = blocks[index]
        if isinstance(block, HeadingBlock):
            outcome_number, outcome = ctx.outcome_number, ctx.outcome
            supporting, measures = ctx.supporting, ctx.measures
            if block.has_outcome:
                outcome_number, outcome = block.outcome_number, block.outcome
                supporting, measures = None, False
            if block.supporting is not None:
                supporting, measures = block.supporting, False
            if block.measures:
                supporting, measures = None, True
            elif block.actions and measures and block.supporting is None and not block.has_outcome:
                measures = False
            ctx = Context(outcome_number, outcome, supporting, measures)
        else:
            contexts[index] = ctx
    return _number_unnumbered(blocks, contexts)


def _number_unnumbered(blocks: list[Block], contexts: list[Context | None]) -> list[Context | None]:
    """An outcome printed without a number takes the number its rows' refs carry."""
    votes: dict[str, list[int]] = {}
    for block, ctx in zip(blocks, contexts, strict=True):
        if ctx is None or ctx.outcome_number is not None or ctx.outcome is None:
            continue
        if isinstance(block, TableBlock):
            for row in block.rows:
                number = ref_outcome(row.ref)
                if number is not None:
                    votes.setdefault(ctx.outcome, []).append(number)
    numbers = {title: max(set(v), key=v.count) for title, v in votes.items() if v}
    if not numbers:
        return contexts
    out: list[Context | None] = []
    for ctx in contexts:
        if ctx is not None and ctx.outcome_number is None and ctx.outcome in numbers:
            ctx = Context(numbers[ctx.outcome], ctx.outcome, ctx.supporting, ctx.measures)
        out.append(ctx)
    return out
