"""Provenance shared by every parser: warnings that name their line, and stable row ids."""

from __future__ import annotations

import hashlib
import logging

from ragtrack.records import Line

log = logging.getLogger("ragtrack.extract")


#: Warnings kept per document. A damaged file can have a warning on every one of a million
#: lines; past this many the rest are counted in one closing warning instead of listed (each
#: is still logged at debug level).
MAX_WARNINGS = 1000


class WarningLog:
    """Collects parser warnings in the dataset's one format: ``[page P, ]line N: message``."""

    def __init__(self, pages: int, limit: int = MAX_WARNINGS) -> None:
        self.pages = pages
        self.limit = limit
        self._kept: list[str] = []
        self.unlisted = 0

    def add(self, line: Line | None, message: str) -> None:
        if line is None:
            text = message
        elif self.pages > 1:
            text = f"page {line.page}, line {line.number}: {message}"
        else:
            text = f"line {line.number}: {message}"
        log.debug("%s", text)  # the pipeline reports warnings, with the file name
        if len(self._kept) < self.limit:
            self._kept.append(text)
        else:
            self.unlisted += 1

    @property
    def messages(self) -> list[str]:
        """The warnings in order, then how many more there were when past the limit."""
        if not self.unlisted:
            return list(self._kept)
        more = f"{self.unlisted:,} more warnings not listed (only the first {self.limit:,} are)"
        return [*self._kept, more]


def stable_id(*parts: object) -> str:
    """A short deterministic id: the same parts always give the same id."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode())
    return digest.hexdigest()[:20]
