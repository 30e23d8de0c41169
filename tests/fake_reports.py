"""A stand-in parser and report writer for store and pipeline tests.

The store must be tested with many reports of chosen identity (council, year, period) and
contents; the real parsers are tested elsewhere. The stand-in reads a tiny line format:

    FAKE REPORT
    council: Testshire
    plan year: 2019/20
    period: 2019-12-31
    item 1.1 red Do the first thing
    comment progress 1.1 It went fine

Anything else on a line is a warning, as the real parsers do. Text without the header line
raises ParseError, like a document that is not a report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

from ragtrack.errors import ParseError
from ragtrack.normalise.values import financial_quarter_of
from ragtrack.records import (
    CommentaryRecord,
    DocumentRecord,
    ItemRecord,
    ParsedDocument,
    SourceText,
)
from ragtrack.version import PARSER_VERSION

HEADER = "FAKE REPORT"


def report_text(
    *,
    council: str | None = "Testshire",
    plan_year: str | None = "2019/20",
    period: str | None = "2019-12-31",
    items: Sequence[tuple[str, str]] = (("1.1", "green"), ("1.2", "amber"), ("M1.1", "red")),
    comments: Sequence[tuple[str, str]] = (("progress", "1.1"), ("risk", "1.2")),
    extra: str = "",
) -> str:
    """The text of a fake report; ``extra`` lines end up as warnings."""
    lines = [HEADER]
    if council is not None:
        lines.append(f"council: {council}")
    if plan_year is not None:
        lines.append(f"plan year: {plan_year}")
    if period is not None:
        lines.append(f"period: {period}")
    lines += [f"item {ref} {rag} Do the thing numbered {ref}" for ref, rag in items]
    lines += [f"comment {cat} {ref} Things happened to {ref}" for cat, ref in comments]
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"


def write_report(path: Path, **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_text(**kwargs), encoding="utf-8")  # type: ignore[arg-type]
    return path


def _id(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def parse_fake(
    source: SourceText, doc_type: str | None = None, plan_year: str | None = None
) -> ParsedDocument:
    """Parse the fake format into records, with provenance and warnings."""
    if not source.lines or source.lines[0].text.strip() != HEADER:
        raise ParseError("not a council report (no report structure found)", file=source.name)
    facts: dict[str, str] = {}
    items: list[ItemRecord] = []
    comments: list[CommentaryRecord] = []
    warnings: list[str] = []
    for line in source.lines[1:]:
        text = line.text.strip()
        head, _, rest = text.partition(" ")
        if ": " in text and head.rstrip(":") in ("council", "plan", "period"):
            name, _, value = text.partition(": ")
            facts[name] = value
        elif head == "item":
            ref, rag, body = rest.split(" ", 2)
            items.append(
                ItemRecord(
                    document_id=source.sha256,
                    item_id=_id(source.sha256, "item", ref),
                    kind="measure" if ref.startswith("M") else "action",
                    ref=ref,
                    outcome_number=int(ref.lstrip("M").split(".")[0]),
                    outcome="Outcome one",
                    supporting_outcome=None if ref.startswith("M") else "Support",
                    section="Key Action Updates",
                    text=body,
                    milestone="By March 2020",
                    milestone_date=dt.date(2020, 3, 31),
                    rag=rag,  # type: ignore[arg-type]
                    direction="improving",
                    direction_raw="↑",
                    responsible=None,
                    page=line.page,
                    line_start=line.number,
                    line_end=line.number,
                    rag_source="letter",
                )
            )
        elif head == "comment":
            category, ref, body = rest.split(" ", 2)
            comments.append(
                CommentaryRecord(
                    document_id=source.sha256,
                    commentary_id=_id(source.sha256, "comment", line.number),
                    category=category,  # type: ignore[arg-type]
                    outcome_number=1,
                    outcome="Outcome one",
                    supporting_outcome=None,
                    refs=(ref,),
                    text=body,
                    empty=False,
                    page=line.page,
                    line_start=line.number,
                    line_end=line.number,
                )
            )
        elif text:
            warnings.append(f"line {line.number}: cannot place this line: {text[:40]}")
    period = dt.date.fromisoformat(facts["period"]) if "period" in facts else None
    document = DocumentRecord(
        document_id=source.sha256,
        source_name=source.name,
        source_format=source.source_format,
        encoding=source.encoding,
        doc_type=doc_type or "progress_report",  # type: ignore[arg-type]
        council=facts.get("council"),
        title="Fake progress report",
        plan_year=plan_year or facts.get("plan year"),
        period_end=period,
        quarter=financial_quarter_of(period) if period else None,
        pages=source.pages,
        parser_version=PARSER_VERSION,
        warnings=tuple(warnings),
    )
    return ParsedDocument(document=document, items=tuple(items), commentary=tuple(comments))
