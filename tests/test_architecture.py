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


# --- the tests themselves: helpers in tests/support/, no test module imports another -------

#: Folders whose modules may import test helpers (the benchmarks reuse the browser helpers).
TEST_FOLDERS = ("tests", "bench")


def _absolute_imports(path: Path) -> set[str]:
    """Like :func:`_imports`, with relative imports resolved against the file's package."""
    package = list(path.relative_to(REPO).parent.parts)
    names = _imports(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names)
    return names


def _defines_tests(path: Path) -> bool:
    """True when the module holds a pytest test (``test_*`` function or ``Test*`` class)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"))
        or (isinstance(node, ast.ClassDef) and node.name.startswith("Test"))
        for node in tree.body
    )


def test_no_test_module_imports_another() -> None:
    # What two test modules share lives in tests/support/ (a package without tests).
    found = {}
    for folder in TEST_FOLDERS:
        for path in sorted((REPO / folder).rglob("*.py")):
            wrong = sorted(
                name
                for name in _absolute_imports(path)
                if name.split(".")[0] == "tests"
                and name != "tests"
                and name.split(".")[1] != "support"
            )
            if wrong:
                found[str(path.relative_to(REPO))] = wrong
    assert not found, f"import helpers from tests.support, not from test modules: {found}"


def test_test_files_hold_tests_and_helpers_hold_none() -> None:
    tests = REPO / "tests"
    empty = [p.name for p in sorted(tests.glob("test_*.py")) if not _defines_tests(p)]
    assert not empty, f"test_*.py files without tests (helpers go in tests/support/): {empty}"
    stray = [
        p.name
        for p in sorted(tests.glob("*.py"))
        if not p.name.startswith("test_") and p.name not in ("__init__.py", "conftest.py")
    ]
    assert not stray, f"helpers outside tests/support/: {stray}"
    support = [str(p.relative_to(REPO)) for p in (tests / "support").rglob("*.py")]
    assert support and not [p for p in support if _defines_tests(REPO / p)], support


def test_no_sys_path_patches() -> None:
    # The project is installed (pyproject.toml); imports never depend on patching sys.path.
    patched = []
    for folder in (*PACKAGES, *TEST_FOLDERS, "scripts"):
        for path in sorted((REPO / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(
                isinstance(node, ast.Attribute)
                and node.attr == "path"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
                for node in ast.walk(tree)
            ):
                patched.append(str(path.relative_to(REPO)))
    assert not patched, patched
