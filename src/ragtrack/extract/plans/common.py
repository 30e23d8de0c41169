"""What both delivery-plan parsers share: the user's plan year and majority votes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import TypeVar

from ragtrack.errors import InputError
from ragtrack.normalise.kinds import PlanYear
from ragtrack.normalise.values import canonical_plan_year

T = TypeVar("T", bound=Hashable)


def plan_year_override(plan_year: str | None, name: str) -> PlanYear | None:
    """A plan year given by the user (``2019/20``, ``2019-2020``) in canonical form."""
    if not plan_year:
        return None
    year = canonical_plan_year(plan_year)
    if year is None:
        raise InputError(
            f"plan year {plan_year!r} is not a financial year such as 2019/20", file=name
        )
    return year


def majority(values: list[T]) -> T | None:
    """The most common value (the first seen among equals); None when there are none."""
    if not values:
        return None
    return Counter(values).most_common(1)[0][0]
