"""Pages without a usable text layer: detecting them, and OCR through the optional extra."""

from __future__ import annotations

import io
import logging

from ragtrack.errors import InputError, MissingExtra
from ragtrack.extract.pdf.layout import PageLayout

log = logging.getLogger(__name__)

#: A page with fewer real characters than this and an image over much of it is a scan.
_FEW_CHARS = 20
_IMAGE_COVER = 0.3
#: A page whose characters are mostly without Unicode (``(cid:N)``) has no usable text.
_UNMAPPED_SHARE = 0.5

INSTALL_OCR = (
    "install the ocr extra (pip install 'ragtrack[ocr]' and the tesseract "
    "program, e.g. apt-get install tesseract-ocr)"
)
HOW_TO_OCR = f"{INSTALL_OCR} and ingest again with the ocr option on"


def is_scanned(page: PageLayout) -> bool:
    """No text layer over an image, or text that is mostly unmapped glyph ids."""
    if page.text_chars < _FEW_CHARS and page.image_cover >= _IMAGE_COVER:
        return True
    return page.text_chars > 0 and page.unmapped > _UNMAPPED_SHARE * page.text_chars


def page_list(pages: list[int]) -> str:
    return ", ".join(str(p) for p in pages)


def scanned_warning(pages: list[int], *, ocr_tried: bool) -> str:
    label = "page" if len(pages) == 1 else "pages"
    what = f"{label} {page_list(pages)}: no usable text layer (scanned image?); not read"
    if ocr_tried:
        return what + " even after OCR"
    return f"{what}; to read {'it' if len(pages) == 1 else 'them'}, {HOW_TO_OCR}"


def require_ocr() -> None:
    """Raise :class:`~ragtrack.errors.MissingExtra` when OCR is asked for but ocrmypdf is not
    installed: said once before a run, not as a failure of every scanned file."""
    import importlib.util

    if importlib.util.find_spec("ocrmypdf") is None:
        raise MissingExtra(f"OCR was asked for but is not installed: {INSTALL_OCR}")


def ocr_pages(data: bytes, pages: list[int], name: str) -> bytes:
    """The PDF with the given pages OCRed (ocrmypdf + tesseract), other pages untouched."""
    try:
        # the optional "ocr" extra: absent where CI type-checks, typed where it is installed
        import ocrmypdf  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise InputError(
            f"OCR was asked for but is not installed: {INSTALL_OCR}", file=name
        ) from None
    out = io.BytesIO()
    try:
        ocrmypdf.ocr(
            io.BytesIO(data),
            out,
            pages=",".join(str(p) for p in pages),
            force_ocr=True,
            progress_bar=False,
        )
    except Exception as err:  # ocrmypdf reports missing tesseract and bad input this way
        raise InputError(f"OCR failed ({type(err).__name__}: {err})", file=name) from None
    log.info("%s: OCRed pages %s", name, page_list(pages))
    return out.getvalue()
