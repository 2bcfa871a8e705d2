"""The packages of fpxint_sim import each other without cycles (docs/design.md 4).

Every import is counted, the lazy ones inside functions too: a cycle that only closes at run
time is still a cycle in the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

import fpxint_sim

ROOT = Path(fpxint_sim.__file__).parent


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "fpxint_sim" or len(parts) < 2:
        return None
    return parts[1]


def package_imports() -> dict[str, set[str]]:
    """{package: packages it imports} over every .py file under fpxint_sim/ (subpackages only)."""
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).parts
        if len(rel) < 2:  # top-level modules (errors.py, __init__.py) are shared leaves
            continue
        src = rel[0]
        deps = graph.setdefault(src, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                dst = _package_of(name)
                if dst and dst != src and (ROOT / dst).is_dir():
                    deps.add(dst)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph as a list of nodes (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return [*stack[stack.index(m):], m]
            if m not in state and (c := visit(m)):
                return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (c := visit(n)):
            return c
    return None


def test_find_cycle_reports_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_packages_import_each_other_without_cycles():
    graph = package_imports()
    assert len(graph) > 10  # the walk saw the packages
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph))}"
