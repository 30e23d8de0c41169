"""Both PDF backends read the same rows from PDFs of more than one producer: reports printed
to PDF by an office suite (LibreOffice; ligatures in bold-italic headings, justified text
with wide word spaces, a bold made by the suite) and by reportlab (text drawn twice for a
fake bold). The office PDFs are committed fixtures: ``tests/fixtures/office/`` says how to
rebuild them."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest
import regex

from golden_rows import as_rows
from ragtrack.extract import parse_source
from ragtrack.extract.pdf import BACKENDS, read_pdf_bytes
from ragtrack.extract.pdf.pdfium_backend import PdfiumPages
from ragtrack.extract.pdf.pdfium_chars import Glyph, advance_span
from ragtrack.extract.pdf.plumber_backend import PlumberPages
from ragtrack.extract.reader import read_text_file
from ragtrack.records import ParsedDocument
from report_pdf import FONT_DIR, Options, blocks_from_tabbed, render

OFFICE = Path(__file__).resolve().parent / "fixtures" / "office"
OFFICE_PDFS = sorted(OFFICE.glob("*.pdf"))
REPORT_TEXT = OFFICE / "progress_report.txt"
ALL_BACKENDS = sorted(BACKENDS)
LIGATURE_WORDS = ("different", "efficiency", "office", "affordable", "fluent", "final")
_WORD = regex.compile(r"\p{L}+")


def _parsed(data: bytes, backend: str) -> ParsedDocument:
    return parse_source(read_pdf_bytes(data, "report.pdf", backend=backend))


def _reportlab_pdf() -> bytes:
    return render(blocks_from_tabbed(REPORT_TEXT.read_text(encoding="utf-8")), Options())


@pytest.fixture(scope="module")
def want() -> ParsedDocument:
    return parse_source(read_text_file(REPORT_TEXT))


@pytest.fixture(scope="module", params=[p.name for p in OFFICE_PDFS] + ["reportlab"])
def producer_case(request: pytest.FixtureRequest) -> dict[str, ParsedDocument]:
    """One report PDF (an office-suite fixture or the reportlab rendering of the same
    report) parsed through each backend."""
    if request.param == "reportlab":
        if not FONT_DIR.exists():
            pytest.skip("DejaVu fonts build the reportlab PDF")
        data = _reportlab_pdf()
    else:
        data = (OFFICE / request.param).read_bytes()
    return {backend: _parsed(data, backend) for backend in ALL_BACKENDS}


def test_office_fixtures_are_there_and_small() -> None:
    assert len(OFFICE_PDFS) >= 3
    for path in OFFICE_PDFS:
        assert path.read_bytes().startswith(b"%PDF-")
        doc = pypdfium2.PdfDocument(path.read_bytes())
        assert "LibreOffice" in doc.get_metadata_dict()["Producer"]
        doc.close()
        assert path.stat().st_size < 200_000, path.name


def test_both_backends_give_identical_rows(producer_case: dict[str, ParsedDocument]) -> None:
    assert as_rows(producer_case["pypdfium2"]) == as_rows(producer_case["pdfplumber"])


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_pdf_gives_the_rows_of_its_text(
    producer_case: dict[str, ParsedDocument], want: ParsedDocument, backend: str
) -> None:
    got = producer_case[backend]
    assert [(i.ref, i.text, i.milestone, i.rag, i.direction) for i in got.items] == [
        (i.ref, i.text, i.milestone, i.rag, i.direction) for i in want.items
    ]
    assert [(i.outcome, i.supporting_outcome) for i in got.items] == [
        (i.outcome, i.supporting_outcome) for i in want.items
    ]
    assert [(c.refs, c.category, c.text) for c in got.commentary] == [
        (c.refs, c.category, c.text) for c in want.commentary
    ]
    assert got.warnings == ()


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_ligature_words_come_out_whole_and_no_word_is_split(
    producer_case: dict[str, ParsedDocument], want: ParsedDocument, backend: str
) -> None:
    got = producer_case[backend]
    texts = [i.text for i in got.items] + [c.text for c in got.commentary]
    texts += [f"{i.outcome} {i.supporting_outcome}" for i in got.items]
    words = {w.casefold() for text in texts for w in _WORD.findall(text)}
    for word in LIGATURE_WORDS:
        assert word in words, word
    for lost in ("diferent", "eficiency", "ofice", "afordable", "luent", "inal"):
        assert lost not in words, lost
    want_texts = [i.text for i in want.items] + [c.text for c in want.commentary]
    vocabulary = {w.casefold() for text in want_texts for w in _WORD.findall(text)}
    vocabulary |= {w.casefold() for i in want.items for w in _WORD.findall(i.outcome or "")}
    vocabulary |= {
        w.casefold() for i in want.items for w in _WORD.findall(i.supporting_outcome or "")
    }
    # a word split in two ("geom etry") or two run together ("afordablefluent") would be
    # a word the report does not have
    assert words <= vocabulary, sorted(words - vocabulary)


@pytest.mark.parametrize("path", OFFICE_PDFS, ids=lambda p: p.name)
def test_a_ligature_is_one_glyph_at_the_same_place_in_both_backends(path: Path) -> None:
    """The characters each backend gives: the same texts (a ligature glyph is one character
    "ffi", not three, nor one with letters lost) starting at the same places."""
    data = path.read_bytes()
    pages: dict[str, list[list[tuple[str, int, float]]]] = {}
    for name, opener in (("pypdfium2", PdfiumPages), ("pdfplumber", PlumberPages)):
        doc = opener(data, path.name)
        try:
            pages[name] = [
                sorted((c.text, round(c.baseline), c.x0) for c in page.chars)
                for page in doc.pages()
            ]
        finally:
            doc.close()
    for fast, reference in zip(pages["pypdfium2"], pages["pdfplumber"], strict=True):
        assert [c[:2] for c in fast] == [c[:2] for c in reference]
        assert max(abs(a[2] - b[2]) for a, b in zip(fast, reference, strict=True)) < 0.05
    texts = {c[0] for page in pages["pypdfium2"] for c in page}
    assert texts & {"fi", "ff", "ffi", "fl", "ffl"}, "the fixture should set ligatures"


def _drawn_twice(offset: float) -> bytes:
    """A heading drawn twice, the copy ``offset`` points to the right (a fake bold), over
    a table row and a paragraph, by reportlab."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "Body" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Body", str(FONT_DIR / "DejaVuSans.ttf")))
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setFont("Body", 13)
    for dx in (0.0, offset):
        pdf.drawString(60 + dx, 780, "Supporting Outcome: Different efficient offices")
    pdf.setFont("Body", 10)
    pdf.drawString(60, 740, "Commentary for areas of progress:")
    pdf.drawString(60, 710, "A1.1: The office is affordable and the final offer is fluent.")
    pdf.save()
    return out.getvalue()


