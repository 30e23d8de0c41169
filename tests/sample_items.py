"""The five samples as one items table, parsed by the real parsers (for the lineage tests)."""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_file
from ragtrack.records import ParsedDocument

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_FILES = [
    "002_09ef99f253a2c4a1.txt",  # Council Plan 2017/18 (OCR, no refs)
    "004_37aa582fc5e89633.txt",  # progress Q1 2018/19
    "003_d491075be32868fc.txt",  # delivery plan 2019/20
    "000_965dd161175208ce.txt",  # progress Q3 2019/20
    "001_7d2f7bf68617a22e.txt",  # progress Q2 2021/22
]


def document_items(parsed: ParsedDocument) -> pd.DataFrame:
    """One parsed document's items with the document fields lineage orders by."""
    frame = pd.DataFrame([asdict(item) for item in parsed.items])
    frame["plan_year"] = parsed.document.plan_year
    frame["period_end"] = parsed.document.period_end
    frame["doc_type"] = parsed.document.doc_type
    return frame


def parsed_sample_items(names: list[str] | None = None) -> pd.DataFrame:
    """Items of the named samples (all five by default), in the order given."""
    logger = logging.getLogger("ragtrack")
    level = logger.level
    logger.setLevel(logging.ERROR)  # the samples' parser warnings are golden-tested elsewhere
    try:
        frames = [
            document_items(parse_source(read_text_file(SAMPLES / name)))
            for name in names or SAMPLE_FILES
        ]
    finally:
        logger.setLevel(level)
    return pd.concat(frames, ignore_index=True)
