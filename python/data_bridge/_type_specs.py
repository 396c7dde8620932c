"""From the IR (data_bridge.ir_pb2) to type specs: plain dicts saying how each value is
validated (kind, constraints, fields, variants), with JSON Schema's meaning made exact
(pydantic's rules).
The runtime reads them (python/data_bridge/_runtime_spec.py -> framework/python's
spec_reader) and the C++ back end compiles them (codegen/back/cpp), so a spec validates the
same whichever path serves it.

    specs = TypeSpecs(service.models, order=sorted(m.name for m in service.models))
    specs.type_spec(op.body.type)   # {"kind": "object", "title": "Order", "fields": [...]}
A model's dict is shared by every reference (a recursive model's dict contains itself).
"""

from __future__ import annotations

import json
from typing import Any, Iterable

import data_bridge.ir_pb2 as ir

_SCALARS = {
    ir.BOOL: "bool", ir.INT32: "int", ir.INT64: "int", ir.UINT32: "int", ir.UINT64: "int",
    ir.FLOAT: "float", ir.DOUBLE: "float", ir.STRING: "str", ir.UUID: "uuid",
    # Formats without a native check yet travel as strings.
    ir.BYTES: "str", ir.BINARY: "str", ir.DATE: "str", ir.DATE_TIME: "str", ir.EMAIL: "str",
    ir.URI: "str", ir.DURATION: "str",
}
_FORMATS = {ir.DATE: "date", ir.DATE_TIME: "date-time", ir.EMAIL: "email", ir.URI: "uri",
            ir.BYTES: "byte"}


def _canonical(json_text: str) -> str:
    """The JSON form the native validator compares with (compact, ensure_ascii off)."""
    return json.dumps(json.loads(json_text), separators=(",", ":"), ensure_ascii=False)


def _number_text(v: float) -> str:
    """A bound as pydantic prints it: 1 for 1.0, 0.5 for 0.5."""
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


class TypeSpecs:
    """The type specs of one service's models; `order` names the models in index order
    (a spec's "model" is a position in it)."""

    def __init__(self, models: Iterable[ir.Model], order: list[str]) -> None:
        self.models = {m.name: m for m in models}
        self.order = order
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


