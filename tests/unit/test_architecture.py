"""The floors of docs/architecture.md, checked on the source: imports only go down, the CLI and
the desk never import each other, no import cycles, no module over 400 lines."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pipelines", "db", "crawler", "evidence", "demo", "web")
MAX_LINES = 400
# (module prefix, floor, side): the longest matching prefix wins; one side of a floor may not
# import the other side of the same floor.
FLOORS = (
    ("pipelines.text", 1, ""),
    ("db", 2, ""),
    ("crawler", 3, ""),
    ("pipelines", 3, ""),
    ("evidence.services", 4, ""),
    ("demo", 4, ""),
    ("evidence", 5, "cli"),
    ("web", 5, "web"),
    ("evidence.cli", 6, ""),  # the composition root: the one parser of the CLI and the desk
)


def module_name(path: Path) -> str:
    """The dotted module name of a source file."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every project module, by name."""
    return {module_name(p): p for package in PACKAGES
            for p in sorted((ROOT / package).rglob("*.py"))}


def imported(name: str, path: Path) -> Iterator[str]:
    """The project modules a module imports (at any depth of its code, lazily or not)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        yield from (t for t in targets if t in modules())


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module name → the project modules it imports."""
    return {name: frozenset(imported(name, path)) - {name} for name, path in modules().items()}


def floor_of(name: str) -> tuple[int, str]:
    """The floor and side of a module."""
    prefix, floor, side = max((f for f in FLOORS if name == f[0] or name.startswith(f[0] + ".")),
                              key=lambda f: len(f[0]))
    return floor, side


def test_imports_only_go_down_and_cli_and_desk_stay_apart() -> None:
    wrong = []
    for name, targets in sorted(graph().items()):
        floor, side = floor_of(name)
        for target in sorted(targets):
            to_floor, to_side = floor_of(target)
            if to_floor > floor or (to_floor == floor and side != to_side):
                wrong.append(f"{name} (floor {floor}{side and ' ' + side}) imports {target} "
                             f"(floor {to_floor}{to_side and ' ' + to_side})")
    assert wrong == []


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def without_packages(edges: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """Drop a package's own __init__ from its members' imports (importing a sibling through the
    package is how Python loads it, not a design cycle)."""
    packages = {name for name, path in modules().items() if path.name == "__init__.py"}
    return {name: frozenset(t for t in targets if not (t in packages and name.startswith(t + ".")))
            for name, targets in edges.items()}


def test_no_import_cycles() -> None:
    assert cycles(without_packages(graph())) == []


def test_the_checks_see_a_cycle_and_an_upward_import() -> None:
    assert cycles({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"})}) == [
        ["a", "b", "c"]]
    assert floor_of("pipelines.text.detect") == (1, "") and floor_of("pipelines.stages") == (3, "")
    assert floor_of("web.app") == (5, "web") and floor_of("evidence.services.cite")[0] == 4


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_over_400_lines(name: str) -> None:
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines"
