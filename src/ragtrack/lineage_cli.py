"""``ragtrack lineage``: review, show and rebuild the lineage table (argument parsing and
display only; the work is in :mod:`ragtrack.api`).

Hooked into the main CLI with ``app.add_typer(lineage_app, name="lineage")``.
"""

# No ``from __future__ import annotations`` here: typer reads every command's signature each
# time a process builds the command line, and string annotations are evaluated again each
# time (27 ms of every run, 6 ms without). Annotations naming types the API loads lazily are
# quoted.

import datetime as dt
import sys
import textwrap
from pathlib import Path
from typing import Annotated

import typer

from ragtrack import api
from ragtrack.cli_params import (
    DEFAULT_DATA,
    DataDir,
    configure_logging,
    plan_year_param,
    with_flag_hint,
)
from ragtrack.errors import InputError, LockTimeout, NoDataset, RagtrackError

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


def _fail(err: RagtrackError) -> typer.Exit:
    """Exit 2 for a dataset that does not exist, 3 for a held lock, else 1."""
    code = EXIT_LOCKED if isinstance(err, LockTimeout) else EXIT_FAILED
    if isinstance(err, NoDataset):
        code = EXIT_USAGE
    typer.echo(f"error: {with_flag_hint(str(err), err.remedy)}", err=True)
    return typer.Exit(code)


_VERDICTS: "dict[str, api.Verdict]" = {
    "a": "accept",
    "accept": "accept",
    "r": "reject",
    "reject": "reject",
    "s": "skip",
    "skip": "skip",
    "q": "quit",
    "quit": "quit",
}


def _numbers(value: str | None, size: int, flag: str) -> set[int]:
    """``'1,3-5'`` -> {1, 3, 4, 5}; ``'all'`` -> every queue number."""
    if not value:
        return set()
    if value.strip().lower() == "all":
        return set(range(1, size + 1))
    out: set[int] = set()
    for part in value.replace(" ", "").split(","):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise InputError(f"{flag} takes queue numbers like 1,3-5 or 'all', not {value!r}")
        out |= set(range(int(low), int(high or low) + 1))
    beyond = sorted(n for n in out if not 1 <= n <= size)
    if beyond:
        raise InputError(f"{flag}: no link number {beyond[0]} (the queue has {size})")
    return out


