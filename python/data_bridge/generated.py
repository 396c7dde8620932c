"""Runtime support for modules generated from specs (codegen/back/python): the operations
of a service, embedded as IR, bound to a handler object.

    app.include(petstore_api.routes(MyHandlers()))
"""

from __future__ import annotations

import json
from typing import Any

from codegen.ir import ir_pb2 as ir


class GeneratedRoutes:
    """A generated service's operations and the object whose methods serve them."""

    def __init__(self, ir_bytes: bytes, handlers: Any, models: dict[str, Any]) -> None:
        self.service = ir.Service.FromString(ir_bytes)
        self.handlers = handlers
        self.models = dict(models)
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
                arg: dict[str, Any] = {"name": p.name, "kind": "param", "index": j}
                if not p.required:
                    arg["default"] = json.loads(p.type.default_json) if p.type.default_json else None
                args.append(arg)
            if op.HasField("body"):
                arg = {"name": op.body.name or "body", "kind": "body"}
                if not op.body.required:
                    arg["default"] = None
                args.append(arg)
            ok = [r.status for r in op.responses if 200 <= r.status < 300]
            out.append({"operation": first_operation + i,
                        "handler": getattr(self.handlers, op.id),
                        "status_code": ok[0] if ok else 200, "args": args})
        return out
