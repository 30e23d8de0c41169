"""The library called as analysts call it from a notebook: arguments of the wrong shape are
clear errors or taken as meant, never read some other way (regressions from a user sweep)."""

from __future__ import annotations

from pathlib import Path

import pytest

import ragtrack
from fake_reports import parse_fake, write_report
from ragtrack.api import IngestOptions
from ragtrack.errors import InputError
from sample_dataset import copy_of_sample_dataset, sample_dataset


def test_one_path_given_as_a_string_is_one_path(tmp_path: Path) -> None:
    """It was read letter by letter: "/" first, so the whole filesystem was searched."""
    report = write_report(tmp_path / "in" / "q3.txt")
    for given in (str(report), report, str(tmp_path / "in")):
        summary = ragtrack.ingest(given, tmp_path / "out", parse=parse_fake)
        assert [Path(r.path).name for r in summary.results] == ["q3.txt"]


def test_options_of_the_wrong_kind_or_value_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="options must be IngestOptions, not dict"):
        ragtrack.ingest([tmp_path], tmp_path / "out", {"dry_run": True})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="doc_type must be progress_report or delivery_plan"):
        IngestOptions(doc_type="bogus")  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()


def test_a_mistyped_on_damage_is_refused_not_taken_as_skip(tmp_path: Path) -> None:
    data = copy_of_sample_dataset(tmp_path)
    victim = next((data / "items").rglob("*.parquet"))
    victim.write_bytes(b"garbage")
    with pytest.raises(ValueError, match="on_damage must be 'raise' or 'skip', not 'error'"):
        ragtrack.load(data, on_damage="error")  # type: ignore[arg-type]


def test_diff_rags_are_ordered_like_the_timelines() -> None:
    """``rag_to < "green"`` left out the red items (compared as text, "red" > "green")."""
    changes = ragtrack.diff(sample_dataset()).rag_changes
    below = changes[changes["rag_to"] < "green"]
    assert set(below["rag_to"]) == {"red", "amber"}
    assert len(below) == changes["rag_to"].isin(["red", "amber"]).sum()
    assert ragtrack.diff(sample_dataset()).to_frame()["rag_to"].cat.ordered


def test_diff_takes_periods_as_the_timeline_gives_them_and_refuses_a_report_twice() -> None:
    timeline = ragtrack.timeline(sample_dataset())
    first, last = timeline["period_end"].min(), timeline["period_end"].max()
    result = ragtrack.diff(sample_dataset(), first, last)
    assert (result.from_period, result.to_period) == ("2018-06-30", "2021-09-30")
    assert ragtrack.diff(sample_dataset(), first.date(), "2021-09-30").to_key == result.to_key
    with pytest.raises(InputError, match="is named twice"):
        ragtrack.diff(sample_dataset(), "2021-09-30", "2021-09-30")
    with pytest.raises(InputError, match="no progress reports of council 'Nowhere'; councils"):
        ragtrack.diff(sample_dataset(), council="Nowhere")


def test_tab_completion_offers_the_use_cases_and_submodules_load_on_use() -> None:
    names = dir(ragtrack)
    assert {"load", "ingest", "diff", "timeline", "report", "plot", "api"} <= set(names)
    assert ragtrack.api.load is ragtrack.load
    pytest.importorskip("matplotlib")
    assert callable(ragtrack.plot.heatmap)


def test_report_makes_the_folder_it_writes_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As export does (it raised FileNotFoundError)."""
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    write_report(tmp_path / "in" / "q2.txt", period="2019-09-30")
    write_report(tmp_path / "in" / "q3.txt")
    ragtrack.ingest([tmp_path / "in"], "data", parse=parse_fake)
    written = ragtrack.report("data", "pages/report.html")
    assert Path(written).resolve() == (tmp_path / "pages" / "report.html").resolve()
    assert "<h1>" in (tmp_path / "pages" / "report.html").read_text(encoding="utf-8")


def test_load_reads_only_the_tables_asked_for_and_refuses_a_name_it_has_not() -> None:
    only = ragtrack.load(sample_dataset(), tables=["timeline"])
    assert list(only) == ["timeline"]
    items = ragtrack.load(sample_dataset(), tables="items")["items"]
    whole = ragtrack.load(sample_dataset())["items"]
    assert list(items.columns) == list(whole.columns)  # lineage_id too
    assert items["lineage_id"].equals(whole["lineage_id"])
    with pytest.raises(ValueError, match="no table 'timelin' in a dataset"):
        ragtrack.load(sample_dataset(), tables=["timelin"])


def test_an_export_into_the_dataset_itself_is_refused(tmp_path: Path) -> None:
    data = copy_of_sample_dataset(tmp_path)
    with pytest.raises(InputError, match="inside the dataset"):
        ragtrack.export(data, fmt="csv", target=data)
    assert not list(data.glob("*.csv"))


def test_a_picture_given_a_folder_says_it_takes_the_tables() -> None:
    """``plot.history("ragtrack-data", ...)`` failed with "string indices must be integers"."""
    pytest.importorskip("matplotlib")
    from ragtrack import plot

    with pytest.raises(TypeError, match=r"takes load\(\)'s tables, not a folder"):
        plot.history("ragtrack-data", "L1")  # type: ignore[arg-type]
