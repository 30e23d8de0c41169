from __future__ import annotations

import sys
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
