"""Arrow tables of the dataset to pandas DataFrames with the right dtypes (and back).

What :func:`ragtrack.load` gives, per kind of column (see docs/schema.md):

- closed sets of values (``kind``, ``rag``, ...) are categoricals with fixed categories;
  ``rag`` and ``previous_rag`` are *ordered* (red < amber < green);
- dates (``period_end``, ``milestone_date``) are ``datetime64``, so ``.dt`` works;
- timestamps (``ingested_at``) are UTC without a time zone attached, so ``to_excel`` takes them;
- lists (``warnings``, ``refs``) are Python lists (never numpy arrays), empty rather than null;
- integers are pandas nullable integers; other strings plain strings.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from ragtrack.store.schema import CATEGORIES, NULLABLE_FLAGS, ORDERED

#: Integers stay integers in pandas even where some are missing (quarter, outcome_number).
_NULLABLE_INTS: dict[pa.DataType, pd.api.extensions.ExtensionDtype] = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
}


def _plain_column(column: pa.ChunkedArray, field: pa.Field) -> pa.ChunkedArray:
    """Dictionaries to strings (except those that become categoricals: pandas makes those
    from the dictionary directly, much faster), dates to timestamps, zoned timestamps to
    naive UTC."""
    kind = field.type
    if pa.types.is_dictionary(kind):
        return column if field.name in CATEGORIES else column.cast(kind.value_type)
    if pa.types.is_date(kind):
        return column.cast(pa.timestamp("ms"))
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return column.cast(pa.timestamp(kind.unit))  # the stored values are UTC already
    return column


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """A dataset table as pandas, with the dtypes an analyst expects (see module docstring)."""
    columns, lists, flags = [], [], []
    for f in table.schema:
        if pa.types.is_boolean(f.type) and (
            f.name in NULLABLE_FLAGS or table.column(f.name).null_count
        ):
            flags.append(f.name)  # true/false/unknown: pandas' nullable boolean
        column = _plain_column(table.column(f.name), f)
        if pa.types.is_list(f.type) or pa.types.is_large_list(f.type):
            lists.append(f.name)
        columns.append(column)
    plain = pa.Table.from_arrays(columns, names=table.column_names)
    frame = plain.to_pandas(types_mapper=_NULLABLE_INTS.get)
    for name in lists:
        frame[name] = pd.Series(
            [list(v) if v is not None else [] for v in plain.column(name).to_pylist()],
            index=frame.index,
            dtype=object,
        )
    for name in flags:
        frame[name] = frame[name].astype("boolean")
    for name, categories in CATEGORIES.items():
        if name not in frame.columns:
            continue
        ordered = name in ORDERED
        if isinstance(frame[name].dtype, pd.CategoricalDtype):  # from an Arrow dictionary
            categorical = frame[name].cat.set_categories(list(categories), ordered=ordered)
        else:
            categorical = frame[name].astype(pd.CategoricalDtype(list(categories), ordered=ordered))
        frame[name] = categorical
    return frame
