"""FastAPI's own tutorial apps (docs_src, 490 files) run by FastAPI's own tests for them
(tests/test_tutorial), moved over to data_bridge by changing their imports, as a user would
move an app: `from fastapi... import` becomes `from data_bridge... import`.

Both come from the FastAPI sdist on PyPI of the compat pins (tools/setup.sh tutorials puts
them in .tools/fastapi-src). The tests run twice in this process's environment
(.tools/tutorials-venv): as published, against FastAPI, and rewritten, against data_bridge.
Every test in passing.txt must pass against data_bridge (a ratchet: a test that starts to
pass is reported, to be added); the share of the tests FastAPI passes that data_bridge
passes is printed. FastAPI's internal modules (fastapi._compat, fastapi.dependencies.*) that
a few tests import for their own helpers are left as they are."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE = ROOT / ".tools" / "fastapi-src"
# Tests that need what the environment does not have (OpenTelemetry's SDK) and FastAPI's
# benchmark suites: left out of both runs.
LEFT_OUT = ("tests/benchmarks", "tests/memory_benchmarks", "tests/test_telemetry",
            "tests/test_tutorial/test_opentelemetry")
_IMPORT = re.compile(r"^(\s*)from fastapi((?:\.[A-Za-z_]+)*) import", re.MULTILINE)
_INTERNAL = ("._compat", ".dependencies.utils", ".dependencies.models")
_PASSED = re.compile(r"^PASSED (\S+)", re.MULTILINE)


def _rewrite(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        module = m.group(2)
        if module.startswith(_INTERNAL):
            return m.group(0)
        return f"{m.group(1)}from data_bridge{module} import"
    text = _IMPORT.sub(one, text)
    return re.sub(r"^(\s*)import fastapi$", r"\1import data_bridge as fastapi", text,
                  flags=re.MULTILINE)


def _tree(into: Path, moved: bool) -> None:
    shutil.copytree(SOURCE / "docs_src", into / "docs_src")
    shutil.copytree(SOURCE / "tests", into / "tests")
    for part in LEFT_OUT:
        shutil.rmtree(into / part, ignore_errors=True)
    (into / "pytest.ini").write_text("[pytest]\nfilterwarnings =\n    ignore\n")
    if moved:
        for folder in (into / "docs_src", into / "tests" / "test_tutorial"):
            for path in folder.rglob("*.py"):
                text = path.read_text()
                if "fastapi" in text:
                    path.write_text(_rewrite(text))


def _passed(tree: Path) -> set[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tree)] + [p for p in sys.path if p])
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider",
         "--continue-on-collection-errors", "tests/test_tutorial"],
        cwd=tree, env=env, capture_output=True, text=True, timeout=1200)
    return set(_PASSED.findall(run.stdout))


def test_fastapi_tutorials_pass_moved_to_data_bridge(pytestconfig: pytest.Config) -> None:
    assert (SOURCE / "docs_src").is_dir(), f"{SOURCE} is missing: run ./bazelw (setup)"
    with tempfile.TemporaryDirectory() as tmp:
        theirs_tree, ours_tree = Path(tmp, "fastapi"), Path(tmp, "data_bridge")
        _tree(theirs_tree, moved=False)
        _tree(ours_tree, moved=True)
        theirs, ours = _passed(theirs_tree), _passed(ours_tree)
    expected = {line.strip() for line in (HERE / "passing.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    both = ours & theirs
    report = (f"FastAPI's tutorial tests: {len(theirs)} pass against FastAPI, {len(both)} of "
              f"them against data_bridge ({100 * len(both) / max(len(theirs), 1):.1f}%)\n")
    newly = sorted(ours - expected)
    if newly:
        report += "passing now, not yet in passing.txt:\n  " + "\n  ".join(newly) + "\n"
    # Past pytest's capture, into the test log.
    pytestconfig.pluginmanager.get_plugin("terminalreporter").write_line(report)
    assert theirs, "no tutorial test passed against FastAPI: the environment is broken"
    lost = sorted(expected - ours)
    assert not lost, f"{len(lost)} tutorial tests no longer pass:\n  " + "\n  ".join(lost)
