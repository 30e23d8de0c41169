"""Build report PDFs for tests: landscape pages, ruled tables, commentary paragraphs, a running
header and a ``Page N`` footer, in the shapes real council report PDFs take (RAG as a letter
or only as a cell colour, arrows as Unicode, private-use or Symbol-font glyphs or drawn
shapes, rows split over page breaks, scanned pages, encryption).

A document is a list of blocks (:class:`Para`, :class:`Table`); :func:`blocks_from_tabbed`
makes them from a tab-separated text report and :func:`blocks_from_parsed` from parsed rows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
ARROWS = {"↑": 0xF0E9, "→": 0xF0E8, "↓": 0xF0EA}
RAG_LETTERS = {"red": "R", "amber": "A", "green": "G"}
RGB = {
    "red": (0.85, 0.1, 0.1),
    "amber": (1.0, 0.75, 0.0),
    "green": (0.0, 0.69, 0.31),
    "blue": (0.2, 0.3, 0.9),
    "grey": (0.5, 0.5, 0.5),
}
CMYK = {
    "red": (0.0, 0.9, 0.9, 0.1),
    "amber": (0.0, 0.25, 1.0, 0.0),
    "green": (0.8, 0.0, 0.9, 0.1),
    "blue": (0.8, 0.6, 0.0, 0.0),
    "grey": (0.0, 0.0, 0.0, 0.5),
}


def _register_fonts() -> None:
    if "Body" in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont("Body", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("Body-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    # arrows at Wingdings-style private-use code points (U+F0E8..U+F0EA) in a text font;
    # patched after registering, as registering can swap in a shared face
    pdfmetrics.registerFont(TTFont("PuaArrows", str(FONT_DIR / "DejaVuSansCondensed.ttf")))
    pua = pdfmetrics.getFont("PuaArrows").face
    for glyph, code in ARROWS.items():
        pua.charToGlyph[code] = pua.charToGlyph[ord(glyph)]
        pua.charWidths[code] = pua.charWidths[ord(glyph)]
    # a font named Wingdings whose arrows sit at the bare byte codes (no Unicode meaning)
    pdfmetrics.registerFont(TTFont("Wingdings", str(FONT_DIR / "DejaVuSansMono.ttf")))
    wing = pdfmetrics.getFont("Wingdings").face
    for glyph, code in ARROWS.items():
        wing.charToGlyph[code - 0xF000] = wing.charToGlyph[ord(glyph)]
        wing.charWidths[code - 0xF000] = wing.charWidths[ord(glyph)]
    wing.name = b"Wingdings-Regular"


@dataclass
class Para:
    text: str
    heading: bool = False


@dataclass
class NewPage:
    """Start the next block on a new page."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    #: column of the RAG letter and of the direction arrow, if any
    rag_col: int | None = None
    dir_col: int | None = None
    widths: list[float] | None = None


@dataclass
class Options:
    rag: str = "letter"  # letter | colour (cell fill) | both | dot (a filled circle)
    colour_space: str = "rgb"  # rgb | cmyk
    #: unicode | pua | wingdings | symbol | zapf | heavy | shape | image
    arrows: str = "unicode"
    running_header: str = "Council Plan Delivery Plan Progress Report"
    font_size: float = 8.5
    #: space after a paragraph, in lines (0: paragraphs follow each other with no gap)
    para_gap: float = 1.0
    split_rows: bool = True
    ruled: bool = True
    scanned_pages: Sequence[int] = ()
    #: RAG and direction header cells set sideways
    sideways_headers: bool = False
    #: a diagonal watermark over every page
    watermark: str | None = None
    encrypt: str | None = None
    title: str = "Report"
    #: fill colour names by data row index, overriding the colour of the row's letter
    rag_colours: dict[int, str] = field(default_factory=dict)


class _Dot(Flowable):
    """A RAG rating drawn as a filled circle in the cell."""

    def __init__(self, colour: object) -> None:
        super().__init__()
        self.colour = colour
        self.width = self.height = 8

    def draw(self) -> None:
        self.canv.setFillColor(self.colour)
        self.canv.circle(4, 4, 4, stroke=0, fill=1)


class _Sideways(Flowable):
    """A header cell's text set sideways (reading bottom to top), as narrow columns have."""

    def __init__(self, text: str, font: str, size: float) -> None:
        super().__init__()
        self.text, self.font, self.size = text, font, size
        self.width = size * 1.3
        self.height = pdfmetrics.stringWidth(text, font, size) + 2

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(self.size, 0)
        self.canv.rotate(90)
        self.canv.setFont(self.font, self.size)
        self.canv.drawString(0, 0, self.text)
        self.canv.restoreState()


