# No `from __future__ import annotations`: handlers annotate with local names.
"""Custom route classes as FastAPI documents them: an APIRoute subclass whose
get_route_handler() wraps the original handler, set with APIRouter(route_class=) or
`app.router.route_class = ...`, kept through include_router; the wrapper sees the Request,
the Response the endpoint made, and what the original raises (RequestValidationError,
HTTPException) before the app's exception handlers do."""

import types
from typing import Any, Callable

import pytest

from tests.compat.differential import Pair


def build(ns: types.SimpleNamespace) -> Any:
    routing = ns.routing
    RequestValidationError = ns.exceptions.RequestValidationError

    class StampedRoute(routing.APIRoute):
        def get_route_handler(self) -> Callable:
            original = super().get_route_handler()

            async def handler(request: ns.Request) -> ns.Response:
                response = await original(request)
                response.headers["X-Route"] = f"{self.name} {request.method} {request.url.path}"
                return response
            return handler

    class ValidationBodyRoute(routing.APIRoute):
        def get_route_handler(self) -> Callable:
            original = super().get_route_handler()

            async def handler(request: ns.Request) -> ns.Response:
                try:
                    return await original(request)
                except RequestValidationError as exc:
                    body = await request.body()
                    return ns.responses.JSONResponse(
                        status_code=422,
                        content={"errors": [e["loc"] for e in exc.errors()],
                                 "body": body.decode()})
                except ns.HTTPException as exc:
                    return ns.responses.JSONResponse(status_code=exc.status_code,
                                                     content={"wrapped": exc.detail})
            return handler

    app = ns.FastAPI()
    app.router.route_class = StampedRoute

    @app.get("/items/{item_id}")
    def item(item_id: int, q: str = "x"):
        return {"item_id": item_id, "q": q}

    router = ns.APIRouter(route_class=ValidationBodyRoute)

    @router.post("/sum")
    def total(numbers: list[int], limit: int = 10):
        if sum(numbers) > limit:
            raise ns.HTTPException(400, "too much")
        return sum(numbers)

    app.include_router(router, prefix="/math")
    return app


CASES = [
    ("GET", "/items/3", {}),
    ("GET", "/items/3?q=y", {}),
    ("GET", "/items/three", {}),
    ("POST", "/math/sum", {"json": [1, 2]}),
    ("POST", "/math/sum", {"json": [1, "a"]}),
    ("POST", "/math/sum?limit=x", {"json": [1]}),
    ("POST", "/math/sum", {"json": [8, 9]}),
]


@pytest.mark.parametrize("method,path,kwargs", CASES)
def test_same_answers(method: str, path: str, kwargs: dict[str, Any]) -> None:
    with Pair(build) as pair:
        want = pair.same(method, path, **kwargs)
        got = pair.ours.request(method, path, **kwargs)
        assert got.headers.get("x-route") == want.headers.get("x-route")


def test_included_routes_keep_their_class() -> None:
    from tests.compat.differential import namespace
    ns = namespace("data_bridge")
    app = build(ns)
    assert [type(r).__name__ for r in app.routes] == ["StampedRoute", "ValidationBodyRoute"]
