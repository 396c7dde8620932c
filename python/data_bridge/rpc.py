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

The calls themselves are run natively (framework/python/internal/grpc_runner.cc, with the
same coroutine runner as HTTP handlers): this module holds what the runner hands handlers
(GrpcContext, RequestStream) and what it reads back (AbortError).
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from . import _core
from ._runtime import log_exception
from .rpc_context import ServicerContext, status_code_number
from .settings import ServerSettings

__all__ = ["AbortError", "GrpcContext", "GrpcMethod", "Metadatum", "RequestStream",
           "log_exception", "start_grpc"]

# framework/grpc's CallKind.
UNARY, CLIENT_STREAMING, SERVER_STREAMING, BIDI_STREAMING = range(4)

# google.rpc.Code numbers (grpc.StatusCode's); google/rpc/code.proto is not a dependency of
# the runtime (googleapis' protos are needed only for rich error details).
OK, INTERNAL = 0, 13


@dataclass
class GrpcMethod:
    path: str  # "/package.Service/Method"
    kind: int
    handler: Optional[Callable[..., Any]]  # None: not implemented (UNIMPLEMENTED)
    request_class: Any
    response_class: Any
    # (message type, plan.proto Plan bytes, the request model's index in it): field rules
    # checked natively on every request message.
    rules: Optional[tuple[str, bytes, int]] = None


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


class RequestStream:
    """The request stream of a client-streaming or bidi call, read on demand: each
    __anext__ asks gRPC for one message, which the native runner delivers."""

    __slots__ = ("_call", "_cls", "_loop", "_waiter", "_ended")

    def __init__(self, call: Any, request_class: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._call = call
        self._cls = request_class
        self._loop = loop
        self._waiter: Optional[asyncio.Future[Any]] = None
        self._ended = False

    def __aiter__(self) -> "RequestStream":
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
        try:
            return self._cls.FromString(data)
        except Exception as e:  # noqa: BLE001 - protobuf's DecodeError and friends
            raise AbortError(INTERNAL, f"malformed request message: {e}") from None

    def deliver(self, data: Optional[bytes]) -> None:
        """A message (bytes), or None at the end of the stream or on cancellation."""
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(data)


class GrpcServer:
    """A started _core.GrpcServer: `port` is bound; its calls are served once run_worker
    attaches it to the I/O threads' loops."""

    def __init__(self, core: Any, port: int) -> None:
        self.core = core
        self.port = port

    def attach(self, worker: Any) -> None:
        """On an I/O thread, after worker.attach(loop): one shard's calls run on this loop."""
        self.core.attach(worker)

    def detach(self, worker: Any) -> None:
        self.core.detach(worker)

    def shutdown(self, grace: float) -> None:
        """Health NOT_SERVING, no new calls, calls in flight get `grace` seconds (the loops
        must still run: call before stopping the HTTP server)."""
        self.core.shutdown(grace)


def start_grpc(methods: list[GrpcMethod], settings: ServerSettings) -> GrpcServer:
    """Starts gRPC C++ for these methods on settings.grpc.port, one shard per I/O thread."""
    core = _core.GrpcServer(
        settings.to_proto().SerializeToString(),
        [(m.path, m.kind, m.rules, m.handler, m.request_class, m.response_class)
         for m in methods],
        settings.threads, sys.modules[__name__])
    return GrpcServer(core, core.start())
