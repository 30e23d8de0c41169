"""Five report layouts of other councils, of our own making, as PDFs: the same content as
the text versions in ``tests/fixtures/profiles/`` (``*.txt``), each read by its profile
(``*.toml`` there). Built with reportlab (see ``report_pdf.py``)."""

from __future__ import annotations

from pathlib import Path

from report_pdf import NewPage, Options, Para, Table, render

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"


def _front(*lines: str) -> list[Para | Table | NewPage]:
    return [Para(line, heading=n == 0) for n, line in enumerate(lines)]


def kpi_scorecard() -> list[Para | Table | NewPage]:
    header = ["KPI", "DoT", "RAG rating Latest", "Previous"]
    widths = [330, 60, 120, 120]
    return [
        *_front("Northfield Borough Council", "Corporate Performance Scorecard"),
        Para("Quarter 2 2024/25"),
        Para("Waste and Recycling", heading=True),
        Para(
            "The service recycled more of the borough's household waste this quarter, "
            "helped by the new food waste round."
        ),
        Table(
            header,
            [
                [
                    "Percentage of household waste sent for reuse, recycling or composting",
                    *("↑", "GREEN", "AMBER"),
                ],
                ["Missed bins per 100,000 collections", "→", "RED", "RED"],
                ["Residual household waste per household (kg)", "↓", "AMBER", "AMBER"],
            ],
            dir_col=1,
            widths=widths,
        ),
        Para("Housing", heading=True),
        Table(
            header,
            [
                ["Number of households in temporary accommodation", "↓", "RED", "AMBER"],
                ["Homeless preventions within 56 days", "→", "GREEN", "GREEN"],
            ],
            dir_col=1,
            widths=widths,
        ),
        Table(
            ["Activity", "Apr", "May", "Jun"],
            [
                ["Bulky waste collections", "120", "130", "145"],
                ["Fly-tipping reports", "45", "51", "38"],
            ],
            widths=[330, 100, 100, 100],
        ),
        NewPage(),
        Para("Indicator detail", heading=True),
        Para("Missed bins per 100,000 collections"),
        Para("Latest: 52 Target: 60, Floor: 80 Previous: 61 (Red)"),
        Para("Percentage of household waste sent for reuse"),
        Para("Latest: 41.2% Target: 45%, Floor: 40% Previous: 39.8% (Amber)"),
        Para("Average days to re-let council homes"),
        Para("Latest: 31 days"),
        Para("Target: 28 days, Floor: 40 days"),
        Para("Previous: 35 days (Amber)"),
    ]


def flat_kpi(quarter: int) -> list[Para | Table | NewPage]:
    text = Path(f"{FIXTURES}/flat_kpi_q{quarter}.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    # headings in bold, as reports set them (in the body font straight after a row, the PDF
    # reader would join a heading to the row as one paragraph)
    return [
        Para(line, heading=n == 0 or line.startswith("Priority")) for n, line in enumerate(lines)
    ]


def action_blocks() -> list[Para | Table | NewPage]:
    text = Path(f"{FIXTURES}/action_blocks.txt").read_text(encoding="utf-8")
    blocks: list[Para | Table | NewPage] = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.splitlines()
        # a wrapped Comment line is one paragraph in the PDF
        merged: list[str] = []
        for line in lines:
            if merged and ":" not in line and not line[:1].isdigit():
                merged[-1] += " " + line
            else:
                merged.append(line)
        blocks += [Para(line) for line in merged]
    return blocks


def aligned_older() -> list[Para | Table | NewPage]:
    header = ["Ref", "Objective", "Lead", "Rating", "Commentary"]
    widths = [40, 260, 120, 90, 250]
    return [
        *_front("Eastvale County Council", "Performance Monitoring Report - Quarter 3 2012/13"),
        Para("Section A: Children's Services", heading=True),
        Table(
            header,
            [
                [
                    "CS1",
                    "Reduce the number of young people not in education, employment or training",
                    "Director of Children's Services",
                    "Red (currently not met)",
                    "Figures for the quarter remain above target.",
                ],
                [
                    "CS2",
                    "Increase take-up of free early years places for two-year-olds",
                    "Head of Early Years",
                    "Green",
                    "Take-up rose to 78%.",
                ],
            ],
            widths=widths,
        ),
        Para("• Outreach sessions were held in six libraries."),
        Para("• A text reminder service started in November."),
        Table(
            header,
            [
                [
                    "CS3",
                    "Improve the timeliness of child protection conferences",
                    "Director of Children's Services",
                    "Amber",
                    "Nine in ten conferences were held on time.",
                ]
            ],
            widths=widths,
        ),
    ]


def milestone_tracker() -> list[Para | Table | NewPage]:
    header = ["Code", "Milestone", "Due", "Status", "Direction", "Update"]
    widths = [50, 250, 90, 60, 60, 260]
    rows = [
        [
            "HC-01",
            "Open the new ferry terminal",
            "July 2025",
            "✓",
            "é",
            "Soft launch held in June.",
        ],
        [
            "HC-02",
            "Resurface the harbour promenade",
            "March 2026",
            "!",
            "è",
            "Contractor appointed late.",
        ],
        [
            "HC-03",
            "Adopt the local transport plan and its delivery programme",
            "December 2025",
            "✗",
            "ê",
            "Consultation reopened.",
        ],
        ["HC-04", "Publish the tree strategy", "April 2025", "Blue", "è", "Published in April."],
        [
            "HC-05",
            "Launch the business rates relief scheme",
            "September 2025",
            "★",
            "é",
            "Ahead of plan.",
        ],
        [
            "HC-06",
            "Review leisure centre opening hours",
            "October 2025",
            "●",
            "è",
            "Survey closes in July.",
        ],
        ["HC-07", "Renew the CCTV network", "November 2025", "▲", "ê", "Supplier withdrew."],
        ["HC-08", "Agree the new youth offer", "January 2026", "Ungraded", "", ""],
    ]
    return [
        *_front("Harbourside Metropolitan Borough Council", "Corporate Plan Milestone Tracker"),
        Para("Period ending 30 June 2025"),
        Table(header, rows[:4], widths=widths),
        NewPage(),
        Table(header, rows[4:], widths=widths),
    ]


#: layout name -> (text fixture, profile file, PDF blocks, render options)
LAYOUTS = {
    "kpi_scorecard": (
        "kpi_scorecard.txt",
        "kpi_scorecard.toml",
        kpi_scorecard,
        Options(arrows="image"),
    ),
    "flat_kpi_q1": ("flat_kpi_q1.txt", "flat_kpi.toml", lambda: flat_kpi(1), Options()),
    "flat_kpi_q2": ("flat_kpi_q2.txt", "flat_kpi.toml", lambda: flat_kpi(2), Options()),
    "action_blocks": ("action_blocks.txt", "action_blocks.toml", action_blocks, Options()),
    "aligned_older": ("aligned_older.txt", "aligned_older.toml", aligned_older, Options()),
    "milestone_tracker": (
        "milestone_tracker.txt",
        "milestone_tracker.toml",
        milestone_tracker,
        Options(),
    ),
}


def layout_pdf(name: str) -> bytes:
    """The PDF of one layout."""
    _text, _profile, blocks, options = LAYOUTS[name]
    return render(blocks(), options)
