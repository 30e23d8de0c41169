"""Characters to words and lines: one grouping used for cells, paragraphs and headers alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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


def _is_bold(font: str) -> bool:
    lowered = font.casefold()
    return "bold" in lowered or "black" in lowered or "heavy" in lowered


def group_lines(chars: Iterable[Char]) -> list[TextLine]:
    """Group characters into lines (top to bottom) and each line into words (left to right)."""
    ordered = sorted(chars, key=lambda c: (c.baseline, c.x0))
    clusters: list[list[Char]] = []
    current: list[Char] = []
    anchor = 0.0
    for ch in ordered:
        if current and ch.baseline - anchor > _SAME_LINE * max(ch.height, 1.0):
            clusters.append(current)
            current = []
        if not current:
            anchor = ch.baseline
        current.append(ch)
    if current:
        clusters.append(current)
    lines = []
    for cluster in clusters:
        line = _make_line(cluster)
        if line is not None:
            lines.append(line)
    return lines


def _make_line(chars: list[Char]) -> TextLine | None:
    chars.sort(key=lambda c: c.x0)
    words: list[Word] = []
    parts: list[str] = []
    start = end = 0.0
    previous: Char | None = None
    bold = 0
    visible = 0
    for ch in chars:
        if ch.text == " ":
            if parts:
                words.append(Word("".join(parts), start, end))
                parts = []
            previous = None
            continue
        if previous is not None and previous.text == ch.text and abs(previous.x0 - ch.x0) < 0.5:
            continue  # the same glyph drawn twice (fake bold, shadows)
        if parts and ch.x0 - end > _SPACE_GAP * max(ch.height, 1.0):
            words.append(Word("".join(parts), start, end))
            parts = []
        if not parts:
            start = ch.x0
        parts.append(ch.text)
        end = max(end, ch.x1) if len(parts) > 1 else ch.x1
        previous = ch
        visible += 1
        bold += _is_bold(ch.font)
    if parts:
        words.append(Word("".join(parts), start, end))
    if not words:
        return None
    baseline = max(c.baseline for c in chars)
    height = max(c.height for c in chars)
    return TextLine(tuple(words), baseline, height, bold * 2 > visible)
