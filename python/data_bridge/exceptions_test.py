"""data_bridge.exceptions against fastapi.exceptions (the compat environment's): the same
arguments give the same attributes, str() and repr()."""

from __future__ import annotations

from typing import Any, Callable

import fastapi.exceptions as theirs

from data_bridge import exceptions as ours


def both(make: Callable[[Any], Any], *attrs: str) -> None:
    def outcome(module: Any) -> str:
        try:
            e = make(module)
        except Exception as exc:
            return "raised " + type(exc).__name__
        return repr((str(e), repr(e).replace(type(e).__name__, "E"),
                     [getattr(e, a) for a in attrs]))
    assert outcome(ours) == outcome(theirs)


def test_http_and_websocket_exceptions() -> None:
    for status in (404, 418, 422, 599, 200):
        both(lambda m: m.HTTPException(status), "status_code", "detail", "headers")
    both(lambda m: m.HTTPException(400, {"why": ["x"]}, {"X-A": "1"}),
         "status_code", "detail", "headers")
    both(lambda m: m.HTTPException(status_code=401, detail="", headers={}), "detail", "headers")
    both(lambda m: m.WebSocketException(1008), "code", "reason")
    both(lambda m: m.WebSocketException(code=1011, reason="boom"), "code", "reason")


ERRORS = [{"type": "missing", "loc": ["query", "q"], "msg": "Field required", "input": None}]


def test_validation_errors() -> None:
    for errors in ([], ERRORS, ERRORS * 2):
        both(lambda m: m.RequestValidationError(errors), "body")
        both(lambda m: m.RequestValidationError(errors, body={"a": 1}), "body")
        both(lambda m: m.ResponseValidationError(errors, body=[1]), "body")
        both(lambda m: m.WebSocketRequestValidationError(errors))
    for ctx in ({"path": "GET /x"}, {"function": "f", "file": "app.py", "line": 3},
                {"function": "f", "file": "app.py", "line": 3, "path": "POST /y"}, {}):
        both(lambda m: m.RequestValidationError(ERRORS, endpoint_ctx=ctx),
             "endpoint_function", "endpoint_path", "endpoint_file", "endpoint_line")
    both(lambda m: m.RequestValidationError(ERRORS, ERRORS))  # body is keyword-only
    assert ours.RequestValidationError(ERRORS).errors() == ERRORS
    assert issubclass(ours.DependencyScopeError, ours.FastAPIError)
    assert issubclass(ours.FastAPIError, RuntimeError)
    assert issubclass(ours.RequestValidationError, ours.ValidationException)
