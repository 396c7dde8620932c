# No `from __future__ import annotations`: handlers annotate with local names.
"""HTTP middleware as Starlette's, side by side: @app.middleware("http") and a
BaseHTTPMiddleware subclass via add_middleware (in Starlette's order), around routes,
404/405, native validation errors and HTTPExceptions; one that answers by itself; and
request.state set by a middleware seen by the endpoint."""

import types
from typing import Any

import fastapi
import pytest
import starlette.middleware.base

import data_bridge.middleware.base
from tests.compat.differential import namespace


def build(ns: types.SimpleNamespace, log: list[str]) -> Any:
    ours = ns.FastAPI is not fastapi.FastAPI
    Base = (data_bridge.middleware.base.BaseHTTPMiddleware if ours
            else starlette.middleware.base.BaseHTTPMiddleware)
    app = ns.FastAPI()

    class Tagging(Base):
        def __init__(self, app: Any, tag: str) -> None:
            super().__init__(app)
            self.tag = tag

        async def dispatch(self, request, call_next):
            log.append(f"{self.tag} in {request.url.path}")
            response = await call_next(request)
            response.headers["x-tag"] = self.tag
            log.append(f"{self.tag} out {response.status_code}")
            return response

    @app.middleware("http")
    async def timing(request, call_next):
        if request.url.path == "/blocked":
            return ns.responses.JSONResponse({"blocked": True}, status_code=403)
        request.state.seen = "by middleware"
        response = await call_next(request)
        response.headers["x-timing"] = "1"
        return response

    app.add_middleware(Tagging, tag="outer")

    @app.get("/items/{n}")
    def item(n: int, request: ns.Request):
        return {"n": n, "seen": request.state.seen}

    @app.get("/text")
    async def text():
        return "plain"

    @app.get("/teapot")
    async def teapot():
        raise ns.HTTPException(status_code=418, detail="short and stout")

    return app


CASES = [("GET", "/items/3"), ("GET", "/items/x"), ("GET", "/text"), ("GET", "/teapot"),
         ("GET", "/missing"), ("POST", "/items/3"), ("GET", "/blocked")]


@pytest.mark.parametrize("method,path", CASES)
def test_same_answers(method: str, path: str) -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns, log = namespace(which), []
        with ns.TestClient(build(ns, log)) as client:
            r = client.request(method, path)
            seen.append((r.status_code, r.headers.get("content-type"), r.content,
                         r.headers.get("x-tag"), r.headers.get("x-timing"), list(log)))
    assert seen[1] == seen[0]
