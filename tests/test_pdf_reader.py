"""PDF reports: the same rows as their text, RAG from cell colour, symbol-font arrows, tables
over page breaks, scanned pages and unreadable files, through both PDF backends."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from golden_rows import as_rows
from ragtrack.errors import InputError
from ragtrack.extract import parse_source
from ragtrack.extract.pdf import BACKENDS, read_pdf_bytes, read_pdf_file
from ragtrack.extract.pdf.colours import rag_of_fill
from ragtrack.extract.pdf.glyphs import map_glyph
from ragtrack.extract.pdf.page import colour_to_rgb
from ragtrack.extract.reader import read_text_file
from ragtrack.records import SourceText
from report_pdf import (
    _DIRECTION_HEADER,
    FONT_DIR,
    Options,
    Para,
    Table,
    blocks_from_parsed,
    blocks_from_tabbed,
    render,
)

pytestmark = pytest.mark.skipif(not FONT_DIR.exists(), reason="DejaVu fonts build the PDFs")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ALL_BACKENDS = sorted(BACKENDS)

# -- the sample reports as PDFs ------------------------------------------------------------

SAMPLE_CASES = {
    # tab-separated Q1 2018/19: RAG only as an RGB cell colour, Unicode arrows
    "004-colour-only": ("004_37aa582fc5e89633.txt", "tabbed", Options(rag="colour")),
    # wrapped Q3 2019/20 (rendered from its parsed rows): letters, private-use arrows
    "000-private-use": ("000_965dd161175208ce.txt", "parsed", Options(arrows="pua")),
    # the same without table rulings: rows from the header's column bands, Wingdings arrows
    "004-unruled": (
        "004_37aa582fc5e89633.txt",
        "tabbed",
        Options(ruled=False, rag="colour", arrows="wingdings", para_gap=0.5),
    ),
    # Q2 2021/22: letters on CMYK fills, Symbol-font arrows
    "001-symbol": (
        "001_7d2f7bf68617a22e.txt",
        "tabbed",
        Options(rag="both", colour_space="cmyk", arrows="symbol"),
    ),
}


#: the two longest samples' PDFs run with the slow tests (rendering and reading them through
#: both backends takes most of a minute); the two renderings of 004 stay in the fast suite
SLOW_CASES = {"000-private-use", "001-symbol"}


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(case, marks=pytest.mark.slow) if case in SLOW_CASES else case
        for case in sorted(SAMPLE_CASES)
    ],
)
def sample_case(request: pytest.FixtureRequest) -> dict[str, object]:
    """A sample's text rows and the rows of its PDF rendering through each backend."""
    name, source, options = SAMPLE_CASES[request.param]
    path = SAMPLES / name
    text_doc = parse_source(read_text_file(path))
    blocks = (
        blocks_from_tabbed(path.read_text(encoding="utf-8-sig"))
        if source == "tabbed"
        else blocks_from_parsed(text_doc)
    )
    data = render(blocks, options)

    @functools.cache
    def source(backend: str) -> SourceText:
        return read_pdf_bytes(data, path.stem + ".pdf", backend=backend)

    @functools.cache
    def parsed(backend: str) -> object:
        return parse_source(source(backend))

    # each backend reads the PDF when a test first asks for it: the pdfplumber backend (the
    # slow reference) only in the slow tests
    return {
        "options": options,
        "text": text_doc,
        "sources": _Each(source),
        "parsed": _Each(parsed),
    }


class _Each:
    """``mapping[backend]``, computed on first use."""

    def __init__(self, compute: Callable[[str], object]) -> None:
        self._compute = compute

    def __getitem__(self, backend: str) -> object:
        return self._compute(backend)


#: the reference backend reads a whole sample in most of a minute: with the slow tests
REFERENCE = pytest.param("pdfplumber", marks=pytest.mark.slow)


def _rows(parsed: object, *, provenance: bool) -> dict[str, object]:
    rows = as_rows(parsed, provenance=provenance)  # type: ignore[arg-type]
    for record in rows["items"]:  # type: ignore[union-attr]
        record.pop("rag_source")  # type: ignore[union-attr]
    return rows


