# No `from __future__ import annotations`: handlers annotate with local names.
"""Jinja2 templates as FastAPI's (fastapi.templating is Starlette's Jinja2Templates): a
TemplateResponse renders with the request in its context and url_for the request's,
autoescaped HTML, context processors, status and headers; the template and context stay on
the response. Each case is asked of the same app under FastAPI and under data_bridge."""

import os
import types
from typing import Any

import fastapi.templating

import data_bridge.templating
from tests.compat.differential import suite

TEMPLATES = os.path.join(os.path.dirname(os.path.realpath(__file__)), "templates")


def build(ns: types.SimpleNamespace) -> Any:
    module = fastapi.templating if ns.FastAPI.__module__.startswith("fastapi") \
        else data_bridge.templating
    templates = module.Jinja2Templates(directory=TEMPLATES,
                                       context_processors=[lambda r: {"user": "ann"}])
    app = ns.FastAPI()

    @app.get("/items/{item_id}", response_class=ns.responses.HTMLResponse)
    def item(request: ns.Request, item_id: int, note: str = "<b>bold</b>"):
        response = templates.TemplateResponse(
            request, "item.html", {"title": f"Item {item_id}", "item_id": item_id,
                                   "note": note}, headers={"x-t": "1"})
        assert response.template.name == "item.html"
        assert response.context["request"] is request
        return response

    @app.get("/missing")
    def missing(request: ns.Request):
        return templates.TemplateResponse(request, "item.html", {"title": "t", "item_id": 1},
                                          status_code=404)

    return app


CASES = [("/items/3", {}), ("/items/4?note=a%26b", {}), ("/missing", {})]
pair, test_same_answers, test_the_document_is_fastapis = suite(build, CASES, method="GET")
