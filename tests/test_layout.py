"""The import graph keeps the layout honest: routes are leaves, the app's state is read
in one place, the private Keras APIs sit in one module, and no package imports in a
circle."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("app", "training", "bench")


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def imports(path: Path, known: set[str]) -> set[str]:
    """The project's modules that `path` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from pkg import mod` imports a module when `pkg.mod` is one.
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found |= {n for n in names if n in known}
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(path, set(mods)) for name, path in mods.items()}


def test_the_graph_sees_the_project() -> None:
    g = graph()
    assert "app.sentiment.routes" in g and "app.forecast.routes" in g
    assert "app.sentiment.service" in g["app.asgi.hot_paths"]


def test_no_module_but_the_factory_imports_a_router() -> None:
    for name, deps in graph().items():
        routers = {d for d in deps if d.endswith(".routes")}
        if name != "app.main":
            assert not routers, f"{name} imports {sorted(routers)}"


def test_only_the_factory_reads_the_apps_state() -> None:
    for name, path in modules().items():
        if name.startswith("app.") and name != "app.main":
            assert ".state." not in path.read_text(), f"{name} reads app.state"


def test_private_keras_apis_only_in_the_compat_module() -> None:
    for name, path in modules().items():
        text = path.read_text()
        if name != "training.compat":
            assert "keras.src" not in text and "_tf_trackable" not in text, name


def test_no_import_circles() -> None:
    g = graph()
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(g.get(node, ())):
            if nxt == node or nxt not in g:
                continue
            assert state.get(nxt) != 1, f"import circle: {' -> '.join([*trail, node, nxt])}"
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for start in sorted(g):
        if start not in state:
            visit(start, [])
