"""The fast backend: pypdfium2's raw PDFium API, reading only what rows need.

Per character it asks PDFium for the char's text object (which gives font, size and baseline
once per object, cached) and its loose box; page text comes in one call. The characters of
one glyph (a ligature) are joined into one, and each glyph is measured by its advance box,
as pdfminer measures it (:mod:`~ragtrack.extract.pdf.pdfium_chars` says why and how). Paths
and images come from the page objects. Nothing else is computed.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ragtrack.errors import InputError
from ragtrack.extract.pdf.glyphs import map_glyph
from ragtrack.extract.pdf.page import (
    Box,
    Char,
    Matrix,
    PageContent,
    Rule,
    is_diagonal,
    is_level,
    page_view,
    rect_parts,
    text_direction,
    turned_char,
)
from ragtrack.extract.pdf.pdfium_chars import (
    GET_LOOSE_BOX,
    GET_TEXT_OBJECT,
    FontWidths,
    Glyph,
    GlyphReader,
    advance_span,
)

_UNMAPPED = {"\ufffd", "\x00", "\ufffe"}


_Matrix = Matrix
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class _ObjectInfo:
    """What the glyphs of one text object share."""

    font: str
    font_handle: int
    baseline: float
    #: font size as printed (the Tf size scaled by the text matrix), what pdfminer reports
    size: float
    #: user-space length of one em along the text: font widths per em times this
    advance: float
    #: a symbol font whose glyphs are mapped by code
    symbolic: bool
    #: the direction the text runs on the displayed page, and whether that is level
    direction: tuple[float, float]
    level: bool
    #: the text runs along user-space x, so advance boxes can be measured along x
    along_x: bool


#: A glyph as first read, a list (a ligature's characters are added to its text): text,
#: text object, loose box left, right, bottom and top, index of its last character, and
#: the :class:`_ObjectInfo` of its text object. Lists, not objects: pages hold thousands.
_RawGlyph = list[Any]


def _page_text(tp: raw.FPDF_TEXTPAGE, count: int) -> str:
    """The page's characters, one per char index, in one call when PDFium allows."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(tp, 0, count, buffer)
    text = bytes(buffer)[: 2 * count].decode("utf-16-le", errors="replace")
    if written != count + 1 or len(text) != count:
        # PDFium leaves out NULs (unmapped glyphs) and writes surrogate pairs, so the
        # text no longer lines up with char indexes: ask char by char instead
        text = "".join(chr(raw.FPDFText_GetUnicode(tp, i)) for i in range(count))
    return text


def _mul(m: _Matrix, n: _Matrix) -> _Matrix:
    """``m`` then ``n`` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _why_unreadable(data: bytes, name: str) -> InputError:
    """The error for a PDF that PDFium will not load. PDFium's reason cannot be trusted: its
    last-error code is left over from an earlier file when a load fails without setting one
    (an empty page tree after an encrypted file read as "incorrect password"). So encryption
    is told from the file's /Encrypt entry, and otherwise pdfplumber says what is wrong."""
    if b"/Encrypt" in data:
        return InputError("encrypted PDF (a password is needed to open it)", file=name)
    from ragtrack.extract.pdf.plumber_backend import PlumberPages

    try:
        fallback = PlumberPages(data, name)
    except InputError as err:
        return err
    pages = fallback.page_count
    fallback.close()
    if pages <= 0:
        return InputError("PDF has no pages", file=name)
    return InputError("not a readable PDF (PDFium cannot load it)", file=name)


