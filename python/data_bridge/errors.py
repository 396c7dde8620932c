"""Exception handlers as Starlette picks them (`app.exception_handler(...)`): for an
exception a route's handler raised, a handler registered for its HTTP status (an
HTTPException's status_code) wins, else the first of its class's MRO that has one; the
handler (sync or async) gets (request, exc) and returns the response. One registered for
Exception (or 500) answers any other exception, which is still logged (and re-raised by
the TestClient), as Starlette's ServerErrorMiddleware does.

A route of an app that registered any handler is wrapped (runtime_spec) to catch what its
handler raises. With a RequestValidationError handler, a request that fails validation
natively is handed to the wrapper as its errors, raised there as RequestValidationError
(body: the body as read). With a handler that would see a 404/405, requests no route
serves go to the plan's unrouted endpoint and are raised there as HTTPException (405 with
its Allow), as Starlette's router raises them.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from .exceptions import HTTPException, RequestValidationError, WebSocketException

__all__ = ["ExceptionHandlers", "key_of"]

Handler = Callable[[Any, Exception], Any]


def key_of(key: Any) -> Any:
    """A registration key as ours: Starlette's own HTTPException and WebSocketException
    (which a FastAPI app may still import from starlette) stand for ours."""
    if isinstance(key, type) and key.__module__.startswith("starlette."):
        ours = {"HTTPException": HTTPException, "WebSocketException": WebSocketException}
        return ours.get(key.__name__, key)
    return key


class ExceptionHandlers:
    def __init__(self, handlers: dict[Any, Handler] | None = None) -> None:
        self.by_status: dict[int, Handler] = {}
        self.by_class: dict[type, Handler] = {}
        for key, handler in (handlers or {}).items():
            self.add(key, handler)

    def add(self, key: Any, handler: Handler) -> None:
        key = key_of(key)
        if isinstance(key, int):
            self.by_status[key] = handler
        elif isinstance(key, type) and issubclass(key, BaseException):
            self.by_class[key] = handler
        else:
            raise TypeError(f"an exception handler is registered for an exception class or "
                            f"a status code, not {key!r}")

    def handles_unrouted(self) -> bool:
        """Whether a handler would see the 404/405 of requests no route serves (one for
        those statuses, or for HTTPException or a base class of it but Exception)."""
        if 404 in self.by_status or 405 in self.by_status:
            return True
        return any(cls in self.by_class for cls in HTTPException.__mro__
                   if cls not in (Exception, BaseException, object))

    def handles_validation(self) -> bool:
        """Whether the app answers request validation failures itself (a handler for
        RequestValidationError): then the native side hands them over instead of its 422."""
        return RequestValidationError in self.by_class

    def __bool__(self) -> bool:
        return bool(self.by_status or self.by_class)

    def lookup(self, exc: BaseException) -> tuple[Handler | None, bool]:
        """(the handler for `exc`, whether it is the server-error one: the exception is
        then still reported)."""
        if isinstance(exc, HTTPException) and exc.status_code in self.by_status:
            return self.by_status[exc.status_code], False
        for cls in type(exc).__mro__:
            if cls in self.by_class and cls not in (Exception, BaseException):
                return self.by_class[cls], False
        server_error = self.by_status.get(500) or self.by_class.get(Exception)
        if server_error is not None and isinstance(exc, Exception) and \
                not isinstance(exc, HTTPException):
            return server_error, True
        return None, False

    async def answer(self, request: Any, exc: Exception, handler: Handler) -> Any:
        result = handler(request, exc)
        if inspect.isawaitable(result):
            result = await result
        return result
