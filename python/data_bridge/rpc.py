"""gRPC for proto services: the same handler objects that serve the HTTP bindings, served by
gRPC C++ (framework/grpc) on the App's own per-thread asyncio loops.

    app.include(library_api.routes(Library()))
    app.run(port=8000, grpc_port=50051)        # CLI: --grpc-port 50051

Handlers take and return protoc's `_pb2` messages, as grpcio servicers do:
    unary              async def M(self, request, context) -> Response
    server streaming   async def M(self, request, context): yield Response(...)
    client streaming   async def M(self, requests, context) -> Response   (async iterator)
    bidirectional      async def M(self, requests, context): yield ...
`context` is a GrpcContext: abort / abort_with_status / set_code / set_details,
invocation_metadata, send_initial_metadata, set_trailing_metadata, time_remaining, peer,
cancelled. A handler's task is cancelled when the client cancels or its deadline passes
(the client sees CANCELLED / DEADLINE_EXCEEDED); an unexpected exception answers UNKNOWN
with a generic message and is logged.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from . import _core, _runtime
from .rpc_context import ServicerContext, status_code_number
from .settings import ServerSettings

logger = logging.getLogger("data_bridge")

# framework/grpc's CallKind and CallEvent::Kind.
UNARY, CLIENT_STREAMING, SERVER_STREAMING, BIDI_STREAMING = range(4)
_START, _MESSAGE, _HALF_CLOSE, _CANCELLED, _WRITABLE = range(5)

# google.rpc.Code numbers (grpc.StatusCode's); google/rpc/code.proto is not a dependency of
# the runtime (googleapis' protos are needed only for rich error details).
OK, UNKNOWN, UNIMPLEMENTED, INTERNAL = 0, 2, 12, 13
_WRITE_AHEAD = 64  # response messages handed over together; twice that queued: wait


@dataclass
class GrpcMethod:
    path: str  # "/package.Service/Method"
    kind: int
    handler: Optional[Callable[..., Any]]  # None: not implemented (UNIMPLEMENTED)
    request_class: Any
    response_class: Any
    # (message type, compiled service, type name, model indices): field rules checked
    # natively on every request message.
    rules: Optional[tuple[str, Any, str, list[int]]] = None


class Metadatum(tuple):  # type: ignore[type-arg]
    """(key, value) with .key / .value, like grpcio's metadata items."""

    __slots__ = ()

    def __new__(cls, key: str, value: Any) -> "Metadatum":
        return tuple.__new__(cls, (key, value))

    @property
    def key(self) -> str:
        return str(self[0])

    @property
    def value(self) -> Any:
        return self[1]


class AbortError(Exception):
    """Raised by GrpcContext.abort: ends the call with a status."""

    def __init__(self, code: int, details: str, status_details: Optional[bytes] = None,
                 trailing: Sequence[tuple[str, Any]] = ()) -> None:
        super().__init__(details)
        self.code = code
        self.details = details
        self.status_details = status_details
        self.trailing = list(trailing)


class GrpcContext(ServicerContext):
    """The grpcio-shaped context of one call (a ServicerContext, the type handlers of
    generated services are declared with, whose HTTP form maps abort to HTTP statuses)."""

    __slots__ = ("_call", "_code", "_details", "_trailing", "_cancelled")

    def __init__(self, call: Any) -> None:
        self._call = call
        self._code = OK
        self._details = ""
        self._trailing: list[tuple[str, Any]] = []
        self._cancelled = False

    def invocation_metadata(self) -> tuple[Metadatum, ...]:
        return tuple(Metadatum(k, v) for k, v in self._call.metadata())

    def peer(self) -> str:
        return str(self._call.peer)

    def time_remaining(self) -> Optional[float]:
        left: Optional[float] = self._call.time_remaining()
        return left

    def cancelled(self) -> bool:
        return self._cancelled

    def is_active(self) -> bool:
        return not self._cancelled and not self._call.done

    def send_initial_metadata(self, metadata: Sequence[tuple[str, Any]]) -> None:
        self._call.send_initial_metadata(list(metadata))

    def set_trailing_metadata(self, metadata: Sequence[tuple[str, Any]]) -> None:
        self._trailing = list(metadata)

    def set_code(self, code: Any) -> None:
        self._code = status_code_number(code)

    def set_details(self, details: str) -> None:
        self._details = details

    def abort(self, code: Any, details: str = "") -> None:
        raise AbortError(status_code_number(code), details, trailing=self._trailing)

    def abort_with_status(self, status: Any) -> None:
        """`status`: a grpc.Status (grpcio_status' rpc_status.to_status(...)): code, details
        and trailing_metadata, whose grpc-status-details-bin carries the rich details."""
        trailing = list(getattr(status, "trailing_metadata", None) or ())
        rich = next((v for k, v in trailing if k == "grpc-status-details-bin"), None)
        rest = [(k, v) for k, v in trailing if k != "grpc-status-details-bin"]
        raise AbortError(status_code_number(status.code), status.details or "", rich,
                         self._trailing + rest)


