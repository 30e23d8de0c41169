"""Reports of other councils read through layout profiles: five layouts of our own making,
each as text and as a PDF, read by its profile file into rows reviewed by hand; the status
and trend vocabularies; profiles that do not fit; documents that are no such report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from profile_layouts import FIXTURES, LAYOUTS, layout_pdf
from ragtrack.errors import InputError, ParseError
from ragtrack.extract.dispatch import parse_source
from ragtrack.extract.pdf.document import read_pdf_bytes
from ragtrack.extract.profiles.profile import builtin_profiles, load_profile, profile_from_toml
from ragtrack.extract.reader import read_text_bytes, read_text_file
from ragtrack.normalise.status import STATUS_WORDS, TREND_WORDS, read_status, read_trend
from ragtrack.records import ParsedDocument

#: Rows as each layout prints them, checked by hand against the documents:
#: (ref, text, rag, rag_raw, printed_previous_rag, direction, value, target, previous_value,
#: milestone, responsible).
GOLDEN: dict[str, list[tuple[str | None, ...]]] = {
    "kpi_scorecard": [
        (
            None,
            "Percentage of household waste sent for reuse, recycling or composting",
            "green",
            "GREEN",
            "amber",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            None,
            "Missed bins per 100,000 collections",
            "red",
            "RED",
            "red",
            None,
            "52",  # from its tile on a later page
            "60",
            "61",
            None,
            None,
        ),
        (
            None,
            "Residual household waste per household (kg)",
            "amber",
            "AMBER",
            "amber",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            None,
            "Number of households in temporary accommodation",
            "red",
            "RED",
            "amber",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            None,
            "Homeless preventions within 56 days",
            "green",
            "GREEN",
            "green",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        # KPI tiles: a name, then Latest / Target, Floor / Previous (rating)
        (
            None,
            "Percentage of household waste sent for reuse",
            None,
            None,
            "amber",
            None,
            "41.2%",
            "45%",
            "39.8%",
            None,
            None,
        ),
        (
            None,
            "Average days to re-let council homes",
            None,
            None,
            "amber",
            None,
            "31 days",
            "28 days",
            "35 days",
            None,
            None,
        ),
    ],
    "flat_kpi_q1": [
        (
            "1.1.2.PI",
            "Net additional homes delivered",
            "amber",
            "Amber",
            None,
            None,
            "96",
            "120",
            "112",
            None,
            None,
        ),
        (
            "1.2.1.KR",
            "Affordable homes completed",
            "green",
            "Green",
            None,
            None,
            "44",
            "40",
            "31",
            None,
            None,
        ),
        (
            "1.2.3.PI",
            "Empty homes brought back into use",
            "red",
            "Red",
            None,
            None,
            "9",
            "15",
            "12",
            None,
            None,
        ),
        (
            "2.1.1.PI",
            "Household waste recycled",
            "green",
            "Green",
            None,
            None,
            "45.3%",
            "45%",
            "44.1%",
            None,
            None,
        ),
    ],
    "flat_kpi_q2": [
        (
            "1.1.2.PI",
            "Net additional homes delivered",
            "green",
            "Green",
            None,
            "improving",
            "131",
            "120",
            "96",
            None,
            None,
        ),
        (
            "1.2.1.KR",
            "Affordable homes completed",
            "amber",
            "Amber",
            None,
            "declining",
            "38",
            "40",
            "44",
            None,
            None,
        ),
        (
            "1.2.3.PI",
            "Empty homes brought back into use",
            "red",
            "Red",
            None,
            "sustained",
            "9",
            "15",
            "9",
            None,
            None,
        ),
        (
            "2.1.1.PI",
            "Household waste recycled",
            "green",
            "Green",
            None,
            "improving",
            "46.0%",
            "45%",
            "45.3%",
            None,
            None,
        ),
    ],
    "action_blocks": [
        (
            "4.01.01",
            "Reopen the refurbished central library",
            "green",
            "On track",
            None,
            None,
            "80%",
            None,
            None,
            "March 2025",
            "Communities",
        ),
        (
            "4.01.02",
            "Extend the community grants scheme to rural parishes",
            "amber",
            "Delayed under 3 months",
            None,
            None,
            "25%",
            None,
            None,
            "June 2025",
            "Communities",
        ),
        (
            "7.001",
            "Replace the finance system",
            "blue",
            "Complete",
            None,
            None,
            "100%",
            None,
            None,
            "September 2024",
            "Resources",
        ),
        (
            "7.002",
            "Reduce spending on agency staff by a fifth",
            "red",
            "Will not be met",
            None,
            None,
            "40%",
            None,
            None,
            "March 2025",
            "Resources",
        ),
    ],
    "aligned_older": [
        (
            "CS1",
            "Reduce the number of young people not in education, employment or training",
            "red",
            "Red (currently not met)",
            None,
            None,
            None,
            None,
            None,
            None,
            "Director of Children's Services",
        ),
        (
            "CS2",
            "Increase take-up of free early years places for two-year-olds",
            "green",
            "Green",
            None,
            None,
            None,
            None,
            None,
            None,
            "Head of Early Years",
        ),
        (
            "CS3",
            "Improve the timeliness of child protection conferences",
            "amber",
            "Amber",
            None,
            None,
            None,
            None,
            None,
            None,
            "Director of Children's Services",
        ),
    ],
    "milestone_tracker": [
        (
            "HC-01",
            "Open the new ferry terminal",
            "green",
            "✓",
            None,
            "improving",
            None,
            None,
            None,
            "July 2025",
            None,
        ),
        (
            "HC-02",
            "Resurface the harbour promenade",
            "amber",
            "!",
            None,
            "sustained",
            None,
            None,
            None,
            "March 2026",
            None,
        ),
        (
            "HC-03",
            "Adopt the local transport plan and its delivery programme",
            "red",
            "✗",
            None,
            "declining",
            None,
            None,
            None,
            "December 2025",
            None,
        ),
        (
            "HC-04",
            "Publish the tree strategy",
            "blue",
            "Blue",
            None,
            "sustained",
            None,
            None,
            None,
            "April 2025",
            None,
        ),
        (
            "HC-05",
            "Launch the business rates relief scheme",
            "green",
            "★",
            None,
            "improving",
            None,
            None,
            None,
            "September 2025",
            None,
        ),
        (
            "HC-06",
            "Review leisure centre opening hours",
            "amber",
            "●",
            None,
            "sustained",
            None,
            None,
            None,
            "October 2025",
            None,
        ),
        (
            "HC-07",
            "Renew the CCTV network",
            "red",
            "▲",
            None,
            "declining",
            None,
            None,
            None,
            "November 2025",
            None,
        ),
        (
            "HC-08",
            "Agree the new youth offer",
            "not_rated",
            "Ungraded",
            None,
            None,
            None,
            None,
            None,
            "January 2026",
            None,
        ),
    ],
}


#: What a user is told when a table's direction column prints no text (arrows as pictures).
NO_TREND_PRINTED = {
    "kpi_scorecard": (
        "no row of the table under 'Waste and Recycling' prints text in its 'DoT' column "
        "(arrows drawn as pictures are not read); direction left empty",
        "no row of the table under 'Housing' prints text in its 'DoT' column (arrows drawn "
        "as pictures are not read); direction left empty",
    )
}


def _said(parsed: ParsedDocument) -> tuple[str, ...]:
    """The document's warnings without where they point (a PDF's lines are not the text's)."""
    return tuple(re.sub(r"^(page \d+, )?line \d+: ", "", w) for w in parsed.document.warnings)


