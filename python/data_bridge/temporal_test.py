"""datetime, date, time and timedelta read natively (framework/validate/temporal.h) as
pydantic reads them under FastAPI (compat environment): the same values, and the same error
types, messages, inputs and ctx, for a few thousand generated inputs, in JSON bodies and in
query strings, against pydantic's own validation of the same model (of the decoded body, in
Python mode, as FastAPI validates one) and FastAPI's answers for the same app."""

from __future__ import annotations

import datetime
import json
import random
from typing import Any, Iterator, Optional

import fastapi
import fastapi.testclient
import pytest
from pydantic import BaseModel, ValidationError

import data_bridge
import data_bridge.testclient
import data_bridge.plan_pb2 as plan
from data_bridge import decoder
from data_bridge._runtime_spec import type_plan

KINDS = {"datetime": datetime.datetime, "date": datetime.date, "time": datetime.time,
         "timedelta": datetime.timedelta}

BASE = ["2032-04-23T10:20:30.123456+02:30", "2032-04-23", "10:20:30.5Z", "1700000000",
        "1700000000.5", "-1.5", "2000-02-29 23:59:59,999", "0000-01-01T00:00:00",
        "9999-12-31T23:59:59-23:59", "1699920000", "12:00", "00:00:00+0000",
        "2032-04-23t01:02", "2032-04-23_10:20:30z", ".5", "1.", "+100", "20000000001",
        "-20000000001", "2032-04-23T10:20:30.1234567891", "10:20:30+01", "2100-02-29",
        "P1DT2H3.25S", "-P1Y2M3W4DT5H6M7S", "PT0.5S", "1 day, 10:20:30.5", "2 days 23:59",
        "-10:20:30", "99:59", "1d", "+P0.5D", "PT36H", "1 DAYS,10:00", "123:04:05.5"]
ALPHABET = "0123456789-:T tZz+._,xPDHMSYWdays"


def _mutations(rng: random.Random, n: int) -> list[str]:
    out = list(BASE)
    for _ in range(n):
        s = list(rng.choice(BASE))
        for _ in range(rng.randint(1, 3)):
            i = rng.randint(0, len(s))
            op = rng.randint(0, 2)
            if op == 0 and s:
                s[min(i, len(s) - 1)] = rng.choice(ALPHABET)
            elif op == 1:
                s.insert(i, rng.choice(ALPHABET))
            elif s:
                del s[min(i, len(s) - 1)]
        out.append("".join(s))
    return out


def _numbers(rng: random.Random, n: int) -> list[str]:
    out = ["0", "-0.0", "1e20", "-1e20", "86399.9999999", "3600.0000005", "20000000000.5",
           "9223372036854775807", "-9223372036854775808", "9223372036854775808", "true",
           "null", "[1]", "{}"]
    for _ in range(n):
        pick = rng.randint(0, 3)
        if pick == 0:
            out.append(str(rng.randint(-2**63, 2**63 - 1)))
        elif pick == 1:
            out.append(str(rng.randint(-3 * 10**12, 3 * 10**12)))
        elif pick == 2:
            out.append(str(rng.randint(-100_000, 100_000)))
        else:
            out.append(repr(rng.uniform(-3e12, 3e12) if rng.random() < 0.5
                            else rng.uniform(-1e5, 1e5)))
    return out


RNG = random.Random(20261208)
TEXTS = _mutations(RNG, 1500)
JSON_VALUES = [json.dumps(t) for t in TEXTS] + _numbers(RNG, 600)


def _model(kind: str) -> type[BaseModel]:
    return type(f"Has{kind.title()}", (BaseModel,), {"__annotations__": {"v": KINDS[kind]}})


def _theirs(model: type[BaseModel], body: bytes) -> Any:
    # As FastAPI validates a body: the decoded JSON, in pydantic's Python mode.
    try:
        return ("ok", repr(getattr(model.model_validate(json.loads(body)), "v")))
    except OverflowError as exc:  # pydantic's own, past timedelta's range: a 500 in FastAPI
        return ("overflow", str(exc))
    except ValidationError as exc:
        return ("errors", [(e["type"], list(e["loc"]), e["msg"], e["input"], e.get("ctx"))
                           for e in exc.errors()])


