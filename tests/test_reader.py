"""Reading text: encodings, line endings, page breaks, odd spaces, page furniture, bad bytes."""

from __future__ import annotations

import codecs

import pytest

from ragtrack.errors import InputError
from ragtrack.extract.reader import read_text_bytes

TEXT = "Title line\nRef\tAction\n1.1\tDo a thing.\tBy March 2020\tG\t↑\n"


def texts(data: bytes) -> list[str]:
    return [line.text for line in read_text_bytes(data, "r.txt").lines]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.replace("↑", "^").encode("cp1252") + "£".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_detected_and_recorded(data: bytes, encoding: str) -> None:
    source = read_text_bytes(data, "r.txt")
    assert source.encoding == encoding
    assert source.lines[0].text == "Title line"


def test_line_endings_and_odd_spaces() -> None:
    assert texts(b"a\r\nb\rc\n") == ["a", "b", "c", ""]
    assert texts("x\u00a0y\u2009z\u200b!".encode()) == ["x y z!"]


def test_form_feeds_start_pages_and_keep_line_numbers() -> None:
    source = read_text_bytes(b"one\ntwo\fthree\n\ffour\n", "r.txt")
    assert [(line.number, line.page, line.text) for line in source.lines if line.text] == [
        (1, 1, "one"),
        (2, 1, "two"),
        (2, 2, "three"),
        (3, 3, "four"),
    ]
    assert source.pages == 3


def test_running_headers_and_page_numbers_are_dropped() -> None:
    bodies = ["Actions for the year", "Progress so far", "Risks ahead", "Money spent"]
    pages = [
        f"Council Plan Progress Report\n\n{body}\nmore text {n}\nPage {n} of 4\n"
        for n, body in enumerate(bodies, start=1)
    ]
    source = read_text_bytes("\f".join(pages).encode(), "r.txt")
    kept = [line.text for line in source.lines if line.text]
    assert "Page 1 of 4" not in kept and "Page 4 of 4" not in kept
    assert kept.count("Council Plan Progress Report") == 1  # kept once: the first page's title
    assert [t for t in kept if t in bodies] == bodies


def test_structural_lines_are_never_furniture() -> None:
    page = "Commentary for Risk updates:\nsome text {n}\nCommentary for Finance updates:\n"
    source = read_text_bytes("\f".join(page.format(n=n) for n in range(3)).encode(), "r.txt")
    kept = [line.text for line in source.lines if line.text]
    assert kept.count("Commentary for Risk updates:") == 3


def test_year_span_is_not_a_page_number() -> None:
    assert "2021/22" in texts(b"a\f2021/22\nb\fc\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "whitespace"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (bytes(range(0x80, 0x100)) * 4, "encoding"),
    ],
)
def test_unreadable_input_is_a_one_line_error_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        read_text_bytes(data, "bad.txt")
    assert message in str(err.value)
    assert str(err.value).startswith("bad.txt: ")
    assert "\n" not in str(err.value)


def test_size_limit() -> None:
    with pytest.raises(InputError, match="over the limit"):
        read_text_bytes(b"x" * 100, "big.txt", max_bytes=10)
