"""Option parsers and logging set-up shared by the command-line modules."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from ragtrack.api import AUTO_JOBS, Jobs
from ragtrack.errors import Remedy

#: How the command line words each remedy the library reports: by the flag that applies it.
REMEDY_FLAGS = {
    Remedy.MAX_BYTES: "raise it with --max-bytes",
    Remedy.OCR: "run with --ocr",
    Remedy.PLAN_YEAR: "choose one with --plan-year",
    Remedy.LOCK_TIMEOUT: "raise --lock-timeout to wait longer",
    Remedy.PROFILE: "another council's layout? describe it in a profile and add --profile FILE",
}


def with_flag_hint(message: str, remedy: Remedy | str | None) -> str:
    """``message`` followed by the flag that gets past it, where the library named one."""
    if remedy is None:
        return message
    hint = REMEDY_FLAGS.get(Remedy(remedy))
    return f"{message} ({hint})" if hint else message


def jobs_param(value: str) -> str:
    """``--jobs`` as typed: a number of processes (1 or more) or ``auto``, checked."""
    text = str(value).strip().casefold()
    if text != AUTO_JOBS and not (text.isdecimal() and int(text) >= 1):
        raise typer.BadParameter(f"{value!r} is neither a number of processes (1 or more) nor auto")
    return text


def jobs_of(text: str) -> Jobs:
    """The library's ``jobs`` for a checked ``--jobs`` value."""
    return AUTO_JOBS if text == AUTO_JOBS else int(text)


#: The dataset directory option, the same on every command: ``--data DIR`` (``-d``; ``--out``
#: and ``-o`` are accepted too), defaulting to ``$RAGTRACK_DATA`` when set, else
#: ``ragtrack-data`` in the current directory.
def data_dir_param(value: str) -> Path:
    """The dataset directory as typed; an empty one is a usage error (it is not ``.``)."""
    if not str(value).strip():
        raise typer.BadParameter("the dataset directory must not be empty")
    return Path(value)


DataDir = Annotated[
    Path,
    typer.Option(
        "--data",
        "-d",
        "--out",
        "-o",
        envvar="RAGTRACK_DATA",
        show_envvar=True,
        parser=data_dir_param,
        help="Dataset directory.",
    ),
]
#: The same option for the commands whose ``--out`` names the file they write (export,
#: report): ``--data``/``-d`` only.
DataDirOnly = Annotated[
    Path,
    typer.Option(
        "--data",
        "-d",
        envvar="RAGTRACK_DATA",
        show_envvar=True,
        parser=data_dir_param,
        help="Dataset directory.",
    ),
]
DEFAULT_DATA = Path("ragtrack-data")


def plan_year_param(value: str | None) -> str | None:
    """``--plan-year`` in canonical form (``2019-2020`` -> ``2019/20``), or a usage error."""
    if value is None:
        return None
    from ragtrack.normalise.values import canonical_plan_year

    canonical = canonical_plan_year(value)
    if canonical is None:
        raise typer.BadParameter(f"{value!r} is not a plan year like 2019/20")
    return canonical


class _CurrentStderr(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is now (a progress bar or test runner may swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class _FlagHintFormatter(logging.Formatter):
    """``level: message``, with the flag for a remedy the library attached to the record."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(record)
        return with_flag_hint(text, getattr(record, "remedy", None))


def configure_logging(verbose: int = 0, quiet: bool = False) -> None:
    """Library warnings to stderr as ``warning: ...`` (errors only with quiet, more with
    verbose); the ``ragtrack`` logger stops propagating so nothing prints twice."""
    level = (
        logging.ERROR
        if quiet
        else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    )
    logger = logging.getLogger("ragtrack")
    for handler in list(logger.handlers):
        if isinstance(handler, _CurrentStderr):
            logger.removeHandler(handler)
    handler = _CurrentStderr()
    handler.setFormatter(_FlagHintFormatter("%(levelname)s: %(message)s"))
    logging.addLevelName(logging.WARNING, "warning")
    logging.addLevelName(logging.ERROR, "error")
    logging.addLevelName(logging.INFO, "info")
    logging.addLevelName(logging.DEBUG, "debug")
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
