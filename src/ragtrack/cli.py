"""The ``ragtrack`` command line: argument parsing and display only.

Each command calls one library function (:func:`ragtrack.pipeline.ingest`,
:func:`ragtrack.store.status`) and decides what to show. Warnings and errors arrive through
``logging``; ``-v``/``-q`` set how much of it is shown.
"""

# No ``from __future__ import annotations`` here: typer reads every command's signature each
# time a process builds the command line, and string annotations are evaluated again each
# time (27 ms of every run, 6 ms without). Annotations naming types the API loads lazily are
# quoted.

import enum
import json
import logging
import textwrap
from pathlib import Path
from typing import Annotated, Literal

import typer

from ragtrack import api
from ragtrack.cli_params import (
    DEFAULT_DATA,
    DataDir,
    DataDirOnly,
    configure_logging,
    jobs_of,
    jobs_param,
    plan_year_param,
)
from ragtrack.errors import InputError, LockTimeout, MissingExtra, NoDataset, RagtrackError
from ragtrack.lineage_cli import lineage_app
from ragtrack.version import version_line

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3

app = typer.Typer(
    help="Turn council plan progress reports and delivery plans into a Parquet dataset.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class PdfBackend(enum.StrEnum):
    pypdfium2 = "pypdfium2"
    pdfplumber = "pdfplumber"


#: ``--pdf-backend``, for every command that reads a report.
PdfBackendOption = Annotated[
    PdfBackend,
    typer.Option(help="How to read PDFs: pypdfium2 (fast) or pdfplumber (reference)."),
]


class DocType(enum.StrEnum):
    progress_report = "progress_report"
    delivery_plan = "delivery_plan"


def _version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Turn council plan progress reports and delivery plans into a Parquet dataset."""


Verbose = Annotated[
    int, typer.Option("--verbose", "-v", count=True, help="Show more (-vv for debug).")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Show only errors.")]


def _describe(result: object) -> str:
    assert isinstance(result, api.FileResult)
    what = [result.doc_type or "?", result.plan_year or "unknown year"]
    if result.period_end:
        what.append(f"to {result.period_end}")
    found = (
        f"{result.items} items, {result.commentary} commentary, "
        f"{len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}"
    )
    line = f"{result.status:<9} {result.path}  ({' '.join(what)}): {found}"
    note = (result.note or "").replace("re-parse to update", "--reparse to update")
    return line + (f"  [{note}]" if note else "")


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH", help="Report files (.txt, .pdf) and folders to search recursively."
        ),
    ],
    out: DataDir = DEFAULT_DATA,
    council: Annotated[
        str | None,
        typer.Option(help="Council of these documents (else read from the text)."),
    ] = None,
    doc_type: Annotated[
        DocType | None, typer.Option(help="Document type (else recognised from the text).")
    ] = None,
    plan_year: Annotated[
        str | None,
        typer.Option(
            help="Plan year such as 2019/20 (else read from the text).", callback=plan_year_param
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-parse and rewrite even unchanged files.")
    ] = False,
    reparse: Annotated[
        bool,
        typer.Option("--reparse", help="Re-parse files last parsed by an older parser version."),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show what would be new, changed, unchanged or failed; write nothing."
        ),
    ] = False,
    json_file: Annotated[
        Path | None,
        typer.Option("--json", help="Write a JSON summary of the run to this file (- for stdout)."),
    ] = None,
    jobs: Annotated[
        str,
        typer.Option(
            metavar="N|auto",
            parser=jobs_param,
            help="Parse this many files at once in worker processes; auto: one per core when "
            "the batch is worth starting them for (a folder of PDFs), else one.",
        ),
    ] = "auto",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Parse on a Dask cluster: a scheduler's address (tcp://host:8786), or 'local' "
            "for --jobs worker processes here (one per core with auto). Needs pip install "
            "'ragtrack[dask]'.",
        ),
    ] = None,
    lock_timeout: Annotated[
        float,
        typer.Option(min=0, help="Seconds to wait for another ingest to finish (then exit 3)."),
    ] = 300.0,
    checkpoint: Annotated[
        float,
        typer.Option(
            min=0,
            metavar="SECONDS",
            help="On a long run, commit what is parsed at least every this many seconds, so "
            "a run that is stopped keeps it.",
        ),
    ] = api.DEFAULT_CHECKPOINT_SECONDS,
    max_bytes: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Refuse input files larger than this many bytes "
            f"[default: {api.DEFAULT_MAX_BYTES:,} for text, {api.DEFAULT_PDF_MAX_BYTES:,} "
            "for PDF].",
        ),
    ] = None,
    pdf_backend: PdfBackendOption = PdfBackend.pypdfium2,
    ocr: Annotated[
        bool,
        typer.Option(
            "--ocr/--no-ocr",
            help="OCR scanned PDF pages first (needs the ocr extra and tesseract).",
        ),
    ] = False,
    profile: Annotated[
        Path | None,
        typer.Option(
            help="Read every file by this layout profile (TOML), or the best fit of a folder "
            "of them (see docs/profiles.md)."
        ),
    ] = None,
    verbose: Verbose = 0,
    quiet: Quiet = False,
) -> None:
    """Parse reports into the dataset at --data.

    Unchanged files are skipped; a corrected re-publication of a report replaces its rows.
    Exit status: 0 all files ingested, 1 some failed (the rest are written), 2 usage error,
    3 another ingest held the dataset for longer than --lock-timeout.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from ragtrack.api import FileResult, IngestOptions

    configure_logging(verbose, quiet)
    # with --json -, stdout carries the JSON alone: the per-file lines go to stderr
    console = Console(highlight=False, soft_wrap=True, stderr=_to_stdout(json_file))
    options = IngestOptions(
        council=council,
        doc_type=doc_type.value if doc_type else None,
        plan_year=plan_year,
        force=force,
        reparse=reparse,
        dry_run=dry_run,
        jobs=jobs_of(jobs),
        lock_timeout=lock_timeout,
        max_bytes=max_bytes,
        json_path=None if _to_stdout(json_file) else json_file,
        pdf_backend=pdf_backend.value,
        ocr=ocr,
        profile=profile,
        scheduler=scheduler,
        checkpoint_seconds=checkpoint,
    )
    progress = Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
    task = progress.add_task("ingest", total=None)

    def on_start(total: int) -> None:
        progress.update(task, total=total)
        if total > 1:
            progress.start()

    def on_result(result: FileResult) -> None:
        progress.advance(task)
        if quiet or result.failed:
            return  # failures are shown by the error log line
        if result.status == "unchanged" and verbose == 0:
            return
        console.print(_describe(result), markup=False)

    try:
        summary = api.ingest(paths, out, options, on_start=on_start, on_result=on_result)
    except LockTimeout as err:
        progress.stop()
        logging.getLogger("ragtrack").error("%s", err, extra={"remedy": err.remedy})
        raise typer.Exit(EXIT_LOCKED) from None
    except RagtrackError as err:
        progress.stop()
        logging.getLogger("ragtrack").error("%s", err)
        # a missing extra, a folder that is no dataset, a profile that cannot be used
        usage = isinstance(err, MissingExtra | NoDataset | InputError)
        raise typer.Exit(EXIT_USAGE if usage else EXIT_FAILED) from None
    progress.stop()
    if _to_stdout(json_file):
        typer.echo(json.dumps(summary.to_dict(), indent=2, default=str))
    if not quiet:
        counts = summary.counts()
        order = ["new", "changed", "repaired", "reparsed", "unchanged", "failed"]
        parts = [f"{counts[s]} {s}" for s in order if counts.get(s)]
        files = f"{len(summary.results)} file{'' if len(summary.results) == 1 else 's'}"
        if dry_run:
            where = f"would write: {out}"
        elif summary.written:
            where = f"dataset: {out}"
        else:  # nothing to read, and no dataset was there to record it in
            where = f"no dataset made at {out}"
        console.print(f"{files}: {', '.join(parts) or 'nothing to do'} ({where})", markup=False)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_FAILED)


