"""link.tfidf gives scikit-learn's TfidfVectorizer matrices bit for bit (it replaced it, to
spare every ingest the import), on the sample reports' texts and on any text at all."""

from __future__ import annotations

import functools
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from ragtrack.link.tfidf import char_ngrams, tfidf_matrix, word_ngrams
from sample_items import parsed_sample_items


@functools.cache
def _sklearn_text() -> ModuleType:
    """scikit-learn's text module, imported by the first comparison rather than when tests
    are collected (1.5 s that every test process would pay)."""
    return pytest.importorskip("sklearn.feature_extraction.text")


def _theirs(texts: list[str], kind: str) -> sparse.csr_matrix:
    text_module = _sklearn_text()
    if kind == "words":
        vectoriser = text_module.TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b"
        )
    else:
        vectoriser = text_module.TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
        )
    try:
        return sparse.csr_matrix(vectoriser.fit_transform(texts))
    except ValueError:  # no term at all
        return sparse.csr_matrix((len(texts), 1))


def _ours(texts: list[str], kind: str) -> sparse.csr_matrix:
    return tfidf_matrix(texts, word_ngrams if kind == "words" else char_ngrams)


def _assert_identical(texts: list[str], kind: str) -> None:
    ours, theirs = _ours(texts, kind), _theirs(texts, kind)
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data, theirs.data)  # exact, not approximately
    assert np.array_equal((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray())


@pytest.mark.parametrize("kind", ["words", "chars"])
def test_the_samples_texts_give_scikit_learns_matrix(kind: str) -> None:
    texts = [t for t in parsed_sample_items()["text"] if isinstance(t, str)]
    assert len(texts) > 300
    _assert_identical(texts, kind)


@pytest.mark.parametrize("kind", ["words", "chars"])
@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_any_texts_give_scikit_learns_matrix(kind: str, texts: list[str]) -> None:
    _assert_identical(texts, kind)


def test_a_short_word_gives_itself_once_and_empty_texts_give_a_zero_column() -> None:
    assert char_ngrams("a") == [" a "] and char_ngrams("ab") == [" ab", "ab ", " ab "]
    assert word_ngrams("Care homes, care") == ["care", "homes", "care", "care homes", "homes care"]
    empty = tfidf_matrix(["", " "], word_ngrams)
    assert empty.shape == (2, 1) and empty.nnz == 0
