# No `from __future__ import annotations`: handlers annotate with local names.
"""GZipMiddleware as Starlette's, side by side: large and small bodies, with and without
gzip accepted, an excluded media type, an answer already encoded, a 206, and the body's
own Vary; the decoded body and the Content-Encoding and Vary headers must match."""

import types
from typing import Any

import fastapi.middleware.gzip
import pytest

import data_bridge.middleware.gzip
from tests.compat.differential import namespace

BIG = "data-bridge " * 100


def build(ns: types.SimpleNamespace, minimum_size: int) -> Any:
    ours = ns.FastAPI is not fastapi.FastAPI
    cls = data_bridge.middleware.gzip.GZipMiddleware if ours else fastapi.middleware.gzip.GZipMiddleware
    R = ns.responses
    app = ns.FastAPI()

    @app.get("/big")
    def big():
        return {"text": BIG}

    @app.get("/small")
    def small():
        return {"text": "tiny"}

    @app.get("/png")
    def png():
        return R.Response(BIG.encode(), media_type="image/png")

    @app.get("/encoded")
    def encoded():
        return R.Response(BIG.encode(), headers={"Content-Encoding": "br"},
                          media_type="text/plain")

    @app.get("/partial")
    def partial():
        return R.PlainTextResponse(BIG, status_code=206)

    @app.get("/vary")
    def vary():
        return R.PlainTextResponse(BIG, headers={"Vary": "Cookie"})

    app.add_middleware(cls, minimum_size=minimum_size, compresslevel=6)
    return app


@pytest.mark.parametrize("minimum_size", [500, 5000])
@pytest.mark.parametrize("path", ["/big", "/small", "/png", "/encoded", "/partial", "/vary"])
@pytest.mark.parametrize("accept", ["gzip, deflate", "identity"])
def test_same_answers(minimum_size: int, path: str, accept: str) -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        with ns.TestClient(build(ns, minimum_size)) as client:
            r = client.get(path, headers={"accept-encoding": accept})
            body = r.content if r.headers.get("content-encoding") != "br" else r.read()
            seen.append((r.status_code, body, r.headers.get("content-encoding"),
                         r.headers.get("vary"), r.headers.get("content-type")))
    assert seen[1] == seen[0]
