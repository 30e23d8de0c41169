"""The link/ stage as a stage: pure entry points on in-memory frames, linear in repeated
refs, the semantic model loaded from the installed package with no network, and the CLI
and store kept to their own jobs (no import loops, no heavy imports for --help)."""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lineage_frames import repeated_refs
from ragtrack.link.items import linking_frame
from ragtrack.link.lineage import LineageSettings, link_items

SRC = Path(__file__).resolve().parents[1] / "src" / "ragtrack"


def test_thousands_of_repeats_of_a_few_refs_are_one_item_each_with_one_warning() -> None:
    # a report whose rows were pasted over and over (issue 13: 2 MB took 83 s, quadratic)
    result = link_items(repeated_refs(3000, refs=3), settings=LineageSettings(weight_semantic=0.0))
    table = result.table
    assert len(table) == 6000 and table["lineage_id"].nunique() == 3
    repeats = [w for w in result.warnings if "word for word" in w]
    assert len(repeats) == 6  # one per ref and document, not one per row
    assert any("printed 1000 times word for word" in w for w in repeats)


def test_linking_frame_joins_document_fields_in_memory() -> None:
    items = pd.DataFrame(
        [
            {
                "document_id": "d1",
                "item_id": "a",
                "kind": "action",
                "ref": "1.1",
                "text": "x",
                "plan_year": None,
                "lineage_id": "stale",
            },
            {
                "document_id": "d2",
                "item_id": "b",
                "kind": "action",
                "ref": "1.1",
                "text": "x",
                "plan_year": None,
                "lineage_id": None,
            },
        ]
    )
    documents = pd.DataFrame(
        [
            {
                "document_id": "d1",
                "plan_year": "2019/20",
                "period_end": "2019-06-30",
                "doc_type": "progress_report",
                "quarter": 1,
            },
            {
                "document_id": "d2",
                "plan_year": None,
                "period_end": None,
                "doc_type": "progress_report",
                "quarter": None,
            },
        ]
    )
    frame = linking_frame(items, documents)
    assert list(frame["item_id"]) == ["a"]  # no plan year: left out (and logged)
    assert frame.loc[0, "plan_year"] == "2019/20" and "lineage_id" not in frame


def test_semantic_model_loads_from_the_package_with_no_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("wordllama")
    from ragtrack.link import semantic

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the semantic model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setenv("HOME", str(tmp_path))  # no cache of an earlier download to lean on
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    semantic._model.cache_clear()
    try:
        vectors = semantic.embed(
            [
                "Refresh the property asset management strategy",
                "Adopt and implement the property asset management strategy",
                "Foster carers recruited",
                "",
            ]
        )
    finally:
        semantic._model.cache_clear()
    assert vectors.shape == (4, semantic.MODEL_DIM)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-4)
    assert not vectors[3].any()
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert not list(tmp_path.iterdir())  # nothing downloaded or cached in HOME


def test_semantic_feature_changes_scores_only_when_weighted() -> None:
    pytest.importorskip("wordllama")
    from ragtrack.link.entities import build_entities
    from ragtrack.link.features import build_features, score

    # a paraphrase with no word in common: only the embedding sees it
    texts = ["sickness absence among staff", "days lost to illness per employee"]
    cols = {
        "item_id": ["a", "b"],
        "document_id": ["d1", "d2"],
        "kind": ["action"] * 2,
        "plan_year": ["2018/19", "2019/20"],
        "_ref": [None, None],
        "_masked": texts,
        "text": texts,
        "outcome": [None] * 2,
        "supporting_outcome": [None] * 2,
    }
    entities = build_entities(cols, [0, 1], LineageSettings(), [])
    off = LineageSettings(weight_semantic=0.0)
    on = LineageSettings(weight_semantic=0.5)
    plain = score(build_features(cols, entities, off), [0], [1], off)[0, 0]
    semantic = score(build_features(cols, entities, on), [0], [1], on)[0, 0]
    assert semantic > plain


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_lineage_cli_calls_only_the_api() -> None:
    ours = {n for n in _imports(SRC / "lineage_cli.py") if n.startswith("ragtrack")}
    assert ours <= {"ragtrack", "ragtrack.api", "ragtrack.errors", "ragtrack.cli_params"}


def test_link_stage_does_no_io_and_imports_no_store() -> None:
    for path in (SRC / "link").glob("*.py"):
        imported = _imports(path)
        assert not any(
            n.startswith(("ragtrack.store", "ragtrack.api", "ragtrack.pipeline")) for n in imported
        ), path.name


def test_help_does_not_import_the_linker() -> None:
    code = (
        "import sys, ragtrack.cli; "
        "heavy = [m for m in ('wordllama', 'sklearn', 'ragtrack.link.matching') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
