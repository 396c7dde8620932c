"""One set of validation vectors, two ways to declare the API: the routes generated from
examples/orders/orders.yaml and the same API written with decorators must answer every
vector identically and exactly as written in orders_vectors.json."""

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


@pytest.mark.parametrize("vector", BODY_VECTORS, ids=[v["name"] for v in BODY_VECTORS])
def test_decoder_agrees_with_the_server(vector):
    """data_bridge.decoder(Order) runs the same validators outside a request: the same
    errors, without the leading "body" location."""
    from data_bridge import RequestValidationError, decoder
    from examples.orders.handlers import Order

    sent = materialise(vector["json"])
    decode = decoder(Order)
    if vector["status"] == 201:
        order = decode.decode(json.dumps(sent).encode())
        assert isinstance(order, Order) and order.items[0].quantity == 2
        return
    with pytest.raises(RequestValidationError) as e:
        decode.decode(json.dumps(sent).encode())
    if "body" in vector:
        want = expected_body(vector["body"], sent)["detail"]
        for err in want:
            err["loc"] = err["loc"][1:]
        assert e.value.errors() == want
    else:
        assert [err["type"] for err in e.value.errors()] == vector["types"]
