"""The type specs of data_bridge._type_specs (plan.proto TypeSpec entries) as the dicts the
C++ emitter walks: one dict per entry, shared by every reference, so a dict's identity is its
entry's (a model's, or a modified copy's), and a union's copies share its variants list.

    specs = SpecDicts(TypeSpecs(service.models, order))
    specs.model_spec("Order")   # {"kind": "object", "title": "Order", "fields": [...], ...}
The meaning of every spec stays in _type_specs; this only changes its shape.
"""

from __future__ import annotations

from typing import Any

import data_bridge.ir_pb2 as ir
import data_bridge.plan_pb2 as plan
from data_bridge._type_specs import TypeSpecs

_T = plan.TypeSpec
_KINDS = {_T.ANY: "any", _T.BOOL: "bool", _T.INT: "int", _T.FLOAT: "float", _T.STR: "str",
          _T.UUID: "uuid", _T.LIST: "list", _T.OBJECT: "object", _T.DICT: "dict",
          _T.UNION: "union"}
_FORMATS = {_T.DATE: "date", _T.DATE_TIME: "date-time", _T.EMAIL: "email", _T.URI: "uri",
            _T.BASE64: "byte"}


class SpecDicts:
    def __init__(self, specs: TypeSpecs) -> None:
        self.specs = specs
        self.order = specs.order
        self.dicts: dict[int, dict[str, Any]] = {}
        self.variant_lists: dict[tuple[int, ...], list[Any]] = {}

    def type_spec(self, t: ir.Type) -> dict[str, Any]:
        return self.dict_of(self.specs.type_spec(t))

    def model_spec(self, name: str) -> dict[str, Any]:
        return self.dict_of(self.specs.model_spec(name))

    def dict_of(self, i: int) -> dict[str, Any]:
        if i in self.dicts:
            return self.dicts[i]
        m = self.specs.types[i]
        d: dict[str, Any] = {"kind": _KINDS[m.kind]}
        self.dicts[i] = d  # before the members: they may refer back to it
        if m.format:
            d["format"] = _FORMATS[m.format]
        if m.HasField("items"):
            d["items"] = self.dict_of(m.items)
        if m.kind == _T.OBJECT:
            d["title"] = m.title
            d["fields"] = [{"name": f.name, "key": f.key, "required": f.required,
                            "type": self.dict_of(f.type)} for f in m.fields]
            if m.forbid_extra:
                d["forbid_extra"] = True
        if m.kind == _T.UNION:
            key = tuple(m.variants)
            if key not in self.variant_lists:
                self.variant_lists[key] = [self.dict_of(v) for v in m.variants]
            d["variants"] = self.variant_lists[key]
            if m.discriminator:
                d["discriminator"] = m.discriminator
                d["mapping"] = {mp.value: mp.variant for mp in m.mapping}
        if m.HasField("model"):
            d["model"] = m.model
        if m.enum_json:
            d["enum"] = list(m.enum_json)
        if m.enum_class:
            d["enum_class"] = True
        if m.nullable:
            d["nullable"] = True
        for name in ("gt", "ge", "lt", "le", "multiple_of"):
            if m.HasField(name):
                b = getattr(m, name)
                d[name] = (b.value, b.text)
        for name in ("min_length", "max_length"):
            if m.HasField(name):
                d[name] = getattr(m, name)
        if m.pattern:
            d["pattern"] = m.pattern
        if m.unique_items:
            d["unique_items"] = True
        return d
