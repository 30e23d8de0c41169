"""Choosing the delivery-plan parser for a source from its text."""

from __future__ import annotations

import datetime as dt

from ragtrack.extract.doctype import is_commitment_table
from ragtrack.extract.plans.commitment import parse_commitment_plan
from ragtrack.extract.plans.tabular import parse_delivery_plan
from ragtrack.extract.structure import Classified, classify_lines
from ragtrack.records import ParsedDocument, SourceText


def parse_plan(
    source: SourceText,
    plan_year: str | None = None,
    *,
    today: dt.date | None = None,
    classes: list[Classified] | None = None,
) -> ParsedDocument:
    """Parse any delivery plan: the three-column commitment layout (OCR'd 2017/18) or the
    ref-numbered tables (2019/20), told apart from the text. ``today``: the date of ingest;
    ``classes``: the source's lines already classified (classified here when not given)."""
    if classes is None:
        classes = classify_lines(source)
    if is_commitment_table(source, classes):
        return parse_commitment_plan(source, plan_year, today=today, classes=classes)
    return parse_delivery_plan(source, plan_year, today=today, classes=classes)
