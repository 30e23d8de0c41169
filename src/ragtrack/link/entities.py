"""Within one plan year, the items that share kind and ref are one *entity*: the plan's row
and each quarterly report's row for it. Built in one pass over the items in document order.

A ref printed more than once in one document is kept apart (the later copy may be another
ref misprinted, and is re-attached to the ref of its year whose text it matches); a row
repeated word for word in one document is the same item printed again and joins the first.
Work per row is constant (dictionary look-ups), not a scan of the year's entities, so a
document repeating a few refs thousands of times links in linear time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ragtrack.link.settings import LineageSettings
from ragtrack.link.text import plan_year_start

#: the columns :func:`build_entities` reads from the prepared items
ENTITY_COLUMNS = ("item_id", "document_id", "kind", "plan_year", "_ref", "_masked")


@dataclass(slots=True)
class Entity:
    """One action or measure in one plan year: the rows (plan, reports) that share a ref."""

    index: int
    plan_year: str
    year: int
    kind: str
    ref: str | None
    key: str
    rows: list[int] = field(default_factory=list)
    docs: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Builder:
    cols: dict[str, list]
    settings: LineageSettings
    warnings: list[str]
    entities: list[Entity] = field(default_factory=list)
    #: (plan year, kind, ref) -> entities, in creation order
    groups: dict[tuple, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    #: (document, plan year, kind, ref, text) -> the entity that row joined
    seen: dict[tuple, Entity] = field(default_factory=dict)
    #: per group, for the document being read: entities of earlier documents still free
    free: dict[tuple, tuple[str, list[Entity]]] = field(default_factory=dict)
    strays: list[Entity] = field(default_factory=list)
    repeats: Counter = field(default_factory=Counter)
    twice: Counter = field(default_factory=Counter)

    def new(self, row: int, ref: str | None, key: str) -> Entity:
        c = self.cols
        ent = Entity(
            len(self.entities),
            c["plan_year"][row],
            plan_year_start(c["plan_year"][row]),
            c["kind"][row],
            ref,
            key,
        )
        self.entities.append(ent)
        return ent

    def add(self, row: int) -> None:
        c = self.cols
        year, kind, ref, doc = (
            c["plan_year"][row],
            c["kind"][row],
            c["_ref"][row],
            c["document_id"][row],
        )
        if not isinstance(ref, str):
            _join(self.new(row, None, f"{year}|{kind}|{c['item_id'][row]}"), row, doc)
            return
        text = c["_masked"][row]
        group = (year, kind, ref)
        repeat = self.seen.get((doc, *group, text))
        if repeat is not None:  # the same row printed again in this document
            self.repeats[(group, doc)] += 1
            _join(repeat, row, doc)
            return
        best = self._claim(group, doc, text)
        if best is None:
            best = self.new(row, ref, f"{year}|{kind}|{ref}")
            if self.groups[group]:
                best.key = f"{year}|{kind}|{ref}|{c['item_id'][row]}"
                self.twice[(group, doc)] += 1
                self.strays.append(best)
            self.groups[group].append(best)
        self.seen[(doc, *group, text)] = best
        _join(best, row, doc)

    def _claim(self, group: tuple, doc: str, text: str) -> Entity | None:
        """The entity of an earlier document this row continues (most similar text)."""
        current = self.free.get(group)
        if current is None or current[0] != doc:
            current = (doc, [e for e in self.groups[group] if doc not in e.docs])
            self.free[group] = current
        free = current[1]
        if not free:
            return None
        firsts = [self.cols["_masked"][e.rows[0]] for e in free]
        if text in firsts:
            pick, sim = firsts.index(text), 1.0
        else:
            _, score, pick = process.extractOne(text, firsts, scorer=fuzz.token_set_ratio)
            sim = score / 100
        best = free.pop(pick)
        if sim < self.settings.same_year_warn_below:
            year, kind, ref = group
            self.warnings.append(
                f"plan year {year} {kind} {ref}: texts disagree between documents "
                f"{self.cols['document_id'][best.rows[0]][:12]} and {doc[:12]} "
                f"(similarity {sim:.2f}); treated as one item"
            )
        return best


def _join(ent: Entity, row: int, doc: str) -> None:
    ent.rows.append(row)
    ent.docs.add(doc)


def build_entities(
    cols: dict[str, list], order: list[int], settings: LineageSettings, warnings: list[str]
) -> list[Entity]:
    """Group rows (visited in ``order``: plan first, then reports) into entities."""
    b = _Builder(cols, settings, warnings)
    for row in order:
        b.add(row)
    for (group, doc), n in sorted(b.repeats.items()):
        year, kind, ref = group
        warnings.append(
            f"plan year {year} {kind} {ref}: printed {n + 1} times word for word in document "
            f"{doc[:12]}; treated as one item"
        )
    for (group, doc), n in sorted(b.twice.items()):
        year, kind, ref = group
        times = "twice" if n == 1 else f"{n + 1} times"
        warnings.append(
            f"plan year {year} {kind} {ref}: printed {times} in document {doc[:12]}; kept apart"
        )
    _reattach_strays(b)
    kept = [e for e in b.entities if e.rows]
    position = {row: k for k, row in enumerate(order)}
    for i, ent in enumerate(kept):
        ent.index = i
        ent.rows.sort(key=position.__getitem__)
    return kept


def _reattach_strays(b: _Builder) -> None:
    """A ref printed twice may be another ref of its year misprinted: join the ref whose
    text it matches (at least ``same_year_text_match``), if that ref is not in its document.
    Texts are compared once per distinct stray text, not once per stray."""
    by_year: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for ent in b.entities:
        if ent.ref is not None:
            by_year[(ent.plan_year, ent.kind)].append(ent)
    ranked: dict[tuple, list[tuple[float, int, Entity]]] = {}
    masked = b.cols["_masked"]
    for stray in b.strays:
        pool = by_year[(stray.plan_year, stray.kind)]
        text = masked[stray.rows[0]]
        key = (stray.plan_year, stray.kind, stray.ref, text)
        if key not in ranked:
            others = [e for e in pool if e.ref != stray.ref]
            hits = process.extract(
                text,
                [masked[e.rows[0]] for e in others],
                scorer=fuzz.token_set_ratio,
                score_cutoff=100 * b.settings.same_year_text_match,
                limit=None,
            )
            ranked[key] = sorted(((-s / 100, i, others[i]) for _, s, i in hits), key=_rank)
        for neg_sim, _, best in ranked[key]:
            if best.rows and not (stray.docs & best.docs):
                b.warnings.append(
                    f"plan year {stray.plan_year} {stray.kind} {stray.ref} (printed twice) "
                    f"matches {best.ref} of the same year by text ({-neg_sim:.2f}); joined"
                )
                best.rows.extend(stray.rows)
                best.docs |= stray.docs
                stray.rows = []
                break


def _rank(hit: tuple[float, int, Entity]) -> tuple[float, int]:
    return hit[0], hit[2].index
