"""Input edge cases (issue 13): period ends that are no real date, and period ends or plan
years years after the date of ingest, in text and PDF reports.

Each leaves a warning in the document's warnings naming the text as printed and its line;
an impossible date becomes no date (never a guessed one), a far-future one is kept.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plan_rows import PLAN_2017_18, PLAN_2019_20
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_bytes, read_text_file
from ragtrack.normalise.values import parse_day_date, read_printed_date
from ragtrack.records import ParsedDocument, SourceText

# ---------------------------------------------------------------- impossible period ends

TODAY = dt.date(2024, 6, 1)

REPORT = """\
Testshire County Council: Council Plan Progress Report
(Progress to {period} - Quarter {quarter}{year})
OUTCOME 2: PLACES ARE THRIVING
Supporting outcome: Roads are kept in good repair
Ref\tAction for {plan_year}\tMilestone\tRAG\tDirection of travel
2.1\tResurface ten roads.\tBy March 2023\tG\t↑
2.2\tMend potholes.\tOngoing\tR\t→
Commentary for areas of progress:
In relation to actions 2.1 and 2.2 work is on track.
"""


def report(period: str, quarter: int = 4, plan_year: str = "2019/20", year: str = "") -> bytes:
    text = REPORT.format(period=period, quarter=quarter, plan_year=plan_year, year=year)
    return text.encode()


def parse(data: bytes, today: dt.date = TODAY) -> ParsedDocument:
    return parse_source(read_text_bytes(data, "r.txt"), today=today)


@pytest.mark.parametrize(
    "printed",
    [
        "31 February 2020",
        "30 February 2020",
        "31st April 2020",
        "29 February 2019",
        "February 30, 2020",
        "31/13/2020",
        "31.13.2020",
        "30/02/2020",
    ],
)
def test_an_impossible_period_end_warns_and_stays_empty(printed: str) -> None:
    doc = parse(report(printed)).document
    assert pd.isna(doc.period_end)
    (warning,) = [w for w in doc.warnings if printed in w]
    assert warning.startswith("line 2: ")
    assert "not a real date" in warning and "left empty" in warning


def test_a_leap_day_is_a_real_period_end() -> None:
    doc = parse(report("29 February 2020")).document
    assert doc.period_end == dt.date(2020, 2, 29)
    assert not [w for w in doc.warnings if "29 February" in w]


@pytest.mark.parametrize(
    ("printed", "day"),
    [("31/03/2020", dt.date(2020, 3, 31)), ("31.03.2020", dt.date(2020, 3, 31))],
)
def test_numeric_period_ends_are_read_day_first(printed: str, day: dt.date) -> None:
    doc = parse(report(printed)).document
    assert doc.period_end == day
    assert doc.quarter == 4


def test_an_unreadable_period_end_warns() -> None:
    doc = parse(report("the end of Febuary 2020")).document
    assert pd.isna(doc.period_end)
    assert any(w.startswith("line 2: ") and "'the end of Febuary 2020'" in w for w in doc.warnings)


# ---------------------------------------------------------------- far-future dates


def test_a_period_end_years_ahead_is_kept_with_a_warning() -> None:
    doc = parse(report("31 March 2091", plan_year="2090/91")).document
    assert doc.period_end == dt.date(2091, 3, 31)  # kept as printed
    (warning,) = [w for w in doc.warnings if "2091" in w and "period end" in w]
    assert warning.startswith("line 2: ")
    assert "'31 March 2091'" in warning and str(TODAY) in warning


def test_a_plan_year_years_ahead_is_kept_with_a_warning() -> None:
    """Period end fine, but the plan year printed beside it is decades ahead."""
    doc = parse(report("31 March 2020", year=" 2091/92", plan_year="2091/92")).document
    assert doc.plan_year == "2091/92"
    warnings = [w for w in doc.warnings if "plan year 2091/92" in w and "after" in w]
    assert len(warnings) == 1 and warnings[0].startswith("line 2: ")


def test_a_period_end_within_a_year_of_ingest_is_quiet() -> None:
    doc = parse(report("31 March 2025", plan_year="2024/25")).document
    assert doc.period_end == dt.date(2025, 3, 31)
    assert not [w for w in doc.warnings if "after" in w and "ingest" in w]
    # and the same report ingested long before is flagged: "now" decides
    early = parse(report("31 March 2025", plan_year="2024/25"), today=dt.date(2020, 1, 1))
    assert [w for w in early.document.warnings if "period end" in w and "ingest" in w]


PLAN = """\
Testshire County Council Plan {year}

Outcome 1 People are healthy

Year 2 Actions and Milestones ({year})

