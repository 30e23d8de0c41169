"""Bad input never crashes a batch or damages the dataset (issue 7).

Each case builds its input and runs ``ragtrack ingest`` in-process through the real readers
and parsers, next to a good report: the bad file gets one line naming it (with the line or
page where that helps), the good report is still ingested, the exit status is 1, and the
reports already in the dataset keep their files byte for byte.

Bad PDFs are in tests/test_bad_input_pdf.py, properties (any text, Parquet round trip, file
order) in tests/test_bad_input_properties.py. Covered elsewhere, with the stand-in parser: a
file without read permission (tests/test_store_ingest.py; skipped when run as root, who can
read anything: here pipes, devices and dangling links stand for unreadable files), the
symlink loop when listing folders, and ``--max-bytes``
(tests/test_cli_ingest.py::test_max_bytes_refuses_a_large_file_with_a_clear_message).
"""

from __future__ import annotations

import functools
import os
import random
import shutil
import sqlite3
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ragtrack
from ragtrack.cli import app
from ragtrack.extract.reader import DEFAULT_MAX_BYTES
from ragtrack.pipeline import ingest, path_text
from ragtrack.store.layout import MANIFEST_NAME, is_safe_key

REPORT = """\
{title}
(Progress to {period} - Quarter {quarter})
OUTCOME 2: PLACES ARE THRIVING
Supporting outcome: Roads are kept in good repair
Ref\tAction for 2022/23\tMilestone\tRAG\tDirection of travel
2.1\tResurface ten roads.\tBy March 2023\tG\t↑
2.2\tMend potholes.\tOngoing\tR\t→
Commentary for areas of progress:
In relation to actions 2.1 and 2.2 work is on track.
Key Outcome Indicators
Ref\tMeasure for 2022/23\tRAG\tDirection of travel
M2.1\tPotholes fixed within 7 days.\tA\t→
"""
QUARTER_ENDS = {1: "30 June 2022", 2: "30 September 2022", 3: "31 December 2022"}


def report_text(
    quarter: int = 1, title: str = "Testshire County Council: Council Plan Progress Report"
) -> str:
    """A small progress report of Testshire for one quarter of 2022/23 (3 items, 1 comment)."""
    return REPORT.format(title=title, period=QUARTER_ENDS[quarter], quarter=quarter)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [os.fsdecode(a) for a in args])
    if "-vv" not in args:  # tracebacks are debug output
        assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


REPORT_TABLES = ("documents", "items", "commentary")


