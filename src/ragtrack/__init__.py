"""ragtrack: council plan progress reports and delivery plans to a longitudinal Parquet dataset."""

from ragtrack.version import PARSER_VERSION, __version__

#: the library's use cases (``ragtrack.api``), imported on first use
_USE_CASES = (
    "load",
    "ingest",
    "status",
    "timeline",
    "diff",
    "export",
    "outcomes",
    "gaps",
    "report",
)
#: submodules a notebook reaches as ``ragtrack.plot`` after ``import ragtrack``
_SUBMODULES = ("api", "plot", "errors")


def __getattr__(name: str) -> object:
    # load and ingest pull in pandas and pyarrow; import them only when asked for.
    if name in _USE_CASES:
        from ragtrack import api

        return getattr(api, name)
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"ragtrack.{name}")
    raise AttributeError(f"module 'ragtrack' has no attribute {name!r}")


def __dir__() -> list[str]:
    """What tab completion offers: the use cases and submodules, loaded or not."""
    return sorted({*globals(), *_USE_CASES, *_SUBMODULES})


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
