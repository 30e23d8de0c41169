"""Input edge cases (issue 13): a cp1252 line inside a UTF-8 file is named at its own line,
whatever the line endings, byte-order mark or form feeds, and read without loss.
"""

from __future__ import annotations

import codecs
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ragtrack.errors import InputError
from ragtrack.extract.reader import read_text_bytes

# ---------------------------------------------------------------- a cp1252 line in UTF-8

LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}
CP1252_LINE = "Budget: £2.5m – the council’s “best” year"  # £ – ’ “ ” are single bytes in cp1252


def reported_lines(data: bytes) -> set[int]:
    """The line numbers the reader names for ``data``: its error's line, else the lines its
    warnings name (``line N: ...`` or ``page P, line N: ...``)."""
    try:
        source = read_text_bytes(data, "mixed.txt")
    except InputError as err:
        return {err.line} if err.line is not None else set()
    return {int(m[1]) for w in source.warnings for m in re.finditer(r"\bline (\d+)\b", w)}


def mixed_file(lines: list[str], bad_at: int, bad: str, ending: str, bom: bool) -> bytes:
    """``lines`` as UTF-8 with ``bad`` in cp1252 inserted as line ``bad_at`` (from 1)."""
    encoded = [line.encode("utf-8") for line in lines]
    encoded.insert(bad_at - 1, bad.encode("cp1252"))
    return (codecs.BOM_UTF8 if bom else b"") + ending.encode().join(encoded) + ending.encode()


def test_cp1252_line_is_named_not_a_later_utf8_line() -> None:
    """The issue's case: the cp1252 line at 1299 was reported at 2280, where a UTF-8 right
    double quote (bytes e2 80 9d; 0x9d is no cp1252 character) made the cp1252 retry fail."""
    lines = [f"Action {n}: mend the roads." for n in range(1, 2400)]
    lines[100] = "Résumé of the year — all on track."
    lines[2279 - 1] = "The “Roads” programme ends."  # line 2280 once the bad line is in
    data = mixed_file(lines, 1299, CP1252_LINE, "\n", bom=False)
    assert reported_lines(data) == {1299}
    source = read_text_bytes(data, "mixed.txt")
    by_number = {line.number: line.text for line in source.lines}
    assert by_number[1299] == CP1252_LINE  # read as cp1252: nothing lost
    assert by_number[101] == "Résumé of the year — all on track."  # the UTF-8 stays UTF-8
    assert by_number[2280] == "The “Roads” programme ends."
    assert source.encoding == "utf-8"
    (warning,) = source.warnings
    assert warning.startswith("line 1299: ") and "cp1252" in warning


@pytest.mark.parametrize("ending", LINE_ENDINGS.values(), ids=LINE_ENDINGS.keys())
@pytest.mark.parametrize("bom", [False, True], ids=["no BOM", "BOM"])
def test_cp1252_line_is_named_for_every_line_ending(ending: str, bom: bool) -> None:
    lines = ["Résumé — first", "plain", "plain again", "The “end”."]
    data = mixed_file(lines, 3, CP1252_LINE, ending, bom)
    assert reported_lines(data) == {3}
    source = read_text_bytes(data, "mixed.txt")
    assert [line.text for line in source.lines][:5] == [*lines[:2], CP1252_LINE, *lines[2:]]
    assert source.encoding == ("utf-8-sig" if bom else "utf-8")


def test_with_form_feeds_the_warning_names_page_and_line() -> None:
    lines = ["Résumé — page one", "more", "\fPage two starts", "still two", "\fPage three"]
    data = mixed_file(lines, 5, CP1252_LINE, "\n", bom=False)
    source = read_text_bytes(data, "mixed.txt")
    (warning,) = source.warnings
    assert warning.startswith("page 2, line 5: ")


def test_an_undecodable_byte_on_a_non_utf8_line_is_an_error_at_that_line() -> None:
    """0x81 is neither UTF-8 nor cp1252: refused, naming the line it is on (not line 1 or the
    line of some later UTF-8 character)."""
    lines = ["Résumé — first", "plain", "The “end”."]
    data = mixed_file(lines, 2, "x", "\r\n", bom=False).replace(b"\r\nx\r\n", b"\r\nx\x81\r\n")
    with pytest.raises(InputError) as caught:
        read_text_bytes(data, "mixed.txt")
    assert caught.value.line == 2
    assert "byte 0x81" in str(caught.value)


