"""Characters to words and lines: one grouping used for cells, paragraphs and headers alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from ragtrack.extract.pdf.page import Char


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line: its words left to right, where it sits and how it is set."""

    words: tuple[Word, ...]
    baseline: float
    height: float
    bold: bool

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return self.baseline - self.height


#: Gap between two characters, as a share of the font size, that counts as a space.
_SPACE_GAP = 0.15
#: Baselines closer than this share of the font size are one line.
_SAME_LINE = 0.45
#: The same glyph again, less than this share of its width further on, is the same glyph
#: drawn twice (fake bold, a shadow), not a doubled letter, whose copy starts a whole
#: advance on. PDFium drops such a copy itself (up to 0.9 of a width); pdfminer keeps it.
_STRUCK_TWICE = 0.5


_BOLD: dict[str, bool] = {}
_BY_BASELINE = itemgetter(4, 2)  # Char.baseline, Char.x0
_BY_X = itemgetter(2)
_BASELINE = itemgetter(4)
_HEIGHT = itemgetter(5)


def _is_bold(font: str) -> bool:
    bold = _BOLD.get(font)
    if bold is None:
        lowered = font.casefold()
        bold = _BOLD[font] = "bold" in lowered or "black" in lowered or "heavy" in lowered
    return bold


def group_lines(chars: Iterable[Char]) -> list[TextLine]:
    """Group characters into lines (top to bottom) and each line into words (left to right)."""
    ordered = sorted(chars, key=_BY_BASELINE)
    lines: list[TextLine] = []
    current: list[Char] = []
    anchor = 0.0
    for ch in ordered:
        if current and ch.baseline - anchor > _SAME_LINE * (ch.height if ch.height > 1.0 else 1.0):
            line = _make_line(current)
            if line is not None:
                lines.append(line)
            current = []
        if not current:
            anchor = ch.baseline
        current.append(ch)
    if current:
        line = _make_line(current)
        if line is not None:
            lines.append(line)
    return lines


def _make_line(chars: list[Char]) -> TextLine | None:
    chars.sort(key=_BY_X)
    words: list[Word] = []
    parts: list[str] = []
    start = end = 0.0
    prev_text, prev_x0, prev_width = "", -1e9, 0.0
    height = max(map(_HEIGHT, chars))
    gap = _SPACE_GAP * (height if height > 1.0 else 1.0)
    fonts: dict[str, int] = {}
    for text, font, x0, x1, *_ in chars:
        if text == prev_text and abs(x0 - prev_x0) < max(_STRUCK_TWICE * prev_width, 0.5):
            continue  # the same glyph drawn twice (fake bold, shadows)
        if parts and x0 - end > gap:
            words.append(Word("".join(parts), start, end))
            parts = []
        if not parts:
            start = x0
            end = x1
        elif x1 > end:
            end = x1
        parts.append(text)
        prev_text, prev_x0, prev_width = text, x0, x1 - x0
        fonts[font] = fonts.get(font, 0) + 1
    if parts:
        words.append(Word("".join(parts), start, end))
    if not words:
        return None
    visible = sum(fonts.values())
    bold = sum(n for font, n in fonts.items() if _is_bold(font))
    baseline = max(map(_BASELINE, chars))
    return TextLine(tuple(words), baseline, height, bold * 2 > visible)
