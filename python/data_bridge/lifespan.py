"""Lifespan: what an app runs before it serves and after it stops, as FastAPI has it.

    @asynccontextmanager
    async def lifespan(app):
        pool = await connect()
        yield {"pool": pool}         # the state every request sees as request.state.pool
        await pool.close()

    app = FastAPI(lifespan=lifespan)       # or, without one: @app.on_event("startup")

The lifespan runs on each I/O thread's loop, before that thread serves its first request and
after it has answered its last (with threads=1, once, exactly as under FastAPI). A
`lifespan=` replaces the on_startup/on_shutdown handlers, as in FastAPI; an included
router's lifespan and handlers join the including one's. A startup that raises stops the
server (the App's run fails), as uvicorn exits.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
from typing import Any, AsyncIterator, Callable, Mapping

__all__ = ["DefaultLifespan", "as_lifespan_context", "current_app", "current_state", "merge",
           "current_client", "current_root_path", "publish_app"]

# Lifespan: app -> async context manager yielding None or the state mapping.
Lifespan = Callable[[Any], contextlib.AbstractAsyncContextManager[Any]]

# The lifespan state of the I/O thread: set in its base context before its loop runs, so
# every call context copied from it (and a worker thread's copy of one) sees it.
_state: contextvars.ContextVar[Mapping[str, Any] | None] = contextvars.ContextVar(
    "data_bridge_lifespan_state", default=None)


def current_state() -> Mapping[str, Any]:
    """The lifespan state of the I/O thread this call belongs to (empty outside one)."""
    return _state.get() or {}


# The app the I/O thread serves (Starlette's request.app), set in its base context too.
_app: contextvars.ContextVar[Any] = contextvars.ContextVar("data_bridge_app", default=None)


def current_app() -> Any:
    """The app this call's I/O thread serves (None outside one)."""
    return _app.get()


# The server's root_path (uvicorn's --root-path: the prefix a proxy in front strips).
_root_path: contextvars.ContextVar[str] = contextvars.ContextVar("data_bridge_root_path",
                                                                 default="")


def current_root_path() -> str:
    """The ASGI root_path of this call's requests: the app's own root_path when it has one
    (FastAPI sets it over the server's), else the server's."""
    return getattr(_app.get(), "root_path", "") or _root_path.get()


# What request.client is for every request of this thread (Starlette's TestClient's
# ("testclient", 50000)); None: the connection's peer.
_client: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar(
    "data_bridge_client", default=None)


def current_client() -> tuple[str, int] | None:
    """The client address every request of this call's I/O thread reports (a TestClient's
    server), or None: each connection's peer."""
    return _client.get()


def publish_app(app: Any, root_path: str = "", client: tuple[str, int] | None = None) -> None:
    """Makes `app`, served under `root_path`, the calling thread's (before its loop runs,
    outside any task); `client`: what its requests report as their client."""
    _app.set(app)
    _root_path.set(root_path)
    _client.set(client)


class DefaultLifespan:
    """The lifespan of an app that gave none: its on_startup handlers, then its
    on_shutdown handlers (each called, and awaited when it returns an awaitable)."""

    def __init__(self, router: Any) -> None:
        self._router = router

    def __call__(self, app: Any) -> DefaultLifespan:
        return self

    async def __aenter__(self) -> None:
        for handler in self._router.on_startup:
            await _call(handler)

    async def __aexit__(self, *exc_info: object) -> None:
        for handler in self._router.on_shutdown:
            await _call(handler)


async def _call(handler: Callable[[], Any]) -> None:
    result = handler()
    if inspect.isawaitable(result):
        await result


def as_lifespan_context(lifespan: Any) -> Lifespan:
    """`lifespan=` as FastAPI takes it: an async generator function, a generator function,
    or already a function returning an async context manager."""
    if inspect.isasyncgenfunction(lifespan):
        return contextlib.asynccontextmanager(lifespan)
    if inspect.isgeneratorfunction(lifespan):
        sync = contextlib.contextmanager(lifespan)

        @contextlib.asynccontextmanager
        async def lifted(app: Any) -> AsyncIterator[Any]:
            with sync(app) as state:
                yield state
        return lifted
    resolved: Lifespan = lifespan
    return resolved


def merge(outer: Lifespan, inner: Lifespan) -> Lifespan:
    """Both lifespans, `inner` inside `outer`; their states merged (outer's keys win)."""
    @contextlib.asynccontextmanager
    async def merged(app: Any) -> AsyncIterator[Mapping[str, Any] | None]:
        async with outer(app) as outer_state:
            async with inner(app) as inner_state:
                if outer_state is None and inner_state is None:
                    yield None
                else:
                    yield {**(inner_state or {}), **(outer_state or {})}
    return merged


class Running:
    """One I/O thread's lifespan: entered before it serves, exited after."""

    def __init__(self, app: Any, lifespan: Lifespan) -> None:
        self._manager = lifespan(app)

    async def start(self) -> Mapping[str, Any]:
        """Enters the lifespan; its state (publish it with `publish`, outside any task:
        a task's context is a copy)."""
        state = await self._manager.__aenter__()
        if state is not None and not isinstance(state, Mapping):
            raise TypeError(f"the lifespan yielded {type(state).__name__}: a mapping (the "
                            "request state) or None is expected")
        return dict(state) if state else {}

    @staticmethod
    def publish(state: Mapping[str, Any] | None) -> None:
        """Makes `state` the calling thread's lifespan state (None: none)."""
        _state.set(state)

    async def stop(self) -> None:
        await self._manager.__aexit__(None, None, None)