@app.command()
def status(
    directory: Annotated[
        Path | None,
        typer.Argument(help="Dataset directory (the same as --data).", show_default=False),
    ] = None,
    data: DataDir = DEFAULT_DATA,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify", help="Also decode every file in full (checksums are always checked)."
        ),
    ] = False,
    verbose: Verbose = 0,
    quiet: Quiet = False,
) -> None:
    """Show what a dataset holds: documents per plan year and type, rows, RAG mix, warnings
    and failures, whether every file matches its checksum, and the gaps in each council's
    series (exit 1 when a file does not match, 2 when there is no dataset)."""

    configure_logging(verbose, quiet)
    directory = directory or data
    try:
        report = api.status(directory, verify=verify)
    except RagtrackError as err:
        raise _exit_for(err) from None
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    if as_json:
        console.print_json(json.dumps(report.to_dict()))
        raise typer.Exit(EXIT_OK if report.consistent else EXIT_FAILED)
    docs = Table("plan year", "document type", "documents", title=f"Dataset {directory}")
    for (year, kind), count in sorted(report.documents.items()):
        docs.add_row(year, kind, str(count))
    console.print(docs)
    rows = ", ".join(f"{n} {name}" for name, n in report.rows.items())
    console.print(f"rows: {rows}", markup=False)
    # blue (complete) and not_rated only where the dataset has them (Cumbria's never do)
    shown = [k for k in ("red", "amber", "green", "blue", "not_rated", "none")]
    shown = [k for k in shown if k in ("red", "amber", "green", "none") or report.rag.get(k)]
    rag = ", ".join(f"{report.rag.get(k, 0)} {k.replace('_', ' ')}" for k in shown)
    console.print(f"RAG: {rag}", markup=False)
    versions = ", ".join(f"{v} ({n})" for v, n in sorted(report.parser_versions.items()))
    console.print(f"warnings: {report.warnings}; parser versions: {versions or '-'}", markup=False)
    for series in report.gaps:
        console.print(_describe_gaps(series), markup=False)
    if report.failures:
        console.print(f"failed files: {len(report.failures)}", markup=False)
        for failure in report.failures:
            console.print(f"  {failure.error}", markup=False)
    if report.problems:
        console.print(
            f"manifest and files disagree ({len(report.problems)}); the next ingest repairs this:",
            markup=False,
        )
        for problem in report.problems:
            console.print(f"  {problem}", markup=False)
        raise typer.Exit(EXIT_FAILED)
    if report.writing:
        console.print("an ingest is writing now; this is the last committed state", markup=False)
    checked = "decodes and matches" if verify else "matches"
    console.print(f"manifest and files agree (every file {checked} its checksum)", markup=False)


