"""A layout profile: a TOML file loaded into a frozen settings object.

A profile names the layout's column names (added to the common vocabulary), the pattern its
refs follow, its status and trend words, where the period and council are printed, which
headings hold items, and limits on what one item may be. Built-in profiles ship in
``builtin/``; a user's own is passed by path.
"""

from __future__ import annotations

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


def _strings(raw: object, where: str, name: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise InputError(f"[{where}] must map printed words to values", file=name)
    return {str(k): str(v) for k, v in raw.items()}


def profile_from_toml(text: str, name: str) -> Profile:
    """A profile from TOML text; ``name`` (a file name) is used in errors."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not a valid profile (TOML): {exc}", file=name) from exc
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise InputError(f"unknown profile setting {unknown[0]!r}", file=name)
    doc, sections, limits = raw.get("document", {}), raw.get("sections", {}), raw.get("limits", {})
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
        status=_strings(raw.get("status", {}), "status", name),
        trend=_strings(raw.get("trend", {}), "trend", name),
        council=_pattern(doc.get("council"), "document.council", name),
        period=_pattern(doc.get("period"), "document.period", name),
        include=tuple(
            _pattern(p, "sections.include", name) or re.compile("")
            for p in sections.get("include", [])
        ),
        exclude=tuple(
            _pattern(p, "sections.exclude", name) or re.compile("")
            for p in sections.get("exclude", [])
        ),
        limits=Limits(**{k: int(v) for k, v in limits.items()}),
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
