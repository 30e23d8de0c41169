"""DataFrames to Arrow tables of an explicit schema (the derived tables' persisted form)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from ragtrack.link.columns import missing_as_none


def _values(series: pd.Series, field: pa.Field) -> pa.Array:
    kind = field.type
    if pa.types.is_date(kind):
        stamps = pd.to_datetime(series, errors="coerce").astype("datetime64[ms]")
        return pa.array(stamps, type=pa.timestamp("ms"), from_pandas=True).cast(kind)
    plain = missing_as_none(series)
    if pa.types.is_dictionary(kind) or pa.types.is_string(kind):
        strings = pa.array(plain, type=pa.string(), from_pandas=True)
        return strings.dictionary_encode().cast(kind) if pa.types.is_dictionary(kind) else strings
    return pa.array(list(plain), type=kind, from_pandas=True)


def frame_to_table(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame``'s columns named in ``schema``, typed by it (missing values as nulls)."""
    arrays = [_values(frame[f.name], f) for f in schema]
    return pa.Table.from_arrays(arrays, schema=pa.schema([f.with_nullable(True) for f in schema]))
