"""Open lineage ends in the review queue: a continuation reworded beyond the matcher's reach
is offered to the reviewer (by meaning, when the semantic extra is installed), not offered
again once rejected, and the queue degrades to text similarity without the extra."""

from __future__ import annotations

import importlib.util
import logging

import pandas as pd
import pytest

from lineage_frames import action_items
from ragtrack.link import open_ends
from ragtrack.link.lineage import Override, link_items
from ragtrack.link.review import review_queue

ROWS = [
    ("a1", "2018/19", "1.1", "Support more older people to live independently at home"),
    ("a2", "2018/19", "1.2", "Resurface 200 miles of rural roads and repair potholes"),
    ("a3", "2018/19", "1.3", "Open two new household waste recycling centres"),
    ("b1", "2019/20", "2.1", "Help elderly residents remain in their own homes for longer"),
    ("b2", "2019/20", "2.2", "Resurface rural roads and repair potholes across the county"),
    ("b3", "2019/20", "2.3", "Open new household waste recycling centres"),
    ("b4", "2019/20", "2.4", "Publish the annual library service review"),
]


@pytest.fixture(scope="module")
def items() -> pd.DataFrame:
    return action_items(ROWS)


def _pairs(queue: list) -> set[tuple[str, str, str]]:
    return {(c.status, c.ref_a, c.ref_b) for c in queue}


def test_a_reworded_continuation_is_offered_for_review(items: pd.DataFrame) -> None:
    pytest.importorskip("wordllama")
    lineage = link_items(items).table
    ids = dict(zip(lineage["item_id"], lineage["lineage_id"], strict=True))
    assert ids["a1"] != ids["b1"]  # too few words in common for the matcher
    queue = review_queue(lineage, items)
    assert ("candidate", "1.1", "2.1") in _pairs(queue)
    # the library review, which continues nothing, is not offered
    assert not any(c.ref_b == "2.4" for c in queue)


def test_a_rejected_open_end_is_not_offered_again(items: pd.DataFrame) -> None:
    lineage = link_items(items).table
    rejected = Override("cannot_link", "action", "2018/19", "1.1", "2019/20", "2.1")
    queue = review_queue(lineage, items, overrides=[rejected])
    assert ("candidate", "1.1", "2.1") not in _pairs(queue)


def test_without_the_semantic_extra_the_queue_says_so_and_uses_text_alone(
    items: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "wordllama" else real(name)
    )
    open_ends.semantic_available.cache_clear()
    try:
        lineage = link_items(items).table
        with caplog.at_level(logging.WARNING, logger="ragtrack"):
            queue = review_queue(lineage, items)
    finally:
        open_ends.semantic_available.cache_clear()
    assert any("semantic extra is not installed" in r.getMessage() for r in caplog.records)
    # by text alone the reworded pair is too weak to offer; nothing fails
    assert ("candidate", "1.1", "2.1") not in _pairs(queue)
