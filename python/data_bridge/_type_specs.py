"""From the IR (data_bridge.ir_pb2) to type specs: plan.proto TypeSpec messages saying how
each value is validated (kind, constraints, fields, variants), with JSON Schema's meaning
made exact (pydantic's rules). The runtime reads them (the serving plan, built by
_runtime_spec.py, read by framework/python/internal/plan_reader.cc) and the C++ back end
compiles them (codegen/back/cpp), so a spec validates the same whichever path serves it.

    specs = TypeSpecs(service.models, order=sorted(m.name for m in service.models))
    i = specs.type_spec(op.body.type)   # an index into specs.types (a Plan's `types`)
    specs.types[i]                      # TypeSpec(kind=OBJECT, title="Order", fields=[...])
A model is one entry, shared by every reference (a recursive model's fields refer back to
it); a reference with modifiers (nullable, constraints) is a modified copy.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional

import data_bridge.ir_pb2 as ir
import data_bridge.plan_pb2 as plan

_T = plan.TypeSpec
_SCALARS = {
    ir.BOOL: _T.BOOL, ir.INT32: _T.INT, ir.INT64: _T.INT, ir.UINT32: _T.INT, ir.UINT64: _T.INT,
    ir.FLOAT: _T.FLOAT, ir.DOUBLE: _T.FLOAT, ir.STRING: _T.STR, ir.UUID: _T.UUID,
    # Formats without a native check yet travel as strings.
    ir.BYTES: _T.STR, ir.BINARY: _T.STR, ir.DATE: _T.STR, ir.DATE_TIME: _T.STR,
    ir.EMAIL: _T.STR, ir.URI: _T.STR, ir.DURATION: _T.STR,
}
_FORMATS = {ir.DATE: _T.DATE, ir.DATE_TIME: _T.DATE_TIME, ir.EMAIL: _T.EMAIL, ir.URI: _T.URI,
            ir.BYTES: _T.BASE64}


def _canonical(json_text: str) -> str:
    """The JSON form the native validator compares with (compact, ensure_ascii off)."""
    return json.dumps(json.loads(json_text), separators=(",", ":"), ensure_ascii=False)


def _number_text(v: float) -> str:
    """A bound as pydantic prints it: 1 for 1.0, 0.5 for 0.5."""
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _bound(field: Any, v: float) -> None:
    field.value, field.text = v, _number_text(v)


# ir.Type's fields that only document it.
_DOCUMENTATION = ("title", "description", "examples_json", "extra_json", "deprecated")


class TypeSpecs:
    """The type specs of one service's models, added to `table` (a Plan's `types`; default:
    a fresh Plan's); `order` names the models in index order (a spec's `model` is a position
    in it)."""

    def __init__(self, models: Iterable[ir.Model], order: list[str],
                 table: Optional[Any] = None) -> None:
        self.models = {m.name: m for m in models}
        self.order = order
        self.positions = {name: i for i, name in enumerate(self.order)}
        self.types: Any = table if table is not None else plan.Plan().types
        self.memo: dict[str, int] = {}  # model name -> its entry
        self.building: dict[str, list[int]] = {}  # models being built -> copies waiting
        self.shared: dict[bytes, int] = {}  # an IR type (serialized) -> its entry

    def index(self, name: str) -> int:
        return self.positions[name]

    def _add(self) -> int:
        self.types.add()
        return len(self.types) - 1

    def type_spec(self, t: ir.Type) -> int:
        """The entry for `t`; equal types share one (a thousand `int` parameters: one),
        whatever their documentation says (titles, descriptions, examples)."""
        key = t.SerializeToString(deterministic=True)
        found = self.shared.get(key)
        if found is None:
            if t.title or t.description or t.examples_json or t.extra_json or t.deprecated:
                bare = ir.Type()
                bare.CopyFrom(t)
                for name in _DOCUMENTATION:
                    bare.ClearField(name)
                found = self.type_spec(bare)
            else:
                found = self._type_spec(t)
            self.shared[key] = found
        return found

    def _type_spec(self, t: ir.Type) -> int:
        kind = t.WhichOneof("kind")
        if kind == "model":
            model = self.model_spec(t.model)
            if not (t.nullable or t.HasField("constraints")):
                return model
            i = self._add()  # a copy: modifiers below must not touch the shared entry
            if t.model in self.building:  # a recursive reference: copied once it is complete
                self.building[t.model].append(i)
            else:
                self.types[i].CopyFrom(self.types[model])
        elif kind in ("array", "map"):
            items = self.type_spec(t.array if kind == "array" else t.map)
            i = self._add()
            self.types[i].kind = _T.LIST if kind == "array" else _T.DICT
            self.types[i].items = items
        else:
            i = self._add()
            if kind == "scalar":
                self.types[i].kind = _SCALARS[t.scalar]
                self.types[i].format = _FORMATS.get(t.scalar, _T.NO_FORMAT)
        spec = self.types[i]
        if t.nullable:
            spec.nullable = True
        c = t.constraints
        if c.HasField("minimum"):
            _bound(spec.gt if c.exclusive_minimum else spec.ge, c.minimum)
        if c.HasField("maximum"):
            _bound(spec.lt if c.exclusive_maximum else spec.le, c.maximum)
        if c.HasField("min_length"):
            spec.min_length = c.min_length
        if c.HasField("max_length"):
            spec.max_length = c.max_length
        if c.pattern:
            spec.pattern = c.pattern
        if c.HasField("multiple_of"):
            _bound(spec.multiple_of, c.multiple_of)
        if c.unique_items:
            spec.unique_items = True
        if c.enum_json:
            spec.enum_json[:] = [_canonical(v) for v in c.enum_json]
        if c.const_json:
            spec.enum_json[:] = [_canonical(c.const_json)]
        return i

    def model_spec(self, name: str) -> int:
        if name in self.memo:
            return self.memo[name]
        model = self.models[name]
        which = model.WhichOneof("kind")
        if which not in ("object", "enum", "union"):
            raise TypeError(f"model {name}: not an object, enum or union")
        i = self._add()
        self.memo[name] = i  # before the members: they may refer back to it
        self.building[name] = []
        if which == "enum":
            values = [json.loads(v.json) for v in model.enum.values]
            spec = self.types[i]
            spec.kind = _T.STR if all(isinstance(v, str) for v in values) else _T.INT
            spec.enum_json[:] = [_canonical(v.json) for v in model.enum.values]
            spec.enum_class = True
            spec.model = self.index(name)
        elif which == "union":
            u = model.union
            variants = [self.type_spec(v) for v in u.variants]
            spec = self.types[i]
            spec.kind = _T.UNION
            spec.variants[:] = variants
            if u.discriminator:
                names = [v.model for v in u.variants]
                spec.discriminator = u.discriminator
                for value, target in sorted(u.mapping.items()):
                    if target in names:
                        spec.mapping.add(value=value, variant=names.index(target))
        else:
            fields = [(f, self.type_spec(f.type)) for f in model.object.fields]
            spec = self.types[i]
            spec.kind, spec.title, spec.model = _T.OBJECT, name, self.index(name)
            for f, type_index in fields:
                spec.fields.add(name=f.name, key=f.json_name, required=f.required,
                                type=type_index)
            spec.forbid_extra = not model.object.allow_additional
        for copy in self.building.pop(name):  # the model's entry, under the copy's modifiers
            modifiers = plan.TypeSpec()
            modifiers.CopyFrom(self.types[copy])
            self.types[copy].CopyFrom(self.types[i])
            self.types[copy].MergeFrom(modifiers)
        return i
