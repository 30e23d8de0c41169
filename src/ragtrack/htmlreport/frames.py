"""What the report shows, as DataFrames: pure functions over ``load()``'s tables.

The report covers one council's series of progress reports, from one report to another
(report keys, periods such as ``2019-12-31``, or ``2019/20 Q3``, resolved as ``diff`` does).
Rows follow lineages, so an item renumbered between reports stays on one row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ragtrack.analysis.diff import in_series, resolve_report
from ragtrack.errors import InputError
from ragtrack.store.schema import RAG_ORDER

#: The canonical RAG values in their stored order: red, amber, green, blue (complete), then
#: not_rated (printed as not rated; no rating, so never above or below another).
RAGS: tuple[str, ...] = tuple(RAG_ORDER)
#: The values every report shows; blue and not_rated are shown where a series has them.
ALWAYS_SHOWN: tuple[str, ...] = ("red", "amber", "green")
#: What a cell shows besides its colour: the RAG's letter, or a dash for an item with none.
RAG_LETTER = {"red": "R", "amber": "A", "green": "G", "blue": "B", "not_rated": "N"}
NO_RAG_LETTER = "–"


def shown_rags(rags: pd.Series) -> tuple[str, ...]:
    """The RAG values a picture of ``rags`` shows: red, amber and green always, blue and
    not_rated when any row has them (a Cumbria series has neither)."""
    present = set(rags.dropna().astype("object"))
    return tuple(r for r in RAGS if r in ALWAYS_SHOWN or r in present)


#: Reports shown when no first report is named: three years of quarterly reports, as many
#: as an A4 page shows legibly (a longer series is cut from the left; name the first to
#: see more).
DEFAULT_REPORTS = 12


@dataclass(frozen=True)
class Series:
    """One council's reports in the chosen window: the timeline rows and the report list."""

    council: str | None
    rows: pd.DataFrame  # timeline rows of the window, with ``row_key`` (lineage or item)
    reports: pd.DataFrame  # report_key, period_end, plan_year, quarter, label; oldest first
    #: grids already computed, by outcome_id (a page draws each theme's more than once)
    grids: dict[str, Grid] = field(default_factory=dict, compare=False, repr=False)

    @property
    def latest(self) -> str:
        return str(self.reports["report_key"].iloc[-1])

    @property
    def previous(self) -> str | None:
        return str(self.reports["report_key"].iloc[-2]) if len(self.reports) > 1 else None


def _report_list(timeline: pd.DataFrame) -> pd.DataFrame:
    cols = ["report_key", "council", "plan_year", "period_end", "quarter"]
    reports = timeline[cols].drop_duplicates("report_key")
    reports = reports.sort_values(["period_end", "report_key"], na_position="first")
    return reports.reset_index(drop=True)


def report_label(period_end: Any, plan_year: Any, quarter: Any) -> str:
    """A report's column label: its period end, else its plan year and quarter."""
    if period_end is not None and not pd.isna(period_end):
        return pd.Timestamp(period_end).date().isoformat()
    if quarter is not None and not pd.isna(quarter):
        return f"{plan_year} Q{int(quarter)}"
    return str(plan_year)


