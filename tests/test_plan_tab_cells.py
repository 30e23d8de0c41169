"""A delivery plan laid out as tab-separated cells (how the PDF reader gives tables) parses to
the same rows as the wrapped text of the 2019/20 plan."""

from __future__ import annotations

from conftest import SAMPLES
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_bytes, read_text_file
from ragtrack.normalise.text import CELL_LINE_BREAK
from ragtrack.records import ItemRecord

FIELDS = (
    "kind",
    "ref",
    "outcome_number",
    "supporting_outcome",
    "section",
    "text",
    "milestone",
    "milestone_date",
    "responsible",
)


def render_as_cells(items: tuple[ItemRecord, ...]) -> str:
    """Headings, table headers and one tab-separated line per row; officers one per line in
    their cell."""
    out = ["Council Plan Delivery Plan", ""]
    last: tuple[object, ...] = (None, None, None)
    for item in items:
        key = (item.outcome_number, item.section, item.supporting_outcome)
        if key != last:
            if item.outcome_number != last[0]:
                out.append(f"Outcome {item.outcome_number}: {item.outcome}")
            if item.section == "year_actions":
                out += [
                    "Year 2 Actions and Milestones (2019/20)",
                    "Ref\tAction\tMilestone\tResponsible Officer",
                ]
            elif item.section.startswith("planned"):
                out += [
                    "Actions Planned for Years 3-4 (2020-2022)",
                    "Ref\tAction\tResponsible Officer",
                ]
            else:
                out += [
                    "How we will measure progress against this outcome in 2019/20",
                    "Ref\tMeasure",
                ]
            if item.supporting_outcome and item.kind == "action":
                out.append(f"Supporting Outcome: {item.supporting_outcome}")
            last = key
        cells = [item.ref or "", item.text]
        if item.section == "year_actions":
            cells.append(item.milestone or "")
        if item.kind == "action":
            cells.append((item.responsible or "").replace(" / ", CELL_LINE_BREAK))
        out.append("\t".join(cells))
    return "\n".join(out) + "\n"


def test_tab_separated_plan_gives_the_same_rows() -> None:
    wrapped = parse_source(read_text_file(SAMPLES / "003_d491075be32868fc.txt"))
    cells = parse_source(read_text_bytes(render_as_cells(wrapped.items).encode(), "cells.txt"))
    assert cells.document.doc_type == "delivery_plan"
    assert len(cells.items) == len(wrapped.items) == 116
    for want, got in zip(wrapped.items, cells.items, strict=True):
        assert [getattr(got, f) for f in FIELDS] == [getattr(want, f) for f in FIELDS], want.ref
    several = [i for i in cells.items if i.responsible and " / " in i.responsible]
    assert several, "officers given one per line in a cell are joined with ' / '"
