"""The lineage table in a real dataset: link after ingest, `ragtrack lineage` commands,
review decisions that stick, overrides.csv, and lineage_id joined onto items."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ragtrack.api import item_history, review_candidates, review_links
from ragtrack.api import link as link_dataset
from ragtrack.cli import app
from ragtrack.errors import InputError
from ragtrack.link.review import ReviewCandidate
from ragtrack.store.lineage_table import (
    OVERRIDES_NAME,
    attach_lineage,
    read_lineage,
    read_overrides,
)
from sample_dataset import copy_of_sample_dataset, sample_dataset

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
runner = CliRunner()


@pytest.fixture(scope="module")
def linked() -> Path:
    """The dataset built from the samples (shared: tests that change one use ``dataset``)."""
    return sample_dataset()


@pytest.fixture(scope="module")
def queue() -> list[ReviewCandidate]:
    """The review queue of the samples' dataset (each ``dataset`` starts as a copy of it)."""
    return review_candidates(sample_dataset())


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A private copy of the linked dataset a test may change."""
    return copy_of_sample_dataset(tmp_path)


def _lineage_of(root: Path, plan_year: str, ref: str) -> str:
    table = read_lineage(root)
    return str(
        table[(table["plan_year"] == plan_year) & (table["ref"] == ref)]["lineage_id"].iloc[0]
    )


def test_lineage_table_is_readable_with_pandas(linked: Path) -> None:
    table = pd.read_parquet(linked / "lineage")
    assert {
        "item_id",
        "document_id",
        "kind",
        "ref",
        "plan_year",
        "lineage_id",
        "method",
        "score",
        "margin",
        "previous_item_id",
    } <= set(table.columns)
    items = pd.read_parquet(linked / "items")
    assert set(table["item_id"]) == set(items["item_id"])
    assert _lineage_of(linked, "2019/20", "M1.11") == _lineage_of(linked, "2021/22", "M2.14")


def test_relinking_keeps_every_id(dataset: Path) -> None:
    before = read_lineage(dataset)
    link_dataset(dataset)
    after = read_lineage(dataset)
    merged = before.merge(after, on="item_id", suffixes=("_before", "_after"))
    assert len(merged) == len(before)
    assert (merged["lineage_id_before"] == merged["lineage_id_after"]).all()


def test_items_get_their_lineage_id(linked: Path) -> None:
    items = pd.read_parquet(linked / "items")
    joined = attach_lineage(items, read_lineage(linked))
    assert len(joined) == len(items)
    assert joined["lineage_id"].notna().all()


def test_show_prints_the_history(linked: Path) -> None:
    result = runner.invoke(app, ["lineage", "show", "M2.14", "--out", str(linked)])
    assert result.exit_code == 0, result.output
    for text in ("2018/19", "2019/20", "2021/22", "M1.11", "M2.14", "Q3", "2019-12-31", "plan"):
        assert text in result.output
    history = item_history(linked, "M1.11", "2019/20")
    assert list(history["plan_year"]) == sorted(history["plan_year"])


def test_show_keeps_the_whole_text_in_80_columns(linked: Path) -> None:
    # piped output is 80 columns wide: the table used to overflow it and lose its right side
    result = runner.invoke(
        app, ["lineage", "show", "M2.14", "--out", str(linked)], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    words = " ".join(line.rstrip().split("  ")[-1].strip() for line in result.output.splitlines())
    assert "10,000 safe and well visits carried out by 31 March 2022." in " ".join(words.split())


def test_show_asks_for_a_plan_year_when_a_ref_is_ambiguous(linked: Path) -> None:
    result = runner.invoke(app, ["lineage", "show", "M1.10", "--out", str(linked)])
    if _lineage_of(linked, "2018/19", "M1.10") != _lineage_of(linked, "2019/20", "M1.10"):
        assert result.exit_code == 1
        assert "--plan-year" in result.output
        # the dataset it looked in, and the remedy said once (not "<input>: ... by plan year
        # (choose one with --plan-year)")
        assert f"error: {linked}: ref M1.10 names different items in" in result.output
        assert result.output.count("choose one") == 1
    missing = runner.invoke(app, ["lineage", "show", "9.99", "--out", str(linked)])
    assert f"error: {linked}: no item or lineage '9.99'" in missing.output
    result = runner.invoke(
        app, ["lineage", "show", "M1.10", "--plan-year", "2018/19", "--out", str(linked)]
    )
    assert result.exit_code == 0, result.output


def test_review_reject_sticks(dataset: Path, queue: list[ReviewCandidate]) -> None:
    candidates = queue
    assert candidates, "the samples have links in the uncertain band"
    first = candidates[0]
    result = runner.invoke(app, ["lineage", "review", "--reject", "1", "--out", str(dataset)])
    assert result.exit_code == 0, result.output
    assert first.text_a[:30] in result.output.replace("\n", " ") or first.ref_a in result.output
    overrides = read_overrides(dataset)
    assert [(o.decision, o.ref_a, o.ref_b) for o in overrides] == [
        ("cannot_link", first.ref_a, first.ref_b)
    ]
    assert _lineage_of_key(dataset, first.plan_year_a, first.ref_a) != _lineage_of_key(
        dataset, first.plan_year_b, first.ref_b
    )
    # stays rejected on later runs and is not offered again
    link_dataset(dataset)
    assert _lineage_of_key(dataset, first.plan_year_a, first.ref_a) != _lineage_of_key(
        dataset, first.plan_year_b, first.ref_b
    )
    again = [(c.plan_year_b, c.ref_b) for c in review_candidates(dataset)]
    assert (first.plan_year_b, first.ref_b) not in again


def test_review_accept_sticks(dataset: Path, queue: list[ReviewCandidate]) -> None:
    first = queue[0]
    result = runner.invoke(app, ["lineage", "review", "--accept", "1", "--out", str(dataset)])
    assert result.exit_code == 0, result.output
    assert read_overrides(dataset)[0].decision == "must_link"
    link_dataset(dataset)
    assert _lineage_of_key(dataset, first.plan_year_a, first.ref_a) == _lineage_of_key(
        dataset, first.plan_year_b, first.ref_b
    )
    again = [(c.plan_year_b, c.ref_b) for c in review_candidates(dataset)]
    assert (first.plan_year_b, first.ref_b) not in again


def test_interactive_review_skips_and_quits(dataset: Path) -> None:
    # "x" and "yes" are no answers: asked again (a typo was taken as a skip), then skip, quit
    typed = "x\nyes\ns\nq\n"
    result = runner.invoke(app, ["lineage", "review", "--out", str(dataset)], input=typed)
    assert result.exit_code == 0, result.output
    assert "'x': answer a, r, s or q" in result.output
    assert "'yes': answer a, r, s or q" in result.output
    assert result.output.count("same item?") == 4  # x, yes, s on the first link; q on the next
    assert "0 decision(s) recorded" in result.output
    assert not (dataset / OVERRIDES_NAME).exists()


def test_review_of_several_links_relinks_once(dataset: Path, queue: list[ReviewCandidate]) -> None:
    candidates = queue[:3]
    result = runner.invoke(app, ["lineage", "review", "--reject", "1-3", "--out", str(dataset)])
    assert result.exit_code == 0, result.output
    assert "3 decision(s) recorded" in result.output
    # the relink's warnings (the 2019/20 plan prints M2.12 twice) appear once, not per decision
    assert result.stderr.count("warning: plan year 2019/20 measure M2.12: printed twice") == 1
    for cand in candidates:
        assert _lineage_of_key(dataset, cand.plan_year_a, cand.ref_a) != _lineage_of_key(
            dataset, cand.plan_year_b, cand.ref_b
        )


def test_a_review_broken_off_keeps_its_decisions(
    dataset: Path, queue: list[ReviewCandidate]
) -> None:
    first, second = queue[:2]
    second_joined = _lineage_of_key(dataset, second.plan_year_a, second.ref_a) == _lineage_of_key(
        dataset, second.plan_year_b, second.ref_b
    )
    answers = iter(["reject"])

    def decide(candidate: object) -> str:
        answer = next(answers, None)
        if answer is None:
            raise KeyboardInterrupt  # the reviewer presses Ctrl-C at the second link
        return answer

    with pytest.raises(KeyboardInterrupt):
        review_links(dataset, decide)  # type: ignore[arg-type]
    assert [(o.ref_a, o.ref_b) for o in read_overrides(dataset)] == [(first.ref_a, first.ref_b)]
    # already in effect, without another run
    assert _lineage_of_key(dataset, first.plan_year_a, first.ref_a) != _lineage_of_key(
        dataset, first.plan_year_b, first.ref_b
    )
    # the second link, never answered, is as the matcher left it
    assert (
        _lineage_of_key(dataset, second.plan_year_a, second.ref_a)
        == _lineage_of_key(dataset, second.plan_year_b, second.ref_b)
    ) == second_joined


def test_rebuild_keeps_ids(dataset: Path) -> None:
    before = read_lineage(dataset)
    result = runner.invoke(app, ["lineage", "rebuild", "--out", str(dataset)])
    assert result.exit_code == 0, result.output
    after = read_lineage(dataset).set_index("item_id")["lineage_id"]
    assert (before.set_index("item_id")["lineage_id"] == after.loc[before["item_id"]]).all()


def test_bad_overrides_file_names_file_and_line(dataset: Path) -> None:
    (dataset / OVERRIDES_NAME).write_text(
        "decision,kind,plan_year_a,ref_a,plan_year_b,ref_b,reason,decided_at\n"
        "maybe,action,2019/20,1.1,2021/22,A2.1,,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_overrides(dataset)
    assert "overrides.csv" in str(err.value) and "line 2" in str(err.value)
    result = runner.invoke(app, ["lineage", "rebuild", "--out", str(dataset)])
    assert result.exit_code == 1
    assert "overrides.csv" in result.output


def _lineage_of_key(root: Path, plan_year: str, key: str) -> str:
    table = read_lineage(root)
    rows = table[
        (table["plan_year"] == plan_year) & ((table["ref"] == key) | (table["item_id"] == key))
    ]
    return str(rows["lineage_id"].iloc[0])


def test_answers_piped_in_that_run_out_end_the_review_like_quit(dataset: Path) -> None:
    """Regression: when the piped answers ran out the review printed "Aborted!" and exited 1;
    the decisions given are kept and it ends as after [q]uit."""
    result = runner.invoke(app, ["lineage", "review", "--out", str(dataset)], input="r\n")
    assert result.exit_code == 0, result.output
    assert "1 decision(s) recorded" in result.output
    assert (dataset / OVERRIDES_NAME).exists()
