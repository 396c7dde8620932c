"""Middleware as Starlette declares it (FastAPI's fastapi.middleware):

    app.add_middleware(CORSMiddleware, allow_origins=["https://example.com"])
    FastAPI(middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])

The classes under data_bridge.middleware take Starlette's options and are carried out by
the native server (CORS: data_bridge.middleware.cors).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Middleware"]


class Middleware:
    """A middleware class and its options, as Starlette's Middleware."""

    def __init__(self, cls: Any, *args: Any, **kwargs: Any) -> None:
        self.cls = cls
        self.args = args
        self.kwargs = kwargs

    def __iter__(self) -> Any:
        return iter((self.cls, self.args, self.kwargs))

    def __repr__(self) -> str:
        options = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"Middleware({getattr(self.cls, '__name__', self.cls)}, {', '.join(options)})"
