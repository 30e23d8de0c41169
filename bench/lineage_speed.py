"""How fast lineage links a long history: 200 synthetic plan years of 150 items each.

Each year keeps most items (reworded a little, figures changed, refs renumbered), drops a
few and adds a few, like a real council plan. Prints the time to link the whole history from
scratch and the share of true continuations found. Target: under 10 s on 2 cores,
with or without the semantic feature. Then times building the review queue over that history
(it scores every open lineage end, with the semantic model when installed) and linking
documents that repeat a few refs thousands of times (linear in the rows, not quadratic).

    PYTHONPATH=src python bench/lineage_speed.py [--years 200] [--items 150]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import random
import sys
import time
from pathlib import Path

import pandas as pd

from ragtrack.link.lineage import LineageSettings, link_items
from ragtrack.link.review import review_queue

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from lineage_frames import repeated_refs

WORDS = [f"w{n}" for n in range(3000)]


def synthetic_items(years: int, per_year: int, seed: int = 7) -> tuple[pd.DataFrame, dict]:
    """Items for ``years`` plan years and the true lineage of each item."""
    rng = random.Random(seed)
    live: list[tuple[int, list[str], str]] = []  # (lineage, words, kind)
    next_lineage = 0
    rows, truth = [], {}
    for y in range(years):
        plan_year = f"{1800 + y}/{(1801 + y) % 100:02d}"
        survivors = [entry for entry in live if rng.random() > 0.06]
        while len(survivors) < per_year:
            kind = "measure" if rng.random() < 0.3 else "action"
            survivors.append((next_lineage, rng.sample(WORDS, 14), kind))
            next_lineage += 1
        live = []
        rng.shuffle(survivors)
        counts = {"action": 0, "measure": 0}
        for lineage, words, kind in survivors:
            words = list(words)
            for _ in range(rng.randint(0, 2)):  # reword a little each year
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            live.append((lineage, words, kind))
            counts[kind] += 1
            ref = ("M" if kind == "measure" else "") + f"{1 + counts[kind] // 40}.{counts[kind]}"
            item_id = f"i{y}-{lineage}"
            text = " ".join(words) + f" to {rng.randint(1, 99)}% by March {1801 + y}"
            rows.append(
                {
                    "document_id": f"d{y}",
                    "item_id": item_id,
                    "kind": kind,
                    "ref": ref,
                    "plan_year": plan_year,
                    "text": text,
                    "outcome": None,
                    "supporting_outcome": None,
                }
            )
            truth[item_id] = lineage
    return pd.DataFrame(rows), truth


def _timed(items: pd.DataFrame, settings: LineageSettings) -> tuple[pd.DataFrame, float]:
    start = time.perf_counter()
    table = link_items(items, settings=settings).table
    return table, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=200)
    parser.add_argument("--items", type=int, default=150)
    parser.add_argument("--repeats", type=int, nargs="*", default=[5000, 20000, 50000])
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    items, truth = synthetic_items(args.years, args.items)
    by_truth: dict[int, list[str]] = {}
    for item_id in items["item_id"]:
        by_truth.setdefault(truth[item_id], []).append(item_id)
    pairs = [pair for chain in by_truth.values() for pair in itertools.pairwise(chain)]
    tables = {}
    for label, weight in (("without", 0.0), ("with", 0.3)):
        table, elapsed = _timed(items, LineageSettings(weight_semantic=weight))
        tables[label] = table
        # a continuation is found when an item shares its predecessor's lineage
        ids = dict(zip(table["item_id"], table["lineage_id"], strict=True))
        found = sum(ids[a] == ids[b] for a, b in pairs)
        print(
            f"{args.years} plan years x {args.items} items ({len(items)} items), {label} the "
            f"semantic feature: linked in {elapsed:.2f} s; {found}/{len(pairs)} continuations"
        )
    start = time.perf_counter()
    # over the default linking: the made-up words mean nothing to the embedding model, so
    # with the semantic feature every continuation is sure and nothing is left to review
    queue = review_queue(tables["without"], items)
    print(
        f"review queue over that history: {len(queue)} links in {time.perf_counter() - start:.2f} s"
    )
    for rows in args.repeats:
        table, elapsed = _timed(repeated_refs(rows), LineageSettings())
        print(
            f"a plan and a report each repeating 5 refs over {rows} rows: linked in "
            f"{elapsed:.2f} s ({table['lineage_id'].nunique()} lineages)"
        )


if __name__ == "__main__":
    main()
