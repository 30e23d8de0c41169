"""The README's first screen is what a new user runs: check it stays true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "Quick start has a fenced shell block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands() -> None:
    first, second = quick_start_commands()
    assert "ragtrack ingest samples/" in first
    assert "[test]" in second and "pytest" in second


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci


def test_readme_python_snippet_runs(tmp_path: Path, monkeypatch) -> None:
    from ragtrack import ingest

    ingest([ROOT / "samples"], tmp_path / "ragtrack-data")
    snippet = re.search(r"```python\n(.*?)```", README, re.DOTALL)
    assert snippet
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet.group(1), "README.md", "exec"), {})


def test_documented_commands_exist() -> None:
    from typer.testing import CliRunner

    from ragtrack.cli import app

    for command in re.findall(r"`ragtrack (\w+)", README):
        if command in {"COMMAND"}:
            continue
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
