"""Lifespan as FastAPI runs it, compared side by side: lifespan= (async and plain
generators), its state in request.state, on_event handlers, included routers' lifespans,
a failing startup, and no lifespan outside `with TestClient(...)`."""

# No `from __future__ import annotations`: handlers here annotate with local names
# (ns.Request), which must be evaluated where they are written.
import contextlib
import types
from typing import Any, AsyncIterator, Iterator

import pytest

from tests.compat.differential import namespace


def build(ns: types.SimpleNamespace, log: list[str], kind: str) -> Any:
    if kind == "async":
        @contextlib.asynccontextmanager
        async def lifespan(app: Any) -> AsyncIterator[dict[str, Any]]:
            log.append("start")
            yield {"db": "conn", "n": 1}
            log.append("stop")
        app = ns.FastAPI(lifespan=lifespan)
    elif kind == "generator":
        def gen_lifespan(app: Any) -> Iterator[None]:
            log.append("start")
            yield None
            log.append("stop")
        app = ns.FastAPI(lifespan=gen_lifespan)
    elif kind == "events":
        app = ns.FastAPI()

        @app.on_event("startup")
        async def started() -> None:
            log.append("startup 1")

        @app.on_event("startup")
        def started_sync() -> None:
            log.append("startup 2")

        app.router.add_event_handler("shutdown", lambda: log.append("shutdown"))
    elif kind == "failing":
        @contextlib.asynccontextmanager
        async def failing(app: Any) -> AsyncIterator[None]:
            log.append("start")
            raise ConnectionError("no database")
            yield
        app = ns.FastAPI(lifespan=failing)
    else:
        raise AssertionError(kind)

    @app.get("/state")
    def state(request: ns.Request):
        before = dict(vars(request.state)["_state"])
        request.state.extra = "per request"
        return {"state": before, "log": list(log)}

    return app


@pytest.mark.parametrize("kind", ["async", "generator", "events"])
def test_lifespan_runs_around_serving(kind: str) -> None:
    results = []
    for which in ("fastapi", "data_bridge"):
        ns, log = namespace(which), []
        with ns.TestClient(build(ns, log, kind)) as client:
            first = client.get("/state").json()
            second = client.get("/state").json()  # per-request changes do not stay
        results.append((first, second, log))
    assert results[0] == results[1]


def test_no_lifespan_outside_with() -> None:
    results = []
    for which in ("fastapi", "data_bridge"):
        ns, log = namespace(which), []
        client = ns.TestClient(build(ns, log, "async"))
        results.append((client.get("/state").json(), list(log)))
        client.close()
    assert results[0] == results[1] == ({"state": {}, "log": []}, [])


def test_a_failing_startup_fails_the_with() -> None:
    for which in ("fastapi", "data_bridge"):
        ns, log = namespace(which), []
        with pytest.raises(Exception) as failed:
            with ns.TestClient(build(ns, log, "failing")):
                pass
        cause = failed.value if isinstance(failed.value, ConnectionError) else \
            failed.value.__cause__
        assert isinstance(cause, ConnectionError), (which, failed.value)
        assert log == ["start"]


def test_included_routers_lifespans_merge() -> None:
    @contextlib.asynccontextmanager
    async def outer(app: Any) -> AsyncIterator[dict[str, Any]]:
        yield {"a": "outer", "b": "outer"}

    @contextlib.asynccontextmanager
    async def inner(app: Any) -> AsyncIterator[dict[str, Any]]:
        yield {"b": "inner", "c": "inner"}

    import data_bridge
    import fastapi
    results = []
    for app, router, request_cls in (
            (fastapi.FastAPI(lifespan=outer), fastapi.APIRouter(lifespan=inner), fastapi.Request),
            (data_bridge.FastAPI(lifespan=outer), data_bridge.Router(lifespan=inner),
             data_bridge.Request)):
        @router.get("/s")
        def s(request: request_cls):  # type: ignore[valid-type]
            return dict(vars(request.state)["_state"])
        app.include_router(router)
        client_cls = namespace("fastapi" if isinstance(app, fastapi.FastAPI)
                               else "data_bridge").TestClient
        with client_cls(app) as client:
            results.append(client.get("/s").json())
    assert results[0] == results[1] == {"a": "outer", "b": "outer", "c": "inner"}
