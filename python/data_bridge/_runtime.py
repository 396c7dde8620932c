"""What the native runtime calls back into: one asyncio loop per I/O thread, coroutine
continuation as tasks, request objects, exception logging.

The native side (framework/python/internal/py_server.cc) starts each I/O thread and calls
run_worker(worker) on it. The loop is the master (docs/ARCHITECTURE.md, "Threading"): the
worker's epoll fd is registered with loop.add_reader, and worker.drain does the I/O,
parsing, routing and validation with the GIL released.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import threading
from typing import Any, Callable, Generator

from ._pydantic import Invalid, JSONBytes
from .encoders import jsonable_encoder
from .exceptions import HTTPException, RequestValidationError
from .lifespan import publish_app
from .requests import Request
from .responses import FileResponse, Response, StreamingResponse

__all__ = [
    "HTTPException",
    "Invalid",
    "JSONBytes",
    "RequestValidationError",
    "Response",
    "StreamingResponse",
    "FileResponse",
    "exception_listeners",
    "jsonable_encoder",
    "log_exception",
    "make_request",
    "parse_errors",
    "resume",
    "run_background",
    "run_worker",
    "in_thread",
    "spawn",
]

logger = logging.getLogger("data_bridge")

# Strong references to running handler tasks (the loop keeps only weak ones).
_live: set["asyncio.Task[Any]"] = set()


def parse_errors(text: str) -> Any:
    """A native 422's error list, for an app's RequestValidationError handler: each
    error's loc a tuple, as pydantic gives it (an app may format it)."""
    errors = json.loads(text)
    for error in errors:
        if isinstance(error, dict) and isinstance(error.get("loc"), list):
            error["loc"] = tuple(error["loc"])
    return errors


def make_request(data: Any) -> Request:
    return Request(data)


class _Background:
    """Background tasks running on this process's loops, counted so that a TestClient can
    wait for them as Starlette's does (its requests return after them)."""

    def __init__(self) -> None:
        self.running = 0
        self.idle = threading.Condition()

    async def run(self, tasks: Any) -> None:
        try:
            await tasks()
        except Exception as exc:  # noqa: BLE001 - after the response: logged, as servers do
            log_exception(exc, "background task")
        finally:
            with self.idle:
                self.running -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.running == 0, timeout)


background = _Background()


def run_background(tasks: Any) -> None:
    """Starts a response's background task (after the response was sent) on this loop."""
    with background.idle:
        background.running += 1
    task = asyncio.get_running_loop().create_task(background.run(tasks))
    _live.add(task)
    task.add_done_callback(_live.discard)


# Who else hears of a handler's unhandled exception (data_bridge.testclient re-raises it).
exception_listeners: list[Callable[[BaseException], None]] = []


def log_exception(exc: BaseException, where: str) -> None:
    logger.error("Exception in %s", where, exc_info=(type(exc), exc, exc.__traceback__))
    for listener in list(exception_listeners):
        listener(exc)


class _Resume:
    """Awaitable that continues a coroutine already stepped once by the native side.

    The coroutine yielded `pending` (the future it waits on, or None for a bare yield);
    yielding it again hands it to the Task, which wakes us when it is done. Values and
    exceptions (cancellation included) are forwarded to the coroutine.
    """

    __slots__ = ("coro", "pending")

    def __init__(self, coro: Any, pending: Any) -> None:
        self.coro = coro
        self.pending = pending

    def __await__(self) -> Generator[Any, None, Any]:
        coro, value = self.coro, self.pending
        self.pending = None
        while True:
            try:
                yield value
            except BaseException as exc:  # noqa: BLE001 - forwarded, not handled
                try:
                    value = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    value = coro.send(None)
                except StopIteration as stop:
                    return stop.value


async def _continue(coro: Any, pending: Any) -> Any:
    return await _Resume(coro, pending)


def resume(coro: Any, pending: Any) -> _Resume:
    """Awaitable continuing `coro`, already stepped once (it yielded `pending`)."""
    return _Resume(coro, pending)


def spawn(
    loop: asyncio.AbstractEventLoop,
    coro: Any,
    pending: Any,
    context: Any,
    on_done: Callable[["asyncio.Task[Any]"], None],
) -> "asyncio.Task[Any]":
    task = loop.create_task(_continue(coro, pending), context=context)
    _live.add(task)
    task.add_done_callback(on_done)
    task.add_done_callback(_live.discard)
    return task


async def in_thread(iterable: Any) -> Any:
    """A plain iterable's items, each produced in a worker thread (it may block): how a
    StreamingResponse over a sync iterator is pumped (framework/python/internal/
    stream_pump.cc steps the result on the loop)."""
    iterator, done = iter(iterable), object()

    def step() -> Any:
        return next(iterator, done)

    while True:
        item = await asyncio.to_thread(step)
        if item is done:
            return
        yield item


def run_worker(worker: Any, grpc: Any = None, lifespan: Any = None,
               started: Callable[[], None] | None = None,
               startup_failed: Callable[[BaseException], None] | None = None,
               app: Any = None, root_path: str = "") -> None:
    """Body of one I/O thread: a persistent asyncio loop driving the native worker (and,
    with `grpc` (a data_bridge.rpc.GrpcServer), one shard of the gRPC calls, whose events
    arrive through the worker's own wake-ups). `lifespan()` makes this thread's
    data_bridge.lifespan.Running: started before the first request, stopped after the
    last; then `started()` is called, or, when the startup raised, it is logged and
    handed to `startup_failed`. `app`: what request.app is on this thread, served under
    `root_path` (the settings' root_path)."""
    publish_app(app, root_path)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # Plain endpoints, background functions and run_in_threadpool run here: as many
    # threads as AnyIO's default limiter gives FastAPI (40), not asyncio's cpu+4.
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(
        max_workers=40, thread_name_prefix="data-bridge-worker"))
    running = None
    if lifespan is not None:
        running = lifespan()
        try:
            running.publish(loop.run_until_complete(running.start()))
        except BaseException as exc:  # noqa: BLE001 - reported, and the server stops
            logger.error("Application startup failed", exc_info=(type(exc), exc,
                                                                 exc.__traceback__))
            asyncio.set_event_loop(None)
            loop.close()
            if startup_failed is not None:
                startup_failed(exc)
            return
    if started is not None:
        started()
    worker.attach(loop)
    loop.add_reader(worker.fileno(), worker.drain)
    if grpc is not None:
        grpc.attach(worker)
    try:
        loop.run_forever()
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        if running is not None:
            try:
                loop.run_until_complete(running.stop())
            except BaseException as exc:  # noqa: BLE001 - logged; the thread still ends
                log_exception(exc, "lifespan shutdown")
            running.publish(None)
        loop.run_until_complete(loop.shutdown_asyncgens())
        if grpc is not None:
            grpc.detach(worker)
        worker.attach(None)
        asyncio.set_event_loop(None)
        loop.close()
