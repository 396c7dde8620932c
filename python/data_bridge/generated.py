"""Runtime support for modules generated from specs (codegen/back/python): the operations
of a service, embedded as IR, bound to a handler object.

    app.include(petstore_api.routes(MyHandlers()))
"""

from __future__ import annotations

import importlib
import inspect
import json
from typing import Any, AsyncIterator, Callable, Optional

from google.protobuf import empty_pb2, json_format

import data_bridge.ir_pb2 as ir

from ._core import encode_json
from ._runtime_spec import message_plan
from .responses import StreamingResponse
from .rpc import BIDI_STREAMING, CLIENT_STREAMING, SERVER_STREAMING, UNARY, GrpcMethod
from .rpc_context import RpcAbort, ServicerContext


# Model class -> (native module, model name, the service's classes by name): decoder(T)
# finds a generated model's compiled decoder here.
_COMPILED_MODELS: dict[Any, tuple[Any, str, dict[str, Any]]] = {}


def load_native(module_name: str, models: dict[str, Any]) -> Any:
    """The compiled validators of generated module `module_name` (codegen/back/cpp's
    extension `<module>_native`, built beside it by data_bridge_service), registered for
    decoder(T) of its model classes."""
    native = importlib.import_module(module_name + "_native")
    for name, cls in models.items():
        if cls is not None:
            _COMPILED_MODELS[cls] = (native, name, models)
    return native


def compiled_model(cls: Any) -> tuple[Any, str, dict[str, Any]] | None:
    """(native module, model name, the service's classes) for a generated model class."""
    try:
        return _COMPILED_MODELS.get(cls)
    except TypeError:  # unhashable: not a model class
        return None


class GeneratedRoutes:
    """A generated service's operations and the object whose methods serve them; `native`
    is its compiled validators' module (None: validated from the IR's type specs)."""

    def __init__(self, ir_bytes: bytes, handlers: Any, models: dict[str, Any],
                 native: Any = None) -> None:
        self.service = ir.Service.FromString(ir_bytes)
        self.handlers = handlers
        self.models = dict(models)
        self.native = native
        for op in self.service.operations:
            method = getattr(handlers, op.id, None)
            if not callable(method):
                raise TypeError(f"{type(handlers).__name__} has no method {op.id!r}")

    def plans(self, first_operation: int) -> list[dict[str, Any]]:
        """Call plans for these operations once appended after `first_operation` others."""
        out = []
        for i, op in enumerate(self.service.operations):
            args: list[dict[str, Any]] = []
            for j, p in enumerate(op.parameters):
                arg: dict[str, Any] = {"name": p.name, "kind": "param", "index": j,
                                       "compiled": f"{op.id}.{p.name}"}
                if not p.required:
                    arg["default"] = json.loads(p.type.default_json) if p.type.default_json else None
                args.append(arg)
            if op.HasField("body"):
                arg = {"name": op.body.name or "body", "kind": "body",
                       "compiled": f"{op.id}.body"}
                if not op.body.required:
                    arg["default"] = None
                args.append(arg)
            ok = [r.status for r in op.responses if 200 <= r.status < 300]
            out.append({"operation": first_operation + i,
                        "handler": getattr(self.handlers, op.handler or op.id),
                        "status_code": ok[0] if ok else 200, "args": args,
                        "native": self.native, "operation_id": op.id})
        return out


async def _ndjson(first: Any, messages: Any) -> AsyncIterator[bytes]:
    """A server stream's messages as JSON lines; an abort after the first message ends the
    stream with a line {"error": <google.rpc.Status>} (as grpc-gateway does)."""
    if first is None:
        return
    yield encode_json(json_format.MessageToDict(first)) + b"\n"
    try:
        async for message in messages:
            yield encode_json(json_format.MessageToDict(message)) + b"\n"
    except RpcAbort as e:
        yield encode_json({"error": e.status()}) + b"\n"


