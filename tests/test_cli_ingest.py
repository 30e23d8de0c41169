"""The ``ragtrack`` command as a user sees it: lines printed, exit codes, --help."""

from __future__ import annotations

import json
from pathlib import Path

import filelock
import pytest
from typer.testing import CliRunner

import ragtrack
import ragtrack.pipeline
from fake_reports import parse_fake, write_report
from ragtrack.cli import app
from ragtrack.store.layout import LOCK_NAME

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture
def fake_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ragtrack.pipeline, "default_parser", lambda: parse_fake)


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("fake_parser")
def test_ingest_prints_what_each_document_held(tmp_path: Path) -> None:
    write_report(tmp_path / "in" / "q3.txt", extra="a line nobody can place")
    write_report(tmp_path / "in" / "q2.txt", period="2019-09-30")
    code, out, err = run("ingest", tmp_path / "in", "--out", tmp_path / "data")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert "q3.txt" in lines[1] and "3 items, 2 commentary, 1 warning" in lines[1]
    assert "2019/20 to 2019-12-31" in lines[1]
    assert "2 files: 2 new" in lines[2]
    assert err.strip() == (
        f"warning: {tmp_path / 'in' / 'q3.txt'}: line 10: cannot place this line: "
        "a line nobody can place"
    )
    assert len(ragtrack.load(tmp_path / "data")["documents"]) == 2


