"""What the linker takes as data: its settings and reviewers' overrides (of links and of
outcome themes). No pandas: an ingest reads the overrides before anything else.

No behaviour here beyond validation, so the store, the API and tests can name these types
without importing the matcher (scipy, the embedding model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: How an item joined its lineage: by ref within its plan year, by a cross-year match, by a
#: reviewer's override, or as the first appearance of a new lineage.
Method = Literal["same_year_ref", "text", "override", "new"]
#: What a cross-year link is worth to an analyst: ``auto`` joined by the matcher with a
#: confidence at or above ``LineageSettings.join_confidence``; ``override`` decided by a
#: reviewer; ``candidate`` proposed but *not* joined (below that confidence, or needing a
#: lead over a runner-up it does not have), waiting in ``lineage review``.
Status = Literal["auto", "override", "candidate"]
OverrideKind = Literal["must_link", "cannot_link"]

LINEAGE_COLUMNS = [
    "item_id",
    "document_id",
    "kind",
    "ref",
    "plan_year",
    "lineage_id",
    "method",
    "status",
    "score",
    "margin",
    "confidence",
    "previous_item_id",
    "candidate_item_id",
    "runner_up_item_id",
]


@dataclass(frozen=True, slots=True)
class LineageSettings:
    """Thresholds and feature weights of the matcher (scores are in 0..1)."""

    #: a cross-year link scoring at least this is made on its own
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
    #: sentence-embedding cosine (a static word-embedding model, see ``link.semantic``);
    #: 0 turns the feature off and the model is never loaded
    weight_semantic: float = 0.0
    weight_numbers: float = 0.05
    weight_outcome: float = 0.05
    weight_supporting: float = 0.1
    weight_ref: float = 0.02
    #: confidence = logistic(a + b * score + c * margin + d * sure), fitted on the hand-made
    #: key; ``sure``: the link clears ``link_threshold`` or leads by ``min_margin`` among the
    #: pairs still free (on the key such links are right far more often than their score and
    #: margin alone say, and the links that lack that lead far less often)
    confidence_bias: float = -4.47
    confidence_score: float = 5.07
    confidence_margin: float = 1.90
    confidence_sure: float = 3.64
    #: links with at least this confidence are joined (``auto``); weaker ones are kept as
    #: ``candidate``: listed for review, not joined
    join_confidence: float = 0.7
    #: auto links below this confidence are listed for review (rejecting one splits a
    #: lineage), and so are candidates at or above ``review_floor`` (accepting one joins
    #: two); weaker candidates stay in the table but out of the queue
    review_confidence: float = 0.8
    review_floor: float = 0.05
    #: the queue's length: the links a decision is expected to change most
    review_limit: int = 30


@dataclass(frozen=True, slots=True)
class Override:
    """A reviewer's decision: two items are (must_link) or are not (cannot_link) one lineage.

    Each side is keyed by plan year, kind and ref; for items with no ref (the 2017/18 plan)
    the ``ref`` may hold the item_id instead. ``line`` is where the decision was read from
    (for messages), not part of the decision.
    """

    decision: OverrideKind
    kind: str
    plan_year_a: str
    ref_a: str
    plan_year_b: str
    ref_b: str
    reason: str = ""
    line: int | None = field(default=None, compare=False)


#: the fields an override is written with (``line`` is where it was read, not data)
OVERRIDE_FIELDS = ("decision", "kind", "plan_year_a", "ref_a", "plan_year_b", "ref_b", "reason")


#: The two levels of outcome titles a plan prints, each linked into themes of its own.
Level = Literal["outcome", "supporting_outcome"]
LEVELS: tuple[Level, ...] = ("outcome", "supporting_outcome")


@dataclass(frozen=True, slots=True)
class OutcomeOverride:
    """A reviewer's decision that two printed titles are (or are not) the same outcome
    theme (:mod:`ragtrack.link.outcomes`)."""

    decision: Literal["must_link", "cannot_link"]
    level: Level
    plan_year_a: str
    title_a: str
    plan_year_b: str
    title_b: str
    reason: str = ""
