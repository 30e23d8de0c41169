"""overrides.csv as reviewers and spreadsheets leave it: each bad file is one clear line
naming the file and line; contradictory decisions resolve by a documented rule, with a
warning naming both lines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ragtrack.errors import InputError
from ragtrack.link.lineage import Override, link_items
from ragtrack.store.overrides import OVERRIDES_NAME, append_overrides, read_overrides

HEADER = "decision,kind,plan_year_a,ref_a,plan_year_b,ref_b,reason,decided_at\n"
ROW = "cannot_link,action,2019/20,1.1,2021/22,A2.1,{reason},2026-01-01T00:00:00+00:00\n"


def _write(root: Path, data: bytes) -> Path:
    path = root / OVERRIDES_NAME
    path.write_bytes(data)
    return path


def _error(root: Path) -> str:
    with pytest.raises(InputError) as err:
        read_overrides(root)
    message = str(err.value)
    assert "\n" not in message and OVERRIDES_NAME in message
    return message


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    _write(tmp_path, ("\ufeff" + HEADER + ROW.format(reason="ok")).encode("utf-8"))
    [override] = read_overrides(tmp_path)
    assert override.decision == "cannot_link" and override.ref_b == "A2.1"
    # and appending keeps one header, no mark in the middle
    append_overrides(tmp_path, [Override("must_link", "action", "2019/20", "1.2", "2021/22", "A2")])
    assert len(read_overrides(tmp_path)) == 2


def test_cp1252_names_the_line(tmp_path: Path) -> None:
    _write(tmp_path, (HEADER + ROW.format(reason="council’s call")).encode("cp1252"))
    message = _error(tmp_path)
    assert "line 2" in message and "UTF-8" in message


def test_a_field_over_128_kb_names_the_line(tmp_path: Path) -> None:
    _write(tmp_path, (HEADER + ROW.format(reason="x" * 200_000)).encode())
    message = _error(tmp_path)
    assert "line 2" in message


def test_a_directory_is_named(tmp_path: Path) -> None:
    (tmp_path / OVERRIDES_NAME).mkdir()
    assert "directory" in _error(tmp_path)


def test_a_nul_byte_names_the_line(tmp_path: Path) -> None:
    _write(tmp_path, (HEADER + ROW.format(reason="a\x00b")).encode())
    assert "line 2" in _error(tmp_path)


def test_a_missing_column_names_it(tmp_path: Path) -> None:
    _write(tmp_path, b"decision,kind,plan_year_a,ref_a\ncannot_link,action,2019/20,1.1\n")
    message = _error(tmp_path)
    assert "line 1" in message and "plan_year_b" in message


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("maybe,action,2019/20,1.1,2021/22,A2.1,,\n", "must_link or cannot_link"),
        ("cannot_link,,2019/20,1.1,2021/22,A2.1,,\n", "empty kind"),
        ("cannot_link,action,2019/20,1.1,2021/22,A2.1,,,extra\n", "more fields"),
    ],
)
def test_bad_rows_name_the_line(tmp_path: Path, row: str, words: str) -> None:
    _write(tmp_path, (HEADER + ROW.format(reason="ok") + row).encode())
    message = _error(tmp_path)
    assert "line 3" in message and words in message


def _frame() -> pd.DataFrame:
    rows = [
        ("a", "2018/19", "1.1", "Publish the carers charter with partners"),
        ("b", "2019/20", "2.1", "Publish the carers charter with partners and carers"),
    ]
    return pd.DataFrame(
        [
            {
                "document_id": f"d{y}",
                "item_id": i,
                "plan_year": y,
                "kind": "action",
                "ref": r,
                "text": t,
            }
            for i, y, r, t in rows
        ]
    )


def test_contradictory_decisions_later_line_wins_with_a_warning(tmp_path: Path) -> None:
    _write(
        tmp_path,
        (
            HEADER
            + "cannot_link,action,2018/19,1.1,2019/20,2.1,no,\n"
            + "must_link,action,2018/19,1.1,2019/20,2.1,yes after all,\n"
        ).encode(),
    )
    overrides = read_overrides(tmp_path)
    result = link_items(_frame(), None, overrides)
    ids = dict(zip(result.table["item_id"], result.table["lineage_id"], strict=True))
    assert ids["a"] == ids["b"]
    [warning] = [w for w in result.warnings if "both ways" in w]
    assert "line 2" in warning and "line 3" in warning and "must_link" in warning
    # the other way round, the later cannot_link wins
    result = link_items(_frame(), None, overrides[::-1])
    ids = dict(zip(result.table["item_id"], result.table["lineage_id"], strict=True))
    assert ids["a"] != ids["b"]
