"""Errors say which option gets past them as data (``errors.Remedy``): a library user reads
``err.remedy`` / ``FileResult.remedy`` / the JSON summary, and the command line words it as
its own flag. The library's messages themselves name no flag."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import ragtrack
import ragtrack.pipeline
from fake_reports import parse_fake, write_report
from ragtrack.cli import app
from ragtrack.cli_params import with_flag_hint
from ragtrack.errors import InputError, LockTimeout, Remedy
from ragtrack.link.history import resolve_lineage

runner = CliRunner()


@pytest.fixture
def fake_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ragtrack.pipeline, "default_parser", lambda: parse_fake)


@pytest.mark.usefixtures("fake_parser")
def test_a_file_over_the_size_limit_names_the_option_not_a_flag(tmp_path: Path) -> None:
    big = write_report(tmp_path / "big.txt", extra="x" * 5000)
    summary = ragtrack.ingest([big], tmp_path / "data", ragtrack.api.IngestOptions(max_bytes=1000))
    (result,) = summary.results
    assert result.failed and result.remedy == "max_bytes"
    assert "--" not in (result.error or "")
    assert summary.to_dict()["results"][0]["remedy"] == "max_bytes"


@pytest.mark.usefixtures("fake_parser")
def test_the_json_summary_carries_the_remedy(tmp_path: Path) -> None:
    big = write_report(tmp_path / "big.txt", extra="x" * 5000)
    result = runner.invoke(
        app,
        ["ingest", str(big), "-d", str(tmp_path / "data"), "--max-bytes", "1000", "--json", "-"],
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["results"][0]["remedy"] == "max_bytes"


def test_an_ambiguous_ref_asks_for_a_plan_year() -> None:
    lineage = pd.DataFrame(
        {
            "lineage_id": ["L1", "L2"],
            "ref": ["M1.10", "M1.10"],
            "plan_year": ["2018/19", "2019/20"],
            "item_id": ["a", "b"],
        }
    )
    with pytest.raises(InputError) as caught:
        resolve_lineage(lineage, "m1.10")
    assert caught.value.remedy is Remedy.PLAN_YEAR
    assert "--" not in str(caught.value)
    assert with_flag_hint(str(caught.value), caught.value.remedy).endswith(
        "(choose one with --plan-year)"
    )
    assert resolve_lineage(lineage, "M1.10", "2019/20") == "L2"


def test_every_remedy_has_a_flag_and_a_lock_timeout_carries_its_own() -> None:
    for remedy in Remedy:
        assert with_flag_hint("x", remedy) != "x"
    assert LockTimeout("held", file="d").remedy is Remedy.LOCK_TIMEOUT
    assert with_flag_hint("x", None) == "x"


def test_the_cli_log_line_adds_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    from ragtrack.cli_params import configure_logging

    configure_logging()
    logging.getLogger("ragtrack.test").error("f.txt: too big", extra={"remedy": "max_bytes"})
    logging.getLogger("ragtrack.test").error("f.txt: other")
    assert capsys.readouterr().err.splitlines() == [
        "error: f.txt: too big (raise it with --max-bytes)",
        "error: f.txt: other",
    ]


def test_a_layout_nothing_reads_points_at_a_profile(tmp_path: Path) -> None:
    """A table no parser and no built-in profile reads (another council's template): the
    failure says a layout profile may read it, and the command line names --profile."""
    report = tmp_path / "riverton-q3.txt"
    report.write_text(
        "Riverton Borough Council\nScorecard, quarter 3\n\nKPI  Status\nR1 Bins  Green\n",
        encoding="utf-8",
    )
    (result,) = ragtrack.ingest([report], tmp_path / "data").results
    assert result.failed and result.remedy == "profile"
    assert "--" not in (result.error or "")
    cli = runner.invoke(app, ["ingest", str(report), "-d", str(tmp_path / "data")])
    assert cli.exit_code == 1
    assert "riverton-q3.txt" in cli.stderr and "add --profile FILE" in cli.stderr
