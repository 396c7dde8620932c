# No `from __future__ import annotations`: handlers annotate with local names.
"""app.exception_handler as FastAPI applies it, side by side: custom exception classes
(by MRO), HTTPException overridden (registered with Starlette's class, as FastAPI apps
do), a status code's handler, sync and async handlers, the defaults reused, a handler for
Exception, and a RequestValidationError a handler raises itself."""

import types
from typing import Any

import pytest
from starlette.exceptions import HTTPException as StarletteHTTPException

import data_bridge
import data_bridge.exception_handlers
import fastapi
import fastapi.exception_handlers
from tests.compat.differential import Pair, namespace


class AppError(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


class NotFoundError(AppError):
    pass


def build(ns: types.SimpleNamespace, with_catch_all: bool = False) -> Any:
    ours = ns.FastAPI is data_bridge.FastAPI
    defaults = data_bridge.exception_handlers if ours else fastapi.exception_handlers
    exceptions = data_bridge if ours else fastapi.exceptions
    app = ns.FastAPI()

    @app.exception_handler(AppError)
    async def app_error(request: ns.Request, exc: AppError):
        return ns.responses.JSONResponse({"app_error": exc.code, "path": request.url.path},
                                         status_code=409)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: ns.Request, exc: Any):
        if exc.status_code == 401:
            return ns.responses.PlainTextResponse(f"custom {exc.detail}", status_code=401,
                                                  headers=exc.headers)
        return await defaults.http_exception_handler(request, exc)

    @app.exception_handler(418)
    def teapot(request: ns.Request, exc: Any):
        return ns.responses.JSONResponse({"teapot": True}, status_code=418)

    @app.exception_handler(exceptions.RequestValidationError)
    async def invalid(request: ns.Request, exc: Any):
        return ns.responses.JSONResponse({"invalid": exc.errors()}, status_code=400)

    if with_catch_all:
        @app.exception_handler(Exception)
        async def everything(request: ns.Request, exc: Exception):
            return ns.responses.JSONResponse({"caught": type(exc).__name__}, status_code=500)

    @app.get("/app-error")
    def raise_app_error():
        raise AppError("boom")

    @app.get("/subclass")
    async def raise_subclass():
        raise NotFoundError("missing")

    @app.get("/http/{status}")
    def raise_http(status: int):
        raise ns.HTTPException(status, detail=f"status {status}", headers={"X-S": str(status)})

    @app.get("/manual-invalid")
    def manual_invalid():
        raise exceptions.RequestValidationError([{"type": "value_error", "loc": ["x"],
                                                  "msg": "bad", "input": 1}])

    @app.get("/plain-error")
    def plain_error():
        raise KeyError("unhandled")

    @app.get("/fine")
    def fine(request: ns.Request):
        return {"ok": request.url.path}

    return app


@pytest.fixture(scope="module")
def pair() -> Any:
    with Pair(build) as p:
        yield p


@pytest.mark.parametrize("path", ["/app-error", "/subclass", "/http/401", "/http/404",
                                  "/http/418", "/http/204", "/manual-invalid", "/fine"])
def test_handled_as_fastapi_handles(pair: Pair, path: str) -> None:
    pair.same("GET", path)


def test_unhandled_and_catch_all() -> None:
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        with ns.TestClient(build(ns)) as client:
            with pytest.raises(KeyError):
                client.get("/plain-error")
        with ns.TestClient(build(ns, with_catch_all=True), raise_server_exceptions=False) as c:
            r = c.get("/plain-error")
            assert (r.status_code, r.json()) == (500, {"caught": "KeyError"}), which
            assert c.get("/app-error").status_code == 409  # the specific handler still wins
        with ns.TestClient(build(ns, with_catch_all=True)) as c:
            with pytest.raises(KeyError):  # answered, and still raised to the test
                c.get("/plain-error")


def validation(ns: types.SimpleNamespace) -> Any:
    import dataclasses
    ours = ns.FastAPI is data_bridge.FastAPI
    exceptions = data_bridge if ours else fastapi.exceptions
    app = ns.FastAPI()

    @app.exception_handler(exceptions.RequestValidationError)
    async def invalid(request: ns.Request, exc: Any):
        return ns.responses.JSONResponse(
            {"errors": [[e["type"], list(e["loc"])] for e in exc.errors()], "body": exc.body,
             "path": request.url.path}, status_code=400)

    @dataclasses.dataclass
    class Item:
        name: str
        price: float

    if not ours:  # FastAPI bodies are pydantic models; the same fields
        import pydantic
        Item = pydantic.create_model("Item", name=(str, ...), price=(float, ...))  # type: ignore

    @app.get("/items/{item_id}")
    def get_item(item_id: int, q: int = 0):
        return {"id": item_id, "q": q}

    @app.post("/items")
    def create(item: Item):  # type: ignore[valid-type]
        return {"name": item.name}

    return app


@pytest.mark.parametrize("method,path,kwargs", [
    ("GET", "/items/x", {}), ("GET", "/items/1?q=no", {}), ("GET", "/items/2", {}),
    ("POST", "/items", {"json": {"name": "a"}}), ("POST", "/items", {"json": {"name": "a",
                                                                             "price": "x"}}),
    ("POST", "/items", {"json": {"name": "a", "price": 1.5}}),
])
def test_native_validation_failures_reach_the_handler(method: str, path: str,
                                                      kwargs: dict) -> None:
    with Pair(validation) as pair:
        pair.same(method, path, **kwargs)


def not_found_pages(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()

    @app.exception_handler(404)
    async def missing(request: ns.Request, exc: Any):
        return ns.responses.HTMLResponse(f"<h1>no {request.url.path}</h1>", status_code=404)

    @app.get("/there")
    def there():
        return "here"

    @app.get("/raises-404")
    def raises():
        raise ns.HTTPException(404, "gone")

    return app


@pytest.mark.parametrize("method,path", [("GET", "/nowhere"), ("POST", "/there"),
                                         ("GET", "/there"), ("GET", "/raises-404"),
                                         ("GET", "/there/")])
def test_unrouted_requests_reach_status_handlers(method: str, path: str) -> None:
    with Pair(not_found_pages) as pair:
        want = pair.same(method, path)
        assert pair.ours.request(method, path).headers.get("allow") == want.headers.get("allow")


@pytest.mark.parametrize("method,path", [("GET", "/nowhere"), ("PUT", "/fine")])
def test_unrouted_requests_reach_the_http_exception_handler(pair: Pair, method: str,
                                                            path: str) -> None:
    want = pair.same(method, path)
    assert pair.ours.request(method, path).headers.get("allow") == want.headers.get("allow")
