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
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

import pandas as pd

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


def _cell_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Strings without the control characters Excel refuses, cut to Excel's cell limit."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].map(
                lambda v: (
                    ILLEGAL_CHARACTERS_RE.sub("", v)[:_EXCEL_CELL] if isinstance(v, str) else v
                )
            )
    return out


def write_xlsx(frames: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """One workbook, a sheet per table: header frozen, filters on, columns sized to fit."""
    from openpyxl.utils import get_column_letter

    def write(temp: Path) -> None:
        with pd.ExcelWriter(temp, engine="openpyxl") as writer:
            for name, frame in frames.items():
                sheet_name = name[:31]
                _cell_safe(frame).to_excel(writer, sheet_name=sheet_name, index=False)
                sheet = writer.sheets[sheet_name]
                sheet.freeze_panes = "A2"
                sheet.auto_filter.ref = sheet.dimensions
                for n, column in enumerate(frame.columns, start=1):
                    sheet.column_dimensions[get_column_letter(n)].width = _width(frame[column])

    _replace_into(Path(path), write)
    return Path(path)


def _width(column: pd.Series) -> float:
    sample = [len(str(v)) for v in column.head(200) if v is not None]
    return float(min(60, max([len(str(column.name)), *sample]) + 2))
