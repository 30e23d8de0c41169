"""Outcome themes: the same outcome (or supporting outcome) across plan years, one stable id.

Councils renumber outcomes (2021/22's outcome 1 was outcome 4), print the same title in
different case in a report and its plan, and change apostrophes or a word. Titles are linked
by text, never by number:

1. Each title gets a key: case folded, quotes and apostrophes unified, punctuation dropped,
   spaces folded. Titles with the same key are one theme (method ``same_text``); a title
   that matches nothing starts a theme (``new``).
2. Remaining groups are joined by similarity (``similar_text``): edit-distance ratio, or,
   when both have at least four words, the share of the shorter title's words found in the
   longer one (``Economy is growing and benefits everyone`` inside ``The economy in Cumbria
   is growing and benefits everyone``). Pairs are taken best first; two titles printed in
   the same plan year are never joined (they are different outcomes of that plan).
3. Overrides (must_link / cannot_link pairs of plan year and title) are applied first and
   win over both rules (method ``override``).

Pure functions over DataFrames; the order of the input rows does not change the result.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ragtrack.link.columns import column_values, missing_last
from ragtrack.link.settings import LEVELS, Level, OutcomeOverride

__all__ = ["LEVELS", "Level", "OutcomeOverride", "link_outcomes", "outcome_columns", "title_key"]

#: Lowest similarity (0-100) at which two titles of different plan years are one theme.
LINK_THRESHOLD = 85.0
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})
_NOT_WORD = re.compile(r"[^\w]+")


def title_key(title: str) -> str:
    """The comparable form of a title: case, apostrophes, punctuation and spacing folded."""
    text = unicodedata.normalize("NFKC", title).translate(_QUOTES).casefold()
    text = text.replace("'", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


def similarity(a: str, b: str) -> float:
    """0-100 likeness of two keys (see the module docstring)."""
    score = fuzz.ratio(a, b)
    if min(len(a.split()), len(b.split())) >= 4:
        score = max(score, fuzz.token_set_ratio(a, b))
    return float(score)


def slug(text: str, limit: int = 48) -> str:
    """A readable id from a key: words joined by ``-``, cut at a word under ``limit``."""
    out = ""
    for word in text.split():
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit and out:
            break
        out = candidate
    return out[:limit] or "untitled"


Node = tuple[str, str]  # (plan year, title key)


class _Groups:
    """Union-find over (plan year, key) nodes; a group never holds one plan year twice."""

    def __init__(self, nodes: list[Node]) -> None:
        self.parent = {n: n for n in nodes}
        self.years = {n: frozenset((n[0],)) for n in nodes}
        self.apart: set[frozenset[Node]] = set()

    def find(self, node: Node) -> Node:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def can_join(self, a: Node, b: Node) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.years[ra] & self.years[rb]:
            return False
        if not self.apart:
            return True
        members_a = [n for n in self.parent if self.find(n) == ra]
        members_b = [n for n in self.parent if self.find(n) == rb]
        return not any(frozenset((x, y)) in self.apart for x in members_a for y in members_b)

    def join(self, a: Node, b: Node) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        self.parent[rb] = ra
        self.years[ra] = self.years[ra] | self.years[rb]


def _titles(items: pd.DataFrame, level: Level) -> pd.DataFrame:
    """One row per (plan year, printed title) with its outcome number and item count,
    sorted by plan year (missing last) and title."""
    titles = column_values(items, level)
    counts: dict[tuple[object, str], list] = {}  # (year, title) -> [lowest number, items]
    for year, title, number in zip(
        column_values(items, "plan_year"),
        titles,
        column_values(items, "outcome_number"),
        strict=True,
    ):
        if title is None:
            continue
        seen = counts.setdefault((year, str(title)), [None, 0])
        if number is not None and (seen[0] is None or number < seen[0]):
            seen[0] = number
        seen[1] += 1
    rows = sorted(counts.items(), key=lambda row: (missing_last(row[0][0]), row[0][1]))
    keyed = [(year, title, n, size, title_key(title)) for (year, title), (n, size) in rows]
    kept = [row for row in keyed if row[4] != ""]
    return pd.DataFrame(
        {
            "plan_year": pd.Series([r[0] for r in kept], dtype="object"),
            "title": pd.Series([r[1] for r in kept], dtype="object"),
            "outcome_number": pd.array([r[2] for r in kept], dtype="Int16"),
            "items": pd.Series([r[3] for r in kept], dtype="int64"),
            "key": pd.Series([r[4] for r in kept], dtype="object"),
        }
    )


def _years(titles: pd.DataFrame) -> list[str]:
    """The titles' plan years as text (``"None"`` where missing), as the nodes name them."""
    return [str(year) for year in column_values(titles, "plan_year")]


def _candidate_pairs(keys: Sequence[str]) -> list[tuple[float, str, str]]:
    """Pairs of distinct keys at least :data:`LINK_THRESHOLD` alike (:func:`similarity`),
    best first; every pair scored at once by rapidfuzz, as :func:`similarity` scores one."""
    if len(keys) < 2:
        return []
    ratio = process.cdist(keys, keys, scorer=fuzz.ratio, dtype=np.float64)
    token_set = process.cdist(keys, keys, scorer=fuzz.token_set_ratio, dtype=np.float64)
    words = np.array([len(k.split()) for k in keys])
    score = np.where(np.minimum.outer(words, words) >= 4, np.maximum(ratio, token_set), ratio)
    rows, cols = (a.tolist() for a in np.nonzero(np.triu(score >= LINK_THRESHOLD, k=1)))
    pairs = [(float(score[a, b]), keys[a], keys[b]) for a, b in zip(rows, cols, strict=True)]
    return sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))


