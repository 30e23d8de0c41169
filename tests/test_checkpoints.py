"""A long ingest commits at checkpoints: a run that is stopped keeps what it had committed,
a re-run parses only the rest, and the dataset ends as one commit at the end would make it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import ragtrack
import ragtrack.pipeline
from ragtrack.cli import app
from ragtrack.pipeline import IngestOptions, ingest
from sample_dataset import SAMPLES, sample_dataset

#: a checkpoint after every report (none spaced out by the time the last one took)
EVERY_REPORT = IngestOptions(checkpoint_seconds=0)


@pytest.fixture
def no_spacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ragtrack.pipeline, "CHECKPOINT_SPACING", 0)


def report_tables(root: Path) -> dict[str, pd.DataFrame]:
    """The report tables, ordered, without the ingest time and the lineage IDs (which, as
    over several runs, depend on the commits made; the groups they make may not)."""
    tables = ragtrack.load(root)
    keys = {"documents": "document_id", "items": "item_id", "commentary": "commentary_id"}
    return {
        name: tables[name]
        .drop(columns=["ingested_at", "lineage_id"], errors="ignore")
        .sort_values(key)
        .reset_index(drop=True)
        for name, key in keys.items()
    }


def lineages(root: Path) -> set[frozenset[str]]:
    """The items each lineage groups (IDs may be named differently; the groups may not)."""
    timeline = ragtrack.load(root)["timeline"]
    return {frozenset(group) for _, group in timeline.groupby("lineage_id")["item_id"]}


def assert_same_dataset(got: Path, want: Path) -> None:
    for name, frame in report_tables(want).items():
        pd.testing.assert_frame_equal(report_tables(got)[name], frame, obj=name)
    assert lineages(got) == lineages(want)
    assert ragtrack.status(got, verify=True).consistent


class Stop(BaseException):
    """Stands for the run being stopped (a signal, Ctrl-C) while it parses a file."""


def test_a_stopped_run_keeps_its_checkpoints_and_a_rerun_parses_the_rest(
    tmp_path: Path, no_spacing: None
) -> None:
    from ragtrack.extract import parse_source

    files = sorted(SAMPLES.glob("*.txt"))
    seen: list[str] = []

    def stops_at_the_third(source: object, **kwargs: object) -> object:
        seen.append(str(source))
        if len(seen) == 3:
            raise Stop
        return parse_source(source, **kwargs)  # type: ignore[arg-type]

    data = tmp_path / "data"
    with pytest.raises(Stop):
        ingest(files, data, EVERY_REPORT, parse=stops_at_the_third)
    held = ragtrack.status(data)
    assert held.consistent and len(ragtrack.load(data)["documents"]) == 2  # the two committed
    assert not list((data / "_staging").glob("*/*.parquet"))  # nothing half-written left

    again = ingest(files, data)
    assert again.counts() == {"unchanged": 2, "new": len(files) - 2}
    assert_same_dataset(data, sample_dataset())


def test_checkpoints_are_spaced_by_their_own_duration(tmp_path: Path) -> None:
    """With the default spacing, a commit that takes t seconds is not followed by another
    within 10 t: a fast parse of many reports does not relink after each one."""
    commits: list[int] = []
    real = ragtrack.pipeline._Commits.commit

    def counting(self: ragtrack.pipeline._Commits) -> None:
        commits.append(len(self.staged))
        real(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ragtrack.pipeline._Commits, "commit", counting)
        ingest([SAMPLES], tmp_path / "data", EVERY_REPORT)
    assert commits[0] == 1  # the first report is due at once
    assert sum(commits) == 5 and len(commits) < 5  # later ones waited for the spacing


def test_checkpoints_give_the_dataset_one_commit_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_spacing: None
) -> None:
    shutil.copytree(SAMPLES, tmp_path / "inbox")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "inbox", "--checkpoint", "0", "-v"])
    assert result.exit_code == 0, result.output
    assert result.output.count("checkpoint: committing 1 report\n") == 5
    assert_same_dataset(Path("ragtrack-data"), sample_dataset())
    bad = runner.invoke(app, ["ingest", "inbox", "--checkpoint", "-1"])
    assert bad.exit_code == 2 and "--checkpoint" in bad.output