class PdfiumPages:
    """An open PDF read through PDFium."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self._doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            raise _why_unreadable(data, name) from None
        self.page_count = len(self._doc)

    def close(self) -> None:
        self._doc.close()

    def pages(self) -> Iterator[PageContent]:
        for index in range(self.page_count):
            try:
                page = self._doc[index]
            except pdfium.PdfiumError as err:
                raise InputError(
                    f"page cannot be read ({err})", file=self.name, page=index + 1
                ) from None
            try:
                yield self._read_page(page, index + 1)
            finally:
                page.close()

    def _read_page(self, page: pdfium.PdfPage, number: int) -> PageContent:
        width, height = page.get_size()  # as displayed, /Rotate applied
        rotation = page.get_rotation() % 360
        if rotation in (90, 270):
            view = page_view(rotation, height, width)
        else:
            view = page_view(rotation, width, height)
        content = PageContent(number=number, width=width, height=height)
        textpage = page.get_textpage()
        try:
            self._read_chars(textpage.raw, view, rotation != 0, content)
        finally:
            textpage.close()
        self._read_objects(page.raw, view, content)
        return content

    # -- characters ------------------------------------------------------------------------

    def _read_chars(
        self, tp: raw.FPDF_TEXTPAGE, view: _Matrix, rotated: bool, content: PageContent
    ) -> None:
        count = raw.FPDFText_CountChars(tp)
        if count <= 0:
            return
        text = _page_text(tp, count)
        objects: dict[int, _ObjectInfo] = {}
        reader = GlyphReader(ctypes.cast(tp, ctypes.c_void_p).value or 0, count)
        get_object, get_box, handle = GET_TEXT_OBJECT, GET_LOOSE_BOX, reader.handle
        rect, rect_address = reader.rect, reader.rect_address
        glyphs: list[_RawGlyph] = []
        last: _RawGlyph = [None, 0, 0.0, 0.0, 0.0]
        unmapped = 0
        for i in range(count):
            ch = text[i]
            if ch.isspace():
                continue  # words are told apart by the gaps between glyphs
            key = get_object(handle, i)
            if not key:
                continue  # generated by PDFium (a guessed space or line break)
            info = objects.get(key)
            if info is None:
                info = objects[key] = self._object_info(tp, i, key, view)
            if ch in _UNMAPPED:
                unmapped += 1
                continue  # no Unicode for this glyph: counted, never printed
            if info.symbolic or ord(ch) >= 0x80:
                ch = map_glyph(ch, info.font)
            get_box(handle, i, rect_address)
            left, right, bottom = rect.left, rect.right, rect.bottom
            if last[1] == key and last[2] == left and last[3] == right and last[4] == bottom:
                # PDFium gives every character of one glyph standing for several (a
                # ligature) the same text object and box: they are one glyph
                last[0] += ch
                last[6] = i
                continue
            last = [ch, key, left, right, bottom, rect.top, i, info]
            glyphs.append(last)
        content.unmapped += unmapped
        self._add_glyphs(glyphs, reader, view, not rotated, content)

    @classmethod
    def _add_glyphs(
        cls,
        glyphs: list[_RawGlyph],
        reader: GlyphReader,
        view: _Matrix,
        level_page: bool,
        content: PageContent,
    ) -> None:
        """The glyphs as :class:`Char` in display space, measured by their advance boxes."""
        widths = FontWidths()
        cache, em_width = widths.cache, widths.em_width
        append = content.chars.append
        new_tuple = tuple.__new__
        for text, key, left, right, bottom, top, index, info in glyphs:
            em = None
            if info.along_x:
                em = cache.get((info.font_handle, text), -1.0)
                if em == -1.0:
                    em = em_width(info.font_handle, text)
            exact = em is not None and abs(right - left - em * info.advance) < 0.01
            if exact and level_page and info.level:
                # the hot path: the loose box is as wide as the advance, so it is the advance
                # box; the tuple is built without Char.__new__
                args = (text, info.font, left, right, info.baseline, info.size)
                append(new_tuple(Char, (*args, True, 0.0, 0.0)))
                continue
            glyph = Glyph(text, key, None, None, left, right, bottom, top, last_index=index)
            cls._add_glyph(glyph, info, reader, em, view, level_page, content)

    @staticmethod
    def _add_glyph(
        glyph: Glyph,
        info: _ObjectInfo,
        reader: GlyphReader,
        em: float | None,
        view: _Matrix,
        level_page: bool,
        content: PageContent,
    ) -> None:
        """One glyph as a :class:`Char` in display space, measured by its advance box."""
        left, right = glyph.left, glyph.right
        if info.along_x:
            reader.locate(glyph)
            left, right = advance_span(glyph, None if em is None else em * info.advance)
        ch, font, size = glyph.text, info.font, info.size
        if level_page and info.level:
            content.chars.append(Char(ch, font, left, right, info.baseline, size))
            return
        # the box in display space: turn its corners with the page
        corners = [_apply(view, x, y) for x in (left, right) for y in (glyph.bottom, glyph.top)]
        if info.level:
            xs = [x for x, _ in corners]
            content.chars.append(Char(ch, font, min(xs), max(xs), info.baseline, size))
        elif is_diagonal(info.direction):
            content.diagonal.append(ch)
        else:
            content.chars.append(turned_char(ch, font, corners, info.direction, size))

    @staticmethod
    def _object_info(tp: raw.FPDF_TEXTPAGE, index: int, handle: int, view: _Matrix) -> _ObjectInfo:
        """What every glyph of one text object (a run of text in one font on one baseline)
        shares, read once."""
        obj = ctypes.cast(handle, raw.FPDF_PAGEOBJECT)
        font_handle = raw.FPDFTextObj_GetFont(obj)
        name = ""
        if font_handle:
            buf = ctypes.create_string_buffer(256)
            length = raw.FPDFFont_GetBaseFontName(font_handle, buf, 256)
            name = buf.raw[: max(0, length - 1)].decode("latin-1", errors="replace")
        x, y = ctypes.c_double(), ctypes.c_double()
        raw.FPDFText_GetCharOrigin(tp, index, ctypes.byref(x), ctypes.byref(y))
        size = ctypes.c_float()
        raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
        # the size set by Tf is scaled by the text matrix (``1 Tf`` with ``10 0 0 10 Tm``
        # prints 10-point text), which is what pdfminer reports
        a, b, c, d, _, _ = _matrix(obj)
        direction = text_direction(a, b, view)
        return _ObjectInfo(
            font=name,
            font_handle=ctypes.cast(font_handle, ctypes.c_void_p).value or 0,
            baseline=_apply(view, x.value, y.value)[1],
            size=float(size.value) * math.hypot(c, d),
            advance=float(size.value) * math.hypot(a, b),
            symbolic="wingdings" in name.casefold(),
            direction=direction,
            level=is_level(direction),
            along_x=a > 0 and abs(b) <= 1e-6 * a,
        )

    # -- paths and images ------------------------------------------------------------------

    def _read_objects(self, page: raw.FPDF_PAGE, view: _Matrix, content: PageContent) -> None:
        for i in range(raw.FPDFPage_CountObjects(page)):
            self._read_object(raw.FPDFPage_GetObject(page, i), view, content)

    def _read_object(self, obj: raw.FPDF_PAGEOBJECT, outer: _Matrix, content: PageContent) -> None:
        """One page object; ``outer`` takes its coordinates to the page's display space."""
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_PATH:
            self._read_path(obj, outer, content)
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            x0, top, x1, bottom = _bounds(obj, outer)
            content.boxes.append(Box(x0, top, x1, bottom, "image"))
        elif kind == raw.FPDF_PAGEOBJ_FORM:
            matrix = _mul(_matrix(obj), outer)
            for j in range(raw.FPDFFormObj_CountObjects(obj)):
                self._read_object(raw.FPDFFormObj_GetObject(obj, j), matrix, content)

    def _read_path(self, obj: raw.FPDF_PAGEOBJECT, outer: _Matrix, content: PageContent) -> None:
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke))
        filled = fill_mode.value != raw.FPDF_FILLMODE_NONE
        stroked = bool(stroke.value)
        if not filled and not stroked:
            return
        rgb = None
        if filled:
            r, g, b, a = (ctypes.c_uint() for _ in range(4))
            if raw.FPDFPageObj_GetFillColor(
                obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)
            ):
                rgb = (r.value / 255, g.value / 255, b.value / 255)
        matrix = _mul(_matrix(obj), outer)
        for points, curved in _subpaths(obj):
            pts = [_apply(matrix, x, y) for x, y in points]
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
            if not curved and _is_rect(pts, x0, x1, top, bottom):
                fill, rules = rect_parts(
                    x0, top, x1, bottom, filled=filled, stroked=stroked, rgb=rgb
                )
                if fill:
                    content.fills.append(fill)
                content.rules.extend(rules)
            elif not curved and len(pts) == 2 and stroked and (x0 == x1 or top == bottom):
                content.rules.append(Rule(x0, top, x1, bottom))
            elif x1 - x0 > 0 or bottom - top > 0:
                content.boxes.append(Box(x0, top, x1, bottom, "shape", rgb))


