# No `from __future__ import annotations`: handlers annotate with local names.
"""FileResponse as Starlette sends it: the file with Content-Length, Accept-Ranges, ETag
and Last-Modified; a GET's Range as a 206 (one range with Content-Range, several as
multipart/byteranges with overlaps merged), If-Range by ETag or date (never a weak one),
400 for a malformed Range and 416 past the end; HEAD; a large file whole. Each request is
asked of the same app under FastAPI and under data_bridge: status, the headers that
describe the body, and the body (multipart boundaries aside) must be equal."""

import email.utils
import hashlib
import os
import re
import types
from typing import Any

import pytest

from tests.compat.differential import Pair

STATIC = os.path.join(os.path.dirname(os.path.realpath(__file__)), "static")
DATA = os.path.join(STATIC, "data.txt")


def build(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()
    FileResponse = ns.responses.FileResponse

    @app.get("/file")
    def file():
        return FileResponse(DATA)

    @app.get("/named")
    async def named():
        return FileResponse(DATA, filename="données.txt", media_type="text/plain")

    @app.post("/file")
    def post_file():
        return FileResponse(DATA)

    @app.get("/big")
    def big():
        return FileResponse(os.environ["BIG_FILE"])

    return app


def etag(path: str = DATA) -> str:
    st = os.stat(path)
    return '"' + hashlib.md5(f"{st.st_mtime}-{st.st_size}".encode(),
                             usedforsecurity=False).hexdigest() + '"'


def modified(path: str = DATA) -> str:
    return email.utils.formatdate(os.stat(path).st_mtime, usegmt=True)


SIZE = os.path.getsize(DATA)
RANGES = ["bytes=0-4", "bytes=3-", "bytes=-5", f"bytes=0-{SIZE + 10}", "bytes=2-3,5-7",
          "bytes=0-5,3-8,20-22", "bytes=1-2, 1-2", "bytes=5-2", f"bytes={SIZE}-", "bytes=x-y",
          "items=0-1", "bytes=", "bytes=-", "bytes=,1-2", "bytes 0-1", "bytes=0-0",
          "bytes=" + ",".join(["0-1"] * 101)]
CASES = [("GET", "/file", {}), ("HEAD", "/file", {}), ("GET", "/named", {}),
         ("POST", "/file", {"headers": {"range": "bytes=0-1"}})]
CASES += [("GET", "/file", {"headers": {"range": r}}) for r in RANGES]
CASES += [("HEAD", "/file", {"headers": {"range": "bytes=0-4"}}),
          ("HEAD", "/file", {"headers": {"range": "bytes=0-1,4-5"}})]
CASES += [("GET", "/file", {"headers": {"range": "bytes=0-4", "if-range": v}})
          for v in ("IF_ETAG", "IF_DATE", "W/IF_ETAG", '"other"')]
CASES += [("GET", "/big", {}), ("GET", "/big", {"headers": {"range": "bytes=1000000-2999999"}}),
          ("GET", "/big", {"headers": {"range": "bytes=10-20,-100000"}})]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    big = tmp_path_factory.mktemp("big") / "big.bin"
    big.write_bytes(bytes(range(251)) * (3 * 1024 * 1024 // 251 + 5))
    os.environ["BIG_FILE"] = str(big)
    with Pair(build) as p:
        yield p


def described(r: Any) -> tuple[Any, ...]:
    """What must match: status, the body-describing headers, and the body, with a
    multipart boundary (random on both sides) replaced."""
    ctype = r.headers.get("content-type", "")
    body = r.content
    m = re.search(r"boundary=(\w+)", ctype)
    if m:
        ctype = ctype.replace(m.group(1), "B")
        body = body.replace(m.group(1).encode(), b"B")
    headers = {k: r.headers.get(k) for k in ("content-length", "content-range", "accept-ranges",
                                             "etag", "last-modified", "content-disposition")}
    return r.status_code, ctype, headers, body


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]} {c[1]} {c[2]}"[:80] for c in CASES])
def test_same_answers(pair: Pair, case: tuple[Any, ...]) -> None:
    method, path, kwargs = case
    headers = kwargs.get("headers", {})
    for k, v in list(headers.items()):
        headers[k] = v.replace("IF_ETAG", etag()).replace("IF_DATE", modified())
    theirs = pair.theirs.request(method, path, **kwargs)
    ours = pair.ours.request(method, path, **kwargs)
    assert described(ours) == described(theirs)