@pytest.mark.parametrize("backend", ["pypdfium2", REFERENCE])
def test_sample_pdf_gives_the_rows_of_its_text(sample_case: dict, backend: str) -> None:
    want = _rows(sample_case["text"], provenance=False)
    got = _rows(sample_case["parsed"][backend], provenance=False)
    assert len(got["items"]) == len(want["items"])
    for got_item, want_item in zip(got["items"], want["items"], strict=True):
        assert got_item == want_item
    assert got["commentary"] == want["commentary"]
    got_doc, want_doc = got["document"], want["document"]
    for key in ("title", "plan_year", "period_end", "quarter", "doc_type", "council"):
        assert got_doc[key] == want_doc[key], key
    assert got_doc["source_format"] == "pdf"
    assert sample_case["parsed"][backend].warnings == ()


def test_sample_pdf_rows_carry_page_numbers(sample_case: dict) -> None:
    source: SourceText = sample_case["sources"]["pypdfium2"]
    parsed = sample_case["parsed"]["pypdfium2"]
    pages = {item.page for item in parsed.items}
    assert source.pages > 5
    assert min(pages) >= 1 and max(pages) <= source.pages and len(pages) > 3


@pytest.mark.slow  # reads each sample through the slow reference backend
def test_both_backends_give_identical_rows(sample_case: dict) -> None:
    parsed = sample_case["parsed"]
    assert as_rows(parsed["pypdfium2"]) == as_rows(parsed["pdfplumber"])


def test_rag_source_says_whether_letter_or_colour(sample_case: dict) -> None:
    options: Options = sample_case["options"]
    items = sample_case["parsed"]["pypdfium2"].items
    rated = [i for i in items if i.rag is not None]
    assert rated
    expected = "colour" if options.rag == "colour" else "letter"
    assert {i.rag_source for i in rated} == {expected}


@pytest.fixture(scope="module")
def plan_case() -> dict[str, object]:
    path = SAMPLES / "003_d491075be32868fc.txt"
    text_doc = parse_source(read_text_file(path))
    if text_doc.document.doc_type != "delivery_plan" or not text_doc.items:
        pytest.skip("the delivery plan parser is not on this branch yet")
    data = render(blocks_from_parsed(text_doc), Options())

    @functools.cache
    def parsed(backend: str) -> object:
        return parse_source(read_pdf_bytes(data, "plan.pdf", backend=backend))

    return {"text": text_doc, "parsed": _Each(parsed)}


@pytest.mark.slow  # reads the plan through the slow reference backend
def test_delivery_plan_pdf_lines_give_both_backends_the_same_rows(plan_case: dict) -> None:
    parsed = [plan_case["parsed"][backend] for backend in ALL_BACKENDS]
    assert as_rows(parsed[0]) == as_rows(parsed[1])
    assert {p.document.doc_type for p in parsed} == {"delivery_plan"}


@pytest.mark.parametrize("backend", ["pypdfium2", REFERENCE])
def test_delivery_plan_pdf_gives_the_rows_of_its_text(plan_case: dict, backend: str) -> None:
    want = _rows(plan_case["text"], provenance=False)
    got = _rows(plan_case["parsed"][backend], provenance=False)
    assert got["items"] == want["items"]
    for key in ("title", "plan_year", "council", "doc_type"):
        assert got["document"][key] == want["document"][key], key


# -- small reports in each shape -----------------------------------------------------------

HEADER = ["Ref", "Action for 2019/20", "Milestone", "RAG (against target)", _DIRECTION_HEADER]
LONG = " ".join(
    f"Deliver part {n} of the long programme of work across the county with partners."
    for n in range(1, 40)
)


