"""Names for lineages: a persisted ID follows the majority of its items; a new lineage is
named from its earliest member, so the same set of items always gets the same names."""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pandas as pd

from ragtrack.link.assignment import linear_sum_assignment


def new_lineage_id(key: str, n: int = 0) -> str:
    """A lineage ID derived from a member's key (``n`` > 0: the n-th alternative)."""
    text = key if n == 0 else f"{key}#{n}"
    return "L" + hashlib.sha1(text.encode()).hexdigest()[:11]


def name_groups(
    item_ids: list[str],
    groups: list[int],
    group_keys: dict[int, str],
    existing: pd.DataFrame | None,
) -> dict[int, str]:
    """An ID for every group: old IDs by maximum one-to-one item overlap (ties to the
    earlier group and old ID in sorted order), new ones from ``group_keys``."""
    old: dict[str, str] = {}
    if existing is not None and not existing.empty:
        old = dict(
            zip(existing["item_id"].astype(str), existing["lineage_id"].astype(str), strict=True)
        )
    labels = sorted(set(groups), key=lambda g: group_keys[g])
    counts = Counter((g, old[i]) for i, g in zip(item_ids, groups, strict=True) if i in old)
    names: dict[int, str] = {}
    old_ids = sorted({o for _, o in counts})
    if old_ids:
        gi = {g: k for k, g in enumerate(labels)}
        oi = {o: k for k, o in enumerate(old_ids)}
        overlap = np.zeros((len(labels), len(old_ids)))
        for (g, o), n in counts.items():
            overlap[gi[g], oi[o]] = n
        rows, cols = linear_sum_assignment(overlap, maximize=True)
        for r, c in zip(rows, cols, strict=True):
            if overlap[r, c] > 0:
                names[labels[r]] = old_ids[c]
    taken = set(names.values()) | set(old.values())
    for g in labels:
        if g in names:
            continue
        n = 0
        while (candidate := new_lineage_id(group_keys[g], n)) in taken:
            n += 1
        names[g] = candidate
        taken.add(candidate)
    return names