@pytest.mark.skipif(not FONT_DIR.exists(), reason="DejaVu fonts build the PDF")
@pytest.mark.parametrize("offset", [0.2, 0.5, 0.9, 1.3])
def test_text_drawn_twice_reads_once_in_both_backends(offset: float) -> None:
    data = _drawn_twice(offset)
    lines = {
        b: [line.text for line in read_pdf_bytes(data, "r.pdf", backend=b).lines if line.text]
        for b in ALL_BACKENDS
    }
    assert lines["pypdfium2"] == lines["pdfplumber"]
    assert lines["pdfplumber"][0] == "Supporting Outcome: Different efficient offices"


@pytest.mark.skipif(not FONT_DIR.exists(), reason="DejaVu fonts build the PDF")
def test_doubled_letters_are_not_taken_for_text_drawn_twice() -> None:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(60, 780, "Staff will fill all office posts: illiii 1111 ooo")
    pdf.save()
    for backend in ALL_BACKENDS:
        source = read_pdf_bytes(out.getvalue(), "r.pdf", backend=backend)
        assert [line.text for line in source.lines] == [
            "Staff will fill all office posts: illiii 1111 ooo"
        ], backend


def _glyph(left: float, right: float, ink_right: float, next_origin: float | None = None) -> Glyph:
    """A glyph whose origin is at x = 10, with PDFium's loose box and ink right edge."""
    return Glyph(
        "x",
        1,
        origin_x=10.0,
        origin_y=0.0,
        left=left,
        right=right,
        bottom=0.0,
        top=8.0,
        ink_left=max(left, 10.5),
        ink_right=ink_right,
        next_origin=next_origin,
    )


@pytest.mark.parametrize(
    ("glyph", "width", "span"),
    [
        # the advance sticks out past the ink: PDFium's loose box ends where the advance does
        (_glyph(10.0, 16.0, 15.2), None, (10.0, 16.0)),
        # italic ink reaching past the advance: the font's width says where the advance ends
        (_glyph(9.0, 19.0, 19.0), 6.0, (10.0, 16.0)),
        # ... or the next glyph of the run (a space) does, for a ligature the font cannot size
        (_glyph(9.0, 19.0, 19.0, next_origin=16.5), None, (10.0, 16.5)),
        # a width larger than the ink is no advance of this glyph: the ink is the bound
        (_glyph(9.0, 19.0, 19.0), 12.0, (10.0, 19.0)),
        # PDFium fell back to the ink box alone (the box starts after the origin): the ink
        # inside the advance would leave gaps inside words ("val i di ty"); the width does not
        (_glyph(11.0, 14.0, 14.0), 6.0, (10.0, 16.0)),
        (_glyph(11.0, 14.0, 14.0, next_origin=16.0), None, (10.0, 16.0)),
    ],
)
def test_a_glyph_is_measured_by_its_advance_not_its_ink(
    glyph: Glyph, width: float | None, span: tuple[float, float]
) -> None:
    assert advance_span(glyph, width) == pytest.approx(span)


@pytest.mark.skipif(not FONT_DIR.exists(), reason="DejaVu fonts build the PDF")
def test_ligature_code_points_are_spelled_out_by_both_backends() -> None:
    """Text that holds the ligature characters themselves (U+FB01 "ﬁ", U+FB03 "ﬃ"), as some
    producers write them, reads as the letters they stand for."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "Body" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Body", str(FONT_DIR / "DejaVuSans.ttf")))
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setFont("Body", 12)
    line = "The \ufb01nal e\ufb03ciency o\ufb00er is a\ufb00ordable and \ufb02uent."
    pdf.drawString(60, 780, line)
    pdf.save()
    for backend in ALL_BACKENDS:
        source = read_pdf_bytes(out.getvalue(), "r.pdf", backend=backend)
        assert [line.text for line in source.lines] == [
            "The final efficiency offer is affordable and fluent."
        ], backend