class _Requests:
    """The request stream of a client-streaming or bidi call, read on demand."""

    def __init__(self, call: Any, request_class: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._call = call
        self._cls = request_class
        self._loop = loop
        self._waiter: Optional[asyncio.Future[Any]] = None
        self._ended = False

    def __aiter__(self) -> "_Requests":
        return self

    async def __anext__(self) -> Any:
        if self._ended:
            raise StopAsyncIteration
        self._waiter = self._loop.create_future()
        self._call.read()
        data = await self._waiter
        if data is None:
            self._ended = True
            raise StopAsyncIteration
        return _parse(self._cls, data)

    def deliver(self, data: Optional[bytes]) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(data)


class _Malformed(Exception):
    pass


def _parse(cls: Any, data: bytes) -> Any:
    try:
        return cls.FromString(data)
    except Exception as e:  # noqa: BLE001 - protobuf's DecodeError and friends
        raise _Malformed(f"malformed request message: {e}") from None


class _Call:
    __slots__ = ("call", "method", "context", "task", "requests", "writable")

    def __init__(self, call: Any, method: GrpcMethod) -> None:
        self.call = call
        self.method = method
        self.context = GrpcContext(call)
        self.task: Optional[asyncio.Task[Any]] = None
        self.requests: Optional[_Requests] = None
        self.writable: Optional[asyncio.Future[Any]] = None


class GrpcDispatcher:
    """Runs the calls of a _core.GrpcServer on the App's loops (one event queue each)."""

    def __init__(self, core: Any, methods: list[GrpcMethod]) -> None:
        self.core = core
        self.methods = methods
        self.port = 0
        self._queues = list(core.queues())
        self._lock = threading.Lock()
        self._calls: dict[Any, _Call] = {}

    def shutdown(self, grace: float) -> None:
        """Health NOT_SERVING, no new calls, calls in flight get `grace` seconds (the loops
        must still run: call before stopping the HTTP server)."""
        self.core.shutdown(grace)
        for queue in self.core.queues():
            queue.detach()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called on each I/O thread's loop (run_worker): serve one queue's calls here."""
        with self._lock:
            if not self._queues:
                return
            queue = self._queues.pop()

        queue.attach(loop)
        loop.add_reader(queue.fileno(), self._drain, queue, loop)

    def _drain(self, queue: Any, loop: asyncio.AbstractEventLoop) -> None:
        for kind, call, message in queue.drain():
            if kind == _START:
                self._start(call, message, loop)
                continue
            state = self._calls.get(call)
            if state is None:
                continue
            if kind == _MESSAGE or kind == _HALF_CLOSE:
                if state.requests is not None:
                    state.requests.deliver(message)
            elif kind == _CANCELLED:
                state.context._cancelled = True
                if state.task is not None:
                    state.task.cancel()
                if state.requests is not None:
                    state.requests.deliver(None)
            elif kind == _WRITABLE:
                if state.writable is not None and not state.writable.done():
                    state.writable.set_result(None)

    def _start(self, call: Any, message: Optional[bytes], loop: asyncio.AbstractEventLoop) -> None:
        method = self.methods[call.method]
        if method.handler is None:
            call.finish(UNIMPLEMENTED, "Method not implemented!")
            return
        state = _Call(call, method)
        if method.kind in (CLIENT_STREAMING, BIDI_STREAMING):
            state.requests = _Requests(call, method.request_class, loop)
        # As for HTTP: the first step runs at once (most unary handlers finish in it, and
        # no event of theirs can arrive meanwhile: this thread delivers them); a handler
        # that really suspends continues as a Task on this loop, reachable by its events.
        coro = self._run(state, message)
        try:
            pending = coro.send(None)
        except StopIteration:
            return
        self._calls[call] = state
        def forget(_task: Any) -> None:
            self._calls.pop(call, None)

        state.task = _runtime.spawn(loop, coro, pending, None, forget)

    async def _run(self, state: _Call, message: Optional[bytes]) -> None:
        call, method, context = state.call, state.method, state.context
        try:
            arg = state.requests if state.requests is not None else _parse(
                method.request_class, message or b"")
            result = method.handler(arg, context)  # type: ignore[misc]
            if method.kind in (SERVER_STREAMING, BIDI_STREAMING):
                await self._stream(state, result)
                call.finish(context._code, context._details, None, context._trailing)
            else:
                if inspect.isawaitable(result):
                    result = await result
                if context._code != OK:
                    call.finish(context._code, context._details, None, context._trailing)
                    return
                if not isinstance(result, method.response_class):
                    raise TypeError(f"{method.path} returned {type(result).__name__}, not "
                                    f"{method.response_class.__name__}")
                call.respond(result.SerializeToString(), context._trailing or None)
        except AbortError as e:
            call.finish(e.code, e.details, e.status_details, e.trailing)
        except _Malformed as e:
            call.finish(INTERNAL, str(e))
        except NotImplementedError:  # the generated base class's method, not overridden
            call.finish(UNIMPLEMENTED, "Method not implemented!")
        except asyncio.CancelledError:
            pass  # the call was cancelled (client, deadline, shutdown): nothing to answer
        except Exception as e:  # noqa: BLE001 - the client gets UNKNOWN, the log the rest
            logger.error("Exception in gRPC handler %s", method.path,
                         exc_info=(type(e), e, e.__traceback__))
            call.finish(UNKNOWN, "Unexpected error in the handler")

    async def _stream(self, state: _Call, responses: Any) -> None:
        """Writes what a streaming handler yields. Messages produced without suspending are
        handed over together (one write_many); whenever the handler suspends, what it has
        produced so far goes out first, so a slow stream is never held back."""
        if inspect.isawaitable(responses):
            responses = await responses
        batch: list[bytes] = []
        if not hasattr(responses, "__aiter__"):  # a plain iterable (sync generator, list)
            try:
                for item in responses:
                    batch.append(self._serialize(state, item))
                    if len(batch) >= _WRITE_AHEAD:
                        await self._flush(state, batch)
            finally:  # what came before a failure still goes out, then the status
                await self._flush(state, batch)
            return
        iterator = responses.__aiter__()
        while True:
            step = iterator.__anext__()
            try:
                pending = step.send(None)
            except StopIteration as done:  # produced without suspending
                batch.append(self._serialize(state, done.value))
                if len(batch) >= _WRITE_AHEAD:
                    await self._flush(state, batch)
                continue
            except StopAsyncIteration:
                break
            except BaseException:  # what came before a failure still goes out
                await self._flush(state, batch)
                raise
            await self._flush(state, batch)  # the handler waits for something: send first
            try:
                item = await _runtime.resume(step, pending)
            except StopAsyncIteration:
                break
            batch.append(self._serialize(state, item))
        await self._flush(state, batch)

    @staticmethod
    def _serialize(state: _Call, item: Any) -> bytes:
        if not isinstance(item, state.method.response_class):
            raise TypeError(f"{state.method.path} yielded {type(item).__name__}, not "
                            f"{state.method.response_class.__name__}")
        data: bytes = item.SerializeToString()
        return data

    async def _flush(self, state: _Call, batch: list[bytes]) -> None:
        if not batch:
            return
        unwritten = state.call.write_many(batch)
        batch.clear()
        if unwritten >= 2 * _WRITE_AHEAD:  # flow control: the client reads slower
            state.writable = asyncio.get_running_loop().create_future()
            state.call.wait_writable(_WRITE_AHEAD)
            await state.writable


def start_grpc(methods: list[GrpcMethod], settings: ServerSettings) -> GrpcDispatcher:
    """Starts gRPC C++ for these methods on settings.grpc.port, one shard per I/O thread;
    the dispatcher's `port` is the bound port."""
    core = _core.GrpcServer(settings.to_proto().SerializeToString(),
                            [(m.path, m.kind, m.rules) for m in methods], settings.threads)
    dispatcher = GrpcDispatcher(core, methods)
    dispatcher.port = core.start()
    return dispatcher
