"""The one small page interface every PDF backend fills in.

Rows, tables and paragraphs are built from these few primitives only, so two backends that
read the same PDF give the same rows. Coordinates are PDF points with the origin at the top
left of the page (``top`` grows downwards), whatever the backend uses internally.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol


class Char(NamedTuple):
    """One visible character as drawn: its text (arrows already mapped), font name and box.
    Spaces are not kept: words are told apart by the gaps between glyphs.

    ``baseline`` is where the glyph sits; ``height`` is about the font size. Lines are grouped
    on baselines, which all backends agree on, rather than on glyph boxes, which they do not.
    A named tuple, because pages hold thousands and building them is the hot path.
    """

    text: str
    font: str
    x0: float
    x1: float
    baseline: float
    height: float
    #: False for text set at an angle: its x0, x1 and baseline are then measured along its
    #: own direction (so it groups into words and lines like level text) and (cx, cy) is
    #: where it sits on the page
    upright: bool = True
    cx: float = 0.0
    cy: float = 0.0


Matrix = tuple[float, float, float, float, float, float]


def page_view(rotation: int, width: float, height: float) -> Matrix:
    """From PDF user space (y up, unrotated) to the page as displayed (y down, /Rotate
    applied); ``width`` and ``height`` are the unrotated page size."""
    if rotation == 90:
        return (0.0, 1.0, 1.0, 0.0, 0.0, 0.0)
    if rotation == 180:
        return (-1.0, 0.0, 0.0, 1.0, width, 0.0)
    if rotation == 270:
        return (0.0, -1.0, -1.0, 0.0, height, width)
    return (1.0, 0.0, 0.0, -1.0, 0.0, height)


def text_direction(a: float, b: float, view: Matrix) -> tuple[float, float]:
    """The unit vector, on the displayed page, along which text with matrix ``(a, b, ...)``
    in user space runs."""
    va, vb, vc, vd, _, _ = view
    x, y = va * a + vc * b, vb * a + vd * b
    length = math.hypot(x, y) or 1.0
    return x / length, y / length


def is_level(direction: tuple[float, float]) -> bool:
    return direction[0] > 0.999


def is_diagonal(direction: tuple[float, float]) -> bool:
    """Text running neither along nor across the page: a watermark or a stamp."""
    return abs(direction[0]) > 0.02 and abs(direction[1]) > 0.02


def turned_char(
    text: str,
    font: str,
    corners: list[tuple[float, float]],
    direction: tuple[float, float],
    height: float,
) -> Char:
    """A character set at an angle, measured along its own direction."""
    ux, uy = direction
    along = [ux * x + uy * y for x, y in corners]
    cx = sum(x for x, _ in corners) / len(corners)
    cy = sum(y for _, y in corners) / len(corners)
    return Char(
        text, font, min(along), max(along), -uy * cx + ux * cy + 0.3 * height, height, False, cx, cy
    )


@dataclass(frozen=True, slots=True)
class Fill:
    """A filled rectangle and its fill colour as RGB in 0..1 (grey and CMYK converted)."""

    x0: float
    top: float
    x1: float
    bottom: float
    rgb: tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal or vertical ruling segment (a drawn line, a thin rectangle or a box edge)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass(frozen=True, slots=True)
class Box:
    """The bounding box of something drawn that is not text, a rule or a filled rectangle
    (a curve, a polygon, an image): an arrow may be drawn this way."""

    x0: float
    top: float
    x1: float
    bottom: float
    kind: str  # "shape" | "image"
    #: fill colour of a filled shape (a RAG dot), as RGB in 0..1
    rgb: tuple[float, float, float] | None = None


@dataclass(slots=True)
class PageContent:
    """What one page holds, as far as rows and paragraphs need."""

    number: int
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    #: characters the PDF gives no Unicode for (``(cid:N)``, U+FFFD, NUL)
    unmapped: int = 0
    #: text set diagonally (watermarks, stamps), left out of the page
    diagonal: list[str] = field(default_factory=list)


class PdfPages(Protocol):
    """An open PDF: how many pages, and each page's content in order."""

    page_count: int

    def pages(self) -> Iterator[PageContent]: ...

    def close(self) -> None: ...


#: Filled rectangles thinner than this (points) are rulings, not cell backgrounds.
THIN = 2.0


def rect_parts(
    x0: float,
    top: float,
    x1: float,
    bottom: float,
    *,
    filled: bool,
    stroked: bool,
    rgb: tuple[float, float, float] | None,
) -> tuple[Fill | None, list[Rule]]:
    """Split a drawn rectangle into a fill and ruling segments, the same way for every
    backend: a thin filled rectangle is a rule, a stroked one contributes its four edges."""
    rules: list[Rule] = []
    fill: Fill | None = None
    width, height = x1 - x0, bottom - top
    if filled and (width <= THIN or height <= THIN):
        rules.append(Rule(x0, top, x1, bottom))
        return None, rules
    if filled and rgb is not None:
        fill = Fill(x0, top, x1, bottom, rgb)
    if stroked:
        rules += [
            Rule(x0, top, x1, top),
            Rule(x0, bottom, x1, bottom),
            Rule(x0, top, x0, bottom),
            Rule(x1, top, x1, bottom),
        ]
    return fill, rules


def colour_to_rgb(
    values: tuple[float, ...] | list[float] | float | None,
) -> tuple[float, float, float] | None:
    """Grey (1 value), RGB (3) or CMYK (4) components in 0..1 -> RGB; anything else None."""
    if values is None:
        return None
    if isinstance(values, int | float):
        values = (float(values),)
    try:
        comps = [float(v) for v in values]
    except (TypeError, ValueError):
        return None  # a pattern or a named colour space we cannot read
    if len(comps) == 1:
        g = comps[0]
        return (g, g, g)
    if len(comps) == 3:
        return (comps[0], comps[1], comps[2])
    if len(comps) == 4:
        c, m, y, k = comps
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None
