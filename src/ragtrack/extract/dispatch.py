"""Choosing the parser for a source: one entry point from a SourceText to records."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ragtrack.errors import ParseError
from ragtrack.extract.doctype import detect_doc_type
from ragtrack.extract.plans.common import plan_year_override
from ragtrack.extract.plans.dispatch import parse_plan
from ragtrack.extract.progress import parse_progress_report
from ragtrack.extract.structure import classify_lines
from ragtrack.records import DocType, ParsedDocument, SourceText


def parse_source(
    source: SourceText,
    doc_type: DocType | None = None,
    plan_year: str | None = None,
    *,
    today: dt.date | None = None,
) -> ParsedDocument:
    """Parse any supported document. ``doc_type`` and ``plan_year`` override what the text
    says (the type is otherwise told from the text, never from the file name). ``today`` is
    the date of ingest, against which far-off period ends and plan years are warned about
    (default: today)."""
    classes = classify_lines(source)  # once: every stage below reads this list
    kind = doc_type
    if kind is None:
        try:
            kind = detect_doc_type(source, classes)
        except ParseError:
            kind = "progress_report"  # no sign either way: the report parser says what is missing
    if kind == "delivery_plan":
        return parse_plan(source, plan_year, today=today, classes=classes)
    parsed = parse_progress_report(source, classes, today=today)
    year = plan_year_override(plan_year, source.name)
    if year is not None and parsed.document.plan_year != year:
        parsed = replace(parsed, document=replace(parsed.document, plan_year=year))
    return parsed
