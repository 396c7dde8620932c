# No `from __future__ import annotations`: handlers annotate with local names.
"""GZipMiddleware as Starlette's, side by side: large and small bodies, with and without
gzip accepted, an excluded media type, an answer already encoded, a 206, the body's own
Vary, and streaming bodies (compressed piece by piece, whatever their size; server-sent
events left alone); the decoded body and the Content-Encoding and Vary headers must
match, over HTTP/1.1 and, for ours, HTTP/2."""

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

    async def pieces():
        for i in range(300):
            yield f"piece {i} " * (i % 7)

    @app.get("/stream")
    def stream():
        return R.StreamingResponse(pieces(), media_type="text/plain")

    @app.get("/stream-small")
    def stream_small():
        return R.StreamingResponse(iter(["a", "b"]), media_type="text/plain")

    @app.get("/events")
    def events():
        return R.StreamingResponse(iter(["data: 1\n\n", "data: 2\n\n"]),
                                   media_type="text/event-stream")

    app.add_middleware(cls, minimum_size=minimum_size, compresslevel=6)
    return app


@pytest.mark.parametrize("minimum_size", [500, 5000])
@pytest.mark.parametrize("path", ["/big", "/small", "/png", "/encoded", "/partial", "/vary",
                                  "/stream", "/stream-small", "/events"])
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


def test_streams_over_http2() -> None:
    import httpx

    from data_bridge.testing import serve

    ns = namespace("data_bridge")
    expected = "".join(f"piece {i} " * (i % 7) for i in range(300)).encode()
    with serve(build(ns, 500)) as url, httpx.Client(http2=True, http1=False) as client:
        r = client.get(url + "/stream", headers={"accept-encoding": "gzip"})
        assert r.http_version == "HTTP/2"
        assert r.headers["content-encoding"] == "gzip" and r.content == expected
