"""Order independence: the lineages depend only on the set of documents (and overrides),
never on the order reports arrive in or how they are batched; rebuild agrees; IDs follow
their items."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lineage_frames import action_items
from ragtrack.link.lineage import LineageSettings, Override, link_items
from sample_items import SAMPLE_FILES, parsed_sample_items

PREFIXES = [name[:3] for name in SAMPLE_FILES]


@pytest.fixture(scope="module")
def by_prefix() -> dict[str, pd.DataFrame]:
    items = parsed_sample_items()
    out = {}
    for name in SAMPLE_FILES:
        first = parsed_sample_items([name])["document_id"].iloc[0]
        out[name[:3]] = items[items["document_id"] == first]
    return out


def partition(table: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g["item_id"]) for _, g in table.groupby("lineage_id")}


def ingest_in_batches(
    by_prefix: dict[str, pd.DataFrame],
    batches: list[list[str]],
    overrides: list[Override] | None = None,
) -> pd.DataFrame:
    """Link as a scheduled job would: each batch added to what is there, existing IDs given."""
    existing: pd.DataFrame | None = None
    seen: list[str] = []
    for batch in batches:
        seen += batch
        items = pd.concat([by_prefix[p] for p in seen], ignore_index=True)
        existing = link_items(items, existing, overrides or ()).table
    assert existing is not None
    return existing


def _batchings(order: list[str], cuts: list[bool]) -> list[list[str]]:
    batches, current = [], []
    for prefix, cut in zip(order, [*cuts, True], strict=False):
        current.append(prefix)
        if cut:
            batches.append(current)
            current = []
    return [b for b in batches if b]


@pytest.fixture(scope="module")
def one_batch(by_prefix: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return ingest_in_batches(by_prefix, [PREFIXES])


@pytest.mark.slow  # a property soak: the samples ingested in random orders and batchings
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.permutations(PREFIXES),
    cuts=st.lists(st.booleans(), min_size=4, max_size=4),
)
@example(order=["000", "001", "002", "003", "004"], cuts=[True] * 4)
@example(order=["001", "004", "002", "000", "003"], cuts=[True] * 4)
@example(order=["002", "004", "003", "000", "001"], cuts=[True] * 4)  # date order
def test_any_order_and_batching_gives_the_batch_lineages(
    by_prefix: dict[str, pd.DataFrame],
    one_batch: pd.DataFrame,
    order: list[str],
    cuts: list[bool],
) -> None:
    table = ingest_in_batches(by_prefix, _batchings(list(order), cuts))
    assert partition(table) == partition(one_batch)
    # and rebuilding from scratch with these IDs changes nothing
    items = pd.concat([by_prefix[p] for p in PREFIXES], ignore_index=True)
    rebuilt = link_items(items, table).table
    assert dict(zip(rebuilt["item_id"], rebuilt["lineage_id"], strict=True)) == dict(
        zip(table["item_id"], table["lineage_id"], strict=True)
    )


def test_overrides_give_the_same_lineages_in_any_order(by_prefix: dict[str, pd.DataFrame]) -> None:
    overrides = [
        Override("cannot_link", "measure", "2019/20", "M1.11", "2021/22", "M2.14"),
        Override("must_link", "action", "2019/20", "1.6", "2021/22", "A1.1"),
    ]
    batch = ingest_in_batches(by_prefix, [PREFIXES], overrides)
    one_by_one = ingest_in_batches(
        by_prefix, [["001"], ["004"], ["002"], ["000"], ["003"]], overrides
    )
    assert partition(batch) == partition(one_by_one)


WORDS = [
    "library",
    "carers",
    "charter",
    "roads",
    "bridges",
    "energy",
    "schools",
    "fostering",
    "broadband",
    "skills",
]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), shuffle=st.integers(0, 10_000))
def test_row_order_never_changes_the_lineages(seed: int, shuffle: int) -> None:
    rng = random.Random(seed)
    rows = []
    for y in range(3):
        year = f"{2017 + y}/{18 + y}"
        for n in range(4):
            words = rng.sample(WORDS, 4)
            rows.append((f"{y}-{n}", year, f"1.{rng.randint(1, 3)}", " ".join(words)))
    frame = action_items(rows)
    shuffled = frame.sample(frac=1, random_state=shuffle)
    quiet = LineageSettings(weight_semantic=0.0)
    assert partition(link_items(frame, settings=quiet).table) == partition(
        link_items(shuffled, settings=quiet).table
    )
