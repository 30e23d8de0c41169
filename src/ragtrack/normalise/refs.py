"""Refs: their canonical form, the document's ref style, and refs named in prose.

A ref is an optional letter prefix, an outcome number and a sequence number (``1.17``,
``A2.14``, ``M1.11``). Each document has a *style*: which prefix its actions and its measures
carry. Refs found in prose are given in that style, so "measure 4.4" in a report whose
measures are ``M``-prefixed is ``M4.4``.
"""

from __future__ import annotations

import re as std_re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import regex

from ragtrack.normalise.kinds import Ref

REF_BODY = r"[A-Z]{0,2}\d{1,2}\.\d{1,3}"
#: A ref standing alone: not part of a longer number, a percentage or a decimal.
REF_TOKEN = rf"(?<![\w.£$€/-]){REF_BODY}(?![\d%]|\.\d|\w)"
_REF = regex.compile(r"^(?P<prefix>[A-Z]{0,2})(?P<outcome>\d{1,2})\.(?P<seq>\d{1,3})$")

_LIST_SEP = r"(?:\s*(?:,\s*and|,\s*&|,|/|&|\band\b)\s*)"


def canonical_ref(raw: str) -> Ref:
    """Upper-cased, spaces removed: ``' a1.1 '`` -> ``'A1.1'``. Idempotent."""
    return Ref("".join(raw.split()).upper())


@lru_cache(maxsize=4096)
def _parts(ref: str) -> tuple[str, int, int] | None:
    match = _REF.match(canonical_ref(ref))
    return (match["prefix"], int(match["outcome"]), int(match["seq"])) if match else None


def is_ref(raw: str) -> bool:
    return bool(_REF.match(canonical_ref(raw)))


def ref_outcome(ref: str) -> int | None:
    parts = _parts(ref)
    return parts[1] if parts else None


def ref_prefix(ref: str) -> str:
    parts = _parts(ref)
    return parts[0] if parts else ""


@lru_cache(maxsize=64)
def _prefix_set(*prefixes: str) -> frozenset[str]:
    return frozenset(p for p in prefixes if p)


@dataclass(frozen=True, slots=True)
class RefStyle:
    """The prefixes a document gives its action refs and its measure refs."""

    action_prefix: str = ""
    measure_prefix: str = "M"

    @classmethod
    def from_refs(cls, actions: Iterable[str], measures: Iterable[str]) -> RefStyle:
        def common(refs: Iterable[str], default: str) -> str:
            prefixes = [ref_prefix(r) for r in refs]
            if not prefixes:
                return default
            return max(set(prefixes), key=prefixes.count)

        return cls(action_prefix=common(actions, ""), measure_prefix=common(measures, "M"))

    @property
    def prefixes(self) -> frozenset[str]:
        return _prefix_set(self.action_prefix, self.measure_prefix)

    def styled(self, ref: str, kind: str | None) -> str:
        """Give a bare ref the prefix its kind carries in this document."""
        ref = canonical_ref(ref)
        if ref_prefix(ref) or kind is None:
            return ref
        prefix = self.measure_prefix if kind == "measure" else self.action_prefix
        return prefix + ref

    def kind_of(self, ref: str) -> str | None:
        """The kind a ref's prefix says, when the prefix tells the kinds apart."""
        prefix = ref_prefix(ref)
        if self.action_prefix == self.measure_prefix:
            return None
        if prefix == self.measure_prefix:
            return "measure"
        if prefix == self.action_prefix:
            return "action"
        return None


# Refs in prose: find every ref-shaped token once, group tokens that stand in one list
# ("1.2, 1.3 & 1.4", "4.7/ 4.8"), then read what introduces each list. Plain ``re``: this
# runs on every paragraph.
_REF_NUMBER = std_re.compile(r"\d{1,2}\.\d{1,3}(?![\d%]|\.\d|\w)")
_NOT_BEFORE_REF = frozenset("_.£$€/-")
_LIST_GAP = std_re.compile(rf"{_LIST_SEP}", std_re.I)
_KEYWORD_BEFORE = std_re.compile(r"\b(?P<kw>actions?|measures?|indicators?)\s*[:#]?\s*$", std_re.I)
_CONTEXT_BEFORE = std_re.compile(
    r"(?:\b(?:relation\s+to|see|re|regarding|refers?\s+to)\s+|(?P<paren>\()\s*)$", std_re.I
)
_LOOK_BACK = 40  # characters before a list in which its introducing words stand