def _exit_for(err: RagtrackError) -> typer.Exit:
    """Log the error; exit 2 for a dataset that does not exist or an extra not installed,
    3 for a held lock, else 1."""
    logging.getLogger("ragtrack").error("%s", err, extra={"remedy": err.remedy})
    if isinstance(err, NoDataset | MissingExtra):
        return typer.Exit(EXIT_USAGE)
    return typer.Exit(EXIT_LOCKED if isinstance(err, LockTimeout) else EXIT_FAILED)


def _describe_gaps(series: object) -> str:
    """One line per council series: its span and what is missing in it."""
    from ragtrack.api import SeriesGaps, quarter_ranges

    assert isinstance(series, SeriesGaps)
    name = series.council or "(council not named)"
    parts = [f"series {name}: {series.first or '?'} to {series.last or '?'}"]
    if series.complete:
        parts.append("no gaps")
    if series.missing_plan_years:
        parts.append(f"missing plan years {', '.join(series.missing_plan_years)}")
    if series.missing_quarters:
        parts.append(f"missing quarters {quarter_ranges(series.missing_quarters)}")
    if series.plans_without_reports:
        parts.append(f"plans without reports {', '.join(series.plans_without_reports)}")
    if series.reports_without_plan:
        parts.append(f"reports without a plan {', '.join(series.reports_without_plan)}")
    if series.undated:
        parts.append(f"{series.undated} document(s) without plan year or quarter")
    return "; ".join(parts)


