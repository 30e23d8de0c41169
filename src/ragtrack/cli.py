"""The ``ragtrack`` command line: argument parsing and display only.

Each command calls one library function (:func:`ragtrack.pipeline.ingest`,
:func:`ragtrack.store.status`) and decides what to show. Warnings and errors arrive through
``logging``; ``-v``/``-q`` set how much of it is shown.
"""

from __future__ import annotations

import enum
import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ragtrack.cli_params import DEFAULT_DATA, DataDir, configure_logging, plan_year_param
from ragtrack.errors import LockTimeout, RagtrackError
from ragtrack.extract.reader import DEFAULT_MAX_BYTES
from ragtrack.lineage_cli import lineage_app
from ragtrack.version import PARSER_VERSION, __version__

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


class DocType(enum.StrEnum):
    progress_report = "progress_report"
    delivery_plan = "delivery_plan"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ragtrack {__version__} (parser {PARSER_VERSION})")
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
    from ragtrack.pipeline import FileResult

    assert isinstance(result, FileResult)
    what = [result.doc_type or "?", result.plan_year or "unknown year"]
    if result.period_end:
        what.append(f"to {result.period_end}")
    found = (
        f"{result.items} items, {result.commentary} commentary, "
        f"{len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}"
    )
    line = f"{result.status:<9} {result.path}  ({' '.join(what)}): {found}"
    return line + (f"  [{result.note}]" if result.note else "")


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Report files (.txt, .pdf) and folders to search recursively."),
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
        Path | None, typer.Option("--json", help="Write a JSON summary of the run to this file.")
    ] = None,
    jobs: Annotated[int, typer.Option(min=1, help="Parse this many files at once.")] = 1,
    lock_timeout: Annotated[
        float,
        typer.Option(min=0, help="Seconds to wait for another ingest to finish (then exit 3)."),
    ] = 300.0,
    max_bytes: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Refuse input files larger than this many bytes "
            f"[default: {DEFAULT_MAX_BYTES} for text].",
        ),
    ] = None,
    pdf_backend: Annotated[
        PdfBackend,
        typer.Option(help="How to read PDFs: pypdfium2 (fast) or pdfplumber (reference)."),
    ] = PdfBackend.pypdfium2,
    ocr: Annotated[
        bool,
        typer.Option(
            "--ocr/--no-ocr",
            help="OCR scanned PDF pages first (needs the ocr extra and tesseract).",
        ),
    ] = False,
    verbose: Verbose = 0,
    quiet: Quiet = False,
) -> None:
    """Parse reports into the dataset at --data.

    Unchanged files are skipped; a corrected re-publication of a report replaces its rows.
    Exit status: 0 all files ingested, 1 some failed (the rest are written), 2 usage error,
    3 another ingest held the dataset for longer than --lock-timeout.
    """
    from ragtrack.pipeline import FileResult, IngestOptions
    from ragtrack.pipeline import ingest as run_ingest

    configure_logging(verbose, quiet)
    console = Console(highlight=False, soft_wrap=True)
    options = IngestOptions(
        council=council,
        doc_type=doc_type.value if doc_type else None,
        plan_year=plan_year,
        force=force,
        reparse=reparse,
        dry_run=dry_run,
        jobs=jobs,
        lock_timeout=lock_timeout,
        max_bytes=max_bytes,
        json_path=json_file,
        pdf_backend=pdf_backend.value,
        ocr=ocr,
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
        summary = run_ingest(paths, out, options, on_start=on_start, on_result=on_result)
    except LockTimeout as err:
        progress.stop()
        logging.getLogger("ragtrack").error("%s (raise --lock-timeout to wait longer)", err)
        raise typer.Exit(EXIT_LOCKED) from None
    except RagtrackError as err:
        progress.stop()
        logging.getLogger("ragtrack").error("%s", err)
        raise typer.Exit(EXIT_FAILED) from None
    progress.stop()
    if not quiet:
        counts = summary.counts()
        order = ["new", "changed", "repaired", "reparsed", "unchanged", "failed"]
        parts = [f"{counts[s]} {s}" for s in order if counts.get(s)]
        verb = "would write" if dry_run else "dataset"
        console.print(
            f"{len(summary.results)} files: {', '.join(parts) or 'nothing to do'} ({verb}: {out})",
            markup=False,
        )
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
    and failures, and whether every file matches its checksum (exit 1 when one does not,
    2 when there is no dataset)."""
    from ragtrack import api
    from ragtrack.store.snapshot import NoDataset

    configure_logging(verbose, quiet)
    directory = directory or data
    try:
        report = api.status(directory, verify=verify)
    except NoDataset as err:
        logging.getLogger("ragtrack").error("%s", err)
        raise typer.Exit(EXIT_USAGE) from None
    except RagtrackError as err:
        logging.getLogger("ragtrack").error("%s", err)
        raise typer.Exit(EXIT_FAILED) from None
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
    rag = ", ".join(f"{report.rag.get(k, 0)} {k}" for k in ("red", "amber", "green", "none"))
    console.print(f"RAG: {rag}", markup=False)
    versions = ", ".join(f"{v} ({n})" for v, n in sorted(report.parser_versions.items()))
    console.print(f"warnings: {report.warnings}; parser versions: {versions or '-'}", markup=False)
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


# `ragtrack lineage review|show|rebuild` (see ragtrack.lineage_cli)
app.add_typer(lineage_app, name="lineage")


def main() -> None:
    """Console-script entry point."""
    app()
