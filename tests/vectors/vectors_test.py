"""One set of validation vectors, two ways to declare the API: the routes generated from
examples/orders/orders.yaml (validated by the compiled C++ that codegen/back/cpp generated)
and the same API written with decorators (validated by the runtime's TypeSpec validators)
must answer every vector identically and exactly as written in orders_vectors.json. A
differential test then feeds both validators a few thousand damaged orders."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import httpx
import pytest

from data_bridge.testing import serve
from examples.orders.handlers import decorator_app, generated_app

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "orders_vectors.json")) as f:
    SUITE = json.load(f)


def materialise(value: Any) -> Any:
    """Expands "$valid_order" and {"$merge": name, "$drop": key, ...overrides}."""
    if value == "$valid_order":
        return copy.deepcopy(SUITE["valid_order"])
    if isinstance(value, dict) and "$merge" in value:
        out = copy.deepcopy(SUITE[value["$merge"]])
        out.pop(value.get("$drop"), None)
        out.update({k: v for k, v in value.items() if not k.startswith("$")})
        return out
    return value


def expected_body(body: Any, sent: Any) -> Any:
    if isinstance(body, dict):
        if body == {"$ref": "json"}:
            return sent
        return {k: expected_body(v, sent) for k, v in body.items()}
    if isinstance(body, list):
        return [expected_body(v, sent) for v in body]
    return body


@pytest.fixture(scope="module", params=["generated", "decorators"])
def client(request):
    app = generated_app() if request.param == "generated" else decorator_app()
    with serve(app) as url, httpx.Client(base_url=url, timeout=10) as c:
        yield c


@pytest.mark.parametrize("vector", SUITE["vectors"], ids=[v["name"] for v in SUITE["vectors"]])
def test_vector(client, vector):
    sent = materialise(vector.get("json"))
    kwargs: dict[str, Any] = {"params": vector.get("query")}
    if "raw" in vector:
        kwargs["content"] = vector["raw"]
        kwargs["headers"] = {"content-type": "application/json"}
    elif "json" in vector:
        kwargs["json"] = sent
    r = client.request(vector["method"], vector["path"], **kwargs)
    assert r.status_code == vector["status"], r.text
    if "body" in vector:
        assert r.json() == expected_body(vector["body"], sent)
    else:
        detail = r.json()["detail"]
        assert [e["type"] for e in detail] == vector["types"]
        assert [e["loc"] for e in detail] == vector["locs"]


BODY_VECTORS = [v for v in SUITE["vectors"] if v["method"] == "POST" and "json" in v]


def decoders():
    from data_bridge import decoder
    from examples.orders import handlers, orders_api

    compiled, interpreted = decoder(orders_api.Order), decoder(handlers.Order)
    assert compiled.compiled and not interpreted.compiled
    return compiled, interpreted


def outcome(decode, data: bytes) -> Any:
    """The errors, or the decoded order as plain data (enums by value)."""
    import dataclasses
    import enum

    from data_bridge import RequestValidationError

    def plain(v: Any) -> Any:
        if dataclasses.is_dataclass(v):
            return {k: plain(x) for k, x in vars(v).items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v.value if isinstance(v, enum.Enum) else v

    try:
        return ("ok", plain(decode.decode(data)))
    except RequestValidationError as e:
        return ("errors", e.errors())


@pytest.mark.parametrize("kind", ["compiled", "interpreted"])
@pytest.mark.parametrize("vector", BODY_VECTORS, ids=[v["name"] for v in BODY_VECTORS])
def test_decoder_agrees_with_the_server(vector, kind):
    """data_bridge.decoder runs the same validators outside a request: the same errors,
    without the leading "body" location; for a generated model, the compiled ones."""
    decode = dict(zip(["compiled", "interpreted"], decoders()))[kind]
    sent = materialise(vector["json"])
    result, value = outcome(decode, json.dumps(sent).encode())
    if vector["status"] == 201:
        assert result == "ok" and value["items"][0]["quantity"] == 2
        return
    assert result == "errors"
    if "body" in vector:
        want = expected_body(vector["body"], sent)["detail"]
        for err in want:
            err["loc"] = err["loc"][1:]
        assert value == want
    else:
        assert [err["type"] for err in value] == vector["types"]


DAMAGE = [None, True, False, 0, -1, 1.5, 10**6, "", "x" * 600, "ABC-1234", "gold", "EUR",
          "12", "1e3", [], [1], {}, {"a": 1}, "open", 3.0, "true", "ann@example.com"]


def damaged_orders(n: int, seed: int = 7):
    """Valid orders with one to three values replaced, keys dropped or keys added."""
    import random

    rng = random.Random(seed)
    base = SUITE["valid_order"]
    for _ in range(n):
        order = copy.deepcopy(base)
        for _ in range(rng.randint(1, 3)):
            holders = [order, order.get("customer"), order.get("shipping")]
            if isinstance(order.get("items"), list):
                holders += order["items"]
            target = rng.choice([h for h in holders if isinstance(h, dict)])
            action = rng.random()
            if action < 0.15 and target:
                target.pop(rng.choice(sorted(target)))
            elif action < 0.25:
                target[rng.choice(["extra", "tier", "gift", "notes"])] = rng.choice(DAMAGE)
            elif target:
                target[rng.choice(sorted(target))] = rng.choice(DAMAGE)
        yield order


def test_compiled_and_interpreted_validators_agree():
    """Every damaged order gets exactly the same outcome (errors with their messages,
    inputs and ctx; or the same decoded values) from the compiled and the TypeSpec paths."""
    compiled, interpreted = decoders()
    both_ok = both_failed = 0
    for order in damaged_orders(3000):
        data = json.dumps(order).encode()
        a, b = outcome(compiled, data), outcome(interpreted, data)
        assert a == b, data
        both_ok += a[0] == "ok"
        both_failed += a[0] == "errors"
    assert both_ok > 100 and both_failed > 1000  # the damage reaches both outcomes
