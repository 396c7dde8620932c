"""data_bridge.encoders.jsonable_encoder against FastAPI's own (the compat environment's):
the same value and options give the same data, or both raise."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import ipaddress
import pathlib
import re
import uuid
from collections import deque
from decimal import Decimal
from typing import Any, Callable, NamedTuple, Optional

import fastapi.encoders
import pydantic
import pytest

from data_bridge import encoders


class Colour(enum.Enum):
    RED = "red"
    NESTED = (1, 2)


class Level(enum.IntEnum):
    LOW = 1


@dataclasses.dataclass
class Address:
    street: str
    at: datetime.date
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Person:
    name: str
    address: Address
    nickname: Optional[str] = None
    _sa_state: str = "x"


class Model(pydantic.BaseModel):
    name: str
    size: int = 3
    alias_me: str = pydantic.Field("a", alias="aliasMe")
    secret: pydantic.SecretStr = pydantic.SecretStr("hunter2")
    url: Optional[pydantic.AnyUrl] = None
    when: Optional[datetime.datetime] = None
    inner: Optional[Address] = None


class Point(NamedTuple):
    x: int
    y: int


class Plain:
    def __init__(self) -> None:
        self.a = 1
        self.b = [Decimal("1.5")]


class Opaque:
    __slots__ = ()


def _gen() -> Any:
    yield from (1, Decimal("2"), Colour.RED)


VALUES: list[Any] = [
    None, True, 0, -3, 1.5, "text", b"bytes",
    Colour.RED, Colour.NESTED, Level.LOW,
    datetime.date(2026, 12, 4), datetime.datetime(2026, 12, 4, 18, 30, 1, 5),
    datetime.datetime(2026, 12, 4, tzinfo=datetime.timezone.utc), datetime.time(7, 8, 9),
    datetime.timedelta(days=1, seconds=2.5), Decimal("1"), Decimal("1.0"), Decimal("1e3"),
    Decimal("NaN"), uuid.UUID("12345678-1234-5678-1234-567812345678"),
    ipaddress.IPv4Address("10.0.0.1"), ipaddress.IPv6Network("::/64"),
    ipaddress.IPv4Interface("10.0.0.1/24"), pathlib.PurePosixPath("/a/b"), pathlib.Path("x"),
    re.compile(r"^a+$"), {1, 2, 3}, frozenset({"a"}), deque([1, Decimal("2.5")]),
    (1, "two", [3.0]), [Colour.RED, {"k": datetime.date(2020, 1, 1)}],
    {"a": 1, "b": None, "_sa_instance": 2, 3: "int key", Colour.RED: "enum key"},
    Point(1, 2), Address("Main", datetime.date(2020, 2, 2), ["t"]),
    Person("Ann", Address("Elm", datetime.date(2021, 1, 1))),
    [Person("Bo", Address("Oak", datetime.date(2022, 3, 3)), nickname="b")],
    Model(name="m"), Model(name="n", size=4, aliasMe="b", url="https://x.org/p",
                           when=datetime.datetime(2026, 1, 1),
                           inner=Address("Pine", datetime.date(2023, 4, 4))),
    {"models": [Model(name="x")]}, Plain(), pydantic.SecretStr("s"),
]

OPTIONS: list[dict[str, Any]] = [
    {},
    {"include": {"name", "address", "a", "street"}},
    {"exclude": {"nickname", "b", "size"}},
    {"include": ["name"]},
    {"by_alias": False},
    {"exclude_none": True},
    {"exclude_unset": True},
    {"exclude_defaults": True},
    {"sqlalchemy_safe": False},
    {"custom_encoder": {datetime.date: lambda d: "DATE", Decimal: str}},
    {"custom_encoder": {Address: lambda a: a.street}},
]


def outcome(encode: Callable[..., Any], value: Any, options: dict[str, Any]) -> Any:
    try:
        return ("ok", encode(value, **options))
    except Exception as e:  # the kind of failure is what must match
        return ("raised", type(e).__name__)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
def test_same_data_as_fastapi(options: dict[str, Any]) -> None:
    for value in VALUES:
        ours = outcome(encoders.jsonable_encoder, value, options)
        theirs = outcome(fastapi.encoders.jsonable_encoder, value, options)
        assert repr(ours) == repr(theirs), (value, options)


def test_generators_and_failures() -> None:
    assert encoders.jsonable_encoder(_gen()) == fastapi.encoders.jsonable_encoder(_gen())
    assert encoders.jsonable_encoder(_gen()) == [1, 2, "red"]
    with pytest.raises(ValueError) as ours:
        encoders.jsonable_encoder(Opaque())
    with pytest.raises(ValueError) as theirs:
        fastapi.encoders.jsonable_encoder(Opaque())
    assert [type(e) for e in ours.value.args[0]] == [type(e) for e in theirs.value.args[0]]


def test_helpers_match() -> None:
    for d in (Decimal("3"), Decimal("3.25"), Decimal("-0"), Decimal("5E+2")):
        assert repr(encoders.decimal_encoder(d)) == repr(fastapi.encoders.decimal_encoder(d))
    assert encoders.isoformat(datetime.time(1, 2)) == "01:02:00"
