"""Ingest links items across years at its end, and load() gives every item its lineage."""

from __future__ import annotations

import shutil
from pathlib import Path

import ragtrack
from conftest import SAMPLES


def test_ingest_links_and_later_reports_never_change_existing_ids(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    out = tmp_path / "data"
    shutil.copy(SAMPLES / "004_37aa582fc5e89633.txt", inbox)
    ragtrack.ingest([inbox], out)
    first = ragtrack.load(out)["items"].set_index("item_id")["lineage_id"]
    assert first.notna().all()

    shutil.copy(SAMPLES / "000_965dd161175208ce.txt", inbox)
    shutil.copy(SAMPLES / "001_7d2f7bf68617a22e.txt", inbox)
    ragtrack.ingest([inbox], out)
    items = ragtrack.load(out)["items"]
    later = items.set_index("item_id")["lineage_id"]
    assert (later.loc[first.index] == first).all()

    safe_and_well = items[
        items["text"].str.contains("safe and well visits", case=False)
        & (items["kind"] == "measure")
    ]
    assert safe_and_well["lineage_id"].nunique() == 1
    assert set(safe_and_well["ref"]) == {"M1.11", "M2.14"}
