"""Linking inputs built in memory, shared by the lineage tests and bench/lineage_speed.py."""

from __future__ import annotations

import pandas as pd


def action_items(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Actions from ``(item_id, plan_year, ref, text)`` rows, one document per plan year."""
    return pd.DataFrame(
        [
            {
                "document_id": f"doc-{year}",
                "item_id": item_id,
                "plan_year": year,
                "kind": "action",
                "ref": ref,
                "text": text,
            }
            for item_id, year, ref, text in rows
        ]
    )


def repeated_refs(rows: int, refs: int = 5) -> pd.DataFrame:
    """One plan and one report repeating ``refs`` refs over and over (``rows`` rows each):
    what a broken export or a pasted table looks like."""
    out = []
    for doc, order in (("plan", 0), ("report", 1)):
        for n in range(rows):
            ref = f"1.{n % refs + 1}"
            out.append(
                {
                    "document_id": doc,
                    "doc_order": order,
                    "item_id": f"{doc}-{n}",
                    "kind": "action",
                    "ref": ref,
                    "plan_year": "2019/20",
                    "text": f"Deliver the programme for ref {ref} with partners",
                }
            )
    return pd.DataFrame(out)
