"""Lineage: one ``lineage_id`` for every appearance of an action or measure across years.

The council renumbers and rewords its plan every year, so a ref is not an identity across
years. Linking works in three layers:

1. Within one plan year the plan and its quarterly reports share refs: the same kind and ref
   are the same *entity* (a warning where their texts disagree, and a ref printed twice in one
   document is split and re-attached by text).
2. Across plan years entities are scored by text similarity with numbers, dates and years
   masked and the wording of targets dropped (TF-IDF cosine from scikit-learn plus rapidfuzz
   token-set similarity), with number
   agreement, outcome and supporting-outcome similarity and a shared ref as weak features. Kind
   must match. Links are chosen by optimal one-to-one assignment
   (``scipy.optimize.linear_sum_assignment``) between each plan year and the lineages seen in
   the previous plan year, with a no-match threshold (the assignment maximises each link's
   score less the worth of leaving its pair unlinked, so it never drops a clear link for two
   weak ones that add up to more): a link below the threshold must lead its
   runner-up, where a runner-up the assignment already gave a better partner competes only
   in part; entities left over may reconnect to
   lineages last seen up to ``max_gap`` plan years earlier. A drift guard refuses a link whose
   text has nothing in common with the lineage's first appearance.
3. Persisted IDs are kept: an item already in the lineage table keeps its ``lineage_id``; only
   overrides (must-link / cannot-link pairs) change a lineage, and they are applied before
   matching on every run. :meth:`LineageAssigner.rebuild` relinks from scratch and then gives
   each new lineage the old ID it overlaps most.

Pure functions over pandas tables; no I/O (see ``ragtrack.store.lineage_table``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import regex as re
from rapidfuzz import fuzz, process
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from ragtrack.normalise.refs import canonical_ref
from ragtrack.normalise.text import clean_text

log = logging.getLogger(__name__)

Method = Literal["same_year_ref", "text", "override", "new"]
OverrideKind = Literal["must_link", "cannot_link"]

LINEAGE_COLUMNS = [
    "item_id",
    "document_id",
    "kind",
    "ref",
    "plan_year",
    "lineage_id",
    "method",
    "score",
    "margin",
    "previous_item_id",
]


@dataclass(frozen=True, slots=True)
class LineageSettings:
    """Thresholds and feature weights of the matcher (scores are in 0..1)."""

    #: a cross-year link scoring at least this is taken on its own
    link_threshold: float = 0.5
    #: a weaker link (at least ``link_floor``) needs a clear lead over the runner-up
    link_floor: float = 0.25
    min_margin: float = 0.08
    #: the same two bounds for reconnecting to a lineage absent for a year or more
    reconnect_threshold: float = 0.55
    reconnect_floor: float = 0.4
    #: how many plan years back an item may reconnect
    max_gap: int = 2
    #: a link is refused when less than this share of its words (the shorter text's) are
    #: shared with the lineage's first appearance
    drift_floor: float = 0.1
    #: same ref, same year: texts less similar than this give a warning
    same_year_warn_below: float = 0.5
    #: a ref printed twice in one document re-attaches to another ref of its year at/above this
    same_year_text_match: float = 0.8
    #: links scoring below this, or with a margin below ``review_margin``, are up for review
    review_below: float = 0.6
    review_margin: float = 0.08
    #: a runner-up already matched to a partner it scores higher with competes with
    #: its score lowered by this share of its lead there (0: every runner-up counts in full)
    partner_discount: float = 0.5
    #: what leaving a candidate pair unlinked is worth to the assignment, as a share of the
    #: stage's floor: the assignment maximises the sum of (score - share * floor), so it
    #: does not trade one clear link for two weak ones that merely add up to more
    unlinked_share: float = 0.5
    weight_tfidf: float = 0.3
    weight_char: float = 0.3
    weight_token_set: float = 0.2
    weight_numbers: float = 0.05
    weight_outcome: float = 0.05
    weight_supporting: float = 0.1
    weight_ref: float = 0.02


@dataclass(frozen=True, slots=True)
class Override:
    """A reviewer's decision: two items are (must_link) or are not (cannot_link) one lineage.

    Each side is keyed by plan year, kind and ref; for items with no ref (the 2017/18 plan)
    the ``ref`` may hold the item_id instead.
    """

    decision: OverrideKind
    kind: str
    plan_year_a: str
    ref_a: str
    plan_year_b: str
    ref_b: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class LineageResult:
    """The lineage table (one row per item) and the warnings raised while building it."""

    table: pd.DataFrame
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- text features

_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|qtr|quarter|q[1-4]"
)
_YEAR_RANGE = re.compile(r"\b(?:19|20)\d\d\s*[/-]\s*(?:19|20)?\d\d\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"[£$]?\d[\d,]*(?:\.\d+)?\s*(?:%|m\b|k\b|million\b)?")
_NOT_DIGIT = re.compile(r"[^\d.]")
_MONTH = re.compile(rf"\b(?:{_MONTHS})\b")
_NON_WORD = re.compile(r"[^\p{L}\p{N}]+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "their",
        "this",
        "to",
        "we",
        "will",
        "with",
        "within",
        "which",
        "who",
        "that",
        "those",
        "these",
        "all",
        "any",
        "has",
        "have",
        "been",
        "being",
        "via",
        "per",
        "council",
        "councils",
        "county",
        "deliver",
        "delivered",
        "delivering",
        "delivery",
        "develop",
        "developed",
        "developing",
        "development",
        "implement",
        "implemented",
        "implementation",
        "continue",
        "continued",
        "ensure",
        "ensuring",
        "support",
        "supporting",
        "work",
        "working",
        "new",
        "plan",
        "plans",
        "including",
        "year",
        "years",
        "further",
        "through",
        "across",
        "take",
        "place",
        "put",
        "identified",
        "carried",
        "out",
        "produced",
        "agreed",
        "progress",
        "progressing",
        "undertake",
        "undertaken",
        # the wording of any target: "the number of ... to be less than ...", "an increase
        # in the percentage of ...", "maintain ... at least ..."
        "number",
        "numbers",
        "proportion",
        "percentage",
        "rate",
        "rates",
        "increase",
        "increased",
        "increasing",
        "reduce",
        "reduced",
        "reduction",
        "less",
        "than",
        "greater",
        "more",
        "least",
        "maintain",
        "maintained",
        "improve",
        "improved",
        "improvement",
        "target",
        "targets",
        "line",
        "level",
        "levels",
        "so",
        "up",
        "above",
        "below",
        "over",
        "under",
    ]
)
"""Function words, the verbs and nouns every plan row uses ("deliver", "develop",
"council", "plan") and the wording of any target ("the number of ... to be less than"): they
say nothing about which row continues which. Without the target words two measures sharing
only a reused ref and that template (road traffic collisions / fire protection audits) scored
as a continuation."""


def masked_text(text: str | None) -> str:
    """Lower-cased words with numbers, dates and years masked and stopwords dropped.

    Masking keeps "to 30%" and "to 45%" from counting as different wording: numbers are a
    separate feature (:func:`numbers_in`).
    """
    if not text:
        return ""
    text = clean_text(text).lower()
    text = _YEAR_RANGE.sub(" ", text)
    text = _YEAR.sub(" ", text)
    text = _MONTH.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    words = [w for w in _NON_WORD.sub(" ", text).split() if w not in _STOPWORDS]
    return " ".join(words)


def numbers_in(text: str | None) -> frozenset[str]:
    """The figures a text states (years excluded): ``'to 91.1%'`` -> ``{'91.1'}``."""
    if not text:
        return frozenset()
    text = _YEAR_RANGE.sub(" ", clean_text(text))
    text = _YEAR.sub(" ", text)
    found = set()
    for match in _NUMBER.finditer(text):
        digits = _NOT_DIGIT.sub("", match.group(0)).strip(".")
        if digits:
            found.add(digits)
    return frozenset(found)


def plan_year_start(plan_year: str) -> int:
    """``'2019/20'`` -> 2019: the order of plan years."""
    return int(str(plan_year)[:4])


# --------------------------------------------------------------------------- entities


@dataclass(slots=True)
class _Entity:
    """One action or measure in one plan year: the items (plan, reports) that share a ref."""

    index: int
    plan_year: str
    year: int
    kind: str
    ref: str | None
    key: str
    rows: list[int] = field(default_factory=list)
    lineage: str | None = None
    fixed: bool = False
    method: Method = "new"
    score: float | None = None
    margin: float | None = None


@dataclass(slots=True)
class _Features:
    """Per-entity matching features, precomputed once per run."""

    text: list[str]
    words: list[frozenset[str]]
    tfidf: sparse.csr_matrix
    chars: sparse.csr_matrix
    numbers: sparse.csr_matrix
    number_counts: np.ndarray
    outcome: list[str]
    supporting: list[str]
    ref: np.ndarray


class _Columns:
    """Plain-list columns of the items table: ``cols.at[row, name]`` without pandas overhead."""

    def __init__(self, frame: pd.DataFrame, names: Iterable[str]) -> None:
        self._data = {name: frame[name].tolist() for name in names}
        self.size = len(frame)

    @property
    def at(self) -> _Columns:
        return self

    def __getitem__(self, key: tuple[int, str]) -> object:
        row, name = key
        return self._data[name][row]


@dataclass(slots=True)
class _YearIndex:
    """Where each lineage appears: plan years -> entity, its kind and first year; and which
    lineages appear in each plan year. Kept up to date as links are made."""

    by_year: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    members: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    kind: dict[str, str] = field(default_factory=dict)
    first_year: dict[str, int] = field(default_factory=dict)

    def add(self, lineage: str, ent: _Entity) -> None:
        self.by_year[ent.year].add(lineage)
        self.members[lineage].setdefault(ent.year, ent.index)
        if lineage not in self.first_year or ent.year < self.first_year[lineage]:
            self.first_year[lineage] = ent.year
            self.kind[lineage] = ent.kind


def _doc_order(items: pd.DataFrame) -> pd.Series:
    """Order of documents within a plan year: plan first, then reports by period end."""
    if "doc_order" in items:
        return items["doc_order"].fillna(0).astype(float)
    order = pd.Series(0.0, index=items.index)
    if "period_end" in items:
        stamp = pd.to_datetime(items["period_end"], errors="coerce")
        order = order + stamp.fillna(pd.Timestamp("1900-01-01")).map(pd.Timestamp.toordinal)
    if "doc_type" in items:
        order = order.where(items["doc_type"] != "delivery_plan", -1.0)
    return order


class LineageAssigner:
    """Assigns lineage IDs to an items table; see the module docstring for the method."""

    def __init__(self, settings: LineageSettings | None = None) -> None:
        self.settings = settings or LineageSettings()

    # ------------------------------------------------------------------ public API

    def assign(
        self,
        items: pd.DataFrame,
        existing: pd.DataFrame | None = None,
        overrides: Sequence[Override] = (),
    ) -> LineageResult:
        """Link ``items``, keeping every lineage_id already in ``existing``."""
        return self._run(items, existing, overrides, keep_existing=True)

    def rebuild(
        self,
        items: pd.DataFrame,
        existing: pd.DataFrame | None = None,
        overrides: Sequence[Override] = (),
    ) -> LineageResult:
        """Relink from scratch, then reuse old IDs by maximum overlap of their items."""
        fresh = self._run(items, None, overrides, keep_existing=False)
        if existing is None or existing.empty:
            return fresh
        table = fresh.table.copy()
        table["lineage_id"] = _rename_by_overlap(table, existing)
        return LineageResult(table=table, warnings=fresh.warnings)

    # ------------------------------------------------------------------ the run

    def _run(
        self,
        items: pd.DataFrame,
        existing: pd.DataFrame | None,
        overrides: Sequence[Override],
        *,
        keep_existing: bool,
    ) -> LineageResult:
        warnings: list[str] = []
        items = items.reset_index(drop=True).copy()
        if items.empty:
            return LineageResult(pd.DataFrame(columns=LINEAGE_COLUMNS), ())
        items["_order"] = _doc_order(items)
        items["_ref"] = [
            canonical_ref(r) if isinstance(r, str) and r.strip() else None for r in items["ref"]
        ]
        items["_masked"] = [masked_text(t) for t in items["text"]]
        for column in ("outcome", "supporting_outcome"):
            if column not in items:
                items[column] = None
        cols = _Columns(
            items,
            [
                "item_id",
                "document_id",
                "kind",
                "ref",
                "plan_year",
                "text",
                "outcome",
                "supporting_outcome",
                "_order",
                "_ref",
                "_masked",
            ],
        )
        entities = self._entities(cols, warnings)
        features = self._features(cols, entities)
        old = _existing_map(existing) if keep_existing else {}
        old_rows = (
            existing.set_index("item_id")
            if keep_existing and existing is not None and not existing.empty
            else None
        )
        lineage_of: dict[str, list[int]] = defaultdict(list)  # lineage -> entity indexes
        used_ids: set[str] = set(old.values())
        # persisted IDs first
        for ent in entities:
            ids = [old[cols.at[r, "item_id"]] for r in ent.rows if cols.at[r, "item_id"] in old]
            if ids:
                chosen = max(set(ids), key=ids.count)
                if len(set(ids)) > 1:
                    warnings.append(
                        f"plan year {ent.plan_year} {ent.kind} {ent.ref}: items held "
                        f"{len(set(ids))} lineage IDs; kept {chosen}"
                    )
                ent.lineage, ent.fixed = chosen, True
                lineage_of[chosen].append(ent.index)
        forbidden = self._apply_overrides(entities, cols, overrides, lineage_of, used_ids, warnings)
        self._match(entities, features, lineage_of, used_ids, forbidden)
        table = self._table(cols, entities, old_rows, lineage_of)
        for message in warnings:
            log.warning(message)
        return LineageResult(table=table, warnings=tuple(warnings))

    # ------------------------------------------------------------------ entities

    def _entities(self, items: _Columns, warnings: list[str]) -> list[_Entity]:
        """Group a plan year's items that share kind and ref; split refs printed twice."""
        s = self.settings
        entities: list[_Entity] = []
        order = sorted(
            range(items.size), key=lambda r: (items.at[r, "_order"], items.at[r, "document_id"])
        )
        groups: dict[tuple[str, str, str], list[_Entity]] = defaultdict(list)
        strays: list[_Entity] = []
        for row in order:
            plan_year, kind, ref = (
                items.at[row, "plan_year"],
                items.at[row, "kind"],
                items.at[row, "_ref"],
            )
            if not isinstance(ref, str):
                ent = _Entity(
                    len(entities),
                    plan_year,
                    plan_year_start(plan_year),
                    kind,
                    None,
                    f"{plan_year}|{kind}|{items.at[row, 'item_id']}",
                    [row],
                )
                entities.append(ent)
                continue
            doc = items.at[row, "document_id"]
            text = items.at[row, "_masked"]
            best, best_sim = None, -1.0
            for ent in groups[(plan_year, kind, ref)]:
                if any(items.at[r, "document_id"] == doc for r in ent.rows):
                    continue
                sim = fuzz.token_set_ratio(text, items.at[ent.rows[0], "_masked"]) / 100
                if sim > best_sim:
                    best, best_sim = ent, sim
            if best is not None:
                if best_sim < s.same_year_warn_below:
                    warnings.append(
                        f"plan year {plan_year} {kind} {ref}: texts disagree between documents "
                        f"{items.at[best.rows[0], 'document_id'][:12]} and {doc[:12]} "
                        f"(similarity {best_sim:.2f}); treated as one item"
                    )
                best.rows.append(row)
                continue
            ent = _Entity(
                len(entities),
                plan_year,
                plan_year_start(plan_year),
                kind,
                ref,
                f"{plan_year}|{kind}|{ref}",
                [row],
            )
            if groups[(plan_year, kind, ref)]:
                ent.key = f"{plan_year}|{kind}|{ref}|{items.at[row, 'item_id']}"
                warnings.append(
                    f"plan year {plan_year} {kind} {ref}: printed twice in document "
                    f"{doc[:12]}; kept apart"
                )
                strays.append(ent)
            groups[(plan_year, kind, ref)].append(ent)
            entities.append(ent)
        # a ref printed twice: the second one may be another ref of the year, misprinted
        for stray in strays:
            best, best_sim = None, 0.0
            stray_docs = {items.at[r, "document_id"] for r in stray.rows}
            for ent in entities:
                if (
                    ent is stray
                    or ent.plan_year != stray.plan_year
                    or ent.kind != stray.kind
                    or ent.ref is None
                    or ent.ref == stray.ref
                    or not ent.rows
                ):
                    continue
                if stray_docs & {items.at[r, "document_id"] for r in ent.rows}:
                    continue
                sim = (
                    fuzz.token_set_ratio(
                        items.at[stray.rows[0], "_masked"], items.at[ent.rows[0], "_masked"]
                    )
                    / 100
                )
                if sim > best_sim:
                    best, best_sim = ent, sim
            if best is not None and best_sim >= s.same_year_text_match:
                warnings.append(
                    f"plan year {stray.plan_year} {stray.kind} {stray.ref} (printed twice) "
                    f"matches {best.ref} of the same year by text ({best_sim:.2f}); joined"
                )
                best.rows.extend(stray.rows)
                stray.rows = []
        kept = [e for e in entities if e.rows]
        for i, ent in enumerate(kept):
            ent.index = i
            ent.rows.sort(key=lambda r: (items.at[r, "_order"], items.at[r, "document_id"]))
        return kept

    def _features(self, items: _Columns, entities: list[_Entity]) -> _Features:
        # scikit-learn is imported here, not at module level, so that reading the lineage
        # table (ragtrack.load) does not pay for it
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts, numbers, outcomes, supporting, refs = [], [], [], [], []
        for ent in entities:
            first = ent.rows[0]
            texts.append(items.at[first, "_masked"])
            numbers.append(numbers_in(items.at[first, "text"]))
            outcomes.append(masked_text(_first_str(items, ent.rows, "outcome")))
            supporting.append(masked_text(_first_str(items, ent.rows, "supporting_outcome")))
            refs.append(ent.ref or "")
        words = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b"
        )
        # character n-grams within words catch inflections: obese/obesity, rate/rates
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        tfidf, char_matrix = (_fit(v, texts) for v in (words, chars))
        vocabulary: dict[str, int] = {}
        rows, cols = [], []
        for i, nums in enumerate(numbers):
            for n in nums:
                rows.append(i)
                cols.append(vocabulary.setdefault(n, len(vocabulary)))
        number_matrix = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(texts), max(1, len(vocabulary)))
        )
        return _Features(
            text=texts,
            words=[frozenset(t.split()) for t in texts],
            tfidf=tfidf,
            chars=char_matrix,
            numbers=number_matrix,
            number_counts=np.asarray(number_matrix.sum(axis=1)).ravel(),
            outcome=outcomes,
            supporting=supporting,
            ref=np.array(refs, dtype=object),
        )

    # ------------------------------------------------------------------ scoring

    def _text_similarity(self, f: _Features, a: Sequence[int], b: Sequence[int]) -> np.ndarray:
        s = self.settings
        a, b = list(a), list(b)
        cosine = (f.tfidf[a] @ f.tfidf[b].T).toarray()
        char_cosine = (f.chars[a] @ f.chars[b].T).toarray()
        token_set = (
            process.cdist(
                [f.text[i] for i in a],
                [f.text[j] for j in b],
                scorer=fuzz.token_set_ratio,
                workers=-1,
            )
            / 100.0
        )
        total = s.weight_tfidf + s.weight_char + s.weight_token_set
        return (
            s.weight_tfidf * cosine + s.weight_char * char_cosine + s.weight_token_set * token_set
        ) / total

    def _score(self, f: _Features, a: Sequence[int], b: Sequence[int]) -> np.ndarray:
        """Score matrix of entities ``a`` (rows) against ``b`` (columns)."""
        s = self.settings
        a, b = list(a), list(b)
        text = self._text_similarity(f, a, b)
        inter = (f.numbers[a] @ f.numbers[b].T).toarray()
        union = f.number_counts[a][:, None] + f.number_counts[b][None, :] - inter
        numbers = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        outcome = _cdist_or_zero([f.outcome[i] for i in a], [f.outcome[j] for j in b])
        supporting = _cdist_or_zero([f.supporting[i] for i in a], [f.supporting[j] for j in b])
        ref_a, ref_b = f.ref[a], f.ref[b]
        same_ref = (ref_a[:, None] == ref_b[None, :]) & (ref_a[:, None] != "")
        text_weight = s.weight_tfidf + s.weight_char + s.weight_token_set
        return (
            text_weight * text
            + s.weight_numbers * numbers
            + s.weight_outcome * outcome
            + s.weight_supporting * supporting
            + s.weight_ref * same_ref
        )

    # ------------------------------------------------------------------ overrides

    def _apply_overrides(
        self,
        entities: list[_Entity],
        items: _Columns,
        overrides: Sequence[Override],
        lineage_of: dict[str, list[int]],
        used_ids: set[str],
        warnings: list[str],
    ) -> set[tuple[int, int]]:
        """Apply must-link and cannot-link decisions; return the forbidden entity pairs."""
        by_key: dict[tuple[str, str, str], _Entity] = {}
        for ent in entities:
            if ent.ref is not None:
                by_key.setdefault((ent.plan_year, ent.kind, ent.ref), ent)
            for r in ent.rows:
                by_key.setdefault((ent.plan_year, ent.kind, str(items.at[r, "item_id"])), ent)
                if isinstance(items.at[r, "_ref"], str):
                    by_key.setdefault((ent.plan_year, ent.kind, items.at[r, "_ref"]), ent)

        def find(plan_year: str, kind: str, ref: str) -> _Entity | None:
            key = (plan_year, kind, canonical_ref(ref) if ref else ref)
            return by_key.get(key) or by_key.get((plan_year, kind, ref))

        forbidden: set[tuple[int, int]] = set()
        ordered = sorted(
            overrides, key=lambda o: (o.decision != "cannot_link", plan_year_start(o.plan_year_b))
        )
        for o in ordered:
            a = find(o.plan_year_a, o.kind, o.ref_a)
            b = find(o.plan_year_b, o.kind, o.ref_b)
            if a is None or b is None:
                warnings.append(
                    f"override {o.decision} {o.kind} {o.plan_year_a} {o.ref_a} / "
                    f"{o.plan_year_b} {o.ref_b}: item not in the dataset; not applied"
                )
                continue
            if a.year > b.year:
                a, b = b, a
            if o.decision == "cannot_link":
                forbidden.add((a.index, b.index))
                forbidden.add((b.index, a.index))
                if a.lineage is not None and a.lineage == b.lineage:
                    self._cut(b, entities, lineage_of, used_ids)
                continue
            # must_link
            if a.lineage is None:
                a.lineage = self._new_id(a, used_ids)
                a.method, a.fixed = "new", True
                lineage_of[a.lineage].append(a.index)
            if b.lineage != a.lineage:
                movers = [b]
                if b.lineage is not None:
                    movers = [
                        entities[i] for i in lineage_of[b.lineage] if entities[i].year >= b.year
                    ]
                    for m in movers:
                        lineage_of[b.lineage].remove(m.index)
                for m in movers:
                    m.lineage = a.lineage
                    lineage_of[a.lineage].append(m.index)
            b.fixed, b.method, b.score, b.margin = True, "override", None, None
        return forbidden

    def _cut(
        self,
        b: _Entity,
        entities: list[_Entity],
        lineage_of: dict[str, list[int]],
        used_ids: set[str],
    ) -> None:
        """Detach ``b`` and the later members of its lineage into a lineage of their own."""
        old = b.lineage
        assert old is not None
        new = self._new_id(b, used_ids)
        movers = [entities[i] for i in lineage_of[old] if entities[i].year >= b.year]
        for m in movers:
            lineage_of[old].remove(m.index)
            m.lineage = new
            lineage_of[new].append(m.index)
        b.fixed, b.method, b.score, b.margin = True, "override", None, None

    # ------------------------------------------------------------------ matching

    def _match(
        self,
        entities: list[_Entity],
        f: _Features,
        lineage_of: dict[str, list[int]],
        used_ids: set[str],
        forbidden: set[tuple[int, int]],
    ) -> None:
        """Year by year, give each unassigned entity a lineage (or a new one)."""
        s = self.settings
        years = sorted({e.year for e in entities})
        by_year: dict[int, list[_Entity]] = defaultdict(list)
        for ent in entities:
            by_year[ent.year].append(ent)
        index = _YearIndex()
        for lineage, members in lineage_of.items():
            for i in members:
                index.add(lineage, entities[i])
        for pos, year in enumerate(years):
            pending = [e for e in by_year[year] if e.lineage is None]
            if not pending:
                continue
            previous_year = years[pos - 1] if pos > 0 else None
            for kind in sorted({e.kind for e in pending}):
                todo = [e for e in pending if e.kind == kind]
                stages = [
                    (True, s.link_threshold, s.link_floor),
                    (False, s.reconnect_threshold, s.reconnect_floor),
                ]
                for adjacent, threshold, floor in stages:
                    todo = [e for e in todo if e.lineage is None]
                    if not todo:
                        break
                    candidates = self._candidates(index, year, kind, previous_year, adjacent)
                    if candidates:
                        self._assign_stage(
                            entities, f, todo, candidates, lineage_of, forbidden, threshold, floor
                        )
                        for ent in todo:
                            if ent.lineage is not None:
                                index.add(ent.lineage, ent)
            for ent in pending:
                if ent.lineage is None:
                    ent.lineage = self._new_id(ent, used_ids)
                    ent.method, ent.score, ent.margin = "new", None, None
                    lineage_of[ent.lineage].append(ent.index)
                    index.add(ent.lineage, ent)

    def _candidates(
        self,
        index: _YearIndex,
        year: int,
        kind: str,
        previous_year: int | None,
        adjacent: bool,
    ) -> list[tuple[str, int, int | None, int]]:
        """Lineages an entity of ``year`` may join: (id, neighbour, other neighbour, origin).

        Adjacent stage: lineages whose latest earlier appearance is the previous plan year in
        the dataset (or, for a backfill, whose earliest later appearance is the next one).
        Reconnect stage: lineages seen within ``max_gap`` plan years, not adjacent.
        """
        out = []
        gap = self.settings.max_gap
        nearby: set[str] = set()
        for y in range(year - gap, year + gap + 1):
            if y != year:
                nearby |= index.by_year.get(y, set())
        nearby -= index.by_year.get(year, set())
        for lineage in sorted(nearby):
            if index.kind[lineage] != kind:
                continue
            members = index.members[lineage]
            before = next((y for y in range(year - 1, year - gap - 1, -1) if y in members), None)
            after = next((y for y in range(year + 1, year + gap + 1) if y in members), None)
            first_year = index.first_year[lineage]
            is_adjacent = (before is not None and before == previous_year) or (
                first_year > year and after is not None and after - year <= 1
            )
            if is_adjacent != adjacent:
                continue
            reach = [members[y] for y in (before, after) if y is not None]
            out.append(
                (lineage, reach[0], reach[1] if len(reach) > 1 else None, members[first_year])
            )
        return out

    def _assign_stage(
        self,
        entities: list[_Entity],
        f: _Features,
        todo: list[_Entity],
        candidates: list[tuple[str, int, int | None, int]],
        lineage_of: dict[str, list[int]],
        forbidden: set[tuple[int, int]],
        threshold: float,
        floor: float,
    ) -> None:
        s = self.settings
        cols = [e.index for e in todo]
        scores = self._score(f, [c[1] for c in candidates], cols)
        others = [(i, c[2]) for i, c in enumerate(candidates) if c[2] is not None]
        if others:
            extra = self._score(f, [o for _, o in others], cols)
            rows = [i for i, _ in others]
            scores[rows] = np.maximum(scores[rows], extra)
        if forbidden:
            for r, cand in enumerate(candidates):
                members = lineage_of[cand[0]]
                for c, col in enumerate(cols):
                    if any((m, col) in forbidden for m in members):
                        scores[r, c] = 0.0
        # Rounds of optimal assignment: a weak link must lead its runner-up among the rows
        # and columns still free, so links already taken by stronger pairs stop competing.
        free_rows = np.ones(len(candidates), dtype=bool)
        free_cols = np.ones(len(cols), dtype=bool)
        while free_rows.any() and free_cols.any():
            live = np.where(free_rows[:, None] & free_cols[None, :], scores, 0.0)
            allowed = np.where(live >= floor, live, 0.0)
            if not allowed.any():
                break
            worth = np.where(allowed > 0, allowed - s.unlinked_share * floor + 1e-9, 0.0)
            row_ind, col_ind = linear_sum_assignment(worth, maximize=True)
            rivals = _rival_scores(live, allowed, row_ind, col_ind, s.partner_discount)
            taken = drifted = 0
            for r, c in zip(row_ind, col_ind, strict=True):
                score = float(live[r, c])
                runner_up = max(_second(rivals[r, :], c), _second(rivals[:, c], r))
                if score < floor or (score < threshold and score - runner_up < s.min_margin):
                    continue
                if self._drifts(f, candidates[r], cols[c], lineage_of):
                    scores[r, c] = 0.0
                    drifted += 1
                    continue
                ent = todo[c]
                lineage = candidates[r][0]
                ent.lineage, ent.method = lineage, "text"
                ent.score, ent.margin = round(score, 4), round(score - runner_up, 4)
                lineage_of[lineage].append(ent.index)
                free_rows[r] = free_cols[c] = False
                taken += 1
            if not taken and not drifted:
                break

    def _drifts(
        self,
        f: _Features,
        candidate: tuple[str, int, int | None, int],
        col: int,
        lineage_of: dict[str, list[int]],
    ) -> bool:
        """Drift guard: refuse a link whose text has next to nothing in common with the
        lineage's first appearance (A -> B -> C where C shares nothing with A)."""
        lineage, neighbour, _, origin = candidate
        if origin == neighbour or len(lineage_of[lineage]) < 2:
            return False
        first, new = f.words[origin], f.words[col]
        if not first or not new:
            return False
        shared = len(first & new) / min(len(first), len(new))
        return shared < self.settings.drift_floor

    # ------------------------------------------------------------------ IDs and output

    @staticmethod
    def _new_id(ent: _Entity, used: set[str]) -> str:
        """A new lineage ID, derived from the entity's key so a fresh run is repeatable."""
        base = hashlib.sha1(ent.key.encode()).hexdigest()
        n = 0
        while True:
            candidate = (
                "L" + (base if n == 0 else hashlib.sha1(f"{base}#{n}".encode()).hexdigest())[:11]
            )
            if candidate not in used:
                used.add(candidate)
                return candidate
            n += 1

    def _table(
        self,
        items: _Columns,
        entities: list[_Entity],
        old_rows: pd.DataFrame | None,
        lineage_of: dict[str, list[int]],
    ) -> pd.DataFrame:
        records = []
        previous_entity: dict[int, int | None] = {}
        for members in lineage_of.values():
            chain = sorted(members, key=lambda i: entities[i].year)
            for k, idx in enumerate(chain):
                previous_entity[idx] = chain[k - 1] if k else None
        for ent in entities:
            prev_idx = previous_entity.get(ent.index)
            prev_item = (
                items.at[entities[prev_idx].rows[-1], "item_id"] if prev_idx is not None else None
            )
            first_text = items.at[ent.rows[0], "_masked"]
            for k, row in enumerate(ent.rows):
                item_id = items.at[row, "item_id"]
                if k == 0:
                    method, score, margin, previous = ent.method, ent.score, ent.margin, prev_item
                else:
                    method = "same_year_ref"
                    score = round(
                        fuzz.token_set_ratio(items.at[row, "_masked"], first_text) / 100, 4
                    )
                    margin, previous = None, items.at[ent.rows[k - 1], "item_id"]
                if (
                    old_rows is not None
                    and item_id in old_rows.index
                    and ent.fixed
                    and ent.method != "override"
                ):
                    kept = old_rows.loc[item_id]
                    if isinstance(kept, pd.DataFrame):
                        kept = kept.iloc[0]
                    method, score, margin = kept["method"], kept["score"], kept["margin"]
                records.append(
                    {
                        "item_id": item_id,
                        "document_id": items.at[row, "document_id"],
                        "kind": ent.kind,
                        "ref": items.at[row, "ref"],
                        "plan_year": ent.plan_year,
                        "lineage_id": ent.lineage,
                        "method": method,
                        "score": score,
                        "margin": margin,
                        "previous_item_id": previous,
                    }
                )
        table = pd.DataFrame.from_records(records, columns=LINEAGE_COLUMNS)
        table["score"] = pd.to_numeric(table["score"], errors="coerce").astype("float64")
        table["margin"] = pd.to_numeric(table["margin"], errors="coerce").astype("float64")
        return table


