"""The analysis commands (diff, export, outcomes, status gaps) as a user types them: the
default folder, relative paths, another working directory, RAGTRACK_DATA, ``--json -``, and a
dataset that does not exist (issue 11, items 4-7)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import ragtrack
from ragtrack.cli import app
from sample_dataset import copy_of_sample_dataset

READING_COMMANDS = [
    ["status"],
    ["lineage", "show", "M1.11"],
    ["lineage", "review", "--list"],
    ["lineage", "rebuild"],
    ["diff"],
    ["export", "--out", "book.xlsx"],
    ["outcomes"],
]


def run(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder holding ``ragtrack-data`` (the samples), as the working directory."""
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    copy_of_sample_dataset(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", READING_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_reading_a_dataset_that_is_not_there_is_exit_2_and_creates_nothing(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*command)
    assert code == 2, (out, err)
    assert "ragtrack-data: no dataset here" in err
    assert "Traceback" not in out + err
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "empty").mkdir()
    code, _, err = run(*command, "--data", "empty")
    assert code == 2 and "no dataset here" in err
    assert list((tmp_path / "empty").iterdir()) == []


def test_status_with_the_default_folder_and_a_relative_path(in_project: Path) -> None:
    for args in ([], ["ragtrack-data"], ["--data", "ragtrack-data"], ["-d", "./ragtrack-data"]):
        code, out, err = run("status", *args)
        assert code == 0, (args, err)
        assert "series Cumbria County Council: 2017/18 to 2021/22" in out
        assert "missing plan years 2020/21" in out
        assert "plans without reports 2017/18" in out
        assert "reports without a plan 2018/19, 2021/22" in out
    code, out, _ = run("status", "--json")
    [series] = json.loads(out)["gaps"]
    assert series["missing_plan_years"] == ["2020/21"]


