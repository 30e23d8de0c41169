"""DataFrames to Arrow tables of an explicit schema (the derived tables' persisted form)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def _values(series: pd.Series, field: pa.Field) -> pa.Array:
    kind = field.type
    if pa.types.is_date(kind):
        stamps = pd.to_datetime(series, errors="coerce")
        return pa.array([None if pd.isna(v) else v.date() for v in stamps], type=kind)
    plain = series.astype("object").where(series.notna(), None)
    if pa.types.is_dictionary(kind):
        return pa.array([None if v is None else str(v) for v in plain], pa.string()).cast(kind)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        return pa.array(list(plain), type=kind, from_pandas=True)
    return pa.array([None if v is None else str(v) for v in plain], type=kind)


def frame_to_table(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame``'s columns named in ``schema``, typed by it (missing values as nulls)."""
    arrays = [_values(frame[f.name], f) for f in schema]
    return pa.Table.from_arrays(arrays, schema=pa.schema([f.with_nullable(True) for f in schema]))
