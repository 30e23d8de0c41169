"""One page's content as reading-order entries: table rows (cells with text, fill and any
drawn shape) and free text lines (everything outside ruled tables)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ragtrack.extract.pdf.colours import rag_of_fill
from ragtrack.extract.pdf.grid import BBox, Grid, find_grids
from ragtrack.extract.pdf.page import Char, Fill, PageContent
from ragtrack.extract.pdf.text_lines import TextLine, group_lines
from ragtrack.normalise.text import join_wrapped


@dataclass(slots=True)
class Cell:
    text: str
    rgb: tuple[float, float, float] | None = None
    #: "shape" or "image" when something other than text is drawn in the cell
    drawn: str | None = None


@dataclass(slots=True)
class Row:
    """One table row on one page."""

    cells: list[Cell]
    top: float
    page: int
    #: the row comes from ruling lines ("ruled") or from header column bands ("bands")
    source: str = "ruled"

    @property
    def tabbed(self) -> str:
        return "\t".join(c.text for c in self.cells)


@dataclass(slots=True)
class Free:
    """A printed line outside any table."""

    line: TextLine
    page: int

    @property
    def top(self) -> float:
        return self.line.top


@dataclass(slots=True)
class PageLayout:
    number: int
    width: float
    height: float
    entries: list[Row | Free] = field(default_factory=list)
    text_chars: int = 0
    unmapped: int = 0
    warnings: list[str] = field(default_factory=list)
    image_cover: float = 0.0
    #: the page's filled rectangles, for tables without rulings
    fills: list[Fill] = field(default_factory=list)


def _overlap(a: BBox, b: BBox) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _cell_rows(
    grid: Grid, cell_chars: dict[tuple[int, int], list[Char]], content: PageContent
) -> list[Row]:
    rows = []
    for r, cells in enumerate(grid.rows):
        out = []
        for c, bbox in enumerate(cells):
            chars = cell_chars.get((r, c), [])
            lines = group_lines(ch for ch in chars if ch.upright)
            lines += group_lines(ch for ch in chars if not ch.upright)  # text set at an angle
            cell = Cell(join_wrapped(line.text for line in lines))
            area = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])
            for fill in content.fills:
                if (
                    area > 0
                    and _overlap(bbox, (fill.x0, fill.top, fill.x1, fill.bottom)) >= 0.5 * area
                ):
                    cell.rgb = fill.rgb  # the last painted fill is the one seen
            if rag_of_fill(cell.rgb) == "none":
                for fill in content.fills:  # a coloured patch inside the cell (a badge)
                    if (
                        bbox[0] - 1 <= fill.x0
                        and fill.x1 <= bbox[2] + 1
                        and bbox[1] - 1 <= fill.top
                        and fill.bottom <= bbox[3] + 1
                        and rag_of_fill(fill.rgb) != "none"
                    ):
                        cell.rgb = fill.rgb
            for box in content.boxes:
                mx, my = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
                if (
                    bbox[0] <= mx <= bbox[2]
                    and bbox[1] <= my <= bbox[3]
                    and (box.x1 - box.x0) < (bbox[2] - bbox[0]) + 1
                ):
                    if not cell.text:
                        cell.drawn = box.kind
                    if (
                        box.rgb is not None
                        and rag_of_fill(cell.rgb) == "none"
                        and rag_of_fill(box.rgb) != "none"
                    ):
                        cell.rgb = box.rgb  # a coloured dot or shape drawn in the cell
            out.append(cell)
        if any(cell.text or cell.drawn or rag_of_fill(cell.rgb) != "none" for cell in out):
            rows.append(Row(out, cells[0][1], content.number))
    return rows


def lay_out(content: PageContent) -> PageLayout:
    """Split a page into ruled-table rows and free lines, in reading order (top down)."""
    grids = find_grids(content.rules)
    free_chars: list[Char] = []
    per_grid: list[dict[tuple[int, int], list[Char]]] = [{} for _ in grids]
    text_chars = len(content.chars)
    boxes = [(g, grid.bbox) for g, grid in enumerate(grids)]
    turned_free: list[Char] = []
    width, height = content.width + 1, content.height + 1
    for ch in content.chars:
        if ch.upright:
            x = (ch.x0 + ch.x1) / 2
            y = ch.baseline - 0.3 * ch.height
        else:
            x, y = ch.cx, ch.cy
        if not (-1 <= x <= width and -1 <= y <= height):
            continue  # drawn off the page: never seen
        for g, (x0, top, x1, bottom) in boxes:
            if x0 <= x <= x1 and top <= y <= bottom:
                where = grids[g].locate(x, y)
                if where is not None:
                    per_grid[g].setdefault(where, []).append(ch)
                    break
        else:
            (free_chars if ch.upright else turned_free).append(ch)
    entries: list[Row | Free] = []
    for g, grid in enumerate(grids):
        entries.extend(_cell_rows(grid, per_grid[g], content))
    entries.extend(Free(line, content.number) for line in group_lines(free_chars))
    entries.sort(key=lambda e: e.top)
    page_area = max(content.width * content.height, 1.0)
    image_cover = (
        sum((b.x1 - b.x0) * (b.bottom - b.top) for b in content.boxes if b.kind == "image")
        / page_area
    )
    warnings = []
    if content.diagonal:
        sample = "".join(content.diagonal)[:30]
        warnings.append(
            f"page {content.number}: {len(content.diagonal)} characters of text "
            f"set diagonally ignored (a watermark?): {sample!r}"
        )
    if turned_free:
        sample = " ".join(line.text for line in group_lines(turned_free))[:30]
        warnings.append(
            f"page {content.number}: {len(turned_free)} characters of sideways "
            f"text outside any table ignored: {sample!r}"
        )
    return PageLayout(
        content.number,
        content.width,
        content.height,
        entries,
        text_chars,
        content.unmapped,
        warnings,
        min(image_cover, 1.0),
        content.fills,
    )