def test_ascii_with_one_cp1252_line_is_a_cp1252_file_without_warning() -> None:
    """Nothing in the file says UTF-8, so cp1252 reads every line right: no warning."""
    data = mixed_file(["plain", "more plain"], 2, CP1252_LINE, "\n", bom=False)
    source = read_text_bytes(data, "plain.txt")
    assert source.encoding == "cp1252"
    assert source.warnings == ()
    assert source.lines[1].text == CP1252_LINE


def test_a_cp1252_file_with_one_utf8_line_names_that_line() -> None:
    """The other way round: most lines cp1252, one UTF-8 line; that line is the odd one."""
    cp = ["Café £5 – “ok”", "Naïve — yes", "Zoë’s report"]
    data = b"\n".join(
        [cp[0].encode("cp1252"), "Ünïcödé “text”".encode(), *(c.encode("cp1252") for c in cp[1:])]
    )
    source = read_text_bytes(data, "mostly_cp1252.txt")
    assert source.encoding == "cp1252"
    assert [line.text for line in source.lines] == [cp[0], "Ünïcödé “text”", *cp[1:]]
    assert reported_lines(data) == {2}


_UTF8_CHARS = st.characters(
    categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85\u2028\u2029"
)
_CP1252_CHARS = st.sampled_from(
    [c for c in bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore")] + list("abc XYZ 123.,")
)


@st.composite
def cp1252_lines(draw: st.DrawFn) -> str:
    """A line in cp1252 whose bytes are not valid UTF-8 (else no reader could tell)."""
    text = draw(st.text(_CP1252_CHARS, min_size=1, max_size=30)) + draw(st.sampled_from("£éü–’“”€"))
    try:
        text.encode("cp1252").decode("utf-8")
    except UnicodeDecodeError:
        return text
    assume(False)
    raise AssertionError  # unreachable


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.text(_UTF8_CHARS, max_size=40), min_size=1, max_size=40),
    non_ascii=st.text(_UTF8_CHARS, min_size=1, max_size=10).filter(lambda t: not t.isascii()),
    data=st.data(),
    bad=cp1252_lines(),
    ending=st.sampled_from(list(LINE_ENDINGS.values())),
    bom=st.booleans(),
    form_feeds=st.booleans(),
)
def test_a_cp1252_line_anywhere_is_reported_at_its_line(
    lines: list[str],
    non_ascii: str,
    data: st.DataObject,
    bad: str,
    ending: str,
    bom: bool,
    form_feeds: bool,
) -> None:
    """Random UTF-8 text (with some non-ASCII, so it reads as UTF-8) and one cp1252 line
    inserted anywhere: the reader names exactly that line, and every line reads back."""
    lines = list(lines)
    lines.insert(data.draw(st.integers(0, len(lines))), "Title: " + non_ascii)
    if form_feeds:  # page breaks at the start of some lines; line numbers are unchanged
        for i in data.draw(st.sets(st.integers(0, len(lines) - 1), max_size=3)):
            lines[i] = "\f" + lines[i]
    bad_at = data.draw(st.integers(1, len(lines) + 1))
    raw = mixed_file(lines, bad_at, bad, ending, bom)
    assert reported_lines(raw) == {bad_at}
    source = read_text_bytes(raw, "mixed.txt")
    bad_line = [line for line in source.lines if line.number == bad_at]
    assert bad_line and bad_line[-1].text.endswith(bad.rstrip()[-1])  # read, not dropped


def test_bad_utf16_is_refused_at_its_line() -> None:
    """UTF-16 with a byte-order mark and a lone surrogate on line 3 (the error named no line)."""
    good = "Title\r\nRésumé\r\n".encode("utf-16-le")
    data = codecs.BOM_UTF16_LE + good + b"\x00\xd8" + "x\r\n".encode("utf-16-le")
    with pytest.raises(InputError) as caught:
        read_text_bytes(data, "wide.txt")
    assert caught.value.line == 3
    assert str(caught.value).startswith("wide.txt, line 3: invalid utf-16 text")
