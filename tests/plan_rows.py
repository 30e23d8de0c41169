"""Rows of a parsed plan as plain JSON-able dicts, for golden files and comparisons.

Run as a script to rewrite the golden files of the parser's own output; review the diff by
hand against the sample text before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

from ragtrack.records import ItemRecord, ParsedDocument

ROOT = Path(__file__).parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).with_name("golden")
PLAN_2019_20 = SAMPLES / "003_d491075be32868fc.txt"
PLAN_2017_18 = SAMPLES / "002_09ef99f253a2c4a1.txt"


def item_row(item: ItemRecord, *, provenance: bool = False) -> dict:
    row = {
        "kind": item.kind,
        "ref": item.ref,
        "outcome_number": item.outcome_number,
        "outcome": item.outcome,
        "supporting_outcome": item.supporting_outcome,
        "section": item.section,
        "text": item.text,
        "milestone": item.milestone,
        "milestone_date": item.milestone_date.isoformat() if item.milestone_date else None,
        "rag": item.rag,
        "direction": item.direction,
        "direction_raw": item.direction_raw,
        "responsible": item.responsible,
        "page": item.page,
        "line_start": item.line_start,
        "line_end": item.line_end,
    }
    if provenance:
        row.update(document_id=item.document_id, item_id=item.item_id)
    return row


def document_rows(parsed: ParsedDocument) -> dict:
    doc = parsed.document
    return {
        "document": {
            "doc_type": doc.doc_type,
            "council": doc.council,
            "title": doc.title,
            "plan_year": doc.plan_year,
            "period_end": doc.period_end,
            "quarter": doc.quarter,
        },
        "items": [item_row(i) for i in parsed.items],
    }


def load_golden(name: str) -> dict:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


if __name__ == "__main__":
    from ragtrack.extract.plans.commitment import parse_commitment_plan
    from ragtrack.extract.plans.tabular import parse_delivery_plan
    from ragtrack.extract.reader import read_text_file

    for path, parse, name in (
        (PLAN_2019_20, parse_delivery_plan, "plan_2019_20.json"),
        (PLAN_2017_18, parse_commitment_plan, "plan_2017_18.json"),
    ):
        rows = document_rows(parse(read_text_file(path)))
        (GOLDEN / name).write_text(
            json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(name, len(rows["items"]))


def with_page_breaks(text: str, every: int, header: str = "Northshire Plan") -> str:
    """The text with a form feed and a running header before every ``every``-th line."""
    out = []
    for index, line in enumerate(text.split("\n")):
        if index and index % every == 0:
            out.append(f"\f{header} Page {index // every + 1} of 40")
        out.append(line)
    return "\n".join(out)


def content_rows(parsed: ParsedDocument) -> list[dict]:
    """Rows without where they came from (page, lines, ids)."""
    skip = {"page", "line_start", "line_end"}
    return [{k: v for k, v in item_row(i).items() if k not in skip} for i in parsed.items]


#: Ways the same plan arrives from different text tools; none may change a row.
SPACING_VARIANTS = {
    "tab before every line": lambda t: "\n".join(
        ("\t" + ln if ln.strip() else ln) for ln in t.split("\n")
    ),
    "spaces doubled": lambda t: t.replace(" ", "  "),
    "trailing spaces": lambda t: t.replace("\n", "   \n"),
    "blank lines doubled": lambda t: t.replace("\n\n", "\n\n\n"),
    "no leading spaces": lambda t: "\n".join(ln.lstrip() for ln in t.split("\n")),
}
