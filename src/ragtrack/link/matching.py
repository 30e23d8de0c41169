"""The partition of entities into lineages, computed from scratch from the whole set.

Plan years are visited in order; each year's entities are matched to the lineages seen in the
previous plan year by optimal one-to-one assignment (``scipy.optimize.linear_sum_assignment``)
with a no-match threshold, and entities left over may reconnect to lineages last seen up to
``max_gap`` plan years earlier. Nothing depends on the order items arrived in: entities are
indexed in a canonical order and every tie is broken by that index.

A proposed link is joined (``auto``) when its calibrated confidence reaches
``join_confidence``; otherwise it is kept as a ``candidate``: recorded, not joined.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ragtrack.link.assignment import linear_sum_assignment
from ragtrack.link.entities import Entity
from ragtrack.link.features import Features, score
from ragtrack.link.settings import LineageSettings, Method


@dataclass(slots=True)
class Link:
    """How one entity joined its lineage (or the link it was offered and did not take)."""

    group: int | None = None
    method: Method = "new"
    score: float | None = None
    margin: float | None = None
    confidence: float | None = None
    #: the entity it continues (joined) or would continue (candidate)
    previous: int | None = None
    candidate: bool = False
    runner_up: int | None = None


@dataclass(slots=True)
class _State:
    entities: list[Entity]
    f: Features
    s: LineageSettings
    forbidden: set[tuple[int, int]]
    links: list[Link]
    members: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_year: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    at_year: dict[int, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    #: each group's plan years, sorted
    years: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def join(self, group: int, ent: Entity) -> None:
        self.links[ent.index].group = group
        self.members[group].append(ent.index)
        self.by_year[ent.year].add(group)
        if ent.year not in self.at_year[group]:
            self.at_year[group][ent.year] = ent.index
            bisect.insort(self.years[group], ent.year)


def confidence(
    settings: LineageSettings, link_score: float, margin: float, sure: bool = False
) -> float:
    """The calibrated probability that a link is right, from its score, its lead and whether
    the matcher would make it (``sure``: it clears the threshold or leads by ``min_margin``
    among the pairs still free, not only over the runners-up it was scored against)."""
    s = settings
    z = s.confidence_bias + s.confidence_score * link_score + s.confidence_margin * margin
    z += s.confidence_sure * sure
    return 1.0 / (1.0 + math.exp(-z))


def partition(
    entities: list[Entity],
    f: Features,
    settings: LineageSettings,
    must_link: list[list[int]],
    forbidden: set[tuple[int, int]],
) -> list[Link]:
    """Each entity's group (the index of a member) and how it got there."""
    state = _State(entities, f, settings, forbidden, [Link() for _ in entities])
    for group in must_link:
        label = min(group)
        for i in sorted(group, key=lambda k: (entities[k].year, k)):
            state.join(label, entities[i])
            state.links[i].method = "override"
    by_year: dict[int, list[Entity]] = defaultdict(list)
    for ent in entities:
        by_year[ent.year].append(ent)
    years = sorted(by_year)
    for pos, year in enumerate(years):
        previous_year = years[pos - 1] if pos else None
        pending = [e for e in by_year[year] if state.links[e.index].group is None]
        for kind in sorted({e.kind for e in pending}):
            todo = [e for e in pending if e.kind == kind]
            for adjacent in (True, False):
                todo = [e for e in todo if state.links[e.index].group is None]
                candidates = _lineages(state, year, kind, previous_year, adjacent)
                if todo and candidates:
                    _assign_stage(state, todo, candidates, adjacent)
        for ent in pending:
            if state.links[ent.index].group is None:
                state.join(ent.index, ent)
    _chain(state)
    return state.links


