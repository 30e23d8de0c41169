"""Reviewers' decisions as data: which entities must share a lineage and which must not.

Decisions name items by plan year, kind and ref (or item_id for items without a ref). When
the same pair is decided both ways, the later decision (the later line of
``overrides.csv``) wins and a warning names both lines: a reviewer who changes their mind
appends a new decision, never edits the old one.
"""

from __future__ import annotations

from collections.abc import Sequence

from ragtrack.link.entities import Entity
from ragtrack.link.settings import Override
from ragtrack.normalise.refs import canonical_ref


def _where(o: Override) -> str:
    return f"line {o.line}" if o.line is not None else "an override"


def _describe(o: Override) -> str:
    return f"{o.kind} {o.plan_year_a} {o.ref_a} / {o.plan_year_b} {o.ref_b}"


def resolve_overrides(
    entities: list[Entity],
    cols: dict[str, list],
    overrides: Sequence[Override],
    warnings: list[str],
) -> tuple[list[list[int]], set[tuple[int, int]]]:
    """(groups of entities that must be one lineage, forbidden entity pairs both ways)."""
    by_key: dict[tuple[str, str, str], int] = {}
    for ent in entities:
        if ent.ref is not None:
            by_key.setdefault((ent.plan_year, ent.kind, ent.ref), ent.index)
        for r in ent.rows:
            by_key.setdefault((ent.plan_year, ent.kind, str(cols["item_id"][r])), ent.index)
            if isinstance(cols["_ref"][r], str):
                by_key.setdefault((ent.plan_year, ent.kind, cols["_ref"][r]), ent.index)

    def find(plan_year: str, kind: str, ref: str) -> int | None:
        key = (plan_year, kind, canonical_ref(ref) if ref else ref)
        found = by_key.get(key)
        return found if found is not None else by_key.get((plan_year, kind, ref))

    latest: dict[frozenset[int], Override] = {}
    for o in overrides:
        a, b = find(o.plan_year_a, o.kind, o.ref_a), find(o.plan_year_b, o.kind, o.ref_b)
        if a is None or b is None or a == b:
            why = "item not in the dataset" if a is None or b is None else "the same item twice"
            warnings.append(f"override {o.decision} {_describe(o)}: {why}; not applied")
            continue
        pair = frozenset((a, b))
        earlier = latest.get(pair)
        if earlier is not None and earlier.decision != o.decision:
            warnings.append(
                f"overrides {_where(earlier)} ({earlier.decision}) and {_where(o)} "
                f"({o.decision}) decide {_describe(o)} both ways; the later one, "
                f"{o.decision}, applies"
            )
        latest[pair] = o
    return _groups(latest, warnings)


def _groups(
    latest: dict[frozenset[int], Override], warnings: list[str]
) -> tuple[list[list[int]], set[tuple[int, int]]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    forbidden: set[tuple[int, int]] = set()
    for pair, o in sorted(latest.items(), key=lambda kv: sorted(kv[0])):
        a, b = sorted(pair)
        if o.decision == "must_link":
            ra, rb = root(a), root(b)
            parent[max(ra, rb)] = min(ra, rb)
        else:
            forbidden |= {(a, b), (b, a)}
    for a, b in sorted(forbidden):
        if a < b and a in parent and b in parent and root(a) == root(b):
            o = latest[frozenset((a, b))]
            warnings.append(
                f"override cannot_link {_describe(o)} ({_where(o)}) contradicts must_link "
                "decisions that join them through other items; the must_link decisions apply"
            )
    members: dict[int, list[int]] = {}
    for x in sorted(parent):
        members.setdefault(root(x), []).append(x)
    return [m for m in members.values() if len(m) > 1], forbidden
