"""The review queue: the links worth a reviewer's minute, most consequential first.

Pure: built from the lineage table, the items (with their document fields) and the
commentary, all in memory. A link is queued when it is a ``candidate`` whose confidence is
at least ``review_floor`` (accepting it would join two lineages) or an ``auto`` link whose
confidence is below ``review_confidence`` (rejecting it would split one); so is an open
lineage end the matcher never proposed (:mod:`ragtrack.link.open_ends`), as a candidate,
when its confidence reaches ``review_floor``. The queue is ordered by how many appearances
a decision moves to another lineage, so links that join or split long histories come
first, then by the chance the matcher got the link wrong; it is cut at ``review_limit``.
"""

from __future__ import annotations

import bisect
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ragtrack.link.open_ends import open_ends
from ragtrack.link.settings import LineageSettings, Override
from ragtrack.normalise.refs import canonical_ref

SNIPPET = 200


@dataclass(frozen=True, slots=True)
class ReviewCandidate:
    """A link up for review: the item (b), the one it continues or would continue (a),
    the evidence, and context for each side."""

    lineage_id: str
    kind: str
    status: str
    score: float
    margin: float
    confidence: float
    #: appearances that change lineage if the reviewer overturns the matcher
    impact: int
    plan_year_a: str
    ref_a: str
    text_a: str
    plan_year_b: str
    ref_b: str
    text_b: str
    history_a: str = ""
    history_b: str = ""
    outcome_b: str = ""
    milestone_b: str = ""
    commentary_b: str = ""
    runner_up: str = ""


def override_key(ref: object, item_id: str) -> str:
    """How an override names an item: its ref, or its item_id when it has no ref."""
    return canonical_ref(ref) if isinstance(ref, str) and ref.strip() else str(item_id)


def decision_for(candidate: ReviewCandidate, accept: bool, reason: str = "") -> Override:
    """The override that records a reviewer's verdict on ``candidate``."""
    return Override(
        decision="must_link" if accept else "cannot_link",
        kind=candidate.kind,
        plan_year_a=candidate.plan_year_a,
        ref_a=candidate.ref_a,
        plan_year_b=candidate.plan_year_b,
        ref_b=candidate.ref_b,
        reason=reason or ("accepted in review" if accept else "rejected in review"),
    )


def review_queue(
    lineage: pd.DataFrame,
    items: pd.DataFrame,
    commentary: pd.DataFrame | None = None,
    settings: LineageSettings | None = None,
    overrides: Sequence[Override] = (),
) -> list[ReviewCandidate]:
    """The links up for review, most consequential first: the matcher's doubtful links and
    candidates, and the open lineage ends it never proposed (:mod:`ragtrack.link.open_ends`);
    pairs a reviewer already decided (``overrides``) are not offered again."""
    s = settings or LineageSettings()
    if lineage.empty:
        return []
    first = lineage[lineage["method"] == "text"]
    queued = first[
        ((first["status"] == "candidate") & (first["confidence"] >= s.review_floor))
        | ((first["status"] == "auto") & (first["confidence"] < s.review_confidence))
    ]
    context = _Context(lineage, items, commentary)
    # (row, its previous item, status, runner-up): a lineage-table row or an open end
    proposals: list[tuple[Any, str, str, object]] = []
    seen: set[frozenset[str]] = set()
    for row in queued.itertuples():
        status = str(row.status)
        prev = row.previous_item_id if status == "auto" else row.candidate_item_id
        if not isinstance(prev, str) or prev not in context.lineage_of:
            continue
        proposals.append((row, prev, status, row.runner_up_item_id))
        seen.add(frozenset((prev, str(row.item_id))))
    # a candidate too weak by text alone may be offered again as an open end
    exclude = frozenset(seen) | _decided(lineage, overrides)
    for end in open_ends(lineage, items, s, exclude):
        item_row = context.lineage_by_item.loc[end.item_b]
        assert isinstance(item_row, pd.Series)  # the lineage table has one row per item
        scored = _Scored(end.item_b, item_row, end.score, end.margin, end.confidence)
        proposals.append((scored, end.item_a, "candidate", None))
    # rank on the cheap fields first, so only the queue's links gather their context
    ranked = _one_per_join(
        sorted(proposals, key=lambda p: context.priority(p[0], p[1], p[2])), context
    )
    return [context.candidate(*p) for p in ranked[: s.review_limit]]


