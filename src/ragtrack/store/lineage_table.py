"""The ``lineage`` table and the overrides file in the dataset directory, and linking a dataset.

Layout (beside the per-report tables the ingest store writes):

- ``DIR/lineage/lineage.parquet``: one row per item (see
  :data:`ragtrack.link.lineage.LINEAGE_COLUMNS`), readable with
  ``pandas.read_parquet(DIR / "lineage")``. Rewritten whole on each link, atomically
  (written beside it under a ``_`` name that readers skip, then ``os.replace``).
- ``DIR/overrides.csv``: reviewers' must-link / cannot-link decisions, one per row, with a
  reason and a timestamp. Applied before matching on every run.

:func:`link_dataset` is what ``ingest`` calls at its end; :func:`rebuild_dataset`,
:func:`review_candidates`, :func:`review_links`, :func:`record_decision` and
:func:`item_history` back the ``ragtrack lineage`` commands.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Literal

import filelock
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ragtrack.errors import InputError, LockTimeout, StoreError
from ragtrack.link.lineage import (
    LINEAGE_COLUMNS,
    LineageAssigner,
    LineageResult,
    LineageSettings,
    Override,
)
from ragtrack.normalise.refs import canonical_ref

log = logging.getLogger(__name__)

LINEAGE_DIR = "lineage"
LINEAGE_FILE = "lineage.parquet"
OVERRIDES_NAME = "overrides.csv"
#: the ingest store's lock file: linking writes under the same one-writer-at-a-time lock
LOCK_NAME = "_ingest.lock"
DEFAULT_LOCK_TIMEOUT = 300.0

LINEAGE_SCHEMA = pa.schema(
    [
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("document_id", pa.string()),
        pa.field("kind", pa.dictionary(pa.int8(), pa.string())),
        pa.field("ref", pa.string()),
        pa.field("plan_year", pa.dictionary(pa.int16(), pa.string())),
        pa.field("lineage_id", pa.string(), nullable=False),
        pa.field("method", pa.dictionary(pa.int8(), pa.string())),
        pa.field("score", pa.float64()),
        pa.field("margin", pa.float64()),
        pa.field("previous_item_id", pa.string()),
    ]
)
_OVERRIDE_FIELDS = [f.name for f in fields(Override)] + ["decided_at"]


# --------------------------------------------------------------------------- lineage table


def read_lineage(root: Path) -> pd.DataFrame:
    """The persisted lineage table (empty, with its columns, when there is none yet)."""
    path = Path(root) / LINEAGE_DIR / LINEAGE_FILE
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in LINEAGE_COLUMNS})
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise StoreError(f"cannot read the lineage table: {exc}", file=str(path)) from exc
    frame = table.to_pandas()
    for column in ("kind", "plan_year", "method"):
        frame[column] = frame[column].astype("object")
    return frame[LINEAGE_COLUMNS]


def write_lineage(root: Path, table: pd.DataFrame) -> Path:
    """Replace the lineage table atomically; returns its path."""
    folder = Path(root) / LINEAGE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    frame = table[LINEAGE_COLUMNS].copy()
    for column in ("item_id", "document_id", "ref", "lineage_id", "previous_item_id"):
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    arrow = pa.Table.from_pandas(frame, schema=LINEAGE_SCHEMA, preserve_index=False)
    target = folder / LINEAGE_FILE
    handle, temp = tempfile.mkstemp(prefix="_lineage-", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        pq.write_table(arrow, temp)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return target


# --------------------------------------------------------------------------- overrides


def read_overrides(root: Path) -> list[Override]:
    """The decisions in ``DIR/overrides.csv`` (none when the file does not exist)."""
    path = Path(root) / OVERRIDES_NAME
    if not path.exists():
        return []
    out = []
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            decision = (row.get("decision") or "").strip()
            if decision not in ("must_link", "cannot_link"):
                raise InputError(
                    f"decision must be must_link or cannot_link, not {decision!r}",
                    file=str(path),
                    line=number,
                )
            try:
                out.append(
                    Override(
                        decision=decision,  # type: ignore[arg-type]
                        kind=row["kind"].strip(),
                        plan_year_a=row["plan_year_a"].strip(),
                        ref_a=row["ref_a"].strip(),
                        plan_year_b=row["plan_year_b"].strip(),
                        ref_b=row["ref_b"].strip(),
                        reason=(row.get("reason") or "").strip(),
                    )
                )
            except (KeyError, AttributeError) as exc:
                raise InputError(f"missing column {exc}", file=str(path), line=number) from exc
    return out


def append_overrides(root: Path, overrides: Iterable[Override]) -> Path:
    """Add decisions to ``DIR/overrides.csv`` (created with a header when new)."""
    path = Path(root) / OVERRIDES_NAME
    rows = [dict(asdict(o), decided_at=_now()) for o in overrides]
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    handle, temp = tempfile.mkstemp(prefix="_overrides-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            if existing:
                out.write(existing if existing.endswith("\n") else existing + "\n")
            writer = csv.DictWriter(out, fieldnames=_OVERRIDE_FIELDS)
            if not existing:
                writer.writeheader()
            writer.writerows(rows)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------- linking


def items_for_linking(root: Path) -> pd.DataFrame:
    """The dataset's items with the document fields lineage needs (plan year, period, type)."""
    from ragtrack.store.reading import load

    tables = load(Path(root))
    items, documents = tables["items"], tables["documents"]
    keep = [
        c
        for c in ("document_id", "plan_year", "period_end", "doc_type", "quarter")
        if c in documents.columns
    ]
    docs = documents[keep].drop_duplicates("document_id")
    # the lineage columns load() joins on are what this module computes: start without them
    drop = [c for c in keep if c != "document_id" and c in items.columns]
    items = items.drop(columns=[*drop, *(c for c in ("lineage_id",) if c in items.columns)])
    merged = items.merge(docs, on="document_id", how="left")
    for column in ("kind", "plan_year", "doc_type", "rag", "direction"):
        if column in merged:
            merged[column] = merged[column].astype("object")
    missing = merged["plan_year"].isna()
    if missing.any():
        log.warning("%d items have no plan year and are left out of lineage", int(missing.sum()))
        merged = merged[~missing]
    return merged.reset_index(drop=True)


