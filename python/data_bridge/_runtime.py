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
import contextvars
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
    "run_background",
    "run_worker",
    "in_thread",
    "TaskHost",
]

logger = logging.getLogger("data_bridge")

# Strong references to running background tasks (the loop keeps only weak ones).
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
    exceptions (cancellation included) are forwarded to the coroutine, each step run in
    the call's own `context`; `error`, when given, is thrown in first.
    """

    __slots__ = ("coro", "pending", "context", "error")

    def __init__(self, coro: Any, pending: Any, context: contextvars.Context,
                 error: BaseException | None = None) -> None:
        self.coro = coro
        self.pending = pending
        self.context = context
        self.error = error

    def __await__(self) -> Generator[Any, None, Any]:
        coro, run = self.coro, self.context.run
        value, error = self.pending, self.error
        self.pending = self.error = None
        if error is None:
            try:
                yield value
            except BaseException as exc:  # noqa: BLE001 - forwarded, not handled
                error = exc
        while True:
            try:
                value = run(coro.send, None) if error is None else run(coro.throw, error)
            except StopIteration as stop:
                return stop.value
            error = None
            try:
                yield value
            except BaseException as exc:  # noqa: BLE001 - forwarded, not handled
                error = exc


async def _hosted(slot: "asyncio.Future[Any]") -> Any:
    """The body of a TaskHost's spare Task: it waits to be handed a coroutine whose first
    step already ran as this Task, and runs the rest. A spare adopted before its own first
    step (the usual case under load) finds the slot filled and never waits."""
    try:
        coro, pending, context = await slot
    except asyncio.CancelledError as exc:
        if slot.cancelled():  # cancelled while spare: nothing was handed over
            raise
        # Cancelled in the turn between the first step and this one (an asyncio.timeout
        # entered in the first step ran out): the coroutine gets the cancellation.
        coro, pending, context = slot.result()
        if isinstance(pending, asyncio.Future):
            pending.cancel()
        return await _Resume(coro, None, context, exc)
    return await _Resume(coro, pending, context)


class TaskHost:
    """One loop's spare Task: the native runner (framework/python/internal/
    coroutine_runner.h) makes it the loop's running Task while it steps a handler's
    coroutine the first time, so asyncio.current_task() is a real Task from the first
    line (asyncio.timeout, TaskGroup and AnyIO need one). A handler that finishes in that
    step leaves the spare as it was, for the next; one that suspends is adopted: the
    spare runs the rest of it and a new spare is made. The native side keeps an adopted
    Task referenced until it is done (the loop holds Tasks only weakly)."""

    __slots__ = ("loop", "task", "slot")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.renew()

    def renew(self) -> None:
        self.slot: asyncio.Future[Any] = self.loop.create_future()
        self.task: asyncio.Task[Any] = self.loop.create_task(_hosted(self.slot))

    def adopt(self, coro: Any, pending: Any, context: contextvars.Context,
              on_done: Callable[["asyncio.Task[Any]"], None]) -> "asyncio.Task[Any]":
        """The coroutine whose first step ran as the spare, continued by it."""
        task, slot = self.task, self.slot
        self.renew()
        if slot.done():  # the handler cancelled its own Task in its first step
            task = self.spawn(coro, pending, context, on_done)
            task.cancel()
            return task
        slot.set_result((coro, pending, context))
        task.add_done_callback(on_done)
        return task

    def spawn(self, coro: Any, pending: Any, context: contextvars.Context,
              on_done: Callable[["asyncio.Task[Any]"], None]) -> "asyncio.Task[Any]":
        """The coroutine, stepped once outside the spare, continued by a new Task."""
        task = self.loop.create_task(_continue(coro, pending, context))
        task.add_done_callback(on_done)
        return task


async def _continue(coro: Any, pending: Any, context: contextvars.Context) -> Any:
    return await _Resume(coro, pending, context)


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
               app: Any = None, root_path: str = "",
               client: tuple[str, int] | None = None) -> None:
    """Body of one I/O thread: a persistent asyncio loop driving the native worker (and,
    with `grpc` (a data_bridge.rpc.GrpcServer), one shard of the gRPC calls, whose events
    arrive through the worker's own wake-ups). `lifespan()` makes this thread's
    data_bridge.lifespan.Running: started before the first request, stopped after the
    last; then `started()` is called, or, when the startup raised, it is logged and
    handed to `startup_failed`. `app`: what request.app is on this thread, served under
    `root_path` (the settings' root_path), its requests reporting `client` as their client
    when given (a TestClient's server)."""
    publish_app(app, root_path, client)
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
