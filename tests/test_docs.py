"""Every code example in README.md and docs/ runs, and the output it shows is what it prints.

The examples of one page run in order in one namespace, in a folder holding the dataset a user
builds with the README's first command (``ragtrack-data`` from ``samples/``), as the working
directory:

- ```` ```python ```` blocks are executed; when a ```` ```text ```` block follows with only blank
  lines between, it is the expected output: what the block printed must equal it, runs of
  spaces aside (so column widths may change, values may not);
- ```` ```sh ```` blocks: each ``ragtrack ...`` line runs in-process and must exit 0 (other
  lines, such as ``pip install``, are set-up and are skipped); a ```` ```text ```` block
  after one is what its commands print to stdout, checked as for Python;
- ```` ```sql ```` blocks run on the DuckDB connection ``con`` the page's Python made.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from sample_dataset import SAMPLES, copy_of_sample_dataset

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    language: str
    code: str
    line: int
    expected: str | None


def examples(text: str) -> list[Example]:
    """The page's code blocks in order, each with the output block that follows it."""
    blocks = [
        (m[1], m[2], text.count("\n", 0, m.start()) + 1, m.start(), m.end())
        for m in _FENCE.finditer(text)
    ]
    out = []
    for n, (language, code, line, _start, end) in enumerate(blocks):
        if language not in ("python", "sh", "sql"):
            continue
        expected = None
        if n + 1 < len(blocks):
            following = blocks[n + 1]
            if following[0] == "text" and not text[end : following[3]].strip():
                expected = following[1]
        out.append(Example(language, code, line, expected))
    return out


def _same_output(got: str, expected: str) -> bool:
    def fold(text: str) -> list[str]:
        return [" ".join(line.split()) for line in text.strip().splitlines()]

    return fold(got) == fold(expected)


def _run_sh(example: Example, page: str) -> None:
    from typer.testing import CliRunner

    from ragtrack.cli import app

    printed = []
    for command in example.code.splitlines():
        if not command.startswith("ragtrack "):
            continue
        args = shlex.split(command, comments=True)[1:]
        result = CliRunner().invoke(app, args, input="q\n")  # an interactive one: quit
        assert result.exit_code == 0, f"{page}:{example.line}: {command}\n{result.output}"
        printed.append(result.stdout)
    if example.expected is not None:
        got = "".join(printed)
        assert _same_output(got, example.expected), (
            f"{page}:{example.line} printed\n{got}\nbut the page shows\n{example.expected}"
        )


def _run_python(example: Example, page: str, namespace: dict[str, object]) -> None:
    printed = io.StringIO()
    code = compile(example.code, f"{page}:{example.line}", "exec")
    with contextlib.redirect_stdout(printed):
        exec(code, namespace)
    if example.expected is not None:
        assert _same_output(printed.getvalue(), example.expected), (
            f"{page}:{example.line} printed\n{printed.getvalue()}\nbut the page shows\n"
            f"{example.expected}"
        )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory as after the Quick start: ``samples/`` and ``ragtrack-data/``."""
    monkeypatch.delenv("RAGTRACK_DATA", raising=False)
    shutil.copytree(SAMPLES, tmp_path / "samples")
    copy_of_sample_dataset(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_example_on_the_page_runs_and_shows_its_output(page: Path, project: Path) -> None:
    name = page.relative_to(ROOT).as_posix()
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for example in examples(page.read_text(encoding="utf-8")):
        if example.language == "python":
            _run_python(example, name, namespace)
        elif example.language == "sh":
            _run_sh(example, name)
        else:
            con = namespace.get("con")
            assert con is not None, f"{name}:{example.line}: SQL before a DuckDB connection"
            con.sql(example.code).fetchall()  # type: ignore[attr-defined]


def test_the_harness_sees_the_examples() -> None:
    """A page's blocks are found, with their outputs (so a broken fence cannot pass silently)."""
    found = examples((ROOT / "docs" / "analysis.md").read_text(encoding="utf-8"))
    assert sum(e.language == "python" for e in found) >= 12
    assert sum(e.expected is not None for e in found) >= 10
    readme = examples((ROOT / "README.md").read_text(encoding="utf-8"))
    assert any(e.language == "sh" and "ragtrack ingest samples/" in e.code for e in readme)


def test_a_wrong_output_is_caught() -> None:
    page = "```python\nprint('a  b')\n```\n\n```text\na b c\n```\n"
    [example] = examples(page)
    with pytest.raises(AssertionError, match="but the page shows"):
        _run_python(example, "page.md", {})
    _run_python(Example("python", "print('a    b c')\n", 1, "a b c\n"), "page.md", {})