class _ArrowShape(Flowable):
    """An arrow drawn as a filled triangle, not as text."""

    def __init__(self, up: bool) -> None:
        super().__init__()
        self.up = up
        self.width = self.height = 8

    def draw(self) -> None:
        path = self.canv.beginPath()
        if self.up:
            path.moveTo(0, 0), path.lineTo(8, 0), path.lineTo(4, 8)
        else:
            path.moveTo(0, 8), path.lineTo(8, 8), path.lineTo(4, 0)
        path.close()
        self.canv.drawPath(path, fill=1, stroke=0)


def _arrow_cell(glyph: str, options: Options, style: ParagraphStyle) -> object:
    if glyph not in ARROWS:
        return Paragraph(escape(glyph), style)
    if options.arrows == "pua":
        return Paragraph(f'<font name="PuaArrows">{chr(ARROWS[glyph])}</font>', style)
    if options.arrows == "wingdings":
        return Paragraph(f'<font name="Wingdings">{chr(ARROWS[glyph] - 0xF000)}</font>', style)
    if options.arrows == "symbol":
        return Paragraph(f'<font name="Symbol">{glyph}</font>', style)
    if options.arrows == "zapf":  # heavy NE, right and SE dingbat arrows
        dingbat = {"↑": "\u279a", "→": "\u2794", "↓": "\u2798"}[glyph]
        return Paragraph(f'<font name="ZapfDingbats">{dingbat}</font>', style)
    if options.arrows == "heavy":  # Unicode's heavy arrows in a text font
        return Paragraph({"↑": "⬆", "→": "➡", "↓": "⬇"}[glyph], style)
    if options.arrows == "shape":
        return _ArrowShape(up=glyph == "↑")
    if options.arrows == "image":
        return _arrow_image(glyph)
    return Paragraph(glyph, style)


def _arrow_image(glyph: str) -> Flowable:
    """An arrow as a small picture, as some reports paste them."""
    from PIL import Image as PILImage
    from PIL import ImageDraw
    from reportlab.platypus import Image

    picture = PILImage.new("RGB", (16, 16), "white")
    points = {
        "↑": [(2, 14), (14, 14), (8, 2)],
        "↓": [(2, 2), (14, 2), (8, 14)],
        "→": [(2, 2), (2, 14), (14, 8)],
    }[glyph]
    ImageDraw.Draw(picture).polygon(points, fill="black")
    png = io.BytesIO()
    picture.save(png, format="PNG")
    png.seek(0)
    return Image(png, width=8, height=8)


def _table(
    block: Table, options: Options, body: ParagraphStyle, bold: ParagraphStyle, width: float
) -> RLTable:
    data: list[list[object]] = [
        [
            _Sideways(h, "Body-Bold", bold.fontSize)
            if options.sideways_headers and c in (block.rag_col, block.dir_col)
            else Paragraph(escape(h), bold)
            for c, h in enumerate(block.header)
        ]
    ]
    style = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    if options.ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        # reportlab leaves out the rule under a repeated header above a split row's rest
        style.append(("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black))
    style.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.9, 1.0)))
    for r, row in enumerate(block.rows, start=1):
        cells: list[object] = []
        for c, text in enumerate(row):
            if c == block.rag_col and text.strip().upper() in ("R", "A", "G"):
                name = {"R": "red", "A": "amber", "G": "green"}[text.strip().upper()]
                name = options.rag_colours.get(r - 1, name)
                colour = (
                    colors.CMYKColor(*CMYK[name])
                    if options.colour_space == "cmyk"
                    else colors.Color(*RGB[name])
                )
                if options.rag == "dot":
                    cells.append(_Dot(colour))
                    continue
                if options.rag in ("colour", "both"):
                    style.append(("BACKGROUND", (c, r), (c, r), colour))
                cells.append(Paragraph("" if options.rag == "colour" else escape(text), body))
            elif c == block.dir_col:
                cells.append(_arrow_cell(text.strip(), options, body))
            else:
                cells.append(Paragraph(escape(text), body))
        data.append(cells)
    widths = block.widths or _widths(len(block.header), width, block)
    return RLTable(
        data,
        colWidths=widths,
        repeatRows=1,
        style=TableStyle(style),
        splitInRow=1 if options.split_rows else 0,
        hAlign="LEFT",
    )


def _widths(columns: int, width: float, block: Table) -> list[float]:
    narrow = {block.rag_col, block.dir_col}
    fixed = {0: 16 * mm}
    for c in range(columns):
        if c in narrow:
            fixed[c] = 24 * mm
    milestone = [c for c in range(columns) if c not in fixed and c != 1]
    for c in milestone:
        fixed[c] = 34 * mm
    rest = width - sum(fixed.values())
    return [fixed.get(c, rest) for c in range(columns)]


