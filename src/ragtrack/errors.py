"""The error hierarchy: every error knows the file, and where it can, the page and line."""

from __future__ import annotations

import enum


class Remedy(enum.Enum):
    """What the caller can change to get past an error: an option of the library's use cases
    (:class:`ragtrack.api.IngestOptions` and the history queries), named by its field. The
    library says which; a front end words it (the CLI names its flag)."""

    #: the file is over the size limit: raise ``IngestOptions.max_bytes``
    MAX_BYTES = "max_bytes"
    #: pages without a text layer: turn on ``IngestOptions.ocr`` (needs the ocr extra)
    OCR = "ocr"
    #: a ref names items in several plan years: pass ``plan_year``
    PLAN_YEAR = "plan_year"
    #: another writer held the dataset: raise ``IngestOptions.lock_timeout``
    LOCK_TIMEOUT = "lock_timeout"
    #: no parser and no built-in layout reads the document: describe its layout in a
    #: profile, ``IngestOptions.profile`` (another council's template)
    PROFILE = "profile"


class RagtrackError(Exception):
    """Base error. ``str(err)`` is one line naming the file and position."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        page: int | None = None,
        line: int | None = None,
        remedy: Remedy | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.page = page
        self.line = line
        self.remedy = remedy

    def where(self) -> str:
        parts = [self.file or "<input>"]
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


class InputError(RagtrackError):
    """The file cannot be read as a report at all (empty, binary, unreadable, too large)."""


class ParseError(RagtrackError):
    """The file was read but no report structure could be recognised in it."""


class StoreError(RagtrackError):
    """The dataset could not be written or read."""


class LockTimeout(StoreError):
    """Another writer held the dataset lock for longer than we were willing to wait."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message, file=file, remedy=Remedy.LOCK_TIMEOUT)


class NoDataset(StoreError):
    """A command that reads a dataset was pointed at a directory that holds none."""


class MissingExtra(RagtrackError):
    """An option needs an optional dependency that is not installed; the message says which
    ``pip install`` brings it."""

    def __str__(self) -> str:
        return self.message if self.file is None else super().__str__()


class ClusterError(RagtrackError):
    """The Dask cluster a run was asked to parse on cannot be used (unreachable, no workers)."""

    def __str__(self) -> str:
        return self.message if self.file is None else super().__str__()
