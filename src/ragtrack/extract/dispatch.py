"""Choosing the parser for a source: one entry point from a SourceText to records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from ragtrack.errors import ParseError, Remedy
from ragtrack.extract.doctype import detect_doc_type
from ragtrack.extract.plans.common import plan_year_override
from ragtrack.extract.plans.dispatch import parse_plan
from ragtrack.extract.profiles.parse import (
    check_limits,
    parse_best,
    parse_reading,
    parse_with_profile,
)
from ragtrack.extract.profiles.profile import Limits, Profile, builtin_profiles
from ragtrack.extract.profiles.reading import choose, read_with
from ragtrack.extract.progress import parse_progress_report
from ragtrack.extract.structure import classify_lines
from ragtrack.records import DocType, ParsedDocument, SourceText

#: The ``layout`` recorded for documents the Cumbria parsers read.
CUMBRIA_LAYOUTS = {"progress_report": "cumbria-progress", "delivery_plan": "cumbria-plan"}


def parse_source(
    source: SourceText,
    doc_type: DocType | None = None,
    plan_year: str | None = None,
    *,
    today: dt.date | None = None,
    profile: Profile | Sequence[Profile] | None = None,
) -> ParsedDocument:
    """Parse any supported document. ``doc_type`` and ``plan_year`` override what the text
    says (the type is otherwise told from the text, never from the file name). ``today`` is
    the date of ingest, against which far-off period ends and plan years are warned about
    (default: today). ``profile`` reads the document by that layout profile only (of
    several, by the one that finds most evidence); without one, a document the Cumbria
    parsers refuse is read by the built-in profile that finds the most evidence, if any
    does."""
    if isinstance(profile, Profile):
        return parse_with_profile(source, profile, today=today)
    if profile is not None:  # several (a folder of a user's profiles): the best fit
        return parse_best(source, profile, today=today)
    try:
        parsed = _parse_cumbria(source, doc_type, plan_year, today)
    except ParseError as err:
        reading = choose([read_with(p, source) for p in builtin_profiles()])
        if reading is None:  # nothing of ours reads it: a layout profile might
            raise ParseError(
                err.message, file=err.file, page=err.page, line=err.line, remedy=Remedy.PROFILE
            ) from None
        return parse_reading(source, reading, today=today)
    check_limits(parsed.items, Profile("cumbria", limits=_CUMBRIA_LIMITS), source.name)
    layout = CUMBRIA_LAYOUTS[parsed.document.doc_type]
    return replace(parsed, layout=layout)


#: Cumbria's longest rows run to a few hundred characters; a "row" of thousands is a
#: numbered heading of some other document read as a ref.
_CUMBRIA_LIMITS = Limits(max_item_chars=4000, max_item_lines=200)


def _parse_cumbria(
    source: SourceText, doc_type: DocType | None, plan_year: str | None, today: dt.date | None
) -> ParsedDocument:
    """The Cumbria progress-report and plan parsers, the type told from the text."""
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
