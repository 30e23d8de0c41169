"""What changed between two reports (issue 11, item 4): the library function."""

from __future__ import annotations

import pandas as pd
import pytest

import ragtrack
from ragtrack.errors import InputError
from sample_dataset import sample_dataset

Q3_2019 = "unspecified_progress-report_2019-20_2019-12-31"
Q2_2021 = "unspecified_progress-report_2021-22_2021-09-30"


def test_default_is_the_two_latest_reports() -> None:
    result = ragtrack.diff(sample_dataset())
    assert (result.from_key, result.to_key) == (Q3_2019, Q2_2021)
    assert (result.from_period, result.to_period) == ("2019-12-31", "2021-09-30")


def test_reports_named_by_key_period_or_quarter_give_the_same_diff() -> None:
    by_key = ragtrack.diff(sample_dataset(), Q3_2019, Q2_2021).to_frame()
    by_period = ragtrack.diff(sample_dataset(), "2019-12-31", "2021-09-30").to_frame()
    by_quarter = ragtrack.diff(sample_dataset(), "2019/20 Q3", "2021/22 q2").to_frame()
    assert by_key.equals(by_period) and by_key.equals(by_quarter)


def test_sections_on_the_samples() -> None:
    result = ragtrack.diff(sample_dataset())
    timeline = ragtrack.load(sample_dataset())["timeline"]
    later = timeline[timeline["report_key"] == Q2_2021]
    changes = result.rag_changes
    # worsened first, and as many as the timeline's change column says
    first_other = list(changes["change"]).index("improved")
    assert set(changes["change"][:first_other]) == {"worsened"}
    assert (changes["change"] == "worsened").sum() == (later["change"] == "worsened").sum()
    safe_and_well = changes[changes["ref_to"] == "M2.14"].iloc[0]
    assert (safe_and_well["ref_from"], safe_and_well["rag_from"], safe_and_well["rag_to"]) == (
        "M1.11",
        "green",
        "red",
    )
    assert len(result.new) == (later["change"] == "new").sum()
    earlier = timeline[timeline["report_key"] == Q3_2019]
    assert len(result.dropped) == (earlier["continues"] == False).sum()  # noqa: E712
    renumbered = result.renumbered
    assert {"M1.11", "M1.8"} <= set(renumbered["ref_from"])
    assert (renumbered["ref_from"] != renumbered["ref_to"]).all()
    reworded = result.reworded
    assert (reworded["milestone_from"].fillna("") != reworded["milestone_to"].fillna("")).all()


def test_unknown_report_names_the_reports_there_are() -> None:
    with pytest.raises(InputError, match=r"no report matches '2020/21 Q1'.*2019-12-31"):
        ragtrack.diff(sample_dataset(), "2020/21 Q1", "2021/22 Q2")
    with pytest.raises(InputError, match="both reports"):
        ragtrack.diff(sample_dataset(), "2019/20 Q3")


def test_several_councils_need_one_named() -> None:
    import pandas as pd

    from ragtrack.analysis.diff import diff_reports, latest_pair

    rows = [
        ("a1", "A", "2019-06-30", "L1", "M1", "green"),
        ("a2", "A", "2019-09-30", "L1", "M1", "red"),
        ("b1", "B", "2019-06-30", "L1", "X1", "amber"),
        ("b2", "B", "2019-09-30", "L2", "X2", "amber"),
    ]
    timeline = pd.DataFrame(
        [
            {
                "report_key": key,
                "council": council,
                "plan_year": "2019/20",
                "period_end": pd.Timestamp(period),
                "quarter": 1,
                "lineage_id": lineage,
                "item_id": f"{key}:{ref}",
                "kind": "measure",
                "ref": ref,
                "rag": rag,
                "milestone": None,
                "text": ref,
            }
            for key, council, period, lineage, ref, rag in rows
        ]
    )
    with pytest.raises(InputError, match="several councils; choose one of A, B"):
        latest_pair(timeline)
    assert latest_pair(timeline, "B") == ("b1", "b2")
    result = diff_reports(timeline, *latest_pair(timeline, "A"))
    assert list(result.rag_changes["change"]) == ["worsened"]
    b = diff_reports(timeline, "b1", "b2")
    assert (list(b.dropped["ref_from"]), list(b.new["ref_to"])) == (["X1"], ["X2"])


def _timeline(rows: list[tuple[str, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "report_key": key,
                "council": council,
                "plan_year": "2019/20",
                "period_end": pd.Timestamp(period),
                "quarter": 1,
                "lineage_id": "L1",
                "item_id": f"{key}:M1",
                "kind": "measure",
                "ref": "M1",
                "rag": "green",
                "milestone": None,
                "text": "M1",
            }
            for key, council, period in rows
        ]
    )


def test_reports_naming_no_council_are_a_series_of_their_own_never_mixed_in() -> None:
    """Regression: with one named council (a second council's report, added to reports that
    print no council) the default diff compared the last report of each council."""
    from ragtrack.analysis.diff import check_pair, latest_pair
    from ragtrack.htmlreport.frames import select_series

    timeline = _timeline(
        [
            ("u1", None, "2019-06-30"),
            ("u2", None, "2019-09-30"),
            ("r1", "Riverton", "2024-09-30"),
            ("r2", "Riverton", "2024-12-31"),
        ]
    )
    several = "several councils; choose one of '' \\(the reports that name no council\\), Riverton"
    with pytest.raises(InputError, match=several):
        latest_pair(timeline)
    with pytest.raises(InputError, match=several):
        select_series(timeline)
    assert latest_pair(timeline, "") == ("u1", "u2")
    assert latest_pair(timeline, "Riverton") == ("r1", "r2")
    assert list(select_series(timeline, "").reports["report_key"]) == ["u1", "u2"]
    with pytest.raises(InputError, match="u2 and r2 are reports of different councils"):
        check_pair(timeline, "u2", "r2")
    with pytest.raises(InputError, match="u2 comes after u1: name the earlier report first"):
        check_pair(timeline, "u2", "u1")
    check_pair(timeline, "u1", "u2")


def test_a_reversed_pair_is_refused_naming_the_order() -> None:
    with pytest.raises(InputError, match=r"comes after .*: name the earlier report first"):
        ragtrack.diff(sample_dataset(), "2021-09-30", "2019-12-31")
