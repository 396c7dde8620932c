# No `from __future__ import annotations`: handlers annotate with local names.
"""StaticFiles mounted as FastAPI apps mount it (`app.mount("/static", StaticFiles(...),
name="static")`): files with their media type, ETag and Last-Modified; 304 for
If-None-Match and If-Modified-Since; no way out of the directory; 405 for other methods;
html mode's index.html (with its redirect) and 404.html; url_for("static", path=...).
Each case is asked of the same app under FastAPI and under data_bridge."""

import email.utils
import hashlib
import os
import types
from typing import Any

import fastapi.staticfiles

import data_bridge.staticfiles
from tests.compat.differential import Pair, suite

STATIC = os.path.join(os.path.dirname(os.path.realpath(__file__)), "static")


def build(ns: types.SimpleNamespace) -> Any:
    module = fastapi.staticfiles if ns.FastAPI.__module__.startswith("fastapi") \
        else data_bridge.staticfiles
    app = ns.FastAPI()
    app.mount("/static", module.StaticFiles(directory=STATIC), name="static")
    app.mount("/site", module.StaticFiles(directory=STATIC, html=True), name="site")

    @app.get("/link")
    def link(request: ns.Request):
        return str(request.url_for("static", path="/site.css"))

    return app


def etag() -> str:
    st = os.stat(os.path.join(STATIC, "site.css"))
    return '"' + hashlib.md5(f"{st.st_mtime}-{st.st_size}".encode(),
                             usedforsecurity=False).hexdigest() + '"'


def later() -> str:
    st = os.stat(os.path.join(STATIC, "site.css"))
    return email.utils.formatdate(st.st_mtime + 60, usegmt=True)


CASES = [
    ("GET", "/static/site.css", {}),
    ("HEAD", "/static/site.css", {}),
    ("GET", "/static/data.txt", {}),
    ("GET", "/static/nope.css", {}),
    ("GET", "/static/../static_files_test.py", {}),
    ("GET", "/static/%2e%2e/static_files_test.py", {}),
    ("GET", "/static/sub/../site.css", {}),
    ("GET", "/static/sub", {}),
    ("GET", "/static/", {}),
    ("POST", "/static/site.css", {}),
    ("GET", "/static/site.css", {"headers": {"if-none-match": "*"}}),
    ("GET", "/static/site.css", {"headers": {"if-none-match": '"other", W/' + etag()}}),
    ("GET", "/static/site.css", {"headers": {"if-none-match": '"other"'}}),
    ("GET", "/static/site.css", {"headers": {"if-modified-since": later()}}),
    ("GET", "/site/sub/", {}),
    ("GET", "/site/sub", {"follow_redirects": False}),
    ("GET", "/site/missing", {}),
    ("GET", "/link", {}),
]
pair, test_same_answers, test_the_document_is_fastapis = suite(build, CASES)


def test_headers_are_starlettes(pair: Pair) -> None:
    theirs = pair.theirs.get("/static/site.css").headers
    ours = pair.ours.get("/static/site.css").headers
    for name in ("content-type", "etag", "last-modified", "content-length"):
        assert ours[name] == theirs[name], name
