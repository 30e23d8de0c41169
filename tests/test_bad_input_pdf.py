"""Bad PDFs never crash a batch or damage the dataset (issue 7): each fails alone with one line
naming the file, next to a good report, through the real PDF reader and ``ragtrack ingest``.

The reader's own checks of each kind, per backend, are in tests/test_pdf_reader.py.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption

import ragtrack
from report_pdf import Options, Para, blocks_from_tabbed, render
from test_bad_input import assert_fails_alone, report_text, run, write


def report_pdf(quarter: int, options: Options | None = None) -> bytes:
    """The small Testshire report of ``quarter`` as a ruled-table PDF."""
    return render(blocks_from_tabbed(report_text(quarter)), options)


def pdf_without_pages() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_good_report_pdf_is_ingested(tmp_path: Path) -> None:
    path = write(tmp_path / "q3.pdf", report_pdf(3))
    code, out, err = run("ingest", path, "--out", tmp_path / "data")
    assert (code, err) == (0, "")
    assert "3 items, 1 commentary" in out


BAD_PDF = {
    "PNG renamed .pdf": (
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(3).randbytes(4000),
        "not a PDF (no %PDF- header)",
    ),
    "truncated": (lambda: report_pdf(3)[: len(report_pdf(3)) // 2], "truncated PDF"),
    "encrypted with a user password": (
        lambda: report_pdf(3, Options(encrypt="secret")),
        "encrypted PDF (a password is needed to open it)",
    ),
    "no pages": (pdf_without_pages, "PDF has no pages"),
    "a novel as a PDF": (
        lambda: render([Para("It was the best of times, it was the worst of times.")] * 40),
        "does not look like a council plan progress report",
    ),
    "empty": (lambda: b"", "empty file"),
}


@pytest.mark.parametrize("case", list(BAD_PDF), ids=list(BAD_PDF))
def test_a_bad_pdf_fails_alone_with_one_line(tmp_path: Path, case: str) -> None:
    build, message = BAD_PDF[case]
    bad = write(tmp_path / "inbox" / f"{case}.pdf", build())
    assert_fails_alone(tmp_path, bad, message)


def test_a_pdf_encrypted_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    """Restrictions without a password to open (the usual 'protected' council PDF)."""
    locked = StandardEncryption(userPassword="", ownerPassword="owner", canModify=0, canCopy=0)
    path = write(tmp_path / "protected.pdf", report_pdf(3, Options(encrypt=locked)))  # type: ignore[arg-type]
    code, out, err = run("ingest", path, "--out", tmp_path / "data")
    assert (code, err) == (0, "")
    assert "3 items, 1 commentary" in out
    [doc] = ragtrack.load(tmp_path / "data")["documents"].itertuples()
    assert (doc.source_format, doc.period_end.date().isoformat()) == ("pdf", "2022-12-31")


def test_pdfium_errors_left_over_from_an_encrypted_file_are_not_repeated(tmp_path: Path) -> None:
    """PDFium keeps its last error code when a later load fails without one: a PDF with no
    pages read after an encrypted one was called encrypted too."""
    inbox = tmp_path / "inbox"
    locked = write(inbox / "a locked.pdf", report_pdf(3, Options(encrypt="secret")))
    empty = write(inbox / "b no pages.pdf", pdf_without_pages())
    broken = write(inbox / "c broken.pdf", b"%PDF-1.4\n1 0 obj garbage\n%%EOF\n")
    code, _, err = run("ingest", inbox, "--out", tmp_path / "data")
    assert code == 1
    assert err.splitlines() == [
        f"error: {locked}: encrypted PDF (a password is needed to open it)",
        f"error: {empty}: PDF has no pages",
        f"error: {broken}: not a readable PDF (PSEOF: Unexpected EOF)",
    ]