def _report(rows: list[list[str]], options: Options | None = None) -> bytes:
    return render(
        [
            Para("OUTCOME 1: PEOPLE IN CUMBRIA ARE HEALTHY AND SAFE", heading=True),
            Para("Supporting outcome: People are safe", heading=True),
            Table(HEADER, rows, rag_col=3, dir_col=4),
            Para("Commentary for areas of progress:", heading=True),
            Para("1.2 Work is going well."),
        ],
        options or Options(),
    )


ROWS = [
    ["1.1", "Reduce falls.", "By March 2020", "R", "↑"],
    ["1.2", "Open two hubs.", "By June 2020", "A", "→"],
    ["1.3", "Train staff.", "Throughout Plan", "G", "↓"],
]


def _row_lines(source: SourceText) -> list[list[str]]:
    return [
        line.text.split("\t")
        for line in source.lines
        if "\t" in line.text and not line.text.startswith("Ref\t")
    ]


@pytest.mark.parametrize("backend", ALL_BACKENDS)
@pytest.mark.parametrize("rag", ["letter", "colour", "both"])
def test_rag_letter_colour_or_both(backend: str, rag: str) -> None:
    source = read_pdf_bytes(_report(ROWS, Options(rag=rag)), "r.pdf", backend=backend)
    rows = _row_lines(source)
    assert [r[0] for r in rows] == ["1.1", "1.2", "1.3"]
    letters = [r[3] for r in rows]
    assert letters == (["", "", ""] if rag == "colour" else ["R", "A", "G"])
    row_numbers = [line.number for line in source.lines if "\t" in line.text][1:]
    colours = [source.rag_colour.get(n) for n in row_numbers]
    assert colours == ([None] * 3 if rag == "letter" else ["red", "amber", "green"])
    parsed = parse_source(source)
    assert [i.rag for i in parsed.items] == ["red", "amber", "green"]


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_rag_drawn_as_a_coloured_dot_is_read_from_its_colour(backend: str) -> None:
    source = read_pdf_bytes(_report(ROWS, Options(rag="dot")), "r.pdf", backend=backend)
    assert [r[3] for r in _row_lines(source)] == ["", "", ""]
    assert list(source.rag_colour.values()) == ["red", "amber", "green"]


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_table_written_like_a_word_processor(backend: str) -> None:
    from report_pdf import render_wordlike

    rows = [
        ["1.1", "Reduce falls among older people living at home. " * 4, "By March 2020", "", "↑"],
        ["1.2", "Open two hubs.", "On-going", "G", "→"],
    ]
    data = render_wordlike(HEADER, rows, rag_col=3, fills={0: "red", 1: "green"})
    source = read_pdf_bytes(data, "word.pdf", backend=backend)
    got = [line.text.split("\t") for line in source.lines if "\t" in line.text]
    assert got[0] == HEADER
    assert got[1:] == [[cell.strip() for cell in row] for row in rows]
    assert list(source.rag_colour.values()) == ["red", "green"]


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_sideways_header_cells_and_a_watermark(backend: str) -> None:
    header = ["Ref", "Action for 2019/20", "Milestone", "RAG", "Direction of travel"]
    options = Options(sideways_headers=True, watermark="DRAFT", rag="both")
    data = render(
        [
            Para("OUTCOME 1: PEOPLE ARE SAFE", heading=True),
            Table(header, ROWS, rag_col=3, dir_col=4),
        ],
        options,
    )
    source = read_pdf_bytes(data, "r.pdf", backend=backend)
    tabbed = [line.text.split("\t") for line in source.lines if "\t" in line.text]
    assert tabbed == [header, *ROWS]
    assert list(source.rag_colour.values()) == ["red", "amber", "green"]
    assert any("set diagonally ignored" in w and "DRAFT" in w for w in source.warnings)


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_unruled_table_reads_rag_from_cell_colour(backend: str) -> None:
    data = _report(ROWS, Options(ruled=False, rag="colour"))
    source = read_pdf_bytes(data, "r.pdf", backend=backend)
    assert [r[:3] for r in _row_lines(source)] == [r[:3] for r in ROWS]
    assert list(source.rag_colour.values()) == ["red", "amber", "green"]


