"""Arrow tables of the dataset to pandas DataFrames with the right dtypes."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from ragtrack.store.schema import CATEGORIES

#: Integers stay integers in pandas even where some are missing (quarter, outcome_number).
_NULLABLE_INTS = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
}


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """A dataset table as pandas, with the dtypes an analyst expects (see docs/schema.md)."""
    columns = []
    for f in table.schema:
        column = table.column(f.name)
        if pa.types.is_dictionary(f.type):
            column = column.cast(f.type.value_type)
        columns.append(column)
    plain = pa.Table.from_arrays(columns, names=table.column_names)
    frame = plain.to_pandas(types_mapper=_NULLABLE_INTS.get)
    for name, categories in CATEGORIES.items():
        if name in frame.columns:
            frame[name] = frame[name].astype(pd.CategoricalDtype(list(categories)))
    return frame
