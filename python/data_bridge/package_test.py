"""The package's shape: the runtime imports nothing from the code generator, and what the
generator shares with it (IR, type specs, OpenAPI emission) imports without the native
extension."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys

import data_bridge

PACKAGE = os.path.dirname(os.path.abspath(data_bridge.__file__))


def run(code: str, without: str = "codegen") -> subprocess.CompletedProcess[str]:
    # The package's parent and its dependencies' folders (googleapis' google/rpc, ...) on the
    # path, as an installation has them, but no folder holding `without` (the workspace
    # root, for codegen/).
    path = [os.path.dirname(PACKAGE)] + [
        p for p in sys.path if p and os.path.isdir(p) and not os.path.exists(
            os.path.join(p, without)) and p != os.path.dirname(PACKAGE)]
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
                          cwd="/", timeout=60)


# Modules that need an optional dependency of the app's (as Starlette's do): imported here
# only where it is installed.
_OPTIONAL = {"templating": "jinja2"}


def test_every_runtime_module_imports_without_codegen() -> None:
    modules = sorted(name[:-3] for name in os.listdir(PACKAGE)
                     if name.endswith(".py") and not name.endswith("_test.py")
                     and name != "__init__.py"
                     and (name[:-3] not in _OPTIONAL
                          or importlib.util.find_spec(_OPTIONAL[name[:-3]]) is not None))
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module('data_bridge.' + m)\n"
            "importlib.import_module('data_bridge.openapi.utils')\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'codegen'], 'codegen'\n")
    r = run(code)
    assert r.returncode == 0, r.stderr


def test_serving_needs_no_googleapis_protos() -> None:
    # google.rpc (googleapis-common-protos) gives gRPC errors their rich details; an app
    # without it still serves, gRPC included.
    r = run("import sys\n"
            "import data_bridge.applications, data_bridge.rpc, data_bridge.testing\n"
            "assert 'google.rpc' not in sys.modules\n", without=os.path.join("google", "rpc"))
    assert r.returncode == 0, r.stderr


def test_the_contract_imports_without_the_native_extension() -> None:
    r = run("import sys\n"
            "import data_bridge.ir_pb2, data_bridge._type_specs, data_bridge.openapi.utils\n"
            "print(sorted(m for m in sys.modules if m.startswith('data_bridge')))\n")
    assert r.returncode == 0, r.stderr
    assert "data_bridge._core" not in r.stdout and "data_bridge.applications" not in r.stdout


def test_public_names_load_on_first_use() -> None:
    r = run("import data_bridge, sys\n"
            "assert 'data_bridge._core' not in sys.modules\n"
            "from data_bridge import App, Query\n"
            "assert App.__module__ == 'data_bridge.applications'\n"
            "assert set(data_bridge.__all__) <= set(dir(data_bridge))\n"
            "for name in data_bridge.__all__: getattr(data_bridge, name)\n"
            "try:\n"
            "    data_bridge.Nope\n"
            "except AttributeError as e:\n"
            "    assert 'Nope' in str(e)\n"
            "else:\n"
            "    raise SystemExit('no AttributeError')\n")
    assert r.returncode == 0, r.stderr


def _imports(tree: ast.Module, module: str) -> tuple[set[str], list[int]]:
    """(package modules imported at the top level, lines of imports inside functions)."""
    top: set[str] = set()
    nested: list[int] = []
    in_functions = {id(n) for f in ast.walk(tree)
                    if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                    for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                names = [node.module] if node.module else [a.name for a in node.names]
            elif (node.module or "").startswith("data_bridge."):
                names = [(node.module or "").split(".", 1)[1]]
            else:
                continue
        elif isinstance(node, ast.Import):
            names = [a.name.split(".", 1)[1] for a in node.names
                     if a.name.startswith("data_bridge.")]
        else:
            continue
        names = [n.split(".")[0] for n in names if n]
        if id(node) not in in_functions:
            if node in tree.body:  # (not the TYPE_CHECKING block of __init__)
                top.update(names)
        else:
            nested.append(node.lineno)
    return top, nested


def test_modules_import_each_other_one_way_and_at_the_top() -> None:
    graph: dict[str, set[str]] = {}
    for name in sorted(os.listdir(PACKAGE)):
        if not name.endswith(".py") or name.endswith("_test.py"):
            continue
        module = name[:-3]
        with open(os.path.join(PACKAGE, name)) as f:
            top, nested = _imports(ast.parse(f.read()), module)
        assert not nested, f"{name}: imports inside functions at lines {nested}"
        graph[module] = {m for m in top if m != module}
    seen: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(m: str, path: list[str]) -> None:
        if seen.get(m) == 1:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(m):] + [m]))
        if seen.get(m) == 2 or m not in graph:
            return
        seen[m] = 1
        for n in sorted(graph[m]):
            visit(n, path + [m])
        seen[m] = 2

    for m in sorted(graph):
        visit(m, [])