def _ours(model: type[BaseModel], body: bytes) -> Any:
    try:
        return ("ok", repr(getattr(decoder(model).decode(body), "v")))
    except OverflowError as exc:
        return ("overflow", str(exc))
    except data_bridge.RequestValidationError as exc:
        return ("errors", [(e["type"], list(e["loc"]), e["msg"], e["input"], e.get("ctx"))
                           for e in exc.errors()])


@pytest.mark.parametrize("kind", list(KINDS))
def test_json_bodies_as_pydantic(kind: str) -> None:
    model = _model(kind)
    table, _, _ = type_plan(model)  # lowered to the native kinds, not left to pydantic
    native = {"datetime": plan.TypeSpec.DATETIME_VALUE, "date": plan.TypeSpec.DATE_VALUE,
              "time": plan.TypeSpec.TIME_VALUE, "timedelta": plan.TypeSpec.TIMEDELTA_VALUE}[kind]
    assert native in [t.kind for t in plan.Plan.FromString(table).types]
    differ = []
    for value in JSON_VALUES:
        body = b'{"v": ' + value.encode() + b"}"
        theirs, ours = _theirs(model, body), _ours(model, body)
        if theirs != ours:
            differ.append((value, theirs, ours))
    assert not differ, differ[:5]


def test_past_pythons_timedelta_is_a_422() -> None:
    # pydantic raises OverflowError there (a 500 under FastAPI); a 422 here, never a 500.
    model = _model("timedelta")
    for value in ('"-P999999999DT1S"', "-86399999999999.99", '"-999999999 days, 0:00:01"'):
        body = b'{"v": ' + value.encode() + b"}"
        assert _theirs(model, body)[0] == "overflow"
        assert _ours(model, body) == ("errors", [(
            "time_delta_parsing", ["v"],
            "Input should be a valid timedelta, durations may not exceed 999,999,999 days",
            json.loads(value), {"error": "durations may not exceed 999,999,999 days"})])
    ok = b'{"v": "-P999999999D"}'  # timedelta.min itself
    assert _ours(model, ok) == _theirs(model, ok) == ("ok", repr(-datetime.timedelta(999999999)))


def test_the_cases_cover_both_outcomes() -> None:
    outcomes = {kind: {_theirs(_model(kind), b'{"v": ' + v.encode() + b"}")[0]
                       for v in JSON_VALUES} for kind in KINDS}
    assert all({"ok", "errors"} <= o for o in outcomes.values()), outcomes


def _app(framework: Any) -> Any:
    app: data_bridge.FastAPI = framework.FastAPI()

    @app.get("/at")
    def at(since: datetime.datetime, day: Optional[datetime.date] = None,
           clock: Optional[datetime.time] = None,
           lasting: Optional[datetime.timedelta] = None) -> dict[str, Any]:
        return {"since": repr(since), "day": repr(day), "clock": repr(clock),
                "lasting": repr(lasting)}

    return app


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[Any, Any]]:
    with fastapi.testclient.TestClient(_app(fastapi)) as theirs, \
            data_bridge.testclient.TestClient(_app(data_bridge)) as ours:
        yield theirs, ours


def test_query_parameters_as_fastapi(clients: tuple[Any, Any]) -> None:
    theirs, ours = clients
    differ = []
    for i, text in enumerate(TEXTS[:400]):
        other = TEXTS[(i * 7 + 3) % len(TEXTS)]
        params = {"since": text, "day": other, "clock": TEXTS[(i * 13 + 5) % len(TEXTS)],
                  "lasting": TEXTS[(i * 17 + 11) % len(TEXTS)]}
        a, b = theirs.get("/at", params=params), ours.get("/at", params=params)
        if (a.status_code, a.json()) != (b.status_code, b.json()):
            differ.append((params, a.json(), b.json()))
    assert not differ, differ[:3]