def _matrix(obj: raw.FPDF_PAGEOBJECT) -> _Matrix:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (round(a * x + c * y + e, 3), round(b * x + d * y + f, 3))


def _bounds(obj: raw.FPDF_PAGEOBJECT, outer: _Matrix) -> tuple[float, float, float, float]:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(
        obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    )
    corners = [
        _apply(outer, x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)
    ]
    xs = [p[0] for p in corners]
    ys = [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _subpaths(obj: raw.FPDF_PAGEOBJECT) -> Iterator[tuple[list[tuple[float, float]], bool]]:
    """Each subpath's points (in the path's own space) and whether it has curves."""
    points: list[tuple[float, float]] = []
    curved = False
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        kind = raw.FPDFPathSegment_GetType(seg)
        raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        if kind == raw.FPDF_SEGMENT_MOVETO and points:
            yield points, curved
            points, curved = [], False
        if kind == raw.FPDF_SEGMENT_BEZIERTO:
            curved = True
        points.append((x.value, y.value))
    if points:
        yield points, curved


def _is_rect(
    pts: list[tuple[float, float]], x0: float, x1: float, top: float, bottom: float
) -> bool:
    """Four or five points, all on the corners of their bounding box."""
    if len(pts) not in (4, 5) or x1 - x0 <= 0 or bottom - top <= 0:
        return False
    return all(
        (abs(px - x0) < 0.01 or abs(px - x1) < 0.01)
        and (abs(py - top) < 0.01 or abs(py - bottom) < 0.01)
        for px, py in pts
    )
