# No `from __future__ import annotations`: handlers annotate with local names.
"""How FastAPI reads a JSON body by its Content-Type: application/json and +json types
parsed; a body without a Content-Type not taken for JSON (strict_content_type, the default:
a browser's cross-site request without one cannot pass for JSON) and one of another type
validated as it is, so a model or a dict refuses it with pydantic's type error (never a
415); with strict_content_type=False a body without a Content-Type is JSON again. Several
parameters' errors come in FastAPI's order (path, query, header, cookie, body), with those
pydantic checks in Python joining the native ones."""

import datetime
import types
from typing import Annotated, Any

from pydantic import BaseModel, field_validator

from tests.compat.differential import Pair, suite


class Item(BaseModel):
    name: str
    price: float = 0


class Checked(BaseModel):
    name: str
    when: datetime.date

    @field_validator("name")
    @classmethod
    def not_bad(cls, v: str) -> str:
        if v == "bad":
            raise ValueError("no bad names")
        return v.upper()


def build(ns: types.SimpleNamespace, strict: bool = True) -> Any:
    app = ns.FastAPI(strict_content_type=strict)
    Body, Query, Header = ns.Body, ns.Query, ns.Header

    @app.post("/model")
    def model(item: Item):
        return item

    @app.post("/dict")
    def as_dict(data: dict[str, int]):
        return data

    @app.post("/text")
    def text(data: Annotated[str, Body()]):
        return {"data": data}

    @app.post("/embedded")
    def embedded(item: Annotated[Item, Body(embed=True)]):
        return item

    @app.post("/mixed/{n}")
    def mixed(n: int, item: Checked, q: int = 0, x_token: Annotated[int, Header()] = 1,
              when: datetime.datetime | None = None):
        return {"n": n, "item": item, "q": q}

    return app


J = '{"name": "pen", "price": 2}'
CASES = [
    ("/model", {"content": J, "headers": {"content-type": "application/json"}}),
    ("/model", {"content": J, "headers": {"content-type": "application/vnd.api+json"}}),
    ("/model", {"content": J}),
    ("/model", {"content": J, "headers": {"content-type": "text/plain"}}),
    ("/model", {"content": J, "headers": {"content-type": "application/xml"}}),
    ("/model", {"content": "{bad"}),
    ("/dict", {"content": '{"a": 1}'}),
    ("/dict", {"content": '{"a": 1}', "headers": {"content-type": "text/plain"}}),
    ("/text", {"content": '"quoted"'}),
    ("/text", {"content": "plain words", "headers": {"content-type": "text/plain"}}),
    ("/embedded", {"content": '{"item": {"name": "x"}}'}),
    ("/embedded", {"content": '{"item": {"name": "x"}}', "headers": {"content-type": "text/plain"}}),
    ("/mixed/1?q=x", {"json": {"name": "bad", "when": "2020-01-01"}}),
    ("/mixed/z?q=x&when=nope", {"json": {"name": "ok", "when": "never"},
                                "headers": {"x-token": "t"}}),
    ("/mixed/1?q=1.5", {"content": "{bad"}),
    ("/mixed/1?when=2020-01-01T00:00:00", {"json": {"name": "ok", "when": "2020-01-01"}}),
]

pair, test_same_answers, test_the_document_is_fastapis = suite(build, CASES)


def test_without_strict_content_type_a_body_without_one_is_json() -> None:
    with Pair(lambda ns: build(ns, strict=False)) as lenient:
        assert lenient.same("POST", "/model", content=J).status_code == 200
        assert lenient.same("POST", "/model", content="{bad").status_code == 422
        lenient.same("POST", "/model", content=J, headers={"content-type": "text/plain"})
