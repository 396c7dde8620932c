"""TestClient against a real App, as a FastAPI test would use it (compat environment: a
current httpx)."""

from __future__ import annotations

from typing import Annotated, Any

import pytest

from data_bridge import App, Depends, FastAPI, HTTPException, Request
from data_bridge.responses import PlainTextResponse, RedirectResponse
from data_bridge.testclient import TestClient

app = App(title="t")


@app.get("/items/{item_id}")
async def item(item_id: int) -> dict[str, Any]:
    return {"id": item_id}


@app.post("/echo")
async def echo(request: Request) -> dict[str, Any]:
    return {"json": await request.json(), "url": str(request.url),
            "agent": request.headers["user-agent"]}


@app.get("/login")
def login() -> PlainTextResponse:
    r = PlainTextResponse("in")
    r.set_cookie("session", "s1", httponly=True)
    return r


@app.get("/whoami")
def whoami(request: Request) -> dict[str, Any]:
    return {"cookie": request.headers.get("cookie")}


@app.get("/old")
def old() -> RedirectResponse:
    return RedirectResponse("/items/7")


@app.get("/boom")
def boom() -> dict[str, Any]:
    raise KeyError("boom")


@app.get("/teapot")
def teapot() -> dict[str, Any]:
    raise HTTPException(418, "short and stout")


def test_requests_reach_the_real_server() -> None:
    client = TestClient(app)
    assert client.get("/items/3").json() == {"id": 3}
    assert client.get("/items/x").status_code == 422
    r = client.post("/echo?x=1", json={"a": [1]})
    assert r.json() == {"json": {"a": [1]}, "url": "http://testserver/echo?x=1",
                        "agent": "testclient"}
    client.close()


def test_cookies_redirects_and_http_errors() -> None:
    with TestClient(app) as client:
        assert client.get("/login").text == "in"
        assert client.get("/whoami").json() == {"cookie": "session=s1"}
        r = client.get("/old")
        assert r.status_code == 200 and r.json() == {"id": 7}
        assert [h.status_code for h in r.history] == [307]
        assert client.get("/old", follow_redirects=False).headers["location"] == "/items/7"
        r = client.get("/teapot")
        assert r.status_code == 418 and r.json() == {"detail": "short and stout"}


def test_server_exceptions_are_raised_or_answered() -> None:
    with TestClient(app) as client:
        with pytest.raises(KeyError, match="boom"):
            client.get("/boom")
        assert client.get("/items/1").status_code == 200  # nothing left over
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/boom")
        assert r.status_code == 500


def test_base_url_and_headers() -> None:
    with TestClient(app, base_url="http://example.org", headers={"user-agent": "me"}) as c:
        assert c.post("/echo", json={}).json()["url"] == "http://example.org/echo"
        assert c.post("/echo", json=1).json()["agent"] == "me"


async def common(q: str | None = None, skip: int = 0, limit: int = 100) -> dict[str, Any]:
    return {"q": q, "skip": skip, "limit": limit}


async def fewer(q: str | None = None) -> dict[str, Any]:
    return {"q": q, "skip": 5, "limit": 10}


overridden = FastAPI()


@overridden.get("/items")
async def items(params: Annotated[dict[str, Any], Depends(common)]) -> dict[str, Any]:
    return params


def test_dependency_overrides_changed_between_requests() -> None:
    # A module-level client (no `with`) whose app's overrides change between tests: each
    # request is served as planned with the overrides of that moment, parameters included.
    api = overridden
    client = TestClient(api)
    url = "/items?q=x&skip=1&limit=2"
    api.dependency_overrides[common] = fewer  # planned first with the override's parameters
    assert client.get(url).json() == {"q": "x", "skip": 5, "limit": 10}
    api.dependency_overrides.clear()
    assert client.get(url).json() == {"q": "x", "skip": 1, "limit": 2}
    api.dependency_overrides[common] = fewer
    assert client.get(url).json() == {"q": "x", "skip": 5, "limit": 10}
    api.dependency_overrides = None  # type: ignore[assignment]  # as FastAPI's tutorial does
    assert client.get(url).json() == {"q": "x", "skip": 1, "limit": 2}
    client.close()


@overridden.get("/whoami")
async def client_address(request: Request) -> dict[str, Any]:
    return {"client": list(request.client or ()), "scope": list(request.scope["client"])}


def test_requests_report_the_testclient_as_their_client() -> None:
    # As Starlette's TestClient: ("testclient", 50000), though a real socket carries them.
    with TestClient(overridden) as client:
        assert client.get("/whoami").json() == {"client": ["testclient", 50000],
                                                "scope": ["testclient", 50000]}
