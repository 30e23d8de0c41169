"""Pages of rows and free lines -> the logical lines the text parsers read.

The output has the tab-separated layout of a text report: one line per table row (cells
joined by a TAB), the header row once per table, a row split over a page break joined,
running headers and footers dropped, and each heading or paragraph on its own line with a
blank line between paragraphs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex

from ragtrack.extract.furniture import EdgeLine, find_positioned_furniture
from ragtrack.extract.pdf.colours import hex_colour, rag_of_fill
from ragtrack.extract.pdf.glyphs import level_arrow
from ragtrack.extract.pdf.layout import Cell, Free, PageLayout, Row
from ragtrack.extract.pdf.text_lines import TextLine
from ragtrack.extract.structure import LineKind, classify_line, row_ref
from ragtrack.normalise.kinds import Rag
from ragtrack.normalise.refs import REF_TOKEN
from ragtrack.normalise.text import join_wrapped
from ragtrack.records import Line

#: A commentary label opening a line (``A2.14: The ...``, ``M1.3 - ...``, ``4.3 The ...``):
#: a wrapped sentence rarely goes on with a ref and a capital, a new paragraph often does.
_LABEL = regex.compile(rf"^\s*{REF_TOKEN}(?:\s*[:\-–])?\s+[\p{{Lu}}\d(]")
_EDGE_LINES = 2  # how many free lines at the top and bottom of a page can be furniture


def _edge_lines(page: PageLayout) -> list[int]:
    """Indexes of the free lines at the top and bottom edge of a page (before the first and
    after the last table row)."""
    entries = page.entries
    out: list[int] = []
    for i, entry in enumerate(entries[:_EDGE_LINES]):
        if not isinstance(entry, Free):
            break
        out.append(i)
    tail = []
    for i in range(len(entries) - 1, max(len(entries) - 1 - _EDGE_LINES, -1), -1):
        if not isinstance(entries[i], Free):
            break
        tail.append(i)
    return sorted(set(out + tail))


def find_furniture(pages: list[PageLayout]) -> set[tuple[int, int]]:
    """(page index, entry index) of running headers, footers and page numbers."""
    edges = []
    for p, page in enumerate(pages):
        for i in _edge_lines(page):
            entry = page.entries[i]
            assert isinstance(entry, Free)
            edges.append(EdgeLine(p, i, entry.line.text, entry.line.baseline))
    return find_positioned_furniture(edges, len(pages))


def drop_furniture(pages: list[PageLayout]) -> None:
    """Remove running headers, footers and page numbers from the pages, in place."""
    dropped = find_furniture(pages)
    for p, page in enumerate(pages):
        page.entries = [e for i, e in enumerate(page.entries) if (p, i) not in dropped]


def _line_pitch(pages: list[PageLayout]) -> float:
    """The usual distance between lines of one paragraph, as a share of the font size."""
    ratios: Counter[float] = Counter()
    for page in pages:
        previous: TextLine | None = None
        for entry in page.entries:
            if not isinstance(entry, Free):
                previous = None
                continue
            line = entry.line
            if previous is not None and abs(previous.height - line.height) < 0.5:
                ratio = (line.baseline - previous.baseline) / max(previous.height, 1.0)
                if 0.8 < ratio < 3.0:
                    ratios[round(ratio * 20) / 20] += 1
            previous = line
    if not ratios:
        return 1.2
    return ratios.most_common(1)[0][0]


#: Only plain text continues a paragraph; every structural line (headings, table headers,
#: commentary headings, plan sections) starts a block of its own.
_RUNS_ON = frozenset({LineKind.TEXT})


@dataclass(slots=True)
class _Paragraph:
    lines: list[TextLine]
    page: int


@dataclass(slots=True)
class _TableRow:
    row: Row
    header: bool
    rag: Rag | None = None  # canonical colour read from the RAG cell's fill


@dataclass(slots=True)
class Assembled:
    lines: list[Line]
    rag_colour: dict[int, Rag] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _blocks(pages: list[PageLayout]) -> list[_Paragraph | Row]:
    pitch = _line_pitch(pages)
    limit = max(pitch * 1.25, pitch + 0.25)
    right = _text_right_edges(pages)
    out: list[_Paragraph | Row] = []
    current: _Paragraph | None = None
    for page in pages:
        for entry in page.entries:
            if isinstance(entry, Row):
                current = None
                out.append(entry)
                continue
            line = entry.line
            if current is not None:
                last = current.lines[-1]
                same_page = current.page == entry.page
                gap = (line.baseline - last.baseline) / max(last.height, 1.0)
                # a paragraph goes on only if the next line's first word would not have
                # fitted at the end of its last line: had it fitted, the writer's line
                # breaking would have put it there, so the paragraph ended (this is all
                # there is to go by over a page break, or when paragraphs have no space
                # between them)
                first = line.words[0]
                room = right.get(current.page, 0.0) - last.x1
                full = room < 0.3 * last.height + (first.x1 - first.x0) - 1.0
                runs_on = full and (gap <= limit or not same_page) and not _LABEL.match(line.text)
                joined = (
                    runs_on
                    and last.bold == line.bold
                    and abs(last.height - line.height) < 0.5
                    and classify_line(line.text).kind in _RUNS_ON
                )
                if joined:
                    current.lines.append(line)
                    continue
            current = _Paragraph([line], entry.page)
            out.append(current)
    return out


def _text_right_edges(pages: list[PageLayout]) -> dict[int, float]:
    """Per page, the text's right margin: how far right the longest free line reaches on any
    page of the same size (a page of tables and headings alone does not show it)."""
    by_size: dict[tuple[int, int], float] = {}
    for page in pages:
        size = (round(page.width), round(page.height))
        for entry in page.entries:
            if isinstance(entry, Free):
                by_size[size] = max(by_size.get(size, 0.0), entry.line.x1)
    return {
        page.number: by_size.get((round(page.width), round(page.height)), 0.0) for page in pages
    }


def _is_header(row: Row) -> bool:
    return classify_line(row.tabbed).kind is LineKind.TABLE_HEADER


def _column(header: Row | None, *words: str) -> int | None:
    if header is None:
        return None
    for index, cell in enumerate(header.cells):
        lowered = cell.text.casefold()
        if any(regex.search(rf"\b{w}\b", lowered) for w in words):
            return index
    return None


def _join_rows(upper: Row, lower: Row) -> None:
    """A row split over a page break: each cell's text continues in the lower part."""
    for top, bottom in zip(upper.cells, lower.cells, strict=True):
        top.text = join_wrapped([top.text, bottom.text])
        top.rgb = top.rgb or bottom.rgb
        top.drawn = top.drawn or bottom.drawn


