"""The Parquet dataset: schemas, writing and loading."""

from ragtrack.store.dataset import Problem, Store, check_dataset
from ragtrack.store.layout import report_key, year_partition
from ragtrack.store.manifest import Manifest, ManifestRow
from ragtrack.store.reading import DatasetStatus, load, status
from ragtrack.store.schema import SCHEMA_VERSION, SCHEMAS, TABLES, to_tables

__all__ = [
    "SCHEMAS",
    "SCHEMA_VERSION",
    "TABLES",
    "DatasetStatus",
    "Manifest",
    "ManifestRow",
    "Problem",
    "Store",
    "check_dataset",
    "load",
    "report_key",
    "status",
    "to_tables",
    "year_partition",
]
