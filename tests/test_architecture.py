"""The layers keep to their lanes: the CLI words what the library API does, and starting the
CLI loads none of the heavy machinery (pandas, Arrow, the parsers, the linker)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ragtrack

SRC = Path(ragtrack.__file__).resolve().parent


def _ragtrack_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return {n for n in names if n.startswith("ragtrack")}


def test_the_cli_imports_only_the_api_and_the_errors() -> None:
    allowed = {
        "ragtrack",
        "ragtrack.api",
        "ragtrack.errors",
        "ragtrack.cli_params",
        "ragtrack.version",
        "ragtrack.lineage_cli",
    }
    for module in ("cli.py", "lineage_cli.py"):
        assert _ragtrack_imports(SRC / module) <= allowed, module


def test_starting_the_cli_loads_nothing_heavy() -> None:
    code = (
        "import sys, ragtrack.cli; "
        "heavy = ('pandas', 'pyarrow', 'scipy', 'sklearn', 'ragtrack.extract.dispatch', "
        "'ragtrack.link.lineage', 'ragtrack.store.dataset', 'matplotlib'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_library_names_no_command_line_flag() -> None:
    for path in SRC.rglob("*.py"):
        if path.name in ("cli.py", "lineage_cli.py", "cli_params.py"):
            continue
        text = path.read_text(encoding="utf-8")
        for flag in ("--lock-timeout", "--reparse", "--force", "--council", "--data"):
            assert f"{flag}" not in text, f"{path.relative_to(SRC)} names {flag}"
