"""The dataset a user builds from ``samples/`` with the README's first command, built once
per test run (tests that change a dataset copy it first)."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

import filelock

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@functools.cache
def sample_dataset() -> Path:
    """``ragtrack-data`` built from the five samples, in a temporary folder of its own; the
    test processes of one ``pytest -n`` run share one (the first to ask builds it)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return _build(Path(tempfile.mkdtemp(prefix="ragtrack-samples-")))
    shared = Path(tempfile.gettempdir()) / f"ragtrack-samples-{run}"
    with filelock.FileLock(f"{shared}.lock"):
        if not shared.exists():
            building = Path(tempfile.mkdtemp(prefix="ragtrack-samples-"))
            _build(building)
            os.replace(building, shared)  # whole, or not there at all
    return shared / "ragtrack-data"


def _build(folder: Path) -> Path:
    from ragtrack import ingest

    ingest([SAMPLES], folder / "ragtrack-data")
    return folder / "ragtrack-data"


def copy_of_sample_dataset(where: Path) -> Path:
    """A private copy of :func:`sample_dataset` at ``where / 'ragtrack-data'``."""
    target = where / "ragtrack-data"
    shutil.copytree(sample_dataset(), target, ignore=shutil.ignore_patterns("_ingest.lock"))
    return target
