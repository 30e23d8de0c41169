"""How fast lineage links a long history: 200 synthetic plan years of 150 items each.

Each year keeps most items (reworded a little, figures changed, refs renumbered), drops a
few and adds a few, like a real council plan. Prints the time to link the whole history from
scratch and the share of true continuations found. Target: under 10 s on 2 cores.

    PYTHONPATH=src python bench/lineage_speed.py [--years 200] [--items 150]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import random
import time

import pandas as pd

from ragtrack.link.lineage import LineageAssigner

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=200)
    parser.add_argument("--items", type=int, default=150)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    items, truth = synthetic_items(args.years, args.items)
    start = time.perf_counter()
    result = LineageAssigner().assign(items)
    elapsed = time.perf_counter() - start
    table = result.table
    # a continuation is found when an item shares its predecessor's lineage
    by_truth: dict[int, list[str]] = {}
    for item_id in items["item_id"]:
        by_truth.setdefault(truth[item_id], []).append(item_id)
    ids = dict(zip(table["item_id"], table["lineage_id"], strict=True))
    pairs = [pair for chain in by_truth.values() for pair in itertools.pairwise(chain)]
    found = sum(ids[a] == ids[b] for a, b in pairs)
    print(
        f"{args.years} plan years x {args.items} items ({len(items)} items) linked in "
        f"{elapsed:.2f} s; {found}/{len(pairs)} continuations found"
    )


if __name__ == "__main__":
    main()
