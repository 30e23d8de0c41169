"""RAG from a cell's fill colour: the nearest of red, amber and green, within a tolerance.

Fills arrive as RGB in 0..1 (backends convert grey and CMYK). A colour is judged by hue, so
dark reds, bright reds, orange-ambers, yellows used as amber and pale greens all land where a
reader would put them; white and pale tints are "no colour", and anything else (grey,
black, blue, purple, a hue between two bands) is reported, never guessed.
"""

from __future__ import annotations

import colorsys
from typing import Literal

Verdict = Literal["red", "amber", "green", "none", "unknown"]

#: Hue bands in degrees (inclusive) for each RAG colour; the gaps between them are the
#: tolerance: a hue there is too far from every reference colour to call.
_BANDS: tuple[tuple[Literal["red", "amber", "green"], float, float], ...] = (
    ("red", -18.0, 14.0),
    ("amber", 24.0, 62.0),
    ("green", 75.0, 170.0),
)
_MIN_SATURATION = 0.3
_MIN_VALUE = 0.25
_PALE = 0.85


def rag_of_fill(rgb: tuple[float, float, float] | None) -> Verdict:
    """``'red'``/``'amber'``/``'green'`` for a RAG-coloured fill, ``'none'`` for no fill, white
    or a pale tint, ``'unknown'`` for a colour that is none of them."""
    if rgb is None:
        return "none"
    r, g, b = (min(1.0, max(0.0, c)) for c in rgb)
    hue, saturation, value = colorsys.rgb_to_hsv(r, g, b)
    if saturation < _MIN_SATURATION and value >= _PALE:
        return "none"  # white or a pale tint: a background, not a rating
    if saturation < _MIN_SATURATION or value < _MIN_VALUE:
        return "unknown"  # mid or dark grey, black
    degrees = hue * 360.0
    if degrees > 180.0:
        degrees -= 360.0
    for name, low, high in _BANDS:
        if low <= degrees <= high:
            return name
    return "unknown"


def hex_colour(rgb: tuple[float, float, float]) -> str:
    """``#rrggbb`` for warnings."""
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in rgb)