def _ref_tokens(text: str) -> list[tuple[int, int]]:
    """Spans of ref-shaped tokens: found by their numbers (a fast scan), then widened over a
    letter prefix of up to two letters, and checked on both sides."""
    spans: list[tuple[int, int]] = []
    for match in _REF_NUMBER.finditer(text):
        start = match.start()
        while start > match.start() - 2 and start > 0 and text[start - 1].isalpha():
            start -= 1
        if start > 0 and (text[start - 1] in _NOT_BEFORE_REF or text[start - 1].isalnum()):
            continue
        if start < match.start() and not text[start : match.start()].isascii():
            continue
        spans.append((start, match.end()))
    return spans


def _ref_lists(text: str) -> list[tuple[int, int, list[tuple[int, str]]]]:
    """Ref-shaped tokens grouped into lists: ``(start, end, [(offset, ref), ...])``."""
    lists: list[tuple[int, int, list[tuple[int, str]]]] = []
    for begin, end in _ref_tokens(text):
        token = (begin, text[begin:end])
        if lists and _LIST_GAP.fullmatch(text, lists[-1][1], begin):
            start, _, refs = lists[-1]
            refs.append(token)
            lists[-1] = (start, end, refs)
        else:
            lists.append((begin, end, [token]))
    return lists


def _kind_of_keyword(keyword: str) -> str:
    return "action" if keyword.lower().startswith("action") else "measure"


def find_prose_refs(text: str, style: RefStyle, known: frozenset[str] = frozenset()) -> list[str]:
    """Refs named in running prose, in order of first mention, in the document's style.

    Bare numbers count in a list introduced by "action(s)"/"measure(s)" ("actions 1.2
    and 1.9", "Actions 4.7/ 4.8/ 4.9/ 4.11", "actions A1.1, 1.2 & 1.3"), and, when they are
    refs of the document's own items (``known``), in parentheses ("(3.1)") or after "in
    relation to"/"see". Prefixed refs (``M1.8``, ``A2.14``) count anywhere when the prefix is
    one the document uses. Figures ("13.8%", "£22.730 million") never count.
    """
    found: list[tuple[int, str]] = []
    prefixes = style.prefixes
    for start, end, refs in _ref_lists(text):
        before = text[max(0, start - _LOOK_BACK) : start]
        keyword = _KEYWORD_BEFORE.search(before)
        context = None if keyword else _CONTEXT_BEFORE.search(before)
        if context and context["paren"] and not text[end:].lstrip().startswith(")"):
            context = None  # "(3.1 million" is a figure, "(3.1)" a ref
        explicit = [ref_prefix(r) for _, r in refs if ref_prefix(r)]
        for offset, ref in refs:
            printed_prefix = ref[: len(ref_prefix(ref))]
            if printed_prefix and printed_prefix in prefixes:
                found.append((offset, canonical_ref(ref)))  # self-identifying anywhere
            elif keyword:
                if ref_prefix(ref):
                    found.append((offset, canonical_ref(ref)))
                elif explicit:
                    # "actions A1.1, 1.2 & 1.3": a bare ref takes the list's printed prefix
                    found.append((offset, explicit[0] + canonical_ref(ref)))
                else:
                    found.append((offset, style.styled(ref, _kind_of_keyword(keyword["kw"]))))
            elif context and known and not ref_prefix(ref):
                for kind in ("action", "measure"):
                    styled = style.styled(ref, kind)
                    if styled in known:
                        found.append((offset, styled))
                        break
    seen: dict[str, None] = {}
    for _, ref in sorted(found):
        seen.setdefault(ref, None)
    return list(seen)


def _may_start_with_ref(text: str) -> bool:
    """Cheap pre-test: a ref has a digit within its first three characters."""
    head = text.lstrip()[:3]
    return head[:1].isdigit() or head[1:2].isdigit() or head[2:3].isdigit()


_LEADING_LABEL = std_re.compile(rf"^\s*(?P<ref>{REF_BODY})(?P<colon>\s*:)?(?=\s|$)")


def leading_label(text: str) -> tuple[str, bool, int] | None:
    """A ref that labels a paragraph at its very start: ``(ref, has_colon, end_offset)``.

    ``1.2 District Leads ...``, ``A1.1: ...``, ``M1.3 ...``. Not ``4.8/ 4.9`` (a list) nor
    ``6.9%)`` (a figure).
    """
    if not _may_start_with_ref(text):
        return None
    match = _LEADING_LABEL.match(text)
    if not match:
        return None
    return match["ref"], bool(match["colon"]), match.end()


_MIDLINE_COLON_LABEL = std_re.compile(rf"(?<=\s)(?P<ref>{REF_BODY}):(?=\s|$)")


def midline_colon_labels(text: str) -> list[int]:
    """Offsets of ``REF:`` labels that start a new paragraph in the middle of a line."""
    return [m.start() for m in _MIDLINE_COLON_LABEL.finditer(text)]
