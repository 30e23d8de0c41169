"""TF-IDF matrices of short texts: word uni- and bigrams, and character n-grams within words.

The matcher needs only the two vectorisers it always used (scikit-learn's ``TfidfVectorizer``
with ``sublinear_tf=True``, smoothed IDF and L2 rows), so they are written out here over
scipy.sparse instead of importing scikit-learn, which cost every ingest and every relink
about half a second of start-up. The matrices are the same as scikit-learn's, bit for bit:
terms numbered in alphabetical order, each row's entries stored in the order the terms were
first seen, the same floating-point steps in the same order (tests/test_tfidf.py compares).
"""

from __future__ import annotations

import collections
import functools
import itertools
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy loads with the first matrix (it costs a start-up 0.2 s)
    from scipy import sparse

#: scikit-learn's default token: two or more word characters
_WORD = re.compile(r"(?u)\b\w\w+\b")
_RUNS_OF_SPACE = re.compile(r"\s\s+")


def word_ngrams(text: str) -> list[str]:
    """Lower-cased words of two or more characters, then each pair of neighbouring words."""
    tokens = _WORD.findall(text.lower())
    return tokens + [" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)]


def char_ngrams(text: str, low: int = 3, high: int = 5) -> list[str]:
    """Character n-grams (``low``..``high``) inside each word padded with a space on both
    sides; a word shorter than n gives itself once."""
    grams: list[str] = []
    for word in _RUNS_OF_SPACE.sub(" ", text.lower()).split():
        grams.extend(_word_ngrams(word, low, high))
    return grams


@functools.lru_cache(maxsize=1 << 16)
def _word_ngrams(word: str, low: int, high: int) -> tuple[str, ...]:
    """One word's character n-grams: plans repeat their words, so each is cut up once."""
    grams: list[str] = []
    padded = f" {word} "
    for n in range(low, high + 1):
        offset = 0
        grams.append(padded[:n])
        while offset + n < len(padded):
            offset += 1
            grams.append(padded[offset : offset + n])
        if offset == 0:
            break
    return tuple(grams)


def tfidf_matrix(texts: Iterable[str], analyse: Callable[[str], list[str]]) -> sparse.csr_matrix:
    """Rows of sublinear TF (1 + log count) times smoothed IDF, each scaled to unit length;
    one all-zero column when no text has a term."""
    from scipy import sparse

    matrix = _count(texts, analyse)
    if not matrix.nnz:
        return sparse.csr_matrix((matrix.shape[0], 1))
    np.log(matrix.data, matrix.data)
    matrix.data += 1.0
    documents = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.float64)
    documents += 1.0
    idf = np.full_like(documents, fill_value=matrix.shape[0] + 1, dtype=np.float64)
    idf /= documents
    np.log(idf, out=idf)
    idf += 1.0
    matrix.data *= idf[matrix.indices]
    _scale_rows_to_unit_length(matrix)
    return matrix


def _count(texts: Iterable[str], analyse: Callable[[str], list[str]]) -> sparse.csr_matrix:
    """Term counts per text (as floats), terms numbered alphabetically; each row's entries
    in the order their terms first appeared in all the texts, as scikit-learn stores them."""
    from scipy import sparse

    first_seen: dict[str, int] = {}
    ticket = itertools.count()  # ranks of first appearance, with gaps: their order is all
    ranks: list[int] = []
    values: list[int] = []
    indptr = [0]
    for text in texts:
        counts = collections.Counter(analyse(text))
        ranks.extend(map(first_seen.setdefault, counts, ticket))
        values.extend(counts.values())
        indptr.append(len(ranks))
    rows = len(indptr) - 1
    rank = np.array(ranks, dtype=np.int64)
    order = np.lexsort((rank, np.repeat(np.arange(rows), np.diff(indptr))))
    alphabetical = np.zeros(next(ticket), dtype=np.int32)
    terms = sorted(first_seen)
    alphabetical[np.fromiter(map(first_seen.__getitem__, terms), np.int64, len(terms))] = np.arange(
        len(terms), dtype=np.int32
    )
    return sparse.csr_matrix(
        (np.array(values, dtype=np.float64)[order], alphabetical[rank[order]], indptr),
        shape=(rows, max(len(terms), 1)),
    )


def _scale_rows_to_unit_length(matrix: sparse.csr_matrix) -> None:
    """Divide each row by its Euclidean length, summing the squares left to right (as
    scikit-learn does), in place; an empty row stays empty."""
    data, indptr = matrix.data, matrix.indptr
    for row in range(matrix.shape[0]):
        start, end = indptr[row], indptr[row + 1]
        if start == end:
            continue
        squares = np.add.accumulate(data[start:end] * data[start:end])[-1]
        if squares == 0.0:
            continue
        data[start:end] /= np.sqrt(squares)
