"""Sentence-level semantic similarity from a static word-embedding model, on CPU, offline.

The model is WordLlama's default (``l2_supercat``, 256 dimensions), whose weights and
tokenizer ship inside the ``wordllama`` wheel: nothing is ever downloaded. Its loader looks
for the tokenizer under ``tokenizers/`` in the cache folder it is given (and would otherwise
fetch it), so we lay that folder out from the package's own files in a temporary folder and
pass ``disable_download=True``. Imported lazily, when linking, so ``ragtrack --help`` and
``ragtrack.load()`` do not pay for it.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ragtrack.errors import StoreError

MODEL_CONFIG = "l2_supercat"
MODEL_DIM = 256


@functools.cache
def _model() -> Any:
    """The embedding model, loaded once per process from the installed package's files."""
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError as exc:  # a broken install: say what is missing
        raise StoreError(
            f"semantic lineage matching needs the wordllama package "
            f"(pip install 'ragtrack[semantic]'): {exc}"
        ) from exc
    package = Path(wordllama.__file__).parent
    tokenizer = next((package / "tokenizers").glob(f"{MODEL_CONFIG}_tokenizer*.json"), None)
    weights = package / "weights" / f"{MODEL_CONFIG}_{MODEL_DIM}.safetensors"
    if tokenizer is None or not weights.exists():
        raise StoreError(f"the wordllama package at {package} lacks its {MODEL_CONFIG} model")
    with tempfile.TemporaryDirectory(prefix="ragtrack-wordllama-") as cache:
        (Path(cache) / "tokenizers").mkdir()
        shutil.copy(tokenizer, Path(cache) / "tokenizers" / tokenizer.name)
        return WordLlama.load(
            MODEL_CONFIG, cache_dir=Path(cache), dim=MODEL_DIM, disable_download=True
        )


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length sentence vectors (rows) for ``texts``; an empty text gets a zero vector."""
    out = np.zeros((len(texts), MODEL_DIM), dtype=np.float32)
    present = [i for i, t in enumerate(texts) if t.strip()]
    if present:
        vectors = _model().embed([texts[i] for i in present], norm=True)
        out[present] = np.asarray(vectors, dtype=np.float32)
    return out