def _set_path(message: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for p in parents:
        message = message.setdefault(p, {})
    message[leaf] = value


def _message_class(pb2: Any, full_name: str, package: str) -> Any:
    if full_name == "google.protobuf.Empty":
        return empty_pb2.Empty
    target = pb2
    for part in full_name[len(package) + 1:].split("."):
        target = getattr(target, part)
    return target


class ProtoRoutes(GeneratedRoutes):
    """A .proto service's HTTP bindings: each request is validated natively, transcoded into
    the RPC's request message (proto3 JSON mapping; path variables win over the body), and
    the handler's response message is returned as JSON."""

    def __init__(self, ir_bytes: bytes, handlers: Any, pb2: Any, native: Any = None) -> None:
        self.service = ir.Service.FromString(ir_bytes)
        self.handlers = handlers
        self.pb2 = pb2
        self.native = native
        self.models = {m.name: None for m in self.service.models}  # messages travel as dicts
        for op in self.service.operations:
            if not callable(getattr(handlers, op.handler or op.id, None)):
                raise TypeError(f"{type(handlers).__name__} has no method {op.handler!r}")

    def grpc_methods(self) -> list[Any]:
        """Every RPC of the service, for the gRPC server (data_bridge.rpc)."""
        kinds = {(False, False): UNARY, (True, False): CLIENT_STREAMING,
                 (False, True): SERVER_STREAMING, (True, True): BIDI_STREAMING}
        out = []
        for rpc in self.service.rpcs:
            rules = None
            if self.native is not None and self._has_rules(rpc.request_model, set()):
                # Checked on the message (the C++ descriptors come with the native module).
                rules = (rpc.request, *message_plan(self.service.models, rpc.request_model))
            out.append(GrpcMethod(
                path=rpc.path,
                kind=kinds[(rpc.client_streaming, rpc.server_streaming)],
                rules=rules,
                handler=getattr(self.handlers, rpc.name, None),
                request_class=_message_class(self.pb2, rpc.request, self.service.name),
                response_class=_message_class(self.pb2, rpc.response, self.service.name)))
        return out

    def _has_rules(self, model: str, seen: set[str]) -> bool:
        """Whether a message (or one it holds) has field rules: only those are checked."""
        found = next((m for m in self.service.models if m.name == model), None)
        if found is None or model in seen or found.WhichOneof("kind") != "object":
            return False
        seen.add(model)
        for f in found.object.fields:
            t = f.type
            while t.WhichOneof("kind") in ("array", "map"):
                if t.HasField("constraints"):
                    return True
                t = t.array if t.WhichOneof("kind") == "array" else t.map
            if f.required or t.HasField("constraints"):
                return True
            if t.WhichOneof("kind") == "model" and self._has_rules(t.model, seen):
                return True
        return False

    def plans(self, first_operation: int) -> list[dict[str, Any]]:
        out = super().plans(first_operation)
        for plan, op in zip(out, self.service.operations):
            plan["handler"] = self._transcoder(op)
            plan["status_code"] = 200
        return out

    def _transcoder(self, op: ir.Operation) -> Callable[..., Any]:
        handler = getattr(self.handlers, op.handler or op.id)
        request_cls = _message_class(self.pb2, op.rpc_request, self.service.name)
        params = [(p.name, p.field_path or p.name) for p in op.parameters]
        body = (op.body.name or "body", op.body.field_path) if op.HasField("body") else None
        ok = [r for r in op.responses if 200 <= r.status < 300]
        response_field = ok[0].field_path if ok else ""
        context = ServicerContext()
        name = op.handler or op.id
        streaming = any(r.name == name and r.server_streaming for r in self.service.rpcs)

        async def transcode(**kwargs: Any) -> Any:
            message: dict[str, Any] = {}
            if body is not None and kwargs.get(body[0]) is not None:
                if body[1] == "*":
                    message.update(kwargs[body[0]])
                else:
                    message[body[1]] = kwargs[body[0]]
            for name, path in params:
                if kwargs.get(name) is not None:
                    _set_path(message, path, kwargs[name])
            try:
                request = json_format.ParseDict(message, request_cls())
            except json_format.ParseError as e:
                return RpcAbort(3, str(e)).response()  # INVALID_ARGUMENT
            try:
                result = handler(request, context)
                if streaming:  # newline-delimited JSON, one message per line, as produced
                    messages = result.__aiter__()
                    try:  # up to the first message: an abort still chooses the status
                        first = await messages.__anext__()
                    except StopAsyncIteration:
                        first = None
                    return StreamingResponse(_ndjson(first, messages),
                                             media_type="application/x-ndjson")
                if inspect.isawaitable(result):
                    result = await result
            except RpcAbort as e:
                return e.response()
            out = json_format.MessageToDict(result)
            if response_field:
                descriptor = result.DESCRIPTOR.fields_by_name[response_field]
                return out.get(descriptor.json_name, [] if descriptor.label == 3 else None)
            return out

        return transcode
