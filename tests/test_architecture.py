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
        "'ragtrack.link.lineage', 'ragtrack.store.dataset', 'matplotlib', 'dask', "
        "'distributed'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_reading_the_overrides_loads_no_pandas() -> None:
    """An ingest reads both overrides files before parsing; pandas (a third of a second)
    waits for the commit, which a batch's parent process imports while its workers parse."""
    code = (
        "import sys, ragtrack.store.overrides, ragtrack.store.outcome_overrides; "
        "print([m for m in ('pandas', 'scipy') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


#: every flag of the command line; the library says which option applies (errors.Remedy)
FLAGS = (
    "--lock-timeout",
    "--reparse",
    "--force",
    "--council",
    "--data",
    "--max-bytes",
    "--ocr",
    "--plan-year",
    "--jobs",
    "--pdf-backend",
    "--dry-run",
    "--scheduler",
)


def test_the_library_names_no_command_line_flag() -> None:
    for path in SRC.rglob("*.py"):
        if path.name in ("cli.py", "lineage_cli.py", "cli_params.py"):
            continue
        text = path.read_text(encoding="utf-8")
        for flag in FLAGS:
            assert f"{flag}" not in text, f"{path.relative_to(SRC)} names {flag}"


ARCHITECTURE = SRC.parents[1] / "docs" / "architecture.md"


def _rules() -> dict[str, set[str]]:
    """docs/architecture.md's table: each unit and what it may import."""
    rules: dict[str, set[str]] = {}
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        units = {unit.rstrip("/") for unit in cells[0].replace("`", " ").split()}
        allowed = (set(cells[2].split()) - {"—"}) | units  # a row's units work together
        for unit in units:
            rules[unit] = allowed
    return rules


def _runtime_imports(path: Path) -> set[str]:
    """Modules of ragtrack that ``path`` imports, outside ``if TYPE_CHECKING:`` blocks."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "ragtrack":
                found.update(f"ragtrack.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name.startswith("ragtrack.")}


def test_every_import_keeps_to_the_table_in_docs_architecture() -> None:
    rules = _rules()
    assert {"extract", "link", "store", "analysis", "api", "cli"} <= set(rules)
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        unit = parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")
        assert unit in rules, f"{path.relative_to(SRC)}: no row for {unit} in {ARCHITECTURE.name}"
        for name in _runtime_imports(path):
            target = name.split(".")[1:]
            if target[0] == unit:
                continue
            allowed = rules[unit]
            assert target[0] in allowed or ".".join(target[:2]) in allowed, (
                f"{path.relative_to(SRC)} imports {name}, which {ARCHITECTURE.name} does not "
                f"allow {unit} to import"
            )


def _third_party_imports() -> set[str]:
    """Top-level names of the modules ``src/ragtrack`` imports that are not its own or
    Python's."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
    return {n for n in names if n != "ragtrack" and n not in sys.stdlib_module_names}


def test_every_library_the_code_imports_is_declared() -> None:
    """An import of a package that only arrives as another's dependency breaks when that
    one stops needing it: each must be named in pyproject.toml (required or an extra)."""
    import re
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [*project["project"]["dependencies"]]
    for extra in project["project"]["optional-dependencies"].values():
        declared += extra

    def canonical(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    names = {canonical(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in declared}
    providers = packages_distributions()
    missing = {
        module: providers.get(module)
        for module in _third_party_imports()
        if not any(canonical(d) in names for d in providers.get(module, [module]))
    }
    assert not missing, missing
