"""Commentary sections into paragraphs, each with the refs it is about.

How paragraphs are delimited is read from the document as a whole:

- *labelled* documents start most paragraphs with a ref (``1.2 ...``, ``A1.1: ...``); there a
  labelled paragraph runs on, across blank lines, until the next label or heading;
- otherwise paragraphs are separated by blank lines, unless the text is *double spaced* (a
  blank line after every wrapped line), when a short line ending a sentence ends a paragraph.

A ``REF:`` label in mid-line starts a new paragraph in documents whose labels carry colons.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ragtrack.extract.segment import Section
from ragtrack.normalise.refs import (
    RefStyle,
    canonical_ref,
    find_prose_refs,
    leading_label,
    midline_colon_labels,
    ref_prefix,
)
from ragtrack.normalise.text import clean_text, join_wrapped
from ragtrack.records import Line

_NOTHING_TO_REPORT = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:there\s+(?:are|is)\s+(?:currently\s+)?)?no\b.{0,90}\b(?:to\s+report|relevant"
        r"(?:\s+to\s+this\s+area)?|identified(?:\s+for\s+these\s+(?:specific\s+)?\w+)?"
        r"|applicable\s+to\s+these\s+\w+|aligned\s+(?:with|to)\s+these\s+\w+)$",
        r"^awaiting\s+(?:commentary|update|comments?)$",
        r"^(?:n/?a|none|nil|no\s+update|no\s+commentary|nothing\s+to\s+report)$",
        r"^\w+\s+comments\s+have\s+been\s+provided\s+against\s+the\s+outcomes\s+these\s+"
        r"indicators\s+support$",
    )
]
_BULLET = re.compile(r"^\s*(?:[-–•*▪◦]\s|\d+[.)]\s)")
_SENTENCE_END = re.compile(r"[.!?:;)]['\"’”)]*\s*$")


def is_nothing_to_report(text: str) -> bool:
    """Text that says a section has nothing in it ("No items by exception to report")."""
    stripped = text.strip().rstrip(".").strip()
    if not stripped:
        return True
    return any(p.match(stripped) for p in _NOTHING_TO_REPORT)


@dataclass(frozen=True, slots=True)
class CommentaryStyle:
    """Document-wide facts that decide how commentary is cut into paragraphs."""

    labelled: bool
    colon_labels: bool
    double_spaced: bool
    ref_style: RefStyle
    item_refs: frozenset[str]


@dataclass
class Paragraph:
    lines: list[Line] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    label: str | None = None

    def text(self) -> str:
        """The paragraph's words: wrapped pieces joined, HTML removed, spaces folded."""
        return clean_text(join_wrapped(self.pieces))


def _label(
    piece: str,
    style: CommentaryStyle,
    measures: bool,
    found: tuple[str, bool, int] | None = None,
) -> str | None:
    """The ref labelling a paragraph that starts with ``piece``, in the document's style
    (``found``: its :func:`leading_label`, when the caller has it).

    A bare number counts as a label only when it is one of the document's refs or carries a
    colon, so a wrapped line that starts with a figure ("5.5 per cent") is not a label.
    """
    found = found or leading_label(piece)
    if not found:
        return None
    ref, has_colon, _ = found
    prefix = ref_prefix(ref)
    styled = style.ref_style.styled(ref, "measure" if measures else "action")
    known = styled in style.item_refs or canonical_ref(ref) in style.item_refs
    if known or has_colon or (prefix and prefix in style.ref_style.prefixes):
        return canonical_ref(ref) if prefix else styled
    return None


def detect_style(
    sections: Iterable[Section], ref_style: RefStyle, item_refs: frozenset[str]
) -> CommentaryStyle:
    """Read how this document writes commentary, from all its sections, in one pass."""
    probe = CommentaryStyle(False, False, False, ref_style, item_refs)
    started, labelled_starts, colons, labels = 0, 0, 0, 0
    lowercase_continuations, nonblank = 0, 0
    for section in sections:
        first = True
        blank_before = False  # a blank line since the previous non-blank one
        for line in section.content:
            text = line.text
            if not text.strip():
                blank_before = not first
                continue
            nonblank += 1
            if blank_before and text.lstrip()[:1].islower():
                lowercase_continuations += 1  # a wrapped sentence going on after a blank
            found = leading_label(text)
            if found and (_label(text, probe, False, found) or _label(text, probe, True, found)):
                labels += 1
                colons += found[1]
                labelled_starts += first
            started += first
            first = False
            blank_before = False
    return CommentaryStyle(
        labelled=started > 0 and labelled_starts >= max(1, 0.25 * started),
        colon_labels=labels > 0 and colons >= 0.5 * labels,
        double_spaced=nonblank > 0 and lowercase_continuations >= max(2, 0.05 * nonblank),
        ref_style=ref_style,
        item_refs=item_refs,
    )


def _split_midline(text: str, style: CommentaryStyle) -> list[str]:
    if not style.colon_labels:
        return [text]
    cuts = [0, *midline_colon_labels(text), len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(cuts) if text[a:b].strip()]


def split_paragraphs(section: Section, style: CommentaryStyle, measures: bool) -> list[Paragraph]:
    """Cut one commentary section into paragraphs."""
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    after_blank = False
    widest = (
        max((len(line.text.strip()) for line in section.content), default=0)
        if style.double_spaced
        else 0
    )
    for line in section.content:
        if not line.text.strip():
            after_blank = True
            continue
        for index, piece in enumerate(_split_midline(line.text, style)):
            found = leading_label(piece)
            label = _label(piece, style, measures, found) if found else None
            if label is not None and current is not None and not (found and found[1]):
                # a ref without a colon opens a paragraph only where one can start: after a
                # sentence ends, or after a blank line where blank lines mean something
                previous = current.pieces[-1] if current.pieces else ""
                fresh = bool(_SENTENCE_END.search(previous)) or (
                    index == 0 and after_blank and not style.double_spaced
                )
                if not fresh:
                    label = None
            new = label is not None or current is None
            if not new and index == 0 and current is not None:
                bullet = bool(_BULLET.match(piece))
                continues_label = style.labelled and current.label is not None
                if style.double_spaced:
                    previous = current.pieces[-1] if current.pieces else ""
                    short = len(previous.strip()) < 0.85 * widest
                    new = (
                        not continues_label
                        and not bullet
                        and short
                        and bool(_SENTENCE_END.search(previous))
                        and piece.lstrip()[:1].isupper()
                    )
                else:
                    new = after_blank and not continues_label and not bullet
            if new:
                current = Paragraph(label=label)
                paragraphs.append(current)
            assert current is not None
            if not current.lines or current.lines[-1] is not line:
                current.lines.append(line)
            current.pieces.append(piece)
        after_blank = False
    return paragraphs


def paragraph_refs(text: str, label: str | None, style: CommentaryStyle) -> list[str]:
    """The label's ref first, then refs named in the prose, each once."""
    refs: dict[str, None] = {}
    if label:
        refs[label] = None
    for ref in find_prose_refs(text, style.ref_style, style.item_refs):
        refs.setdefault(ref, None)
    return list(refs)


def label_free_text(text: str, label: str | None) -> str:
    """A paragraph's text without its leading label, for the nothing-to-report test."""
    if label:
        found = leading_label(text)
        if found:
            text = text[found[2] :]
    return text.strip()