@pytest.mark.usefixtures("fake_parser")
def test_any_failure_exits_1_and_the_rest_is_written(tmp_path: Path) -> None:
    write_report(tmp_path / "in" / "good.txt")
    (tmp_path / "in" / "novel.txt").write_text("Call me Ishmael.\n")
    code, out, err = run("ingest", tmp_path / "in", "-o", tmp_path / "data")
    assert code == 1
    assert err.splitlines() == [
        f"error: {tmp_path / 'in' / 'novel.txt'}: not a council report (no report structure found)"
    ]
    assert "1 new, 1 failed" in out
    assert len(ragtrack.load(tmp_path / "data")["documents"]) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["ingest"],
        ["ingest", "x.txt", "--plan-year", "next year"],
        ["ingest", "x.txt", "--doc-type", "novel"],
        ["ingest", "x.txt", "--jobs", "0"],
        ["ingest", "x.txt", "--no-such-option"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    code, _, _ = run(*args, "--out", tmp_path / "data") if args[0] == "ingest" else run(*args)
    assert code == 2
    assert not (tmp_path / "data").exists()


@pytest.mark.usefixtures("fake_parser")
def test_lock_timeout_exits_3_with_a_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = write_report(tmp_path / "a.txt")
    with filelock.FileLock(data / LOCK_NAME):
        code, _, err = run("ingest", path, "--out", data, "--lock-timeout", "0.2")
    assert code == 3
    assert "another ingest is writing this dataset; waiting up to 0.2 s" in err
    assert "--lock-timeout" in err.splitlines()[-1]


@pytest.mark.usefixtures("fake_parser")
def test_quiet_and_verbose(tmp_path: Path) -> None:
    path = write_report(tmp_path / "a.txt", extra="odd")
    data = tmp_path / "data"
    code, out, err = run("ingest", path, "--out", data, "-q")
    assert (code, out, err) == (0, "", "")
    code, out, _ = run("ingest", path, "--out", data)
    assert out.splitlines() == [f"1 file: 1 unchanged (dataset: {data})"]
    code, out, _ = run("ingest", path, "--out", data, "-v")
    assert out.splitlines()[0].startswith(f"unchanged {path}")


@pytest.mark.usefixtures("fake_parser")
def test_dry_run_and_json_summary(tmp_path: Path) -> None:
    path = write_report(tmp_path / "a.txt")
    data, summary = tmp_path / "data", tmp_path / "run.json"
    code, out, _ = run("ingest", path, "--out", data, "--dry-run", "--json", summary)
    assert code == 0 and "1 new" in out and "would write" in out
    assert not data.exists()
    assert json.loads(summary.read_text())["results"][0]["status"] == "new"


@pytest.mark.usefixtures("fake_parser")
def test_status_at_a_glance_and_after_damage(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_report(tmp_path / "in" / "a.txt")
    write_report(tmp_path / "in" / "b.txt", plan_year="2020/21", period="2020-06-30")
    (tmp_path / "in" / "bad.txt").write_text("nothing here\n")
    run("ingest", tmp_path / "in", "--out", data)
    code, out, _ = run("status", data)
    assert code == 0
    assert "2019/20" in out and "2020/21" in out and "progress_report" in out
    assert "rows: 2 documents, 6 items, 4 commentary" in out
    assert "RAG: 2 red, 2 amber, 2 green, 0 none" in out
    assert "failed files: 1" in out and "bad.txt" in out
    assert "manifest and files agree" in out
    next((data / "documents").rglob("*.parquet")).unlink()
    code, out, _ = run("status", data)
    assert code == 1 and "parquet is missing" in out
    code, out, _ = run("status", data, "--json")
    assert json.loads(out)["problems"][0]["kind"] == "missing_file"
    code, _, err = run("status", tmp_path / "nowhere")
    assert code == 2 and "no dataset here" in err
    assert not (tmp_path / "nowhere").exists()


def test_help_everywhere() -> None:
    for args in (["--help"], ["ingest", "--help"], ["status", "--help"]):
        code, out, _ = run(*args)
        assert code == 0 and "Usage" in out
    assert "3 another ingest held the dataset" in " ".join(run("ingest", "--help")[1].split())


def test_the_sample_reports_end_to_end(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, out, err = run("ingest", SAMPLES, "--out", data)
    failed = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == (1 if failed else 0)
    assert "000_965dd161175208ce.txt  (progress_report 2019/20 to 2019-12-31)" in out
    docs = ragtrack.load(data)["documents"]
    assert {
        "000_965dd161175208ce.txt",
        "001_7d2f7bf68617a22e.txt",
        "004_37aa582fc5e89633.txt",
    } <= set(docs["source_name"])
    code, out, _ = run("ingest", SAMPLES, "--out", data, "--jobs", "2")
    assert f"{len(docs)} unchanged" in out


@pytest.mark.usefixtures("fake_parser")
def test_max_bytes_refuses_a_large_file_with_a_clear_message(tmp_path: Path) -> None:
    big = write_report(tmp_path / "big.txt", extra="x" * 5000)
    small = write_report(tmp_path / "small.txt", period="2019-09-30")
    code, out, err = run("ingest", big, small, "--out", tmp_path / "data", "--max-bytes", "1000")
    assert code == 1 and "1 new, 1 failed" in out
    assert err.splitlines() == [
        f"error: {big}: file is {big.stat().st_size:,} bytes, over the limit of 1,000 bytes "
        "(raise it with --max-bytes)"
    ]


def test_a_mistyped_path_is_named_and_makes_no_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a typo in the one path given made an empty ``ragtrack-data`` in the
    working directory, just to record that the file was not there."""
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, err = run("ingest", "q3-reprot.txt")
    assert code == 1
    assert "q3-reprot.txt: no such file or folder" in err
    assert "no dataset made at ragtrack-data" in out
    assert not (tmp_path / "ragtrack-data").exists()


@pytest.mark.usefixtures("fake_parser")
def test_a_missing_path_beside_a_good_one_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    write_report(tmp_path / "q3.txt")
    code, out, err = run("ingest", "q3.txt", "q4.txt")
    assert code == 1
    assert "q4.txt: no such file or folder" in err
    assert "2 files: 1 new, 1 failed (dataset: ragtrack-data)" in out
    assert len(ragtrack.load("ragtrack-data")["documents"]) == 1


def test_a_first_run_on_an_empty_inbox_starts_the_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scheduled job's first run before any report arrived: the folder is there, so the
    dataset is started and ``ragtrack status`` after it works."""
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inbox").mkdir()
    code, out, _ = run("ingest", "inbox")
    assert code == 0
    assert "0 files: nothing to do (dataset: ragtrack-data)" in out
    assert run("status")[0] == 0


@pytest.mark.parametrize("setup", ["an empty data folder", "an empty inbox given too"])
def test_the_summary_says_whether_a_dataset_was_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: str
) -> None:
    """Regression: with an empty ``ragtrack-data`` folder the summary named a dataset that was
    not made; with an empty inbox beside a typo no dataset was made (the inbox is there)."""
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    if setup == "an empty data folder":
        (tmp_path / "ragtrack-data").mkdir()
        code, out, _ = run("ingest", "nope.txt", "--json", "run.json")
        assert "(no dataset made at ragtrack-data)" in out
        assert json.loads((tmp_path / "run.json").read_text())["written"] is False
        assert run("status")[0] == 2
    else:
        (tmp_path / "inbox").mkdir()
        code, out, _ = run("ingest", "inbox", "nope")
        assert "(dataset: ragtrack-data)" in out
        assert run("status")[0] == 0
    assert code == 1


@pytest.mark.usefixtures("fake_parser")
def test_a_report_that_arrives_after_its_path_failed_clears_the_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a missing path was recorded as typed (relative), the report ingested
    later under its full path, so ``status`` listed the failure for ever."""
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    write_report(tmp_path / "q2.txt", period="2019-09-30")
    assert run("ingest", "q2.txt")[0] == 0
    assert run("ingest", "inbox/q3.txt")[0] == 1
    assert "inbox/q3.txt: no such file or folder" in run("status")[1]
    write_report(tmp_path / "inbox" / "q3.txt")
    assert run("ingest", "inbox/q3.txt")[0] == 0
    assert "failed files" not in run("status")[1]


@pytest.mark.usefixtures("fake_parser")
def test_the_inbox_given_as_the_dataset_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: ``-d inbox`` (or the two arguments swapped) wrote the dataset's tables
    among the reports, exit 0."""
    monkeypatch.chdir(tmp_path)
    write_report(tmp_path / "inbox" / "q3.txt")
    code, _, err = run("ingest", "-d", "inbox", "inbox/q3.txt")
    assert code == 2
    assert "inbox: holds reports (q3.txt), not a dataset" in err
    assert sorted(p.name for p in (tmp_path / "inbox").iterdir()) == ["q3.txt"]
    assert run("ingest", "-d", "data", "inbox")[0] == 0  # a folder of its own
    assert run("ingest", "-d", "data", "inbox")[0] == 0  # and again
