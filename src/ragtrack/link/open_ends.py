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
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ragtrack.link.entities import Entity
from ragtrack.link.features import build_features, score, semantic_similarity
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
    ends = tails + heads
    entities, cols = _entities(ends, items)
    semantic = semantic_available()
    f = build_features(cols, entities, replace(settings, weight_semantic=1.0 if semantic else 0))
    rows, columns = list(range(len(tails))), list(range(len(tails), len(ends)))
    lexical = score(f, rows, columns, replace(settings, weight_semantic=0.0))
    sem = semantic_similarity(f.semantic[rows] @ f.semantic[columns].T) if semantic else None
    combined = (lexical + sem) / 2 if sem is not None else lexical
    allowed = _allowed(entities[: len(tails)], entities[len(tails) :], settings.max_gap)
    combined = np.where(allowed, combined, -1.0)
    out = []
    for r, c in _mutual_best(combined):
        pair_score = float(combined[r, c])
        runner_up = max(_second(combined[r, :], c), _second(combined[:, c], r), 0.0)
        conf = confidence(settings, pair_score, pair_score - runner_up)
        pair = frozenset((tails[r][0], heads[c][0]))
        if conf < settings.review_floor or pair in exclude:
            continue
        out.append(
            OpenEnd(
                item_a=tails[r][0],
                item_b=heads[c][0],
                score=round(pair_score, 4),
                margin=round(pair_score - runner_up, 4),
                confidence=round(conf, 4),
                semantic=round(float(sem[r, c]), 4) if sem is not None else None,
            )
        )
    return out


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
    by_item = items.drop_duplicates("item_id").set_index("item_id")
    cols: dict[str, list] = {"text": [], "_masked": [], "outcome": [], "supporting_outcome": []}
    entities = []
    for i, (item_id, plan_year, kind, ref) in enumerate(ends):
        for column in ("text", "outcome", "supporting_outcome"):
            value = by_item.at[item_id, column] if column in by_item.columns else None
            cols[column].append(value if isinstance(value, str) else None)
        cols["_masked"].append(masked_text(cols["text"][-1] or ""))
        canon = canonical_ref(ref) if isinstance(ref, str) and ref.strip() else None
        entities.append(Entity(i, str(plan_year), plan_year_start(plan_year), kind, canon, ""))
        entities[-1].rows.append(i)
    return entities, cols


def _allowed(tails: list[Entity], heads: list[Entity], max_gap: int) -> np.ndarray:
    """Pairs of the same kind where the tail ends within ``max_gap`` years before the head."""
    tail_year = np.array([t.year for t in tails])[:, None]
    head_year = np.array([h.year for h in heads])[None, :]
    same_kind = np.array([t.kind for t in tails])[:, None] == np.array([h.kind for h in heads])
    return same_kind & (tail_year < head_year) & (head_year - tail_year <= max_gap)


def _mutual_best(matrix: np.ndarray) -> list[tuple[int, int]]:
    """(row, column) pairs that are each other's best (ties to the lower index), above 0."""
    best_col = np.argmax(matrix, axis=1)
    best_row = np.argmax(matrix, axis=0)
    return [(r, int(c)) for r, c in enumerate(best_col) if best_row[c] == r and matrix[r, c] > 0]


def _second(values: np.ndarray, skip: int) -> float:
    """The best value of ``values`` other than position ``skip`` (0 when there is none)."""
    rest = np.delete(values, skip)
    return float(rest.max()) if rest.size else 0.0
