"""RAG pictures as matplotlib figures: for a notebook, and inlined as SVG in the HTML report.

- :func:`heatmap`: one outcome theme's items (rows, following lineages across renumbering)
  by report (columns); each cell coloured by its RAG and marked R, A or G, so colour is never
  the only carrier;
- :func:`history`: one lineage's RAG report by report, with the ref as printed each time;
- :func:`green_share`: the share of green per outcome theme per plan year.

Each takes ``load()``'s tables (or a :class:`~ragtrack.htmlreport.frames.Series` already
chosen)
and returns a :class:`matplotlib.figure.Figure`, which Jupyter shows inline.
:func:`svg` writes a figure as SVG text with the heatmap cells' titles (the ref as printed,
the period and the RAG) as hover text. Needs the ``report`` extra (matplotlib).
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from ragtrack.htmlreport import frames
from ragtrack.htmlreport.frames import NO_RAG_LETTER, RAG_LETTER, Series

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.collections import PathCollection

#: Cell fill and letter colour per RAG; every pair has a contrast ratio of at least 4.5:1
#: (WCAG AA for text), checked in the tests. "" is an item shown without a RAG rating.
RAG_COLOURS: dict[str, tuple[str, str]] = {
    "red": ("#b3261e", "#ffffff"),
    "amber": ("#f2b33d", "#000000"),
    "green": ("#1b6e35", "#ffffff"),
    "blue": ("#1f4e9c", "#ffffff"),
    "not_rated": ("#c9c9c9", "#000000"),
    "": ("#e3e3e3", "#000000"),
}
_ABSENT = "#ffffff"  # the item is not in that report
_STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 8,
    "svg.hashsalt": "0",
}
_CELL_TITLES: weakref.WeakKeyDictionary[PathCollection, list[str]] = weakref.WeakKeyDictionary()


def _series(
    tables: Mapping[str, pd.DataFrame] | Series,
    council: str | None,
    start: str | None,
    end: str | None,
) -> Series:
    if isinstance(tables, Series):
        return tables
    if isinstance(tables, str | os.PathLike):  # "string indices must be integers" said nothing
        raise TypeError(
            f"a picture takes load()'s tables, not a folder: ragtrack.load({os.fspath(tables)!r})"
        )
    return frames.select_series(tables["timeline"], council, start, end)


def anchor(row_key: str) -> str:
    """The HTML id of a lineage's history in the report (the heatmap's rows link to it)."""
    return "h-" + re.sub(r"[^A-Za-z0-9_-]", "-", row_key)


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return mpl.colors.to_rgb(hex_colour)


def heatmap(
    tables: Mapping[str, pd.DataFrame] | Series,
    outcome: str,
    *,
    council: str | None = None,
    start: str | None = None,
    end: str | None = None,
    rows: slice | None = None,
) -> Figure:
    """One outcome theme (its ``outcome_id`` or title) as a grid: a row per lineage, a
    column per report (the council's series, or ``start`` to ``end``); ``rows`` draws only
    those rows (the report splits a long theme into figures that fit an A4 page)."""
    series = _series(tables, council, start, end)
    content = frames.grid(series, frames.resolve_outcome(series, outcome))
    widest = max((len(label) for label in content.labels), default=10)  # same in every part
    if rows is not None:
        content = frames.Grid(
            content.rag.iloc[rows],
            content.ref.iloc[rows],
            content.labels.iloc[rows],
            content.columns,
        )
    return _draw_heatmap(content, widest)


def _draw_heatmap(content: frames.Grid, widest: int) -> Figure:
    nrows, ncols = content.rag.shape
    # laid out by hand, in inches (a layout engine measures every label again: slow)
    left = 0.2 + 0.08 * widest
    top = 0.2 + 0.068 * max((len(label) for label in content.columns), default=10)
    width, height = left + 0.32 * ncols + 0.1, top + 0.24 * max(nrows, 1) + 0.1
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes(
        (left / width, 0.1 / height, 1 - (left + 0.1) / width, 1 - (top + 0.1) / height)
    )
    rags = content.rag.to_numpy(dtype=object)
    palette = {rag: _rgb(fill) for rag, (fill, _ink) in RAG_COLOURS.items()}
    fills = np.array(
        [palette.get(v, _rgb(_ABSENT)) if isinstance(v, str) else _rgb(_ABSENT) for v in rags.flat]
    ).reshape(nrows, ncols, 3)
    ax.imshow(fills, aspect="auto", interpolation="nearest")
    refs = content.ref.to_numpy(dtype=object)
    for rag, (_fill, ink) in RAG_COLOURS.items():
        rows, cols = np.nonzero(rags == rag)
        if not len(rows):
            continue
        letter = RAG_LETTER.get(rag, NO_RAG_LETTER)
        marks = ax.scatter(
            cols, rows, marker=f"$\\mathsf{{{letter}}}$", s=50, color=ink, linewidths=0
        )
        marks.set_gid(f"rag-cells-{rag or 'unrated'}")
        _CELL_TITLES[marks] = [
            f"{refs[r, c]}, {content.columns[c]}: {rag or 'no RAG rating'}"
            for r, c in zip(rows, cols, strict=True)
        ]
    ax.set_xticks(range(ncols), content.columns, rotation=90)
    ax.set_yticks([])  # row labels as plain texts: a tick is five artists, a text one
    for row, (key, label) in enumerate(content.labels.items()):
        ax.text(-0.65, row, label, ha="right", va="center", url=f"#{anchor(str(key))}")
    ax.xaxis.tick_top()
    # white gaps between cells (two line collections: far cheaper than minor ticks)
    ax.hlines(np.arange(-0.5, nrows), -0.5, ncols - 0.5, color="white", linewidth=1.5)
    ax.vlines(np.arange(-0.5, ncols), -0.5, nrows - 0.5, color="white", linewidth=1.5)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


def history(
    tables: Mapping[str, pd.DataFrame] | Series,
    lineage_id: str,
    *,
    council: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Figure:
    """One lineage's RAG report by report, each point marked with its letter, and its ref
    as printed wherever it changes (so renumbering shows)."""
    series = _series(tables, council, start, end)
    own = series.rows[series.rows["row_key"] == lineage_id]
    rows = frames.histories(dataclasses.replace(series, rows=own))
    if rows.empty:
        from ragtrack.errors import InputError

        raise InputError(f"no lineage {lineage_id!r} in the reports")
    # levels: red, amber, green, blue where the series has it; not rated and no RAG below red
    shown = [r for r in frames.shown_rags(rows["rag"]) if r != "not_rated"]
    level = {rag: n for n, rag in enumerate(shown)}
    width, height = max(3.0, 0.7 * len(rows) + 1.0), 1.9
    fig = Figure(figsize=(width, height))  # margins by hand: a layout engine is slow
    ax = fig.add_axes((0.6 / width, 0.7 / height, 1 - 0.7 / width, 1 - 0.85 / height))
    x = np.arange(len(rows))
    rags = rows["rag"].to_numpy(dtype=object)
    y = np.array([level.get(r, -0.6) for r in rags], dtype=float)
    ax.plot(x, np.where(y < 0, np.nan, y), color="#555555", linewidth=1, zorder=1)
    for rag, (fill, ink) in RAG_COLOURS.items():
        at = np.nonzero(rags == rag)[0] if rag else np.nonzero(~np.isin(rags, frames.RAGS))[0]
        if len(at):
            ax.scatter(x[at], y[at], s=220, color=fill, edgecolors="#333333", zorder=2)
            letter = RAG_LETTER.get(rag, NO_RAG_LETTER)
            ax.scatter(x[at], y[at], marker=f"$\\mathsf{{{letter}}}$", s=60, color=ink, zorder=3)
    refs = rows["ref"].astype(str)
    for n in np.nonzero((refs != refs.shift()).to_numpy())[0]:
        ax.annotate(
            refs.iloc[n], (n, y[n]), xytext=(0, 11), textcoords="offset points", ha="center"
        )
    ax.set_xticks(x, list(rows["period"]), rotation=30, ha="right")
    ax.set_yticks(range(len(shown)), [r.capitalize() for r in shown])
    ax.set_ylim(-0.9, len(shown) - 0.2)
    ax.set_xlim(-0.6, len(rows) - 0.4)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def green_share(
    tables: Mapping[str, pd.DataFrame] | Series,
    *,
    council: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Figure:
    """The share of rated items that are green, per outcome theme per plan year: a line
    and distinct marker per theme, labelled at its end."""
    share = frames.green_share(_series(tables, council, start, end))
    fig = Figure(figsize=(7.0, 2.6), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(share.shape[1])
    markers = "osD^vP*X"
    for n, (theme, values) in enumerate(share.iterrows()):
        ax.plot(
            x,
            values.to_numpy(dtype=float) * 100,
            marker=markers[n % len(markers)],
            label=str(theme)[:50],
            color=mpl.colormaps["tab10"](n % 10),
        )
    ax.set_xticks(x, list(share.columns))
    ax.set_ylim(0, 100)
    ax.set_ylabel("% green")
    ax.grid(axis="y", color="#dddddd")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def svg(figure: Figure, *, prefix: str = "") -> str:
    """The figure as SVG text for inlining in HTML: text kept as text, no XML prologue or
    RDF metadata, each heatmap cell with a ``<title>`` (hover text: ref as printed, period,
    RAG), and every id the figure defines prefixed with ``prefix`` (give each figure of a
    page its own, so ids stay unique in the page)."""
    out = io.StringIO()
    with mpl.rc_context(_STYLE):
        figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.DOTALL)
    text = re.sub(r'\s+xmlns:(?:cc|dc|rdf)="[^"]*"', "", text)
    for marks, titles in _CELL_TITLES.items():
        if marks.figure is figure:
            text = _with_titles(text, str(marks.get_gid()), titles)
    return _prefix_ids(text, prefix) if prefix else text


def _prefix_ids(text: str, prefix: str) -> str:
    """``prefix`` before every id defined in ``text`` and every reference to one."""
    defined = set(re.findall(r' id="([^"]+)"', text))

    def renamed(match: re.Match[str]) -> str:
        name = match[2]
        return f"{match[1]}{prefix}{name}" if name in defined else match[0]

    text = re.sub(r'( id=")([^"]+)(?=")', renamed, text)
    return re.sub(r'((?:href="|url\()#)([^")]+)(?=[")])', renamed, text)


def _with_titles(text: str, gid: str, titles: list[str]) -> str:
    """Give the n-th mark drawn in the group ``gid`` the n-th title."""
    from html import escape

    start = text.find(f'<g id="{gid}">')
    if start < 0:
        return text
    end = text.find('<g id="', start + 1)  # the next artist's group
    end = len(text) if end < 0 else end
    marks = iter(titles)

    def titled(match: re.Match[str]) -> str:
        title = next(marks, None)
        if title is None:
            return match[0]
        return f"{match[1]}><title>{escape(title)}</title></use>"

    body = re.sub(r"(<use [^>]*?)\s*/>", titled, text[start:end])
    return text[:start] + body + text[end:]
