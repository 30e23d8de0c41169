"""Reading one committed state of the dataset, whole, whatever a writer is doing.

The manifest lists every data file of the committed state with its SHA-256. A reader takes
that list in one read transaction, reads each file's bytes and checks them against it. A
writer replaces files in place *before* it commits the manifest, keeping each old file aside
(hard-linked) in its staging area and naming it in a journal there; so a reader whose file
no longer matches finds the old bytes in the journal's backup, or, once the writer has
committed, reads the new list. Bytes that match nothing, with no writer at work, are damage.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ragtrack.errors import NoDataset
from ragtrack.store.layout import LOCK_NAME, MANIFEST_NAME, STAGING_NAME
from ragtrack.store.manifest import FileEntry, Manifest

log = logging.getLogger(__name__)

JOURNAL_NAME = "journal.json"
#: how long a reader keeps retrying while a writer moves files (seconds)
RETRY_FOR = 60.0


@dataclass(frozen=True, slots=True)
class Damage:
    """A data file of the committed state that is missing or whose bytes do not match."""

    entry: FileEntry
    reason: str  # "missing" | "checksum"

    def __str__(self) -> str:
        what = "is missing" if self.reason == "missing" else "does not match its checksum"
        return f"{self.entry.path} {what}"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One committed state: its generation, files, their verified bytes, and any damage."""

    generation: int
    files: tuple[FileEntry, ...]
    data: dict[str, bytes]
    damaged: tuple[Damage, ...] = ()
    verified: bool = True  # False for a manifest from before checksums


def sha256_bytes(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def require_dataset(root: Path) -> Path:
    """``root`` when it holds a ragtrack dataset; otherwise :class:`NoDataset`."""
    if str(root) == "":
        raise NoDataset("the dataset directory must not be empty", file="''")
    manifest = root / MANIFEST_NAME
    if not root.is_dir():
        raise NoDataset("no dataset here (directory does not exist)", file=str(root))
    if not manifest.is_file():
        raise NoDataset(
            f"no dataset here (not a ragtrack dataset: no {MANIFEST_NAME})", file=str(root)
        )
    return manifest


def writer_active(root: Path) -> bool:
    """True when another process holds the dataset's writer lock right now."""
    import fcntl

    try:
        fd = os.open(root / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def journal_steps(journal: Mapping[str, object]) -> list[object]:
    """A journal's move and remove steps as read (JSON: each is for the reader to check)."""
    steps: list[object] = []
    for key in ("moves", "removes"):
        part = journal.get(key, [])
        if not isinstance(part, Iterable):
            raise TypeError(f"journal {key} is not a list: {part!r}")
        steps.extend(part)
    return steps


def journals(root: Path) -> list[tuple[Path, dict[str, object]]]:
    """Journals of writers that are moving files (or died doing so), by staging folder."""
    staging = root / STAGING_NAME
    found = []
    try:
        folders = sorted(staging.iterdir())
    except OSError:
        return []
    for txn in folders:
        try:
            found.append((txn, json.loads((txn / JOURNAL_NAME).read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return found


def _backups(root: Path) -> dict[str, list[Path]]:
    """Old bytes a writer set aside, by the dataset path they came from."""
    out: dict[str, list[Path]] = {}
    for txn, journal in journals(root):
        for step in journal_steps(journal):
            if not isinstance(step, dict):
                continue
            backup = step.get("backup")
            if isinstance(backup, str) and "/" not in backup and backup not in ("", ".", ".."):
                out.setdefault(str(step.get("dest")), []).append(txn / backup)
    return out


def _read(path: Path) -> bytes | None:
    try:
        with path.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


def _verified(root: Path, entry: FileEntry, backups: dict[str, list[Path]]) -> bytes | None:
    """The entry's bytes from its place, or from a writer's backup; None when neither fits."""
    for candidate in (root / entry.path, *backups.get(entry.path, [])):
        blob = _read(candidate)
        if blob is not None and len(blob) == entry.bytes and sha256_bytes(blob) == entry.sha256:
            return blob
    return None


def _attempt(
    root: Path, manifest_path: Path, tables: Iterable[str] | None
) -> tuple[Snapshot, bool]:
    """One try at reading the state; the flag says whether a writer may explain damage."""
    with Manifest(manifest_path, readonly=True) as manifest:
        if not manifest.has_checksums():
            return _unverified(root, manifest, tables), False
        generation, files = manifest.state()
    wanted = set(tables) if tables is not None else None
    chosen = [f for f in files if wanted is None or f.table_name in wanted]
    backups = _backups(root)
    data: dict[str, bytes] = {}
    damaged: list[Damage] = []
    for entry in chosen:
        blob = _verified(root, entry, backups)
        if blob is None:
            reason = "missing" if not (root / entry.path).exists() else "checksum"
            damaged.append(Damage(entry, reason))
        else:
            data[entry.path] = blob
    snapshot = Snapshot(generation, tuple(chosen), data, tuple(damaged))
    if not damaged:
        return snapshot, False
    with Manifest(manifest_path, readonly=True) as manifest:
        moved_on = manifest.generation() != generation
    return snapshot, moved_on or (bool(journals(root)) and writer_active(root))


def _unverified(root: Path, manifest: Manifest, tables: Iterable[str] | None) -> Snapshot:
    """A dataset written before checksums: its report files as they are, unverified."""
    from ragtrack.store.layout import dataset_files

    wanted = set(tables) if tables is not None else None
    entries, data = [], {}
    keys = {r.report_key for r in manifest.reports()}
    for (table, key), path in dataset_files(root).items():
        if key not in keys or (wanted is not None and table not in wanted):
            continue
        blob = _read(path)
        if blob is None:
            continue
        rel = path.relative_to(root).as_posix()
        entries.append(FileEntry(rel, table, key, sha256_bytes(blob), len(blob), -1))
        data[rel] = blob
    for child in sorted(root.iterdir()):  # whole-dataset tables (the lineage) of that time
        path = child / f"{child.name}.parquet"
        if child.name.startswith(("_", ".")) or not path.is_file():
            continue
        if wanted is not None and child.name not in wanted:
            continue
        blob = _read(path)
        if blob is not None:
            rel = path.relative_to(root).as_posix()
            entries.append(FileEntry(rel, child.name, None, sha256_bytes(blob), len(blob), -1))
            data[rel] = blob
    return Snapshot(manifest.generation(), tuple(entries), data, (), verified=False)


def read_snapshot(root: str | Path, tables: Iterable[str] | None = None) -> Snapshot:
    """The dataset's committed state with every file's bytes verified (see the module doc).

    ``tables`` limits which tables' files are read. Damage is returned in
    :attr:`Snapshot.damaged`, never raised here; a missing or unreadable manifest raises
    :class:`NoDataset` or :class:`~ragtrack.store.manifest.ManifestDamaged`.
    """
    root = Path(root)
    manifest_path = require_dataset(root)
    tables = list(tables) if tables is not None else None
    deadline = time.monotonic() + RETRY_FOR
    pause = 0.005
    while True:
        snapshot, writer_may_explain = _attempt(root, manifest_path, tables)
        if not snapshot.damaged or not writer_may_explain or time.monotonic() > deadline:
            return snapshot
        time.sleep(pause)
        pause = min(pause * 2, 0.2)
