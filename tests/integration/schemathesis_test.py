"""The examples' servers against their own OpenAPI documents: schemathesis (PyPI, in
.tools/schemathesis-venv) generates requests from the document each serves and checks that
no answer is a server error, that every status is documented and that every body
conforms to its documented schema (not_a_server_error, status_code_conformance,
response_schema_conformance), over its coverage, fuzzing and stateful phases."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.integration.support import hello_server

# The workspace: this file in the runfiles is a link into the source tree.
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
_CLI = os.path.join(_ROOT, ".tools", "schemathesis-venv", "bin", "schemathesis")


@pytest.mark.parametrize("app", ["examples.petstore.app:app", "examples.orders.app:app"])
def test_every_answer_conforms_to_the_document(app: str) -> None:
    assert os.path.exists(_CLI), f"{_CLI} is missing: run ./bazelw (tools/setup.sh)"
    with hello_server("--threads", "1", app=app) as server:
        run = subprocess.run(
            [_CLI, "run", f"{server.url}/openapi.json", "--checks",
             "not_a_server_error,status_code_conformance,response_schema_conformance",
             "--max-examples", "60", "--seed", "20261207", "--no-color"],
            capture_output=True, text=True, timeout=600,
            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
