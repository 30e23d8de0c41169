"""Scoring a lineage table against the hand-made answer key (tests/golden).

Items of one plan year that share kind and ref form one node (the 2017/18 plan has no refs, so
each of its items is a node, found in the key by a phrase of its text). The key's high and
medium confidence links are the truth; its low confidence links are "don't care": pairs inside
them count neither for nor against. Precision and recall are over all cross-year node pairs
that share a lineage (the transitive closure of the key's links).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import pandas as pd
import regex as re

KEY = Path(__file__).resolve().parent / "golden" / "lineage_answer_key.csv"

Node = tuple[str, str, str]


def _fold(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").lower()
    return re.sub(r"\s+", " ", text)


def item_nodes(items: pd.DataFrame) -> pd.Series:
    """Each item's node: (plan year, kind, ref) or (plan year, kind, item_id) without ref."""
    nodes = []
    for row in items.itertuples():
        ref = row.ref if isinstance(row.ref, str) and row.ref else None
        nodes.append((row.plan_year, row.kind, ref.upper() if ref else row.item_id))
    return pd.Series(nodes, index=items.index)


def _resolve(
    items: pd.DataFrame, plan_year: str, kind: str, ref: str, text_key: str
) -> Node | None:
    if ref:
        return (plan_year, kind, ref.upper())
    pool = items[(items.plan_year == plan_year) & (items.kind == kind)]
    hits = [r.item_id for r in pool.itertuples() if _fold(text_key) in _fold(str(r.text))]
    return (plan_year, kind, hits[0]) if hits else None


def _closure(pairs: list[tuple[Node, Node]]) -> set[frozenset[Node]]:
    parent: dict[Node, Node] = {}

    def find(x: Node) -> Node:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[Node, list[Node]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    out = set()
    for members in groups.values():
        for a, b in combinations(members, 2):
            if a[0] != b[0]:
                out.add(frozenset((a, b)))
    return out


def key_pairs(items: pd.DataFrame) -> tuple[set, set, list[str]]:
    """(truth pairs, don't-care pairs, key rows that name no item)."""
    key = pd.read_csv(KEY, dtype=str, keep_default_na=False)
    sure, loose, missing = [], [], []
    for row in key.itertuples():
        a = _resolve(items, row.plan_year_a, row.kind, row.ref_a, row.text_key_a)
        b = _resolve(items, row.plan_year_b, row.kind, row.ref_b, "")
        if a is None or b is None:
            missing.append(f"{row.plan_year_a} {row.ref_a or row.text_key_a} -> {row.ref_b}")
            continue
        (sure if row.confidence in ("high", "medium") else loose).append((a, b))
    truth = _closure(sure)
    return truth, _closure(sure + loose) - truth, missing


def predicted_pairs(items: pd.DataFrame, lineage_ids: pd.Series) -> set[frozenset[Node]]:
    """Cross-year node pairs that share a lineage (a node's lineage: its items' majority)."""
    nodes = item_nodes(items)
    votes: dict[Node, Counter] = defaultdict(Counter)
    for node, lineage in zip(nodes, lineage_ids, strict=True):
        votes[node][lineage] += 1
    by_lineage: dict[str, list[Node]] = defaultdict(list)
    for node, counter in votes.items():
        by_lineage[counter.most_common(1)[0][0]].append(node)
    out = set()
    for members in by_lineage.values():
        for a, b in combinations(members, 2):
            if a[0] != b[0]:
                out.add(frozenset((a, b)))
    return out


def precision_recall(items: pd.DataFrame, lineage_ids: pd.Series) -> tuple[float, float, dict]:
    truth, dont_care, missing = key_pairs(items)
    predicted = predicted_pairs(items, lineage_ids) - dont_care
    hits = predicted & truth
    precision = len(hits) / len(predicted) if predicted else 1.0
    recall = len(hits) / len(truth) if truth else 1.0
    detail = {
        "false_links": sorted(tuple(sorted(p)) for p in predicted - truth),
        "missed_links": sorted(tuple(sorted(p)) for p in truth - predicted),
        "unresolved_key_rows": missing,
    }
    return precision, recall, detail
