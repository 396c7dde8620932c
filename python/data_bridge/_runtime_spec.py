"""From codegen's IR to the native runtime's route descriptions (the plain dicts that
framework/python/spec_reader.cc reads at start-up). Every route source reaches the runtime
this way, so decorator routes and spec-generated ones validate alike.

    routes, models = runtime_routes(lowered)     # lowered: _schema.Lowered
    _core.Server(config, routes, _runtime, models)
"""

from __future__ import annotations

import json
from typing import Any

from codegen.ir import ir_pb2 as ir

from ._schema import Lowered

_SCALARS = {
    ir.BOOL: "bool", ir.INT32: "int", ir.INT64: "int", ir.UINT32: "int", ir.UINT64: "int",
    ir.FLOAT: "float", ir.DOUBLE: "float", ir.STRING: "str", ir.UUID: "uuid",
    # Formats without a native check yet travel as strings.
    ir.BYTES: "str", ir.BINARY: "str", ir.DATE: "str", ir.DATE_TIME: "str", ir.EMAIL: "str",
    ir.URI: "str", ir.DURATION: "str",
}
_FORMATS = {ir.DATE: "date", ir.DATE_TIME: "date-time", ir.EMAIL: "email", ir.URI: "uri",
            ir.BYTES: "byte"}
_SOURCES = {ir.Parameter.PATH: "path", ir.Parameter.QUERY: "query",
            ir.Parameter.HEADER: "header", ir.Parameter.COOKIE: "cookie"}


def _canonical(json_text: str) -> str:
    """The JSON form the native validator compares with (compact, ensure_ascii off)."""
    return json.dumps(json.loads(json_text), separators=(",", ":"), ensure_ascii=False)


def _number_text(v: float) -> str:
    """A bound as pydantic prints it: 1 for 1.0, 0.5 for 0.5."""
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


class _Converter:
    def __init__(self, lowered: Lowered) -> None:
        self.models = {m.name: m for m in lowered.service.models}
        self.classes = lowered.classes
        self.order = sorted(self.classes)  # model index = position in this list
        self.positions = {name: i for i, name in enumerate(self.order)}
        # One spec dict per model, shared by every reference; a recursive model's dict
        # contains itself, which the native reader follows by identity.
        self.memo: dict[str, dict[str, Any]] = {}

    def index(self, name: str) -> int:
        return self.positions[name]

    def type_spec(self, t: ir.Type) -> dict[str, Any]:
        kind = t.WhichOneof("kind")
        spec: dict[str, Any]
        if kind == "scalar":
            spec = {"kind": _SCALARS[t.scalar]}
            if t.scalar in _FORMATS:
                spec["format"] = _FORMATS[t.scalar]
        elif kind == "array":
            spec = {"kind": "list", "items": self.type_spec(t.array)}
        elif kind == "map":
            spec = {"kind": "dict", "items": self.type_spec(t.map)}
        elif kind == "model":
            spec = self.model_spec(t.model)
            if t.nullable or t.HasField("constraints"):
                spec = dict(spec)  # modifiers below must not touch the shared dict
        else:
            spec = {"kind": "any"}
        if t.nullable:
            spec["nullable"] = True
        c = t.constraints
        if c.HasField("minimum"):
            spec["gt" if c.exclusive_minimum else "ge"] = (c.minimum, _number_text(c.minimum))
        if c.HasField("maximum"):
            spec["lt" if c.exclusive_maximum else "le"] = (c.maximum, _number_text(c.maximum))
        if c.HasField("min_length"):
            spec["min_length"] = c.min_length
        if c.HasField("max_length"):
            spec["max_length"] = c.max_length
        if c.pattern:
            spec["pattern"] = c.pattern
        if c.HasField("multiple_of"):
            spec["multiple_of"] = (c.multiple_of, _number_text(c.multiple_of))
        if c.unique_items:
            spec["unique_items"] = True
        if c.enum_json:
            spec["enum"] = [_canonical(v) for v in c.enum_json]
        if c.const_json:
            spec["enum"] = [_canonical(c.const_json)]
        return spec

    def model_spec(self, name: str) -> dict[str, Any]:
        if name in self.memo:
            return self.memo[name]
        model = self.models[name]
        which = model.WhichOneof("kind")
        if which == "enum":
            values = [json.loads(v.json) for v in model.enum.values]
            kind = "str" if all(isinstance(v, str) for v in values) else "int"
            return {"kind": kind, "enum": [_canonical(v.json) for v in model.enum.values],
                    "enum_class": True, "model": self.index(name)}
        if which == "union":
            u = model.union
            spec: dict[str, Any] = {"kind": "union", "variants": []}
            self.memo[name] = spec
            spec["variants"] = [self.type_spec(v) for v in u.variants]
            if u.discriminator:
                names = [v.model for v in u.variants]
                spec["discriminator"] = u.discriminator
                spec["mapping"] = {value: names.index(target)
                                   for value, target in sorted(u.mapping.items())
                                   if target in names}
            return spec
        if which != "object":
            raise TypeError(f"model {name}: not an object, enum or union")
        spec = {"kind": "object", "title": name, "fields": [], "model": self.index(name)}
        self.memo[name] = spec  # before the fields: they may refer back to it
        spec["fields"] = [{"name": f.name, "key": f.json_name, "required": f.required,
                           "type": self.type_spec(f.type)} for f in model.object.fields]
        if not model.object.allow_additional:
            spec["forbid_extra"] = True
        return spec


def runtime_routes(lowered: Lowered) -> tuple[list[dict[str, Any]], list[Any]]:
    conv = _Converter(lowered)
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
            if "default" in arg:
                desc["default"] = arg["default"]
            params.append(desc)
        routes.append({"method": op.method, "path": op.path, "handler": plan["handler"],
                       "status_code": plan["status_code"], "params": params})
    return routes, [lowered.classes[name] for name in conv.order]


def type_runtime_spec(tp: Any) -> tuple[dict[str, Any], list[Any]]:
    """The runtime spec of one Python type (for Decoder), with its model classes."""
    from ._schema import Models, type_of

    service = ir.Service()
    models = Models(service)
    t = type_of(tp, models)
    conv = _Converter(Lowered(service, [], models.classes))
    return conv.type_spec(t), [models.classes[name] for name in conv.order]
