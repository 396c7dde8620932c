# No `from __future__ import annotations`: handlers annotate with local names.
"""CORSMiddleware as Starlette's, side by side: preflights (allowed, refused for origin,
method, headers, private network; a path no route has), simple requests with and without
an allowed Origin, credentials, a regex, exposed headers, and the app's own errors (404,
422) passing through it; status, body and every CORS header must match."""

import types
from typing import Any

import fastapi.middleware.cors
import pytest

import data_bridge.middleware.cors
from tests.compat.differential import namespace

CONFIGS = {
    "list": dict(allow_origins=["https://a.example"], allow_methods=["GET", "POST"],
                 allow_headers=["X-Custom"], expose_headers=["X-Total"], max_age=99),
    "all": dict(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"]),
    "credentials": dict(allow_origins=["*"], allow_credentials=True, allow_methods=["*"],
                        allow_headers=["*"]),
    "regex": dict(allow_origin_regex=r"https://.*\.example\.org", allow_private_network=True),
}
HEADERS = ["access-control-allow-origin", "access-control-allow-methods",
           "access-control-allow-headers", "access-control-allow-credentials",
           "access-control-expose-headers", "access-control-max-age",
           "access-control-allow-private-network", "vary", "content-type"]


def build(ns: types.SimpleNamespace, config: str) -> Any:
    ours = ns.FastAPI is not fastapi.FastAPI
    cls = (data_bridge.middleware.cors.CORSMiddleware if ours
           else fastapi.middleware.cors.CORSMiddleware)
    app = ns.FastAPI()

    @app.get("/items/{n}")
    def item(n: int):
        return {"n": n}

    @app.post("/items")
    def add():
        return ns.responses.JSONResponse({"ok": True}, headers={"Vary": "Accept"})

    app.add_middleware(cls, **CONFIGS[config])
    return app


def preflight(origin: str, method: str = "GET", **extra: str) -> dict[str, str]:
    return {"origin": origin, "access-control-request-method": method, **extra}


REQUESTS = [
    ("OPTIONS", "/items/1", preflight("https://a.example")),
    ("OPTIONS", "/items/1", preflight("https://evil.example")),
    ("OPTIONS", "/items/1", preflight("https://a.example", "DELETE")),
    ("OPTIONS", "/nowhere", preflight("https://a.example", "POST",
                                      **{"access-control-request-headers": "X-Custom, Accept"})),
    ("OPTIONS", "/items/1", preflight("https://a.example", "GET",
                                      **{"access-control-request-headers": "X-Other"})),
    ("OPTIONS", "/items/1", preflight("https://x.example.org", "GET",
                                      **{"access-control-request-private-network": "true"})),
    ("OPTIONS", "/items/1", {"origin": "https://a.example"}),  # no request method: not one
    ("GET", "/items/1", {"origin": "https://a.example"}),
    ("GET", "/items/1", {"origin": "https://x.example.org"}),
    ("GET", "/items/1", {"origin": "https://evil.example"}),
    ("GET", "/items/1", {}),
    ("GET", "/items/x", {"origin": "https://a.example"}),  # 422
    ("GET", "/missing", {"origin": "https://a.example"}),  # 404
    ("POST", "/items", {"origin": "https://a.example"}),  # its own Vary kept
]


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("method,path,headers", REQUESTS)
def test_same_answers(config: str, method: str, path: str, headers: dict[str, str]) -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        with ns.TestClient(build(ns, config)) as client:
            r = client.request(method, path, headers=headers)
            seen.append((r.status_code, r.content, {h: r.headers.get(h) for h in HEADERS}))
    assert seen[1] == seen[0]


def test_other_middleware_is_refused() -> None:
    class Custom:
        def __init__(self, app: Any) -> None:
            self.app = app

    app = data_bridge.FastAPI()
    app.add_middleware(Custom)
    with pytest.raises(TypeError, match="not supported yet"):
        app.build()
