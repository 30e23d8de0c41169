"""A stand-in parser that takes its time, for tests that stop an ingest mid-batch."""

from __future__ import annotations

import time

from fake_reports import parse_fake
from ragtrack.records import ParsedDocument, SourceText


def parse_slowly(source: SourceText, **kwargs: object) -> ParsedDocument:
    time.sleep(2)
    return parse_fake(source, **kwargs)  # type: ignore[arg-type]
