"""Open ends: links the matcher never proposed, offered for review.

A continuation reworded beyond the matcher's floor leaves two open ends: a lineage that
stops and, a year or two later, one that starts. A reviewer can only mend it if the queue
shows it, so for each lineage that starts (no predecessor) we look for a lineage of the same
kind that ended within ``max_gap`` plan years before, and offer the pair when each is the
other's best partner by the combined lexical and semantic score.

The semantic half uses the static sentence embeddings of :mod:`ragtrack.link.semantic` when
the ``semantic`` extra is installed, even when ``weight_semantic`` is 0 (the model only
ranks what a reviewer sees, it never joins anything). Without the extra the pairs are ranked
by the lexical score alone, and a warning says so once per process.

Pure: built from the lineage table and the items, in memory.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ragtrack.link.entities import Entity
from ragtrack.link.features import Features, build_features, score, semantic_similarity
from ragtrack.link.matching import confidence
from ragtrack.link.settings import LineageSettings
from ragtrack.link.text import masked_text, plan_year_start
from ragtrack.normalise.refs import canonical_ref

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OpenEnd:
    """A proposed link between a lineage's last appearance (a) and another's first (b)."""

    item_a: str
    item_b: str
    score: float
    margin: float
    confidence: float
    #: the semantic similarity (rescaled, 0..1), or None without the ``semantic`` extra
    semantic: float | None


@functools.cache
def semantic_available() -> bool:
    """Whether the ``semantic`` extra (wordllama) is installed; warns once when it is not."""
    if importlib.util.find_spec("wordllama") is not None:
        return True
    log.warning(
        "the semantic extra is not installed (pip install 'ragtrack[semantic]'): review "
        "candidates for open lineage ends are ranked by text similarity alone"
    )
    return False


def open_ends(
    lineage: pd.DataFrame,
    items: pd.DataFrame,
    settings: LineageSettings,
    exclude: frozenset[frozenset[str]] = frozenset(),
) -> list[OpenEnd]:
    """Mutual-best (tail, head) pairs of lineages, at least ``review_floor`` confident.

    ``exclude`` holds item pairs already decided or already up for review."""
    heads, tails = _ends(lineage)
    if not heads or not tails:
        return []
    entities, cols = _entities(tails + heads, items)
    semantic = semantic_available()
    f = build_features(cols, entities, replace(settings, weight_semantic=1.0 if semantic else 0))
    best = _Best(len(tails), len(heads))
    for rows, columns in _blocks(entities[: len(tails)], entities[len(tails) :], settings):
        combined, sem = _combined(f, rows, [len(tails) + c for c in columns], settings)
        best.update(rows, columns, combined, sem)
    out = []
    for c, r in enumerate(best.head_tail):
        if r < 0 or best.tail_head[r] != c:
            continue
        pair_score = float(best.head_value[c])
        margin = pair_score - max(best.head_second[c], best.tail_second[r], 0.0)
        conf = confidence(settings, pair_score, margin)
        if conf < settings.review_floor or frozenset((tails[r][0], heads[c][0])) in exclude:
            continue
        sem_value = None if not semantic else round(float(best.head_semantic[c]), 4)
        out.append(
            OpenEnd(
                tails[r][0],
                heads[c][0],
                round(pair_score, 4),
                round(margin, 4),
                round(conf, 4),
                sem_value,
            )
        )
    return out


def _combined(
    f: Features, rows: list[int], columns: list[int], settings: LineageSettings
) -> tuple[np.ndarray, np.ndarray | None]:
    """The mean of the lexical score and the rescaled embedding cosine (lexical alone
    without the model), and the semantic part."""
    lexical = score(f, rows, columns, replace(settings, weight_semantic=0.0))
    if f.semantic is None:
        return lexical, None
    sem = semantic_similarity(f.semantic[rows] @ f.semantic[columns].T)
    return (lexical + sem) / 2, sem


def _blocks(
    tails: list[Entity], heads: list[Entity], settings: LineageSettings
) -> Iterator[tuple[list[int], list[int]]]:
    """(tail positions, head positions) per head plan year and kind: tails of that kind that
    ended within ``max_gap`` plan years before, so the work grows with the years, not their
    square."""
    by_key: dict[tuple[int, str], list[int]] = defaultdict(list)
    for c, head in enumerate(heads):
        by_key[(head.year, head.kind)].append(c)
    for (year, kind), columns in sorted(by_key.items()):
        rows = [
            r
            for r, tail in enumerate(tails)
            if tail.kind == kind and year - settings.max_gap <= tail.year < year
        ]
        if rows:
            yield rows, columns


class _Best:
    """Each head's best tail and each tail's best head across blocks, with runners-up."""

    def __init__(self, n_tails: int, n_heads: int) -> None:
        self.head_tail = np.full(n_heads, -1)
        self.head_value = np.zeros(n_heads)
        self.head_second = np.zeros(n_heads)
        self.head_semantic = np.zeros(n_heads)
        self.tail_head = np.full(n_tails, -1)
        self.tail_value = np.zeros(n_tails)
        self.tail_second = np.zeros(n_tails)

    def update(
        self, rows: list[int], columns: list[int], matrix: np.ndarray, sem: np.ndarray | None
    ) -> None:
        for k, c in enumerate(columns):  # a head appears in one block only
            order = np.argsort(-matrix[:, k], kind="stable")
            self.head_tail[c] = rows[order[0]]
            self.head_value[c] = matrix[order[0], k]
            self.head_second[c] = matrix[order[1], k] if len(order) > 1 else 0.0
            self.head_semantic[c] = sem[order[0], k] if sem is not None else 0.0
        # a tail may meet heads of several plan years: merge this block's two best
        top = np.argmax(matrix, axis=1)
        value = matrix[np.arange(len(rows)), top]
        second = np.sort(matrix, axis=1)[:, -2] if matrix.shape[1] > 1 else np.zeros(len(rows))
        tails = np.asarray(rows)
        old_value, old_second = self.tail_value[tails], self.tail_second[tails]
        wins = (value > old_value) | (self.tail_head[tails] < 0)
        self.tail_second[tails] = np.maximum(
            np.where(wins, np.maximum(second, old_value), np.maximum(old_second, value)), 0.0
        )
        self.tail_head[tails] = np.where(wins, np.asarray(columns)[top], self.tail_head[tails])
        self.tail_value[tails] = np.where(wins, value, old_value)


def _ends(lineage: pd.DataFrame) -> tuple[list[tuple], list[tuple]]:
    """(item_id, plan_year, kind, ref) of each lineage's first appearance that has no
    predecessor (heads) and of each lineage's last appearance (tails)."""
    firsts = lineage[lineage["method"] != "same_year_ref"].copy()
    firsts["_year"] = firsts["plan_year"].map(plan_year_start)
    firsts = firsts.sort_values(["_year", "item_id"])
    fields = ["item_id", "plan_year", "kind", "ref"]
    grouped = firsts.groupby("lineage_id", sort=True)
    head_rows = grouped.head(1)
    head_rows = head_rows[head_rows["_year"] > firsts["_year"].min()]
    tail_rows = grouped.tail(1)
    tail_rows = tail_rows[tail_rows["_year"] < firsts["_year"].max()]
    heads = list(head_rows[fields].itertuples(index=False, name=None))
    tails = list(tail_rows[fields].itertuples(index=False, name=None))
    return heads, tails


def _entities(ends: list[tuple], items: pd.DataFrame) -> tuple[list[Entity], dict[str, list]]:
    """One single-row entity per end, and the columns the features read."""
    unique = items.drop_duplicates("item_id")
    wanted = {item_id for item_id, *_ in ends}
    ids = unique["item_id"].tolist()
    cols: dict[str, list] = {"text": [], "_masked": [], "outcome": [], "supporting_outcome": []}
    values = {
        column: {i: v for i, v in zip(ids, unique[column].tolist(), strict=True) if i in wanted}
        for column in ("text", "outcome", "supporting_outcome")
        if column in unique.columns
    }
    entities = []
    for i, (item_id, plan_year, kind, ref) in enumerate(ends):
        for column in ("text", "outcome", "supporting_outcome"):
            value = values.get(column, {}).get(item_id)
            cols[column].append(value if isinstance(value, str) else None)
        cols["_masked"].append(masked_text(cols["text"][-1] or ""))
        canon = canonical_ref(ref) if isinstance(ref, str) and ref.strip() else None
        entities.append(Entity(i, str(plan_year), plan_year_start(plan_year), kind, canon, ""))
        entities[-1].rows.append(i)
    return entities, cols
