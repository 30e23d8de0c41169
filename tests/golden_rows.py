"""Golden rows: the records a sample parses to, as plain JSON, and how to compare them.

Regenerate deliberately, after reviewing the change by hand:
    python tests/golden_rows.py samples/004_37aa582fc5e89633.txt ...
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_file
from ragtrack.records import ParsedDocument

GOLDEN_DIR = Path(__file__).parent / "golden"
PROVENANCE = {"page", "line_start", "line_end", "item_id", "commentary_id", "document_id"}


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def as_rows(parsed: ParsedDocument, *, provenance: bool = True) -> dict[str, object]:
    """The parsed document as JSON-ready rows; without provenance for layout-invariance checks."""

    def row(record: object) -> dict[str, object]:
        data = {k: _plain(v) for k, v in dataclasses.asdict(record).items()}  # type: ignore[arg-type]
        if not provenance:
            data = {k: v for k, v in data.items() if k not in PROVENANCE}
        return data

    document = row(parsed.document)
    for volatile in ("warnings", "encoding", "pages", "document_id"):
        document.pop(volatile, None)
    return {
        "document": document,
        "items": [row(i) for i in parsed.items],
        "commentary": [row(c) for c in parsed.commentary],
    }


def golden_path(sample: Path) -> Path:
    return GOLDEN_DIR / f"{sample.stem}.json"


def main(paths: list[str]) -> None:
    for name in paths:
        sample = Path(name)
        rows = as_rows(parse_source(read_text_file(sample)))
        golden_path(sample).write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {golden_path(sample)}")


if __name__ == "__main__":
    main(sys.argv[1:])
