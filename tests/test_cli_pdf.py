"""`ragtrack ingest` on PDFs, through each backend, from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import ragtrack
from ragtrack.cli import app
from report_pdf import Options, Para, Table, render

HEADER = ["Ref", "Action for 2019/20", "Milestone", "RAG (against target)", "Direction of travel"]


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "in box"
    folder.mkdir()
    pdf = render(
        [
            Para("OUTCOME 1: PEOPLE IN CUMBRIA ARE HEALTHY AND SAFE", heading=True),
            Para("Supporting outcome: People are safe", heading=True),
            Table(
                HEADER,
                [
                    ["1.1", "Reduce falls.", "By March 2020", "R", "↑"],
                    ["1.2", "Open two hubs.", "By June 2020", "", "→"],
                ],
                rag_col=3,
                dir_col=4,
            ),
            Para("Commentary for areas of progress:", heading=True),
            Para("1.2 Work is going well."),
        ],
        Options(),
    )
    (folder / "report Q3.pdf").write_bytes(pdf)
    return folder


@pytest.mark.parametrize("backend", ["pypdfium2", "pdfplumber"])
def test_ingest_pdf_with_each_backend(inbox: Path, tmp_path: Path, backend: str) -> None:
    out = tmp_path / backend
    result = CliRunner().invoke(
        app, ["ingest", str(inbox), "--out", str(out), "--pdf-backend", backend]
    )
    assert result.exit_code == 0, result.output
    assert "2 items, 1 commentary" in result.output
    items = ragtrack.load(out)["items"]
    assert items["ref"].tolist() == ["1.1", "1.2"]
    assert items["rag"].iloc[0] == "red" and items["rag"].isna().iloc[1]
    assert ragtrack.load(out)["documents"]["source_format"].astype(str).tolist() == ["pdf"]


def test_unknown_pdf_backend_is_a_usage_error(inbox: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["ingest", str(inbox), "--out", str(tmp_path / "o"), "--pdf-backend", "ghostscript"]
    )
    assert result.exit_code == 2