def assemble(pages: list[PageLayout]) -> Assembled:
    """Number the logical lines of the document and collect RAG colours and warnings.

    Page furniture must be gone already (:func:`drop_furniture`)."""
    blocks = _blocks(pages)
    items: list[_Paragraph | _TableRow] = []
    warnings: list[str] = []
    header: Row | None = None
    for block in blocks:
        if isinstance(block, _Paragraph):
            items.append(block)
            continue
        row = block
        if len(row.cells) == 1:
            items.append(_TableRow(row, header=False))  # a full-width cell: its own line
            continue
        previous = items[-1] if items else None
        after_break = isinstance(previous, _TableRow) and previous.row.page < row.page
        if _is_header(row):
            if (
                isinstance(previous, _TableRow)
                and header is not None
                and header.tabbed == row.tabbed
            ):
                continue  # the header repeated in a continued table (after a page break)
            header = row
            items.append(_TableRow(row, header=True))
            continue
        if (
            after_break
            and isinstance(previous, _TableRow)
            and not previous.header
            and len(previous.row.cells) == len(row.cells)
            and not row.cells[0].text
        ):
            _join_rows(previous.row, row)  # the rest of a row split over the page break
            continue
        if not any(c.text for c in row.cells):
            # no text at all: only a stray fill or shape, e.g. the empty tail of a split row
            # under a repeated header; say so rather than drop it unseen
            warnings.append(f"page {row.page}: a table row with no text was skipped")
            continue
        items.append(_TableRow(row, header=False))
    # RAG colours and drawn arrows, now that split rows are whole
    header = None
    for item in items:
        if not isinstance(item, _TableRow):
            continue
        if item.header:
            header = item.row
            continue
        if header is None or len(item.row.cells) != len(header.cells):
            continue
        ref = row_ref(item.row.cells[0].text) or item.row.cells[0].text[:20] or "?"
        rag_col = _column(header, "rag", "status")
        dir_col = _column(header, "direction", "travel", "dot", "trend")
        if rag_col is not None:
            cell = item.row.cells[rag_col]
            verdict = rag_of_fill(cell.rgb)
            if verdict in ("red", "amber", "green"):
                item.rag = verdict
            elif verdict == "unknown" and cell.rgb is not None:
                warnings.append(
                    f"page {item.row.page}: RAG cell of row {ref} is filled "
                    f"{hex_colour(cell.rgb)}, not near red, amber or green; colour not used"
                )
        if dir_col is not None:
            cell = item.row.cells[dir_col]
            cell.text = level_arrow(cell.text)
            if not cell.text and cell.drawn:
                warnings.append(
                    f"page {item.row.page}: direction of travel of row {ref} is drawn as "
                    f"{'an image' if cell.drawn == 'image' else 'a shape'}, not text; "
                    "not read"
                )
    return _number(items, warnings)


def _cell_text(cell: Cell) -> str:
    return cell.text.replace("\t", " ")


def _number(items: list[_Paragraph | _TableRow], warnings: list[str]) -> Assembled:
    out = Assembled([], {}, warnings)
    previous_was_row = False
    for item in items:
        if isinstance(item, _TableRow) and len(item.row.cells) != 1:
            if out.lines and not previous_was_row and out.lines[-1].text:
                out.lines.append(Line(len(out.lines) + 1, item.row.page, ""))
            number = len(out.lines) + 1
            out.lines.append(
                Line(number, item.row.page, "\t".join(_cell_text(c) for c in item.row.cells))
            )
            if item.rag:
                out.rag_colour[number] = item.rag
            previous_was_row = True
            continue
        if isinstance(item, _TableRow):
            text, page = item.row.cells[0].text, item.row.page
        else:
            if not item.lines:
                continue
            text, page = join_wrapped(line.text for line in item.lines), item.page
        if out.lines and out.lines[-1].text:
            out.lines.append(Line(len(out.lines) + 1, page, ""))
        out.lines.append(Line(len(out.lines) + 1, page, text))
        previous_was_row = False
    return out
