# No `from __future__ import annotations`: handlers annotate with local names.
"""pydantic v2 models as FastAPI takes them: as bodies (nested, constrained, aliased, with
defaults and factories, Optional, Literal, Enum, discriminated unions, dicts, extra
forbidden), validated natively with pydantic's exact errors and built as model_construct
builds them (the fields set are the fields given); and what the native validators do not
do (validators, strict mode, undiscriminated unions, datetime, Decimal, ...) validated by
pydantic for that value, with FastAPI's locations. Each case is asked of the same app
under FastAPI and under data_bridge; answers must be equal."""

import datetime
import decimal
import enum
import types
import uuid
from typing import Annotated, Any, Literal, Optional, Union

import pytest
from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, conint, constr,
                      field_validator, model_validator)

from tests.compat.differential import Pair, suite


class Color(str, enum.Enum):
    red = "red"
    blue = "blue"


class Tag(BaseModel):
    name: str = Field(min_length=2, max_length=8)
    weight: Annotated[float, Field(ge=0, le=1)] = 0.5


class Item(BaseModel):
    """An item."""
    name: str
    price: float = Field(gt=0)
    count: conint(ge=0, multiple_of=2) = 0
    code: constr(pattern=r"^[A-Z]{2}\d$") = "AB1"
    tags: list[Tag] = []
    labels: dict[str, int] = Field(default_factory=dict)
    kind: Literal["a", "b"] = "a"
    color: Optional[Color] = None
    note: Optional[str] = None
    item_id: uuid.UUID = Field(default_factory=lambda: uuid.UUID(int=7), alias="itemId")
    flags: list[bool] = Field(default_factory=list, max_length=3)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: int
    b: Annotated[list[int], Field(min_length=1)]


class Cat(BaseModel):
    pet_type: Literal["cat"]
    meows: int


class Dog(BaseModel):
    pet_type: Literal["dog"]
    barks: float


class Owner(BaseModel):
    pet: Union[Cat, Dog] = Field(discriminator="pet_type")
    pets: list[Annotated[Union[Cat, Dog], Field(discriminator="pet_type")]] = []


class Node(BaseModel):
    value: int
    children: list["Node"] = []


# What pydantic validates: validators, strict, undiscriminated unions, types the native
# validators do not have.
class Signup(BaseModel):
    user: str
    password: str
    again: str

    @field_validator("user")
    @classmethod
    def no_spaces(cls, v: str) -> str:
        if " " in v:
            raise ValueError("must not contain spaces")
        return v.lower()

    @model_validator(mode="after")
    def same(self) -> "Signup":
        if self.password != self.again:
            raise ValueError("passwords differ")
        return self


class Event(BaseModel):
    at: datetime.datetime
    on: Optional[datetime.date] = None
    amount: decimal.Decimal = decimal.Decimal("1.5")
    every: Optional[datetime.timedelta] = None


class Mixed(BaseModel):
    model_config = ConfigDict(strict=True)
    n: int
    u: Union[int, str]


class WithPrivate(BaseModel):
    name: str
    _secret: str = PrivateAttr(default="s")


class Holder(BaseModel):
    event: Event  # reaches a model pydantic validates: validated by pydantic too
    tag: Tag


def summary(m: Any) -> Any:
    """What the handler saw: the model's data, its fields set and its class, nested."""
    if isinstance(m, BaseModel):
        return {"class": type(m).__name__, "set": sorted(m.model_fields_set),
                "fields": {k: summary(getattr(m, k)) for k in type(m).model_fields}}
    if isinstance(m, list):
        return [summary(x) for x in m]
    if isinstance(m, dict):
        return {k: summary(v) for k, v in m.items()}
    if isinstance(m, enum.Enum):
        return ["enum", type(m).__name__, m.value]
    return [type(m).__name__, str(m)]


