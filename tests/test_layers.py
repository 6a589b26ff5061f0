"""Every import runs down the layers: the CLI (m2c) -> dagster_project -> ingestion, exports -> core.

Ingestion and exports do not import each other; core imports no other layer; apps read through core (their
one action, exporting an open period on request, calls exports). Development tools (devtools: generator,
simulator, benchmark) are imported by no runtime package, and by the CLI only inside the commands that
serve them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from core import settings

ALLOWED = {
    "core": set(),
    "ingestion": {"core"},
    "exports": {"core"},
    "dagster_project": {"core", "ingestion", "exports"},
    "devtools": {"core", "ingestion", "exports"},
    "apps": {"core", "exports"},
    "m2c": {"core", "ingestion", "exports", "dagster_project", "devtools"},
}
DEVTOOLS_COMMANDS = {"cmd_generate", "cmd_poll", "cmd_bench"}
NOT_PACKAGES = {"tests", "dbt", "var", "docs"}


def imports(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    """(top-level package, node) of every absolute import, wherever it stands in the module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], node))
    return found


def modules(package: str) -> list[Path]:
    return sorted((settings.REPO_ROOT / package).rglob("*.py"))


def test_every_python_package_has_a_layer() -> None:
    folders = [path for path in settings.REPO_ROOT.iterdir() if path.is_dir() and not path.name.startswith(".")]
    packages = {path.name for path in folders if path.name not in NOT_PACKAGES and any(path.rglob("*.py"))}
    assert packages == set(ALLOWED)


def test_imports_run_down_the_layers() -> None:
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in modules(package):
            for imported, node in imports(ast.parse(path.read_text())):
                if imported in ALLOWED and imported != package and imported not in allowed:
                    wrong.append(f"{path.relative_to(settings.REPO_ROOT)}:{node.lineno} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_the_cli_imports_devtools_only_inside_the_commands_they_serve() -> None:
    places = []
    for path in modules("m2c"):
        for statement in ast.parse(path.read_text()).body:
            place = statement.name if isinstance(statement, ast.FunctionDef) else f"{path.name}:{statement.lineno}"
            places += [place for package, _ in imports(statement) if package == "devtools"]
    assert set(places) <= DEVTOOLS_COMMANDS, places