def render(blocks: Iterable[Para | Table | NewPage], options: Options | None = None) -> bytes:
    """The blocks as a landscape report PDF."""
    options = options or Options()
    _register_fonts()
    size = options.font_size
    body = ParagraphStyle("body", fontName="Body", fontSize=size, leading=size * 1.2)
    para = ParagraphStyle("para", parent=body, spaceAfter=size * 0.9 * options.para_gap)
    heading = ParagraphStyle(
        "heading",
        fontName="Body-Bold",
        fontSize=size + 1.5,
        leading=(size + 1.5) * 1.2,
        spaceBefore=4,
        spaceAfter=size * 0.9,
    )
    bold = ParagraphStyle("bold", fontName="Body-Bold", fontSize=size, leading=size * 1.2)
    out = io.BytesIO()
    page_size = landscape(A4)
    doc = SimpleDocTemplate(
        out,
        pagesize=page_size,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=options.title,
        encrypt=options.encrypt,
    )
    story: list[Flowable] = []
    for block in blocks:
        if isinstance(block, Para):
            story.append(Paragraph(escape(block.text), heading if block.heading else para))
        elif isinstance(block, NewPage):
            story.append(PageBreak())
        else:
            story.append(_table(block, options, body, bold, doc.width))
            story.append(Spacer(1, size))

    def furniture(canvas: object, document: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        number = canvas.getPageNumber()  # type: ignore[attr-defined]
        if options.watermark:
            canvas.saveState()  # type: ignore[attr-defined]
            canvas.setFillColorRGB(0.85, 0.85, 0.85)  # type: ignore[attr-defined]
            canvas.setFont("Body-Bold", 90)  # type: ignore[attr-defined]
            canvas.translate(page_size[0] / 3, page_size[1] / 4)  # type: ignore[attr-defined]
            canvas.rotate(30)  # type: ignore[attr-defined]
            canvas.drawString(0, 0, options.watermark)  # type: ignore[attr-defined]
            canvas.restoreState()  # type: ignore[attr-defined]
        canvas.setFont("Body", 8)  # type: ignore[attr-defined]
        if options.running_header:
            canvas.drawString(15 * mm, page_size[1] - 10 * mm, options.running_header)  # type: ignore[attr-defined]
        canvas.drawRightString(page_size[0] - 15 * mm, 8 * mm, f"Page {number}")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    data = out.getvalue()
    for at in sorted(options.scanned_pages):
        data = insert_scanned_page(data, at)
    return data


def insert_scanned_page(data: bytes, at: int) -> bytes:
    """The PDF with a page holding only an image of text (no text layer) inserted so that it
    becomes page ``at`` (1-based), as a scanner would leave it."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    page_size = landscape(A4)
    image = Image.new("RGB", (842, 595), "white")
    draw = ImageDraw.Draw(image)
    for i in range(20):
        draw.text((40, 40 + 25 * i), f"Scanned line {i} of a page with no text layer", fill="black")
    scan = io.BytesIO()
    canvas = Canvas(scan, pagesize=page_size)
    canvas.drawImage(ImageReader(image), 0, 0, width=page_size[0], height=page_size[1])
    canvas.showPage()
    canvas.save()
    target = pdfium.PdfDocument(data)
    source = pdfium.PdfDocument(scan.getvalue())
    target.import_pages(source, index=at - 1)
    out = io.BytesIO()
    target.save(out)
    source.close()
    target.close()
    return out.getvalue()


def blocks_from_tabbed(text: str) -> list[Para | Table]:
    """Blocks from a tab-separated text report: runs of tabbed lines are tables (the first
    row the header), other lines paragraphs; structural lines become headings."""
    from ragtrack.extract.structure import LineKind, classify_line

    blocks: list[Para | Table] = []
    table: Table | None = None
    for raw in text.splitlines():
        line = raw.strip(" \ufeff")
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if (
                table is None
                or len(cells) != len(table.header)
                or classify_line(line).kind is LineKind.TABLE_HEADER
            ):
                table = Table(cells, [])
                lowered = [c.casefold() for c in cells]
                table.rag_col = next(
                    (i for i, c in enumerate(lowered) if c.startswith("rag")), None
                )
                table.dir_col = next((i for i, c in enumerate(lowered) if "direction" in c), None)
                blocks.append(table)
            else:
                table.rows.append(cells)
            continue
        table = None
        if line.strip():
            kind = classify_line(line).kind
            blocks.append(Para(line.strip(), heading=kind not in (LineKind.TEXT,)))
    return blocks


_COMMENTARY_HEADINGS = {
    "progress": "Commentary for areas of progress:",
    "improvement": "Commentary for areas for improvement and detail of ongoing action:",
    "risk": "Commentary for Risk updates:",
    "finance": "Commentary for Finance updates:",
}
_DIRECTION_HEADER = "Direction of travel since last report (improving/ sustained/ declining)"


def blocks_from_parsed(parsed: object) -> list[Para | Table]:
    """Blocks laid out the way a progress report PDF prints them, from parsed rows: for each
    run of rows or commentary under one outcome and supporting outcome, the headings, then a
    ruled table or the commentary sections, in the order the text gave them."""
    from ragtrack.records import CommentaryRecord, ItemRecord, ParsedDocument

    assert isinstance(parsed, ParsedDocument)
    doc = parsed.document
    if doc.doc_type == "delivery_plan":
        return _plan_blocks(parsed)
    year = doc.plan_year or ""
    blocks: list[Para | Table] = []
    if doc.title:
        blocks.append(Para(doc.title, heading=True))
    if doc.period_end:
        day = doc.period_end
        blocks.append(Para(f"(Progress to {day.day} {day:%B %Y} - Quarter {doc.quarter})"))
    records: list[ItemRecord | CommentaryRecord] = sorted(
        [*parsed.items, *parsed.commentary], key=lambda r: r.line_start
    )
    context: tuple[object, ...] | None = None
    table: Table | None = None
    category: str | None = None
    for record in records:
        measures = (
            record.section == "measures"
            if isinstance(record, ItemRecord)
            else record.supporting_outcome is None
        )
        key = (
            record.outcome_number,
            record.outcome,
            record.supporting_outcome,
            measures,
            isinstance(record, ItemRecord),
        )
        if key != context:
            context, table, category = key, None, None
            blocks.append(Para(f"Delivery of Council Plan Delivery Plan: {year}", heading=True))
            if not measures:
                blocks.append(Para("Key Action Updates", heading=True))
            number = record.outcome_number
            outcome = record.outcome or ""
            blocks.append(Para(f"OUTCOME {number}: {outcome}" if number else outcome, heading=True))
            if measures:
                blocks.append(Para("Key Outcome Indicators", heading=True))
            if record.supporting_outcome:
                blocks.append(
                    Para(f"Supporting outcome: {record.supporting_outcome}", heading=True)
                )
        if isinstance(record, ItemRecord):
            if table is None:
                header = ["Ref", f"{'Measure' if measures else 'Action'} for {year}"]
                if not measures:
                    header.append("Milestone")
                header += ["RAG (against target)", _DIRECTION_HEADER]
                table = Table(header, [], rag_col=len(header) - 2, dir_col=len(header) - 1)
                blocks.append(table)
            letter = {"red": "R", "amber": "A", "green": "G"}.get(record.rag or "", "")
            row = [record.ref or "", record.text]
            if not measures:
                row.append(record.milestone or "")
            row += [letter, record.direction_raw or ""]
            table.rows.append(row)
            continue
        if record.category != category:
            category = record.category
            blocks.append(Para(_COMMENTARY_HEADINGS[category], heading=True))
        if record.text:
            blocks.append(Para(record.text))
    return blocks


def _plan_blocks(parsed: object) -> list[Para | Table]:
    """A delivery plan as its PDF prints it: per outcome and supporting outcome, a table of
    the year's actions (milestone, responsible officers), the actions planned for later years
    and the outcome's measures, each under its section heading."""
    from ragtrack.records import ParsedDocument

    assert isinstance(parsed, ParsedDocument)
    doc = parsed.document
    year = doc.plan_year or ""
    blocks: list[Para | Table] = []
    if doc.title:
        blocks.append(Para(doc.title, heading=True))
    if doc.council:
        blocks.append(Para(doc.council, heading=True))
    if year:
        blocks.append(Para(f"Council Plan Delivery Plan {year}", heading=True))
    context: tuple[object, ...] | None = None
    table: Table | None = None
    for item in sorted(parsed.items, key=lambda i: i.line_start):
        key = (item.outcome_number, item.outcome, item.supporting_outcome, item.section)
        if key != context:
            context, table = key, None
            number = item.outcome_number
            blocks.append(
                Para(
                    f"Outcome {number}: {item.outcome or ''}" if number else item.outcome or "",
                    heading=True,
                )
            )
            if item.supporting_outcome:
                blocks.append(Para(f"Supporting Outcome: {item.supporting_outcome}", heading=True))
            if item.kind == "measure":
                blocks.append(
                    Para(f"How we will measure progress against this outcome {year}", heading=True)
                )
            elif item.section.startswith("planned_actions_years_"):
                years = item.section.removeprefix("planned_actions_years_").replace("_", "-")
                blocks.append(Para(f"Actions Planned for Years {years}", heading=True))
            else:
                blocks.append(Para(f"Year 2 Actions and Milestones ({year})", heading=True))
        if table is None:
            header = ["Ref", "Measure" if item.kind == "measure" else "Action"]
            has_milestone = any(
                i.milestone
                for i in parsed.items
                if (i.outcome_number, i.outcome, i.supporting_outcome, i.section) == key
            )
            if has_milestone:
                header.append("Milestone")
            if item.kind != "measure":
                header.append("Assistant Director(s) Responsible for Delivery")
            table = Table(header, [])
            blocks.append(table)
        row = [item.ref or "", item.text]
        if "Milestone" in table.header:
            row.append(item.milestone or "")
        if item.kind != "measure":
            row.append(item.responsible or "")
        table.rows.append(row)
    return blocks


def rotate_pages(data: bytes, rotation: int = 90) -> bytes:
    """The same PDF with each landscape page stored as a portrait page turned by /Rotate
    90 or 270 (its content turned the other way), as some tools write landscape reports."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(data)
    for index in range(len(doc)):
        page = doc[index]
        width, height = page.get_size()
        if rotation == 90:
            turn = raw.FS_MATRIX(0, 1, -1, 0, height, 0)  # (x, y) -> (height - y, x)
        else:
            turn = raw.FS_MATRIX(0, -1, 1, 0, 0, width)  # (x, y) -> (y, width - x)
        raw.FPDFPage_TransFormWithClip(page.raw, ctypes.byref(turn), None)
        page.set_mediabox(0, 0, height, width)
        page.set_rotation(rotation)
        page.close()
    out = io.BytesIO()
    doc.save(out)
    doc.close()
    return out.getvalue()


def render_wordlike(
    header: list[str], rows: list[list[str]], *, rag_col: int, fills: dict[int, str] | None = None
) -> bytes:
    """One table drawn the way word processors write PDFs, not the way reportlab's platypus
    does: cell borders as thin filled rectangles, every word placed on its own with no space
    characters, text set at ``1 Tf`` and scaled by the text matrix, header row shaded."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts()
    size, leading, pad = 9.0, 11.0, 3.0
    widths = [40.0, 420.0, 90.0, 60.0, 120.0][: len(header)]
    page_w, page_h = landscape(A4)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(page_w, page_h))
    top = page_h - 60
    x_left = 40.0

    def words_at(x: float, baseline: float, line: str, font: str) -> None:
        text = canvas.beginText()
        text.setFont(font, 1)
        cursor = x
        for word in line.split():
            text.setTextTransform(size, 0, 0, size, cursor, baseline)
            text.textOut(word)
            cursor += pdfmetrics.stringWidth(word + " ", font, size)
        canvas.drawText(text)

    for r, cells in enumerate([header, *rows]):
        font = "Body-Bold" if r == 0 else "Body"
        wrapped = [
            simpleSplit(cell, font, size, w - 2 * pad) or [""]
            for cell, w in zip(cells, widths, strict=True)
        ]
        height = max(len(lines) for lines in wrapped) * leading + 2 * pad
        bottom = top - height
        x = x_left
        for c, (lines, w) in enumerate(zip(wrapped, widths, strict=True)):
            colour = None
            if r == 0:
                colour = (0.85, 0.85, 0.85)
            elif c == rag_col and fills and (r - 1) in fills:
                colour = RGB[fills[r - 1]]
            if colour:
                canvas.setFillColorRGB(*colour)
                canvas.rect(x, bottom, w, height, stroke=0, fill=1)
            canvas.setFillColorRGB(0, 0, 0)
            for i, line in enumerate(lines):
                words_at(x + pad, top - pad - size - i * leading, line, font)
            x += w
        # borders: thin filled rectangles, one per cell edge
        x = x_left
        for w in widths:
            canvas.rect(x, top - 0.25, w, 0.5, stroke=0, fill=1)
            canvas.rect(x, bottom - 0.25, w, 0.5, stroke=0, fill=1)
            canvas.rect(x - 0.25, bottom, 0.5, height, stroke=0, fill=1)
            x += w
        canvas.rect(x - 0.25, bottom, 0.5, height, stroke=0, fill=1)
        top = bottom
    canvas.showPage()
    canvas.save()
    return out.getvalue()