def select_series(
    timeline: pd.DataFrame,
    council: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Series:
    """The council's reports from ``start`` (default: the :data:`DEFAULT_REPORTS`-th last
    before ``end``) to ``end`` (default: its latest report).

    With several councils in the dataset ``council`` must name one (as for ``diff``).
    """
    if timeline.empty:
        raise InputError("the dataset has no progress reports to report on")
    rows = in_series(timeline, council)  # never a mix of councils
    council = next((str(c) for c in rows["council"] if not pd.isna(c)), None)  # as printed
    reports = _report_list(rows)
    keys = list(reports["report_key"])
    last = keys.index(resolve_report(rows, end)) if end else len(keys) - 1
    first = keys.index(resolve_report(rows, start)) if start else last - DEFAULT_REPORTS + 1
    first = max(0, first)
    if first > last:
        raise InputError(f"{start!r} comes after {end!r}")
    reports = reports.iloc[first : last + 1].reset_index(drop=True)
    reports["label"] = [
        report_label(*r)
        for r in zip(reports["period_end"], reports["plan_year"], reports["quarter"], strict=True)
    ]
    rows = rows[rows["report_key"].isin(reports["report_key"])].copy()
    rows["row_key"] = rows["lineage_id"].astype("object").fillna(rows["item_id"])
    rows["seq"] = rows["report_key"].map({k: n for n, k in enumerate(reports["report_key"])})
    rows["line"] = rows.groupby("report_key", sort=False).cumcount()  # timeline order
    return Series(council, rows.reset_index(drop=True), reports)


def outcome_themes(series: Series) -> pd.DataFrame:
    """The outcome themes of the window (outcome_id, theme as latest printed), in the order
    the latest report prints them; items without a theme are under ``outcome_id`` null."""
    rows = series.rows.sort_values(["seq", "line"])
    ids = rows["outcome_id"].astype("object").fillna("")
    themes = rows.assign(_id=ids).groupby("_id", sort=False)
    out = themes.agg(
        theme=("outcome_theme", "last"), last_seq=("seq", "max"), first_line=("line", "first")
    )
    out = out.reset_index().rename(columns={"_id": "outcome_id"})
    out["theme"] = out["theme"].fillna("(no outcome)").astype(str)
    out = out.sort_values(["last_seq", "first_line"], ascending=[False, True])
    return out[["outcome_id", "theme"]].reset_index(drop=True)


def resolve_outcome(series: Series, outcome: str) -> str:
    """The outcome_id named by an outcome_id or a theme title (case aside)."""
    if outcome in series.grids:
        return outcome
    themes = outcome_themes(series)
    for column in ("outcome_id", "theme"):
        hit = themes[themes[column].str.casefold() == outcome.casefold()]
        if len(hit):
            return str(hit["outcome_id"].iloc[0])
    known = "; ".join(themes["outcome_id"])
    raise InputError(f"no outcome {outcome!r} in the reports; outcome ids: {known}")


@dataclass(frozen=True)
class Grid:
    """A heatmap's content: one row per lineage, one column per report."""

    rag: pd.DataFrame  # row_key x report_key -> "red" / "amber" / "green" / "" (unrated) / NaN
    ref: pd.DataFrame  # the ref as printed in that report
    labels: pd.Series  # row_key -> row label: the refs as printed over time, then the text
    columns: list[str]  # the reports' labels, in column order


def grid(series: Series, outcome_id: str) -> Grid:
    """The heatmap of one outcome theme: rows in lineage order (items of the latest report
    in its order, then those last seen earlier), columns the window's reports."""
    if outcome_id not in series.grids:
        series.grids[outcome_id] = _grid(series, outcome_id)
    return series.grids[outcome_id]


def _grid(series: Series, outcome_id: str) -> Grid:
    rows = series.rows[series.rows["outcome_id"].astype("object").fillna("") == outcome_id]
    rows = rows.sort_values(["seq", "line"]).drop_duplicates(["row_key", "seq"])
    last = rows.groupby("row_key", sort=False).agg(
        seq=("seq", "max"), line=("line", "last"), text=("text", "last")
    )
    order = last.sort_values(["seq", "line"], ascending=[False, True]).index
    rag = rows.assign(rag=rows["rag"].astype("object").fillna(""))
    keys = list(series.reports["report_key"])
    rag_grid = rag.pivot(index="row_key", columns="report_key", values="rag")
    ref_grid = rows.pivot(index="row_key", columns="report_key", values="ref")
    rag_grid = rag_grid.reindex(index=order, columns=keys)
    ref_grid = ref_grid.reindex(index=order, columns=keys)
    printed = rows[rows["ref"].notna()].drop_duplicates(["row_key", "ref"])
    refs = printed.groupby("row_key", sort=False)["ref"].agg(" → ".join)
    refs = refs.reindex(last.index).fillna("")
    labels = (refs + " " + last["text"].fillna("").map(_shorten)).reindex(order)
    return Grid(rag_grid, ref_grid, labels, list(series.reports["label"]))


def _shorten(text: str, width: int = 44) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def summary(series: Series) -> pd.DataFrame:
    """Per outcome theme, the latest report's RAG counts and the change from the previous
    report (columns ``red``, ``amber``, ``green``, ``blue`` and ``not_rated`` where the series
    has them, ``unrated`` for no RAG, and ``*_change``)."""
    themes = outcome_themes(series)
    rags = shown_rags(series.rows["rag"])
    out = themes.set_index("outcome_id")[["theme"]]
    for key, suffix in ((series.latest, ""), (series.previous, "_before")):
        rows = series.rows[series.rows["report_key"] == key] if key else series.rows[:0]
        rag = rows["rag"].astype("object").fillna("unrated")
        counts = pd.crosstab(rows["outcome_id"].astype("object").fillna(""), rag)
        counts = counts.reindex(index=out.index, columns=[*rags, "unrated"], fill_value=0)
        out = out.join(counts.fillna(0).astype(int).add_suffix(suffix))
    for name in (*rags, "unrated"):
        out[f"{name}_change"] = out[name] - out[f"{name}_before"]
    out = out.drop(columns=[c for c in out.columns if c.endswith("_before")])
    totals = out.drop(columns="theme").sum().to_frame().T.assign(theme="All outcomes")
    return pd.concat([out, totals.set_axis(["all"])])[out.columns]


def latest_commentary(series: Series, commentary: pd.DataFrame) -> pd.Series:
    """Per row key, the commentary printed about it in the latest report where it has any
    (paragraphs joined), found by the refs each paragraph names."""
    if commentary is None or commentary.empty:
        return pd.Series(dtype="object")
    notes = commentary[~commentary["empty"].astype(bool)].explode("refs")
    notes = notes.rename(columns={"refs": "ref", "text": "commentary"})
    joined = series.rows.merge(
        notes[["document_id", "ref", "commentary"]], on=["document_id", "ref"]
    )
    joined = joined.sort_values(["seq", "line"])
    per_report = joined.groupby(["row_key", "seq"], sort=False)["commentary"].agg("\n\n".join)
    return per_report.groupby(level="row_key").last()


def attention(series: Series, commentary: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The latest report's items that worsened since their previous appearance and those
    red now, each with its latest commentary (columns ref, kind, theme, rag, previous_rag,
    text, commentary, row_key)."""
    latest = series.rows[series.rows["report_key"] == series.latest]
    latest = latest.sort_values("line").drop_duplicates("row_key")
    notes = latest_commentary(series, commentary)
    found = latest["row_key"].map(notes).astype("object")  # float when nothing was found
    latest = latest.assign(commentary=found.where(found.notna(), ""))
    cols = ["row_key", "ref", "kind", "outcome_theme", "previous_rag", "change", "rag", "text"]
    cols.append("commentary")
    worsened = latest[latest["change"].astype("object") == "worsened"]
    red = latest[latest["rag"].astype("object") == "red"]
    return {
        "worsened": worsened[cols].reset_index(drop=True),
        "red": red[cols].reset_index(drop=True),
    }


def histories(series: Series) -> pd.DataFrame:
    """Every lineage's appearances in the window, by row key then oldest first: period, ref,
    RAG, arrow, milestone, text (text and milestone only where they differ from the
    lineage's previous appearance, so a long history reads as its changes)."""
    cols = ["row_key", "period", "ref", "rag", "direction", "milestone", "text"]
    rows = series.rows.sort_values(["seq", "line"]).drop_duplicates(["row_key", "seq"])
    rows = rows.assign(period=rows["seq"].map(dict(enumerate(series.reports["label"]))))
    rows = rows.sort_values(["row_key", "seq"], kind="stable")[cols].astype("object")
    rows = rows.where(rows.notna(), "")
    grouped = rows.groupby("row_key", sort=False)
    for column in ("milestone", "text"):
        rows[column] = rows[column].where(rows[column] != grouped[column].shift(), "")
    return rows.reset_index(drop=True)


def green_share(series: Series) -> pd.DataFrame:
    """Share of rated items that are green, per outcome theme (rows) and plan year (columns),
    over every report of the window in that plan year."""
    rated = series.rows[series.rows["rag"].notna()]
    green = rated["rag"].astype("object") == "green"
    theme = rated["outcome_id"].astype("object").fillna("")
    share = green.groupby([theme, rated["plan_year"].astype("object")]).mean().unstack()
    names = outcome_themes(series).set_index("outcome_id")["theme"]
    share.index = share.index.map(lambda i: names.get(i, i))
    return share.sort_index(axis=1)
