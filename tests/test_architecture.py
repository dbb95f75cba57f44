"""The tree's house rules: one-way arrows, no import cycles, small modules, short top levels."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("geodata", "analysis", "dashboard")
#: Allowed direction: a package may import only those listed after it (and itself).
MAY_IMPORT = {
    "geodata": {"geodata"},
    "analysis": {"geodata", "analysis"},
    "dashboard": set(PACKAGES),
}
UI_LIBRARIES = ("streamlit", "folium", "streamlit_folium")


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _imports(path: Path) -> set[str]:
    """Every module named by an import anywhere in the file (inside functions too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        graph.add_edges_from((name, target) for target in _imports(path) if target in modules)
    graph.remove_edges_from(nx.selfloop_edges(graph))
    return graph


def test_no_import_cycles() -> None:
    # A lazy import inside a function hides a cycle from the interpreter, not from a reader.
    cycles = [sorted(c) for c in nx.strongly_connected_components(_graph()) if len(c) > 1]
    assert not cycles, cycles


def test_arrows_point_one_way_and_no_ui_below_the_dashboard() -> None:
    back = [(a, b) for a, b in _graph().edges if b.split(".")[0] not in MAY_IMPORT[a.split(".")[0]]]
    assert not back, back
    for name, path in _modules().items():
        if name.startswith("dashboard"):
            continue
        used = {m.split(".")[0] for m in _imports(path)}
        assert not used & set(UI_LIBRARIES), name


def test_modules_stay_small() -> None:
    big = {
        str(path.relative_to(REPO)): n
        for path in _modules().values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not big, big


def test_top_levels_are_short() -> None:
    for package in PACKAGES:
        files = [
            p for p in (REPO / package).iterdir() if p.is_file() and p.suffix in (".py", ".toml")
        ]
        assert len(files) <= 10, (package, sorted(p.name for p in files))
