"""Comparing a record's value with the value read back from the Parquet dataset."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def same_as_stored(expected: object, got: object) -> bool:
    """True when ``got`` (from Parquet via pandas) is ``expected`` (from a record): None reads
    back as None or NaN, tuples as lists or arrays."""
    if expected is None:
        return got is None or bool(pd.isna(got))
    if isinstance(expected, tuple):
        return list(expected) == list(got)  # type: ignore[call-overload]
    if isinstance(expected, dt.date) and not isinstance(expected, dt.datetime):
        return isinstance(got, pd.Timestamp) and got.date() == expected
    return bool(got == expected)
