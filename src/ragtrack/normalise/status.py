"""Status and trend words as other councils print them, read into the canonical RAG and
direction of travel.

Cumbria prints ``R``/``A``/``G`` and arrows (:func:`~ragtrack.normalise.values.canonical_rag`
and :func:`~ragtrack.normalise.values.canonical_direction` read those). Other reports print
words (``GREEN``, ``On track``, ``Will not be met``), marks (a tick, ``!``, a cross), icons
(a star, a circle, a triangle), Blue for complete, ``Ungraded``, and trend words (``Getting
better``, ``No change``) or Wingdings letters (``é``). A :class:`StatusReading` keeps the value
as printed beside what it means, so nothing is lost when a word is not known.

The canonical RAG (:data:`RAG_ORDER`) is red < amber < green < blue, then ``not_rated``.
``blue`` (complete, or "acceptable") is a value of its own placed beside green: compared for a
change (:func:`rag_change`) it is level with green, so blue -> green is no worsening and
green -> blue no improvement, while red -> blue improved and blue -> red worsened.
``not_rated`` (Ungraded, N/A) is printed as a rating but is none: it sorts last, out of the
way, and is never better or worse than anything (a change to or from it is no change of RAG).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ragtrack.normalise.kinds import Direction, Rag
from ragtrack.normalise.values import DIRECTION_CANONICAL, canonical_direction, canonical_rag

#: What a printed status means: a RAG rating, complete (Blue), not rated, or not known.
Meaning = Literal["rag", "complete", "not_rated", "unknown"]

#: The canonical RAG in order (the stored ``rag`` columns' ordered categories): worst first,
#: blue (complete) after green, not rated last.
RAG_ORDER: tuple[Rag, ...] = ("red", "amber", "green", "blue", "not_rated")
#: Each rating's level when two are compared: blue is level with green; not rated has none.
RAG_LEVEL: dict[str, int] = {"red": 0, "amber": 1, "green": 2, "blue": 2}
#: The statuses that are ratings red, amber or green (a document rating nothing is no RAG
#: report).
RATED: frozenset[str] = frozenset({"red", "amber", "green"})
#: How a RAG moved between two appearances.
RagChange = Literal["worsened", "unchanged", "improved"]

#: Status words, marks and icons every profile knows (a profile may add or override).
STATUS_WORDS: dict[str, Rag] = {
    "red": "red",
    "amber": "amber",
    "green": "green",
    "r": "red",
    "a": "amber",
    "g": "green",
    "blue": "blue",
    "b": "blue",
    "complete": "blue",
    "completed": "blue",
    "achieved": "green",
    "acceptable": "blue",
    "on track": "green",
    "on target": "green",
    "delayed under 3 months": "amber",
    "delayed less than 3 months": "amber",
    "delayed": "amber",
    "off track": "red",
    "will not be met": "red",
    "not met": "red",
    "ungraded": "not_rated",
    "not rated": "not_rated",
    "no rating": "not_rated",
    "not_rated": "not_rated",
    "n/a": "not_rated",
    "✓": "green",
    "✔": "green",
    "!": "amber",
    "✗": "red",
    "✘": "red",
    "x": "red",
    "★": "green",
    "☆": "green",
    "●": "amber",
    "○": "amber",
    "▲": "red",
    "△": "red",
}

#: Trend words and the Wingdings letters arrows come out of PDF text as.
TREND_WORDS: dict[str, Direction | None] = {
    "getting better": "improving",
    "better": "improving",
    "improved": "improving",
    "getting worse": "declining",
    "worse": "declining",
    "worsened": "declining",
    "no change": "sustained",
    "same": "sustained",
    "stable": "sustained",
    "unchanged": "sustained",
    "é": "improving",  # Wingdings 0xE9: up arrow
    "ê": "declining",  # Wingdings 0xEA: down arrow
    "è": "sustained",  # Wingdings 0xE8: right arrow
}


@dataclass(frozen=True, slots=True)
class StatusReading:
    """A printed status: the canonical RAG (None when not known), what the value means, and
    the value exactly as printed."""

    rag: Rag | None
    meaning: Meaning
    raw: str


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2013", "-").split()).casefold()


@functools.lru_cache(maxsize=64)
def _longest_first(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(phrases, key=len, reverse=True))


def _leading(text: str, words: Mapping[str, object]) -> str | None:
    """The longest vocabulary phrase ``text`` starts with (a wrapped ``Red (currently not
    met)`` is read by its first word), at a word boundary."""
    folded = _fold(text)
    if folded in words:
        return folded  # no longer phrase can start it
    for phrase in _longest_first(tuple(words)):
        if folded.startswith(phrase) and not folded[len(phrase)].isalnum() and phrase[-1].isalnum():
            return phrase
    return None


def read_status(raw: str | None, extra: Mapping[str, str] | None = None) -> StatusReading | None:
    """A printed status cell read against :data:`STATUS_WORDS` and a profile's ``extra`` words
    (which win). None for an empty cell; an unknown value has ``meaning="unknown"``."""
    if raw is None or not raw.strip():
        return None
    raw = " ".join(raw.split())
    words: dict[str, str] = dict(STATUS_WORDS)
    words.update({_fold(k): v for k, v in (extra or {}).items()})
    phrase = _leading(raw, words)
    if phrase is None:
        return StatusReading(None, "unknown", raw)
    value = words[phrase]  # a profile may say "complete" for blue
    rag = canonical_rag("blue" if value.casefold() == "complete" else value)
    if rag is None:
        return StatusReading(None, "unknown", raw)
    meaning: Meaning = "complete" if rag == "blue" else "not_rated" if rag == "not_rated" else "rag"
    return StatusReading(rag, meaning, raw)


def rag_change(before: str | None, after: str | None) -> RagChange | None:
    """How a RAG moved from ``before`` to ``after``, by :data:`RAG_LEVEL`: None when either
    is missing or not rated (there is nothing to compare), ``unchanged`` between green and
    blue."""
    if before is None or after is None or before not in RAG_LEVEL or after not in RAG_LEVEL:
        return None
    delta = RAG_LEVEL[after] - RAG_LEVEL[before]
    return "improved" if delta > 0 else "worsened" if delta < 0 else "unchanged"


def read_trend(
    raw: str | None, extra: Mapping[str, str | None] | None = None
) -> tuple[Direction | None, bool]:
    """A printed trend (arrow, word or Wingdings letter) as ``(direction, known)``: known is
    False for a value no vocabulary has, so the caller can warn with the raw value."""
    if raw is None or not raw.strip():
        return None, True
    text = " ".join(raw.split())
    folded = _fold(text)
    if folded in DIRECTION_CANONICAL:
        return canonical_direction(folded), True
    words: dict[str, Direction | None] = dict(TREND_WORDS)
    for key, value in (extra or {}).items():
        words[_fold(key)] = canonical_direction(value) if value else None
    phrase = _leading(text, words) if folded not in words else folded
    if phrase is None:
        return None, False
    return words[phrase], True
