"""Reading sources and parsing them into records: read -> segment -> parse."""

from ragtrack.extract.dispatch import parse_source

__all__ = ["parse_source"]
