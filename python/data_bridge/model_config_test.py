"""pydantic model_config options the native validators do themselves (compat environment):
validate_by_name / populate_by_name (a field read by its alias, else by its name; errors
located at the key read). Each model is checked to be lowered natively, then decoded by
data_bridge and validated by pydantic (the decoded body, in Python mode, as FastAPI does)
for the same bodies: same values, fields set and errors."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

import data_bridge
import data_bridge.plan_pb2 as plan
from data_bridge import decoder
from data_bridge._runtime_spec import type_plan


class Inner(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    zip_code: str = Field(alias="zipCode", max_length=5)


class Person(BaseModel):
    model_config = ConfigDict(validate_by_name=True)
    user_name: str = Field(alias="userName")
    age: int = Field(default=0, alias="Age", ge=0)
    home: Optional[Inner] = None
    plain: str = "x"


BODIES = [
    {"userName": "a"},
    {"user_name": "b"},
    {"userName": "a", "user_name": "b"},
    {"user_name": "b", "userName": "a"},
    {"user_name": 1},
    {"userName": 1, "user_name": "x"},
    {"user_name": "x", "userName": 1},
    {},
    {"user_name": "a", "age": "x"},
    {"user_name": "a", "Age": -1, "age": 5},
    {"user_name": "a", "age": 5},
    {"userName": "a", "home": {"zip_code": "123456"}},
    {"userName": "a", "home": {"zipCode": "1", "zip_code": "2"}},
    {"userName": "a", "home": {"zip_code": "1", "other": 2}},
    {"userName": "a", "home": {"": "1", "zipCode": "2"}},
    {"userName": "a", "plain": "y", "": 3},
]


def _errors(exc: Any) -> list[Any]:
    return [(e["type"], list(e["loc"]), e["msg"], e["input"], e.get("ctx"))
            for e in exc.errors()]


def _theirs(body: bytes) -> Any:
    try:
        m = Person.model_validate(json.loads(body))
    except ValidationError as exc:
        return ("errors", _errors(exc))
    return ("ok", repr(m), sorted(m.model_fields_set),
            sorted(m.home.model_fields_set) if m.home else None)


def _ours(body: bytes) -> Any:
    try:
        m = decoder(Person).decode(body)
    except data_bridge.RequestValidationError as exc:
        return ("errors", _errors(exc))
    return ("ok", repr(m), sorted(m.model_fields_set),
            sorted(m.home.model_fields_set) if m.home else None)


def test_lowered_natively() -> None:
    table, root, _ = type_plan(Person)
    specs = plan.Plan.FromString(table).types
    person = specs[root]
    assert person.kind == plan.TypeSpec.OBJECT
    assert {f.key: f.alt_key for f in person.fields} == {
        "userName": "user_name", "Age": "age", "home": "", "plain": ""}


@pytest.mark.parametrize("body", BODIES, ids=[json.dumps(b) for b in BODIES])
def test_as_pydantic(body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    assert _ours(raw) == _theirs(raw)
