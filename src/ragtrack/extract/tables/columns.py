"""Header rows: which columns a table has, told by the words of its header.

A header is found in a line's cells (tab-separated from a PDF's ruled table, or aligned by
runs of spaces in text) or, in a line with no separators at all, by matching column names
one after another from the left. Every cell must be a known name: a table of counts headed
``Activity  Apr  May  Jun`` is no table of items.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ragtrack.records import Line

#: What a column holds. ``rag``/``previous_rag`` are statuses; ``value``/``previous_value``/
#: ``target``/``floor`` are printed figures.
Field = Literal[
    "ref",
    "text",
    "milestone",
    "target",
    "floor",
    "rag",
    "previous_rag",
    "direction",
    "value",
    "previous_value",
    "commentary",
    "lead",
    "unit",
    "ignore",
]
#: How a line's cells are told apart.
Mode = Literal["tabbed", "aligned", "flat"]

#: Column names every profile knows, by field (a profile adds to or overrides these).
DEFAULT_ALIASES: dict[Field, tuple[str, ...]] = {
    "ref": ("ref", "reference", "ref no", "id", "code", "pi code", "kpi ref", "no"),
    "text": (
        "action",
        "actions",
        "measure",
        "indicator",
        "kpi",
        "key performance indicator",
        "performance indicator",
        "description",
        "title",
    ),
    "milestone": ("milestone", "due date", "deadline", "target date"),
    "target": ("target",),
    "floor": ("floor", "threshold"),
    "rag": ("status", "rag", "rating", "rag status", "rag rating", "current status"),
    "previous_rag": ("previous rag", "previous rating", "previous status"),
    "direction": ("dot", "direction", "direction of travel", "trend"),
    "value": ("latest", "this quarter", "current", "actual", "latest value"),
    "previous_value": ("previous", "last quarter", "previous value", "previous quarter"),
    "commentary": ("commentary", "comment", "comments", "update", "progress update"),
    "lead": ("lead", "directorate", "officer", "lead officer", "responsible officer"),
    "unit": ("unit", "units", "unit of measure"),
}

#: Fields that make a table one of items: a name or ref, and something reported about it.
_NAMES = frozenset({"ref", "text"})
_REPORTED = frozenset({"rag", "value", "direction", "milestone", "commentary", "target"})

_SPLIT_ALIGNED = re.compile(r"\S+(?: \S+)*")
_NOT_NAME = re.compile(r"[^\w%/]+")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a header: what it holds, its name as printed, where it starts."""

    field: Field
    label: str
    start: int


@dataclass(frozen=True, slots=True)
class Header:
    """A table's header row with provenance."""

    line: Line
    columns: tuple[Column, ...]
    mode: Mode

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(c.field for c in self.columns)


def fold(text: str) -> str:
    """A name compared case, punctuation and spacing aside."""
    return " ".join(_NOT_NAME.sub(" ", text.casefold()).split())


def line_mode(text: str) -> Mode:
    """How a line's cells are separated: tabs, runs of two or more spaces, or not at all."""
    if "\t" in text:
        return "tabbed"
    return "aligned" if len(_SPLIT_ALIGNED.findall(text.strip())) > 1 else "flat"


def split_cells(text: str, mode: Mode) -> list[tuple[int, str]]:
    """A line's cells with the offsets they start at."""
    if mode == "tabbed":
        out, at = [], 0
        for cell in text.split("\t"):
            out.append((at, cell.strip()))
            at += len(cell) + 1
        return out
    if mode == "aligned":
        return [(m.start(), m.group(0)) for m in _SPLIT_ALIGNED.finditer(text)]
    return [(len(text) - len(text.lstrip()), text.strip())]


@dataclass(frozen=True, slots=True)
class ColumnNames:
    """Column names by field, indexed for matching once per reading: each name's words,
    grouped by its first word, longest first (a document's every line is tried)."""

    by_first: Mapping[str, tuple[tuple[tuple[str, ...], Field], ...]]

    @classmethod
    def of(cls, aliases: Mapping[Field, Sequence[str]]) -> ColumnNames:
        groups: dict[str, list[tuple[tuple[str, ...], Field]]] = {}
        for field, names in aliases.items():
            for name in names:
                words = tuple(fold(name).split())
                if words:
                    groups.setdefault(words[0], []).append((words, field))
        return cls({k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in groups.items()})


