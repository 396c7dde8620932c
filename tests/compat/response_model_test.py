# No `from __future__ import annotations`: handlers annotate with local names.
"""FastAPI's response_model: given, or inferred from the return annotation; what the
handler returns (but a Response) validated against it (from attributes too) and serialized
by pydantic with response_model_include/exclude/by_alias/exclude_unset/_defaults/_none; a
value that does not fit is a 500 (ResponseValidationError), never sent; the document's
response schema is the model's. Generator endpoints stream JSON lines (application/jsonl),
each item checked against the annotation's item type (AsyncIterable[Item]). Each case is asked of the same app under FastAPI and under
data_bridge; answers must be equal."""

import dataclasses
import datetime
import types
from typing import Any, AsyncIterable, Iterator, Optional, Union

import httpx
import pytest
from pydantic import BaseModel, Field

from tests.compat.differential import Pair, differences, namespace


class UserIn(BaseModel):
    name: str
    password: str
    email: Optional[str] = None


class UserOut(BaseModel):
    name: str
    email: Optional[str] = None


class Item(BaseModel):
    name: str
    description: Optional[str] = None
    price: float
    tax: float = 10.5
    tags: list[str] = []
    seen: Optional[datetime.datetime] = None
    code: str = Field("x", alias="itemCode")


@dataclasses.dataclass
class Row:  # an "ORM object": read from attributes
    name: str
    email: str
    password: str


ITEMS = {"foo": {"name": "Foo", "price": 50.2},
         "bar": {"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2},
         "baz": {"name": "Baz", "description": None, "price": 50.2, "tax": 10.5, "tags": []}}


def build(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()

    @app.post("/user", response_model=UserOut)
    def create(user: UserIn) -> Any:
        return user

    @app.get("/row")
    def row() -> UserOut:
        return Row("ann", "a@x", "secret")  # type: ignore[return-value]

    @app.get("/items/{key}", response_model=Item, response_model_exclude_unset=True)
    def unset(key: str):
        return ITEMS[key]

    @app.get("/defaults/{key}", response_model=Item, response_model_exclude_defaults=True)
    def defaults(key: str):
        return ITEMS[key]

    @app.get("/none/{key}", response_model=Item, response_model_exclude_none=True)
    def none(key: str):
        return ITEMS[key]

    @app.get("/include", response_model=Item, response_model_include={"name", "price"})
    def include():
        return ITEMS["bar"]

    @app.get("/exclude", response_model=Item, response_model_exclude={"tax", "tags"},
             response_model_by_alias=False)
    def exclude():
        return {**ITEMS["bar"], "seen": "2024-01-02T03:04:05Z", "itemCode": "c"}

    @app.get("/list", response_model=list[Item])
    async def many():
        return [ITEMS["foo"], Item(name="N", price=1)]

    @app.get("/bad", response_model=Item)
    def bad():
        return {"name": "x"}

    @app.get("/annotated")
    def annotated() -> dict[str, int]:
        return {"a": "1"}  # type: ignore[dict-item]

    @app.get("/union")
    def union() -> Union[UserOut, Item]:
        return Item(name="i", price=2)

    @app.get("/response")
    def response() -> ns.responses.Response:
        return ns.responses.PlainTextResponse("plain")

    @app.get("/off", response_model=None)
    def off() -> UserIn:
        return {"anything": True}  # type: ignore[return-value]

    @app.get("/stream")  # a generator endpoint: JSON lines, each item checked
    async def stream() -> AsyncIterable[Item]:
        for i in range(3):
            yield Item(name=f"i{i}", price=i)
        yield {"name": "from a dict", "price": "2.5", "itemCode": "c"}

    @app.get("/stream/bad")
    async def bad_stream() -> AsyncIterable[Item]:
        yield {"name": "ok", "price": 1}
        yield {"nope": 1}

    @app.get("/stream/plain", status_code=202)
    def plain_stream():
        yield {"a": 1}
        yield [1, 2]
        yield float("inf")
        yield datetime.date(2024, 1, 2)

    @app.get("/stream/ints")
    def ints() -> Iterator[int]:
        yield from ["1", 2]  # type: ignore[misc]

    router = ns.APIRouter(prefix="/r")

    @router.post("/user", response_model=UserOut, response_model_exclude_none=True)
    def routed(user: UserIn) -> Any:
        return user

    @router.get("/row")
    def routed_row() -> UserOut:
        return Row("bo", "b@x", "secret")  # type: ignore[return-value]

    app.include_router(router)

    @app.get("/status", response_model=UserOut, status_code=201)
    def status(response: ns.Response):
        response.headers["x-made"] = "yes"
        return {"name": "s", "password": "p"}

    return app


CASES = [
    ("POST", "/user", {"json": {"name": "u", "password": "p", "email": "e@x"}}),
    ("GET", "/row", {}),
    *[("GET", f"/{kind}/{key}", {}) for kind in ("items", "defaults", "none")
      for key in ITEMS],
    ("GET", "/include", {}),
    ("GET", "/exclude", {}),
    ("GET", "/list", {}),
    ("GET", "/annotated", {}),
    ("GET", "/union", {}),
    ("GET", "/response", {}),
    ("GET", "/off", {}),
    ("GET", "/status", {}),
    ("POST", "/r/user", {"json": {"name": "u", "password": "p"}}),
    ("GET", "/r/row", {}),
    ("GET", "/stream", {}),
    ("GET", "/stream/plain", {}),
    ("GET", "/stream/ints", {}),
]


@pytest.fixture(scope="module")
def pair() -> Any:
    with Pair(build) as p:
        yield p


@pytest.mark.parametrize("method,path,kwargs", CASES)
def test_same_answers(pair: Pair, method: str, path: str, kwargs: dict[str, Any]) -> None:
    got = pair.same(method, path, **kwargs)
    if path == "/status":
        assert got.headers["x-made"] == "yes"


def test_a_value_that_does_not_fit_is_a_500_never_sent() -> None:
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        with ns.TestClient(build(ns), raise_server_exceptions=False) as client:
            r = client.get("/bad")
            assert (r.status_code, r.text) == (500, "Internal Server Error"), which


def test_a_stream_item_that_does_not_fit_cuts_the_stream_short() -> None:
    # Over a real connection (ours) the body ends before its last chunk; the line that
    # did not fit is never sent.
    ns = namespace("data_bridge")
    with ns.TestClient(build(ns), raise_server_exceptions=False) as client:
        with client.stream("GET", "/stream/bad") as r:
            got = b""
            with pytest.raises(httpx.RemoteProtocolError):
                for chunk in r.iter_bytes():
                    got += chunk
    assert got == b'{"name":"ok","description":null,"price":1.0,"tax":10.5,"tags":[],' \
                  b'"seen":null,"itemCode":"x"}\n'


def test_the_document_is_fastapis() -> None:
    docs = [build(namespace(which)).openapi() for which in ("fastapi", "data_bridge")]
    assert differences(*docs) == []