def _lineages(
    state: _State, year: int, kind: str, previous_year: int | None, adjacent: bool
) -> list[tuple[int, int, int]]:
    """Groups an entity of ``year`` may join: (group, its latest earlier entity, its first).

    Adjacent stage: groups seen in the previous plan year of the dataset. Reconnect stage:
    groups last seen within ``max_gap`` plan years, not adjacent.
    """
    out = []
    gap = state.s.max_gap
    nearby: set[int] = set()
    for y in range(year - gap, year):
        nearby |= state.by_year.get(y, set())
    for group in sorted(nearby - state.by_year.get(year, set())):
        years, seen = state.years[group], state.at_year[group]
        if state.entities[seen[years[0]]].kind != kind or years[0] > year:
            continue
        before = years[bisect.bisect_left(years, year) - 1]
        if (before == previous_year) != adjacent:
            continue
        out.append((group, seen[before], seen[years[0]]))
    return out


def _scores(
    state: _State, todo: list[Entity], candidates: list[tuple[int, int, int]]
) -> tuple[list[int], np.ndarray]:
    cols = [e.index for e in todo]
    scores = score(state.f, [c[1] for c in candidates], cols, state.s)
    if state.forbidden:
        for r, cand in enumerate(candidates):
            members = state.members[cand[0]]
            for c, col in enumerate(cols):
                if any((m, col) in state.forbidden for m in members):
                    scores[r, c] = 0.0
    return cols, scores


def _assign_stage(
    state: _State,
    todo: list[Entity],
    candidates: list[tuple[int, int, int]],
    adjacent: bool,
) -> None:
    """Rounds of optimal assignment: a weak link must lead its runner-up among the rows and
    columns still free, so links already taken by stronger pairs stop competing."""
    s = state.s
    threshold, floor = (
        (s.link_threshold, s.link_floor) if adjacent else (s.reconnect_threshold, s.reconnect_floor)
    )
    cols, scores = _scores(state, todo, candidates)
    free_rows = np.ones(len(candidates), dtype=bool)
    free_cols = np.ones(len(cols), dtype=bool)
    while free_rows.any() and free_cols.any():
        live = np.where(free_rows[:, None] & free_cols[None, :], scores, 0.0)
        allowed = np.where(live >= floor, live, 0.0)
        if not allowed.any():
            break
        worth = np.where(allowed > 0, allowed - s.unlinked_share * floor + 1e-9, 0.0)
        worth = _keep_clear_pairs(allowed, worth, s.min_margin)
        row_ind, col_ind = linear_sum_assignment(worth, maximize=True)
        rivals = _rival_scores(live, allowed, row_ind, col_ind, s.partner_discount)
        col_top, row_top = _Top2(rivals), _Top2(rivals.T)
        taken = drifted = 0
        for r, c in zip(row_ind, col_ind, strict=True):
            link_score = float(live[r, c])
            if link_score < floor:
                continue
            alt_row = col_top.other(c, r)
            runner_up = max(alt_row[1], row_top.other(r, c)[1])
            if _drifts(state, candidates[r], cols[c]):
                scores[r, c] = 0.0
                drifted += 1
                continue
            link = state.links[cols[c]]
            sure = link_score >= threshold or link_score - runner_up >= s.min_margin
            conf = confidence(s, link_score, link_score - runner_up, sure)
            if link.candidate and link.score is not None and link.score >= link_score:
                continue
            link.score, link.margin = round(link_score, 4), round(link_score - runner_up, 4)
            link.confidence = round(conf, 4)
            link.previous = candidates[r][1]
            link.runner_up = candidates[alt_row[0]][1] if alt_row[0] is not None else None
            if sure and conf >= s.join_confidence:
                link.method, link.candidate = "text", False
                state.join(candidates[r][0], todo[c])
                free_rows[r] = free_cols[c] = False
                taken += 1
            else:
                link.method, link.candidate = "new", True
        if not taken and not drifted:
            break