Ref Action Milestone Responsible Officer
1.1 Build a clinic. By May 2091 AD - Health
1.2 Open a library. By June 2091 AD - Culture
"""


def test_a_delivery_plan_year_years_ahead_is_kept_with_a_warning() -> None:
    parsed = parse(PLAN.format(year="2091/92").encode())
    assert parsed.document.doc_type == "delivery_plan"
    assert parsed.document.plan_year == "2091/92"
    warnings = [w for w in parsed.document.warnings if "plan year 2091/92" in w]
    assert len(warnings) == 1 and re.match(r"line \d+: ", warnings[0])


def test_a_current_delivery_plan_year_is_quiet() -> None:
    parsed = parse(PLAN.format(year="2024/25").encode())
    assert parsed.document.plan_year == "2024/25"
    assert not [w for w in parsed.document.warnings if "ingest" in w]


# ---------------------------------------------------------------- the same rules for PDFs


def test_pdf_period_ends_follow_the_same_rules() -> None:
    from ragtrack.extract.pdf import read_pdf_bytes
    from report_pdf import blocks_from_tabbed, render

    def pdf_document(period: str, plan_year: str) -> SourceText:
        text = report(period, plan_year=plan_year).decode()
        return read_pdf_bytes(render(blocks_from_tabbed(text)), "r.pdf")

    impossible = parse_source(pdf_document("31 February 2020", "2019/20"), today=TODAY)
    assert impossible.document.period_end is None
    assert [w for w in impossible.document.warnings if "'31 February 2020'" in w]

    ahead = parse_source(pdf_document("31 March 2091", "2090/91"), today=TODAY)
    assert ahead.document.period_end == dt.date(2091, 3, 31)
    assert [w for w in ahead.document.warnings if "'31 March 2091'" in w and "ingest" in w]


# ---------------------------------------------------------------- the printed-date reader

_FORMS = (
    lambda d: f"{d.day} {d:%B %Y}",
    lambda d: f"{d.day}th {d:%b %Y}",
    lambda d: f"{d:%B} {d.day}, {d.year}",
    lambda d: f"{d:%d/%m/%Y}",
    lambda d: f"{d.day}.{d.month}.{d.year}",
    lambda d: f"{d:%d-%m-%Y}",
    lambda d: d.isoformat(),
)


@given(day=st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), form=st.sampled_from(_FORMS))
def test_every_printed_form_of_a_day_reads_as_that_day(
    day: dt.date, form: Callable[[dt.date], str]
) -> None:
    printed = read_printed_date(f"Progress to {form(day)} - Q1")
    assert printed is not None and printed.value == day
    assert read_printed_date(str(printed.value)).value == day  # the canonical form reads back


@given(
    year=st.integers(1900, 2099),
    month=st.integers(1, 12),
    extra=st.integers(1, 5),
    numeric=st.booleans(),
)
def test_a_day_past_the_end_of_its_month_is_never_guessed(
    year: int, month: int, extra: int, numeric: bool
) -> None:
    day = calendar.monthrange(year, month)[1] + extra
    text = f"{day}/{month:02d}/{year}" if numeric else f"{day} {calendar.month_name[month]} {year}"
    printed = read_printed_date(text)
    assert printed is not None and printed.value is None
    assert printed.printed == text and str(calendar.monthrange(year, month)[1]) in printed.problem
    assert parse_day_date(text) is None


@pytest.mark.parametrize("month", [0, 13, 31])
def test_a_numeric_month_out_of_range_is_named(month: int) -> None:
    printed = read_printed_date(f"15/{month}/2020")
    assert printed is not None and printed.value is None
    assert printed.problem == f"there is no month {month}"


@pytest.mark.parametrize("sample", [PLAN_2017_18, PLAN_2019_20], ids=lambda p: p.name)
def test_both_plan_layouts_warn_about_a_plan_year_far_after_ingest(sample: Path) -> None:
    """The same plan, ingested two years before its year starts, gets one warning naming its
    year and a line printing it; ingested in its year, none. ``today`` alone decides."""
    source = read_text_file(sample)
    year = parse_source(source).document.plan_year
    assert year is not None
    start = int(year[:4])
    early = parse_source(source, today=dt.date(start - 2, 4, 1)).document
    (warning,) = [w for w in early.warnings if "date of ingest" in w]
    assert f"plan year {year} starts more than a year after" in warning
    assert re.match(r"(page \d+, )?line \d+: ", warning)
    assert early.plan_year == year  # kept
    timely = parse_source(source, today=dt.date(start, 6, 1)).document
    assert not [w for w in timely.warnings if "date of ingest" in w]


# ---------------------------------------------------------------- through ``ragtrack ingest``


def test_ingest_stores_the_warnings_and_keeps_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a user meets it: ``ragtrack ingest q4.txt`` in the inbox folder (default dataset
    folder), a report with an impossible period end and a line pasted in from a cp1252 file.
    Both are printed as warnings and kept in ``documents.warnings``; the rows are all there."""
    import ragtrack
    from test_bad_input import run

    text = (
        report("31 February 2020")
        .decode()
        .replace("work is on track.", "work is on track.\nSpent £2m – the council’s budget.")
    )
    pasted = "Spent £2m – the council’s budget."
    data = text.encode().replace(pasted.encode(), pasted.encode("cp1252"))  # arrows stay UTF-8
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q4.txt").write_bytes(data)
    code, out, err = run("ingest", "q4.txt")
    assert code == 0, err
    assert "2 items, 1 commentary, 2 warnings" in out
    assert "'31 February 2020' is not a real date" in err
    assert "line 10: bytes that are not UTF-8" in err
    documents = ragtrack.load("ragtrack-data")
    [doc] = documents["documents"].itertuples()
    assert pd.isna(doc.period_end)
    warnings = list(doc.warnings)
    assert [w for w in warnings if w.startswith("line 2: period end '31 February 2020'")]
    assert [w for w in warnings if w.startswith("line 10: ") and "cp1252" in w]
    assert len(documents["items"]) == 2
    [paragraph] = documents["commentary"]["text"]
    assert pasted in paragraph