def _link_level(
    titles: pd.DataFrame, overrides: Iterable[OutcomeOverride]
) -> tuple[dict[Node, Node], dict[Node, tuple[str, float | None]]]:
    """Group the (plan year, key) nodes of one level: node -> group root, and node ->
    (method, score)."""
    nodes = sorted(set(zip(_years(titles), titles["key"], strict=True)))
    by_key: dict[str, list[Node]] = {}
    for node in nodes:
        by_key.setdefault(node[1], []).append(node)
    groups = _Groups(nodes)
    how: dict[Node, tuple[str, float | None]] = {}
    for o in sorted(overrides, key=lambda o: o.decision):  # cannot_link before must_link
        a, b = (o.plan_year_a, title_key(o.title_a)), (o.plan_year_b, title_key(o.title_b))
        if a not in groups.parent or b not in groups.parent:
            continue
        if o.decision == "cannot_link":
            groups.apart.add(frozenset((a, b)))
        elif groups.find(a) != groups.find(b):
            groups.join(a, b)
            how[a] = how[b] = ("override", None)
    pairs = [(100.0, k, k) for k in sorted(by_key)] + _candidate_pairs(sorted(by_key))
    for score, ka, kb in pairs:
        method = "same_text" if ka == kb else "similar_text"
        for a in by_key[ka]:
            for b in by_key[kb]:
                if a != b and groups.can_join(a, b):
                    groups.join(a, b)
                    how.setdefault(a, (method, score))
                    how.setdefault(b, (method, score))
    for node in nodes:
        how.setdefault(node, ("new", None))
    return {node: groups.find(node) for node in nodes}, how


def _theme_ids(titles: pd.DataFrame, root_of: dict[Node, Node]) -> dict[Node, tuple[str, str]]:
    """Group root -> (stable id, theme label). The id is a slug of the earliest title's key;
    the label is the title printed most recently (most items, then text, breaking ties)."""
    members: dict[Node, list[tuple[str, int, str, str]]] = {}
    for year, title, key, count in zip(
        _years(titles),
        titles["title"],
        titles["key"],
        titles["items"],
        strict=True,
    ):
        members.setdefault(root_of[(year, key)], []).append((year, int(count), title, key))
    out: dict[Node, tuple[str, str]] = {}
    taken: set[str] = set()
    for root, rows in sorted(members.items(), key=lambda m: (min(m[1])[0], m[0])):
        first = min((year, key) for year, _n, _t, key in rows)[1]
        base, n = slug(first), 1
        ident = base
        while ident in taken:
            n += 1
            ident = f"{base}-{n}"
        taken.add(ident)
        out[root] = (ident, max(rows)[2])
    return out


OUTCOME_COLUMNS = [
    "level",
    "outcome_id",
    "theme",
    "plan_year",
    "outcome_number",
    "title",
    "method",
    "score",
    "items",
]


def link_outcomes(items: pd.DataFrame, overrides: Iterable[OutcomeOverride] = ()) -> pd.DataFrame:
    """Every printed outcome and supporting outcome title with its theme: one row per
    (level, plan year, title), columns :data:`OUTCOME_COLUMNS`."""
    overrides = list(overrides)
    parts = []
    for level in LEVELS:
        titles = _titles(items, level)
        if titles.empty:
            continue
        root_of, how = _link_level(titles, [o for o in overrides if o.level == level])
        themes = _theme_ids(titles, root_of)
        nodes = list(zip(_years(titles), titles["key"], strict=True))
        titles["level"] = level
        titles["outcome_id"] = [themes[root_of[n]][0] for n in nodes]
        titles["theme"] = [themes[root_of[n]][1] for n in nodes]
        titles["method"] = [how[n][0] for n in nodes]
        titles["score"] = pd.array([how[n][1] for n in nodes], dtype="float64")
        parts.append(titles[OUTCOME_COLUMNS])
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in OUTCOME_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["level", "outcome_id", "plan_year", "title"], ignore_index=True)


def outcome_columns(
    outcomes: pd.DataFrame,
    plan_years: Sequence[object],
    outcome_titles: Sequence[object],
    supporting_titles: Sequence[object],
) -> dict[str, list[object]]:
    """For rows of (plan year, outcome, supporting outcome) titles, their ``outcome_id``,
    ``outcome_theme`` and ``supporting_outcome_id``, looked up by plan year and title in
    ``outcomes`` (see :func:`link_outcomes`); None where a title has no theme."""
    lookup: dict[object, dict[tuple[str, object], object]] = {level: {} for level in LEVELS}
    themes: dict[object, object] = {}
    for level, year, title, ident, theme in zip(
        column_values(outcomes, "level"),
        column_values(outcomes, "plan_year"),
        column_values(outcomes, "title"),
        column_values(outcomes, "outcome_id"),
        column_values(outcomes, "theme"),
        strict=True,
    ):
        lookup.setdefault(level, {})[(str(year), title)] = ident
        if level == "outcome":
            themes[ident] = theme
    years = [str(year) for year in plan_years]
    ids = [lookup["outcome"].get(k) for k in zip(years, outcome_titles, strict=True)]
    supporting = lookup["supporting_outcome"]
    return {
        "outcome_id": ids,
        "outcome_theme": [themes.get(i) for i in ids],
        "supporting_outcome_id": [
            supporting.get(k) for k in zip(years, supporting_titles, strict=True)
        ],
    }