def _keep_clear_pairs(allowed: np.ndarray, worth: np.ndarray, margin: float) -> np.ndarray:
    """Pairs that are each other's best by at least ``margin`` over both sides' runners-up
    are kept whole: the assignment may not trade such a link for two weaker ones that merely
    add up to more."""
    if allowed.shape[0] < 1 or allowed.shape[1] < 1:
        return worth
    best_col = np.argmax(allowed, axis=1)
    best_row = np.argmax(allowed, axis=0)
    rows = np.arange(allowed.shape[0])
    mutual = (best_row[best_col] == rows) & (allowed[rows, best_col] > 0)
    if not mutual.any():
        return worth
    second_row = _second(allowed)
    second_col = _second(allowed.T)
    out = worth.copy()
    for r in rows[mutual]:
        c = best_col[r]
        value = allowed[r, c]
        if value - max(second_row[r], second_col[c]) >= margin:
            keep = out[r, c]
            out[r, :] = 0.0
            out[:, c] = 0.0
            out[r, c] = keep
    return out


def _second(matrix: np.ndarray) -> np.ndarray:
    """Each row's second-highest value (0 for a row of one)."""
    if matrix.shape[1] < 2:
        return np.zeros(matrix.shape[0])
    return np.partition(matrix, -2, axis=1)[:, -2]


def _drifts(state: _State, candidate: tuple[int, int, int], col: int) -> bool:
    """Drift guard: refuse a link whose text has next to nothing in common with the
    lineage's first appearance (A -> B -> C where C shares nothing with A)."""
    group, neighbour, origin = candidate
    if origin == neighbour or len(state.members[group]) < 2:
        return False
    first, new = state.f.words[origin], state.f.words[col]
    if not first or not new:
        return False
    return len(first & new) / min(len(first), len(new)) < state.s.drift_floor


def _chain(state: _State) -> None:
    """Each joined entity's previous appearance: the member of its group a year before."""
    for members in state.members.values():
        chain = sorted(members, key=lambda i: (state.entities[i].year, i))
        for k, idx in enumerate(chain):
            link = state.links[idx]
            if k == 0:
                if not link.candidate:
                    link.previous = None
                if link.method == "override":
                    link.method = "new"
                continue
            if link.method == "override":
                link.previous = chain[k - 1]
                link.score = link.margin = link.confidence = None
            elif link.method == "text":
                link.previous = chain[k - 1] if link.previous is None else link.previous


def _rival_scores(
    live: np.ndarray,
    allowed: np.ndarray,
    row_ind: np.ndarray,
    col_ind: np.ndarray,
    discount: float,
) -> np.ndarray:
    """How strongly each pair competes with the links the assignment chose.

    A runner-up that the assignment gave a partner it scores higher with competes less: its
    score is lowered by ``discount`` times its lead with that partner. Two reworded actions
    that each came second to the other's match (workforce plan / workforce strategy) then no
    longer block each other, while an item with no better partner still competes fully.
    """
    if not discount:
        return live
    own_row = np.zeros(live.shape[0])
    own_col = np.zeros(live.shape[1])
    chosen = allowed[row_ind, col_ind]
    own_row[row_ind] = chosen
    own_col[col_ind] = chosen
    lead = np.maximum(own_row[:, None] - live, 0.0), np.maximum(own_col[None, :] - live, 0.0)
    # pair (r', c) competes with link (r, c) as r' would, so r''s lead counts; likewise c'
    return live - discount * np.maximum(lead[0], lead[1])


class _Top2:
    """The two best rows of each column of a matrix, to find a pair's runner-up fast."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.size = matrix.shape[0]
        masked = matrix.copy()
        self.best = np.argmax(masked, axis=0)
        cols = np.arange(matrix.shape[1])
        self.best_value = masked[self.best, cols]
        if self.size > 1:
            masked[self.best, cols] = -np.inf
            self.second = np.argmax(masked, axis=0)
            self.second_value = masked[self.second, cols]

    def other(self, col: int | np.integer, skip: int | np.integer) -> tuple[int | None, float]:
        """The best row of ``col`` other than ``skip``: (row, value), or (None, 0)."""
        if self.size < 2:
            return None, 0.0
        if self.best[col] != skip:
            row, value = int(self.best[col]), float(self.best_value[col])
        else:
            row, value = int(self.second[col]), float(self.second_value[col])
        return (row, value) if value > 0 else (None, 0.0)