def test_diff_from_another_directory_and_with_ragtrack_data(
    in_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, here, _ = run("diff")
    assert code == 0
    assert "from unspecified_progress-report_2019-20_2019-12-31 (2019-12-31)" in here
    assert "RAG changes (worsened first): 22" in here
    (in_project / "elsewhere").mkdir()
    monkeypatch.chdir(in_project / "elsewhere")
    assert run("diff", "-d", "../ragtrack-data")[1] == here
    assert run("diff", env={"RAGTRACK_DATA": str(in_project / "ragtrack-data")})[1] == here
    assert run("diff", "2019/20 Q3", "2021-09-30", "--data", "../ragtrack-data")[1] == here


def test_diff_json_and_csv_to_stdout_and_files(in_project: Path) -> None:
    code, out, _ = run("diff", "--json", "-")
    assert code == 0
    payload = json.loads(out)
    assert payload["to"]["period_end"] == "2021-09-30"
    worsened = [r for r in payload["rag_changes"] if r["change"] == "worsened"]
    assert {"ref_from": "M1.11", "ref_to": "M2.14"}.items() <= next(
        r for r in worsened if r["ref_to"] == "M2.14"
    ).items()
    assert not (in_project / "-").exists()
    code, out, _ = run("diff", "--csv", "-")
    assert out.splitlines()[0].startswith("section,kind,lineage_id,ref_from,ref_to")
    code, out, _ = run("diff", "--json", "d.json", "--csv", "d.csv")
    assert code == 0 and "RAG changes" in out
    assert json.loads((in_project / "d.json").read_text())["from"]["period_end"] == "2019-12-31"
    assert (in_project / "d.csv").read_text().count("\nrag_changes,") == 22


def test_diff_of_an_unknown_report_is_a_usage_error(in_project: Path) -> None:
    code, _, err = run("diff", "2020/21 Q1", "2021/22 Q2")
    assert code == 2 and "no report matches '2020/21 Q1'" in err
    code, _, err = run("diff", "2019/20 Q3")
    assert code == 2 and "name both reports" in err


def test_export_xlsx_and_csv_with_the_users_umask(in_project: Path) -> None:
    old = os.umask(0o022)
    try:
        code, _, err = run("export", "--out", "for-colleague.xlsx")
        assert code == 0, err
        code, _, _ = run("export", "--format", "csv", "--out", "csv-out")
        assert code == 0
    finally:
        os.umask(old)
    book = openpyxl.load_workbook(in_project / "for-colleague.xlsx")
    assert book.sheetnames[0] == "timeline"
    assert (in_project / "csv-out" / "timeline.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    written = [in_project / "for-colleague.xlsx", *(in_project / "csv-out").iterdir()]
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in written)
    assert not list(in_project.glob(".*.tmp"))
    # --out is the export target here; the dataset is --data (CSV: a workbook is slow)
    assert run("export", "--format", "csv", "-d", "ragtrack-data", "-o", "again")[0] == 0
    assert (in_project / "again" / "timeline.csv").is_file()
    assert "--out is not the dataset" in " ".join(run("export", "--help")[1].split())


def test_outcomes_lists_themes_and_json_to_stdout(in_project: Path) -> None:
    code, out, _ = run("outcomes", "--json", "-")
    assert code == 0
    themes = json.loads(out)
    ways = {
        t["outcome_id"]
        for t in themes
        if t["level"] == "outcome" and t["title"].casefold().startswith("new ways of working")
    }
    assert len(ways) == 1
    assert run("outcomes")[0] == 0


def test_ingest_json_to_stdout_keeps_stdout_pure_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    samples = Path(__file__).resolve().parent.parent / "samples"
    code, out, err = run("ingest", os.path.relpath(samples, tmp_path), "--json", "-", "-q")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["dry_run"] is False and len(payload["results"]) == 5
    assert not (tmp_path / "-").exists()
    assert (tmp_path / "ragtrack-data" / "timeline" / "timeline.parquet").exists()


def test_outcome_review_links_and_splits_themes(in_project: Path) -> None:
    def themes_now() -> Callable[[str, str], str]:
        """The themes as ``ragtrack outcomes --json`` lists them now: (year, title) -> id."""
        themes = json.loads(run("outcomes", "--json", "-")[1])

        def theme_of(year: str, start: str) -> str:
            return next(
                t["outcome_id"]
                for t in themes
                if t["level"] == "outcome"
                and t["plan_year"] == year
                and t["title"].startswith(start)
            )

        return theme_of

    theme_of = themes_now()
    assert theme_of("2017/18", "To be a modern") != theme_of("2018/19", "NEW WAYS")
    code, _, err = run(
        "outcomes",
        "--link",
        "2017/18",
        "to be a modern and efficient council",
        "2018/19",
        "New ways of working and achieving financial sustainability",
        "--reason",
        "same aim",
    )
    assert code == 0, err
    theme_of = themes_now()
    assert theme_of("2017/18", "To be a modern") == theme_of("2021/22", "New ways")
    overrides = (in_project / "ragtrack-data" / "outcome_overrides.csv").read_text()
    assert "must_link,outcome,2017/18" in overrides and "same aim" in overrides
    timeline = ragtrack.load("ragtrack-data")["timeline"]
    assert timeline.loc[timeline["plan_year"] == "2021/22", "outcome_id"].nunique() == 4
    code, _, _ = run(
        "outcomes",
        "--split",
        "2019/20",
        "People in cumbria are healthy and safe",
        "2021/22",
        "People in Cumbria are Healthy and safe",
    )
    assert code == 0
    theme_of = themes_now()
    assert theme_of("2019/20", "People in") != theme_of("2021/22", "People in")


def test_outcome_review_of_a_title_not_printed_says_so(in_project: Path) -> None:
    code, _, err = run("outcomes", "--link", "2017/18", "nothing", "2018/19", "else")
    assert code == 1 and "no outcome 'nothing' is printed in 2017/18" in err
    title = "To be a modern and efficient council"  # a title with itself: no decision
    code, _, err = run("outcomes", "--link", "2017/18", title, "2017/18", title)
    assert code == 1 and "both titles are of 2017/18" in err
    assert not (in_project / "ragtrack-data" / "outcome_overrides.csv").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--out", "out.csv"], "names the folder for the CSV files"),
        (["--out", "tables", "--format", "xlsx"], "for a workbook must end in .xlsx"),
        (["--out", "book.xlsx", "--format", "csv"], "names the folder for the CSV files"),
    ],
)
def test_an_export_target_unlike_what_is_written_is_refused(
    in_project: Path, args: list[str], says: str
) -> None:
    """Regression: ``--out out.csv`` made a folder called out.csv; ``--format xlsx --out
    tables`` a workbook without its ending."""
    code, _, err = run("export", *args)
    assert code == 2
    assert says in err
    assert not (in_project / args[1]).exists()