@pytest.mark.parametrize("colour_space", ["rgb", "cmyk"])
def test_fill_that_is_no_rag_colour_is_a_warning_not_a_guess(colour_space: str) -> None:
    options = Options(rag="colour", colour_space=colour_space, rag_colours={1: "blue", 2: "grey"})
    source = read_pdf_bytes(_report(ROWS, options), "r.pdf")
    assert list(source.rag_colour.values()) == ["red"]
    assert any(w.startswith("page 1: RAG cell of row 1.2") for w in source.warnings)
    assert any(w.startswith("page 1: RAG cell of row 1.3") for w in source.warnings)


@pytest.mark.parametrize(
    ("rgb", "verdict"),
    [
        ((1, 0, 0), "red"),
        ((0.75, 0, 0), "red"),
        ((1, 0.75, 0), "amber"),
        ((1, 1, 0), "amber"),
        ((1, 0.6, 0), "amber"),
        ((0, 0.69, 0.31), "green"),
        ((0.57, 0.82, 0.31), "green"),
        ((0, 0.5, 0), "green"),
        ((1, 1, 1), "none"),
        ((0.95, 0.95, 0.95), "none"),
        ((0.5, 0.5, 0.5), "unknown"),
        ((0, 0, 0), "unknown"),
        ((0.2, 0.3, 0.9), "unknown"),
        ((0.6, 0.2, 0.8), "unknown"),
    ],
)
def test_fill_colours_map_to_the_nearest_rag_colour(rgb: tuple, verdict: str) -> None:
    assert rag_of_fill(rgb) == verdict


def test_grey_and_cmyk_components_become_rgb() -> None:
    assert colour_to_rgb((0.5,)) == (0.5, 0.5, 0.5)
    assert colour_to_rgb(0.2) == (0.2, 0.2, 0.2)
    assert rag_of_fill(colour_to_rgb((0, 0.9, 0.9, 0.1))) == "red"
    assert rag_of_fill(colour_to_rgb((0, 0.25, 1, 0))) == "amber"
    assert colour_to_rgb(("pattern",)) is None


@pytest.mark.parametrize("backend", ALL_BACKENDS)
@pytest.mark.parametrize("arrows", ["unicode", "pua", "wingdings", "symbol", "zapf", "heavy"])
def test_arrows_in_symbol_fonts_become_unicode_arrows(backend: str, arrows: str) -> None:
    source = read_pdf_bytes(_report(ROWS, Options(arrows=arrows)), "r.pdf", backend=backend)
    assert [r[4] for r in _row_lines(source)] == ["↑", "→", "↓"]
    parsed = parse_source(source)
    assert [i.direction for i in parsed.items] == ["improving", "sustained", "declining"]


@pytest.mark.parametrize(
    ("text", "font", "glyph"),
    [
        ("\uf0e9", "ABCDEF+Calibri", "↑"),
        ("\uf0e8", "", "→"),
        ("\uf0ea", "X", "↓"),
        ("\uf0e1", "Wingdings", "↑"),
        ("é", "Wingdings-Regular", "↑"),
        ("h", "Wingdings3", "↑"),
        ("i", "Wingdings 3", "↓"),
        ("ﬁ", "Symbol", "→"),
        ("fl", "Symbol", "↓"),
        ("›", "Symbol", "↑"),
        ("\u2191", "Symbol", "↑"),
        ("fi", "Helvetica", "fi"),
        ("ﬁ", "ABCDEF+Calibri", "fi"),
        ("ﬃ", "Times-Roman", "ffi"),
        ("\uf0b7", "Symbol", "•"),
        ("·", "Symbol", "•"),
        ("\uf0a7", "Wingdings", "▪"),
        ("Æ", "ZapfDingbats", "➡"),
        ("é", "Helvetica", "é"),
        ("A", "Wingdings", "A"),
    ],
)
def test_glyphs_map_by_code_point_and_font(text: str, font: str, glyph: str) -> None:
    assert map_glyph(text, font) == glyph


