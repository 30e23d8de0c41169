"""Canonical forms: one place per kind of value, idempotent, None for what cannot be read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ragtrack.normalise.kinds import Direction, Rag
from ragtrack.normalise.refs import canonical_ref
from ragtrack.normalise.values import (
    DIRECTION_CANONICAL,
    RAG_CANONICAL,
    canonical_direction,
    canonical_plan_year,
    canonical_rag,
    financial_quarter_of,
    financial_year_of,
    milestone_date,
    parse_day_date,
)


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("R", "red"),
        ("a", "amber"),
        ("G", "green"),
        ("Green", "green"),
        ("AMBER", "amber"),
        ("", None),
        ("X", None),
        (None, None),
    ],
)
def test_rag(raw: str | None, want: str | None) -> None:
    assert canonical_rag(raw) == want
    if want:
        assert canonical_rag(want) == want  # idempotent


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("↑", "improving"),
        ("→", "sustained"),
        ("↓", "declining"),
        ("-", None),
        ("n/a", None),
        ("N/A", None),
        ("", None),
        ("?", None),
    ],
)
def test_direction(raw: str, want: str | None) -> None:
    assert canonical_direction(raw) == want
    if want:
        assert canonical_direction(want) == want


@pytest.mark.parametrize(
    ("milestone", "want"),
    [
        ("By March 2020", dt.date(2020, 3, 31)),
        ("By February 2020", dt.date(2020, 2, 29)),
        ("From Sept 2018", dt.date(2018, 9, 30)),
        ("Start in June 2018", dt.date(2018, 6, 30)),
        ("By 31st March 2019", dt.date(2019, 3, 31)),
        ("By Sept 2018 By April 2019", dt.date(2019, 4, 30)),
        ("Throughout Plan", None),
        ("On-going", None),
        ("Ongoing", None),
        (None, None),
    ],
)
def test_milestone_date_is_last_day_of_named_month(milestone: str | None, want: object) -> None:
    assert milestone_date(milestone) == want


def test_period_dates() -> None:
    assert parse_day_date("30th June 2018") == dt.date(2018, 6, 30)
    assert parse_day_date("30 Sept 2021") == dt.date(2021, 9, 30)
    assert parse_day_date("31 December 2019") == dt.date(2019, 12, 31)


@pytest.mark.parametrize(
    ("day", "year", "quarter"),
    [
        (dt.date(2018, 6, 30), "2018/19", 1),
        (dt.date(2019, 12, 31), "2019/20", 3),
        (dt.date(2020, 3, 31), "2019/20", 4),
        (dt.date(2021, 9, 30), "2021/22", 2),
    ],
)
def test_financial_year_and_quarter(day: dt.date, year: str, quarter: int) -> None:
    assert financial_year_of(day) == year
    assert financial_quarter_of(day) == quarter


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("2019/20", "2019/20"),
        ("2019-2020", "2019/20"),
        ("2019/2020", "2019/20"),
        ("1999/00", "1999/00"),
        ("2019/21", None),
        ("none", None),
    ],
)
def test_plan_year(raw: str, want: str | None) -> None:
    assert canonical_plan_year(raw) == want
    if want:
        assert canonical_plan_year(want) == want


@given(st.from_regex(r"\A\s?[AMam]?\d{1,2}\.\d{1,3}\s?\Z"))
def test_canonical_ref_is_idempotent(raw: str) -> None:
    once = canonical_ref(raw)
    assert canonical_ref(once) == once
    assert once == once.strip().upper()


@given(st.text(max_size=40))
def test_value_functions_never_raise(text: str) -> None:
    canonical_rag(text)
    canonical_direction(text)
    milestone_date(text)
    canonical_plan_year(text)


@pytest.mark.parametrize(
    ("canonicalise", "kind"), [(canonical_rag, Rag), (canonical_direction, Direction)]
)
def test_every_canonical_value_reads_as_itself(
    canonicalise: Callable[[str], str | None], kind: object
) -> None:
    for value in get_args(kind):
        assert canonicalise(value) == value


_PRINTED = st.one_of(
    st.text(max_size=40),
    st.sampled_from(sorted(RAG_CANONICAL) + sorted(DIRECTION_CANONICAL)),
    st.from_regex(r"\A\s?(19|20)\d{2}\s?[/\-–]\s?(\d{2}|(19|20)\d{2})\s?\Z"),
    st.from_regex(r"\A\s?[AMam]?\s?\d{1,2}\.\d{1,3}\s?\Z"),
)


@given(_PRINTED)
def test_each_canonicaliser_is_idempotent_over_its_own_type(text: str) -> None:
    """Whatever a canonicaliser makes of any text (a Ref, Rag, Direction or PlanYear), fed
    back to it, comes out unchanged."""
    canonicalisers: tuple[Callable[[str], str | None], ...] = (
        canonical_ref,
        canonical_rag,
        canonical_direction,
        canonical_plan_year,
    )
    for canonicalise in canonicalisers:
        once = canonicalise(text)
        if once is not None:
            assert canonicalise(once) == once


@given(st.dates(min_value=dt.date(1900, 4, 1), max_value=dt.date(2099, 12, 31)))
def test_a_financial_year_is_a_canonical_plan_year(day: dt.date) -> None:
    year = financial_year_of(day)
    assert canonical_plan_year(year) == year
