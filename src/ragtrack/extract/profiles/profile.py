"""A layout profile: a TOML file loaded into a frozen settings object.

A profile names the layout's column names (added to the common vocabulary), the pattern its
refs follow, its status and trend words, where the period and council are printed, which
headings hold items, and limits on what one item may be. Built-in profiles ship in
``builtin/``; a user's own is passed by path.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal, cast

from ragtrack.errors import InputError
from ragtrack.extract.tables.columns import DEFAULT_ALIASES, ColumnNames, Field, merged_aliases
from ragtrack.normalise.status import RAG_ORDER
from ragtrack.records import Kind

_KEYS = frozenset(
    {"name", "description", "form", "kind", "ref", "columns", "status", "trend", "document"}
    | {"sections", "limits", "tiles"}
)


@dataclass(frozen=True, slots=True)
class Limits:
    """What one item may be: longer text means the layout was misread (a whole section read
    as one item), and the document is refused rather than stored."""

    max_item_chars: int = 2000
    max_item_lines: int = 60


@dataclass(frozen=True, slots=True)
class Profile:
    """One layout, as settings. ``form`` is ``table`` (a header row and rows) or ``blocks``
    (``Key: value`` lines under each ref)."""

    name: str
    description: str = ""
    form: Literal["table", "blocks"] = "table"
    kind: Kind = "action"
    ref: re.Pattern[str] | None = None
    columns: Mapping[Field, tuple[str, ...]] = field(default_factory=dict)
    status: Mapping[str, str] = field(default_factory=dict)
    trend: Mapping[str, str | None] = field(default_factory=dict)
    council: re.Pattern[str] | None = None
    period: re.Pattern[str] | None = None
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    limits: Limits = Limits()
    #: also read KPI tiles (a name, then ``Latest: 97% Target: 97%`` lines) as items
    tiles: bool = False
    source: str = ""

    @property
    def aliases(self) -> dict[Field, tuple[str, ...]]:
        """Every column name this profile knows, by field."""
        return merged_aliases(self.columns)


def _pattern(value: object, where: str, name: str) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where} must be a string (a regular expression)", file=name)
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise InputError(f"{where} is not a valid regular expression: {exc}", file=name) from exc


def _columns(raw: object, name: str) -> dict[Field, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise InputError("[columns] must be a table of field = [names]", file=name)
    out: dict[Field, tuple[str, ...]] = {}
    for key, names in raw.items():
        if key not in DEFAULT_ALIASES and key != "ignore":
            known = ", ".join(sorted(DEFAULT_ALIASES))
            raise InputError(f"[columns]: unknown field {key!r} (known: {known})", file=name)
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise InputError(f"[columns] {key} must be a list of names", file=name)
        out[cast(Field, key)] = tuple(names)
    return out


def _strings(
    raw: object, where: str, allowed: tuple[str, ...], text: str, name: str
) -> dict[str, str]:
    """``[where]``: printed words to values, each value one of ``allowed``."""
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise InputError(f"[{where}] must map printed words to values", file=name)
    for word, value in raw.items():
        if value.strip().lower() not in allowed:
            raise InputError(
                f"[{where}] {word!r} = {value!r}: the value must be one of {', '.join(allowed)}",
                file=name,
                line=_line(text, where, word),
            )
    return {str(k): str(v).strip().lower() for k, v in raw.items()}


#: The settings each table of a profile takes (a misspelt one is an error, never ignored).
_TABLE_KEYS: dict[str, frozenset[str]] = {
    "document": frozenset({"council", "period"}),
    "sections": frozenset({"include", "exclude"}),
    "limits": frozenset(field.name for field in dataclasses.fields(Limits)),
}
_STATUS_VALUES = (*RAG_ORDER, "complete")
_TREND_VALUES = ("improving", "sustained", "declining")


def _line(text: str, table: str | None, key: str) -> int | None:
    """The line of the TOML text where ``key`` is set (in ``[table]``), for errors."""
    current = None
    setting = re.compile(rf"""^\s*(["']?){re.escape(key)}\1\s*=""")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            current = header[1].strip()
        elif current == table and setting.match(line):
            return number
    return None


def _table(raw: dict[str, object], table: str, text: str, name: str) -> dict[str, object]:
    """``[table]`` of the profile, its keys checked."""
    values = raw.get(table, {})
    if not isinstance(values, dict):
        raise InputError(f"{table} must be a table ([{table}])", file=name)
    for key in values:
        if key not in _TABLE_KEYS[table]:
            known = ", ".join(sorted(_TABLE_KEYS[table]))
            raise InputError(
                f"[{table}]: unknown setting {key!r} (known: {known})",
                file=name,
                line=_line(text, table, key),
            )
    return values


def _patterns(value: object, where: str, name: str) -> tuple[re.Pattern[str], ...]:
    """A list of regular expressions (one given alone counts as a list of one)."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise InputError(f"{where} must be a list of regular expressions", file=name)
    return tuple(_pattern(v, where, name) or re.compile("") for v in values)


def _limits(values: dict[str, object], text: str, name: str) -> Limits:
    for key, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InputError(
                f"[limits] {key} must be a whole number above 0, not {value!r}",
                file=name,
                line=_line(text, "limits", key),
            )
    return Limits(**cast(dict[str, int], values))


def profile_from_toml(text: str, name: str) -> Profile:
    """A profile from TOML text; ``name`` (a file name) is used in errors."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not a valid profile (TOML): {exc}", file=name) from exc
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        line = _line(text, None, unknown[0])
        raise InputError(f"unknown profile setting {unknown[0]!r}", file=name, line=line)
    doc, sections = _table(raw, "document", text, name), _table(raw, "sections", text, name)
    limits = _table(raw, "limits", text, name)
    form, kind = raw.get("form", "table"), raw.get("kind", "action")
    if form not in ("table", "blocks") or kind not in ("action", "measure"):
        raise InputError("form must be table or blocks, kind action or measure", file=name)
    if not isinstance(raw.get("tiles", False), bool):
        raise InputError("tiles must be true or false", file=name)
    return Profile(
        name=str(raw.get("name") or Path(name).stem),
        description=str(raw.get("description", "")),
        form=form,
        kind=kind,
        ref=_pattern(raw.get("ref"), "ref", name),
        columns=_columns(raw.get("columns", {}), name),
        status=_strings(raw.get("status", {}), "status", _STATUS_VALUES, text, name),
        trend=_strings(raw.get("trend", {}), "trend", _TREND_VALUES, text, name),
        council=_pattern(doc.get("council"), "document.council", name),
        period=_pattern(doc.get("period"), "document.period", name),
        include=_patterns(sections.get("include", []), "sections.include", name),
        exclude=_patterns(sections.get("exclude", []), "sections.exclude", name),
        limits=_limits(limits, text, name),
        tiles=raw.get("tiles", False),
        source=name,
    )