def _to_stdout(target: Path | None) -> bool:
    return target is not None and str(target) == "-"


def _write_text(target: Path, text: str) -> None:
    """Write ``text`` to the file ``target``, or to stdout when it is ``-``."""
    if _to_stdout(target):
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        target.write_text(text, encoding="utf-8")


JsonTarget = Annotated[
    Path | None,
    typer.Option(
        "--json", help="Write it as JSON to this file (- for stdout).", show_default=False
    ),
]
CouncilOption = Annotated[
    str | None,
    typer.Option(
        help='The council whose series to use (when the dataset has several); "" for the '
        "reports that print no council."
    ),
]

_DIFF_TITLES = {
    "rag_changes": (
        "RAG changes (worsened first)",
        ["kind", "ref_from", "ref_to", "rag_from", "rag_to", "change", "text"],
    ),
    "new": ("New items", ["kind", "ref_to", "rag_to", "text"]),
    "dropped": ("Dropped items", ["kind", "ref_from", "rag_from", "text"]),
    "renumbered": ("Renumbered items", ["kind", "ref_from", "ref_to", "text"]),
    "reworded": ("Reworded milestones", ["kind", "ref_to", "milestone_from", "milestone_to"]),
}


def _cell(value: object) -> str:
    import pandas as pd

    # pandas-stubs: isna has no overload for object, though it takes any scalar at run time
    return "" if value is None or pd.isna(value) else str(value)  # type: ignore[call-overload]


