"""TF-IDF matrices of short texts: word uni- and bigrams, and character n-grams within words.

The matcher needs only the two vectorisers it always used (scikit-learn's ``TfidfVectorizer``
with ``sublinear_tf=True``, smoothed IDF and L2 rows), so they are written out here over
scipy.sparse instead of importing scikit-learn, which cost every ingest and every relink
about half a second of start-up. The matrices are the same as scikit-learn's, bit for bit:
terms numbered in alphabetical order, each row's entries stored in the order the terms were
first seen, the same floating-point steps in the same order (tests/test_tfidf.py compares).
"""

from __future__ import annotations

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
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[:n])
            while offset + n < len(padded):
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:
                break
    return grams


def tfidf_matrix(texts: Iterable[str], analyse: Callable[[str], list[str]]) -> sparse.csr_matrix:
    """Rows of sublinear TF (1 + log count) times smoothed IDF, each scaled to unit length;
    one all-zero column when no text has a term."""
    from scipy import sparse

    counts, first_seen = _count(texts, analyse)
    if not first_seen:
        return sparse.csr_matrix((counts.shape[0], 1))
    alphabetical = np.empty(len(first_seen), dtype=counts.indices.dtype)
    for rank, term in enumerate(sorted(first_seen)):
        alphabetical[first_seen[term]] = rank
    # renumbered in place: the entries keep their order (a conversion would sort them)
    matrix = counts
    matrix.indices = alphabetical.take(matrix.indices)
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


def _count(
    texts: Iterable[str], analyse: Callable[[str], list[str]]
) -> tuple[sparse.csr_matrix, dict[str, int]]:
    """Term counts per text (as floats), columns numbered by first appearance, each row
    sorted by it."""
    first_seen: dict[str, int] = {}
    columns: list[int] = []
    values: list[int] = []
    indptr = [0]
    for text in texts:
        row: dict[int, int] = {}
        for term in analyse(text):
            column = first_seen.setdefault(term, len(first_seen))
            row[column] = row.get(column, 0) + 1
        for column in sorted(row):
            columns.append(column)
            values.append(row[column])
        indptr.append(len(columns))
    from scipy import sparse

    shape = (len(indptr) - 1, max(len(first_seen), 1))
    counts = sparse.csr_matrix(
        (np.array(values, dtype=np.float64), np.array(columns, dtype=np.int32), indptr),
        shape=shape,
    )
    return counts, first_seen


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
