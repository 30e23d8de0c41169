"""Exporting the dataset for a colleague: CSV files or one Excel workbook.

:func:`export_frames` is pure: the tables in reading order (timeline first), lists joined
with ``"; "``, dates without a time of day, categoricals as plain text. :func:`write_csv`
and :func:`write_xlsx` are the file-writing edge: CSV is UTF-8 with a byte-order mark (so
Excel shows £ and curly quotes); the workbook has a sheet per table, the header row frozen
and filters on, written with openpyxl. Files are written beside their target and moved into
place, so an interrupted export leaves no half-written file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path

import pandas as pd

from ragtrack.link.columns import missing_as_none

#: Tables in the order they are exported; others found in the dataset follow by name.
EXPORT_ORDER: tuple[str, ...] = (
    "timeline",
    "documents",
    "items",
    "commentary",
    "plan_baseline",
    "outcomes",
    "lineage",
)
LIST_SEPARATOR = "; "
#: Excel keeps at most this many characters in a cell.
_EXCEL_CELL = 32_767


def _flat(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        return LIST_SEPARATOR.join(str(v) for v in value.tolist())
    return value


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """One table ready for a spreadsheet: lists joined, dates as dates, categories as text."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            out[name] = column.astype("object").where(column.notna(), None)
        elif pd.api.types.is_datetime64_any_dtype(column):
            if getattr(column.dt, "tz", None) is not None:
                column = column.dt.tz_convert("UTC").dt.tz_localize(None)
            if (column.dropna() == column.dropna().dt.normalize()).all():
                out[name] = column.dt.date.where(column.notna(), None)
            else:
                out[name] = column
        elif column.dtype == object:
            out[name] = column.map(_flat)
    return out


def export_frames(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables to export, timeline first, each through :func:`export_frame`."""
    names = [n for n in EXPORT_ORDER if n in tables]
    names += sorted(n for n in tables if n not in EXPORT_ORDER)
    return {name: export_frame(tables[name]) for name in names}


def _replace_into(target: Path, write: Callable[[Path], object]) -> None:
    """Write through ``write(temp_path)`` beside ``target``, then move it into place; the
    file takes the user's umask like any other they create."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write_csv(frames: Mapping[str, pd.DataFrame], folder: Path) -> list[Path]:
    """One ``<table>.csv`` per table in ``folder`` (UTF-8 with BOM); returns the paths."""
    paths = []
    for name, frame in frames.items():
        target = Path(folder) / f"{name}.csv"
        _replace_into(target, partial(frame.to_csv, index=False, encoding="utf-8-sig"))
        paths.append(target)
    return paths


def _cell_safe(value: object) -> object:
    """A string without the control characters Excel refuses, cut to Excel's cell limit."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:_EXCEL_CELL]
    return value


def _rows(frame: pd.DataFrame) -> Iterator[list[object]]:
    """The frame's rows as lists of Python values, None where missing, strings cell-safe."""
    columns = [missing_as_none(frame[name]).tolist() for name in frame.columns]
    for row in zip(*columns, strict=True):
        yield [_cell_safe(v) for v in row]


def write_xlsx(frames: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """One workbook, a sheet per table: header frozen, filters on, columns sized to fit.

    Written by openpyxl in write-only mode, which streams rows to the file instead of
    building every cell as an object first: a third faster, in a fraction of the memory."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    def write(temp: Path) -> None:
        book = Workbook(write_only=True)
        for name, frame in frames.items():
            sheet = book.create_sheet(name[:31])
            for n, column in enumerate(frame.columns, start=1):
                sheet.column_dimensions[get_column_letter(n)].width = _width(frame[column])
            sheet.freeze_panes = "A2"
            if len(frame.columns):
                last = get_column_letter(len(frame.columns))
                sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
            sheet.append([str(c) for c in frame.columns])
            for row in _rows(frame):
                sheet.append(row)
        book.save(temp)

    _replace_into(Path(path), write)
    return Path(path)


def _width(column: pd.Series) -> float:
    sample = [len(str(v)) for v in column.head(200) if v is not None]
    return float(min(60, max([len(str(column.name)), *sample]) + 2))
