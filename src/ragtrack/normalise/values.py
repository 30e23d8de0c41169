"""Canonical RAG, direction of travel, milestone dates, periods and plan years.

Each function is the one place its kind of value is made canonical; each is idempotent
(feeding a canonical value back gives the same value) and returns ``None`` for what it
cannot read rather than guessing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ragtrack.normalise.kinds import Direction, PlanYear, Rag

RAG_CANONICAL: dict[str, Rag] = {
    "r": "red",
    "a": "amber",
    "g": "green",
    "red": "red",
    "amber": "amber",
    "green": "green",
    "blue": "blue",
    "not_rated": "not_rated",
}

#: Glyphs and words for a direction of travel. ``None`` means "printed, but no direction".
DIRECTION_CANONICAL: dict[str, Direction | None] = {
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


def canonical_rag(raw: str | None) -> Rag | None:
    """``'R'``/``'a'``/``'Green'`` -> ``'red'``/``'amber'``/``'green'``; a canonical value
    (``blue``, ``not_rated`` too) -> itself; anything else -> None. Printed words (Blue,
    Ungraded, On track) are read by :func:`ragtrack.normalise.status.read_status`."""
    if raw is None:
        return None
    return RAG_CANONICAL.get(raw.strip().strip(".").casefold())


def canonical_direction(raw: str | None) -> Direction | None:
    """An arrow glyph or word -> ``improving``/``sustained``/``declining``, else None."""
    if raw is None:
        return None
    return DIRECTION_CANONICAL.get(raw.strip().casefold())


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


_NUMERIC_DATE = re.compile(
    r"\b(?P<day>\d{1,2})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)(?P<year>(?:19|20)\d{2})\b"
)
_ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")


@dataclass(frozen=True, slots=True)
class PrintedDate:
    """A date as printed and the day it names; ``value`` is None when no such day exists
    (``31 February 2020``, ``31/13/2020``) and ``problem`` then says why."""

    printed: str
    value: dt.date | None
    problem: str | None = None


def _day_of(printed: str, year: int, month: int, day: int | None) -> PrintedDate:
    """The day ``year-month-day`` (the month's last day when ``day`` is None), never guessed:
    an impossible one is a :class:`PrintedDate` with no value and the reason."""
    if not 1 <= month <= 12:
        return PrintedDate(printed, None, f"there is no month {month}")
    if day is None:
        return PrintedDate(printed, month_end(year, month))
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return PrintedDate(printed, None, f"{calendar.month_name[month]} {year} has {days} days")
    return PrintedDate(printed, dt.date(year, month, day))


def read_printed_date(text: str) -> PrintedDate | None:
    """The date printed in ``text``: ``30th June 2018``, ``30 Sept 2021``, ``June 30, 2018``,
    ``June 2018`` (its last day), day-first numbers (``30/06/2018``, ``30.06.2018``,
    ``30-06-2018``) or ISO ``2018-06-30``. None when no date is printed; a date that is
    printed but does not exist keeps its text, with no value (see :class:`PrintedDate`)."""
    for pattern in (_DAY_FIRST_DATE, _ISO_DATE, _NUMERIC_DATE):
        if match := pattern.search(text):
            month = match["month"]
            number = int(month) if month.isdigit() else MONTHS[month.lower()]
            return _day_of(match.group(0), int(match["year"]), number, int(match["day"]))
    if match := _MILESTONE_DATE.search(text):
        day = int(match["day"]) if match["day"] else None
        return _day_of(match.group(0), int(match["year"]), MONTHS[match["month"].lower()], day)
    return None


def parse_day_date(text: str) -> dt.date | None:
    """A printed date as a day (see :func:`read_printed_date`); None when there is none or
    it does not exist."""
    printed = read_printed_date(text)
    return printed.value if printed else None


_PLAN_YEAR = re.compile(r"\b(?P<start>(?:19|20)\d{2})\s*[/\-–]\s*(?P<end>\d{2}|(?:19|20)\d{2})\b")


def canonical_plan_year(raw: str | None) -> PlanYear | None:
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
    return PlanYear(f"{start}/{str(end_year)[-2:]}")


def plan_years_in(text: str) -> list[PlanYear]:
    """Every plan year printed in ``text``, in canonical form (inconsistent spans skipped)."""
    years = (canonical_plan_year(match.group(0)) for match in _PLAN_YEAR.finditer(text))
    return [year for year in years if year]


def plan_year_start(plan_year: str) -> dt.date:
    """The first day of a canonical plan year (``2019/20`` -> 2019-04-01)."""
    return dt.date(int(plan_year[:4]), 4, 1)


def one_year_after(day: dt.date) -> dt.date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def financial_year_of(day: dt.date) -> PlanYear:
    """The UK financial year (April to March) a date falls in, as ``2019/20``."""
    start = day.year if day.month >= 4 else day.year - 1
    return PlanYear(f"{start}/{str(start + 1)[-2:]}")


def financial_quarter_of(day: dt.date) -> int:
    """Quarter of the financial year: Q1 is April to June."""
    return ((day.month - 4) % 12) // 3 + 1


def plan_year_slug(plan_year: str | None) -> str:
    """``2019/20`` -> ``2019-20`` for partition paths; unknown -> ``unknown``."""
    return plan_year.replace("/", "-") if plan_year else "unknown"
