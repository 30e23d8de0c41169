"""Per-entity features and the cross-year score of a pair of entities.

The score is a weighted mean of text similarities (word TF-IDF cosine, character n-gram
cosine, rapidfuzz token-set ratio and, unless its weight is 0, the cosine of static sentence
embeddings) plus weak evidence: figures in common, outcome and supporting-outcome similarity,
a shared ref. Texts are masked (numbers, dates, target wording dropped) first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from ragtrack.link.entities import Entity
from ragtrack.link.settings import LineageSettings
from ragtrack.link.text import masked_text, numbers_in
from ragtrack.link.tfidf import char_ngrams, tfidf_matrix, word_ngrams

if TYPE_CHECKING:  # scipy loads when a first pair is scored, not for a batch with none
    from scipy import sparse

#: cosine of two unrelated plan rows' embeddings is about this; rescaled to 0
SEMANTIC_BASELINE = 0.3


@dataclass(frozen=True)
class Features:
    """Per-entity matching features, computed once per run (row i: entity i). The matrices
    are made when a pair is first scored: a report with no earlier year to link to (the
    first of a dataset) never needs them, nor scipy."""

    text: list[str]
    words: list[frozenset[str]]
    semantic: np.ndarray | None
    number_sets: list[frozenset[str]]
    outcome: list[str]
    supporting: list[str]
    ref: np.ndarray

    @cached_property
    def tfidf(self) -> sparse.csr_matrix:
        return tfidf_matrix(self.text, word_ngrams)

    @cached_property
    def chars(self) -> sparse.csr_matrix:
        """Character n-grams within words catch inflections: obese/obesity, rate/rates."""
        return tfidf_matrix(self.text, char_ngrams)

    @cached_property
    def numbers(self) -> sparse.csr_matrix:
        return _number_matrix(self.number_sets)

    @cached_property
    def number_counts(self) -> np.ndarray:
        return np.asarray(self.numbers.sum(axis=1)).ravel()


def build_features(
    cols: dict[str, list], entities: list[Entity], settings: LineageSettings
) -> Features:
    """Features of each entity, from its first row (the plan's wording when there is one)."""
    texts = [cols["_masked"][e.rows[0]] for e in entities]
    semantic = None
    if settings.weight_semantic:
        from ragtrack.link.semantic import embed

        semantic = embed(texts)
    return Features(
        text=texts,
        words=[frozenset(t.split()) for t in texts],
        semantic=semantic,
        number_sets=[numbers_in(cols["text"][e.rows[0]]) for e in entities],
        outcome=[masked_text(_first_str(cols, e.rows, "outcome")) for e in entities],
        supporting=[masked_text(_first_str(cols, e.rows, "supporting_outcome")) for e in entities],
        ref=np.array([e.ref or "" for e in entities], dtype=object),
    )


def text_similarity(
    f: Features, a: Sequence[int], b: Sequence[int], settings: LineageSettings
) -> np.ndarray:
    """Weighted mean of the text similarities of entities ``a`` (rows) and ``b`` (columns)."""
    s = settings
    a, b = list(a), list(b)
    total = s.weight_tfidf * (f.tfidf[a] @ f.tfidf[b].T).toarray()
    total += s.weight_char * (f.chars[a] @ f.chars[b].T).toarray()
    total += s.weight_token_set * _cdist([f.text[i] for i in a], [f.text[j] for j in b])
    weights = s.weight_tfidf + s.weight_char + s.weight_token_set
    if f.semantic is not None and s.weight_semantic:
        total += s.weight_semantic * semantic_similarity(f.semantic[a] @ f.semantic[b].T)
        weights += s.weight_semantic
    return total / weights


def semantic_similarity(cosine: np.ndarray) -> np.ndarray:
    """Embedding cosine rescaled so unrelated rows score about 0 and identical ones 1."""
    return np.clip((cosine - SEMANTIC_BASELINE) / (1 - SEMANTIC_BASELINE), 0.0, 1.0)


def score(f: Features, a: Sequence[int], b: Sequence[int], settings: LineageSettings) -> np.ndarray:
    """Score matrix of entities ``a`` (rows) against ``b`` (columns), in 0..1."""
    s = settings
    a, b = list(a), list(b)
    text = text_similarity(f, a, b, s)
    inter = (f.numbers[a] @ f.numbers[b].T).toarray()
    union = f.number_counts[a][:, None] + f.number_counts[b][None, :] - inter
    numbers = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    outcome = _cdist([f.outcome[i] for i in a], [f.outcome[j] for j in b])
    supporting = _cdist([f.supporting[i] for i in a], [f.supporting[j] for j in b])
    ref_a, ref_b = f.ref[a], f.ref[b]
    same_ref = (ref_a[:, None] == ref_b[None, :]) & (ref_a[:, None] != "")
    text_weight = s.weight_tfidf + s.weight_char + s.weight_token_set
    return (
        text_weight * text
        + s.weight_numbers * numbers
        + s.weight_outcome * outcome
        + s.weight_supporting * supporting
        + s.weight_ref * same_ref
    )


def _number_matrix(numbers: list[frozenset[str]]) -> sparse.csr_matrix:
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, nums in enumerate(numbers):
        for n in sorted(nums):
            rows.append(i)
            cols.append(vocabulary.setdefault(n, len(vocabulary)))
    return sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(numbers), max(1, len(vocabulary)))
    )


def _first_str(cols: dict[str, list], rows: list[int], column: str) -> str | None:
    for r in rows:
        value = cols[column][r]
        if isinstance(value, str) and value.strip():
            return value
    return None


def _cdist(a: list[str], b: list[str]) -> np.ndarray:
    """Token-set similarity of every pair; 0 where either text is empty. Each distinct text
    is compared once: outcome titles repeat across a year's hundreds of items."""
    if not any(a) or not any(b):
        return np.zeros((len(a), len(b)))
    (ua, ia), (ub, ib) = _distinct(a), _distinct(b)
    distinct = process.cdist(ua, ub, scorer=fuzz.token_set_ratio, workers=-1) / 100.0
    distinct[np.array([not x for x in ua]), :] = 0.0
    distinct[:, np.array([not x for x in ub])] = 0.0
    return distinct[np.ix_(ia, ib)]


def _distinct(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts in first-seen order, and each text's position among them."""
    index: dict[str, int] = {}
    positions = [index.setdefault(t, len(index)) for t in texts]
    return list(index), np.array(positions, dtype=np.intp)