@pytest.mark.parametrize(
    ("cell", "arrow"),
    [
        ("➚", "↑"),
        ("⬆", "↑"),
        ("↗", "↑"),
        ("⇧", "↑"),
        ("🡅", "↑"),
        ("➔", "→"),
        ("⇨", "→"),
        ("➡", "→"),
        ("➘", "↓"),
        ("⬇", "↓"),
        (" ↓ ", "↓"),
        ("↔", "↔"),
        ("n/a", "n/a"),
        ("-", "-"),
    ],
)
def test_direction_cells_hold_one_of_three_arrows(cell: str, arrow: str) -> None:
    from ragtrack.extract.pdf.glyphs import level_arrow

    assert level_arrow(cell).strip() == arrow


def test_pdfminer_glyph_numbers_in_symbol_fonts_are_named() -> None:
    from ragtrack.extract.pdf.glyphs import map_cid

    assert map_cid(212, "ZapfDingbats") == "➔"
    assert map_cid(0xE9, "ABCDEF+Wingdings-Regular") == "↑"
    assert map_cid(212, "ABCDEF+Calibri") is None


@pytest.mark.parametrize("backend", ALL_BACKENDS)
@pytest.mark.parametrize(("arrows", "what"), [("shape", "a shape"), ("image", "an image")])
def test_arrow_drawn_as_a_shape_or_image_is_a_warning_naming_the_page(
    backend: str, arrows: str, what: str
) -> None:
    source = read_pdf_bytes(_report(ROWS, Options(arrows=arrows)), "r.pdf", backend=backend)
    assert [r[4] for r in _row_lines(source)] == ["", "", ""]
    drawn = [w for w in source.warnings if f"drawn as {what}" in w]
    assert len(drawn) == 3 and all(w.startswith("page 1: ") for w in drawn)
    assert [i.direction for i in parse_source(source).items] == [None, None, None]


def _long_table() -> list[list[str]]:
    rows = [
        [f"1.{n}", f"Action {n} of the plan.", "By March 2020", "GAR"[n % 3], "→"]
        for n in range(1, 12)
    ]
    rows[8][1] = LONG
    return rows


@pytest.mark.parametrize("backend", ALL_BACKENDS)
@pytest.mark.parametrize("ruled", [True, False])
def test_table_over_a_page_break_keeps_one_header_and_joins_the_split_row(
    backend: str, ruled: bool
) -> None:
    rows = _long_table()
    source = read_pdf_bytes(_report(rows, Options(ruled=ruled)), "r.pdf", backend=backend)
    assert source.pages >= 2
    texts = [line.text for line in source.lines]
    assert sum(t.startswith("Ref\t") for t in texts) == 1
    got = _row_lines(source)
    assert [r[0] for r in got] == [r[0] for r in rows]
    assert got[8] == rows[8]
    split = next(line for line in source.lines if line.text.startswith("1.9\t"))
    later = next(line for line in source.lines if line.text.startswith("1.11\t"))
    assert later.page > split.page  # the table did go over the page break
    parsed = parse_source(source)
    assert [i.text for i in parsed.items] == [r[1] for r in rows]


@pytest.mark.parametrize("backend", ALL_BACKENDS)
@pytest.mark.parametrize("rotation", [90, 270])
def test_landscape_pages_stored_rotated_read_the_same(backend: str, rotation: int) -> None:
    from report_pdf import rotate_pages

    data = _report(_long_table(), Options(rag="colour", arrows="symbol"))
    upright = read_pdf_bytes(data, "r.pdf", backend=backend)
    turned = read_pdf_bytes(rotate_pages(data, rotation), "r.pdf", backend=backend)
    assert [line.text for line in turned.lines] == [line.text for line in upright.lines]
    assert turned.rag_colour == upright.rag_colour


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_headings_opening_every_page_are_not_taken_for_running_headers(backend: str) -> None:
    from report_pdf import NewPage

    blocks: list[object] = []
    for n in range(1, 4):
        blocks += [
            Para("Key Action Updates", heading=True),
            Para(f"OUTCOME {n}: OUTCOME NUMBER {n} FOR THE PEOPLE", heading=True),
            Table(HEADER, [[f"{n}.1", "Do it.", "By March 2020", "G", "↑"]], rag_col=3, dir_col=4),
            NewPage(),
        ]
    source = read_pdf_bytes(
        render(blocks[:-1], Options(running_header="")), "r.pdf", backend=backend
    )
    assert [line.text for line in source.lines].count("Key Action Updates") == 3
    assert len(parse_source(source).items) == 3


