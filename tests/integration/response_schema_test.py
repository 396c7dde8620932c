"""A generated OpenAPI service's answers are checked against their documented schema
before they are sent: a handler's value that does not match is a logged 500, as FastAPI's
ResponseValidationError, never sent; one that matches goes out; a Response object is the
handler's own and is sent as it is."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.support import hello_server

NEW_PET = {"name": "Rex", "species": {"kind": "dog", "barks": True},
           "owner": {"name": "Ann", "email": "ann@example.com"}}


@pytest.fixture(scope="module")
def server():
    with hello_server(app="tests.integration.response_schema_app:app") as s:
        yield s


def test_answers_outside_the_schema_are_a_logged_500(server):
    with httpx.Client(base_url=server.url, timeout=10) as c:
        for _ in range(3):
            assert c.post("/pets", json=NEW_PET).status_code == 201
        r = c.get("/pets/1")
        assert (r.status_code, r.json()) == (500, {"detail": "Internal Server Error"})
        assert c.get("/pets/3").json()["name"] == "Rex"  # within the schema: sent
        assert c.get("/pets/2").json() == {"id": "two"}  # a Response: the handler's own
    server.stop()
    log = server.proc.stderr.read().decode()
    assert "does not match its schema" in log and "string_too_long" in log, log[-2000:]
