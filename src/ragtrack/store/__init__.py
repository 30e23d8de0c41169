"""The Parquet dataset: schemas, writing and loading.

Writers import :mod:`ragtrack.store.dataset` (pyarrow only); readers get :func:`load` and
:func:`status`, which pull in pandas, on first use.
"""

from ragtrack.store.dataset import Problem, Store, check_files
from ragtrack.store.layout import report_key, year_partition
from ragtrack.store.manifest import Manifest, ManifestRow
from ragtrack.store.schema import SCHEMA_VERSION, SCHEMAS, TABLES, to_tables


def __getattr__(name: str) -> object:
    if name in ("load", "status", "DatasetStatus"):
        from ragtrack.store import reading

        return getattr(reading, name)
    raise AttributeError(f"module 'ragtrack.store' has no attribute {name!r}")


__all__ = [
    "SCHEMAS",
    "SCHEMA_VERSION",
    "TABLES",
    "DatasetStatus",
    "Manifest",
    "ManifestRow",
    "Problem",
    "Store",
    "check_files",
    "load",
    "report_key",
    "status",
    "to_tables",
    "year_partition",
]
