"""From codegen's IR to the native runtime's route descriptions (the plain dicts that
framework/python/spec_reader.cc reads at start-up). Every route source reaches the runtime
this way, so decorator routes and spec-generated ones validate alike.

    routes, models = runtime_routes(lowered)     # lowered: _schema.Lowered
    _core.Server(config, routes, _runtime, models)
"""

from __future__ import annotations

from typing import Any

import data_bridge.ir_pb2 as ir
from data_bridge._type_specs import TypeSpecs

from ._schema import Lowered

_SOURCES = {ir.Parameter.PATH: "path", ir.Parameter.QUERY: "query",
            ir.Parameter.HEADER: "header", ir.Parameter.COOKIE: "cookie"}


def _specs(lowered: Lowered) -> TypeSpecs:
    return TypeSpecs(lowered.service.models, sorted(lowered.classes))


def compiled_ref(native: Any, type_name: str, positions: dict[str, int]) -> dict[str, Any]:
    """How the runtime finds a generated decoder: the service table, the type's name, and
    where each of the service's models sits in the runtime's model list (-1: no class)."""
    return {"service": native.SERVICE, "type": type_name,
            "models": [positions.get(name, -1) for name in native.MODELS]}


def runtime_routes(lowered: Lowered) -> tuple[list[dict[str, Any]], list[Any]]:
    conv = _specs(lowered)
    routes = []
    for plan in lowered.plans:
        op = lowered.service.operations[plan["operation"]]
        params = []
        for arg in plan["args"]:
            desc: dict[str, Any] = {"name": arg["name"]}
            if arg["kind"] == "request":
                desc.update(source="request", key=arg["name"], required=True)
            elif arg["kind"] == "body":
                desc.update(source="body", key=arg["name"], required=op.body.required,
                            type=conv.type_spec(op.body.type),
                            media=[{ir.Body.JSON: "json", ir.Body.FORM: "form"}[m]
                                   for m in op.body.media_types] or ["json"])
            else:
                p = op.parameters[arg["index"]]
                desc.update(source=_SOURCES[p.location], key=p.wire_name, required=p.required,
                            type=conv.type_spec(p.type))
            native = plan.get("native")
            if native is not None and "compiled" in arg:
                desc["compiled"] = compiled_ref(native, arg["compiled"], conv.positions)
            if "default" in arg:
                desc["default"] = arg["default"]
            params.append(desc)
        route = {"method": op.method, "path": op.path, "handler": plan["handler"],
                 "status_code": plan["status_code"], "params": params}
        if plan.get("native") is not None:  # registered from the generated route table
            route["compiled"] = {"service": plan["native"].SERVICE,
                                 "operation": plan["operation_id"]}
        routes.append(route)
    return routes, [lowered.classes[name] for name in conv.order]


def type_runtime_spec(tp: Any) -> tuple[dict[str, Any], list[Any]]:
    """The runtime spec of one Python type (for Decoder), with its model classes."""
    from ._schema import Models, type_of

    service = ir.Service()
    models = Models(service)
    t = type_of(tp, models)
    conv = _specs(Lowered(service, [], models.classes))
    return conv.type_spec(t), [models.classes[name] for name in conv.order]