def _rows(parsed: ParsedDocument) -> list[tuple[str | None, ...]]:
    out = []
    for i in parsed.items:
        p = parsed.printed[i.item_id]
        printed = (p.rag_raw, p.printed_previous_rag, i.direction, p.value, p.target)
        out.append((i.ref, i.text, i.rag, *printed, p.previous_value, i.milestone, i.responsible))
    return out


def _text(name: str) -> ParsedDocument:
    text, profile, _blocks, _options = LAYOUTS[name]
    return parse_source(read_text_file(FIXTURES / text), profile=load_profile(FIXTURES / profile))


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_read_from_text_by_its_profile(name: str) -> None:
    parsed = _text(name)
    assert _rows(parsed) == GOLDEN[name]
    assert parsed.layout == load_profile(FIXTURES / LAYOUTS[name][1]).name
    # the scorecard's DoT arrows are pictures, which leave its text no trend to read
    assert _said(parsed) == NO_TREND_PRINTED.get(name, ())


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_read_from_pdf_gives_the_same_rows(name: str) -> None:
    source = read_pdf_bytes(layout_pdf(name), f"{name}.pdf")
    parsed = parse_source(source, profile=load_profile(FIXTURES / LAYOUTS[name][1]))
    assert _rows(parsed) == GOLDEN[name]
    text = _text(name).document
    assert (parsed.document.council, parsed.document.period_end) == (
        text.council,
        text.period_end,
    )


def test_document_fields_and_sections() -> None:
    kpi = _text("kpi_scorecard")
    assert (kpi.document.council, kpi.document.period_end, kpi.document.quarter) == (
        "Northfield Borough Council",
        dt.date(2024, 9, 30),
        2,
    )
    assert [i.outcome for i in kpi.items] == ["Waste and Recycling"] * 3 + ["Housing"] * 2 + [
        "Indicator detail"
    ] * 2
    assert all(i.kind == "measure" for i in kpi.items)
    blocks = _text("action_blocks")
    assert blocks.document.period_end == dt.date(2024, 12, 31)
    assert [i.outcome for i in blocks.items] == ["Theme 4: Thriving communities"] * 2 + [
        "Theme 7: Well-run council"
    ] * 2
    older = _text("aligned_older")
    bullets = next(c for c in older.commentary if c.refs == ("CS2",))
    assert "Outreach sessions" in bullets.text and "text reminder" in bullets.text
    assert (older.items[0].line_start, older.items[0].line_end) == (7, 9)


def test_kpi_tiles_give_floor_and_unit_and_activity_counts_are_not_items() -> None:
    for parsed in (
        _text("kpi_scorecard"),
        parse_source(
            read_pdf_bytes(layout_pdf("kpi_scorecard"), "k.pdf"),
            profile=load_profile(FIXTURES / "kpi_scorecard.toml"),
        ),
    ):
        texts = " ".join(i.text for i in parsed.items)
        assert "Bulky" not in texts and "Fly-tipping" not in texts and "Latest:" not in texts
        printed = {i.text: parsed.printed[i.item_id] for i in parsed.items}
        floors = {t: (p.floor, p.unit) for t, p in printed.items() if p.floor}
        assert floors == {
            "Missed bins per 100,000 collections": ("80", None),
            "Percentage of household waste sent for reuse": ("40%", "%"),
            "Average days to re-let council homes": ("40 days", "days"),
        }


def test_a_column_name_that_drifts_between_quarters_is_read_both_ways() -> None:
    q1, q2 = _text("flat_kpi_q1"), _text("flat_kpi_q2")
    assert [i.ref for i in q1.items] == [i.ref for i in q2.items]
    assert all(i.direction is None for i in q1.items)  # no trend column that quarter
    assert [i.direction for i in q2.items] == ["improving", "declining", "sustained", "improving"]


