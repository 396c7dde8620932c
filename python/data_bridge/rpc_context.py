"""What a proto handler sees of its call, shared by the HTTP bindings of proto services
(generated.py) and the gRPC server (rpc.py): the grpcio-shaped ServicerContext, the RpcAbort
its abort raises, and how a gRPC status answers over HTTP (the runtime's one table,
framework/base/error_kind.h).

    raise RpcAbort(5, "no such book")          # context.abort(grpc.StatusCode.NOT_FOUND, ...)
    RpcAbort(5, "no such book").response()     # 404, {"code": 5, "message": ..., "details": []}
"""

from __future__ import annotations

from typing import Any, Optional

from google.protobuf import json_format

try:  # googleapis' protos (googleapis-common-protos): only rich error details need them
    from google.rpc import error_details_pb2, status_pb2
except ImportError:
    error_details_pb2 = status_pb2 = None

from . import _core
from .responses import JSONResponse



def status_code_number(code: Any) -> int:
    """A status code as its number: an int, or grpc.StatusCode (value (number, name))."""
    value = getattr(code, "value", code)
    return int(value[0] if isinstance(value, tuple) else value)


class RpcAbort(Exception):
    """A proto handler ended its call with a status (ServicerContext.abort over HTTP)."""

    def __init__(self, code: int, message: str, details: Optional[bytes] = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details

    def response(self) -> Any:
        """The HTTP answer: the gRPC-to-HTTP table's status, a google.rpc.Status JSON body
        (as grpc-gateway writes it)."""
        return JSONResponse(self.status(), status_code=_core.http_status_for_code(self.code))

    def status(self) -> dict[str, Any]:
        """google.rpc.Status in its JSON form."""
        body: dict[str, Any] = {"code": self.code, "message": self.message, "details": []}
        if self.details and status_pb2 is not None:
            assert error_details_pb2  # imported for its types: BadRequest, ErrorInfo, ...
            try:
                status = status_pb2.Status.FromString(self.details)
                body["details"] = json_format.MessageToDict(status).get("details", [])
            except Exception:  # noqa: BLE001 - details of a type unknown here: left out
                body["details"] = []
        return body


class ServicerContext:
    """The grpcio-shaped context handed to proto handlers. This one serves the HTTP
    bindings: abort answers the gRPC code's HTTP status (google.rpc.Code's table) with a
    google.rpc.Status JSON body; the gRPC server hands out data_bridge.rpc.GrpcContext,
    which has the same methods."""

    __slots__ = ()

    def abort(self, code: Any, details: str = "") -> None:
        """Ends the call with a gRPC status code (grpc.StatusCode or int)."""
        raise RpcAbort(status_code_number(code), details)

    def abort_with_status(self, status: Any) -> None:
        trailing = dict(getattr(status, "trailing_metadata", None) or ())
        raise RpcAbort(status_code_number(status.code), status.details or "",
                       trailing.get("grpc-status-details-bin"))

    def invocation_metadata(self) -> tuple[Any, ...]:
        return ()

    def send_initial_metadata(self, metadata: Any) -> None:
        """Metadata has no HTTP form here: ignored."""

    def set_trailing_metadata(self, metadata: Any) -> None:
        """Metadata has no HTTP form here: ignored."""

    def time_remaining(self) -> Optional[float]:
        return None

    def peer(self) -> str:
        return ""

    def cancelled(self) -> bool:
        return False
