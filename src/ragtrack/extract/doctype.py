"""Telling a delivery plan from a progress report, and a plan's year, from the text itself.

Never from the file name: the same document arrives under any name. A progress report rates
rows (a RAG column, "Progress to 31 December 2019", "Commentary for areas of progress"); a
delivery plan sets them out ("Actions and Milestones", "Target value or date", "How we will
measure progress against this outcome") and rates nothing.
"""

from __future__ import annotations

import re
from collections import Counter

from ragtrack.errors import ParseError
from ragtrack.extract.structure import Classified, LineKind, classify_lines
from ragtrack.normalise.kinds import PlanYear
from ragtrack.normalise.values import (
    MONTH_PATTERN,
    canonical_plan_year,
    financial_year_of,
    milestone_date,
)
from ragtrack.records import DocType, SourceText

_RAG_HEADER = re.compile(r"\bRAG\b|\bDirection\s+of\s+travel\b")
_TARGET_HEADER = re.compile(r"^\s*Target\s+value\s+or\s+date\s*$", re.IGNORECASE)
# Whole-text tests, on the lower-cased text: each opens with a literal word (no ``\b`` or
# ``^`` before it), so plain ``re`` finds them with a fast scan.
_TARGET_HEADER_LINES = re.compile(r"target[^\S\n]+value[^\S\n]+or[^\S\n]+date[^\S\n]*$", re.M)
_PRIORITY_LINES = re.compile(r"priority[^\S\n]*:")
_PROGRESS_TO_ANYWHERE = re.compile(
    r"progress\s+(?:to|at|as\s+at)\s+\d{1,2}(?:st|nd|rd|th)?\s+[^\W\d_]+"
)


def _count_at_line_start(pattern: re.Pattern[str], text: str) -> int:
    """Matches of ``pattern`` with only spaces before them on their line."""
    count = 0
    for match in pattern.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if not text[line_start : match.start()].strip():
            count += 1
    return count


_WE_WILL = re.compile(r"^\s*We\s+will\b")
_TITLE_YEAR = re.compile(
    r"\b(?:Delivery|Council)\s+Plan\b[^\n]{0,20}?(?P<year>(?:19|20)\d{2}\s*[/\-–]\s*\d{2,4})",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(
    rf"(?P<by>\b(?:by|before|until|during)\s+(?:the\s+)?(?:end\s+(?:of\s+)?)?)?"
    rf"\b(?P<date>(?:{MONTH_PATTERN})\.?\s+(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
_SPAN = re.compile(r"\b(?:19|20)\d{2}/\d{2}\b")


def doc_type_scores(source: SourceText, classes: list[Classified] | None = None) -> dict[str, int]:
    """Evidence counts for each document type (what :func:`detect_doc_type` weighs).

    ``classes`` are the lines already classified, when the caller has them."""
    plan = progress = 0
    if classes is None:
        classes = classify_lines(source)
    # Prose lines are most of a document: their evidence is read from the whole text at once.
    text = "\n".join(line.text for line in source.lines)
    lowered = text.lower()
    plan += 3 * _count_at_line_start(_TARGET_HEADER_LINES, lowered)
    plan += _count_at_line_start(_PRIORITY_LINES, lowered)
    progress += 3 * len(_PROGRESS_TO_ANYWHERE.findall(lowered))
    for line, c in zip(source.lines, classes, strict=True):
        kind = c.kind
        if kind is LineKind.TEXT or kind is LineKind.BLANK:
            continue
        if kind is LineKind.PLAN_ACTIONS or kind is LineKind.PLAN_MEASURES:
            plan += 3
        elif kind is LineKind.COMMENTARY:
            progress += 3
        elif kind is LineKind.TABLE_HEADER:
            if _RAG_HEADER.search(line.text):
                progress += 3
            elif re.search(r"\bResponsible|Director|Officer", line.text, re.IGNORECASE):
                plan += 1
    return {"delivery_plan": plan, "progress_report": progress}


def detect_doc_type(source: SourceText, classes: list[Classified] | None = None) -> DocType:
    """``delivery_plan`` or ``progress_report``, from the text alone.

    Raises :class:`ParseError` when the text shows neither (pass the type explicitly then).
    """
    scores = doc_type_scores(source, classes)
    plan, progress = scores["delivery_plan"], scores["progress_report"]
    if plan == 0 and progress == 0:
        raise ParseError(
            "cannot tell whether this is a progress report or a delivery plan (no RAG "
            "column, 'Progress to' date, commentary, 'Actions and Milestones' or 'Target "
            "value or date' found); give the document type explicitly",
            file=source.name,
        )
    return "delivery_plan" if plan > progress else "progress_report"


def detect_plan_year(
    source: SourceText, classes: list[Classified] | None = None
) -> PlanYear | None:
    """A delivery plan's financial year (``2019/20``).

    In order: the year the action-table headings state ("Year 2 Actions and Milestones
    (2019/20)"), by majority; a title naming it ("Delivery Plan 2019/20"); otherwise the
    financial year the plan's deadlines and dates point to, deadlines ("by March 2018")
    counting double. None when the text names no year at all. ``classes``: the lines
    already classified, when the caller has them.
    """
    if classes is None:
        classes = classify_lines(source)
    headed: Counter[PlanYear] = Counter()
    titled: Counter[PlanYear] = Counter()
    pointed: Counter[PlanYear] = Counter()
    for line, c in zip(source.lines, classes, strict=True):
        if c.kind is LineKind.PLAN_ACTIONS and c.plan_year:
            headed[c.plan_year] += 1
        if m := _TITLE_YEAR.search(line.text):
            year = canonical_plan_year(m["year"])
            if year:
                titled[year] += 1
        for m in _MONTH_YEAR.finditer(line.text):
            day = milestone_date(m["date"])
            if day is not None:
                pointed[financial_year_of(day)] += 2 if m["by"] else 1
        for m in _SPAN.finditer(line.text):
            year = canonical_plan_year(m.group(0))
            if year:
                pointed[year] += 1
    for counts in (headed, titled, pointed):
        if counts:
            return counts.most_common(1)[0][0]
    return None


def is_commitment_table(source: SourceText, classes: list[Classified] | None = None) -> bool:
    """Whether a plan is the three-column "We will ..." / actions / "Target value or date"
    layout (the OCR'd 2017/18 plan) rather than ref-numbered tables. ``classes``: the lines
    already classified, when the caller has them."""
    if classes is None:
        classes = classify_lines(source)
    targets = sum(1 for ln in source.lines if _TARGET_HEADER.match(ln.text))
    commitments = sum(1 for ln in source.lines if _WE_WILL.match(ln.text))
    refs = sum(1 for c in classes if c.kind is LineKind.PLAN_ACTIONS)
    return targets > 0 and commitments > 0 and refs == 0
