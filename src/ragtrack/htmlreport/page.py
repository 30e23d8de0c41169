"""The report as one self-contained HTML page: styles and charts inline (SVG from
:mod:`ragtrack.plot`), no script, no external URL, printable on A4.

Sections: the latest report's RAG counts per outcome theme with their change; what worsened
and what is red now, with the latest commentary; a heatmap per outcome theme; the share of
green per theme per plan year; and each lineage's history, which the heatmap rows link to.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import pandas as pd

from ragtrack import plot
from ragtrack.htmlreport import frames
from ragtrack.htmlreport.frames import RAG_LETTER, Series

_ARROWS = {"improving": "↑ improving", "sustained": "→ sustained", "declining": "↓ declining"}

CSS = """
:root { color: #111; background: #fff; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 14px; line-height: 1.4; margin: 1.5rem auto; max-width: 75rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { border-bottom: 2px solid #333; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.rag { display: inline-block; min-width: 1.4em; text-align: center; font-weight: bold;
  border-radius: 3px; padding: 0 0.2em; }
.rag-red { background: #b3261e; color: #fff; }
.rag-amber { background: #f2b33d; color: #000; }
.rag-green { background: #1b6e35; color: #fff; }
.rag-blue { background: #1f4e9c; color: #fff; }
.rag-not_rated { background: #c9c9c9; color: #000; }
.rag-none { background: #e3e3e3; color: #000; }
.note { white-space: pre-line; }
table.attention { width: 100%; }
table.attention td:nth-child(5) { width: 30%; }
table.attention td:nth-child(6) { width: 45%; }
.muted { color: #555; }
figure { margin: 0.5rem 0 1.5rem; overflow-x: auto; }
figcaption { font-weight: bold; margin-bottom: 0.3rem; }
figure svg { max-width: 100%; height: auto; }
a { color: #0b57d0; }
nav ul { columns: 2; }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 9pt; margin: 0; max-width: none; padding: 0; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; } h3 { break-after: avoid; }
  figure, tr, .history { break-inside: avoid; }
  figure { overflow: visible; }
  * { -webkit-print-color-adjust: exact; }
}
"""


def _rag(value: object) -> str:
    """A RAG as a coloured badge that carries its letter and its name (for screen readers)."""
    if not isinstance(value, str) or value not in RAG_LETTER:
        return '<span class="rag rag-none" title="no RAG rating">–</span>'
    name = value.replace("_", " ")
    return f'<span class="rag rag-{value}" title="{name}">{RAG_LETTER[value]}</span>'


def _was(previous: object, change: object) -> str:
    """The previous RAG, or that the item is new (or back after a gap) in this report."""
    if change in ("new", "returned"):
        return str(change)
    return _rag(previous)


def _text(value: Any) -> str:
    return (
        ""
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else escape(str(value))
    )


def _count(value: int, change: int | None) -> str:
    """A count and its change since the previous report (none shown without one)."""
    delta = "" if change is None else f" ({change:+d})" if change else " (=)"
    return f'<td class="n">{value}<span class="muted">{delta}</span></td>'


#: Heatmap rows per figure: as many as fit an A4 page, so a long theme prints in whole
#: figures with their column headings rather than sliced across pages.
ROWS_PER_FIGURE = 36


def heatmap_figures(series: Series, outcome_id: str, theme: str, prefix: str) -> str:
    """One theme's heatmap as figures of at most :data:`ROWS_PER_FIGURE` rows."""
    total = len(frames.grid(series, outcome_id).rag)
    figures = max(1, math.ceil(total / ROWS_PER_FIGURE))
    size = max(1, math.ceil(total / figures))  # parts of even size
    parts = []
    for first in range(0, max(total, 1), size):
        rows = slice(first, first + size)
        more = (
            ""
            if total <= ROWS_PER_FIGURE
            else f" (rows {first + 1}–{min(total, rows.stop)} of {total})"
        )
        chart = plot.svg(
            plot.heatmap(series, outcome_id or theme, rows=rows), prefix=f"{prefix}{first}-"
        )
        parts.append(f"<figure><figcaption>{escape(theme)}{more}</figcaption>{chart}</figure>")
    return "".join(parts)


def summary_table(series: Series) -> str:
    """The latest report's RAG counts per outcome theme, with the change from the previous."""
    table = frames.summary(series)
    rags = [r for r in frames.RAGS if r in table.columns]
    head = "".join(f"<th>{_rag(r)} {r.replace('_', ' ')}</th>" for r in rags)
    head += "<th>no rating</th>"
    rows = []
    compared = len(series.reports) > 1  # a single report has no change to show
    for _, row in table.iterrows():
        cells = "".join(
            _count(int(row[n]), int(row[f"{n}_change"]) if compared else None)
            for n in (*rags, "unrated")
        )
        rows.append(f"<tr><th>{_text(row['theme'])}</th>{cells}</tr>")
    return f"<table><tr><th>outcome theme</th>{head}</tr>{''.join(rows)}</table>"


def attention_table(rows: pd.DataFrame, what: str) -> str:
    """Items of the latest report (worsened, or red now), each with its commentary."""
    if rows.empty:
        return f"<p>No item {what}.</p>"
    out = [
        '<table class="attention"><tr><th>ref</th><th>outcome theme</th><th>was</th>'
        "<th>now</th><th>item</th><th>latest commentary</th></tr>"
    ]
    for row in rows.itertuples(index=False):
        link = f'<a href="#{plot.anchor(str(row.row_key))}">{_text(row.ref)}</a>'
        out.append(
            f"<tr><td>{link}</td><td>{_text(row.outcome_theme)}</td>"
            f"<td>{_was(row.previous_rag, row.change)}</td><td>{_rag(row.rag)}</td>"
            f"<td>{_text(row.text)}</td><td class='note'>{_text(row.commentary)}</td></tr>"
        )
    return "".join(out) + "</table>"


def history_section(key: str, rows: pd.DataFrame, chart: str = "") -> str:
    """One lineage's appearances (period, ref, RAG, arrow, milestone, text), headed by its
    refs as printed and its latest text, after its chart when given."""
    refs = " → ".join(dict.fromkeys(str(r) for r in rows["ref"] if r))
    texts = [t for t in rows["text"] if t]
    label = f"{refs}: {texts[-1]}" if texts else refs
    body = "".join(
        f"<tr><td>{_text(r.period)}</td><td>{_text(r.ref)}</td><td>{_rag(r.rag)}</td>"
        f"<td>{_ARROWS.get(str(r.direction), _text(r.direction))}</td>"
        f"<td>{_text(r.milestone)}</td><td>{_text(r.text)}</td></tr>"
        for r in rows.itertuples(index=False)
    )
    return (
        f'<div class="history" id="{plot.anchor(key)}"><h3>{escape(label)}</h3>{chart}'
        "<table><tr><th>period</th><th>ref</th><th>RAG</th><th>arrow</th><th>milestone</th>"
        f"<th>text (where changed)</th></tr>{body}</table></div>"
    )


def histories_html(series: Series, themes: pd.DataFrame, charted: set[str]) -> str:
    """Every lineage's history, in the order of the heatmaps' rows; those in ``charted``
    (the items that worsened) with their chart too."""
    found = dict(list(frames.histories(series).groupby("row_key", sort=False)))
    order = [key for theme in themes["outcome_id"] for key in frames.grid(series, theme).rag.index]
    return "".join(
        history_section(str(key), found[key], _history_chart(series, str(key), charted))
        for key in dict.fromkeys(order)
    )


def _history_chart(series: Series, key: str, charted: set[str]) -> str:
    if key not in charted:
        return ""
    return f"<figure>{plot.svg(plot.history(series, key), prefix=f'{plot.anchor(key)}-')}</figure>"


def green_share_table(series: Series) -> str:
    """The green-share chart's numbers, for readers who cannot see the chart."""
    share = frames.green_share(series)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in share.columns)
    rows = "".join(
        f"<tr><th>{escape(str(theme))}</th>"
        + "".join(f'<td class="n">{"" if pd.isna(v) else f"{v:.0%}"}</td>' for v in values)
        + "</tr>"
        for theme, values in share.iterrows()
    )
    return f"<table><tr><th>outcome theme</th>{head}</tr>{rows}</table>"


def render(series: Series, commentary: pd.DataFrame) -> str:
    """The whole page."""
    reports = series.reports
    first, last = reports["label"].iloc[0], reports["label"].iloc[-1]
    council = series.council or "(council not named)"
    themes = frames.outcome_themes(series)
    lists = frames.attention(series, commentary)
    heatmaps = "".join(
        heatmap_figures(series, str(theme.outcome_id), str(theme.theme), f"heatmap{n}-")
        for n, theme in enumerate(themes.itertuples(index=False))
    )
    histories = histories_html(series, themes, set(lists["worsened"]["row_key"].astype(str)))
    previous = reports["label"].iloc[-2] if len(reports) > 1 else None
    compared = f", compared with {escape(previous)}" if previous else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(council)}: RAG report {escape(first)} to {escape(last)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{escape(council)}: progress against the plan</h1>
<p>{len(reports)} progress report(s) from {escape(first)} to {escape(last)}.
Each RAG rating shows its letter: R red, A amber, G green, – no rating.</p>
</header>
<nav><ul><li><a href="#summary">Latest report</a></li><li><a href="#worsened">Worsened</a></li>
<li><a href="#red">Red now</a></li><li><a href="#heatmaps">Heatmaps</a></li>
<li><a href="#green-share">Share of green</a></li>
<li><a href="#histories">Histories</a></li></ul></nav>
<main>
<section id="summary"><h2>Latest report: {escape(last)}</h2>
<p>Items per RAG rating and outcome theme; in brackets the change from the previous
report{compared}.</p>
{summary_table(series)}</section>
<section id="worsened"><h2>Worsened since the previous report</h2>
{attention_table(lists["worsened"], "worsened")}</section>
<section id="red"><h2>Red now</h2>
{attention_table(lists["red"], "is red")}</section>
<section id="heatmaps"><h2>RAG by report, per outcome theme</h2>
<p>One row per action or measure, followed across renumbering (its refs as printed head the
row; hover a cell for the ref in that report); blank where it was not reported. A row's label
leads to its history.</p>
{heatmaps}</section>
<section id="green-share"><h2>Share of green per outcome theme and plan year</h2>
<figure>{plot.svg(plot.green_share(series), prefix="green-")}</figure>
{green_share_table(series)}</section>
<section id="histories"><h2>Histories</h2>
{histories}</section>
</main>
</body>
</html>
"""
