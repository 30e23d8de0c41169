"""Parsers for the Dask cluster tests, importable by worker processes: the fake parser, except
that a file named ``killer*`` kills the worker parsing it every time and ``dies-once*`` kills
it the first time only (a mark in the folder ``$RAGTRACK_TEST_DEATHS`` remembers; without it,
a mark named by the file's SHA-256 in the temporary folder, for worker processes started
before the variable was set)."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

from fake_reports import parse_fake
from ragtrack.records import ParsedDocument, SourceText

DEATHS = "RAGTRACK_TEST_DEATHS"


def parse_or_die(source: SourceText, **kwargs: object) -> ParsedDocument:
    if source.name.startswith("killer"):
        os.kill(os.getpid(), signal.SIGKILL)
    if source.name.startswith("dies-once"):
        folder = os.environ.get(DEATHS)
        mark = (
            Path(folder) / source.name
            if folder
            else Path(tempfile.gettempdir()) / f"ragtrack-test-death-{source.sha256}"
        )
        if not mark.exists():
            mark.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    return parse_fake(source, **kwargs)  # type: ignore[arg-type]