#: The built-in profile each layout is read by when no profile is given.
AUTOMATIC = {
    "kpi_scorecard": "kpi-scorecard",
    "flat_kpi_q1": "kpi-table",
    "flat_kpi_q2": "kpi-table",
    "action_blocks": "generic-blocks",
    "aligned_older": "action-table",
    "milestone_tracker": "action-table",
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@pytest.mark.parametrize("form", ["text", "pdf"])
def test_each_layout_read_without_a_profile_by_the_builtin_that_fits(name: str, form: str) -> None:
    """No --profile: the built-in profiles are tried and the one with most evidence reads
    the document into the same rows its own profile gives, its name recorded."""
    source = (
        read_text_file(FIXTURES / LAYOUTS[name][0])
        if form == "text"
        else read_pdf_bytes(layout_pdf(name), f"{name}.pdf")
    )
    parsed = parse_source(source)
    assert parsed.layout == AUTOMATIC[name]
    assert _rows(parsed) == GOLDEN[name]
    own = load_profile(FIXTURES / LAYOUTS[name][1])
    assert {i.kind for i in parsed.items} == {own.kind}
    assert _said(parsed) == NO_TREND_PRINTED.get(name, ())


def _auto(text: str, name: str = "report.txt") -> ParsedDocument:
    return parse_source(read_text_bytes(text.encode(), name))


def test_a_scorecard_whose_previous_column_prints_figures_reads_them_as_figures() -> None:
    """Varied: tab-separated, other column names, the previous period as a figure."""
    parsed = _auto(
        "Lakeside Borough Council\nPerformance scorecard, Quarter 4 2023/24\n\nAdult Care\n\n"
        "Key performance indicator\tLatest\tTarget\tPrevious\tRating\tTrend\n"
        "Reviews completed on time\t88%\t90%\t84%\tAmber\tGetting better\n"
        "Delayed discharges per 100,000\t12.1\t10\t9.8\tRed\tGetting worse\n"
    )
    assert parsed.layout == "kpi-scorecard"
    printed = [parsed.printed[i.item_id] for i in parsed.items]
    assert [(i.text, i.rag, i.direction) for i in parsed.items] == [
        ("Reviews completed on time", "amber", "improving"),
        ("Delayed discharges per 100,000", "red", "declining"),
    ]
    assert [(p.value, p.target, p.previous_value, p.printed_previous_rag) for p in printed] == [
        ("88%", "90%", "84%", None),
        ("12.1", "10", "9.8", None),
    ]
    assert parsed.document.period_end == dt.date(2024, 3, 31)


def test_a_milestone_table_with_codes_and_a_due_date_reads_as_actions() -> None:
    """Varied: aligned in spaces, codes with letters and a hyphen, Deadline for the date."""
    parsed = _auto(
        "Riverside City Council\nDelivery plan milestones, Quarter 1 2025/26\n\n"
        "Ref      Milestone                         Deadline       RAG\n"
        "ENV-3    Plant 2,000 street trees          March 2026     G\n"
        "ENV-4    Open the reuse shop               October 2025   Amber\n"
        "ENV-5    Adopt the climate action plan     July 2025      Complete\n"
    )
    assert parsed.layout == "action-table"
    assert [(i.ref, i.text, i.milestone, i.kind) for i in parsed.items] == [
        ("ENV-3", "Plant 2,000 street trees", "March 2026", "action"),
        ("ENV-4", "Open the reuse shop", "October 2025", "action"),
        ("ENV-5", "Adopt the climate action plan", "July 2025", "action"),
    ]
    assert [i.milestone_date for i in parsed.items][:1] == [dt.date(2026, 3, 31)]


def test_a_kpi_table_with_refs_reads_as_measures() -> None:
    """Varied: refs KP012, Indicator / Actual / Target / RAG status / DoT with arrows."""
    parsed = _auto(
        "Hillside District Council\nQuarter 3 2024/25\n\n"
        "Ref\tIndicator\tActual\tTarget\tRAG status\tDoT\n"
        "KP012\tCouncil tax collected\t82.5%\t84%\tA\t↓\n"
        "KP013\tInvoices paid in 30 days\t97%\t95%\tG\t↑\n"
    )
    assert parsed.layout == "kpi-table"
    assert [(i.ref, i.rag, i.direction, i.kind) for i in parsed.items] == [
        ("KP012", "amber", "declining", "measure"),
        ("KP013", "green", "improving", "measure"),
    ]


def test_tiles_with_other_key_names_one_pair_to_a_line_and_prose_that_is_no_tile() -> None:
    """Varied tiles: Current / Target / Threshold / Last quarter, one pair to a line; a
    sentence naming a target and a contact block are no tiles."""
    parsed = _auto(
        "Moorland District Council\nQuarter 1 2025/26 scorecard\n\nLeisure\n\n"
        "KPI\tRAG\tPrevious\nGym memberships\tGreen\tAmber\nPool visits\tRed\tRed\n\n"
        "Leisure indicators in detail\n\nGym memberships\nCurrent: 4,210\nTarget: 4,000\n"
        "Threshold: 3,500\nLast quarter: 3,950 (Amber)\n\nSwimming lessons booked\n"
        "Current: 880 Target: 1,000 Last quarter: 910 (Green)\n\n"
        "The service set itself a new target. Target: to be agreed in July.\n\n"
        "Contact\nName: Leisure team\nTarget date: none\n"
    )
    assert parsed.layout == "kpi-scorecard"
    rows = [
        (i.text, i.rag, p.value, p.target, p.floor, p.previous_value, p.printed_previous_rag)
        for i in parsed.items
        for p in [parsed.printed[i.item_id]]
    ]
    assert rows == [
        ("Gym memberships", "green", "4,210", "4,000", "3,500", "3,950", "amber"),
        ("Pool visits", "red", None, None, None, None, "red"),
        ("Swimming lessons booked", None, "880", "1,000", None, "910", "green"),
    ]


def test_figures_of_a_tile_with_no_name_above_are_warned_about_not_dropped() -> None:
    parsed = _auto(
        "Moorland District Council\nQuarter 1 2025/26 scorecard\n\n"
        "KPI\tRAG\tPrevious\nGym memberships\tGreen\tAmber\nPool visits\tRed\tRed\n\n"
        "The figures for the quarter were these.\nLatest: 12 Target: 15, Floor: 20\n"
    )
    assert [i.text for i in parsed.items] == ["Gym memberships", "Pool visits"]
    assert parsed.document.warnings == (
        "line 9: figures printed as a KPI tile with no name above them; not read as an item",
    )


def test_a_profile_without_tiles_reads_no_tiles() -> None:
    base = (FIXTURES / "kpi_scorecard.toml").read_text().replace("tiles = true", "tiles = false")
    parsed = parse_source(
        read_text_file(FIXTURES / "kpi_scorecard.txt"), profile=profile_from_toml(base, "t.toml")
    )
    assert len(parsed.items) == 5
    with pytest.raises(InputError, match="tiles must be true or false"):
        profile_from_toml("tiles = 'yes'", "t.toml")


WRAPPED_ALIGNED = """Ashby Borough Council
Quarter 2 2024/25

Ref     Measure                        Last      This      Target   RAG
                                       quarter   quarter            rating
PI-01   Rent collected                 96%       97%       98%      Amber
PI-02   Repairs done on time           88%       91%       90%      Green
\fAshby Borough Council
Ref     Measure                        Last      This      Target   RAG
                                       quarter   quarter            rating
PI-03   Empty homes re-let in 28 days  61%       64%       75%      Red
"""
WRAPPED_TABBED = (
    "Ashby Borough Council\nQuarter 2 2024/25\n\nRef\tAction\tDue\tRAG\tDirection of\n"
    "\t\tdate\trating\ttravel\nA1\tBuild 300 homes\tMarch 2025\tG\t↑\n"
    "A2\tOpen the youth hub\tJune 2025\tR\t↓\n"
)


def test_a_header_whose_names_wrap_onto_a_second_line() -> None:
    """Last / quarter, This / quarter and RAG / rating (RAG alone is a name too): the second
    line joins the names above it, also where the header repeats on a new page."""
    kpi = _auto(WRAPPED_ALIGNED)
    assert [
        (i.ref, i.text, i.rag, p.value, p.previous_value, p.target)
        for i in kpi.items
        for p in [kpi.printed[i.item_id]]
    ] == [
        ("PI-01", "Rent collected", "amber", "97%", "96%", "98%"),
        ("PI-02", "Repairs done on time", "green", "91%", "88%", "90%"),
        ("PI-03", "Empty homes re-let in 28 days", "red", "64%", "61%", "75%"),
    ]
    assert kpi.document.warnings == ()
    actions = _auto(WRAPPED_TABBED)
    assert [(i.ref, i.text, i.milestone, i.rag, i.direction) for i in actions.items] == [
        ("A1", "Build 300 homes", "March 2025", "green", "improving"),
        ("A2", "Open the youth hub", "June 2025", "red", "declining"),
    ]


def test_a_data_row_under_a_header_is_never_taken_as_its_second_line() -> None:
    from ragtrack.extract.tables.columns import DEFAULT_ALIASES, read_wrapped_header
    from ragtrack.records import Line

    top = Line(1, 1, "Ref\tMeasure\tStatus")
    assert (
        read_wrapped_header(top, Line(2, 1, "KP1\tRent collected\tGreen"), DEFAULT_ALIASES) is None
    )
    assert read_wrapped_header(top, Line(2, 1, "\t\trating"), DEFAULT_ALIASES) is not None


def test_builtin_profiles_ship_as_toml() -> None:
    assert {p.name for p in builtin_profiles()} == {
        "action-table",
        "generic-blocks",
        "generic-table",
        "kpi-scorecard",
        "kpi-table",
    }
    assert all(p.source.endswith(".toml") for p in builtin_profiles())


def test_cumbria_samples_keep_their_parsers_and_record_the_layout() -> None:
    samples = sorted(Path("samples").glob("*.txt"))
    layouts = {parse_source(read_text_file(p)).layout for p in samples}
    assert layouts == {"cumbria-progress", "cumbria-plan"}


# ---------------------------------------------------------------- vocabularies

RAG_CASES = [
    ("GREEN", "green", "rag"),
    ("Amber", "amber", "rag"),
    ("red", "red", "rag"),
    ("Blue", "blue", "complete"),
    ("Complete", "blue", "complete"),
    ("Acceptable", "blue", "complete"),
    ("Ungraded", "not_rated", "not_rated"),
    ("N/A", "not_rated", "not_rated"),
    ("On track", "green", "rag"),
    ("Delayed under 3 months", "amber", "rag"),
    ("Will not be met", "red", "rag"),
    ("✓", "green", "rag"),
    ("!", "amber", "rag"),
    ("✗", "red", "rag"),
    ("★", "green", "rag"),
    ("●", "amber", "rag"),
    ("▲", "red", "rag"),
    ("Red (currently not met)", "red", "rag"),
    ("Purple", None, "unknown"),
    ("Redevelopment", None, "unknown"),
]


@pytest.mark.parametrize(("raw", "rag", "meaning"), RAG_CASES)
def test_status_words_are_mapped_or_reported_unknown_with_the_raw_kept(
    raw: str, rag: str | None, meaning: str
) -> None:
    reading = read_status(raw)
    assert reading is not None
    assert (reading.rag, reading.meaning, reading.raw) == (rag, meaning, raw)


TREND_CASES = [
    ("Getting better", "improving"),
    ("Getting worse", "declining"),
    ("Better", "improving"),
    ("Worse", "declining"),
    ("No change", "sustained"),
    ("é", "improving"),
    ("ê", "declining"),
    ("è", "sustained"),
    ("↑", "improving"),
]


@pytest.mark.parametrize(("raw", "direction"), TREND_CASES)
def test_trend_words_and_wingdings_letters(raw: str, direction: str) -> None:
    assert read_trend(raw) == (direction, True)


def test_an_unknown_trend_is_reported_and_a_profile_can_add_words() -> None:
    assert read_trend("Sideways") == (None, False)
    assert read_trend("Sideways", {"Sideways": "sustained"}) == ("sustained", True)
    assert read_status("Exceeded", {"Exceeded": "green"}).rag == "green"  # type: ignore[union-attr]


@given(st.sampled_from(sorted(STATUS_WORDS)), st.sampled_from(sorted(TREND_WORDS)))
def test_canonical_values_read_back_as_themselves(status: str, trend: str) -> None:
    first = read_status(status)
    assert first is not None
    if first.rag is not None:
        again = read_status(first.rag)
        assert again is not None and again.rag == first.rag
    direction, _known = read_trend(trend)
    if direction is not None:
        assert read_trend(direction) == (direction, True)


@given(st.text(max_size=40))
def test_any_printed_status_keeps_its_text(raw: str) -> None:
    reading = read_status(raw)
    if raw.strip():
        assert reading is not None and reading.raw == " ".join(raw.split())
    else:
        assert reading is None


# ---------------------------------------------------------------- profiles that do not fit


def test_a_profile_that_does_not_fit_names_what_was_not_found() -> None:
    source = read_text_file(FIXTURES / "milestone_tracker.txt")
    with pytest.raises(ParseError) as err:
        parse_source(source, profile=load_profile(FIXTURES / "flat_kpi.toml"))
    assert str(err.value).startswith("milestone_tracker.txt: profile 'flat-kpi': no table header")
    assert "\n" not in str(err.value)
    source = read_text_file(FIXTURES / "flat_kpi_q1.txt")
    with pytest.raises(ParseError, match="no row starts with a ref matching"):
        parse_source(source, profile=load_profile(FIXTURES / "milestone_tracker.toml"))


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("name = 'x'\nform = 'grid'", "form must be table or blocks"),
        ("colour = 1", "unknown profile setting 'colour'"),
        ("[columns]\nsize = ['Size']", "unknown field 'size'"),
        ("ref = '(['", "ref is not a valid regular expression"),
        ("name = ", "not a valid profile (TOML)"),
        # misspelt or mistyped settings inside a table: named with their line (regression: a
        # traceback for [limits], silence for [document] and [sections], any status value)
        ("name = 'x'\n[limits]\nmax_chars = 10", "line 3: [limits]: unknown setting 'max_chars'"),
        ("[limits]\nmax_item_chars = 'lots'", "line 2: [limits] max_item_chars must be a whole"),
        ("[document]\ncouncill = 'x'", "line 2: [document]: unknown setting 'councill'"),
        ("[sections]\nincludes = ['Environment']", "line 2: [sections]: unknown setting"),
        ("[status]\n'At risk' = 'orange'", "line 2: [status] 'At risk' = 'orange': the value"),
        ("[trend]\nUp = 'better'", "line 2: [trend] 'Up' = 'better': the value must be one of"),
        ("colour = 1", "line 1: unknown profile setting 'colour'"),
    ],
)
def test_a_bad_profile_file_is_one_clear_error(toml: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as err:
        profile_from_toml(toml, "mine.toml")
    assert str(err.value).startswith("mine.toml")


def test_one_section_pattern_given_alone_is_a_list_of_one() -> None:
    """Regression: ``include = "Environment"`` was read letter by letter as 11 patterns."""
    profile = profile_from_toml("[sections]\ninclude = 'Environment'", "mine.toml")
    assert [p.pattern for p in profile.include] == ["Environment"]


def test_a_profile_that_cannot_be_used_is_a_usage_error(tmp_path: Path) -> None:
    """Exit 2, as for any wrong option, before anything is read or written."""
    from ragtrack.cli import app

    (tmp_path / "p.toml").write_text("[document]\ncouncill = 'x'\n", encoding="utf-8")
    report = tmp_path / "q3.txt"
    report.write_text("Riverton Borough Council\n", encoding="utf-8")
    for profile in ("p.toml", "missing.toml"):
        args = ["ingest", str(report), "-d", str(tmp_path / "data")]
        result = CliRunner().invoke(app, [*args, "--profile", str(tmp_path / profile)])
        assert result.exit_code == 2, result.output
        assert profile in result.stderr
    assert not (tmp_path / "data").exists()


# ---------------------------------------------------------------- no false positives


def _spec() -> str:
    section = (
        "Each learner record holds the identifier, the provider, the start and end dates and "
        "the funding stream; records are validated nightly against the reference tables. "
    )
    return (
        "Learner Records Service: data model specification\nVersion 3.2\n\n"
        "1 Introduction\n\nThis document describes the data model.\n\n"
        "2 Data model\n\n2.1 LRS model\n\n" + section * 120 + "\n\n2.2 Validation rules\n\n"
        "Rules are listed in appendix A.\n"
    )


COUNTS = (
    "Housing statistics, table 4\n\nArea\tApr\tMay\tJun\tTotal\nNorth\t12\t15\t9\t36\n"
    "South\t20\t18\t22\t60\nEast\t7\t5\t11\t23\n"
)
FORM = (
    "Application for a parking permit\n\nName: ________\nAddress: ________\n"
    "Vehicle registration: ________\nStatus: resident / visitor\nSignature: ________\n"
    "Date: ________\n"
)
ERROR_CODES = (
    "Interface specification\n\n3 Error codes\n\nCode\tDescription\tStatus\n"
    "E101\tRecord not found\tActive\nE102\tDuplicate key\tActive\nE103\tTimeout\tDeprecated\n"
)
REGISTER = (
    "Document register\n\nRef   Title               Status\nD-01  Housing strategy    Complete\n"
    "D-02  Waste strategy      Draft\nD-03  Parking policy      N/A\n"
)
STOCK = "Stock list\n\nID\tDescription\tLatest\tTarget\nA1\tChairs\t12\t20\nA2\tTables\t4\t6\n"
CORPUS = {
    "spec.txt": _spec(),
    "counts.txt": COUNTS,
    "form.txt": FORM,
    "error_codes.txt": ERROR_CODES,
    "register.txt": REGISTER,
    "stock.txt": STOCK,
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_documents_that_are_no_report_give_no_items_and_a_clear_error(name: str) -> None:
    source = read_text_bytes(CORPUS[name].encode(), name)
    with pytest.raises(ParseError) as err:
        parse_source(source)
    assert str(err.value).startswith(name) and "\n" not in str(err.value)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_documents_that_are_no_report_refused_as_pdfs_too(name: str) -> None:
    from report_pdf import Para, render

    lines = [line for line in CORPUS[name].splitlines() if line.strip()]
    data = render([Para(line.replace("\t", "   ")) for line in lines])
    with pytest.raises(ParseError):
        parse_source(read_pdf_bytes(data, name.replace(".txt", ".pdf")))


def test_an_item_of_thousands_of_characters_is_refused_not_stored() -> None:
    """A numbered heading of a specification read as a ref, its section as the item's text:
    shaped like a Cumbria report so its parser accepts the table."""
    body = "The model holds each learner's records and their validation history. " * 280
    text = (
        "Progress to 31 December 2019\n\nOUTCOME 2: DATA\n\nKey Action Updates\n"
        f"Ref\tAction\tMilestone\tRAG\tDoT\n2.1\tLRS model {body}\tBy March 2020\tG\t↑\n"
    )
    assert len(body) > 19_000
    with pytest.raises(ParseError, match="runs to 19,"):
        parse_source(read_text_bytes(text.encode(), "spec.txt"))


def test_a_profile_sets_its_own_limits() -> None:
    profile = profile_from_toml(
        (FIXTURES / "aligned_older.toml").read_text() + "\n[limits]\nmax_item_chars = 40\n",
        "tight.toml",
    )
    with pytest.raises(ParseError, match="CS1 runs to 74 characters"):
        parse_source(read_text_file(FIXTURES / "aligned_older.txt"), profile=profile)


# ---------------------------------------------------------------- the command line


def test_ingest_with_a_profile_from_a_relative_path_then_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ragtrack
    from ragtrack.cli import app

    for name in ("aligned_older.txt", "aligned_older.toml", "kpi_scorecard.txt"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "aligned_older.txt", "--profile", "aligned_older.toml"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["ingest", "kpi_scorecard.txt"])  # auto: kpi-scorecard
    assert result.exit_code == 0, result.output
    tables = ragtrack.load("ragtrack-data")
    docs = tables["documents"].set_index("source_name")
    assert docs.loc["aligned_older.txt", "layout"] == "aligned-older"
    assert docs.loc["kpi_scorecard.txt", "layout"] == "kpi-scorecard"
    items = tables["items"]
    cs1 = items[items["ref"] == "CS1"].iloc[0]
    assert (cs1["rag"], cs1["rag_raw"]) == ("red", "Red (currently not met)")
    assert str(tables["items"]["printed_previous_rag"].dtype) == "category"


def test_ingest_with_a_missing_profile_says_so(tmp_path: Path) -> None:
    from ragtrack.cli import app

    result = CliRunner().invoke(
        app,
        ["ingest", str(FIXTURES / "aligned_older.txt"), "--profile", str(tmp_path / "no.toml")],
    )
    assert result.exit_code == 2  # a usage error, as docs/deploy.md says: nothing was run
    assert not (tmp_path / "ragtrack-data").exists()


def test_inspect_shows_layout_columns_and_rows() -> None:
    from ragtrack.cli import app

    result = CliRunner().invoke(
        app,
        [
            "inspect",
            str(FIXTURES / "kpi_scorecard.txt"),
            "--profile",
            str(FIXTURES / "kpi_scorecard.toml"),
            "--rows",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "kpi_scorecard.txt: layout kpi-scorecard, 7 items"
    assert "  RAG rating Latest -> rag" in lines
    assert "  Previous          -> previous_rag" in lines
    assert lines[-1].startswith("  lines 11-13: text='Percentage of household waste")


def test_inspect_of_a_document_no_layout_fits_exits_1(tmp_path: Path) -> None:
    from ragtrack.cli import app

    (tmp_path / "counts.txt").write_text(COUNTS)
    result = CliRunner().invoke(app, ["inspect", str(tmp_path / "counts.txt")])
    assert result.exit_code == 1
    assert "layout (none fits), 0 items" in result.output


def test_a_dataset_written_before_the_profile_columns_still_loads(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    import ragtrack
    from ragtrack.api import IngestOptions, ingest
    from ragtrack.store import Store
    from ragtrack.store.schema import PRINTED_COLUMNS

    out = tmp_path / "data"
    options = IngestOptions(profile=FIXTURES / "aligned_older.toml")
    assert ingest([FIXTURES / "aligned_older.txt"], out, options).ok
    for table, dropped in (("items", list(PRINTED_COLUMNS)), ("documents", ["layout"])):
        [path] = (out / table).rglob("*.parquet")
        pq.write_table(pq.read_table(path).drop_columns(dropped), path)
    (out / "_manifest.sqlite").unlink()  # as a rebuilt manifest registers the files it finds
    with Store(out):
        pass
    tables = ragtrack.load(out)
    assert tables["documents"]["layout"].isna().all()
    assert len(tables["items"]) == 3 and tables["items"]["rag_raw"].isna().all()


@pytest.mark.parametrize("text", ["\x1b\x0b0", "Ref\t--\tStatus", "Ref  ...  Status", "—"])
def test_a_header_cell_of_punctuation_only_is_no_header(text: str) -> None:
    """Regression: a cell with no word in it crashed the header reader (IndexError)."""
    from ragtrack.extract.tables.columns import DEFAULT_ALIASES, read_header
    from ragtrack.records import Line

    assert read_header(Line(1, 1, text), DEFAULT_ALIASES) is None


# ---------------------------------------------------------------- one table, three shapes

_WORDS = ["homes", "waste", "roads", "libraries", "parks", "housing", "grants", "schools"]
_ROW = st.tuples(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(
        lambda w: " ".join([w[0].capitalize(), *w[1:]])
    ),
    st.integers(0, 999).map(str),
    st.integers(0, 999).map(lambda n: f"{n}%"),
    st.sampled_from(["Green", "Amber", "Red", "On track", "Will not be met", "Blue"]),
)
_PROFILE = profile_from_toml(
    "name = 'p'\nkind = 'measure'\nref = 'KP\\d{3}'\n[columns]\nvalue = ['Actual']\n",
    "p.toml",
)
_HEADER = ["Ref", "Measure", "Actual", "Target", "Status"]


def _shaped(rows: list[tuple[str, str, str, str]], shape: str) -> str:
    table = [_HEADER] + [[f"KP{n:03d}", *row] for n, row in enumerate(rows)]
    if shape == "tabbed":
        lines = ["\t".join(cells) for cells in table]
    elif shape == "flat":
        lines = [" ".join(cells) for cells in table]
    else:
        widths = [max(len(r[c]) for r in table) + 2 for c in range(len(_HEADER))]
        lines = ["".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in table]
    return "Example Council\nQuarter 1 2025/26\n\n" + "\n".join(lines) + "\n"


@given(st.lists(_ROW, min_size=1, max_size=8))
def test_a_table_reads_the_same_tabbed_aligned_or_flat(
    rows: list[tuple[str, str, str, str]],
) -> None:
    read = {}
    for shape in ("tabbed", "aligned", "flat"):
        source = read_text_bytes(_shaped(rows, shape).encode(), f"{shape}.txt")
        parsed = parse_source(source, profile=_PROFILE)
        read[shape] = _rows(parsed)
    assert read["tabbed"] == read["aligned"] == read["flat"]
    assert [(r[1], r[6], r[7], r[3]) for r in read["tabbed"]] == rows


def test_a_folder_of_profiles_reads_each_report_by_the_best_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backfill across councils: one folder of profiles, each report read by the one that
    finds most evidence in it, recorded per document."""
    import ragtrack
    from ragtrack.cli import app

    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for name in ("aligned_older", "milestone_tracker", "flat_kpi", "action_blocks"):
        (profiles / f"{name}.toml").write_bytes((FIXTURES / f"{name}.toml").read_bytes())
    reports = ["aligned_older.txt", "milestone_tracker.txt", "flat_kpi_q1.txt"]
    for name in reports:
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["ingest", *reports, "--profile", "profiles"])
    assert result.exit_code == 0, result.output
    layouts = ragtrack.load("ragtrack-data")["documents"].set_index("source_name")["layout"]
    assert layouts.to_dict() == {
        "aligned_older.txt": "aligned-older",
        "milestone_tracker.txt": "milestone-tracker",
        "flat_kpi_q1.txt": "flat-kpi",
    }
    result = CliRunner().invoke(app, ["inspect", "flat_kpi_q1.txt", "--profile", "profiles"])
    assert result.exit_code == 0 and "layout flat-kpi, 4 items" in result.output
    empty = tmp_path / "none"
    empty.mkdir()
    result = CliRunner().invoke(app, ["ingest", "flat_kpi_q1.txt", "--profile", "none"])
    assert result.exit_code == 2


def test_a_unit_printed_in_its_own_column_is_kept() -> None:
    text = (
        "Example District Council\nQuarter 4 2024/25\n\n"
        "Ref\tIndicator\tUnit\tActual\tTarget\tStatus\n"
        "KP001\tDays to process a benefit claim\tdays\t18\t20\tGreen\n"
        "KP002\tCouncil tax collected\t%\t96.1\t97\tAmber\n"
    )
    parsed = parse_source(read_text_bytes(text.encode(), "units.txt"), profile=_PROFILE)
    printed = [parsed.printed[i.item_id] for i in parsed.items]
    assert [(p.unit, p.value, p.target) for p in printed] == [
        ("days", "18", "20"),
        ("%", "96.1", "97"),
    ]
    assert parsed.document.period_end == dt.date(2025, 3, 31)


def test_sections_and_document_settings_of_a_profile() -> None:
    base = (FIXTURES / "kpi_scorecard.toml").read_text()
    only_waste = profile_from_toml(
        base + '\n[sections]\nexclude = ["^Housing$", "detail"]\n', "w.toml"
    )
    parsed = parse_source(read_text_file(FIXTURES / "kpi_scorecard.txt"), profile=only_waste)
    assert {i.outcome for i in parsed.items} == {"Waste and Recycling"}
    printed_elsewhere = profile_from_toml(
        base.replace('kind = "measure"', 'kind = "measure"\n')
        + "\n[document]\n"
        + "council = '(?P<name>Northfield)'\n"
        + "period = 'Scorecard'\n",
        "d.toml",
    )
    parsed = parse_source(read_text_file(FIXTURES / "kpi_scorecard.txt"), profile=printed_elsewhere)
    assert parsed.document.council == "Northfield"
    assert parsed.document.period_end is None  # the pattern finds no date: left empty
    assert _said(parsed) == (
        *NO_TREND_PRINTED["kpi_scorecard"],
        "no reporting period found in the first lines (profile's pattern 'Scorecard'); left empty",
    )


# ---------------------------------------------------------------- the canonical RAG order


def test_the_canonical_rag_reads_back_as_itself() -> None:
    from ragtrack.normalise.status import RAG_ORDER
    from ragtrack.normalise.values import canonical_rag

    for rag in RAG_ORDER:
        assert canonical_rag(rag) == rag
        reading = read_status(rag)
        assert reading is not None and reading.rag == rag
        again = read_status(reading.rag)
        assert again is not None and again.rag == rag


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        ("blue", "green", "unchanged"),
        ("green", "blue", "unchanged"),
        ("red", "blue", "improved"),
        ("blue", "amber", "worsened"),
        ("green", "not_rated", None),
        ("not_rated", "red", None),
        ("not_rated", "not_rated", None),
        ("amber", "red", "worsened"),
        (None, "red", None),
    ],
)
def test_blue_is_level_with_green_and_not_rated_is_no_change(
    before: str | None, after: str | None, change: str | None
) -> None:
    from ragtrack.normalise.status import rag_change

    assert rag_change(before, after) == change


def _quarter(q: int, statuses: list[str]) -> str:
    rows = "".join(
        f"AC{n}\t{name}\tMarch 2026\t{status}\n"
        for n, (name, status) in enumerate(
            zip(
                [
                    "Open the new swimming pool",
                    "Publish the local plan",
                    "Recruit twenty social workers",
                    "Replace the street lights",
                ],
                statuses,
                strict=True,
            ),
            start=1,
        )
    )
    return (
        f"Brookfield Borough Council\nCouncil plan progress, Quarter {q} 2025/26\n\n"
        f"Ref\tAction\tDue date\tStatus\n{rows}"
    )


def test_worsened_since_last_quarter_never_counts_blue_to_green_or_not_rated(
    tmp_path: Path,
) -> None:
    """Two quarters read by the built-in action table: complete (Blue) -> Green is no
    worsening, Green -> Ungraded no change of RAG, Red -> Complete an improvement, and the
    diff names the completed and not-rated moves."""
    import ragtrack
    from ragtrack.api import ingest

    for q, statuses in (
        (1, ["Blue", "Green", "Red", "Amber"]),
        (2, ["Green", "Ungraded", "Complete", "Red"]),
    ):
        (tmp_path / f"q{q}.txt").write_text(_quarter(q, statuses), encoding="utf-8")
    out = tmp_path / "data"
    assert ingest([tmp_path / "q1.txt", tmp_path / "q2.txt"], out).ok
    timeline = ragtrack.load(out)["timeline"]
    q2 = timeline[timeline["quarter"] == 2].set_index("ref")
    assert q2["rag"].astype("object").to_dict() == {
        "AC1": "green",
        "AC2": "not_rated",
        "AC3": "blue",
        "AC4": "red",
    }
    changes = q2["change"].astype("object").where(q2["change"].notna(), None).to_dict()
    assert changes == {"AC1": "unchanged", "AC2": None, "AC3": "improved", "AC4": "worsened"}
    diff = ragtrack.diff(out)
    moved = diff.rag_changes.set_index("ref_to")["change"].to_dict()
    assert moved == {"AC1": "reopened", "AC2": "not_rated", "AC3": "improved", "AC4": "worsened"}
    page = ragtrack.report(out, tmp_path / "report.html").read_text(encoding="utf-8")
    # blue and not rated are counted in columns of their own and drawn with their letters
    assert '<span class="rag rag-blue" title="blue">B</span> blue</th>' in page
    assert '<span class="rag rag-not_rated" title="not rated">N</span> not rated</th>' in page
    assert "rag-cells-blue" in page and "rag-cells-not_rated" in page


@pytest.mark.parametrize("backend", ["pypdfium2", "pdfplumber"])
def test_inspect_reads_a_pdf_with_the_backend_asked_for(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ragtrack.cli import app

    (tmp_path / "tracker.pdf").write_bytes(layout_pdf("milestone_tracker"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["inspect", "tracker.pdf", "--pdf-backend", backend, "--rows", "1"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "tracker.pdf: layout action-table, 8 items"
    assert "  Milestone -> text" in lines and "  Due       -> milestone" in lines
    assert lines[-1].startswith("  lines ") and "ref='HC-01'" in lines[-1]


def test_inspect_refuses_an_unknown_pdf_backend(tmp_path: Path) -> None:
    from ragtrack.cli import app

    result = CliRunner().invoke(
        app, ["inspect", str(FIXTURES / "kpi_scorecard.txt"), "--pdf-backend", "acrobat"]
    )
    assert result.exit_code == 2


def _unruled_kpi_pdf(refs: list[str]) -> bytes:
    from report_pdf import Options, Para, Table, render

    names = [
        "Rent collected from tenants of council homes",
        "Repairs done on time",
        "Empty homes re-let within 28 days of the tenancy ending",
    ]
    rows = [
        [ref, name, last, this, target, rag]
        for ref, name, (last, this, target, rag) in zip(
            refs,
            names,
            [
                ("96%", "97%", "98%", "Amber"),
                ("88", "91", "90", "Green"),
                ("61%", "64%", "75%", "Red"),
            ],
            strict=True,
        )
    ]
    blocks = [
        Para("Ashby Borough Council", heading=True),
        Para("Quarter 2 2024/25"),
        Para("Housing", heading=True),
        Table(
            ["Ref", "Measure", "Last quarter", "This quarter", "Target", "RAG status"],
            rows,
            widths=[60, 200, 80, 80, 60, 80],
        ),
    ]
    return render(blocks, Options(ruled=False))


@pytest.mark.parametrize("backend", ["pypdfium2", "pdfplumber"])
@pytest.mark.parametrize(
    "refs", [["PI-01", "PI-02", "PI-03"], ["1.1.2.PI", "1.2.1.KR", "2.1.1.PI"]]
)
def test_an_unruled_pdf_table_is_read_from_word_positions(backend: str, refs: list[str]) -> None:
    """No rulings: each word goes to the header column it starts under, so a name that wraps
    is joined in its own cell, not appended after the status."""
    source = read_pdf_bytes(_unruled_kpi_pdf(refs), "unruled.pdf", backend=backend)
    parsed = parse_source(source)
    assert parsed.layout == "kpi-table"
    assert [
        (i.ref, i.text, i.rag, p.previous_value, p.value, p.target)
        for i in parsed.items
        for p in [parsed.printed[i.item_id]]
    ] == [
        (refs[0], "Rent collected from tenants of council homes", "amber", "96%", "97%", "98%"),
        (refs[1], "Repairs done on time", "green", "88", "91", "90"),
        (
            refs[2],
            "Empty homes re-let within 28 days of the tenancy ending",
            "red",
            "61%",
            "64%",
            "75%",
        ),
    ]


@pytest.mark.parametrize("backend", ["pypdfium2", "pdfplumber"])
@pytest.mark.parametrize("name", ["aligned_older", "milestone_tracker"])
def test_unruled_pdf_tables_of_other_headers_give_the_same_rows(name: str, backend: str) -> None:
    """The same layouts drawn without rulings: the header (Ref / Objective / Lead / Rating /
    Commentary; Code / Milestone / Due / Status / Direction / Update) is told by the column
    vocabulary, and each line's words are placed under it by position."""
    from dataclasses import replace

    from report_pdf import render

    _text, _profile, blocks, options = LAYOUTS[name]
    data = render(blocks(), replace(options, ruled=False))
    parsed = parse_source(read_pdf_bytes(data, f"{name}.pdf", backend=backend))
    assert parsed.layout == AUTOMATIC[name]
    assert _rows(parsed) == GOLDEN[name]


#: The scorecard's arrows as printed in its tables, read as text (unicode) by the trend words.
SCORECARD_TRENDS = ["improving", "sustained", "declining", "declining", "sustained"]


@pytest.mark.parametrize("arrows", ["unicode", "image"])
@pytest.mark.parametrize("ruled", [True, False])
@pytest.mark.parametrize("name_width", [330, 150])
def test_a_scorecard_without_refs_reads_the_same_ruled_or_not_wrapped_or_not(
    name_width: int, ruled: bool, arrows: str
) -> None:
    """A KPI table with no ref column and no rulings has nothing that marks where a row
    starts: each line goes under the header's columns by position and wrapped names are
    joined as in text, so every rating stays on its own KPI. (Before, the lines ran together
    into one paragraph and ratings moved to the wrong KPIs.) The activity table below it
    prints counts under other columns and gives no items."""
    from dataclasses import replace

    from profile_layouts import kpi_scorecard
    from report_pdf import Options, Table, render

    blocks = [
        replace(b, widths=[name_width, 60, 120, 120])
        if isinstance(b, Table) and b.header[0] == "KPI"
        else b
        for b in kpi_scorecard()
    ]
    source = read_pdf_bytes(render(blocks, Options(arrows=arrows, ruled=ruled)), "card.pdf")
    parsed = parse_source(source)
    want = GOLDEN["kpi_scorecard"]
    if arrows == "unicode":
        trends = [*SCORECARD_TRENDS, None, None]  # the two tiles print no trend
        want = [(*row[:5], trend, *row[6:]) for row, trend in zip(want, trends, strict=True)]
    assert _rows(parsed) == want
    assert _said(parsed) == (NO_TREND_PRINTED["kpi_scorecard"] if arrows == "image" else ())


@pytest.mark.parametrize("backend", ["pypdfium2", "pdfplumber"])
def test_an_unruled_scorecard_reads_the_same_on_both_backends(backend: str) -> None:
    from profile_layouts import kpi_scorecard
    from report_pdf import Options, render

    pdf = render(kpi_scorecard(), Options(arrows="unicode", ruled=False))
    parsed = parse_source(read_pdf_bytes(pdf, "card.pdf", backend=backend))
    assert [(i.text, i.rag, i.direction) for i in parsed.items[:5]] == [
        (row[1], row[2], trend)
        for row, trend in zip(GOLDEN["kpi_scorecard"], SCORECARD_TRENDS, strict=False)
    ]
