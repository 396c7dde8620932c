"""The package's shape: the runtime imports nothing from the code generator, and what the
generator shares with it (IR, type specs, OpenAPI emission) imports without the native
extension."""

from __future__ import annotations

import os
import subprocess
import sys

import data_bridge

PACKAGE = os.path.dirname(os.path.abspath(data_bridge.__file__))


def run(code: str) -> subprocess.CompletedProcess[str]:
    # Only the package's parent on the path: no workspace root, so no codegen/ to find.
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.path.dirname(PACKAGE)},
                          cwd="/", timeout=60)


def test_every_runtime_module_imports_without_codegen() -> None:
    modules = sorted(name[:-3] for name in os.listdir(PACKAGE)
                     if name.endswith(".py") and not name.endswith("_test.py")
                     and name != "__init__.py")
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module('data_bridge.' + m)\n"
            "importlib.import_module('data_bridge.openapi.utils')\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'codegen'], 'codegen'\n")
    r = run(code)
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
