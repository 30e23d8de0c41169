"""PDF reports and plans to the tab-separated lines the text parsers read.

Pages are read through one small interface (:mod:`.page`) by a pypdfium2 backend (fast,
default) or a pdfplumber backend (reference); rows come from ruled tables (:mod:`.grid`) or
from a header's column bands (:mod:`.bands`); :mod:`.assemble` turns pages into lines.
"""

from ragtrack.extract.pdf.document import (
    BACKENDS,
    DEFAULT_BACKEND,
    read_pdf_bytes,
    read_pdf_file,
)

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "read_pdf_bytes", "read_pdf_file"]