def _names(text: str, names: ColumnNames) -> list[tuple[Field, str]] | None:
    """``text`` read as column names one after another (longest name first), or None when
    any part of it is no known name."""
    words = fold(text).split()
    out: list[tuple[Field, str]] = []
    i = 0
    while i < len(words):
        candidates = names.by_first.get(words[i], ())
        match = next((p for p in candidates if tuple(words[i : i + len(p[0])]) == p[0]), None)
        if match is None:
            return None
        out.append((match[1], " ".join(words[i : i + len(match[0])])))
        i += len(match[0])
    return out


def _names_of(aliases: Mapping[Field, Sequence[str]] | ColumnNames) -> ColumnNames:
    return aliases if isinstance(aliases, ColumnNames) else ColumnNames.of(aliases)


def _may_be_header(text: str, names: ColumnNames) -> bool:
    first = fold(text[:60]).split()[:1]
    return bool(first) and first[0] in names.by_first  # most lines: no column name first


def read_header(line: Line, aliases: Mapping[Field, Sequence[str]] | ColumnNames) -> Header | None:
    """``line`` as a table header, or None. In cells, each cell is one column (its name may be
    several words); a line with no separators is read as names one after another."""
    names_of = _names_of(aliases)
    if not _may_be_header(line.text, names_of):
        return None
    mode = line_mode(line.text)
    return _header(line, split_cells(line.text, mode), mode, names_of)


def read_wrapped_header(
    top: Line, below: Line, aliases: Mapping[Field, Sequence[str]] | ColumnNames
) -> Header | None:
    """``top`` and ``below`` as one header whose names wrap onto a second line (``RAG`` over
    ``rating``, ``Last`` over ``quarter``), or None. Each cell of ``below`` joins the column
    it sits under (by tab, or by where it starts); every joined name must be known."""
    names_of = _names_of(aliases)
    mode = line_mode(top.text)
    if mode == "flat" or not below.text.strip() or not _may_be_header(top.text, names_of):
        return None
    cells = split_cells(top.text, mode)
    labels = [cell for _start, cell in cells]
    starts = [start for start, _cell in cells]
    below_mode: Mode = "tabbed" if mode == "tabbed" else "aligned"
    for n, (start, cell) in enumerate(split_cells(below.text, below_mode)):
        if not cell:
            continue
        under = (
            n
            if mode == "tabbed"
            else max((k for k, s in enumerate(starts) if s <= start + 2), default=-1)
        )
        if not 0 <= under < len(labels):
            return None
        labels[under] = f"{labels[under]} {cell}".strip()
    if labels == [cell for _start, cell in cells]:
        return None
    return _header(top, list(zip(starts, labels, strict=True)), mode, names_of)


def _header(
    line: Line, cells: Sequence[tuple[int, str]], mode: Mode, names_of: ColumnNames
) -> Header | None:
    columns: list[Column] = []
    for start, cell in cells:
        if not cell and mode == "tabbed":
            columns.append(Column("ignore", "", start))
            continue
        names = _names(cell, names_of)
        if not names:  # an unknown name, or a cell of punctuation only
            return None
        if mode != "flat":  # one cell, one column: named by its first name ("RAG rating Latest")
            names = [(names[0][0], cell)]
        columns.extend(Column(f, label, start) for f, label in names)
    columns = _milestone_as_name(columns)
    fields = {c.field for c in columns}
    if len(columns) < 2 or not (fields & _NAMES) or not (fields & _REPORTED):
        return None
    return Header(line, tuple(columns), mode)


_DATE_WORDS = frozenset({"date", "due", "deadline", "by", "when"})


def _milestone_as_name(columns: list[Column]) -> list[Column]:
    """In a table with no name column, a column named as milestones (not as a date) names
    each row: a milestone tracker's ``Milestone | Due | Status`` lists the milestones
    themselves, each with its due date."""
    if any(c.field == "text" for c in columns):
        return columns
    for n, column in enumerate(columns):
        if column.field == "milestone" and not _DATE_WORDS & set(fold(column.label).split()):
            return [*columns[:n], Column("text", column.label, column.start), *columns[n + 1 :]]
    return columns


def merged_aliases(extra: Mapping[Field, Sequence[str]] | None) -> dict[Field, tuple[str, ...]]:
    """The default column names with a profile's added; a name a profile gives one field is
    taken from every other field (``Milestone`` as the name column, ``Due`` the milestone)."""
    out: dict[Field, tuple[str, ...]] = dict(DEFAULT_ALIASES)
    for field, names in (extra or {}).items():
        taken = {fold(n) for n in names}
        for other in list(out):
            out[other] = tuple(n for n in out[other] if fold(n) not in taken)
        out[field] = tuple(names) + out.get(field, ())
    return out
