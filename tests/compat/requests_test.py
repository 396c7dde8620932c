# No `from __future__ import annotations`: handlers annotate with local names.
"""What a handler reads off its Request is what it reads under FastAPI: method, URL and
its parts, headers (repeated ones too), query parameters, path parameters, cookies, body,
the app, base_url and url_for (app.url_path_for), and a dependency taking an
HTTPConnection."""

import types
from typing import Any

import pytest

import starlette.requests
from data_bridge.requests import parse_cookies
from tests.compat.differential import Pair


def build(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()

    @app.api_route("/echo/{name}", methods=["GET", "POST"])
    async def echo(name: str, request: ns.Request):
        return {
            "method": request.method, "url": str(request.url),
            "url_parts": [request.url.scheme, request.url.netloc, request.url.path,
                          request.url.query],
            "path_params": dict(request.path_params),
            "query": list(request.query_params.multi_items()),
            "headers": [(k, v) for k, v in request.headers.items()
                        if k not in ("host", "content-length", "accept-encoding",
                                     "connection", "user-agent", "accept")],
            "multi": request.headers.getlist("x-multi"),
            "cookies": request.cookies,
            "body": (await request.body()).decode(),
            "json": await request.json() if request.method == "POST" else None,
        }

    @app.get("/files/{rest:path}", name="file")
    def file(rest: str):
        return rest

    def connection_host(conn: ns.HTTPConnection) -> str:
        return conn.url.path

    @app.get("/links/{item_id}")
    def links(item_id: int, request: ns.Request,
              via: str = ns.Depends(connection_host)):
        out = {"base": str(request.base_url), "via": via,
               "same_app": request.app is app,
               "item": str(request.url_for("links", item_id=item_id + 1)),
               "file": str(request.url_for("file", rest="a/b c")),
               "path": app.url_path_for("echo", name="x")}
        for name, params in [("links", {}), ("nowhere", {}), ("echo", {"name": "a/b"})]:
            try:
                request.url_for(name, **params)
                out[name] = "found"
            except Exception as exc:  # noqa: BLE001 - the kind and text compared
                out[name] = f"{type(exc).__name__}: {exc}"
        return out

    return app


@pytest.fixture(scope="module")
def pair() -> Any:
    with Pair(build) as p:
        yield p


@pytest.mark.parametrize("path,kwargs", [
    ("/echo/a", {}),
    ("/echo/b%20c?x=1&x=2&y=&z=%C3%A9", {}),
    ("/echo/c", {"headers": [("X-Multi", "1"), ("x-multi", "2"), ("X-Other", "v")]}),
    ("/echo/d", {"headers": {"Cookie": 'a=1; b="quoted\\"x"; lone; c=3=4;  ; d'}}),
    ("/echo/e", {"method": "POST", "content": b'{"k": [1]}',
                 "headers": {"content-type": "application/json"}}),
])
def test_request_attributes(pair: Pair, path: str, kwargs: dict) -> None:
    method = kwargs.pop("method", "GET")
    pair.same(method, path, **kwargs)


@pytest.mark.parametrize("header", [
    "a=1", "a=1; a=2", " x = y ", "=novalue", "justvalue", 'q="a\\"b"', "u=%20", ";;", "",
    "k=v=w", 'esc="\\073"', "a=1;b", "\u00e9=\u00e8",
])
def test_cookie_parsing_matches_starlettes(header: str) -> None:
    assert parse_cookies(header) == starlette.requests.cookie_parser(header)


def documented_params(ns: types.SimpleNamespace) -> Any:
    import data_bridge
    import fastapi
    mod = fastapi if ns.FastAPI is fastapi.FastAPI else data_bridge
    app = ns.FastAPI()

    @app.get("/search/{kind}")
    def search(
        kind: str = mod.Path(description="What to find", examples=["books"]),
        q: str = mod.Query("x", min_length=1, title="Query", deprecated=True,
                           openapi_examples={"one": {"value": "a"}},
                           json_schema_extra={"x-note": 1}),
        legacy: str = mod.Query("ab", regex="^[a-z]+$", include_in_schema=False),
        token: str = mod.Header("t", example="abc"),
    ):
        return {"kind": kind, "q": q, "legacy": legacy, "token": token}

    return app


@pytest.mark.parametrize("path", ["/search/books", "/search/b?q=&legacy=zz",
                                  "/search/b?legacy=A1", "/search/b?q=k"])
def test_documented_parameters_serve_as_fastapis(path: str) -> None:
    with pytest.warns(UserWarning, match="regex"):
        with Pair(documented_params) as pair:
            pair.same("GET", path)


@pytest.mark.parametrize("path", ["/links/3", "/links/4"])
def test_url_for_and_the_app(pair: Pair, path: str) -> None:
    pair.same("GET", path, headers={"host": "example.com:8080"})