def test_media_box_not_at_the_origin_reads_the_same() -> None:
    import io

    import pypdfium2 as pdfium

    data = _report(_long_table(), Options(rag="colour"))
    doc = pdfium.PdfDocument(data)
    for index in range(len(doc)):
        page = doc[index]
        width, height = page.get_size()
        page.set_mediabox(-30, -40, width - 30, height - 40)
        page.close()
    out = io.BytesIO()
    doc.save(out)
    want = [line.text for line in read_pdf_bytes(data, "r.pdf").lines]
    for backend in ALL_BACKENDS:
        got = read_pdf_bytes(out.getvalue(), "r.pdf", backend=backend)
        assert [line.text for line in got.lines] == want, backend


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_running_header_and_page_footer_are_dropped(backend: str) -> None:
    options = Options(running_header="Cumbria County Council Plan Report")
    source = read_pdf_bytes(_report(_long_table(), options), "r.pdf", backend=backend)
    assert source.pages >= 2
    assert not [
        line
        for line in source.lines
        if "Page " in line.text or "Cumbria County Council Plan" in line.text
    ]


@pytest.mark.parametrize("backend", ALL_BACKENDS)
def test_scanned_page_is_reported_and_the_rest_read(backend: str) -> None:
    data = _report(ROWS, Options(scanned_pages=(2,)))
    source = read_pdf_bytes(data, "r.pdf", backend=backend)
    assert source.pages == 2
    [warning] = [w for w in source.warnings if "no usable text layer" in w]
    assert warning.startswith("page 2: ")
    # the library names its option, not a command-line flag (the CLI help lists --ocr)
    assert "with the ocr option on" in warning and "ragtrack[ocr]" in warning
    assert len(parse_source(source).items) == 3


def test_all_pages_scanned_is_an_input_error() -> None:
    from report_pdf import insert_scanned_page

    data = _report(ROWS)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(insert_scanned_page(data, 1))
    doc.del_page(1)
    import io

    out = io.BytesIO()
    doc.save(out)
    with pytest.raises(InputError, match="page 1: no usable text layer"):
        read_pdf_bytes(out.getvalue(), "scan.pdf")


def test_ocr_without_the_extra_says_how_to_enable_it() -> None:
    pytest.importorskip("reportlab")
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("ocrmypdf is installed")
    with pytest.raises(InputError, match=r"pip install 'ragtrack\[ocr\]'"):
        read_pdf_bytes(_report(ROWS, Options(scanned_pages=(1,))), "r.pdf", ocr=True)


def test_ingest_with_ocr_but_without_the_extra_is_a_usage_error(tmp_path: Path) -> None:
    """Said once before the run, exit 2 (regression: every file failed with it, exit 1, so a
    scheduled job reported the same failures on every run)."""
    from typer.testing import CliRunner

    from ragtrack.cli import app

    if importlib.util.find_spec("ocrmypdf") is not None:
        pytest.skip("ocrmypdf is installed")
    report = tmp_path / "r.txt"
    report.write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(report), "-d", str(tmp_path / "d"), "--ocr"])
    assert result.exit_code == 2
    assert "OCR was asked for but is not installed" in result.stderr
    assert not (tmp_path / "d").exists()


ZERO_PAGES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