@app.command()
def diff(
    from_report: Annotated[
        str | None,
        typer.Argument(
            metavar="[FROM]",
            help="Report key, period end (2019-12-31) or 2019/20 Q3.",
            show_default=False,
        ),
    ] = None,
    to_report: Annotated[
        str | None,
        typer.Argument(
            metavar="[TO]", help="The later report, named the same way.", show_default=False
        ),
    ] = None,
    data: DataDir = DEFAULT_DATA,
    council: CouncilOption = None,
    json_file: JsonTarget = None,
    csv_file: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Write it as CSV to this file (- for stdout).", show_default=False
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Show what changed between two progress reports (default: the council's two latest):
    RAG changes with the worsened first, new and dropped items, renumbered items and
    reworded milestones. Items are matched by lineage, across renumbering and rewording."""

    configure_logging(0, quiet)
    try:
        result = api.diff(data, from_report, to_report, council=council)
    except InputError as err:  # a report name that matches no report, or one name only
        logging.getLogger("ragtrack").error("%s", err)
        raise typer.Exit(EXIT_USAGE) from None
    except RagtrackError as err:
        raise _exit_for(err) from None
    if json_file is not None:
        _write_text(json_file, json.dumps(result.to_dict(), indent=2, default=str) + "\n")
    if csv_file is not None:
        _write_text(csv_file, result.to_frame().to_csv(index=False))
    if _to_stdout(json_file) or _to_stdout(csv_file):
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    console.print(
        f"from {result.from_key} ({result.from_period or '?'}) to {result.to_key} "
        f"({result.to_period or '?'})",
        markup=False,
    )
    for name, frame in result.sections().items():
        title, columns = _DIFF_TITLES[name]
        table = Table(title=f"{title}: {len(frame)}", title_justify="left", expand=True)
        for column in columns:
            wide = column in ("text", "milestone_from", "milestone_to")
            table.add_column(column, no_wrap=not wide, ratio=1 if wide else None)
        for row in frame[columns].itertuples(index=False):
            table.add_row(*(textwrap.shorten(_cell(v), 120) for v in row))
        console.print(table if len(frame) else f"{title}: none")


class ExportFormat(enum.StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@app.command()
def export(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Export target: a folder for csv (one file per table), a .xlsx file for xlsx. "
            "(Here --out is not the dataset: give that with --data.)",
        ),
    ],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", "-f", help="csv or xlsx [default: xlsx for a .xlsx --out, else csv]."
        ),
    ] = None,
    data: DataDirOnly = DEFAULT_DATA,
    quiet: Quiet = False,
) -> None:
    """Export every table, timeline first, for a spreadsheet: CSV files (UTF-8 with BOM, so
    Excel shows £ and curly quotes) or one .xlsx workbook with a sheet per table, header
    frozen and filters on. Lists are joined with '; '."""

    configure_logging(0, quiet)
    chosen = fmt.value if fmt else ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    _check_export_target(out, chosen)
    try:
        written = api.export(data, fmt=chosen, target=out)
    except RagtrackError as err:
        raise _exit_for(err) from None
    except OSError as err:
        raise _cannot_write(out, "the export", err) from None
    if not quiet:
        typer.echo(f"{len(written)} file(s) written: {', '.join(str(p) for p in written)}")


def _check_export_target(out: Path, chosen: str) -> None:
    """--out must look like what is written: a .xlsx file for a workbook, a folder (no .csv,
    .xlsx ending) for the CSV files, so nobody finds a folder called out.csv."""
    suffix = out.suffix.lower()
    if chosen == "xlsx" and suffix != ".xlsx":
        problem = f"--out {out} for a workbook must end in .xlsx"
    elif chosen == "csv" and suffix in (".csv", ".xlsx"):
        problem = f"--out {out} names the folder for the CSV files (one per table), not a file"
    else:
        return
    logging.getLogger("ragtrack").error("%s", problem)
    raise typer.Exit(EXIT_USAGE)


def _cannot_write(out: Path, what: str, err: OSError) -> typer.Exit:
    """Log one line naming the file a command could not write; the exit for it."""
    logging.getLogger("ragtrack").error("%s: cannot write %s: %s", out, what, err)
    return typer.Exit(EXIT_FAILED)


@app.command()
def report(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The HTML file to write. (Here --out is not the dataset: give that with --data.)",
        ),
    ] = Path("report.html"),
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First report: report key, period end (2019-12-31) or 2019/20 Q3 "
            "[default: the page shows 12 reports, ending at --to].",
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last report, named the same way [default: the latest]."),
    ] = None,
    council: CouncilOption = None,
    data: DataDirOnly = DEFAULT_DATA,
    quiet: Quiet = False,
) -> None:
    """Write one self-contained HTML page to read offline, print or send: the latest
    report's RAG counts per outcome theme and their change, what worsened and what is red
    with its commentary, a RAG heatmap per outcome theme (a row per item across
    renumbering, a column per report), the share of green per theme and year, and each
    item's history. Needs the report extra (pip install 'ragtrack[report]')."""

    configure_logging(0, quiet)
    try:
        written = api.report(data, out, council=council, start=start, end=end)
    except NoDataset as err:
        raise _exit_for(err) from None
    except InputError as err:  # a report name that matches no report, several councils
        logging.getLogger("ragtrack").error("%s", err)
        raise typer.Exit(EXIT_USAGE) from None
    except RagtrackError as err:
        raise _exit_for(err) from None
    except OSError as err:
        raise _cannot_write(out, "the report", err) from None
    if not quiet:
        typer.echo(f"report written: {written}")


Titles = Annotated[
    tuple[str, str, str, str],
    typer.Option(
        metavar="YEAR_A TITLE_A YEAR_B TITLE_B",
        help="Two printed titles, each after its plan year.",
        show_default=False,
    ),
]
_NO_TITLES: tuple[str, str, str, str] = ("", "", "", "")


class Level(enum.StrEnum):
    outcome = "outcome"
    supporting_outcome = "supporting_outcome"


@app.command()
def outcomes(
    data: DataDir = DEFAULT_DATA,
    link: Titles = _NO_TITLES,
    split: Titles = _NO_TITLES,
    level: Annotated[
        Level, typer.Option(help="Which titles --link and --split name.")
    ] = Level.outcome,
    reason: Annotated[str, typer.Option(help="Reason recorded with the decision.")] = "",
    json_file: JsonTarget = None,
    quiet: Quiet = False,
) -> None:
    """List the outcome themes: each outcome and supporting outcome across plan years under
    one outcome_id, with how each title was linked. --link (same theme) or --split (different
    themes) records a decision in DIR/outcome_overrides.csv and relinks at once."""
    from ragtrack.api import OutcomeOverride

    configure_logging(0, quiet)
    if any(link) and any(split):
        logging.getLogger("ragtrack").error("give --link or --split, not both")
        raise typer.Exit(EXIT_USAGE)
    try:
        if any(link) or any(split):
            year_a, title_a, year_b, title_b = link if any(link) else split
            decision: Literal["must_link", "cannot_link"] = (
                "must_link" if any(link) else "cannot_link"
            )
            override = OutcomeOverride(
                decision,
                level.value,
                year_a,
                title_a,
                year_b,
                title_b,
                reason or "decided in review",
            )
            themes = api.decide_outcomes(data, override)
        else:
            themes = api.outcomes(data)
    except RagtrackError as err:
        raise _exit_for(err) from None
    if json_file is not None:
        records = themes.astype("object").where(themes.notna(), None).to_dict("records")
        _write_text(json_file, json.dumps(records, indent=2, default=str) + "\n")
        if _to_stdout(json_file):
            return
    _print_themes(themes)


def _print_themes(themes: object) -> None:
    import pandas as pd
    from rich import box
    from rich.console import Console
    from rich.table import Table

    assert isinstance(themes, pd.DataFrame)
    table = Table(title="Outcome themes", box=box.SIMPLE_HEAD)
    for column, width in (("outcome_id", 24), ("year", 7), ("no.", 3), ("how", 12)):
        table.add_column(column, overflow="fold", max_width=width)
    table.add_column("title", overflow="fold", ratio=1)
    for level, rows in themes.groupby("level", sort=False):
        table.add_section()
        table.add_row(f"{level}:", "", "", "", "")
        for row in rows.itertuples(index=False):
            how = f"similar {row.score:.0f}" if row.method == "similar_text" else _cell(row.method)
            table.add_row(
                _cell(row.outcome_id),
                _cell(row.plan_year),
                _cell(row.outcome_number),
                how,
                _cell(row.title),
            )
    Console(highlight=False).print(table)


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="A report (text or PDF).")],
    profile: Annotated[
        Path | None,
        typer.Option(help="Read it by this layout profile (TOML), or the best of a folder."),
    ] = None,
    rows: Annotated[int, typer.Option(min=1, help="How many rows to show.")] = 5,
    pdf_backend: PdfBackendOption = PdfBackend.pypdfium2,
    quiet: Quiet = False,
) -> None:
    """Show how a report would be read: the layout chosen, the header's columns and what each
    is mapped to, and the first rows. Writes nothing; exit 1 when no layout fits."""
    configure_logging(0, quiet)
    try:
        found = api.inspect(file, profile, rows=rows, pdf_backend=pdf_backend.value)
    except RagtrackError as err:
        raise _exit_for(err) from None
    for line in _describe_inspection(found):
        typer.echo(line)
    if found.layout is None or found.problem:
        logging.getLogger("ragtrack").error("%s: %s", found.name, found.problem)
        raise typer.Exit(EXIT_FAILED)


def _describe_inspection(found: "api.Inspection") -> list[str]:
    """The lines ``ragtrack inspect`` prints."""
    out = [f"{found.name}: layout {found.layout or '(none fits)'}, {found.items} items"]
    if found.scores and len(found.scores) > 1:
        tried = ", ".join(f"{n} {s}" for n, s in found.scores)
        out.append(f"evidence: {tried}")
    if found.header_line is not None:
        out.append(f"header, line {found.header_line}:")
        width = max(len(label) for label, _ in found.columns)
        out += [f"  {label:<{width}} -> {field}" for label, field in found.columns]
    if found.rows:
        out.append("first rows:")
    for row in found.rows:
        cells = " | ".join(f"{k}={_cut(v)!r}" for k, v in row.cells)
        out.append(f"  lines {row.line_start}-{row.line_end}: {cells}")
    return out


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# `ragtrack lineage review|show|rebuild` (see ragtrack.lineage_cli)
app.add_typer(lineage_app, name="lineage")


def main() -> None:
    """Console-script entry point."""
    app()
