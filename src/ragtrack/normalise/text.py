"""Canonical cell and paragraph text: HTML fragments out, wrapped lines joined, spaces folded."""

from __future__ import annotations

import html
from collections.abc import Iterable

import regex

_TAG = regex.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
#: A line break kept inside one table cell (U+2028 LINE SEPARATOR), as PDF cells give it.
CELL_LINE_BREAK = "\u2028"
_SOFT_BREAK = regex.compile(r"(?<=[\p{L}\p{N}])-$")


def strip_html(text: str) -> str:
    """Remove HTML tags such as ``<p>`` or ``<ul style="...">``, keeping their text."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def fold_spaces(text: str) -> str:
    """Runs of spaces and tabs (and any other whitespace) to one space, ends trimmed."""
    return " ".join(text.split())


def join_wrapped(parts: Iterable[str]) -> str:
    """Join the lines of one wrapped cell or paragraph into one string.

    A line that ends in a hyphen straight after a letter or digit (``8-`` / ``14%``) was
    broken inside a word or range, so it joins without a space. Only the end of the text so
    far is looked at, so joining is linear in the paragraph's length.
    """
    chunks: list[str] = []
    tail = ""  # the last two characters joined so far: enough for the soft-break test
    for piece in (fold_spaces(line) for part in parts for line in part.split(CELL_LINE_BREAK)):
        if not piece:
            continue
        if chunks and not _SOFT_BREAK.search(tail):
            piece = " " + piece
        chunks.append(piece)
        tail = (tail + piece)[-2:]
    return "".join(chunks)


def clean_text(text: str) -> str:
    """Canonical text for a cell or paragraph: lines kept inside a cell joined as wrapped
    lines, HTML removed, whitespace folded."""
    if CELL_LINE_BREAK in text:
        text = join_wrapped([text])
    return fold_spaces(strip_html(text))