def dataset_files(root: Path) -> dict[str, bytes]:
    """The bytes of every report file under ``root``, by relative path (not the manifest, nor
    derived tables such as lineage, which follow every report added)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for table in REPORT_TABLES
        for p in sorted((root / table).rglob("*.parquet"))
    }


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


@functools.cache
def held_dataset() -> Path:
    """A dataset holding one good report (ingested once per test process; tests copy it)."""
    root = Path(tempfile.mkdtemp(prefix="ragtrack-held-"))
    held = write(root / "held" / "q1.txt", report_text(1))
    assert run("ingest", held, "--out", root / "data")[0] == 0
    return root / "data"


def assert_fails_alone(tmp_path: Path, bad: Path, message: str, *extra: str) -> str:
    """Ingest ``bad`` with a good report into a dataset already holding another report:
    one error line naming ``bad`` and containing ``message``, exit 1, the good report
    written, the report already held untouched. Returns the error line."""
    data = tmp_path / "data"
    shutil.copytree(held_dataset(), data, ignore=shutil.ignore_patterns("_ingest.lock"))
    before = dataset_files(data)
    good = write(tmp_path / "good" / "q2.txt", report_text(2))
    code, out, err = run("ingest", bad, good, "--out", data, *extra)
    assert code == 1
    [line] = err.splitlines()  # one line, and nothing else on stderr
    assert line.startswith(f"error: {path_text(bad)}") and message in line, line
    assert "1 new, 1 failed" in out
    after = dataset_files(data)
    assert {k: after.get(k) for k in before} == before  # the held report is untouched
    added = set(after) - set(before)
    assert len(added) == 3 and all("2022-09-30" in name for name in added)  # only the good one
    docs = ragtrack.load(data)["documents"]
    assert sorted(docs["source_name"]) == ["q1.txt", "q2.txt"]
    return line


# -- files that cannot be read as text ---------------------------------------------------------


def _garbage(seed: int, size: int = 8192) -> bytes:
    return random.Random(seed).randbytes(size)


BAD_TEXT: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "empty": ("empty.txt", lambda: b"", "empty file (no text)"),
    "whitespace": ("blank.txt", lambda: b"  \n\t\r\n \f \n", "file holds only whitespace"),
    "binary with NULs": ("garbage.txt", lambda: _garbage(1), "binary data, not a text report"),
    "binary without NULs": (
        "garbage2.txt",
        lambda: _garbage(2).replace(b"\0", b"\1"),
        "binary data, not a text report (control bytes found)",
    ),
    "EBCDIC": (
        "ebcdic.txt",
        lambda: report_text(3).encode("cp500", "replace"),
        "ebcdic.txt, line 1: undetectable text encoding (not UTF-8, UTF-16 or cp1252",
    ),
    "Shift-JIS": (
        "sjis.txt",
        lambda: ("進捗報告\n" + report_text(3)).encode("shift_jis", "replace"),
        "sjis.txt, line 1: undetectable text encoding",
    ),
    "UTF-16 without BOM": (
        "utf16.txt",
        lambda: report_text(3).encode("utf-16-le"),
        "UTF-16 text without a byte-order mark",
    ),
    "a novel": (
        "novel.txt",
        lambda: ("It was the best of times, it was the worst of times.\n\n" * 200).encode(),
        "does not look like a council plan progress report",
    ),
    "a CSV": (
        "data.txt",
        lambda: ("ref,action,rag\n" + "".join(f"{n},Do thing {n},G\n" for n in range(50))).encode(),
        "does not look like a council plan progress report",
    ),
    "tables without refs": (
        "norefs.txt",
        lambda: "\n".join(
            line.split("\t", 1)[1] if line[:1] in "2M" else line
            for line in report_text(3).splitlines()
            if not line.startswith(("Commentary", "In relation"))
        ).encode(),
        "norefs.txt, line 5: 2 tables of actions or measures found but no row starts with a ref",
    ),
}


@pytest.mark.parametrize("case", list(BAD_TEXT), ids=list(BAD_TEXT))
def test_a_bad_text_file_fails_alone_with_one_line(tmp_path: Path, case: str) -> None:
    name, build, message = BAD_TEXT[case]
    bad = write(tmp_path / "inbox" / name, build())
    assert_fails_alone(tmp_path, bad, message)


def test_rows_without_refs_next_to_commentary_are_warnings_naming_each_line(
    tmp_path: Path,
) -> None:
    text = "\n".join(
        line.split("\t", 1)[1] if line.startswith("2.") else line
        for line in report_text(1).splitlines()
    )
    path = write(tmp_path / "norefs.txt", text)
    code, out, err = run("ingest", path, "--out", tmp_path / "data")
    assert code == 0 and "1 items, 1 commentary" in out
    warned = [line for line in err.splitlines() if line.startswith("warning:")]
    assert any("line 6: could not place line" in w and "Resurface ten roads" in w for w in warned)
    assert any("line 7: could not place line" in w and "Mend potholes" in w for w in warned)
    [doc] = ragtrack.load(tmp_path / "data")["documents"].itertuples()
    assert any(w.startswith("line 6: ") for w in doc.warnings)


# -- size and length -----------------------------------------------------------------------


def test_a_very_large_text_file_is_refused_by_its_size_unread(tmp_path: Path) -> None:
    """300 MB of report-like text: refused before it is read (memory stays small), with the
    limit and how to raise it in the message; the rest of the batch goes in."""
    big = tmp_path / "inbox" / "huge.txt"
    big.parent.mkdir(parents=True)
    block = (report_text(3) * 200).encode()
    with big.open("wb") as handle:
        for _ in range(300 * 1024 * 1024 // len(block) + 1):
            handle.write(block)
    size = big.stat().st_size
    assert size > 300 * 1024 * 1024
    line = assert_fails_alone(tmp_path, big, "over the limit")
    assert line == (
        f"error: {big}: file is {size:,} bytes, over the limit of {DEFAULT_MAX_BYTES:,} bytes "
        "(raise it with --max-bytes)"
    )
    tracemalloc.start()  # once more, measuring what Python allocates meanwhile
    try:
        summary = ingest([big], tmp_path / "data")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.counts() == {"failed": 1}
    assert peak < 4 * 1024 * 1024  # hashed in chunks and refused by size: never read whole


def test_millions_of_tiny_lines_are_refused_by_their_count_before_parsing(tmp_path: Path) -> None:
    """6 MB is under the size limit, but 3 million lines would take gigabytes to parse: the
    line count the size limit allows (one line per 32 bytes) refuses it, before splitting."""
    path = write(tmp_path / "inbox" / "tiny.txt", "x\n" * 3_000_000)
    line = assert_fails_alone(tmp_path, path, "lines, over the limit of")
    assert line == (
        f"error: {path}: file has 3,000,001 lines, over the limit of 2,097,152 lines (one per "
        "32 bytes of the 67,108,864-byte size limit) (raise it with --max-bytes)"
    )


@pytest.mark.slow  # a soak: a million lines (bench/million_lines.py has the figures)
def test_a_million_short_lines_of_commentary_are_read_whole(tmp_path: Path) -> None:
    """One paragraph of a million short lines (joining it was quadratic: hours); see
    bench/million_lines.py for the time and memory figures."""
    lines = "".join(f"word {n}\n" for n in range(1_000_000))
    text = report_text(1).replace("work is on track.\n", "work is on track.\n" + lines)
    path = write(tmp_path / "long.txt", text)
    code, out, err = run("ingest", path, "--out", tmp_path / "data", "--max-bytes", "100000000")
    assert code == 0, err
    assert "3 items, 1 commentary, 0 warnings" in out
    [paragraph] = ragtrack.load(tmp_path / "data")["commentary"]["text"]
    assert paragraph.endswith("word 999998 word 999999")


@pytest.mark.slow  # about 7 s, more on a busy machine; the test above guards the time
def test_a_million_lines_nobody_can_place_give_bounded_warnings(tmp_path: Path) -> None:
    junk = "".join(f"{n % 10}\tx\n" for n in range(1_000_000))
    text = report_text(1).replace("Commentary for", junk + "Commentary for", 1)
    path = write(tmp_path / "junk.txt", text)
    code, out, err = run("ingest", path, "--out", tmp_path / "data", "--max-bytes", "100000000")
    assert code == 0, err
    assert "3 items, 1 commentary, 1001 warnings" in out
    warned = err.splitlines()
    assert len(warned) == 1001
    assert warned[-1].endswith("999,000 more warnings not listed (only the first 1,000 are)")
    [doc] = ragtrack.load(tmp_path / "data")["documents"].itertuples()
    assert len(doc.warnings) == 1001


# -- layouts ---------------------------------------------------------------------------------

MIXED = """\
COUNCIL PLAN PROGRESS REPORT
(Progress to 31 March 2023 - Quarter 4)
OUTCOME 2: PLACES ARE THRIVING
Supporting outcome: Roads are kept in good repair
Ref\tAction for 2022/23\tMilestone\tRAG\tDirection of travel
2.1\tResurface roads.\tBy March 2023\tG\t↑
2.2\tMend potholes.\tOngoing\tR\t↓
Ref Action for 2022/23 Milestone RAG (against target)
Direction of travel
since last report
2.3

