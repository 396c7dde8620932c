"""BaseHTTPMiddleware as Starlette's: `dispatch(request, call_next)` around every request
the app answers (routes, 404/405, validation errors), `call_next` giving the inner answer
as a Response to read or change.

    @app.middleware("http")
    async def timing(request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["X-Process-Time"] = str(time.perf_counter() - started)
        return response

Inside, the app's exception handlers (FastAPI's defaults included) have already answered
HTTPException and RequestValidationError; any other exception propagates out of
`call_next`. Such an app enters Python for every request (the native CORS middleware still
answers preflights first).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

__all__ = ["BaseHTTPMiddleware", "RequestResponseEndpoint", "DispatchFunction", "is_http_middleware"]

RequestResponseEndpoint = Callable[[Any], Awaitable[Any]]
DispatchFunction = Callable[[Any, RequestResponseEndpoint], Awaitable[Any]]


class BaseHTTPMiddleware:
    def __init__(self, app: Any = None, dispatch: DispatchFunction | None = None) -> None:
        self.app = app
        self.dispatch_func = self.dispatch if dispatch is None else dispatch

    async def dispatch(self, request: Any, call_next: RequestResponseEndpoint) -> Any:
        raise NotImplementedError()  # pragma: no cover


def is_http_middleware(cls: Any) -> bool:
    """Ours, or Starlette's (an app may still import it from starlette): both are called as
    `cls(app, *args, **kwargs).dispatch_func(request, call_next)`."""
    return isinstance(cls, type) and any(
        c.__name__ == "BaseHTTPMiddleware" and c.__module__ in (__name__, "starlette.middleware.base")
        for c in cls.__mro__)
