"""PDF bytes -> :class:`~ragtrack.records.SourceText`: open, lay out pages, assemble lines."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from ragtrack.errors import InputError, Remedy
from ragtrack.extract.pdf.assemble import assemble, drop_furniture
from ragtrack.extract.pdf.bands import apply_bands
from ragtrack.extract.pdf.layout import PageLayout, lay_out
from ragtrack.extract.pdf.page import PdfPages
from ragtrack.extract.pdf.pdfium_backend import PdfiumPages
from ragtrack.extract.pdf.plumber_backend import PlumberPages
from ragtrack.extract.pdf.scanned import is_scanned, ocr_pages, scanned_warning
from ragtrack.extract.reader import read_file_bytes
from ragtrack.limits import PDF_MAX_BYTES
from ragtrack.records import SourceText

log = logging.getLogger(__name__)

#: Backends by name (``IngestOptions.pdf_backend``). pypdfium2 is the fast default; pdfplumber is
#: the reference that must give the same rows.
BACKENDS: dict[str, Callable[[bytes, str], PdfPages]] = {
    "pypdfium2": PdfiumPages,
    "pdfplumber": PlumberPages,
}
DEFAULT_BACKEND = "pypdfium2"
#: Default upper bound on a PDF, in bytes.
DEFAULT_MAX_BYTES = PDF_MAX_BYTES


def _check_bytes(data: bytes, name: str) -> None:
    if not data:
        raise InputError("empty file (no bytes)", file=name)
    if b"%PDF-" not in data[:1024]:
        raise InputError("not a PDF (no %PDF- header)", file=name)
    if b"%%EOF" not in data[-4096:] and b"%%EOF" not in data:
        raise InputError("truncated PDF (no end-of-file marker)", file=name)


def _read_pages(data: bytes, name: str, backend: str) -> list[PageLayout]:
    try:
        opener = BACKENDS[backend]
    except KeyError:
        raise ValueError(
            f"unknown PDF backend {backend!r}; choose from {', '.join(BACKENDS)}"
        ) from None
    doc = opener(data, name)
    try:
        if doc.page_count <= 0:
            raise InputError("PDF has no pages", file=name)
        return [lay_out(page) for page in doc.pages()]
    finally:
        doc.close()


def read_pdf_bytes(
    data: bytes,
    name: str,
    *,
    backend: str = DEFAULT_BACKEND,
    ocr: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> SourceText:
    """Turn the bytes of a PDF report into a :class:`SourceText` in the tab-separated layout
    the text parsers read; RAG fill colours go to ``rag_colour`` keyed by line number."""
    if len(data) > max_bytes:
        raise InputError(
            f"file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes",
            file=name,
            remedy=Remedy.MAX_BYTES,
        )
    _check_bytes(data, name)
    pages = _read_pages(data, name, backend)
    warnings: list[str] = []
    scanned = [p.number for p in pages if is_scanned(p)]
    if scanned and ocr:
        pages = _read_pages(ocr_pages(data, scanned, name), name, backend)
        scanned = [p.number for p in pages if is_scanned(p)]
    if scanned:
        warnings.append(scanned_warning(scanned, ocr_tried=ocr))
        if len(scanned) == len(pages):
            raise InputError(warnings[-1], file=name)
        pages = [p for p in pages if p.number not in scanned]
    for page in pages:
        warnings.extend(page.warnings)
    drop_furniture(pages)
    apply_bands(pages)
    result = assemble(pages)
    warnings.extend(result.warnings)
    for message in warnings:
        log.debug("%s: %s", name, message)
    return SourceText(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="pdf",
        source_format="pdf",
        pages=len(pages) + len(scanned),
        lines=tuple(result.lines),
        warnings=tuple(warnings),
        rag_colour=result.rag_colour,
    )


def read_pdf_file(
    path: Path | str,
    backend: str = DEFAULT_BACKEND,
    ocr: bool = False,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> SourceText:
    """Read a PDF report from disk (the I/O edge of the PDF pipeline)."""
    path = Path(path)
    data = read_file_bytes(path, max_bytes)
    return read_pdf_bytes(data, path.name, backend=backend, ocr=ocr, max_bytes=max_bytes)