def _one_per_join(ranked: list[tuple[Any, str, str, object]], context: _Context) -> list:
    """Candidates that would join the same two lineages are one decision: keep the most
    confident (the matcher's candidate names a lineage's first row, an open end its last,
    so the same join could be offered twice)."""
    best: dict[frozenset[str], tuple[float, int]] = {}
    for k, (row, prev, status, _) in enumerate(ranked):
        if status != "candidate":
            continue
        join = frozenset((str(context.lineage_of[prev]), row.lineage_id))
        if join not in best or float(row.confidence) > best[join][0]:
            best[join] = (float(row.confidence), k)
    keep = {k for _, k in best.values()}
    return [p for k, p in enumerate(ranked) if p[2] != "candidate" or k in keep]


class _Scored:
    """An open end's item (b) dressed as a lineage-table row for :meth:`_Context.candidate`."""

    def __init__(
        self, item_id: str, row: pd.Series, score: float, margin: float, confidence: float
    ) -> None:
        self.item_id, self.score, self.margin, self.confidence = item_id, score, margin, confidence
        self.status = "candidate"
        self.lineage_id, self.kind = row["lineage_id"], row["kind"]
        self.plan_year, self.ref, self.document_id = (
            row["plan_year"],
            row["ref"],
            row["document_id"],
        )


class _Context:
    """What a review candidate shows beside the two texts: histories, commentary, sizes."""

    def __init__(
        self, lineage: pd.DataFrame, items: pd.DataFrame, commentary: pd.DataFrame | None
    ) -> None:
        self.fields = _ItemFields(items)
        self.lineage_by_item = lineage.set_index("item_id")
        self.lineage_of = dict(zip(lineage["item_id"], lineage["lineage_id"], strict=True))
        self.members: dict[str, list[str]] = {}
        for item_id, lineage_id in self.lineage_of.items():
            self.members.setdefault(str(lineage_id), []).append(item_id)
        self.sizes = {k: len(v) for k, v in self.members.items()}
        self.years = {
            str(k): sorted(v)
            for k, v in lineage["plan_year"].astype(str).groupby(lineage["lineage_id"])
        }
        self.notes = _commentary_by_ref(commentary)

    def impact(self, row: Any, prev: str, status: str) -> int:
        """Appearances that move: a join moves the smaller lineage, a split the smaller
        part."""
        if status == "candidate":
            a_lineage = self.lineage_of[prev]
            return int(min(self.sizes[str(a_lineage)], self.sizes[row.lineage_id]))
        years = self.years[str(row.lineage_id)]
        later = len(years) - bisect.bisect_left(years, str(row.plan_year))
        return min(later, len(years) - later)

    def priority(self, row: Any, prev: str, status: str) -> tuple:
        """The queue's order: impact, then :func:`expected_change` (computed here without
        building the candidate), then plan year, kind and ref."""
        impact = self.impact(row, prev, status)
        conf = float(row.confidence)
        wrong = conf if status == "candidate" else 1.0 - conf
        ref_b = override_key(row.ref, row.item_id)
        return (-impact, -round(impact * wrong, 6), str(row.plan_year), row.kind, ref_b)

    def candidate(self, row: Any, prev: str, status: str, runner_up: object) -> ReviewCandidate:
        a = self.lineage_by_item.loc[prev]
        field = self.fields.get
        note = self.notes.get((row.document_id, _canon(row.ref)))
        return ReviewCandidate(
            lineage_id=row.lineage_id,
            kind=row.kind,
            status=status,
            score=float(row.score),
            margin=float(row.margin),
            confidence=float(row.confidence),
            impact=self.impact(row, prev, status),
            plan_year_a=str(a["plan_year"]),
            ref_a=override_key(a["ref"], prev),
            text_a=field(prev, "text"),
            plan_year_b=str(row.plan_year),
            ref_b=override_key(row.ref, row.item_id),
            text_b=field(row.item_id, "text"),
            history_a=self.history(str(a["lineage_id"])),
            history_b=self.history(row.lineage_id),
            outcome_b=field(row.item_id, "outcome"),
            milestone_b=field(row.item_id, "milestone"),
            commentary_b=textwrap.shorten(note, SNIPPET) if note else "",
            runner_up=self.runner_up(runner_up),
        )

    def history(self, lineage_id: str) -> str:
        """The lineage's RAG per report, oldest first: ``2018/19 Q1 green; 2019/20 plan -``."""
        field = self.fields.get
        parts = []
        for item_id in self.members.get(lineage_id, ()):
            if item_id not in self.fields:
                continue
            when, quarter = field(item_id, "plan_year"), field(item_id, "quarter")
            plan = field(item_id, "doc_type") == "delivery_plan"
            label = "plan" if plan else (f"Q{quarter[:1]}" if quarter else "")
            rag = field(item_id, "rag") or "-"
            parts.append((when, field(item_id, "period_end"), f"{when} {label} {rag}"))
        return "; ".join(" ".join(p[2].split()) for p in sorted(parts))

    def runner_up(self, item_id: object) -> str:
        if not isinstance(item_id, str) or item_id not in self.lineage_by_item.index:
            return ""
        row = self.lineage_by_item.loc[item_id]
        key = override_key(row["ref"], item_id)
        return f"{row['plan_year']} {key}: {self.fields.get(item_id, 'text')}"


