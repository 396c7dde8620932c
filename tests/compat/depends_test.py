# No `from __future__ import annotations`: handlers annotate with local names.
"""Dependency injection as FastAPI runs it, side by side: functions, coroutines, classes,
generators (teardown after the response, the handler's exception thrown in, one that
swallows it), sub-dependencies, per-request caching, dependencies= on the route, router and
app, a dependency's own parameters validated with the route's in one 422, Security scopes,
a Response parameter, and dependency_overrides set before and after the server starts."""

import types
from typing import Annotated, Any, Optional

import pytest

from tests.compat.differential import Pair, namespace


def build(ns: types.SimpleNamespace, log: list[str]) -> Any:
    Depends, Header, Query, Security = ns.Depends, ns.Header, ns.Query, ns.Security
    HTTPException, Response = ns.HTTPException, ns.Response

    async def common(q: Optional[str] = None, skip: int = 0, limit: Annotated[int, Query(le=50)] = 10):
        return {"q": q, "skip": skip, "limit": limit}

    class Commons:
        def __init__(self, q: Optional[str] = None, skip: int = 0):
            self.q, self.skip = q, skip

    def counter():
        log.append("counter")
        return len(log)

    def uses_counter(a: int = Depends(counter)):
        return a

    async def get_db():
        log.append("db open")
        try:
            yield "db"
        except HTTPException as exc:
            log.append(f"db saw {exc.status_code}")
            raise
        finally:
            log.append("db close")

    def sync_resource():
        log.append("sync open")
        yield "res"
        log.append("sync close")

    async def swallowing():
        try:
            yield "s"
        except Exception:
            log.append("swallowed")

    def verify_token(x_token: Annotated[str, Header()]):
        if x_token != "secret":
            raise HTTPException(status_code=400, detail="X-Token header invalid")

    def verify_key(x_key: str = Header()):
        log.append(f"key {x_key}")
        return x_key

    def scoped(scopes: ns.security.SecurityScopes):
        return scopes.scopes

    def user(scopes: ns.security.SecurityScopes, who: str = "alice"):
        return {"who": who, "scopes": scopes.scopes, "str": scopes.scope_str}

    app = ns.FastAPI(dependencies=[Depends(verify_key)])
    router = ns.APIRouter(prefix="/r", dependencies=[Depends(verify_token)])

    @app.get("/items")
    async def items(commons: Annotated[dict, Depends(common)], db: str = Depends(get_db)):
        log.append("handler")
        return {"commons": commons, "db": db}

    @app.get("/class")
    def by_class(c: Commons = Depends()):
        return {"q": c.q, "skip": c.skip}

    @app.get("/cached")
    def cached(a: int = Depends(counter), b: int = Depends(uses_counter),
               c: int = Depends(counter, use_cache=False)):
        return [a, b, c]

    @app.get("/raises/{code}")
    async def raises(code: int, db: str = Depends(get_db), res: str = Depends(sync_resource)):
        if code:
            raise HTTPException(status_code=code, detail="asked to")
        return {"db": db, "res": res}

    @app.get("/swallow")
    async def swallow(s: str = Depends(swallowing)):
        raise HTTPException(status_code=418, detail="teapot")

    @app.get("/secure")
    def secure(u: dict = Security(user, scopes=["items"]),
               s: list = Security(scoped, scopes=["me", "items"])):
        return {"user": u, "scoped": s}

    @app.post("/status", status_code=201)
    def with_response(response: Response, db: str = Depends(get_db)):
        response.headers["x-extra"] = "1"
        response.status_code = 202
        return {"db": db}

    @app.get("/route-deps", dependencies=[Depends(verify_token)])
    def route_deps():
        return "ok"

    @router.get("/in-router")
    def in_router(k: str = Depends(verify_key)):
        return {"k": k}

    app.include_router(router)
    return app, common, get_db


HEADERS = {"x-key": "k1", "x-token": "secret"}
CASES = [
    ("GET", "/items?q=a&limit=3", HEADERS),
    ("GET", "/items?limit=x&skip=y", HEADERS),  # both of the dependency's: one 422
    ("GET", "/items?limit=99", {}),  # a missing header and a bound, in one 422
    ("GET", "/class?skip=2", HEADERS),
    ("GET", "/cached", HEADERS),
    ("GET", "/raises/0", HEADERS),
    ("GET", "/raises/404", HEADERS),
    ("GET", "/secure?who=bob", HEADERS),
    ("POST", "/status", HEADERS),
    ("GET", "/route-deps", HEADERS),
    ("GET", "/route-deps", {"x-key": "k1", "x-token": "wrong"}),
    ("GET", "/r/in-router", HEADERS),
    ("GET", "/r/in-router", {"x-key": "k1"}),
]


@pytest.mark.parametrize("method,path,headers", CASES)
def test_same_answers_and_order(method: str, path: str, headers: dict[str, str]) -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns, log = namespace(which), []
        app, _, _ = build(ns, log)
        with ns.TestClient(app) as client:
            r = client.request(method, path, headers=headers)
            # A request that fails validation: FastAPI still calls the dependencies whose
            # own parameters were valid; here none is called (validation is native, before
            # any Python runs). The answer is the same.
            calls = list(log) if r.status_code != 422 else None
            seen.append((r.status_code, r.headers.get("content-type"), r.json(),
                         r.headers.get("x-extra"), calls))
    assert seen[1] == seen[0]


def test_a_swallowed_exception_is_an_error() -> None:
    """A generator that swallows the handler's exception leaves no response: FastAPIError
    (raised by TestClient; a 500 without it)."""
    for which in ("fastapi", "data_bridge"):
        ns, log = namespace(which), []
        app, _, _ = build(ns, log)
        with ns.TestClient(app) as client:
            with pytest.raises(Exception) as raised:
                client.get("/swallow", headers=HEADERS)
            assert type(raised.value).__name__ == "FastAPIError"
        with ns.TestClient(app, raise_server_exceptions=False) as client:
            assert client.get("/swallow", headers=HEADERS).status_code == 500
        assert "swallowed" in log


def test_overrides() -> None:
    """Set before the server starts (planned: the original's parameters are no longer
    read) and changed while it runs (looked up per request), then cleared."""
    answers = []
    for which in ("fastapi", "data_bridge"):
        ns, log = namespace(which), []
        app, common, get_db = build(ns, log)

        def fake_common(limit: int = 1):
            return {"fake": True, "limit": limit}

        async def fake_db():
            yield "fake db"

        app.dependency_overrides[common] = fake_common
        got = []
        with ns.TestClient(app) as client:
            got.append(client.get("/items?limit=77", headers=HEADERS).json())
            app.dependency_overrides[get_db] = fake_db
            got.append(client.get("/items", headers=HEADERS).json())
            app.dependency_overrides.clear()
            got.append(client.get("/items?limit=5", headers=HEADERS).json())
        answers.append(got)
    assert answers[1] == answers[0]


def test_one_pair_shape() -> None:
    """The differential helper over dependency routes (statuses and bodies)."""
    def only_app(ns: types.SimpleNamespace) -> Any:
        return build(ns, [])[0]
    with Pair(only_app) as pair:
        pair.same("GET", "/class?q=z", headers=HEADERS)
        pair.same("GET", "/class", headers={})
