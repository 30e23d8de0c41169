"""Lineage: cross-year links on the samples against the hand-made key, stable IDs when
reports are added or backfilled, overrides, review decisions, drift guard, same-year refs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from lineage_frames import action_items
from lineage_key_scoring import precision_recall
from ragtrack.link.lineage import (
    LineageSettings,
    Override,
    link_items,
    masked_text,
    numbers_in,
)
from sample_items import parsed_sample_items


@pytest.fixture(scope="module")
def items() -> pd.DataFrame:
    return parsed_sample_items()


def _ids(table: pd.DataFrame) -> dict[str, str]:
    return dict(zip(table["item_id"], table["lineage_id"], strict=True))


def _item(items: pd.DataFrame, plan_year: str, ref: str, doc_type: str | None = None) -> str:
    rows = items[(items["plan_year"] == plan_year) & (items["ref"] == ref)]
    if doc_type:
        rows = rows[rows["doc_type"] == doc_type]
    return str(rows["item_id"].iloc[0])


def _frame(rows: list[tuple[str, str, str, str | None, str]]) -> pd.DataFrame:
    """Tiny items table: (item_id, plan_year, kind, ref, text), one document per year."""
    return pd.DataFrame(
        [
            {
                "document_id": f"doc-{year}",
                "item_id": item_id,
                "plan_year": year,
                "kind": kind,
                "ref": ref,
                "text": text,
            }
            for item_id, year, kind, ref, text in rows
        ]
    )


# ----------------------------------------------------------------- the samples against the key


def test_samples_reach_the_answer_key(items: pd.DataFrame) -> None:
    table = link_items(items).table.set_index("item_id").loc[items["item_id"]]
    precision, recall, detail = precision_recall(items, table["lineage_id"].reset_index(drop=True))
    assert not detail["unresolved_key_rows"]
    # naive "same ref = same item" scores about 0.23 / 0.17 on this key; the matcher
    # reaches 0.984 / 0.909 (links below the join confidence are kept as candidates)
    assert precision >= 0.98, detail["false_links"]
    assert recall >= 0.90, detail["missed_links"]


def test_confidence_tells_a_clear_lead_from_a_tie() -> None:
    # made up: two weak links of about the same score; one leads every rival, the other is
    # torn between two near-identical actions. On the key, links like the first are nearly
    # always right and links like the second nearly always wrong, and the confidence says so
    rows = [
        ("a1", "2020/21", "1.1", "Refurbish the libraries in Kendal and Penrith"),
        ("a2", "2020/21", "1.2", "Extend the opening hours of libraries in Kendal and Penrith"),
        ("a3", "2020/21", "1.3", "Resurface the car parks at Keswick and Ambleside"),
        ("a4", "2020/21", "1.4", "Resurface the cycle paths at Keswick and Ambleside"),
        ("b1", "2021/22", "2.1", "Community groups use the Kendal and Penrith libraries more"),
        ("b2", "2021/22", "2.2", "Resurfacing at Keswick and Ambleside completed"),
        ("b3", "2021/22", "2.3", "Publish the annual report on adult education"),
    ]
    table = link_items(action_items(rows)).table.set_index("item_id")
    lead, tie = table.loc["b1"], table.loc["b2"]
    assert abs(lead["score"] - tie["score"]) < 0.05
    assert lead["status"] == "auto" and lead["previous_item_id"] == "a1"
    assert lead["confidence"] > 0.5
    assert tie["status"] == "candidate" and tie["confidence"] < 0.15


def test_a_reused_measure_ref_with_other_wording_is_not_linked(items: pd.DataFrame) -> None:
    # 2018/19 M1.10 counts road traffic collisions attended, 2019/20 M1.10 fire protection
    # audits: they share only the ref and the wording of a target ("the number of ... to be
    # less/greater than ... in")
    ids = _ids(link_items(items).table)
    assert ids[_item(items, "2018/19", "M1.10")] != ids[_item(items, "2019/20", "M1.10")]


def test_target_wording_is_not_evidence() -> None:
    assert masked_text("The number of fire protection audits to be greater than 800") == (
        "fire protection audits"
    )


def test_issue_examples_are_linked(items: pd.DataFrame) -> None:
    ids = _ids(link_items(items).table)
    safe_and_well = {
        ids[_item(items, y, r)]
        for y, r in [("2018/19", "M1.11"), ("2019/20", "M1.11"), ("2021/22", "M2.14")]
    }
    homecare = {ids[_item(items, y, r)] for y, r in [("2019/20", "1.21"), ("2021/22", "A2.14")]}
    assert len(safe_and_well) == 1
    assert len(homecare) == 1
    assert safe_and_well != homecare


def test_every_link_is_explained(items: pd.DataFrame) -> None:
    table = link_items(items).table
    assert set(table["method"]) <= {"same_year_ref", "text", "override", "new"}
    assert set(table["status"].dropna()) <= {"auto", "override", "candidate"}
    linked = table[table["method"] == "text"]
    assert linked[["score", "margin", "confidence"]].notna().all().all()
    joined, candidates = linked[linked["status"] == "auto"], linked[linked["status"] == "candidate"]
    assert joined["previous_item_id"].isin(table["item_id"]).all()
    assert candidates["candidate_item_id"].isin(table["item_id"]).all()
    assert candidates["previous_item_id"].isna().all()
    # a candidate is not joined: it starts a lineage of its own
    ids = _ids(table)
    assert all(
        ids[c] != ids[p]
        for c, p in zip(candidates["item_id"], candidates["candidate_item_id"], strict=True)
    )
    settings = LineageSettings()
    assert (joined["confidence"] >= settings.join_confidence).all()
    assert table[table["method"] == "new"]["previous_item_id"].isna().all()


# ----------------------------------------------------------------- stable IDs


def _assert_ids_follow_their_items(old: dict[str, str], new: dict[str, str]) -> None:
    """An old lineage whose items are still together, and with no other old lineage's
    items, keeps its ID; nearly every item keeps its ID (an ID follows most of its items)."""
    now_of: dict[str, set[str]] = {}
    was_in: dict[str, set[str]] = {}
    for item, lineage in old.items():
        now_of.setdefault(lineage, set()).add(new[item])
        was_in.setdefault(new[item], set()).add(lineage)
    for lineage, now in now_of.items():
        if len(now) == 1 and was_in[next(iter(now))] == {lineage}:
            assert now == {lineage}
    kept = sum(new[item] == lineage for item, lineage in old.items())
    assert kept >= 0.95 * len(old)


def test_ids_survive_adding_a_later_report(items: pd.DataFrame) -> None:
    later_doc = items[items["plan_year"] == "2021/22"]["document_id"].iloc[0]
    before = link_items(items[items["document_id"] != later_doc]).table
    after = link_items(items, existing=before).table
    old, new = _ids(before), _ids(after)
    _assert_ids_follow_their_items(old, new)
    # the new report's items joined the lineages they continue
    assert new[_item(items, "2021/22", "M2.14")] == old[_item(items, "2019/20", "M1.11")]
    assert new[_item(items, "2021/22", "A2.14")] == old[_item(items, "2019/20", "1.21")]


def test_backfilled_report_attaches_to_existing_lineages(items: pd.DataFrame) -> None:
    earlier_doc = items[items["plan_year"] == "2018/19"]["document_id"].iloc[0]
    before = link_items(items[items["document_id"] != earlier_doc]).table
    after = link_items(items, existing=before).table
    old, new = _ids(before), _ids(after)
    _assert_ids_follow_their_items(old, new)
    for ref_1819, ref_1920 in [
        ("M1.11", "M1.11"),
        ("M1.3", "M1.3"),
        ("2.11", "2.12"),
        ("1.5", "3.12"),
    ]:
        assert new[_item(items, "2018/19", ref_1819)] == old[_item(items, "2019/20", ref_1920)]


def test_rerun_changes_nothing(items: pd.DataFrame) -> None:
    first = link_items(items).table
    again = link_items(items, existing=first).table
    pd.testing.assert_frame_equal(
        first.sort_values("item_id").reset_index(drop=True),
        again.sort_values("item_id").reset_index(drop=True),
    )


def test_rebuild_keeps_ids_by_overlap(items: pd.DataFrame) -> None:
    first = link_items(items).table
    renamed = first.assign(lineage_id="old-" + first["lineage_id"])
    rebuilt = link_items(items, existing=renamed).table
    assert _ids(rebuilt) == _ids(renamed)


# ----------------------------------------------------------------- overrides and review


def test_overrides_win_over_the_matcher(items: pd.DataFrame) -> None:
    first = link_items(items).table
    overrides = [
        Override("cannot_link", "measure", "2019/20", "M1.11", "2021/22", "M2.14", "test"),
        Override("must_link", "action", "2019/20", "1.6", "2021/22", "A1.1", "test"),
    ]
    table = link_items(items, existing=first, overrides=overrides).table
    ids = _ids(table)
    assert ids[_item(items, "2021/22", "M2.14")] != ids[_item(items, "2019/20", "M1.11")]
    assert ids[_item(items, "2021/22", "A1.1")] == ids[_item(items, "2019/20", "1.6")]
    moved = table[table["item_id"] == _item(items, "2021/22", "A1.1")]
    assert moved["method"].iloc[0] == "override"
    # untouched items keep their IDs
    old = _ids(first)
    touched = {_item(items, "2021/22", "M2.14"), _item(items, "2021/22", "A1.1")}
    kept = [item for item in old if item not in touched]
    assert sum(ids[item] == old[item] for item in kept) == len(kept)


def test_a_cannot_link_holds_on_a_fresh_run(items: pd.DataFrame) -> None:
    override = Override("cannot_link", "measure", "2019/20", "M1.11", "2021/22", "M2.14")
    ids = _ids(link_items(items, overrides=[override]).table)
    assert ids[_item(items, "2021/22", "M2.14")] != ids[_item(items, "2019/20", "M1.11")]


def test_override_naming_a_missing_item_is_a_warning() -> None:
    frame = _frame([("a", "2018/19", "action", "1.1", "Publish the carers charter")])
    override = Override("must_link", "action", "2017/18", "9.9", "2018/19", "1.1")
    result = link_items(frame, overrides=[override])
    assert any("not in the dataset" in w for w in result.warnings)


# ----------------------------------------------------------------- matching rules


def test_drift_guard_stops_a_chain_wandering_off() -> None:
    rows = [
        ("a", "2017/18", "action", "1.1", "library opening hours extended rural branches"),
        ("b", "2018/19", "action", "1.1", "library opening hours extended digital skills classes"),
        ("c", "2019/20", "action", "1.1", "digital skills classes adults care homes"),
    ]
    loose = LineageSettings(drift_floor=0.0, link_floor=0.1, link_threshold=0.1)
    guarded = LineageSettings(drift_floor=0.1, link_floor=0.1, link_threshold=0.1)
    loose_ids = _ids(link_items(_frame(rows), settings=loose).table)
    guarded_ids = _ids(link_items(_frame(rows), settings=guarded).table)
    assert loose_ids["a"] == loose_ids["b"] == loose_ids["c"]
    assert guarded_ids["a"] == guarded_ids["b"] != guarded_ids["c"]


def _fixed_scores(monkeypatch: pytest.MonkeyPatch, pairs: dict[tuple[str, str], float]) -> None:
    """Score items by a table keyed by their texts (one letter each)."""

    def fixed_scores(f: Any, a: Sequence[int], b: Sequence[int], settings: Any) -> Any:
        return np.array([[pairs.get((f.text[i], f.text[j]), 0.0) for j in b] for i in a])

    monkeypatch.setattr("ragtrack.link.matching.score", fixed_scores)
    monkeypatch.setattr("ragtrack.link.lineage.masked_text", lambda text: str(text or "").lower())


_TWO_BY_TWO = [
    ("a", "2018/19", "action", "1.1", "a"),
    ("b", "2018/19", "action", "1.2", "b"),
    ("x", "2019/20", "action", "2.1", "x"),
    ("y", "2019/20", "action", "2.2", "y"),
]


def test_one_clear_link_is_not_traded_for_two_weak_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    # A continues as X (0.60). A and Y, B and X are weak look-alikes (0.36 each): together
    # they outweigh A-X in a plain sum, and neither leads its runner-up by the margin, so a
    # sum-maximising assignment dropped the clear link and linked nothing at all. Both the
    # unlinked share and keeping clear mutual-best pairs whole prevent that.
    _fixed_scores(monkeypatch, {("a", "x"): 0.60, ("a", "y"): 0.36, ("b", "x"): 0.36})
    for settings in (
        LineageSettings(join_confidence=0.0, weight_semantic=0.0),
        LineageSettings(unlinked_share=0.0, join_confidence=0.0, weight_semantic=0.0),
    ):
        ids = _ids(link_items(_frame(_TWO_BY_TWO), settings=settings).table)
        assert ids["a"] == ids["x"]
        assert ids["b"] != ids["y"]


def test_a_clear_mutual_best_pair_is_kept_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # A and X are each other's best by 0.10 and 0.11 (developer contributions / developer
    # led investment); A-Y and B-X are weaker look-alikes whose worth to the assignment
    # (0.175 + 0.165) outweighs A-X's (0.275) even with the unlinked share: the assignment
    # linked A to Y and left X a candidate of B.
    _fixed_scores(monkeypatch, {("a", "x"): 0.40, ("a", "y"): 0.30, ("b", "x"): 0.29})
    ids = _ids(link_items(_frame(_TWO_BY_TWO), settings=LineageSettings()).table)
    assert ids["a"] == ids["x"]
    assert len({ids["a"], ids["b"], ids["y"]}) == 3


def test_shared_ref_is_not_enough_across_years() -> None:
    rows = [
        ("a", "2018/19", "measure", "M1.10", "Road traffic collisions attended below 258"),
        ("b", "2019/20", "measure", "M1.10", "Fire protection audits in commercial premises"),
    ]
    ids = _ids(link_items(_frame(rows)).table)
    assert ids["a"] != ids["b"]


def test_kind_must_match() -> None:
    rows = [
        ("a", "2018/19", "action", "1.1", "10,000 safe and well visits carried out"),
        ("b", "2019/20", "measure", "M1.1", "10,000 safe and well visits carried out"),
    ]
    ids = _ids(link_items(_frame(rows)).table)
    assert ids["a"] != ids["b"]


def test_numbers_do_not_count_as_wording() -> None:
    assert masked_text("Sickness absence to 10 days by March 2019") == masked_text(
        "Sickness absence to 8 days by March 2020"
    )


def test_a_count_and_a_share_are_different_figures() -> None:
    # 2018/19 "traineeships increased by 25" is not 2019/20 "use 25% of the levy": the
    # digits agree, the quantities do not, so they are no evidence of a continuation
    assert numbers_in("Traineeships increased by 25") == {"25"}
    assert numbers_in("use 25% of the levy, £1.5m, 10 million") == {"25%", "£1.5m", "10m"}

    def link_score(later: str) -> float:
        rows = [
            ("a", "2018/19", "action", "3.5", "Traineeships in the council increased by 25"),
            ("b", "2019/20", "action", "3.2", later),
        ]
        table = link_items(_frame(rows), settings=LineageSettings(link_floor=0.0)).table
        return float(table.set_index("item_id").loc["b", "score"])

    same_unit = link_score("Apprenticeships with partners increased by 25")
    other_unit = link_score("Apprenticeships with partners increased by 25%")
    assert same_unit > other_unit


def test_reconnects_after_a_missing_year() -> None:
    rows = [
        ("a", "2017/18", "action", "1.1", "Invest in renewable energy technology on buildings"),
        ("x", "2018/19", "action", "1.1", "Publish the carers charter with partners"),
        (
            "b",
            "2019/20",
            "action",
            "4.12",
            "Develop proposals for investment in renewable energy technology on buildings",
        ),
    ]
    ids = _ids(link_items(_frame(rows)).table)
    assert ids["a"] == ids["b"] != ids["x"]


def test_same_year_same_ref_is_one_item_with_a_warning_when_texts_disagree(
    caplog: pytest.LogCaptureFixture,
) -> None:
    frame = pd.DataFrame(
        [
            {
                "document_id": "plan",
                "item_id": "p",
                "plan_year": "2019/20",
                "kind": "action",
                "ref": "1.4",
                "text": "Memorandum of understanding across strategic partnerships",
                "doc_order": 0,
            },
            {
                "document_id": "q3",
                "item_id": "q",
                "plan_year": "2019/20",
                "kind": "action",
                "ref": "1.4",
                "text": "New highways asset management system procured",
                "doc_order": 1,
            },
        ]
    )
    with caplog.at_level(logging.WARNING, logger="ragtrack"):
        result = link_items(frame)
    ids = _ids(result.table)
    assert ids["p"] == ids["q"]
    assert any("texts disagree" in w for w in result.warnings)
    assert any("texts disagree" in r.getMessage() for r in caplog.records)
    q_row = result.table[result.table["item_id"] == "q"].iloc[0]
    assert q_row["method"] == "same_year_ref" and q_row["previous_item_id"] == "p"


def test_sample_plan_printing_m2_12_twice(items: pd.DataFrame) -> None:
    result = link_items(items)
    ids = _ids(result.table)
    plan = items[
        (items["plan_year"] == "2019/20")
        & (items["ref"] == "M2.12")
        & (items["doc_type"] == "delivery_plan")
    ]
    cqc, highways = plan["item_id"].tolist()
    assert ids[cqc] == ids[_item(items, "2019/20", "M2.12", "progress_report")]
    assert ids[highways] == ids[_item(items, "2019/20", "M2.13", "progress_report")]
    assert any("printed twice" in w for w in result.warnings)


@pytest.mark.slow
def test_leave_one_document_out_holds_up(items: pd.DataFrame) -> None:
    # tuned without the left-out document's labels, scored on the pairs that touch it
    # (python tests/lineage_key_scoring.py prints the table): pooled 0.977 / 0.912
    from lineage_key_scoring import JOIN_CONFIDENCES, leave_one_document_out, pooled

    folds = leave_one_document_out(items, (0.0,), JOIN_CONFIDENCES)
    precision, recall = pooled(folds, items)
    assert precision >= 0.975 and recall >= 0.91
    assert all(f["precision"] >= 0.9 and f["recall"] >= 0.85 for f in folds)