class _ItemFields:
    """The items' fields a candidate shows, as text by item_id ("" where missing): looked up
    hundreds of times per queue, so read out of the frame once."""

    COLUMNS = ("text", "outcome", "milestone", "plan_year", "quarter", "doc_type", "rag")

    def __init__(self, items: pd.DataFrame) -> None:
        unique = items.drop_duplicates("item_id")
        self.values: dict[str, dict[str, str]] = {}
        for column in (*self.COLUMNS, "period_end"):
            if column not in unique.columns:
                continue
            texts = [_text(v) for v in unique[column].tolist()]
            self.values[column] = dict(zip(unique["item_id"], texts, strict=True))
        self.ids = set(unique["item_id"])

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.ids

    def get(self, item_id: str, column: str) -> str:
        return self.values.get(column, {}).get(item_id, "")


def _text(value: object) -> str:
    """A field as shown: "" for a missing value, else its text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    return "" if value is pd.NA else str(value)


def _decided(lineage: pd.DataFrame, overrides: Sequence[Override]) -> frozenset[frozenset[str]]:
    """Item pairs (each side's first row) a reviewer already decided."""
    if not overrides:
        return frozenset()
    firsts = lineage[lineage["method"] != "same_year_ref"]
    where = {
        (str(r.plan_year), str(r.kind), override_key(r.ref, str(r.item_id))): str(r.item_id)
        for r in firsts.itertuples()
    }
    out: set[frozenset[str]] = set()
    for o in overrides:
        a = where.get((o.plan_year_a, o.kind, o.ref_a)) or where.get(
            (o.plan_year_a, o.kind, override_key(o.ref_a, ""))
        )
        b = where.get((o.plan_year_b, o.kind, o.ref_b)) or where.get(
            (o.plan_year_b, o.kind, override_key(o.ref_b, ""))
        )
        if a and b:
            out.add(frozenset((a, b)))
    return frozenset(out)


def expected_change(c: ReviewCandidate) -> float:
    """Appearances a decision is expected to move: the impact times the chance the matcher
    was wrong (a candidate is right with its confidence, an auto link wrong with the rest)."""
    wrong = c.confidence if c.status == "candidate" else 1.0 - c.confidence
    return c.impact * wrong


def _canon(ref: object) -> str | None:
    return canonical_ref(ref) if isinstance(ref, str) and ref.strip() else None


def _commentary_by_ref(
    commentary: pd.DataFrame | None,
) -> dict[tuple[str, str | None], str]:
    """The first commentary paragraph about each ref of each document (looked up with None
    for an item without a ref); shortened when shown."""
    out: dict[tuple[str, str | None], str] = {}
    if commentary is None or commentary.empty or "refs" not in commentary:
        return out
    for doc, refs, text in zip(
        commentary["document_id"], commentary["refs"], commentary["text"], strict=True
    ):
        for ref in _refs(refs):
            out.setdefault((doc, canonical_ref(ref)), str(text))
    return out


def _refs(refs: Iterable[object] | float | None) -> Iterable[str]:
    if refs is None or isinstance(refs, float):
        return ()
    return [str(r) for r in refs]
