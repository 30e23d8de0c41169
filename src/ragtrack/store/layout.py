"""Where a report's files live: report keys and partition paths.

Every path component is built from a slug of ``[a-z0-9-]`` characters, so nothing a document
says (a council called ``../../etc``) can steer a write outside the dataset directory.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import regex

from ragtrack.normalise.values import plan_year_slug
from ragtrack.records import DocumentRecord

#: Names inside the dataset directory that start with ``_`` are ignored by pyarrow, pandas
#: and the ``**/*.parquet`` globs readers use.
MANIFEST_NAME = "_manifest.sqlite"
LOCK_NAME = "_ingest.lock"
STAGING_NAME = "_staging"

#: The partition column in paths. Never stored inside the files (readers would refuse a
#: dataset where a partition key is also a column).
PARTITION = "year"

_UNSAFE = regex.compile(r"[^a-z0-9]+")
_YEAR_SLUG = regex.compile(r"^\d{4}-\d{2}$")
_KEY = regex.compile(r"^[a-z0-9][a-z0-9_-]{0,199}$")
_MAX_PART = 60


def slug(text: str | None, default: str) -> str:
    """Lowercase ASCII words joined by ``-`` (accents folded); ``default`` when nothing is left."""
    if not text:
        return default
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("-", folded.lower()).strip("-")
    return cleaned[:_MAX_PART].strip("-") or default


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def name_slug(name: str | None, default: str) -> str:
    """A slug that keeps names apart: where folding to ASCII loses anything (another script,
    accents, punctuation only, a name cut at its 60th character), a short hash of the whole
    name follows, so ``東京都`` and ``大阪府`` never share a key."""
    if name is None or not name.strip():
        return default
    canonical = unicodedata.normalize("NFC", " ".join(name.split())).casefold()
    plain = slug(name, "")
    words = _UNSAFE.sub("-", canonical).strip("-")
    if plain and plain == words:
        return plain
    return f"{(plain or 'council')[: _MAX_PART - 9].strip('-')}-{_short_hash(canonical)}"


def year_partition(plan_year: str | None) -> str:
    """``2019/20`` -> ``2019-20``; anything that is not a plan year -> ``unknown``."""
    candidate = plan_year_slug(plan_year)
    return candidate if _YEAR_SLUG.match(candidate) else "unknown"


def report_key(document: DocumentRecord) -> str:
    """The identity of a report across re-publications: council, type, plan year, period.

    A corrected re-publication gets the same key (and replaces the old rows). A document whose
    period cannot be pinned down (no period end, and no quarter of a known plan year) cannot
    be identified that way, so its key ends in a prefix of its content hash instead, and
    unrelated such files never replace each other. Council names of any script stay apart
    (:func:`name_slug`).
    """
    council = name_slug(document.council, "unspecified")
    doc_type = slug(document.doc_type, "unknown")
    year = year_partition(document.plan_year)
    content = slug(document.document_id, "0")[:12]
    if document.period_end is not None:
        period = document.period_end.isoformat()
    elif document.quarter is not None:
        period = f"q{int(document.quarter)}"
        if year == "unknown":  # "Quarter 3" of an unknown year says too little
            period += f"-{content}"
    elif document.doc_type == "delivery_plan" and year != "unknown":
        period = "plan"
    else:
        period = f"undated-{content}"
    return f"{council}_{doc_type}_{year}_{period}"


def is_safe_key(key: str) -> bool:
    """True when ``key`` is a slug that can be a file name inside the dataset."""
    return bool(_KEY.match(key)) and ".." not in key


def table_file(root: Path, table: str, year: str, key: str) -> Path:
    """``root/<table>/year=<year>/<key>.parquet``, refusing anything but safe slugs."""
    if not is_safe_key(key) or not (_YEAR_SLUG.match(year) or year == "unknown"):
        raise ValueError(f"unsafe report key or partition: {key!r}, {year!r}")
    return root / table / f"{PARTITION}={year}" / f"{key}.parquet"


def key_year(key: str) -> str:
    """The partition a report key belongs to (the key embeds it)."""
    parts = key.split("_")
    for part in parts[2:]:
        if _YEAR_SLUG.match(part) or part == "unknown":
            return part
    return "unknown"


def dataset_files(root: Path) -> dict[tuple[str, str], Path]:
    """Every report file found on disk in the dataset, keyed by (table, report key)."""
    from ragtrack.store.schema import TABLES

    found: dict[tuple[str, str], Path] = {}
    for table in TABLES:
        for path in sorted((root / table).glob(f"{PARTITION}=*/*.parquet")):
            found[(table, path.stem)] = path
    return found


def inside(root: Path, relative: str) -> Path:
    """``root / relative`` when that stays inside ``root`` (no ``..``, absolute path or link
    out); raises ValueError otherwise. Recovery and commits only ever touch such paths."""
    if not relative or Path(relative).is_absolute() or ".." in Path(relative).parts:
        raise ValueError(f"not a path inside the dataset: {relative!r}")
    base = root.resolve()
    target = (root / relative).resolve()
    if base not in target.parents:
        raise ValueError(f"not a path inside the dataset: {relative!r}")
    return root / relative