def load_profile(path: str | Path) -> Profile:
    """A profile from a TOML file (the I/O edge)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read profile: {exc.strerror or exc}", file=str(path)) from exc
    return profile_from_toml(text, str(path))


def load_profiles(path: str | Path) -> tuple[Profile, ...]:
    """The profile in a TOML file, or every ``*.toml`` profile in a folder (the I/O edge)."""
    path = Path(path)
    if not path.is_dir():
        return (load_profile(path),)
    found = tuple(load_profile(p) for p in sorted(path.glob("*.toml")))
    if not found:
        raise InputError("no layout profiles (*.toml) in this folder", file=str(path))
    return found


@functools.cache
def builtin_profiles() -> tuple[Profile, ...]:
    """The profiles shipped with ragtrack, by name (read once per process: they are frozen)."""
    folder = resources.files("ragtrack.extract.profiles") / "builtin"
    found = sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)
    return tuple(profile_from_toml(p.read_text(encoding="utf-8"), p.name) for p in found)


@functools.cache
def builtin_column_names() -> ColumnNames:
    """Every column name the common vocabulary or a built-in profile knows: what a PDF's
    unruled table header is recognised by before any profile reads the document."""
    names: dict[Field, tuple[str, ...]] = dict(DEFAULT_ALIASES)
    for profile in builtin_profiles():
        for kind, more in profile.columns.items():
            names[kind] = (*names.get(kind, ()), *more)
    return ColumnNames.of(names)