@pytest.mark.parametrize("backend", ALL_BACKENDS)
@pytest.mark.parametrize(
    "case", ["encrypted", "garbage", "truncated", "empty", "zero-pages", "text"]
)
def test_unreadable_pdf_is_a_one_line_input_error_naming_the_file(backend: str, case: str) -> None:
    good = _report(ROWS)
    data = {
        "encrypted": _report(ROWS, Options(encrypt="secret")),
        "garbage": b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n",
        "truncated": good[: len(good) // 2],
        "empty": b"",
        "zero-pages": ZERO_PAGES,
        "text": b"Ref\tAction\n1.1\tDo it\n",
    }[case]
    with pytest.raises(InputError) as err:
        read_pdf_bytes(data, "bad report.pdf", backend=backend)
    message = str(err.value)
    assert message.startswith("bad report.pdf: ") and "\n" not in message
    if case == "encrypted":
        assert "encrypted" in message


def test_read_pdf_file_names_the_source_and_hashes_the_bytes(tmp_path: Path) -> None:
    import hashlib

    data = _report(ROWS)
    path = tmp_path / "q3 report.pdf"
    path.write_bytes(data)
    source = read_pdf_file(path)
    assert source.name == "q3 report.pdf"
    assert source.source_format == "pdf"
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.pages == 1
    with pytest.raises(InputError, match=r"missing\.pdf: cannot read file"):
        read_pdf_file(tmp_path / "missing.pdf")


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown PDF backend"):
        read_pdf_bytes(_report(ROWS), "r.pdf", backend="ghostscript")


# -- any table content -----------------------------------------------------------------------

_WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789&%£'()/,.:;?!\"’–",
    min_size=1,
    max_size=14,
).filter(lambda w: not w.endswith("-"))
_CELL = st.lists(_WORD, min_size=1, max_size=70).map(" ".join)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(_CELL, min_size=1, max_size=6),
    rag=st.lists(st.sampled_from("RAG"), min_size=6, max_size=6),
    arrows=st.lists(st.sampled_from("↑→↓"), min_size=6, max_size=6),
    options=st.builds(
        Options,
        rag=st.sampled_from(["letter", "colour", "both"]),
        arrows=st.sampled_from(["unicode", "pua", "symbol", "zapf"]),
        ruled=st.booleans(),
        font_size=st.sampled_from([7.5, 8.5, 10.0]),
    ),
)
def test_any_table_reads_back_as_written_by_both_backends(
    texts: list[str], rag: list[str], arrows: list[str], options: Options
) -> None:
    rows = [
        [f"2.{n + 1}", text, "By March 2021", rag[n], arrows[n]] for n, text in enumerate(texts)
    ]
    data = _report(rows, options)
    sources = [read_pdf_bytes(data, "r.pdf", backend=b) for b in ALL_BACKENDS]
    for source in sources:
        got = _row_lines(source)
        letters = [r[3] for r in rows] if options.rag != "colour" else [""] * len(rows)
        assert [[c for i, c in enumerate(r) if i != 3] for r in got] == [
            [c for i, c in enumerate(r) if i != 3] for r in rows
        ]
        assert [r[3] for r in got] == letters
        if options.rag != "letter":
            names = {"R": "red", "A": "amber", "G": "green"}
            assert list(source.rag_colour.values()) == [names[r[3]] for r in rows]
    assert [line.text for line in sources[0].lines] == [line.text for line in sources[1].lines]


def test_ocr_reads_a_scanned_page_when_ocrmypdf_and_tesseract_are_there() -> None:
    pytest.importorskip("ocrmypdf")
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("the tesseract program is not installed")
    data = _report(ROWS, Options(scanned_pages=(2,)))
    without = read_pdf_bytes(data, "r.pdf")
    assert not [line for line in without.lines if line.page == 2 and line.text.strip()]
    source = read_pdf_bytes(data, "r.pdf", ocr=True)
    page_two = [line.text for line in source.lines if line.page == 2 and line.text.strip()]
    assert any("Scanned" in text for text in page_two)
    assert not [w for w in source.warnings if "no usable text layer" in w]
    assert [i.ref for i in parse_source(source).items] == ["1.1", "1.2", "1.3"]