Balance the budget and report on it to
Cabinet every quarter.

By March 2023 A ↓
2.4 Plant trees. By May 2022 G →
Commentary for areas of progress:
2.1 Roads are done.
2.3 Budget balanced, see action 2.4.
"""


def test_a_report_mixing_tabbed_and_wrapped_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.txt", MIXED)
    code, out, err = run("ingest", path, "--out", tmp_path / "data")
    assert (code, err) == (0, "")
    assert "4 items, 2 commentary, 0 warnings" in out
    items = ragtrack.load(tmp_path / "data")["items"].sort_values("ref")
    got = list(
        zip(
            items["ref"],
            items["text"],
            items["milestone"],
            items["rag"],
            items["direction"],
            items["supporting_outcome"],
            strict=True,
        )
    )
    roads = "Roads are kept in good repair"
    assert got == [
        ("2.1", "Resurface roads.", "By March 2023", "green", "improving", roads),
        ("2.2", "Mend potholes.", "Ongoing", "red", "declining", roads),
        (
            "2.3",
            "Balance the budget and report on it to Cabinet every quarter.",
            "By March 2023",
            "amber",
            "declining",
            roads,
        ),
        ("2.4", "Plant trees.", "By May 2022", "green", "sustained", roads),
    ]
    commentary = ragtrack.load(tmp_path / "data")["commentary"]
    assert sorted(map(tuple, commentary["refs"])) == [("2.1",), ("2.3", "2.4")]


# -- the file system ---------------------------------------------------------------------------


def test_a_folder_with_a_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    write(inbox / "2022" / "q1.txt", report_text(1))
    write(inbox / "2022" / "more" / "q2.txt", report_text(2))
    os.symlink(inbox, inbox / "2022" / "more" / "back to the top")
    os.symlink(inbox / "2022", inbox / "same year")
    code, out, err = run("ingest", inbox, "--out", tmp_path / "data", "-v")
    assert code == 0
    assert "2 files: 2 new" in out
    assert "already visited (symlink loop?), not following" in err
    assert len(ragtrack.load(tmp_path / "data")["documents"]) == 2


def test_unreadable_files_fail_alone(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "pipe.txt")
    os.symlink(tmp_path / "gone.txt", inbox / "dangling.txt")
    write(inbox / "q1.txt", report_text(1))
    code, out, err = run("ingest", inbox, "/dev/zero", "--out", tmp_path / "data")
    assert code == 1 and "1 new, 3 failed" in out  # and no read from the pipe hung the run
    assert errors(err) == [
        "error: /dev/zero: not a document file (a device); nothing was read from it",
        f"error: {inbox / 'dangling.txt'}: cannot read file: No such file or directory",
        f"error: {inbox / 'pipe.txt'}: not a document file (a named pipe); nothing was read "
        "from it",
    ]


def test_file_names_with_spaces_and_non_ascii_characters(tmp_path: Path) -> None:
    inbox = tmp_path / "in box"
    write(inbox / "Rapport ünïcode – café q1.txt", report_text(1))
    # a name that is not UTF-8 at all, as old archives hold (Latin-1 é)
    latin1 = os.fsdecode(os.fsencode(inbox) + b"/caf\xe9 q2.txt")
    write(Path(latin1), report_text(2))
    data = tmp_path / "da ta ✓"
    code, out, err = run("ingest", inbox, "--out", data)
    assert (code, err) == (0, "")
    assert f"new       {inbox / 'Rapport ünïcode – café q1.txt'}  (" in out
    assert f"new       {inbox}/caf\\xe9 q2.txt  (" in out
    docs = ragtrack.load(data)["documents"]
    assert sorted(docs["source_name"]) == ["Rapport ünïcode – café q1.txt", "caf\\xe9 q2.txt"]
    with sqlite3.connect(data / MANIFEST_NAME) as db:
        paths = sorted(row[0] for row in db.execute("SELECT source_path FROM reports"))
    assert [Path(p).name for p in paths] == ["Rapport ünïcode – café q1.txt", "caf\\xe9 q2.txt"]
    assert run("ingest", inbox, "--out", data)[1].endswith(
        f"2 files: 2 unchanged (dataset: {data})\n"
    )


def test_a_non_utf8_name_of_a_bad_file_is_shown_and_recorded(tmp_path: Path) -> None:
    bad = Path(os.fsdecode(os.fsencode(tmp_path) + b"/inbox/r\xe9sum\xe9.txt"))
    write(bad, b"")
    line = assert_fails_alone(tmp_path, bad, "empty file")
    assert line == f"error: {tmp_path}/inbox/r\\xe9sum\\xe9.txt: empty file (no text)"


@pytest.mark.parametrize(
    "council", ["../../../escaped", "a/b\\c", "/etc/cron.d/x", "..", "CON", "Ünïted/../Cöuncil"]
)
def test_a_council_or_title_full_of_path_parts_cannot_leave_the_dataset(
    tmp_path: Path, council: str
) -> None:
    data = tmp_path / "a" / "b" / "data"
    path = write(
        tmp_path / "in.txt", report_text(1, title="../../../../tmp/evil/../ Plan Progress Report")
    )
    outside = {p for p in tmp_path.rglob("*")}
    code, _, err = run("ingest", path, "--out", data, "--council", council)
    assert (code, err) == (0, "")
    written = {p for p in tmp_path.rglob("*")} - outside
    assert written and all(data in p.parents or p == data or p in data.parents for p in written)
    for file in data.rglob("*.parquet"):
        assert is_safe_key(file.stem) and file.resolve().is_relative_to(data.resolve())
    [doc] = ragtrack.load(data)["documents"].itertuples()
    assert doc.council == council  # kept as given in the data, only the key is a slug
    assert doc.title.startswith("../../../../tmp/evil/../")


def test_the_same_report_twice_in_one_batch(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    first = write(inbox / "a q1.txt", report_text(1))
    write(inbox / "b copy.txt", report_text(1))  # the same bytes under another name
    crlf = write(inbox / "c crlf.txt", report_text(1).replace("\n", "\r\n"))  # same report
    write(inbox / "d q2.txt", report_text(2))
    data = tmp_path / "data"
    code, out, err = run("ingest", inbox, "--out", data, "-v")
    assert code == 1
    assert f"unchanged {inbox / 'b copy.txt'}" in out and f"[same bytes as {first}]" in out
    assert errors(err) == [
        f"error: {crlf}: same report (testshire-county-council_progress-report_2022-23_"
        f"2022-06-30) as {first} in this batch, with different content; skipped"
    ]
    assert "2 new, 1 unchanged, 1 failed" in out
    docs = ragtrack.load(data)["documents"]
    assert sorted(docs["source_name"]) == ["a q1.txt", "d q2.txt"]


# -- what -v and -q show -----------------------------------------------------------------------


def test_quiet_shows_only_errors_and_verbose_shows_more(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    write(inbox / "odd.txt", report_text(1).replace("Commentary for", "2.9\tx\nCommentary for"))
    write(inbox / "novel.txt", "Call me Ishmael.\n")
    data = tmp_path / "data"

    code, out, err = run("ingest", inbox, "--out", data, "--dry-run")
    assert code == 1
    kinds = [line.split(":", 1)[0] for line in err.splitlines()]
    assert kinds == ["warning", "error"] or sorted(kinds) == ["error", "warning"]

    code, out, err = run("ingest", inbox, "--out", data, "--dry-run", "-q")
    assert code == 1 and out == ""
    assert [line.split(":", 1)[0] for line in err.splitlines()] == ["error"]

    code, out, err = run("ingest", inbox, "--out", data, "--dry-run", "-vv")
    levels = {line.split(":", 1)[0] for line in err.splitlines()}
    assert {"warning", "error", "debug"} <= levels
    assert any(line.startswith("debug: odd.txt: read ") for line in err.splitlines())
