"""Routes are analysed once, when declared; putting the app together and its OpenAPI
document reuse the analysis, and a signature refused half-way leaves nothing behind."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from data_bridge import App, _schema


@dataclasses.dataclass
class Item:
    name: str
    price: float


@dataclasses.dataclass
class Broken:
    ok: int
    bad: complex  # not a JSON type


def make_app() -> App:
    app = App(title="t")

    @app.post("/items/{item_id}")
    def put_item(item_id: int, item: Item, q: str | None = None) -> Item:
        return item

    return app


def test_the_analysis_is_kept_on_the_route_and_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    route = app.routes[0]
    assert route.analysis is not None
    [(op, args)] = route.analysis.operations
    assert [p.name for p in op.parameters] == ["item_id", "q"] and op.body.name == "item"
    # In FastAPI's solving order: the path and query parameters, then the body.
    assert [a["kind"] for a in args] == ["param", "param", "body"]

    def refuse(*_: Any) -> None:
        raise AssertionError("analysed again")

    monkeypatch.setattr(_schema, "analyse_route", refuse)
    assert "Item" in app.openapi()["components"]["schemas"]
    lowered = app.lower("t", "1")
    assert [o.id for o in lowered.service.operations] == ["put_item_items__item_id__post"]
    assert lowered.classes["Item"] is Item


def test_a_refused_signature_leaves_no_model_behind() -> None:
    app = make_app()
    with pytest.raises(TypeError, match="complex"):
        @app.get("/broken")
        def broken(b: Broken) -> None: ...
    assert len(app.routes) == 1
    assert sorted(app.openapi()["components"]["schemas"]) == [
        "HTTPValidationError", "Item", "ValidationError"]
    assert "Broken" not in app.lower().classes


def test_a_return_type_the_runtime_cannot_describe_is_any_and_leaves_no_model() -> None:
    app = App()

    @app.get("/r")
    def r() -> Broken:
        return Broken(1, 1j)

    assert app.lower().service.operations[0].responses[0].type.any
    assert "Broken" not in app.lower().classes


def test_each_method_of_a_route_is_one_operation_with_fastapis_id() -> None:
    app = App()

    @app.route("/things", methods=["PUT", "PATCH"])
    def things(n: int) -> None: ...

    # FastAPI's unique id names one method for all of them (the first).
    ops = app.lower().service.operations
    assert [(o.method, o.id) for o in ops] == [("PUT", "things_things_put"),
                                               ("PATCH", "things_things_put")]
