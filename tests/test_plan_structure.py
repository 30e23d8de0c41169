"""The shape of the plan parsers: no import loop in extract/, small staged functions in
extract/plans, and lines classified once per document."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import ragtrack.extract.structure as structure
from plan_rows import PLAN_2017_18, PLAN_2019_20
from ragtrack.extract import parse_source
from ragtrack.extract.reader import read_text_file

SRC = Path(__file__).parents[1] / "src"
EXTRACT = SRC / "ragtrack" / "extract"
PLANS = EXTRACT / "plans"
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(path: Path, modules: set[str]) -> set[str]:
    """Modules of ``modules`` that ``path`` imports anywhere (deferred imports inside
    functions included: they close a loop at run time all the same)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found & modules


def import_graph(root: Path) -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in root.rglob("*.py")}
    return {name: _imported_modules(path, set(paths)) - {name} for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop in ``graph`` as the list of modules round it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_cycle_finder_sees_a_loop() -> None:
    # the loop the plan parsers once had: plan -> commitment_plan -> plan
    graph = {"plan": {"commitment_plan", "doctype"}, "commitment_plan": {"plan"}, "doctype": set()}
    assert find_cycle(graph) == ["commitment_plan", "plan", "commitment_plan"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_loop_in_extract() -> None:
    graph = import_graph(EXTRACT)
    assert "ragtrack.extract.plans.tabular" in graph  # the walk found the package
    assert find_cycle(graph) is None


@pytest.mark.parametrize(
    "module", sorted(_module_name(p) for p in PLANS.glob("*.py") if p.name != "__init__.py")
)
def test_each_plans_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_no_function_in_plans_is_longer_than_a_screen() -> None:
    too_long = []
    for path in sorted(PLANS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.name}:{node.lineno} {node.name} ({length} lines)")
    assert too_long == []


@pytest.mark.parametrize("sample", [PLAN_2019_20, PLAN_2017_18], ids=["2019_20", "2017_18"])
def test_a_plan_classifies_each_line_once(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = read_text_file(sample)
    calls: list[str] = []
    real = structure.classify_line

    def counting(text: str) -> structure.Classified:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(structure, "classify_line", counting)
    parsed = parse_source(source)
    assert parsed.document.doc_type == "delivery_plan"
    assert len(calls) == sum(1 for line in source.lines if line.text)


def test_plan_modules_take_classified_lines_rather_than_classify_them() -> None:
    # with the count above: a parser that imported classify_line itself would classify again
    paths = [*PLANS.glob("*.py"), EXTRACT / "doctype.py", EXTRACT / "dispatch.py"]
    naming = [
        path.name
        for path in paths
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Name | ast.alias)
        and (node.id if isinstance(node, ast.Name) else node.name) == "classify_line"
    ]
    assert naming == []
