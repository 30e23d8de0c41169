"""Provenance shared by every parser: warnings that name their line, and stable row ids."""

from __future__ import annotations

import hashlib
import logging

from ragtrack.records import Line

log = logging.getLogger("ragtrack.extract")


class WarningLog:
    """Collects parser warnings in the dataset's one format: ``[page P, ]line N: message``."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.messages: list[str] = []

    def add(self, line: Line | None, message: str) -> None:
        if line is None:
            text = message
        elif self.pages > 1:
            text = f"page {line.page}, line {line.number}: {message}"
        else:
            text = f"line {line.number}: {message}"
        log.debug("%s", text)  # the pipeline reports warnings, with the file name
        self.messages.append(text)


def stable_id(*parts: object) -> str:
    """A short deterministic id: the same parts always give the same id."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode())
    return digest.hexdigest()[:20]
