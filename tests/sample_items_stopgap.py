"""Stop-gap items table for the five samples, for the lineage tests only.

The real parsers (progress reports on main, plans on the ``plans`` branch) were being written
while lineage was built. Until they land, this throwaway reader pulls each sample's action and
measure rows out of the text with a few loose rules, good enough to exercise the matcher. It is
not a parser: it keeps no provenance, milestones or RAG, and mangles some OCR rows of 2017/18.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import regex as re

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

#: sample file -> (plan year, order of the document within its year)
SAMPLE_DOCS = {
    "002_09ef99f253a2c4a1.txt": ("2017/18", 0),
    "004_37aa582fc5e89633.txt": ("2018/19", 1),
    "003_d491075be32868fc.txt": ("2019/20", 0),
    "000_965dd161175208ce.txt": ("2019/20", 3),
    "001_7d2f7bf68617a22e.txt": ("2021/22", 2),
}

_REF = r"[AM]?\d{1,2}\.\d{1,2}"
_TAB_ROW = re.compile(rf"^\s*(?P<ref>{_REF})\t(?P<text>[^\t]*)")
_OUTCOME = re.compile(r"^\s*OUTCOME\s+(\d)\s*:\s*(.*)$", re.IGNORECASE)
_SUPPORTING = re.compile(r"^\s*Supporting outcome\s*:\s*(.*)$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def _kind(ref: str) -> str:
    return "measure" if ref.upper().startswith("M") else "action"


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _TAG.sub(" ", text)).strip()


def _tab_rows(lines: list[str]) -> list[dict]:
    rows, outcome, supporting = [], None, None
    for line in lines:
        if m := _OUTCOME.match(line):
            outcome = _clean(m[2])
            continue
        if m := _SUPPORTING.match(line):
            supporting = _clean(m[1])
            continue
        if m := _TAB_ROW.match(line):
            kind = _kind(m["ref"])
            rows.append(
                {
                    "kind": kind,
                    "ref": m["ref"],
                    "text": _clean(m["text"]),
                    "outcome": outcome,
                    "supporting_outcome": supporting if kind == "action" else None,
                }
            )
    return rows


_TAIL = re.compile(r"^(?P<head>.*?)\s*(?:(?:By|From|Ongoing|Throughout)[^\n]*?)?\s*\b[RAG]\s*[↑→↓]?\s*$")


def _wrapped_report_rows(lines: list[str]) -> list[dict]:
    rows: list[dict] = []
    in_table = False
    current: dict | None = None
    for raw in lines:
        line = raw.strip()
        if line.startswith("Commentary for"):
            in_table, current = False, None
            continue
        if "sustained/" in line or line.startswith("Ref Action") or "last report" in line:
            in_table = True
            continue
        if not in_table or not line:
            continue
        start = re.match(rf"^(?P<ref>{_REF})(?:\s+(?P<rest>.*))?$", line)
        if start and current is None:
            current = {"ref": start["ref"], "parts": [start["rest"] or ""]}
            line = ""
        elif current is None:
            continue
        if line:
            current["parts"].append(line)
        joined = " ".join(p for p in current["parts"] if p)
        tail = re.search(r"\b[RAG]\s*[↑→↓]\s*$|\b[RAG]$", joined)
        if tail and joined:
            head = joined[: tail.start()]
            head = re.sub(r"\s*(By|From)\s+\w+\s+\d{4}\s*$", "", head)
            kind = _kind(current["ref"])
            rows.append({"kind": kind, "ref": current["ref"], "text": _clean(head),
                         "outcome": None, "supporting_outcome": None})
            current = None
    return rows


def _plan_2019_rows(lines: list[str]) -> list[dict]:
    rows: list[dict] = []
    current: dict | None = None
    for raw in lines:
        line = raw.strip()
        start = re.match(rf"^(?P<ref>{_REF})\s+(?P<rest>.+)$", line)
        if start:
            if current:
                rows.append(current)
            current = {"kind": _kind(start["ref"]), "ref": start["ref"],
                       "text": start["rest"], "outcome": None, "supporting_outcome": None}
            continue
        if current is None:
            continue
        if not line:
            rows.append(current)
            current = None
            continue
        current["text"] += " " + line
    if current:
        rows.append(current)
    for row in rows:
        text = re.sub(r"\s+(By \w+ \d{4}|Ongoing)\b.*$", "", row["text"])
        text = re.sub(r"\s+(AD\b|Director|Asst Chief|Chief Legal).*$", "", text)
        row["text"] = _clean(text)
    return rows


_TARGET_HINT = re.compile(
    r"\d|%|£|\bby (end|march|april|may|june|july|august|september|october|december)\b"
    r"|\b(agreed|achieved|complete|completed|in place|delivered|increased|reduced)\b",
    re.IGNORECASE,
)


def _plan_2017_rows(lines: list[str]) -> list[dict]:
    blocks: list[str] = []
    buf: list[str] = []
    for raw in [*lines, ""]:
        if raw.strip():
            buf.append(raw.strip())
        elif buf:
            blocks.append(" ".join(buf))
            buf = []
    rows: list[dict] = []
    outcome = None
    commitment = None
    for block in blocks:
        text = _clean(block)
        if text.startswith("Priority:"):
            outcome = text.removeprefix("Priority:").strip()
            continue
        if text.startswith("Target value"):
            continue
        if text.startswith("We will"):
            commitment = text
            continue
        is_bullet = text.startswith("e ")
        text = text.removeprefix("e ").strip()
        kind = "action" if is_bullet or not _TARGET_HINT.search(text) else "measure"
        rows.append({"kind": kind, "ref": None, "text": text, "outcome": outcome,
                     "supporting_outcome": commitment})
    return rows


def sample_items() -> pd.DataFrame:
    """All five samples' rows as one items table (the columns lineage needs)."""
    frames = []
    for name, (plan_year, order) in SAMPLE_DOCS.items():
        lines = (SAMPLES / name).read_text(encoding="utf-8-sig").splitlines()
        if name.startswith(("004", "001")):
            rows = _tab_rows(lines)
        elif name.startswith("000"):
            rows = _wrapped_report_rows(lines)
        elif name.startswith("003"):
            rows = _plan_2019_rows(lines)
        else:
            rows = _plan_2017_rows(lines)
        doc = name.split(".")[0]
        for i, row in enumerate(rows):
            row.update(document_id=doc, item_id=f"{doc}:{i:03d}", plan_year=plan_year,
                       doc_order=order)
        frames.append(pd.DataFrame(rows))
    return pd.concat(frames, ignore_index=True)
