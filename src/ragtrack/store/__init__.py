"""The Parquet dataset: schemas, writing and loading."""
