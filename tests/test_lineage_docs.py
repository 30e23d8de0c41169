"""Every example in docs/lineage.md and the README's lineage section runs as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragtrack.cli import app
from sample_dataset import copy_of_sample_dataset

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "lineage.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Following items across years", 1)[1].split("\n## ", 1)[0]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``ragtrack-data`` built from the samples (the shared dataset, copied) as the cwd."""
    copy_of_sample_dataset(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    return tmp_path


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


@pytest.mark.parametrize("snippet", _blocks(DOC, "python") + _blocks(SECTION, "python"))
def test_python_examples_run(workdir: Path, snippet: str) -> None:
    exec(compile(snippet, "docs", "exec"), {})


def test_shell_examples_run_in_order(workdir: Path) -> None:
    runner = CliRunner()
    for line in _blocks(DOC, "sh")[0].splitlines():
        command = shlex.split(line.split("#", 1)[0])
        assert command[:2] == ["ragtrack", "lineage"], line
        interactive = command[2:] == ["review"]
        result = runner.invoke(app, command[1:], input="s\nq\n" if interactive else None)
        assert result.exit_code == 0, (line, result.output)
        if "--export" in command:
            path = workdir / "queue.csv"
            text = path.read_text(encoding="utf-8").splitlines()
            text[1] = "reject" + text[1]  # the reviewer rejects the first link
            path.write_text("\n".join(text) + "\n", encoding="utf-8")
        if "--import" in command:
            assert "1 decision(s) recorded" in result.output
