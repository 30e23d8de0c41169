"""``DIR/overrides.csv``: reviewers' must-link / cannot-link decisions, one per line.

Read strictly: anything that is not a UTF-8 CSV with the expected columns is an
:class:`InputError` naming the file and line (a byte-order mark is accepted). Written by
appending through a temporary file and ``os.replace``, so a crash leaves the old file or the
new one. The caller holds the dataset lock while appending.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from ragtrack.errors import InputError
from ragtrack.link.settings import OVERRIDE_FIELDS, Override, OverrideKind

OVERRIDES_NAME = "overrides.csv"
#: the columns written: the decision's fields and when it was made
COLUMNS = [*OVERRIDE_FIELDS, "decided_at"]
_REQUIRED = ("decision", "kind", "plan_year_a", "ref_a", "plan_year_b", "ref_b")
DECISIONS: tuple[OverrideKind, ...] = ("must_link", "cannot_link")

Choice = TypeVar("Choice", bound=str)


def one_of(allowed: Sequence[Choice], value: str, field: str, path: Path, line: int) -> Choice:
    """``value`` as one of ``allowed``, or an error naming the field, the file and the line."""
    for choice in allowed:
        if choice == value:
            return choice
    raise InputError(
        f"{field} must be {' or '.join(allowed)}, not {value!r}", file=str(path), line=line
    )


#: longest field accepted (Python's csv default); a longer one is not a reviewer's note
MAX_FIELD = 131072


def overrides_path(root: Path) -> Path:
    return Path(root) / OVERRIDES_NAME


def _text(path: Path) -> str:
    """The file's text: UTF-8, with or without a byte-order mark."""
    if path.is_dir():
        raise InputError("is a directory, not a CSV file of overrides", file=str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8 CSV",
            file=str(path),
            line=line,
        ) from None


def read_overrides(root: Path) -> list[Override]:
    """The decisions in ``DIR/overrides.csv`` (none when the file does not exist)."""
    path = overrides_path(root)
    if not path.exists() and not path.is_symlink():
        return []
    text = _text(path)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError("contains a NUL byte: not a text CSV file", file=str(path), line=line)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    out: list[Override] = []
    try:
        with _long_fields():
            header = reader.fieldnames or []
            missing = [c for c in _REQUIRED if c not in header]
            if header and missing:
                raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), line=1)
            for row in reader:
                out.append(_override(row, reader.line_num, path))
    except csv.Error as exc:
        raise InputError(
            f"not a valid CSV row: {exc}", file=str(path), line=reader.line_num
        ) from None
    return out


@contextlib.contextmanager
def _long_fields() -> Iterator[None]:
    """Let the csv module read any field, so a long one is reported with its line by us
    (the module's own limit error comes before it counts the line)."""
    previous = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _override(row: dict, line: int, path: Path) -> Override:
    values = {}
    for name in (*_REQUIRED, "reason"):
        value = row.get(name)
        if isinstance(value, list) or None in row:
            raise InputError("more fields than the header names", file=str(path), line=line)
        values[name] = (value or "").strip()
        if len(values[name]) > MAX_FIELD:
            raise InputError(
                f"field {name} is longer than {MAX_FIELD} characters", file=str(path), line=line
            )
    decision = one_of(DECISIONS, values["decision"], "decision", path, line)
    empty = [n for n in _REQUIRED[1:] if not values[n] and n not in ("ref_a", "ref_b")]
    empty += [n for n in ("ref_a", "ref_b") if not values[n]]
    if empty:
        raise InputError(f"empty {', '.join(empty)}", file=str(path), line=line)
    return Override(
        decision=decision,
        kind=values["kind"],
        plan_year_a=values["plan_year_a"],
        ref_a=values["ref_a"],
        plan_year_b=values["plan_year_b"],
        ref_b=values["ref_b"],
        reason=values["reason"],
        line=line,
    )


def append_overrides(root: Path, overrides: Iterable[Override]) -> Path:
    """Add decisions to ``DIR/overrides.csv`` (created with a header when new)."""
    path = overrides_path(root)
    rows = [
        {**{f: getattr(o, f) for f in OVERRIDE_FIELDS}, "decided_at": _now()} for o in overrides
    ]
    existing = _text(path) if path.exists() else ""
    return append_csv_rows(path, COLUMNS, rows, existing)


def append_csv_rows(
    path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]], existing: str
) -> Path:
    """``existing`` text plus ``rows`` (a header first when there was none) as the new
    ``path``, replaced atomically; the file takes the user's umask like any other."""
    temp = path.with_name(f"_{path.name}.tmp")
    try:
        with temp.open("w", newline="", encoding="utf-8") as out:
            if existing:
                out.write(existing if existing.endswith("\n") else existing + "\n")
            writer = csv.DictWriter(out, fieldnames=list(columns))
            if not existing:
                writer.writeheader()
            writer.writerows(rows)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def read_review_export(path: Path) -> list[Override]:
    """The decisions in an edited review export (see ``ragtrack.api.export_review``): one
    override per row whose ``decision`` is accept or reject; blank rows are skipped."""
    path = Path(path)
    reader = csv.DictReader(io.StringIO(_text(path), newline=""))
    try:
        with _long_fields():
            header = reader.fieldnames or []
            missing = [c for c in ("decision", *_REQUIRED[1:]) if c not in header]
            if missing:
                raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), line=1)
            rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        line = reader.line_num
        raise InputError(f"not a valid CSV row: {exc}", file=str(path), line=line) from None
    return [o for line, row in rows if (o := _verdict(row, line, path)) is not None]


def _verdict(row: dict, line: int, path: Path) -> Override | None:
    verdict = (row.get("decision") or "").strip().lower()
    if not verdict or verdict in ("skip", "s"):
        return None
    if verdict not in _VERDICTS:
        raise InputError(
            f"decision must be accept, reject or blank, not {verdict!r}", file=str(path), line=line
        )
    accept = _VERDICTS[verdict]
    reason = (row.get("reason") or "").strip()
    row = {
        **row,
        "decision": "must_link" if accept else "cannot_link",
        "reason": reason or ("accepted in review" if accept else "rejected in review"),
    }
    return _override(row, line, path)


_VERDICTS = {"accept": True, "a": True, "yes": True, "reject": False, "r": False, "no": False}