class _DatasetLock:
    """The ingest store's lock on DIR, unless the caller already holds it."""

    def __init__(self, root: Path, hold: bool, timeout: float) -> None:
        self.lock = filelock.FileLock(str(Path(root) / LOCK_NAME)) if hold else None
        self.timeout = timeout

    def __enter__(self) -> None:
        if self.lock is None:
            return
        try:
            self.lock.acquire(timeout=self.timeout)
        except filelock.Timeout as exc:
            raise LockTimeout(
                f"another writer held the dataset lock for over {self.timeout:g} s"
            ) from exc

    def __exit__(self, *exc: object) -> None:
        if self.lock is not None:
            self.lock.release()


def link_dataset(
    out_dir: Path,
    *,
    settings: LineageSettings | None = None,
    take_lock: bool = True,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> LineageResult:
    """Link every item in the dataset, keeping persisted lineage IDs; write the table.

    Call at the end of ingest with ``take_lock=False`` when the caller already holds the
    dataset lock.
    """
    return _relink(Path(out_dir), "assign", settings, take_lock, lock_timeout)


def rebuild_dataset(
    out_dir: Path,
    *,
    settings: LineageSettings | None = None,
    take_lock: bool = True,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> LineageResult:
    """Relink the dataset from scratch, keeping old IDs where lineages overlap most."""
    return _relink(Path(out_dir), "rebuild", settings, take_lock, lock_timeout)


def _relink(
    root: Path,
    how: Literal["assign", "rebuild"],
    settings: LineageSettings | None,
    take_lock: bool,
    lock_timeout: float,
) -> LineageResult:
    """Read items, lineage and overrides under the lock, link them ``how``, write the table."""
    with _DatasetLock(root, take_lock, lock_timeout):
        assigner = LineageAssigner(settings)
        link = assigner.assign if how == "assign" else assigner.rebuild
        result = link(items_for_linking(root), read_lineage(root), read_overrides(root))
        write_lineage(root, result.table)
        from ragtrack.analysis.persist import refresh_derived  # timeline etc. follow the links

        refresh_derived(root, result.table)
    return result


def attach_lineage(items: pd.DataFrame, lineage: pd.DataFrame) -> pd.DataFrame:
    """``items`` with a ``lineage_id`` column joined on item_id (null where not linked).

    ``ragtrack.load()`` calls this so every item carries its lineage.
    """
    if "lineage_id" in items.columns:
        items = items.drop(columns=["lineage_id"])
    ids = lineage[["item_id", "lineage_id"]].drop_duplicates("item_id")
    return items.merge(ids, on="item_id", how="left")


# --------------------------------------------------------------------------- review


@dataclass(frozen=True, slots=True)
class ReviewCandidate:
    """A text link in the uncertain band: the item, the one it continues, and the evidence."""

    lineage_id: str
    kind: str
    score: float
    margin: float
    plan_year_a: str
    ref_a: str
    text_a: str
    plan_year_b: str
    ref_b: str
    text_b: str


def _override_key(row: pd.Series) -> str:
    """How an override names an item: its ref, or its item_id when it has no ref."""
    ref = row.get("ref")
    return canonical_ref(ref) if isinstance(ref, str) and ref.strip() else str(row["item_id"])


def review_candidates(
    out_dir: Path, settings: LineageSettings | None = None
) -> list[ReviewCandidate]:
    """Links made by text whose score or margin falls in the uncertain band, weakest first."""
    root = Path(out_dir)
    s = settings or LineageSettings()
    lineage = read_lineage(root)
    if lineage.empty:
        return []
    items = items_for_linking(root).set_index("item_id")
    rows = lineage[lineage["method"] == "text"]
    rows = rows[(rows["score"] < s.review_below) | (rows["margin"] < s.review_margin)]
    by_id = lineage.set_index("item_id")
    out = []
    for row in rows.sort_values(["score", "margin"]).itertuples():
        prev = row.previous_item_id
        if prev is None or prev not in by_id.index or prev not in items.index:
            continue
        a = by_id.loc[prev]
        out.append(
            ReviewCandidate(
                lineage_id=row.lineage_id,
                kind=row.kind,
                score=float(row.score),
                margin=float(row.margin),
                plan_year_a=str(a["plan_year"]),
                ref_a=_override_key(pd.Series({"ref": a["ref"], "item_id": prev})),
                text_a=str(items.at[prev, "text"]),
                plan_year_b=str(row.plan_year),
                ref_b=_override_key(pd.Series({"ref": row.ref, "item_id": row.item_id})),
                text_b=str(items.at[row.item_id, "text"]) if row.item_id in items.index else "",
            )
        )
    return out


def record_decision(
    out_dir: Path,
    candidate: ReviewCandidate,
    accept: bool,
    reason: str = "",
    *,
    settings: LineageSettings | None = None,
    take_lock: bool = True,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> LineageResult:
    """Record a review decision in ``DIR/overrides.csv`` and relink so it takes effect."""
    root = Path(out_dir)
    with _DatasetLock(root, take_lock, lock_timeout):
        append_overrides(root, [_decision(candidate, accept, reason)])
    return link_dataset(root, settings=settings, take_lock=take_lock, lock_timeout=lock_timeout)


Verdict = Literal["accept", "reject", "skip", "quit"]


def review_links(
    out_dir: Path,
    decide: Callable[[ReviewCandidate], Verdict],
    *,
    limit: int | None = None,
    reason: str = "",
    settings: LineageSettings | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> int:
    """Offer each uncertain link (weakest first) to ``decide``; return how many were decided.

    Each accept or reject is appended to ``DIR/overrides.csv`` at once, so a review broken
    off keeps what was decided; the dataset is relinked once at the end, not per decision.
    """
    root = Path(out_dir)
    candidates = review_candidates(root, settings)[:limit]
    decided = 0
    try:
        for candidate in candidates:
            verdict = decide(candidate)
            if verdict == "quit":
                break
            if verdict not in ("accept", "reject"):
                continue
            with _DatasetLock(root, True, lock_timeout):
                append_overrides(root, [_decision(candidate, verdict == "accept", reason)])
            decided += 1
    finally:
        if decided:
            link_dataset(root, settings=settings, lock_timeout=lock_timeout)
    return decided


def _decision(candidate: ReviewCandidate, accept: bool, reason: str) -> Override:
    return Override(
        decision="must_link" if accept else "cannot_link",
        kind=candidate.kind,
        plan_year_a=candidate.plan_year_a,
        ref_a=candidate.ref_a,
        plan_year_b=candidate.plan_year_b,
        ref_b=candidate.ref_b,
        reason=reason or ("accepted in review" if accept else "rejected in review"),
    )


# --------------------------------------------------------------------------- history


def resolve_lineage(out_dir: Path, ref_or_id: str, plan_year: str | None = None) -> str:
    """The lineage ID meant by a lineage ID, or by a ref (in ``plan_year`` when given)."""
    lineage = read_lineage(Path(out_dir))
    if lineage.empty:
        raise InputError("the dataset has no lineage table yet (run `ragtrack lineage rebuild`)")
    if ref_or_id in set(lineage["lineage_id"]):
        return ref_or_id
    refs = lineage["ref"].map(lambda r: canonical_ref(r) if isinstance(r, str) else None)
    hits = lineage[refs == canonical_ref(ref_or_id)]
    if plan_year is not None:
        hits = hits[hits["plan_year"] == plan_year]
    ids = sorted(set(hits["lineage_id"]))
    if not ids:
        where = f" in plan year {plan_year}" if plan_year else ""
        raise InputError(f"no item or lineage {ref_or_id!r}{where}")
    if len(ids) > 1:
        years = ", ".join(sorted(set(hits["plan_year"].astype(str))))
        raise InputError(
            f"ref {ref_or_id} names different items in {years}; choose one with --plan-year"
        )
    return ids[0]


def item_history(out_dir: Path, ref_or_id: str, plan_year: str | None = None) -> pd.DataFrame:
    """One lineage's appearances, one row per report: period, ref, RAG, arrow, milestone, text."""
    root = Path(out_dir)
    lineage_id = resolve_lineage(root, ref_or_id, plan_year)
    lineage = read_lineage(root)
    members = lineage[lineage["lineage_id"] == lineage_id][["item_id", "lineage_id", "method"]]
    items = items_for_linking(root)
    history = members.merge(items, on="item_id", how="left")
    for column in (
        "period_end",
        "doc_type",
        "rag",
        "direction",
        "direction_raw",
        "milestone",
        "quarter",
    ):
        if column not in history:
            history[column] = None
    history["_year"] = history["plan_year"].astype(str)
    history["_period"] = pd.to_datetime(history["period_end"], errors="coerce")
    history = history.sort_values(["_year", "_period"], na_position="first")
    columns = [
        "lineage_id",
        "plan_year",
        "doc_type",
        "period_end",
        "quarter",
        "ref",
        "rag",
        "direction",
        "direction_raw",
        "milestone",
        "text",
        "method",
        "item_id",
    ]
    return history[columns].reset_index(drop=True)
