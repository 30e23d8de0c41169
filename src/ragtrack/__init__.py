"""ragtrack: council plan progress reports and delivery plans to a longitudinal Parquet dataset."""

from ragtrack.version import PARSER_VERSION, __version__


def __getattr__(name: str) -> object:
    # load and ingest pull in pandas and pyarrow; import them only when asked for.
    if name in (
        "load",
        "ingest",
        "status",
        "timeline",
        "diff",
        "export",
        "outcomes",
        "gaps",
        "report",
    ):
        from ragtrack import api

        return getattr(api, name)
    raise AttributeError(f"module 'ragtrack' has no attribute {name!r}")


__all__ = [
    "PARSER_VERSION",
    "__version__",
    "diff",
    "export",
    "gaps",
    "ingest",
    "load",
    "outcomes",
    "report",
    "status",
    "timeline",
]
