"""``ragtrack lineage``: review, show and rebuild the lineage table (argument parsing and
display only; the work is in :mod:`ragtrack.store.lineage_table`).

Hooked into the main CLI with ``app.add_typer(lineage_app, name="lineage")``.
"""

from __future__ import annotations

import textwrap
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from ragtrack.api import require_dataset
from ragtrack.cli_params import DEFAULT_DATA, DataDir, configure_logging, plan_year_param
from ragtrack.errors import LockTimeout, NoDataset, RagtrackError
from ragtrack.store import lineage_table

EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 1, 2, 3

lineage_app = typer.Typer(
    help="Follow actions and measures across plan years: review links, show one history, "
    "rebuild the lineage table.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


@lineage_app.callback()
def _lineage(
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Show errors only, not warnings.")
    ] = False,
) -> None:
    """Follow actions and measures across plan years."""
    configure_logging(0, quiet)


def _fail(err: Exception) -> typer.Exit:
    code = EXIT_LOCKED if isinstance(err, LockTimeout) else EXIT_FAILED
    code = EXIT_USAGE if isinstance(err, NoDataset) else code
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(code)


_VERDICTS: dict[str, lineage_table.Verdict] = {"a": "accept", "r": "reject", "q": "quit"}


@lineage_app.command()
def review(
    out: DataDir = DEFAULT_DATA,
    accept: Annotated[
        bool, typer.Option("--accept", help="Accept every listed link (no prompts).")
    ] = False,
    reject: Annotated[
        bool, typer.Option("--reject", help="Reject every listed link (no prompts).")
    ] = False,
    limit: Annotated[int, typer.Option(help="Review at most this many links.")] = 20,
    reason: Annotated[str, typer.Option(help="Reason recorded with each decision.")] = "",
) -> None:
    """List links in the uncertain band, both texts side by side, and record decisions in
    DIR/overrides.csv (interactive unless --accept or --reject)."""
    if accept and reject:
        typer.echo("error: give --accept or --reject, not both", err=True)
        raise typer.Exit(EXIT_USAGE)
    console = Console()
    offered = 0

    def decide(cand: lineage_table.ReviewCandidate) -> lineage_table.Verdict:
        nonlocal offered
        offered += 1
        table = Table(
            title=f"{cand.kind} lineage {cand.lineage_id}  score {cand.score:.2f}  "
            f"margin {cand.margin:.2f}",
            show_lines=True,
        )
        table.add_column(f"{cand.plan_year_a} {cand.ref_a}", overflow="fold", ratio=1)
        table.add_column(f"{cand.plan_year_b} {cand.ref_b}", overflow="fold", ratio=1)
        table.add_row(cand.text_a, cand.text_b)
        console.print(table)
        if accept or reject:
            return "accept" if accept else "reject"
        answer = typer.prompt("same item? [a]ccept / [r]eject / [s]kip / [q]uit", default="s")
        return _VERDICTS.get(answer.strip().lower()[:1], "skip")

    try:
        decided = lineage_table.review_links(
            require_dataset(out), decide, limit=limit, reason=reason
        )
    except RagtrackError as err:
        raise _fail(err) from err
    if not offered:
        typer.echo("nothing to review")
        return
    typer.echo(f"{decided} decision(s) recorded in {out / lineage_table.OVERRIDES_NAME}")


@lineage_app.command()
def show(
    ref_or_lineage_id: Annotated[str, typer.Argument(help="A ref (e.g. M1.11) or lineage ID.")],
    plan_year: Annotated[
        str | None, typer.Option("--plan-year", help="The plan year the ref belongs to.")
    ] = None,
    out: DataDir = DEFAULT_DATA,
) -> None:
    """Print one item's history: per report, the period, ref, RAG, arrow, milestone, text."""
    try:
        history = lineage_table.item_history(
            require_dataset(out), ref_or_lineage_id, plan_year_param(plan_year)
        )
    except RagtrackError as err:
        raise _fail(err) from err
    table = Table(title=f"lineage {history['lineage_id'].iloc[0]}", box=box.SIMPLE_HEAD)
    # narrow fixed columns so the text keeps most of an 80-column terminal or a pipe
    for column, width in (
        ("plan year", 7),
        ("period", 10),
        ("ref", 6),
        ("RAG", 5),
        ("arrow", 5),
        ("milestone", 10),
    ):
        table.add_column(column, overflow="fold", max_width=width)
    table.add_column("text", overflow="fold", ratio=1)
    for row in history.itertuples():
        period = "plan" if row.doc_type == "delivery_plan" else _text(row.period_end)
        if not pd.isna(row.quarter) and period != "plan":
            period = f"Q{int(row.quarter)} to {period}"
        table.add_row(
            _text(row.plan_year),
            period,
            _text(row.ref),
            _text(row.rag),
            _text(row.direction_raw or row.direction),
            _text(row.milestone),
            textwrap.shorten(_text(row.text), 160),
        )
    Console().print(table)


@lineage_app.command()
def rebuild(out: DataDir = DEFAULT_DATA) -> None:
    """Relink the whole dataset from scratch; existing IDs are kept by maximum overlap."""
    try:
        result = lineage_table.rebuild_dataset(require_dataset(out))
    except RagtrackError as err:
        raise _fail(err) from err
    table = result.table
    typer.echo(
        f"{len(table)} items in {table['lineage_id'].nunique()} lineages "
        f"({(table['method'] == 'text').sum()} linked by text, "
        f"{(table['method'] == 'override').sum()} by override); "
        f"{len(result.warnings)} warning(s)"
    )


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()  # load() gives dates as datetime64
    return str(value)
