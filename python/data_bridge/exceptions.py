"""Exceptions a handler raises to choose its error response, and the validation errors the
framework raises, with FastAPI's names, arguments, str() and repr() (`fastapi.exceptions`).

    raise HTTPException(404, "no such user", headers={"X-Reason": "gone"})
    raise RequestValidationError([{"type": "value_error", "loc": ["body", "end"],
                                   "msg": "end before start", "input": None}])
"""

from __future__ import annotations

import http.client
from typing import Any, Mapping, Sequence, TypedDict

__all__ = ["DependencyScopeError", "EndpointContext", "FastAPIDeprecationWarning",
           "FastAPIError", "HTTPException",
           "RequestValidationError", "ResponseValidationError", "ValidationException",
           "WebSocketException", "WebSocketRequestValidationError"]


class HTTPException(Exception):
    """Answer with `status_code` and the JSON body {"detail": detail} (the status's reason
    phrase when no detail is given), plus `headers`."""

    def __init__(self, status_code: int, detail: Any = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.status_code = status_code
        self.detail = http.client.responses.get(status_code, "") if detail is None else detail
        self.headers = headers

    def __str__(self) -> str:
        return f"{self.status_code}: {self.detail}"

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(status_code={self.status_code!r}, "
                f"detail={self.detail!r})")


class WebSocketException(Exception):
    """Close the WebSocket with `code` (data_bridge.status.WS_*) and `reason`."""

    def __init__(self, code: int, reason: str | None = None) -> None:
        self.code = code
        self.reason = reason or ""

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(code={self.code!r}, reason={self.reason!r})"


class FastAPIDeprecationWarning(UserWarning):
    """A deprecated name or use: a UserWarning, so that it shows by default."""


class FastAPIError(RuntimeError):
    """A misuse of the framework's API (FastAPI's name, kept for code that catches it)."""


class DependencyScopeError(FastAPIError):
    """A dependency depends on one of a narrower scope."""


class EndpointContext(TypedDict, total=False):
    function: str
    path: str
    file: str
    line: int


class ValidationException(Exception):
    """Validation errors, each a dict in FastAPI's shape ({"type", "loc", "msg", "input"}),
    with where they arose when known."""

    def __init__(self, errors: Sequence[Any], *,
                 endpoint_ctx: EndpointContext | None = None) -> None:
        self._errors = errors
        self.endpoint_ctx = endpoint_ctx
        where = endpoint_ctx or {}
        self.endpoint_function = where.get("function")
        self.endpoint_path = where.get("path")
        self.endpoint_file = where.get("file")
        self.endpoint_line = where.get("line")

    def errors(self) -> Sequence[Any]:
        return self._errors

    def __str__(self) -> str:
        n = len(self._errors)
        lines = [f"{n} validation error{'' if n == 1 else 's'}:"]
        lines += [f"  {error}" for error in self._errors]
        text = "\n".join(lines) + "\n"
        if self.endpoint_file and self.endpoint_line and self.endpoint_function:
            text += (f'\n  File "{self.endpoint_file}", line {self.endpoint_line}, '
                     f"in {self.endpoint_function}")
            if self.endpoint_path:
                text += f"\n    {self.endpoint_path}"
        elif self.endpoint_path:
            text += f"\n  Endpoint: {self.endpoint_path}"
        return text.rstrip()


class RequestValidationError(ValidationException):
    """The request did not validate: answered 422 with {"detail": errors}."""

    def __init__(self, errors: Sequence[Any], *, body: Any = None,
                 endpoint_ctx: EndpointContext | None = None) -> None:
        super().__init__(errors, endpoint_ctx=endpoint_ctx)
        self.body = body


class WebSocketRequestValidationError(ValidationException):
    """A WebSocket's handshake request did not validate."""


class ResponseValidationError(ValidationException):
    """A handler's return value did not match its declared response model (a server
    error: 500)."""

    def __init__(self, errors: Sequence[Any], *, body: Any = None,
                 endpoint_ctx: EndpointContext | None = None) -> None:
        super().__init__(errors, endpoint_ctx=endpoint_ctx)
        self.body = body
