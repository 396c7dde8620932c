# No `from __future__ import annotations`: handlers annotate with local names.
"""responses= as FastAPI documents it: the include's, the router's and the route's merged
in that order after the success response, descriptions (given, or the status's phrase, or
a range's name), a model's schema, and no 422 added when 4XX or default is documented."""

import dataclasses
import types
from typing import Any

from tests.compat.differential import namespace


@dataclasses.dataclass
class Message:
    message: str


def build(ns: types.SimpleNamespace) -> Any:
    router = ns.APIRouter(prefix="/items", responses={404: {"description": "Not found"}})

    @router.get("/{x}", responses={418: {"model": Message}, "default": {"description": "Other"}})
    def item(x: int):
        return x

    @router.get("/plain/{x}", responses={"4XX": {}, 200: {"description": "The item"}})
    def plain(x: int):
        return x

    app = ns.FastAPI(responses={503: {"description": "Down"}})
    app.include_router(router, responses={500: {"description": "Boom"}})
    return app


def shape(document: dict[str, Any], path: str) -> list[tuple[str, str, Any]]:
    out = []
    for status, entry in document["paths"][path]["get"]["responses"].items():
        schema = entry.get("content", {}).get("application/json", {}).get("schema")
        ref = schema.get("$ref", "").rsplit("/", 1)[-1] if schema else None
        out.append((status, entry["description"], ref))
    return out


def test_documented_responses_match() -> None:
    for path in ["/items/{x}", "/items/plain/{x}"]:
        seen = [shape(build(namespace(which)).openapi(), path)
                for which in ("fastapi", "data_bridge")]
        assert seen[1] == seen[0], path
