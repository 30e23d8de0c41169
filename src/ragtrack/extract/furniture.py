"""Page furniture: running headers and footers, page numbers, repeated branding lines.

One home for the rules, over three kinds of evidence:

* text with page breaks (form feeds): lines at page edges that recur on several pages
  (:func:`drop_page_furniture`);
* PDF pages: edge lines that recur at the same height (:func:`find_positioned_furniture`,
  fed by :mod:`ragtrack.extract.pdf.assemble` with each page's edge lines);
* text without page breaks (a plan's text copied out of its PDF): branding lines that
  recur beside headings (:func:`find_branding`).

All three share what a page number is (:func:`is_page_number`, :func:`is_bare_page_number`)
and what two printings of a running line have in common (:func:`furniture_key`). Lines a
parser needs (headings, table headers, rows) are never furniture.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import regex

from ragtrack.extract.structure import (
    STRUCTURAL_KINDS,
    Classified,
    LineKind,
    classify_line,
    row_ref,
)
from ragtrack.records import Line

_DIGIT = regex.compile(r"\d")
_BARE_NUMBER = regex.compile(r"^\s*\d{1,4}\s*$")
_REGION = 3  # how many non-blank lines at the top and bottom of a page can be furniture
_SAME_PLACE = 3.0  # points: a running header sits at the same height on every page
_URL_LINE = regex.compile(r"^\s*(?:https?://|www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?\s*$")
#: A line ending in one of these goes on in the next line: it is never a whole branding line.
CONNECTOR_END = regex.compile(r"\b(?:and|or|of|for|to|the|a|an|in|with|by|&)\s*$", regex.IGNORECASE)


_PAGE_NUMBER = regex.compile(
    r"^\s*(?:page\s+(?P<n>\d+)(?:\s*(?:of|/)\s*(?P<of>\d+))?|(?P<n>\d+)\s*(?:of|/)\s*(?P<of>\d+)"
    r"|[-–]\s*\d+\s*[-–])\s*$",
    regex.IGNORECASE,
)


def is_bare_page_number(text: str) -> bool:
    """A lone number at a page edge is a page number, unless it reads as a year (2019)."""
    return bool(_BARE_NUMBER.match(text)) and not 1900 <= int(text) <= 2099


def is_page_number(text: str) -> bool:
    """``Page 3 of 40``, ``3/40``, ``- 3 -``; not a year span such as ``2021/22``."""
    if len(text) > 40 or not _DIGIT.search(text):
        return False
    match = _PAGE_NUMBER.match(text)
    if not match:
        return False
    if match["n"] and match["of"]:
        return int(match["n"]) <= int(match["of"])
    return True


_DIGITS = regex.compile(r"\d+")
_SPACES = regex.compile(r"\s+")


def furniture_key(text: str) -> str:
    """What two printings of a running line share: case, spacing and digits ignored."""
    return _DIGITS.sub("#", _SPACES.sub(" ", text.strip().casefold()))


def _is_structural(text: str) -> bool:
    """Lines a parser needs (headings, table headers, rows) are never page furniture."""
    kind = classify_line(text)
    numbered_outcome = kind.kind is LineKind.OUTCOME and kind.number is not None
    return kind.kind in STRUCTURAL_KINDS or numbered_outcome or row_ref(text) is not None


_PROSE_END = regex.compile(r"[.!?][\"'’”)\]]*\s*$")
#: a sentence of at least this many words is text, wherever it stands
_PROSE_WORDS = 6


def reads_as_prose(text: str) -> bool:
    """A whole sentence (six words or more, ending in a full stop, ! or ?) is content even
    where pages happen to start or end with it: running headers and footers are titles,
    names and page numbers. (Two pages ending with the same closing sentence of a section,
    as progress reports repeat them, lost that sentence as a "running footer".)"""
    return bool(_PROSE_END.search(text)) and len(text.split()) >= _PROSE_WORDS


def drop_page_furniture(lines: list[Line]) -> tuple[list[Line], int]:
    """Remove running headers, footers and page numbers; return kept lines and pages.

    Furniture is a page-number line anywhere (``Page 3 of 40``, ``- 3 -``), a bare number at
    the edge of a page, and the lines at the very top or bottom of pages that recur there on
    several pages (digits ignored) or repeat the first page's opening lines. Edges are peeled
    one line at a time, so a two-line running header goes but content below it stays. A line
    that also stands inside a page, or that a parser recognises as structure, is content.
    """
    page_count = lines[-1].page if lines else 1  # lines come in page order
    drop: set[int] = {
        i for i, line in enumerate(lines) if 0 < len(line.text) <= 40 and is_page_number(line.text)
    }
    if page_count > 1:
        pages: dict[int, list[int]] = {}
        for index, line in enumerate(lines):
            if line.text.strip():
                pages.setdefault(line.page, []).append(index)
        first_page_top = {furniture_key(lines[i].text) for i in pages.get(1, [])[:_REGION]}
        # a line at page tops that also stands lower down a page (on the title page, only
        # away from its edges), or at page bottoms that also stands higher up one, is content
        below_top = {
            furniture_key(lines[i].text)
            for p, idx in pages.items()
            for i in (idx[_REGION:-_REGION] if p == 1 else idx[_REGION:])
        }
        above_bottom = {
            furniture_key(lines[i].text) for idx in pages.values() for i in idx[:-_REGION]
        }
        for from_top in (True, False):
            elsewhere = below_top if from_top else above_bottom
            # each page's lines from the edge inwards, skipping what is already dropped
            edges = {
                p: [i for i in (idx if from_top else idx[::-1]) if i not in drop]
                for p, idx in pages.items()
                if not (from_top and p == 1)
            }
            for depth in range(_REGION):
                at_edge = {p: e[depth] for p, e in edges.items() if len(e) > depth}
                counts = Counter(furniture_key(lines[i].text) for i in at_edge.values())
                peeled = False
                for p, i in at_edge.items():
                    text = lines[i].text
                    key = furniture_key(text)
                    repeated = counts[key] >= 2 and counts[key] >= 0.5 * len(edges)
                    title_again = from_top and key in first_page_top
                    bare_number = depth == 0 and is_bare_page_number(text)
                    furniture = (
                        (repeated or title_again)
                        and key not in elsewhere
                        and not reads_as_prose(text)
                    )
                    if (furniture or bare_number) and not _is_structural(text):
                        drop.add(i)
                        peeled = True
                    else:
                        edges[p] = edges[p][:depth]  # stop peeling this page
                if not peeled:
                    break
    kept = [line for i, line in enumerate(lines) if i not in drop]
    return kept, page_count


@dataclass(frozen=True)
class EdgeLine:
    """A free line at the top or bottom edge of a PDF page, and where it sits."""

    page: int
    index: int
    text: str
    baseline: float


def find_positioned_furniture(edges: list[EdgeLine], page_count: int) -> set[tuple[int, int]]:
    """(page, index) of the edge lines that are page numbers, or that recur (digits ignored)
    at the same height on at least half the pages; with a line, every edge line at its
    height on its page goes (a header printed in pieces)."""
    drop: set[tuple[int, int]] = set()
    seen: dict[str, list[EdgeLine]] = {}
    for edge in edges:
        if is_page_number(edge.text) or is_bare_page_number(edge.text):
            drop.add((edge.page, edge.index))
        elif classify_line(edge.text).kind is LineKind.TEXT:  # a heading is content
            seen.setdefault(furniture_key(edge.text), []).append(edge)
    needed = max(2, math.ceil(0.5 * page_count))
    running: set[tuple[int, float]] = set()
    for places in seen.values():
        if len({e.page for e in places}) < needed:
            continue
        heights = Counter(round(e.baseline / _SAME_PLACE) for e in places)
        common, count = heights.most_common(1)[0]
        if count >= needed:
            running |= {
                (e.page, e.baseline)
                for e in places
                if abs(round(e.baseline / _SAME_PLACE) - common) <= 1
            }
    drop |= {(e.page, e.index) for e in edges if (e.page, e.baseline) in running}
    return drop


def find_branding(
    lines: list[Line], classes: list[Classified], continues: Callable[[str], object]
) -> set[int]:
    """Indexes of branding lines repeated on many pages and of lone web addresses.

    A line is branding when its text recurs at least three times, sits next to a structural
    heading in most of its occurrences, and never reads as the wrapped end of the line before
    it (``Partnerships`` after ``AD - Integration and`` recurs too, but is a cell): the
    caller's ``continues`` says which line ends leave a cell open.
    """
    nonblank = [i for i, c in enumerate(classes) if c.kind is not LineKind.BLANK]
    position = {i: n for n, i in enumerate(nonblank)}
    occurrences: dict[str, list[int]] = {}
    for i in nonblank:
        if classes[i].kind is LineKind.TEXT and row_ref(lines[i].text) is None:
            occurrences.setdefault(furniture_key(lines[i].text), []).append(i)
    furniture: set[int] = set()
    for i in nonblank:
        if classes[i].kind is LineKind.TEXT and _URL_LINE.match(lines[i].text):
            furniture.add(i)
    for key, found in occurrences.items():
        if len(found) < 3 or CONNECTOR_END.search(key) or continues(key):
            continue
        near = 0
        wrapped = False
        for i in found:
            n = position[i]
            prev = lines[nonblank[n - 1]].text if n else ""
            if prev and continues(prev):
                wrapped = True
            window = nonblank[max(0, n - 2) : n] + nonblank[n + 1 : n + 3]
            if any(
                classes[j].kind not in (LineKind.TEXT, LineKind.BLANK)
                or (
                    furniture_key(lines[j].text) in occurrences
                    and len(occurrences[furniture_key(lines[j].text)]) >= 3
                    and j != i
                )
                for j in window
            ):
                near += 1
        if not wrapped and near * 2 >= len(found):
            furniture.update(found)
    return furniture
