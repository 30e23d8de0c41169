"""Provenance shared by every parser: warnings that name their line, and stable row ids."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence

from ragtrack.normalise.kinds import PlanYear
from ragtrack.normalise.values import one_year_after, plan_year_start, plan_years_in
from ragtrack.records import DocType, DocumentRecord, Line, SourceText
from ragtrack.version import PARSER_VERSION

log = logging.getLogger("ragtrack.extract")


#: Warnings kept per document. A damaged file can have a warning on every one of a million
#: lines; past this many the rest are counted in one closing warning instead of listed (each
#: is still logged at debug level).
MAX_WARNINGS = 1000


class WarningLog:
    """Collects parser warnings in the dataset's one format: ``[page P, ]line N: message``."""

    def __init__(self, pages: int, limit: int = MAX_WARNINGS) -> None:
        self.pages = pages
        self.limit = limit
        self._kept: list[str] = []
        self.unlisted = 0

    def add(self, line: Line | None, message: str) -> None:
        if line is None:
            text = message
        elif self.pages > 1:
            text = f"page {line.page}, line {line.number}: {message}"
        else:
            text = f"line {line.number}: {message}"
        log.debug("%s", text)  # the pipeline reports warnings, with the file name
        if len(self._kept) < self.limit:
            self._kept.append(text)
        else:
            self.unlisted += 1

    @property
    def messages(self) -> list[str]:
        """The warnings in order, then how many more there were when past the limit."""
        if not self.unlisted:
            return list(self._kept)
        more = f"{self.unlisted:,} more warnings not listed (only the first {self.limit:,} are)"
        return [*self._kept, more]


def quote(text: str, limit: int = 60) -> str:
    """``text`` folded to one line, cut to ``limit`` characters and quoted, for a warning."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def ingest_date(today: dt.date | None = None) -> dt.date:
    """The date of ingest: ``today`` when a caller (or a test) gives one, else today (UTC)."""
    return today if today is not None else dt.datetime.now(dt.UTC).date()


def far_future(day: dt.date, today: dt.date) -> bool:
    """Whether ``day`` is more than a year after the date of ingest: likely a typo (2091 for
    2019), as reports and plans are published about the past and the year ahead."""
    return day > one_year_after(today)


def warn_far_future_plan_year(
    plan_year: str | None, lines: Sequence[Line], warnings: WarningLog, today: dt.date
) -> None:
    """A warning naming a plan year that starts more than a year after ``today`` and the
    first line printing it; the year itself is kept as printed."""
    if plan_year is None or not far_future(plan_year_start(plan_year), today):
        return
    printed = (ln for ln in lines if plan_year[:4] in ln.text)  # cheap test first
    line = next((ln for ln in printed if plan_year in plan_years_in(ln.text)), None)
    how = "" if line else " (worked out from the document's dates)"
    warnings.add(
        line,
        f"plan year {plan_year}{how} starts more than a year after the date of ingest "
        f"({today}): probably a typo; kept as printed",
    )


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
    plan_year: PlanYear | None = None,
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
