"""DataFrame columns as plain Python lists, the form linking and the derived tables compute
over: for the few hundred rows of a dataset of a few reports, pandas' cost per call was most
of the work, and a loop over lists is as fast as a vectorised call for many thousands."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def missing_as_none(series: pd.Series) -> np.ndarray:
    """``series``'s values as Python objects, None wherever pandas sees a missing value
    (None, NaN, NA, NaT): the objects of ``astype(object).where(notna(), None)`` at a quarter
    of its cost."""
    values = series.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    if series.dtype.kind in "mM":  # pandas leaves NaT for na_value in date and time columns
        values[series.isna().to_numpy()] = None
    return values


def column_values(frame: pd.DataFrame, column: str) -> list[Any]:
    """``frame[column]`` as a list of Python objects, None where missing; all None when the
    frame has no such column."""
    if column not in frame:
        return [None] * len(frame)
    return missing_as_none(frame[column]).tolist()


def missing_last(value: object) -> tuple[bool, Any]:
    """A sort key that puts a missing value (None) after every other, as pandas sorts."""
    return (True, 0) if value is None else (False, value)
