"""Ruled tables: cells from the page's ruling lines, using pdfplumber's edge geometry.

pdfplumber's table module (snap and join edges, find intersections, cells, tables) works on
plain edge dicts, so it serves every backend; only the edges come from our page interface.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

from ragtrack.extract.pdf.page import Rule

_SNAP = 3.0
_MIN_EDGE = 3.0

BBox = tuple[float, float, float, float]
#: an edge as pdfplumber's table module takes and returns it: a plain dict (its T_obj)
Edge = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Grid:
    """One ruled table: its rows top to bottom, each row's cells left to right."""

    bbox: BBox
    rows: tuple[tuple[BBox, ...], ...]
    row_tops: tuple[float, ...]

    @property
    def columns(self) -> int:
        return max(len(r) for r in self.rows)

    def locate(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, cell) index of the cell holding point (x, y), if any."""
        x0, top, x1, bottom = self.bbox
        if not (x0 <= x <= x1 and top <= y <= bottom):
            return None
        r = bisect_right(self.row_tops, y) - 1
        if r < 0:
            return None
        for c, (cx0, ctop, cx1, cbottom) in enumerate(self.rows[r]):
            if cx0 <= x <= cx1 and ctop <= y <= cbottom:
                return r, c
        # a cell spanning rows down from an earlier row
        for rr in range(r - 1, -1, -1):
            for c, (cx0, ctop, cx1, cbottom) in enumerate(self.rows[rr]):
                if cx0 <= x <= cx1 and ctop <= y <= cbottom:
                    return rr, c
        return None


def _edge(rule: Rule) -> Edge | None:
    x0, top, x1, bottom = rule.x0, rule.top, rule.x1, rule.bottom
    if rule.horizontal:
        if x1 - x0 < _MIN_EDGE:
            return None
        y = round((top + bottom) / 2, 2)
        return {
            "x0": x0,
            "x1": x1,
            "top": y,
            "bottom": y,
            "width": x1 - x0,
            "height": 0.0,
            "orientation": "h",
            "object_type": "rule",
        }
    if bottom - top < _MIN_EDGE:
        return None
    x = round((x0 + x1) / 2, 2)
    return {
        "x0": x,
        "x1": x,
        "top": top,
        "bottom": bottom,
        "width": 0.0,
        "height": bottom - top,
        "orientation": "v",
        "object_type": "rule",
    }


def _closing_edges(edges: list[Edge]) -> list[Edge]:
    """Horizontal edges that close a table left open at a page break.

    A row split over pages is often drawn without its bottom (or top) border; its column
    rules then run past the last horizontal rule. Where two or more verticals end together
    past every horizontal rule they cross, draw the missing rule across them.
    """
    horizontals = [e for e in edges if e["orientation"] == "h"]
    open_ends: list[tuple[str, float, float]] = []  # (which end, y, x)
    for v in edges:
        if v["orientation"] != "v":
            continue
        x, top, bottom = float(v["x0"]), float(v["top"]), float(v["bottom"])
        crossing = [
            float(h["top"])
            for h in horizontals
            if float(h["x0"]) - _SNAP <= x <= float(h["x1"]) + _SNAP
            and top - _SNAP <= float(h["top"]) <= bottom + _SNAP
        ]
        if not crossing:
            continue
        if bottom > max(crossing) + _SNAP:
            open_ends.append(("bottom", bottom, x))
        if top < min(crossing) - _SNAP:
            open_ends.append(("top", top, x))
    added: list[Edge] = []
    open_ends.sort()
    group: list[tuple[str, float, float]] = []
    for end in [*open_ends, ("", 0.0, 0.0)]:
        if group and (end[0] != group[0][0] or end[1] - group[-1][1] > _SNAP):
            if len(group) >= 2:
                xs = [x for _, _, x in group]
                y = sum(y for _, y, _ in group) / len(group)
                added.append(
                    {
                        "x0": min(xs),
                        "x1": max(xs),
                        "top": y,
                        "bottom": y,
                        "width": max(xs) - min(xs),
                        "height": 0.0,
                        "orientation": "h",
                        "object_type": "rule",
                    }
                )
            group = []
        group.append(end)
    return added


def find_grids(rules: Sequence[Rule]) -> list[Grid]:
    """Tables of at least two rows and two columns made by the rulings, top to bottom."""
    edges = [e for e in (_edge(r) for r in rules) if e is not None]
    if len(edges) < 4:
        return []
    edges = merge_edges(edges, _SNAP, _SNAP, _SNAP, _SNAP)
    edges += _closing_edges(edges)
    cells = intersections_to_cells(edges_to_intersections(edges, _SNAP, _SNAP))
    grids = []
    for table in cells_to_tables(cells):
        by_top: dict[float, list[BBox]] = {}
        for cell in table:
            by_top.setdefault(round(cell[1], 1), []).append(cell)
        rows = tuple(tuple(sorted(by_top[t], key=lambda c: c[0])) for t in sorted(by_top))
        if len(rows) < 1 or max(len(r) for r in rows) < 2:
            continue  # a box around text, not a table
        bbox = (
            min(c[0] for c in table),
            min(c[1] for c in table),
            max(c[2] for c in table),
            max(c[3] for c in table),
        )
        grids.append(Grid(bbox, rows, tuple(r[0][1] for r in rows)))
    grids.sort(key=lambda g: g.bbox[1])
    return grids