# --------------------------------------------------------------------------- small pieces


def _fit(vectorizer: Any, texts: list[str]) -> sparse.csr_matrix:
    """TF-IDF matrix of ``texts`` (a scikit-learn ``TfidfVectorizer``), empty when no words."""
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # every text empty
        return sparse.csr_matrix((len(texts), 1))


def _first_str(items: _Columns, rows: Iterable[int], column: str) -> str | None:
    for r in rows:
        value = items.at[r, column]
        if isinstance(value, str) and value.strip():
            return value
    return None


def _cdist_or_zero(a: list[str], b: list[str]) -> np.ndarray:
    if not any(a) or not any(b):
        return np.zeros((len(a), len(b)))
    matrix = process.cdist(a, b, scorer=fuzz.token_set_ratio, workers=1) / 100.0
    empty_a = np.array([not x for x in a])
    empty_b = np.array([not x for x in b])
    matrix[empty_a, :] = 0.0
    matrix[:, empty_b] = 0.0
    return matrix


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


def _second(values: np.ndarray, skip: int) -> float:
    rest = np.delete(values, skip)
    return float(rest.max()) if rest.size else 0.0


def _existing_map(existing: pd.DataFrame | None) -> dict[str, str]:
    if existing is None or existing.empty:
        return {}
    return dict(
        zip(existing["item_id"].astype(str), existing["lineage_id"].astype(str), strict=True)
    )


def _rename_by_overlap(fresh: pd.DataFrame, existing: pd.DataFrame) -> pd.Series:
    """Give each fresh lineage the old ID sharing most of its items (one-to-one)."""
    old = _existing_map(existing)
    fresh_ids = sorted(fresh["lineage_id"].unique())
    old_ids = sorted(set(old.values()))
    if not old_ids:
        return fresh["lineage_id"]
    fi = {k: i for i, k in enumerate(fresh_ids)}
    oi = {k: i for i, k in enumerate(old_ids)}
    overlap = np.zeros((len(fresh_ids), len(old_ids)))
    for item_id, lineage in zip(fresh["item_id"], fresh["lineage_id"], strict=True):
        if item_id in old:
            overlap[fi[lineage], oi[old[item_id]]] += 1
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    mapping = {
        fresh_ids[r]: old_ids[c] for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0
    }
    taken = set(mapping.values())
    for fid in fresh_ids:
        if fid not in mapping:
            new = fid
            n = 0
            while new in taken:
                n += 1
                new = "L" + hashlib.sha1(f"{fid}#{n}".encode()).hexdigest()[:11]
            mapping[fid] = new
            taken.add(new)
    return fresh["lineage_id"].map(mapping)
