"""Reading sources and parsing them into records: read -> segment -> parse.

``parse_source`` is imported on first use, so that importing a light module of this package
(the reader's limits, say) does not compile every parser's patterns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ragtrack.extract.dispatch import parse_source


def __getattr__(name: str) -> object:
    if name == "parse_source":
        from ragtrack.extract.dispatch import parse_source

        return parse_source
    raise AttributeError(f"module 'ragtrack.extract' has no attribute {name!r}")


__all__ = ["parse_source"]
