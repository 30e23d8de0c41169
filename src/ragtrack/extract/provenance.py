"""Provenance shared by every parser: warnings that name their line, and stable row ids."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from ragtrack.records import DocType, DocumentRecord, Line, SourceText
from ragtrack.version import PARSER_VERSION

log = logging.getLogger("ragtrack.extract")


class WarningLog:
    """Collects parser warnings in the dataset's one format: ``[page P, ]line N: message``."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.messages: list[str] = []

    def add(self, line: Line | None, message: str) -> None:
        if line is None:
            text = message
        elif self.pages > 1:
            text = f"page {line.page}, line {line.number}: {message}"
        else:
            text = f"line {line.number}: {message}"
        log.debug("%s", text)  # the pipeline reports warnings, with the file name
        self.messages.append(text)


def stable_id(*parts: object) -> str:
    """A short deterministic id: the same parts always give the same id."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode())
    return digest.hexdigest()[:20]


def document_record(
    source: SourceText,
    doc_type: DocType,
    warnings: WarningLog,
    *,
    council: str | None = None,
    title: str | None = None,
    plan_year: str | None = None,
    period_end: dt.date | None = None,
    quarter: int | None = None,
) -> DocumentRecord:
    """The document row of a parse: identity and reading facts from the source, the rest
    from the parser; the reader's warnings first, then the parser's."""
    return DocumentRecord(
        document_id=source.sha256,
        source_name=source.name,
        source_format=source.source_format,
        encoding=source.encoding,
        doc_type=doc_type,
        council=council,
        title=title,
        plan_year=plan_year,
        period_end=period_end,
        quarter=quarter,
        pages=source.pages,
        parser_version=PARSER_VERSION,
        warnings=tuple(source.warnings) + tuple(warnings.messages),
    )
