"""The dataset a user builds from ``samples/`` with the README's first command, built once
per test process (tests that change a dataset copy it first)."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@functools.cache
def sample_dataset() -> Path:
    """``ragtrack-data`` built from the five samples, in a temporary folder of its own."""
    from ragtrack import ingest

    folder = Path(tempfile.mkdtemp(prefix="ragtrack-samples-")) / "ragtrack-data"
    ingest([SAMPLES], folder)
    return folder


def copy_of_sample_dataset(where: Path) -> Path:
    """A private copy of :func:`sample_dataset` at ``where / 'ragtrack-data'``."""
    target = where / "ragtrack-data"
    shutil.copytree(sample_dataset(), target, ignore=shutil.ignore_patterns("_ingest.lock"))
    return target
