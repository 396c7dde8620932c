"""decimal.Decimal read natively as pydantic reads it under FastAPI (compat environment):
JSON numbers, and text Python's Decimal reads (underscores dropped, whitespace around it),
finite; the same values and errors as pydantic's validation of the decoded body (Python
mode, as FastAPI validates one) and FastAPI's answers for query parameters and bodies."""

from __future__ import annotations

import decimal
import json
from typing import Any, Iterator, Optional

import fastapi
import fastapi.testclient
import pytest
from pydantic import BaseModel, ValidationError

import data_bridge
import data_bridge.plan_pb2 as plan
import data_bridge.testclient
from data_bridge import decoder
from data_bridge._runtime_spec import type_plan

TEXTS = ["1.10", " 1.5 ", "1_000", "1__0", "_1", "1e3", "1E-7", "abc", "", "NaN", "nan12",
         "-sNaN", "inf", "-Infinity", "Infinityx", "1.2.3", "+.5", ".5", "5.", ".", "+", "-",
         "e5", "1e", "1e+", ".e5", "0x10", "\t1\n", "\u00a01\u2003", "1 0", "+-1",
         "00012.3400", "-0", "1E+99999999999", "12345678901234567890123", "1e_5", "1._5",
         # Past the exponents Python's Decimal holds: decimal_parsing, never a 500.
         "1e999999999999999999", "1e1000000000000000000", "12.5e999999999999999999",
         "12.5e999999999999999998", "125e999999999999999998", "0e1000000000000000000",
         "0.000e999999999999999999", "00012e999999999999999998", "1e-1999999999999999997",
         "1e-1999999999999999998", "1.5e-1999999999999999997", "0e-1999999999999999998",
         "1e99999999999999999999999999", "1e00000000000000000000000000001",
         "0.0001e-1999999999999999990", "1" + "0" * 30 + "e999999999999999990"]
NUMBERS = ["1.1", "1", "0", "-0.0", "0.1000000000000000055511", "1e15", "1e16", "1e-05",
           "123.456", "5e-324", "1.7976931348623157e308", "9223372036854775807",
           "-9223372036854775808", "18446744073709551615", "true", "null", "[1]", "{}"]
JSON_VALUES = [json.dumps(t) for t in TEXTS] + NUMBERS


class Price(BaseModel):
    amount: decimal.Decimal


def _errors(exc: Any) -> list[Any]:
    return [(e["type"], list(e["loc"]), e["msg"], e["input"], e.get("ctx"))
            for e in exc.errors()]


def _theirs(body: bytes) -> Any:
    try:
        return ("ok", repr(Price.model_validate(json.loads(body)).amount))
    except ValidationError as exc:
        return ("errors", _errors(exc))


def _ours(body: bytes) -> Any:
    try:
        return ("ok", repr(decoder(Price).decode(body).amount))
    except data_bridge.RequestValidationError as exc:
        return ("errors", _errors(exc))


def test_lowered_natively() -> None:
    table, root, _ = type_plan(Price)
    specs = plan.Plan.FromString(table).types
    assert specs[specs[root].fields[0].type].kind == plan.TypeSpec.DECIMAL_VALUE


@pytest.mark.parametrize("value", JSON_VALUES)
def test_json_bodies_as_pydantic(value: str) -> None:
    body = b'{"amount": ' + value.encode() + b"}"
    assert _ours(body) == _theirs(body)


def _app(framework: Any) -> Any:
    app: data_bridge.FastAPI = framework.FastAPI()

    @app.get("/price")
    def price(amount: decimal.Decimal, tip: Optional[decimal.Decimal] = None) -> dict[str, Any]:
        return {"amount": repr(amount), "tip": repr(tip)}

    @app.post("/price")
    def echo(body: Price) -> Price:
        return body

    return app


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[Any, Any]]:
    with fastapi.testclient.TestClient(_app(fastapi)) as theirs, \
            data_bridge.testclient.TestClient(_app(data_bridge)) as ours:
        yield theirs, ours


@pytest.mark.parametrize("text", TEXTS)
def test_query_parameters_as_fastapi(text: str, clients: tuple[Any, Any]) -> None:
    theirs, ours = clients
    params = {"amount": text, "tip": "2.50"}
    a, b = theirs.get("/price", params=params), ours.get("/price", params=params)
    assert (b.status_code, b.json()) == (a.status_code, a.json())


def test_answers_as_fastapi(clients: tuple[Any, Any]) -> None:
    theirs, ours = clients
    for body in ({"amount": "1.50"}, {"amount": 2.25}, {"amount": 3}, {"amount": "x"}):
        a, b = theirs.post("/price", json=body), ours.post("/price", json=body)
        assert (b.status_code, b.json()) == (a.status_code, a.json())
