"""PDFium's characters as drawn glyphs with advance boxes, the way pdfminer measures them.

Two things PDFium does differently from pdfminer, and what is done about them here:

- A glyph whose ToUnicode gives several characters (a ligature: one "ffi" glyph) becomes
  several PDFium characters with the same origin and box. Read one by one they looked like
  the same letter drawn twice (fake bold) and lost letters ("eficiency"). They are joined
  back into one glyph here, as pdfminer gives it.
- PDFium's "loose" box is the glyph's advance box united with its ink box. Where ink reaches
  past the advance (italic and bold-italic letters, ``f`` and ligatures above all) the boxes
  of neighbouring glyphs overlap the gap between words ("afordablefluent"); where a font has
  no usable ascent and descent PDFium gives the ink box alone, so narrow letters stand apart
  ("val i di ty"). Words are told apart by gaps between advance boxes, so the advance box is
  recovered: from the pen position (origin) to the advance's end, which is the loose box's
  right edge when that sticks out past the ink, and otherwise the font's width for the
  glyph (its characters' widths for a ligature), never past the ink nor past where the next
  character of the run (a space glyph, say) starts.
"""

from __future__ import annotations

import ctypes
import math
from _ctypes import CFuncPtr
from dataclasses import dataclass

import pypdfium2.raw as raw

#: Coordinates within this many points are the same position.
_SAME = 0.01


def _address(function: CFuncPtr) -> int:
    return ctypes.cast(function, ctypes.c_void_p).value or 0


# Own prototypes taking plain addresses: the stock bindings wrap every handle in a ctypes
# pointer object, which costs more than the call itself on pages of thousands of glyphs.
_VP = ctypes.c_void_p
GET_TEXT_OBJECT = ctypes.CFUNCTYPE(_VP, _VP, ctypes.c_int)(_address(raw.FPDFText_GetTextObject))
GET_LOOSE_BOX = ctypes.CFUNCTYPE(ctypes.c_int, _VP, ctypes.c_int, _VP)(
    _address(raw.FPDFText_GetLooseCharBox)
)
_GET_INK_BOX = ctypes.CFUNCTYPE(ctypes.c_int, _VP, ctypes.c_int, _VP, _VP, _VP, _VP)(
    _address(raw.FPDFText_GetCharBox)
)
_GET_ORIGIN = ctypes.CFUNCTYPE(ctypes.c_int, _VP, ctypes.c_int, _VP, _VP)(
    _address(raw.FPDFText_GetCharOrigin)
)


@dataclass(slots=True)
class Glyph:
    """One drawn glyph: its characters (several for a ligature), the text object it belongs
    to, and its box in PDF user space (``left``..``right`` along x, ``bottom``..``top``)."""

    text: str
    key: int
    #: the pen position; None until asked of PDFium
    origin_x: float | None
    origin_y: float | None
    #: PDFium's loose box: the advance box united with the ink box
    left: float
    right: float
    bottom: float
    top: float
    #: the ink box's left and right edges; NaN until asked of PDFium
    ink_left: float = math.nan
    ink_right: float = math.nan
    #: where the next character of the same text object starts, if further along the line
    #: (a space glyph after a word): the advance ends there or before, kerning aside
    next_origin: float | None = None
    #: PDFium's index of the glyph's last character
    last_index: int = -1


class GlyphReader:
    """Reads glyph boxes from one text page, reusing its buffers for every call."""

    def __init__(self, handle: int, count: int) -> None:
        self.handle = handle
        self.count = count
        self.rect = raw.FS_RECTF()
        self.rect_address = ctypes.addressof(self.rect)
        self._doubles = [ctypes.c_double() for _ in range(6)]
        self._addresses = [ctypes.addressof(d) for d in self._doubles]

    def _origin(self, index: int) -> tuple[float, float]:
        _GET_ORIGIN(self.handle, index, self._addresses[4], self._addresses[5])
        return self._doubles[4].value, self._doubles[5].value

    def locate(self, glyph: Glyph) -> None:
        """Ask PDFium for the glyph's ink box, its origin and where the next character of
        its text object starts: for glyphs whose loose box is not their advance box."""
        a = self._addresses
        _GET_INK_BOX(self.handle, glyph.last_index, a[0], a[1], a[2], a[3])
        glyph.ink_left, glyph.ink_right = self._doubles[0].value, self._doubles[1].value
        glyph.origin_x, glyph.origin_y = self._origin(glyph.last_index)
        following = glyph.last_index + 1
        if following >= self.count or GET_TEXT_OBJECT(self.handle, following) != glyph.key:
            return
        ox, oy = self._origin(following)
        if ox > glyph.origin_x + _SAME and abs(oy - glyph.origin_y) < _SAME:
            glyph.next_origin = ox


def advance_span(glyph: Glyph, width: float | None) -> tuple[float, float]:
    """The glyph's advance box along x: from its origin to where the next glyph would start.

    ``width`` is the font's advance for the glyph's characters (in user space), if known.
    Only for text that runs along user-space x; the caller checks that."""
    start = glyph.origin_x if glyph.origin_x is not None else glyph.left
    if glyph.right > glyph.ink_right + _SAME:
        return start, glyph.right  # the advance sticks out past the ink: it is the right edge
    advance_end = start + width if width is not None and width > 0 else None
    if glyph.left > start + _SAME:
        # the loose box does not reach back to the origin: PDFium gave the ink box alone
        # (a font with no usable ascent and descent), so the ink says nothing of the advance
        return start, advance_end or glyph.next_origin or glyph.ink_right
    end = glyph.ink_right  # the ink reaches past the advance: the advance ends before it
    if glyph.next_origin is not None and glyph.next_origin < end:
        end = glyph.next_origin
    if advance_end is not None and advance_end <= end + _SAME:
        end = advance_end
    return start, max(end, start)


class FontWidths:
    """Advance widths of characters in a font, per em, asked of PDFium once each."""

    def __init__(self) -> None:
        #: per (font, text): the width, or None when the font cannot say
        self.cache: dict[tuple[int, str], float | None] = {}
        self._width = ctypes.c_float()

    def em_width(self, font: int, text: str) -> float | None:
        """The advance of ``text`` drawn in ``font``, as a share of the font size; None when
        the font cannot say (a character it has no code for)."""
        known = self.cache.get((font, text), -1.0)
        if known != -1.0:
            return known
        total: float | None = 0.0
        for ch in text:
            width = self.cache.get((font, ch), -1.0)
            if width == -1.0:
                width = self.cache[font, ch] = self._ask(font, ch)
            if width is None or total is None:
                total = None
                break
            total += width
        self.cache[font, text] = total
        return total

    def _ask(self, font: int, ch: str) -> float | None:
        if not font:
            return None
        handle = ctypes.cast(font, raw.FPDF_FONT)
        if not raw.FPDFFont_GetGlyphWidth(handle, ord(ch), 1.0, ctypes.byref(self._width)):
            return None
        width = float(self._width.value)
        return width if width > 0 else None
