# No `from __future__ import annotations`: handlers annotate with local names.
"""APIRouter prefixes and tags as FastAPI combines them: nested routers, include-time
prefixes and tags, a router's root path, the same answers from both."""

import types
from typing import Any

import pytest

import data_bridge
import fastapi
from tests.compat.differential import Pair


def build(ns: types.SimpleNamespace) -> Any:
    mod = fastapi if ns.FastAPI is fastapi.FastAPI else data_bridge
    app = ns.FastAPI()
    users = mod.APIRouter(prefix="/users", tags=["users"])
    admin = mod.APIRouter(prefix="/admin", tags=["admin"])
    plain = mod.APIRouter()

    @users.get("/{user_id}", tags=["one"])
    def get_user(user_id: int):
        return {"user": user_id}

    @users.get("")
    def list_users():
        return ["a", "b"]

    @admin.post("/reset")
    def reset():
        return {"reset": True}

    @plain.get("/health")
    def health():
        return "ok"

    users.include_router(admin, prefix="/x", tags=["nested"])
    app.include_router(users, prefix="/v1", tags=["v1"])
    app.include_router(plain)
    return app


@pytest.fixture(scope="module")
def pair() -> Any:
    with Pair(build) as p:
        yield p


@pytest.mark.parametrize("method,path", [
    ("GET", "/v1/users/3"), ("GET", "/v1/users"), ("POST", "/v1/users/x/admin/reset"),
    ("GET", "/health"), ("GET", "/users/3"), ("GET", "/v1/users/x"), ("POST", "/v1/users"),
])
def test_same_answers(pair: Pair, method: str, path: str) -> None:
    pair.same(method, path)


def test_tags_combine_as_fastapis() -> None:
    app = build(types.SimpleNamespace(FastAPI=data_bridge.FastAPI))
    theirs = build(types.SimpleNamespace(FastAPI=fastapi.FastAPI)).openapi()["paths"]
    ours = {r.path: r.tags for r in app.routes}
    for path, tags in ours.items():
        (operation,) = theirs[path].values()
        assert operation.get("tags", []) == tags, path


def test_prefix_rules() -> None:
    for mod in (fastapi, data_bridge):
        with pytest.raises(AssertionError):
            mod.APIRouter(prefix="users")
        with pytest.raises(AssertionError):
            mod.APIRouter(prefix="/users/")
        root = mod.APIRouter()
        root.get("")(lambda: 1)
        with pytest.raises(Exception, match="Prefix and path cannot be both empty"):
            mod.FastAPI().include_router(root)


def slashes(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()

    @app.get("/items/")
    def items():
        return ["a"]

    @app.get("/item")
    def item():
        return "one"

    @app.post("/only-post/")
    def only_post():
        return "posted"

    return app


@pytest.mark.parametrize("method,path", [
    ("GET", "/items"), ("GET", "/items/"), ("GET", "/item/"), ("GET", "/item"),
    ("GET", "/items?x=1&y=2"), ("GET", "/nothing/"), ("GET", "/"), ("GET", "/only-post"),
    ("POST", "/only-post"), ("DELETE", "/items"),
])
def test_redirect_slashes(method: str, path: str) -> None:
    with Pair(slashes) as pair:
        for follow in (False, True):
            want = pair.same(method, path, follow_redirects=follow)
            got = pair.ours.request(method, path, follow_redirects=False)
            if not follow:
                assert got.headers.get("location") == want.headers.get("location")


def test_app_keeps_its_own_default() -> None:
    from data_bridge.testclient import TestClient
    app = data_bridge.App()

    @app.get("/items/")
    def items():
        return ["a"]
    with TestClient(app) as client:
        assert client.get("/items", follow_redirects=False).status_code == 404


def documented(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()

    @app.get("/described", description="From the option", summary="Short",
             response_description="The thing", deprecated=True, operation_id="getDescribed")
    def described():
        """From the docstring."""
        return 1

    @app.get("/docstring")
    def docstring():
        """Line one.

            Indented detail.
        """
        return 2

    @app.post("/hidden", include_in_schema=False, status_code=202)
    def hidden():
        return 3

    return app


def test_documentation_options_as_fastapis() -> None:
    theirs = documented(types.SimpleNamespace(FastAPI=fastapi.FastAPI)).openapi()["paths"]
    ours = documented(types.SimpleNamespace(FastAPI=data_bridge.FastAPI)).openapi()["paths"]
    assert sorted(ours) == sorted(theirs) == ["/described", "/docstring"]
    for path in ours:
        (ours_op,), (their_op,) = ours[path].values(), theirs[path].values()
        for key in ("summary", "description", "deprecated"):
            assert ours_op.get(key) == their_op.get(key), (path, key)
        assert ours_op["responses"]["200"]["description"] == \
            their_op["responses"]["200"]["description"]
    assert ours["/described"]["get"]["operationId"] == "getDescribed"
    with Pair(documented) as pair:
        pair.same("POST", "/hidden")  # served all the same


@pytest.mark.parametrize("method,path", [("GET", "/nowhere"), ("DELETE", "/v1/users/3"),
                                         ("PUT", "/health"), ("GET", "/v1/users/3/extra"),
                                         ("HEAD", "/health"), ("OPTIONS", "/health")])
def test_unrouted_requests(pair: Pair, method: str, path: str) -> None:
    want = pair.same(method, path)
    got = pair.ours.request(method, path)
    assert got.headers.get("allow") == want.headers.get("allow")
