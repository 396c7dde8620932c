"""What a FastAPI handler returns becomes the same response here as under FastAPI: values
through jsonable_encoder as JSON, Response objects as they are, response_class= and
status_code= applied."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import types
import uuid
from typing import Any

import pytest

from tests.compat.differential import Pair, namespace


class Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    at: datetime.date


VALUES: dict[str, Any] = {
    "str": "hello", "empty": "", "unicode": "caf\u00e9 \u2603", "none": None, "true": True,
    "int": 7, "float": 2.5, "list": [1, "a", None], "tuple": (1, 2), "dict": {"a": {"b": [1]}},
    "intkey": {1: "one"}, "bytes": b"raw", "date": datetime.date(2026, 12, 4),
    "datetime": datetime.datetime(2026, 12, 4, 19, 30, 5, 7), "uuid": uuid.UUID(int=42),
    "decimal": decimal.Decimal("1.50"), "decimalint": decimal.Decimal("3"),
    "timedelta": datetime.timedelta(minutes=2), "enum": Colour.RED, "set": {3},
    "dataclass": Point(1, datetime.date(2020, 1, 1)), "nested": [Point(2, datetime.date(2021, 2, 2))],
}


def build(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()
    r = ns.responses

    def returning(value: Any) -> Any:
        def handler():  # no annotation: no response model (jsonable_encoder)
            return value
        return handler

    for name, value in VALUES.items():
        app.get(f"/value/{name}")(returning(value))

    @app.get("/async")
    async def async_value():
        return {"async": True}

    @app.post("/created", status_code=201)
    def created():
        return {"id": 1}

    @app.get("/json-response")
    def json_response():
        return r.JSONResponse({"x": 1}, status_code=202, headers={"X-A": "1"})

    @app.get("/plain")
    def plain():
        return r.PlainTextResponse("plain text")

    @app.get("/html", response_class=r.HTMLResponse)
    def html():
        return "<b>bold</b>"

    @app.get("/text-class", response_class=r.PlainTextResponse)
    async def text_class():
        return "as text"

    @app.get("/text-class-status", response_class=r.PlainTextResponse, status_code=202)
    def text_class_status():
        return "accepted"

    @app.get("/redirect")
    def redirect():
        return r.RedirectResponse("/value/int")

    @app.get("/teapot")
    def teapot():
        raise ns.HTTPException(418, detail={"why": "teapot"}, headers={"X-T": "1"})

    @app.get("/nan")
    def nan():
        return float("nan")

    return app


@pytest.fixture(scope="module")
def pair() -> Any:
    with Pair(build) as p:
        yield p


@pytest.mark.parametrize("name", sorted(VALUES))
def test_returned_values(pair: Pair, name: str) -> None:
    pair.same("GET", f"/value/{name}")


@pytest.mark.parametrize("path", ["/async", "/json-response", "/plain", "/html", "/text-class",
                                  "/text-class-status", "/teapot", "/missing"])
def test_responses_and_classes(pair: Pair, path: str) -> None:
    pair.same("GET", path)


def test_status_code_and_redirects(pair: Pair) -> None:
    pair.same("POST", "/created")
    pair.same("GET", "/redirect")
    pair.same("GET", "/redirect", follow_redirects=False)


def test_unencodable_value_is_a_server_error(pair: Pair) -> None:
    with pytest.raises(ValueError):
        pair.theirs.get("/nan")
    with pytest.raises(ValueError):
        pair.ours.get("/nan")


def threads(ns: types.SimpleNamespace) -> Any:
    import asyncio
    app = ns.FastAPI()

    def in_loop() -> bool:
        try:
            asyncio.get_running_loop()
            return True
        except RuntimeError:
            return False

    @app.get("/sync")
    def sync_endpoint():
        return {"in_loop": in_loop()}

    @app.get("/async")
    async def async_endpoint():
        return {"in_loop": in_loop()}

    return app


def test_plain_endpoints_run_in_a_worker_thread() -> None:
    with Pair(threads) as pair:
        assert pair.same("GET", "/sync").json() == {"in_loop": False}
        assert pair.same("GET", "/async").json() == {"in_loop": True}


def test_the_app_and_the_route_can_keep_them_inline() -> None:
    import data_bridge
    from data_bridge.testclient import TestClient
    app = data_bridge.App()
    fast = data_bridge.FastAPI()
    for target, path in ((app, "/default"), (fast, "/inline")):
        @target.get(path, run_sync_inline=True if target is fast else None)
        def endpoint():
            import asyncio
            asyncio.get_running_loop()  # raises outside the loop
            return "inline"
        with TestClient(target) as client:
            assert client.get(path).status_code == 200


def test_file_responses(tmp_path: Any) -> None:
    """FileResponse as Starlette's: the body, media type, disposition (plain and RFC 6266
    filename*), Last-Modified and ETag; a missing file is a server error."""
    plain = tmp_path / "report.csv"
    plain.write_text("a,b\n1,2\n")
    page = tmp_path / "page.html"
    page.write_text("<p>hi</p>")

    def build(ns: Any) -> Any:
        app = ns.FastAPI()

        @app.get("/csv")
        def csv():
            return ns.responses.FileResponse(plain, filename="report.csv")

        @app.get("/unicode")
        def unicode():
            return ns.responses.FileResponse(plain, filename="rapport é.csv",
                                             content_disposition_type="inline")

        @app.get("/html")
        async def html():
            return ns.responses.FileResponse(str(page))

        @app.get("/missing")
        def missing():
            return ns.responses.FileResponse(tmp_path / "nothing.txt")
        return app

    headers = ["content-type", "content-disposition", "last-modified", "etag",
               "content-length"]
    for path in ["/csv", "/unicode", "/html", "/missing"]:
        seen = []
        for which in ("fastapi", "data_bridge"):
            ns = namespace(which)
            with ns.TestClient(build(ns), raise_server_exceptions=False) as client:
                r = client.get(path)
                seen.append((r.status_code, r.content if r.status_code == 200 else b"",
                             {h: r.headers.get(h) for h in headers} if r.status_code == 200
                             else None))
        assert seen[1] == seen[0], path
