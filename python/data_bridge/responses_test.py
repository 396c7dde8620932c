"""data_bridge.responses against starlette.responses (the compat environment's): the same
constructor arguments and calls give the same status, body and raw headers."""

from __future__ import annotations

import datetime
from typing import Any, Callable

import pytest
import starlette.responses as theirs

from data_bridge import responses as ours


def both(make: Callable[[Any], Any]) -> None:
    def outcome(module: Any) -> str:
        try:
            r = make(module)
        except Exception as e:  # the kind of failure is what must match
            return "raised " + type(e).__name__
        body = getattr(r, "body", None)
        return repr((r.status_code, None if body is None else bytes(body), r.raw_headers))
    assert outcome(ours) == outcome(theirs)


CONTENT: list[Any] = [None, b"", b"\x00\x01", "text", "caf\xe9 \u20ac", memoryview(b"mv"), 5]
HEADERS: list[Any] = [None, {}, {"X-A": "1", "Content-Type": "custom/type"},
                      {"content-length": "99"}, {"X-\xe9": "\xe9"}, {"X-Snow": "\u2603"}]
MEDIA = [None, "text/plain", "text/html; charset=latin-1", "text/csv; CHARSET=x",
         "application/octet-stream"]


@pytest.mark.parametrize("status", [200, 101, 204, 304, 404])
def test_plain_responses(status: int) -> None:
    for cls in ("Response", "PlainTextResponse", "HTMLResponse"):
        for content in CONTENT:
            for headers in HEADERS:
                for media in MEDIA:
                    both(lambda m: getattr(m, cls)(content, status, headers, media))


def test_json_response() -> None:
    values: list[Any] = [{"a": [1, 2.5, None, True]}, [], "s", 0, {"k": "\u20ac\n\"\\"},
                         {1: "int key"}, float("nan"), [1e300, -0.0, 3.14159], {"nested": {}}]
    for value in values:
        both(lambda m: m.JSONResponse(value))
        both(lambda m: m.JSONResponse(value, 201, {"X-Id": "7"}, "application/problem+json"))


def test_redirects() -> None:
    for url in ("/login", "https://ex.org/a b?c=d&e=f#g", "/caf\xe9", "/%41?x=%20",
                "http://u:p@h/[x]", "/it's"):
        both(lambda m: m.RedirectResponse(url))
        both(lambda m: m.RedirectResponse(url, 301, {"X-A": "1"}))


def test_streaming_headers() -> None:
    both(lambda m: m.StreamingResponse(iter([b"x"]), 200, {"X-A": "1"}, "text/event-stream"))
    both(lambda m: m.StreamingResponse(iter([]), 206))


def test_headers_view_and_cookies() -> None:
    def edit(m: Any) -> Any:
        r = m.PlainTextResponse("x", headers={"X-A": "1"})
        r.headers["x-a"] = "2"
        r.headers.append("vary", "Origin")
        del r.headers["content-length"]
        r.set_cookie("session", "s 1;x", max_age=60, httponly=True, secure=True)
        r.set_cookie("plain", "v", path=None, samesite=None, domain="ex.org")
        r.set_cookie("when", "w", expires=datetime.datetime(2030, 1, 2, 3, 4, 5,
                                                            tzinfo=datetime.timezone.utc))
        r.set_cookie("strict", samesite="strict", expires="Thu, 01 Jan 2037 00:00:00 GMT")
        r.delete_cookie("old", path="/p", domain="d.org", secure=True, httponly=True)
        return r
    both(edit)
    both(lambda m: m.Response().set_cookie("k", samesite="bogus"))
    both(lambda m: m.Response().set_cookie("k", partitioned=True))


@pytest.mark.parametrize("name", ["ORJSONResponse", "UJSONResponse"])
def test_third_party_json_responses_warn_and_need_their_library(name: str) -> None:
    """As FastAPI's: made with a FastAPIDeprecationWarning; without the library installed
    (neither is in this environment, nor a dependency), rendering fails on its assertion."""
    import fastapi.exceptions
    import fastapi.responses

    from data_bridge.exceptions import FastAPIDeprecationWarning

    for module, warning in ((fastapi.responses, fastapi.exceptions.FastAPIDeprecationWarning),
                            (ours, FastAPIDeprecationWarning)):
        with pytest.warns(warning, match=f"{name} is deprecated"):
            with pytest.raises(AssertionError, match=f"must be installed to use {name}"):
                getattr(module, name)({"a": 1})
