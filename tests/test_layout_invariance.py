"""The rows of a report do not depend on how its text was stored or paginated.

Each sample is mangled the way real extractions differ (CRLF endings, other encodings, tabs
as runs of spaces, page breaks with running headers and footers between lines) and must give
the same rows, provenance aside.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PROGRESS_SAMPLES, SAMPLES
from golden_rows import as_rows
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_bytes

TEXTS = {name: (SAMPLES / name).read_text(encoding="utf-8") for name in PROGRESS_SAMPLES}


def rows_of(data: bytes, name: str) -> dict:
    return as_rows(parse_source(read_text_bytes(data, name)), provenance=False)


BASELINE = {name: rows_of(text.encode("utf-8"), name) for name, text in TEXTS.items()}
slow = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", PROGRESS_SAMPLES)
def test_crlf_and_cr_line_endings(name: str) -> None:
    text = TEXTS[name]
    assert rows_of(text.replace("\n", "\r\n").encode(), name) == BASELINE[name]
    assert rows_of(text.replace("\n", "\r").encode(), name) == BASELINE[name]


@pytest.mark.parametrize("name", PROGRESS_SAMPLES)
def test_utf8_bom_and_utf16(name: str) -> None:
    text = TEXTS[name]
    assert rows_of(codecs.BOM_UTF8 + text.encode(), name) == BASELINE[name]
    assert rows_of(text.encode("utf-16"), name) == BASELINE[name]


@pytest.mark.parametrize("name", PROGRESS_SAMPLES)
def test_cp1252_where_the_text_can_be_encoded(name: str) -> None:
    """Arrows have no cp1252 code, so compare on the lines cp1252 can hold."""

    def encodable(line: str) -> bool:
        try:
            line.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True

    text = "\n".join(line for line in TEXTS[name].split("\n") if encodable(line))
    utf8 = rows_of(text.encode("utf-8"), name)
    assert utf8["commentary"], "the cp1252-encodable part still has commentary"
    assert rows_of(text.replace("\n", "\r\n").encode("cp1252"), name) == utf8


@pytest.mark.parametrize("name", PROGRESS_SAMPLES)
@slow
@given(data=st.data())
def test_tabs_as_runs_of_spaces(name: str, data: st.DataObject) -> None:
    text = TEXTS[name]
    parts = text.split("\t")
    widths = data.draw(
        st.lists(st.integers(2, 6), min_size=len(parts) - 1, max_size=len(parts) - 1)
    )
    spaced = parts[0] + "".join(" " * w + p for w, p in zip(widths, parts[1:], strict=True))
    assert rows_of(spaced.encode(), name) == BASELINE[name]


HEADERS = [
    "Cumbria County Council – Council Plan Delivery Plan Progress Report",
    "COUNCIL PLAN PROGRESS REPORT",
    "Council Plan Delivery Plan 2019-2022",
]
FOOTERS = ["Page {n} of {total}", "Page {n}", "- {n} -", "{n}"]


@pytest.mark.parametrize("name", PROGRESS_SAMPLES)
@slow
@given(data=st.data())
def test_page_breaks_with_running_headers(name: str, data: st.DataObject) -> None:
    lines = TEXTS[name].split("\n")
    count = data.draw(st.integers(2, 12), label="page breaks")
    cuts = sorted(
        data.draw(
            st.sets(st.integers(1, len(lines) - 1), min_size=count, max_size=count),
            label="after lines",
        )
    )
    header = data.draw(st.sampled_from(HEADERS), label="header")
    footer = data.draw(st.sampled_from(FOOTERS), label="footer")
    blank_after_header = data.draw(st.booleans(), label="blank after header")
    total = count + 1
    out: list[str] = []
    previous = 0
    for page, cut in enumerate(cuts, start=1):
        out.extend(lines[previous:cut])
        out.append(footer.format(n=page, total=total))
        out.append("\f" + header)
        if blank_after_header:
            out.append("")
        previous = cut
    out.extend(lines[previous:])
    parsed = parse_source(read_text_bytes("\n".join(out).encode(), name))
    assert as_rows(parsed, provenance=False) == BASELINE[name]
    assert parsed.document.pages == total
