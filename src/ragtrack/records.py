"""The typed records every parser produces and the store writes.

Records are frozen: a parser builds them once, with their provenance (file, page, lines),
and nothing downstream mutates them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from ragtrack.normalise.kinds import Direction, PlanYear, Rag, Ref

Kind = Literal["action", "measure"]
Category = Literal["progress", "improvement", "risk", "finance"]
DocType = Literal["progress_report", "delivery_plan"]


class Line(NamedTuple):
    """One physical line of the source after reading: its 1-based number, page and text.

    A named tuple rather than a dataclass: documents have tens of thousands of lines and
    this is the cheapest immutable record Python has.
    """

    number: int
    page: int
    text: str


@dataclass(frozen=True, slots=True)
class SourceText:
    """A decoded source document: its lines (running page furniture removed) and facts
    about how it was read."""

    name: str
    sha256: str
    encoding: str
    source_format: Literal["text", "pdf"]
    pages: int
    lines: tuple[Line, ...]
    warnings: tuple[str, ...] = ()
    # Per-line extras a PDF reader can supply (for example RAG read from a cell colour),
    # keyed by line number.
    rag_colour: dict[int, Rag] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    document_id: str
    source_name: str
    source_format: str
    encoding: str
    doc_type: DocType
    council: str | None
    title: str | None
    plan_year: PlanYear | None
    period_end: dt.date | None
    quarter: int | None
    pages: int
    parser_version: str
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ItemRecord:
    document_id: str
    item_id: str
    kind: Kind
    ref: Ref | None
    outcome_number: int | None
    outcome: str | None
    supporting_outcome: str | None
    section: str
    text: str
    milestone: str | None
    milestone_date: dt.date | None
    rag: Rag | None
    direction: Direction | None
    direction_raw: str | None
    responsible: str | None
    page: int
    line_start: int
    line_end: int
    rag_source: Literal["letter", "colour"] | None = None


@dataclass(frozen=True, slots=True)
class CommentaryRecord:
    document_id: str
    commentary_id: str
    category: Category
    outcome_number: int | None
    outcome: str | None
    supporting_outcome: str | None
    refs: tuple[str, ...]
    text: str
    empty: bool
    page: int
    line_start: int
    line_end: int


@dataclass(frozen=True, slots=True)
class PrintedCells:
    """What a report read through a layout profile prints beside an item's canonical values:
    the status as printed, the previous period's rating, and figures, each as printed."""

    rag_raw: str | None = None
    printed_previous_rag: Rag | None = None
    value: str | None = None
    target: str | None = None
    floor: str | None = None
    previous_value: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """Everything one source file yields. ``layout`` names what read it (a built-in parser
    or a layout profile); ``printed`` holds profile-read cells by ``item_id``."""

    document: DocumentRecord
    items: tuple[ItemRecord, ...]
    commentary: tuple[CommentaryRecord, ...]
    layout: str | None = None
    printed: Mapping[str, PrintedCells] = field(default_factory=dict)

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.document.warnings
