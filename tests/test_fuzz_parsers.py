"""The fuzz run of bench/fuzz_parsers.py as tests: mangled sample reports (lines dropped,
duplicated, swapped, truncated, characters replaced) never crash a parser and never give a
row with an impossible value (a RAG outside red/amber/green/null, a ref not in the text)."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "fuzz_parsers.py"


def _fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_parsers", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # fuzz: 300 mangled reports
def test_300_mangled_reports_give_no_crash_and_no_impossible_value() -> None:
    count, crashes, _rejected, impossible = _fuzz().run(300, seed=20_000)
    assert (count, crashes, impossible) == (300, 0, 0)
    assert logging.root.manager.disable == logging.NOTSET  # warnings are shown again after


@pytest.mark.slow  # about 10 minutes
def test_10000_mangled_reports_give_no_crash_and_no_impossible_value() -> None:
    count, crashes, _rejected, impossible = _fuzz().run(10_000, seed=0)
    assert (count, crashes, impossible) == (10_000, 0, 0)
