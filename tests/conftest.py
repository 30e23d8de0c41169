from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(Path(__file__).parent))

PROGRESS_SAMPLES = [
    "004_37aa582fc5e89633.txt",  # Q1 2018/19, tab-separated rows
    "000_965dd161175208ce.txt",  # Q3 2019/20, wrapped rows, headings after tables
    "001_7d2f7bf68617a22e.txt",  # Q2 2021/22, tab-separated, A-prefixed actions
]


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


# CI runs the property tests on a fixed set of examples so a landing never depends on luck;
# developers' runs explore new examples each time.
from hypothesis import settings as _settings  # noqa: E402

# Speed is measured in bench/, never by a test: no per-example deadline, so a property test
# cannot fail because other work shares the machine (a 200 ms deadline did, at load 8).
_settings.register_profile("default", deadline=None)
_settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
_settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def _ragtrack_logging_per_test() -> Iterator[None]:
    """Each test starts with the ``ragtrack`` logger as the library leaves it (level unset,
    propagating, no handlers) and whatever a test or a CLI run sets is undone after it."""
    _reset_ragtrack_logger()
    yield
    _reset_ragtrack_logger()


def _reset_ragtrack_logger() -> None:
    logger = logging.getLogger("ragtrack")
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
    for handler in list(logger.handlers):
        if type(handler).__name__ == "_CurrentStderr":  # the CLI's (configure_logging)
            logger.removeHandler(handler)


@pytest.fixture
def quiet_ragtrack_logs() -> None:
    """Parser warnings at ERROR only, for tests that parse many mangled documents on purpose
    (their warnings are asserted on the records, not read from the log)."""
    logging.getLogger("ragtrack").setLevel(logging.ERROR)
