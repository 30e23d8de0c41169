"""Choosing the parser for a source: one entry point from a SourceText to records."""

from __future__ import annotations

from ragtrack.extract.progress import parse_progress_report
from ragtrack.records import DocType, ParsedDocument, SourceText


def parse_source(
    source: SourceText, doc_type: DocType | None = None, plan_year: str | None = None
) -> ParsedDocument:
    """Parse any supported document. ``doc_type`` and ``plan_year`` override what the text
    says."""
    parsed = parse_progress_report(source)
    if plan_year is not None and parsed.document.plan_year != plan_year:
        from dataclasses import replace

        parsed = replace(parsed, document=replace(parsed.document, plan_year=plan_year))
    return parsed
