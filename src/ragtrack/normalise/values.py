"""Canonical RAG, direction of travel, milestone dates, periods and plan years.

Each function is the one place its kind of value is made canonical; each is idempotent
(feeding a canonical value back gives the same value) and returns ``None`` for what it
cannot read rather than guessing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

RAG_CANONICAL = {
    "r": "red",
    "a": "amber",
    "g": "green",
    "red": "red",
    "amber": "amber",
    "green": "green",
}

#: Glyphs and words for a direction of travel. ``None`` means "printed, but no direction".
DIRECTION_CANONICAL: dict[str, str | None] = {
    "↑": "improving",
    "⬆": "improving",
    "⇧": "improving",
    "⇑": "improving",
    "🡅": "improving",
    "improving": "improving",
    "up": "improving",
    "→": "sustained",
    "➡": "sustained",
    "⇨": "sustained",
    "⇒": "sustained",
    "↔": "sustained",
    "sustained": "sustained",
    "↓": "declining",
    "⬇": "declining",
    "⇩": "declining",
    "⇓": "declining",
    "🡇": "declining",
    "declining": "declining",
    "down": "declining",
    "-": None,
    "–": None,
    "—": None,
    "n/a": None,
    "na": None,
}

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
#: Month names and abbreviations, longest first, for use inside other patterns.
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))


def canonical_rag(raw: str | None) -> str | None:
    """``'R'``/``'a'``/``'Green'`` -> ``'red'``/``'amber'``/``'green'``; anything else -> None."""
    if raw is None:
        return None
    return RAG_CANONICAL.get(raw.strip().strip(".").casefold())


def canonical_direction(raw: str | None) -> str | None:
    """An arrow glyph or word -> ``improving``/``sustained``/``declining``, else None."""
    if raw is None:
        return None
    return DIRECTION_CANONICAL.get(raw.strip().casefold())


def is_direction_token(raw: str) -> bool:
    return raw.strip().casefold() in DIRECTION_CANONICAL


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_MILESTONE_DATE = re.compile(
    rf"\b(?P<month>{MONTH_PATTERN})\.?,?\s+(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(?P<year>(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
_DAY_FIRST_DATE = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTH_PATTERN})\.?,?\s+(?P<year>(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)


def milestone_date(milestone: str | None) -> dt.date | None:
    """The last day of the month a milestone names (``By March 2020`` -> 2020-03-31).

    A milestone naming an exact day keeps that day; naming several dates, the last one
    counts. No month and year (``Ongoing``,
    ``Throughout Plan``) gives None.
    """
    if not milestone:
        return None
    matches = list(_DAY_FIRST_DATE.finditer(milestone)) or list(_MILESTONE_DATE.finditer(milestone))
    if not matches:
        return None
    match = matches[-1]  # "By Sept 2018 By April 2019": the final deadline
    month = MONTHS[match["month"].lower()]
    year = int(match["year"])
    if match["day"]:
        try:
            return dt.date(year, month, int(match["day"]))
        except ValueError:
            return month_end(year, month)
    return month_end(year, month)


def parse_day_date(text: str) -> dt.date | None:
    """A printed date such as ``30th June 2018``, ``31 December 2019`` or ``30 Sept 2021``."""
    match = _DAY_FIRST_DATE.search(text)
    if match:
        try:
            return dt.date(int(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))
        except ValueError:
            return None
    match = _MILESTONE_DATE.search(text)
    if match:
        return milestone_date(match.group(0))
    return None


_PLAN_YEAR = re.compile(r"\b(?P<start>(?:19|20)\d{2})\s*[/\-–]\s*(?P<end>\d{2}|(?:19|20)\d{2})\b")


def canonical_plan_year(raw: str | None) -> str | None:
    """``2019/20``, ``2019-2020``, ``2019/2020`` -> ``2019/20``; an inconsistent span -> None."""
    if not raw:
        return None
    match = _PLAN_YEAR.search(raw)
    if not match:
        return None
    start = int(match["start"])
    end = match["end"]
    following = start + 1
    expected = str(following) if len(end) == 4 else f"{following % 100:02d}"
    if end != expected:
        return None
    end_year = following
    return f"{start}/{str(end_year)[-2:]}"


def financial_year_of(day: dt.date) -> str:
    """The UK financial year (April to March) a date falls in, as ``2019/20``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{str(start + 1)[-2:]}"


def financial_quarter_of(day: dt.date) -> int:
    """Quarter of the financial year: Q1 is April to June."""
    return ((day.month - 4) % 12) // 3 + 1


def plan_year_slug(plan_year: str | None) -> str:
    """``2019/20`` -> ``2019-20`` for partition paths; unknown -> ``unknown``."""
    return plan_year.replace("/", "-") if plan_year else "unknown"