def build(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()

    def body_route(path: str, hint: Any) -> None:
        """POST path: a handler whose one parameter (the body) is of type hint."""
        def handler(body):
            return summary(body)
        handler.__name__ = path.strip("/")
        handler.__annotations__ = {"body": hint}
        app.post(path)(handler)

    for path, hint in [("/item", Item), ("/items", list[Item]), ("/strict", Strict),
                       ("/owner", Owner), ("/node", Node), ("/signup", Signup),
                       ("/event", Event), ("/mixed", Mixed), ("/holder", Holder)]:
        body_route(path, hint)

    Body = ns.Body

    @app.post("/two")
    def two(item: Item, tag: Tag, importance: Annotated[int, Body(gt=0)] = 1):
        return {"item": summary(item), "tag": summary(tag), "importance": importance}

    @app.post("/embed")
    def embed(item: Annotated[Tag, Body(embed=True, alias="it")]):
        return summary(item)

    @app.post("/keys")
    def keys(a: Annotated[Optional[int], Body()] = None, b: Annotated[int, Body()] = 2):
        return {"a": a, "b": b}

    @app.post("/checked_keys")  # a key pydantic checks: pydantic checks them all
    def checked_keys(event: Annotated[Event, Body()], n: Annotated[int, Body(ge=0)],
                     note: Annotated[Optional[str], Body()] = None):
        return {"event": summary(event), "n": n, "note": note}

    @app.post("/optional")
    def optional(item: Optional[Item] = None):
        return summary(item)

    @app.post("/private")
    def private(m: WithPrivate):
        return {"m": summary(m), "secret": m._secret}

    @app.get("/since")
    def since(at: datetime.datetime, limit: Annotated[int, ns.Query(gt=0)] = 5,
              day: Optional[datetime.date] = None):
        return {"at": at.isoformat(), "limit": limit, "day": str(day)}

    return app


ITEM = {"name": "x", "price": 1}
CASES = [
    ("/item", {"json": ITEM}),
    ("/item", {"json": {**ITEM, "tags": [{"name": "ab"}, {"name": "cd", "weight": 1}],
                        "labels": {"a": 1}, "kind": "b", "color": "red", "note": None,
                        "itemId": "12345678-1234-5678-1234-567812345678",
                        "flags": [True, "yes", 0], "count": 4, "code": "ZZ9"}}),
    ("/item", {"json": {"name": "x", "price": 0, "tags": [{"name": "a", "weight": 2}],
                        "kind": "c", "color": "green", "count": 3, "code": "ab",
                        "labels": {"a": "x"}, "flags": [1, 2, 3, 4], "itemId": "nope"}}),
    ("/item", {"json": {"price": "abc"}}),
    ("/item", {"json": [1]}),
    ("/item", {"json": "text"}),
    ("/item", {}),
    *[("/item", {"content": bad, "headers": {"content-type": "application/json"}})
      for bad in (b"{not json", b'{"name": "x",}', b"[1 2]", b'"abc', b'{"a": "\xc3\xa9\x01"}',
                  b"\xff\xfe\xfd", b'{"a": 1} x', b"[" * 5000, b"nul")],
    ("/item", {"json": {"name": 5, "price": True, "item_id": "x", "count": 2.0}}),
    ("/items", {"json": [ITEM, {"name": "y", "price": -1}]}),
    ("/items", {"json": {"name": "y"}}),
    ("/two", {"json": {"item": ITEM, "tag": {"name": "ab"}}}),
    ("/two", {"json": {"item": {"name": "x"}, "importance": 0}}),
    ("/two", {}),
    ("/two", {"json": [1]}),
    ("/two", {"json": None}),
    ("/two", {"json": {"item": ITEM, "tag": None, "importance": None}}),
    ("/embed", {"json": {"it": {"name": "xy"}}}),
    ("/embed", {"json": {"name": "xy"}}),
    ("/embed", {}),
    ("/keys", {}),
    ("/keys", {"json": {"a": 5}}),
    ("/keys", {"json": {"b": "x"}}),
    ("/keys", {"json": 3}),
    ("/checked_keys", {"json": {"event": {"at": "2024-01-01T00:00:00"}, "n": 1}}),
    ("/checked_keys", {"json": {"event": {"at": "x"}, "n": -1, "note": 5}}),
    ("/checked_keys", {}),
    ("/checked_keys", {"json": "x"}),
    ("/optional", {}),
    ("/optional", {"json": ITEM}),
    ("/optional", {"json": None}),
    ("/strict", {"json": {"a": 1, "b": [1]}}),
    ("/strict", {"json": {"a": 1, "b": [], "c": 3, "d": None}}),
    ("/owner", {"json": {"pet": {"pet_type": "cat", "meows": 3}}}),
    ("/owner", {"json": {"pet": {"pet_type": "dog", "barks": "2.5"},
                         "pets": [{"pet_type": "cat", "meows": 1},
                                  {"pet_type": "dog", "barks": 1}]}}),
    ("/owner", {"json": {"pet": {"pet_type": "cow"}}}),
    ("/owner", {"json": {"pet": {"meows": 1}, "pets": [{"pet_type": "dog"}]}}),
    ("/owner", {"json": {"pet": "cat"}}),
    ("/node", {"json": {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]}}),
    ("/node", {"json": {"value": 1, "children": [{"value": "x"}]}}),
    ("/signup", {"json": {"user": "Ann", "password": "a", "again": "a"}}),
    ("/signup", {"json": {"user": "A nn", "password": "a", "again": "b"}}),
    ("/signup", {"json": {"user": "Ann", "password": "a", "again": "b"}}),
    ("/signup", {"json": {"password": 1}}),
    ("/event", {"json": {"at": "2024-05-06T07:08:09Z", "on": "2024-05-06", "amount": "2.25",
                         "every": "PT1H"}}),
    ("/event", {"json": {"at": 1700000000}}),
    ("/event", {"json": {"at": "yesterday", "on": "2024-13-01", "amount": "x"}}),
    ("/mixed", {"json": {"n": 1, "u": "a"}}),
    ("/mixed", {"json": {"n": "1", "u": 1.5}}),
    ("/private", {"json": {"name": "n"}}),
    ("/holder", {"json": {"event": {"at": "2024-01-01T00:00:00"}, "tag": {"name": "ab"}}}),
    ("/holder", {"json": {"event": {"at": "x"}, "tag": {"name": "a"}}}),
]


pair, test_same_answers, test_the_document_is_fastapis = suite(build, CASES)


@pytest.mark.parametrize("query", [
    "at=2024-05-06T07:08:09", "at=2024-05-06T07:08:09%2B02:00&limit=2&day=2024-01-02",
    "at=x&limit=1", "limit=0", "limit=3", "at=1700000000&day=nope",
])
def test_query_parameters_pydantic_validates(pair: Pair, query: str) -> None:
    pair.same("GET", "/since?" + query)

