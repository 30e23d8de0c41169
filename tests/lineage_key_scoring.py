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
from typing import Any

import pandas as pd
import regex

KEY = Path(__file__).resolve().parent / "golden" / "lineage_answer_key.csv"

Node = tuple[str, str, str]

#: the join confidences leave-one-document-out chooses from (a link the matcher would make
#: is calibrated above 0.5, one it would not below)
JOIN_CONFIDENCES = (0.1, 0.3, 0.5, 0.7)


def _fold(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").lower()
    return regex.sub(r"\s+", " ", text)


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


# --------------------------------------------------------------------------- leave one out


def _node_documents(items: pd.DataFrame) -> dict[Node, set[str]]:
    docs: dict[Node, set[str]] = defaultdict(set)
    for node, doc in zip(item_nodes(items), items["document_id"], strict=True):
        docs[node].add(doc)
    return docs


def _score_pairs(predicted: set, truth: set, dont_care: set, keep: set) -> tuple[float, float]:
    predicted = (predicted - dont_care) & keep
    truth = truth & keep
    hits = predicted & truth
    return (
        len(hits) / len(predicted) if predicted else 1.0,
        len(hits) / len(truth) if truth else 1.0,
    )


def _proposals(items: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Each cross-year link the matcher proposed (joined or candidate) with its node pair."""
    node = dict(zip(items["item_id"], item_nodes(items), strict=True))
    rows = table[table["method"] == "text"]
    prev = rows["previous_item_id"].where(rows["status"] == "auto", rows["candidate_item_id"])
    pairs = [frozenset((node[a], node[b])) for a, b in zip(prev, rows["item_id"], strict=True)]
    # linked with join_confidence 0, a link is auto exactly when the matcher would make it
    sure = (rows["status"] == "auto").astype(float)
    return pd.DataFrame(
        {"score": rows["score"], "margin": rows["margin"], "sure": sure, "pair": pairs}
    )


def leave_one_document_out(
    items: pd.DataFrame,
    semantic_weights: tuple[float, ...],
    joins: tuple[float, ...],
    base: Any = None,
) -> list[dict]:
    """Per left-out document: settings tuned on the key's pairs that do not touch it (the
    confidence model refitted, then the join confidence and semantic weight chosen by F1),
    scored on the pairs that do. Linking sees every document; only the labels are held out."""
    from dataclasses import replace

    from ragtrack.link.lineage import LineageSettings, link_items

    truth, dont_care, _ = key_pairs(items)
    docs = _node_documents(items)
    every = _all_pairs(items)
    base = base or LineageSettings()
    runs: dict[tuple, set] = {}
    proposals = {}
    for weight in semantic_weights:
        table = link_items(
            items, settings=replace(base, weight_semantic=weight, join_confidence=0)
        ).table
        proposals[weight] = _proposals(items, table)
    out = []
    for doc in sorted(items["document_id"].unique()):
        touches = {p for p in every if any(doc in docs[n] for n in p)}
        best = None
        for weight in semantic_weights:
            coef = _fit_confidence(proposals[weight], truth, dont_care | touches)
            for join in joins:
                settings = replace(
                    base,
                    weight_semantic=weight,
                    join_confidence=join,
                    confidence_bias=coef[0],
                    confidence_score=coef[1],
                    confidence_margin=coef[2],
                    confidence_sure=coef[3],
                )
                key = (weight, join, coef)
                if key not in runs:
                    table = link_items(items, settings=settings).table.set_index("item_id")
                    runs[key] = predicted_pairs(
                        items, table.loc[items["item_id"], "lineage_id"].reset_index(drop=True)
                    )
                p, r = _score_pairs(runs[key], truth, dont_care, every - touches)
                f1 = 2 * p * r / (p + r) if p + r else 0.0
                if best is None or f1 > best[0]:
                    best = (f1, key)
        assert best is not None
        p, r = _score_pairs(runs[best[1]], truth, dont_care, touches)
        n_truth = len(truth & touches)
        out.append(
            {
                "document": doc,
                "semantic_weight": best[1][0],
                "join_confidence": best[1][1],
                "precision": p,
                "recall": r,
                "truth_pairs": n_truth,
                "predicted": runs[best[1]],
                "touches": touches,
            }
        )
    return out


def _fit_confidence(proposals: pd.DataFrame, truth: set, unlabelled: set) -> tuple:
    """(bias, score, margin, sure) of a logistic confidence fitted on the labelled
    proposals."""
    from sklearn.linear_model import LogisticRegression

    train = proposals[[p not in unlabelled for p in proposals["pair"]]]
    labels = [p in truth for p in train["pair"]]
    model = LogisticRegression(C=10).fit(train[["score", "margin", "sure"]].to_numpy(), labels)
    return (float(model.intercept_[0]), *map(float, model.coef_[0]))


def _all_pairs(items: pd.DataFrame) -> set:
    nodes = sorted(set(item_nodes(items)))
    return {frozenset((a, b)) for a, b in combinations(nodes, 2) if a[0] != b[0]}


def pooled(folds: list[dict], items: pd.DataFrame) -> tuple[float, float]:
    """Precision and recall over every left-out document's pairs together."""
    truth, dont_care, _ = key_pairs(items)
    hits = predicted = relevant = 0
    for fold in folds:
        pred = (fold["predicted"] - dont_care) & fold["touches"]
        true = truth & fold["touches"]
        hits, predicted, relevant = (
            hits + len(pred & true),
            predicted + len(pred),
            relevant + len(true),
        )
    return hits / max(predicted, 1), hits / max(relevant, 1)


def main() -> None:
    import logging
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from sample_items import SAMPLE_FILES, parsed_sample_items

    logging.disable(logging.WARNING)
    items = parsed_sample_items()
    names = {parsed_sample_items([n])["document_id"].iloc[0]: n[:3] for n in SAMPLE_FILES}
    joins = JOIN_CONFIDENCES
    for label, weights in (("without", (0.0,)), ("with", (0.1, 0.2, 0.3))):
        folds = leave_one_document_out(items, weights, joins)
        print(f"leave one document out, {label} the semantic feature:")
        for f in folds:
            print(
                f"  {names[f['document']]} ({f['document'][:8]})  semantic "
                f"{f['semantic_weight']:.1f}  join "
                f"{f['join_confidence']:.1f}  precision {f['precision']:.3f}  recall "
                f"{f['recall']:.3f}  ({f['truth_pairs']} true pairs)"
            )
        p, r = pooled(folds, items)
        print(f"  pooled: precision {p:.3f}, recall {r:.3f}")


if __name__ == "__main__":
    main()
