"""The shop and its tests with the imports changed back to fastapi: the same tests pass
under FastAPI itself, so they state FastAPI's behaviour, not ours."""

import os
import pathlib
import re
import shutil
import subprocess
import sys


def test_the_tests_pass_on_fastapi(tmp_path: pathlib.Path) -> None:
    here = pathlib.Path(__file__).resolve().parent
    target = tmp_path / "examples" / "shop"
    shutil.copytree(here, target, ignore=shutil.ignore_patterns("BUILD.bazel", "same_*"))
    (tmp_path / "examples" / "__init__.py").write_text("")
    for path in target.rglob("*.py"):
        path.write_text(re.sub(r"\bdata_bridge\b", "fastapi", path.read_text()))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(target / "main_test.py")],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
