"""Differential testing against FastAPI: one app, written once against a module namespace,
built with FastAPI's names and with data_bridge's, then asked the same requests through each
one's TestClient; what comes back must match.

    def build(ns):                       # ns.FastAPI, ns.responses, ns.HTTPException, ...
        app = ns.FastAPI()
        @app.get("/x")
        def x(): return "text"
        return app
    with Pair(build) as pair:
        pair.same("GET", "/x")           # status, media type and body equal
"""

from __future__ import annotations

import types
from typing import Any, Callable

import fastapi
import fastapi.exceptions
import fastapi.openapi.docs
import fastapi.openapi.utils
import fastapi.requests
import fastapi.responses
import fastapi.routing
import fastapi.security
import fastapi.testclient

import data_bridge
import data_bridge.exceptions
import data_bridge.openapi.docs
import data_bridge.openapi.utils
import data_bridge.requests
import data_bridge.responses
import data_bridge.routing
import data_bridge.security
import data_bridge.testclient

# The names compared apps use, taken from each package's top level.
_TOP = ["APIRouter", "BackgroundTasks", "Body", "Cookie", "Depends", "File", "Form", "Header",
        "Path", "Query", "Response", "Security", "UploadFile"]


def namespace(which: str) -> types.SimpleNamespace:
    """The names an app module imports, from FastAPI ("fastapi") or from data_bridge."""
    if which == "fastapi":
        return types.SimpleNamespace(
            FastAPI=fastapi.FastAPI, HTTPException=fastapi.HTTPException,
            Request=fastapi.Request, responses=fastapi.responses,
            TestClient=fastapi.testclient.TestClient, security=fastapi.security,
            openapi=fastapi.openapi, routing=fastapi.routing, exceptions=fastapi.exceptions,
            HTTPConnection=fastapi.requests.HTTPConnection,
            **{name: getattr(fastapi, name) for name in _TOP})
    return types.SimpleNamespace(
        FastAPI=data_bridge.FastAPI, HTTPException=data_bridge.HTTPException,
        Request=data_bridge.Request, responses=data_bridge.responses,
        TestClient=data_bridge.testclient.TestClient, security=data_bridge.security,
        openapi=data_bridge.openapi, routing=data_bridge.routing,
        HTTPConnection=data_bridge.requests.HTTPConnection,
        exceptions=data_bridge.exceptions, **{name: getattr(data_bridge, name) for name in _TOP})


class Pair:
    def __init__(self, build: Callable[[types.SimpleNamespace], Any]) -> None:
        self.theirs = namespace("fastapi").TestClient(build(namespace("fastapi")))
        self.ours = namespace("data_bridge").TestClient(build(namespace("data_bridge")))

    def __enter__(self) -> Pair:
        self.theirs.__enter__()
        self.ours.__enter__()
        return self

    def __exit__(self, *args: Any) -> None:
        self.ours.__exit__(*args)
        self.theirs.__exit__(*args)

    def same(self, method: str, path: str, **kwargs: Any) -> Any:
        """Sends the request to both; their status, content-type and body must match.
        Returns FastAPI's response."""
        want = self.theirs.request(method, path, **kwargs)
        got = self.ours.request(method, path, **kwargs)
        seen = [(r.status_code, r.headers.get("content-type"), r.content) for r in (got, want)]
        assert seen[0] == seen[1], f"{method} {path}: ours {seen[0]!r}, FastAPI's {seen[1]!r}"
        return want


def differences(theirs: Any, ours: Any, at: str = "") -> list[str]:
    """Where two JSON documents differ, as paths into them (for a readable failure)."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        out = [f"{at}/{k}: only FastAPI's" for k in theirs if k not in ours]
        out += [f"{at}/{k}: only ours" for k in ours if k not in theirs]
        for k in theirs:
            if k in ours:
                out += differences(theirs[k], ours[k], f"{at}/{k}")
        return out
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        return [d for i, (a, b) in enumerate(zip(theirs, ours))
                for d in differences(a, b, f"{at}[{i}]")]
    return [] if theirs == ours else [f"{at}: FastAPI's {theirs!r}, ours {ours!r}"]


def suite(build: Callable[[types.SimpleNamespace], Any], cases: list[tuple[Any, ...]],
          method: str = "POST") -> tuple[Any, Any, Any]:
    """The usual tests of a compared app, to be bound to module names:

        pair, test_same_answers, test_the_document_is_fastapis = suite(build, CASES)

    `pair` is a module-scoped fixture; each case, (path, kwargs) or (method, path, kwargs),
    is asked of both apps; the apps' OpenAPI documents must be equal."""
    import pytest

    @pytest.fixture(scope="module")
    def pair() -> Any:
        with Pair(build) as p:
            yield p

    @pytest.mark.parametrize("case", cases, ids=[str(c[-2]) for c in cases])
    def test_same_answers(pair: Pair, case: tuple[Any, ...]) -> None:
        *verb, path, kwargs = case
        pair.same(verb[0] if verb else method, path, **kwargs)

    def test_the_document_is_fastapis() -> None:
        docs = [build(namespace(which)).openapi() for which in ("fastapi", "data_bridge")]
        assert differences(*docs) == []

    return pair, test_same_answers, test_the_document_is_fastapis
