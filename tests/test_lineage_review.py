"""Review in minutes: a short queue ordered by what a decision changes, with context,
several decisions at once, and a round trip through a spreadsheet (CSV export/import)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lineage_key_scoring import item_nodes, key_pairs
from ragtrack import api
from ragtrack.cli import app
from ragtrack.link.review import ReviewCandidate, expected_change, override_key
from ragtrack.link.settings import LineageSettings
from ragtrack.store.lineage_table import read_lineage, read_overrides
from sample_dataset import copy_of_sample_dataset, sample_dataset

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
runner = CliRunner()


@pytest.fixture(scope="module")
def linked() -> Path:
    """The dataset built from the samples (shared: tests that change one use ``dataset``)."""
    return sample_dataset()


@pytest.fixture(scope="module")
def queue(linked: Path) -> list[ReviewCandidate]:
    """The samples' review queue, computed once (each ``dataset`` starts as a copy)."""
    return api.review_candidates(linked)


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A private copy of the linked dataset a test may change."""
    return copy_of_sample_dataset(tmp_path)


def _same_lineage(root: Path, cand: ReviewCandidate) -> bool:
    table = read_lineage(root)

    def lineage(year: str, key: str) -> str:
        rows = table[
            (table["plan_year"] == year) & ((table["ref"] == key) | (table["item_id"] == key))
        ]
        return str(rows["lineage_id"].iloc[0])

    return lineage(cand.plan_year_a, cand.ref_a) == lineage(cand.plan_year_b, cand.ref_b)


def test_queue_is_short_ordered_by_impact_and_holds_key_errors(
    linked: Path, queue: list[ReviewCandidate]
) -> None:
    assert 0 < len(queue) <= 30
    order = [(c.impact, expected_change(c)) for c in queue]
    assert order == sorted(order, reverse=True)
    assert {c.status for c in queue} <= {"auto", "candidate"}
    # the queue holds links the key says the matcher got wrong (an auto link that is false,
    # or a candidate that is true): reviewing it fixes them
    items = api.linking_items(linked)
    truth, dont_care, _ = key_pairs(items)
    node = dict(zip(items["item_id"], item_nodes(items), strict=True))
    table = read_lineage(linked)

    def node_of(year: str, key: str) -> tuple:
        rows = table[
            (table["plan_year"] == year) & ((table["ref"] == key) | (table["item_id"] == key))
        ]
        return node[rows["item_id"].iloc[0]]

    wrong = 0
    for cand in queue:
        pair = frozenset(
            (node_of(cand.plan_year_a, cand.ref_a), node_of(cand.plan_year_b, cand.ref_b))
        )
        if pair not in dont_care:
            wrong += (pair not in truth) if cand.status == "auto" else (pair in truth)
    # 5 of the 18 links the matcher gets wrong on the key (1 of 4 wrong links, 4 of 14
    # missed ones, one of them an open end the matcher never proposed); the sixth it held
    # before, traineeships / 25% of the levy, is no longer linked at all
    assert wrong >= 5


def test_a_join_is_offered_once(linked: Path) -> None:
    # the matcher's candidate names a lineage's first row and an open end its last: the
    # same join (2019/20 3.10 property asset management strategy -> 2021/22 A1.7) was
    # offered twice, once at each confidence
    queue = api.review_candidates(linked, LineageSettings(review_limit=1000))
    table = read_lineage(linked)
    lineage = {
        (r.plan_year, r.kind, override_key(r.ref, r.item_id)): r.lineage_id
        for r in table.itertuples()
    }
    joins = [
        frozenset(
            (
                lineage[(c.plan_year_a, c.kind, c.ref_a)],
                lineage[(c.plan_year_b, c.kind, c.ref_b)],
            )
        )
        for c in queue
        if c.status == "candidate"
    ]
    assert len(joins) > 30
    assert len(joins) == len(set(joins))


def test_queue_shows_context(linked: Path, queue: list[ReviewCandidate]) -> None:
    assert all(c.text_a and c.text_b and c.history_a and c.history_b for c in queue)
    assert any(c.commentary_b for c in queue)
    assert any(c.runner_up for c in queue)
    assert any(c.milestone_b for c in queue)
    result = runner.invoke(app, ["lineage", "review", "--list", "--data", str(linked)])
    assert result.exit_code == 0, result.output
    assert "[1]" in result.output and "RAG" in result.output and "runner-up" in result.output
    assert not (linked / "overrides.csv").exists()


def test_several_decisions_at_once(dataset: Path, queue: list[ReviewCandidate]) -> None:
    result = runner.invoke(
        app, ["lineage", "review", "--accept", "1,2", "--reject", "3", "--data", str(dataset)]
    )
    assert result.exit_code == 0, result.output
    assert "3 decision(s) recorded" in result.output
    assert [o.decision for o in read_overrides(dataset)] == [
        "must_link",
        "must_link",
        "cannot_link",
    ]
    assert _same_lineage(dataset, queue[0]) and _same_lineage(dataset, queue[1])
    assert not _same_lineage(dataset, queue[2])


def test_a_queue_number_out_of_range_is_a_clear_error(dataset: Path) -> None:
    result = runner.invoke(app, ["lineage", "review", "--accept", "99", "--data", str(dataset)])
    assert result.exit_code == 1
    assert "no link number 99" in result.output
    assert not (dataset / "overrides.csv").exists()


def test_spreadsheet_round_trip(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, queue: list[ReviewCandidate]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["lineage", "review", "--export", "queue.csv", "-d", str(dataset)])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "queue.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {"decision", "reason", "text_a", "text_b", "history_b"} <= set(rows[0])
    rows[0]["decision"], rows[0]["reason"] = "reject", "different service"
    rows[1]["decision"] = "accept"
    # a spreadsheet saves with a byte-order mark
    with open(tmp_path / "queue.csv", "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(app, ["lineage", "review", "--import", "queue.csv", "-d", str(dataset)])
    assert result.exit_code == 0, result.output
    assert "2 decision(s) recorded" in result.output
    decisions = read_overrides(dataset)
    assert [(o.decision, o.reason) for o in decisions] == [
        ("cannot_link", "different service"),
        ("must_link", "accepted in review"),
    ]
    assert not _same_lineage(dataset, queue[0]) and _same_lineage(dataset, queue[1])


def test_an_edited_export_with_a_bad_decision_names_the_line(dataset: Path, tmp_path: Path) -> None:
    path = tmp_path / "queue.csv"
    api.export_review(dataset, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = "maybe" + lines[2]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["lineage", "review", "--import", str(path), "-d", str(dataset)])
    assert result.exit_code == 1
    assert "queue.csv, line 3" in result.output and "maybe" in result.output
    assert not (dataset / "overrides.csv").exists()