@lineage_app.command()
def review(
    out: DataDir = DEFAULT_DATA,
    accept: Annotated[
        str | None,
        typer.Option("--accept", help="Accept these queue numbers (e.g. 1,3-5) or 'all'."),
    ] = None,
    reject: Annotated[
        str | None,
        typer.Option("--reject", help="Reject these queue numbers (e.g. 2,6) or 'all'."),
    ] = None,
    list_only: Annotated[
        bool, typer.Option("--list", help="Print the numbered queue and decide nothing.")
    ] = False,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="Write the queue to this CSV file for a spreadsheet."),
    ] = None,
    import_: Annotated[
        Path | None,
        typer.Option("--import", help="Record the decisions filled in an exported CSV file."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many links.")] = 30,
    reason: Annotated[str, typer.Option(help="Reason recorded with each decision.")] = "",
) -> None:
    """Review uncertain links, those whose decision moves most appearances first, with
    context; decisions are recorded in DIR/overrides.csv and applied at once. Interactive
    unless --list, --accept/--reject, --export or --import is given."""
    try:
        if export is not None:
            count = api.export_review(out, export)
            typer.echo(f"{count} link(s) written to {export}; fill in 'decision', then --import")
            return
        if import_ is not None:
            count = api.import_review(out, import_)
            typer.echo(f"{count} decision(s) recorded in {out / 'overrides.csv'}")
            return
        queue = api.review_candidates(out)[:limit]
        if not queue:
            typer.echo("nothing to review")
            return
        if list_only or accept or reject:
            _batch(out, queue, accept, reject, reason, list_only)
        else:
            _interactive(out, limit, reason)
    except RagtrackError as err:
        raise _fail(err) from err


def _batch(
    out: Path,
    queue: "list[api.ReviewCandidate]",
    accept: str | None,
    reject: str | None,
    reason: str,
    list_only: bool,
) -> None:
    yes, no = _numbers(accept, len(queue), "--accept"), _numbers(reject, len(queue), "--reject")
    both = sorted(yes & no)
    if both:
        typer.echo(f"error: link {both[0]} is both accepted and rejected", err=True)
        raise typer.Exit(EXIT_USAGE)
    for number, cand in enumerate(queue, start=1):
        if list_only or number in yes | no:
            _show(number, cand)
    if list_only:
        return
    decisions = [(queue[n - 1], n in yes) for n in sorted(yes | no)]
    decided = api.decide(out, decisions, reason=reason)
    typer.echo(f"{decided} decision(s) recorded in {out / 'overrides.csv'}")


def _interactive(out: Path, limit: int, reason: str) -> None:
    offered = 0

    def decide_one(cand: "api.ReviewCandidate") -> "api.Verdict":
        nonlocal offered
        offered += 1
        _show(offered, cand)
        while True:  # a mistyped answer is asked again, never taken as a skip
            try:
                answer = typer.prompt(
                    "same item? [a]ccept / [r]eject / [s]kip / [q]uit", default="s"
                )
            except typer.Abort:
                if sys.stdin.isatty():
                    raise  # Ctrl-C at the prompt: the decisions made so far are kept
                return "quit"  # the answers piped in have run out: stop as if told to
            verdict = _VERDICTS.get(answer.strip().lower())
            if verdict is not None:
                return verdict
            typer.echo(f"{answer.strip()!r}: answer a, r, s or q")

    decided = api.review_links(out, decide_one, limit=limit, reason=reason)
    typer.echo(f"{decided} decision(s) recorded in {out / 'overrides.csv'}")


def _show(number: int, cand: "api.ReviewCandidate") -> None:
    """One queued link: both sides, the evidence and the context a reviewer needs."""
    verb = "would join" if cand.status == "candidate" else "joined"
    lines = [
        f"[{number}] {cand.kind}, {verb} (confidence {cand.confidence:.2f}, score "
        f"{cand.score:.2f}, lead {cand.margin:.2f}); deciding moves {cand.impact} appearance(s)",
        f"  A {cand.plan_year_a} {cand.ref_a}: {_short(cand.text_a)}",
    ]
    if cand.status == "candidate":  # two lineages: each its own history
        lines.append(f"      RAG {cand.history_a or '-'}")
    lines.append(f"  B {cand.plan_year_b} {cand.ref_b}: {_short(cand.text_b)}")
    label = "RAG" if cand.status == "candidate" else "RAG of the joined lineage"
    lines.append(f"      {label} {cand.history_b or '-'}")
    if cand.outcome_b:
        lines.append(f"      outcome: {_short(cand.outcome_b, 90)}")
    if cand.milestone_b:
        lines.append(f"      milestone: {cand.milestone_b}")
    if cand.commentary_b:
        lines.append(f"      commentary: {_short(cand.commentary_b, 160)}")
    if cand.runner_up:
        lines.append(f"  runner-up for B: {_short(cand.runner_up, 140)}")
    typer.echo("\n".join(lines) + "\n")


def _short(text: str, width: int = 220) -> str:
    return textwrap.shorten(" ".join(str(text).split()), width) if text else ""


@lineage_app.command()
def show(
    ref_or_lineage_id: Annotated[str, typer.Argument(help="A ref (e.g. M1.11) or lineage ID.")],
    plan_year: Annotated[
        str | None, typer.Option("--plan-year", help="The plan year the ref belongs to.")
    ] = None,
    out: DataDir = DEFAULT_DATA,
) -> None:
    """Print one item's history: per report, the period, ref, RAG, arrow, milestone, text."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    try:
        history = api.item_history(out, ref_or_lineage_id, plan_year_param(plan_year))
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
        if _text(row.quarter) and period != "plan":
            period = f"Q{int(float(_text(row.quarter)))} to {period}"
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
    """Relink the whole dataset; lineage IDs stay with most of their items."""
    try:
        result = api.rebuild(out)
    except RagtrackError as err:
        raise _fail(err) from err
    table = result.table
    status = table["status"]
    typer.echo(
        f"{len(table)} items in {table['lineage_id'].nunique()} lineages "
        f"({((table['method'] == 'text') & (status == 'auto')).sum()} linked by text, "
        f"{(status == 'override').sum()} by override, {(status == 'candidate').sum()} "
        f"candidate link(s) not joined); {len(result.warnings)} warning(s)"
    )


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, dt.datetime) and value == dt.datetime.combine(value.date(), dt.time()):
        return value.date().isoformat()  # load() gives dates as datetime64
    text = str(value)
    return "" if text in ("NaT", "nan", "<NA>", "None") else text
