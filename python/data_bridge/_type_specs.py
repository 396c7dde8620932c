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
    ir.EMAIL: _T.STR, ir.URI: _T.STR, ir.DURATION: _T.STR, ir.TIME: _T.STR,
    ir.UPLOAD: _T.FILE, ir.UPLOAD_BYTES: _T.FILE_BYTES,
}
# Parsed into Python's datetime, date, time (ir.Type.parsed).
_PARSED = {ir.DATE_TIME: _T.DATETIME_VALUE, ir.DATE: _T.DATE_VALUE, ir.TIME: _T.TIME_VALUE,
           ir.DURATION: _T.TIMEDELTA_VALUE}
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
        self._in_python: set[str] | None = None

    def in_python(self) -> set[str]:
        """The models validated in Python (python_models), found once."""
        if self._in_python is None:
            self._in_python = python_models(self.models)
        return self._in_python

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
        elif kind == "union" and t.parsed:  # a decimal.Decimal (number or text)
            i = self._add()
            self.types[i].kind = _T.DECIMAL_VALUE
        elif kind == "union":
            i = self._union_spec(t.union)
        elif kind in ("array", "map"):
            items = self.type_spec(t.array if kind == "array" else t.map)
            i = self._add()
            self.types[i].kind = _T.LIST if kind == "array" else _T.DICT
            self.types[i].items = items
            self.types[i].sequence = t.sequence
        else:
            i = self._add()
            if kind == "scalar" and t.parsed and t.scalar in _PARSED:
                self.types[i].kind = _PARSED[t.scalar]
            elif kind == "scalar" and not t.constraints.literal:
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

    def _union_spec(self, u: ir.Variants) -> int:
        """An anonymous union's entry (Python's Union[...]): its expected tags listed in
        the variants' order, as pydantic lists them."""
        i = self._add()
        self._union_into(i, u.types, u.discriminator, u.mapping, by_variant=True)
        return i

    def _union_into(self, i: int, types: Any, discriminator: str, mapping: Any,
                    by_variant: bool) -> None:
        """Makes entry i a union of `types`, chosen by the discriminator's value (mapping:
        value -> variant model name) when it has one; tags sorted, or by variant."""
        variants = [self.type_spec(v) for v in types]
        spec = self.types[i]
        spec.kind = _T.UNION
        spec.variants[:] = variants
        if not discriminator:
            return
        names = [v.model for v in types]
        spec.discriminator = discriminator
        order = (lambda kv: (names.index(kv[1]) if kv[1] in names else len(names), kv[0])
                 ) if by_variant else None
        for value, target in sorted(mapping.items(), key=order):
            if target in names:
                spec.mapping.add(value=value, variant=names.index(target))

    def model_spec(self, name: str) -> int:
        if name in self.memo:
            return self.memo[name]
        model = self.models[name]
        if name in self.in_python():  # checked in Python as a whole: JSON here
            i = self._add()
            self.memo[name] = i
            return i
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
            self._union_into(i, u.variants, u.discriminator, u.mapping, by_variant=False)
        else:
            fields = [(f, self.type_spec(f.type)) for f in model.object.fields]
            spec = self.types[i]
            spec.kind, spec.title, spec.model = _T.OBJECT, name, self.index(name)
            for f, type_index in fields:
                spec.fields.add(name=f.name, key=f.json_name, required=f.required,
                                type=type_index,
                                alt_key=f.name if model.object.by_name and f.name != f.json_name
                                else "")
            spec.forbid_extra = not model.object.allow_additional
            spec.pydantic_model = model.object.pydantic_model
        for copy in self.building.pop(name):  # the model's entry, under the copy's modifiers
            modifiers = plan.TypeSpec()
            modifiers.CopyFrom(self.types[copy])
            self.types[copy].CopyFrom(self.types[i])
            self.types[copy].MergeFrom(modifiers)
        return i


def type_refs(t: ir.Type, out: set[str]) -> None:
    """Adds the names of the models t refers to (through lists, maps and unions) to out."""
    kind = t.WhichOneof("kind")
    if kind == "model":
        out.add(t.model)
    elif kind == "array":
        type_refs(t.array, out)
    elif kind == "map":
        type_refs(t.map, out)
    elif kind == "union":
        for v in t.union.types:
            type_refs(v, out)


def model_refs(m: ir.Model) -> set[str]:
    """The models a model's fields, additional properties or variants refer to."""
    out: set[str] = set()
    which = m.WhichOneof("kind")
    if which == "object":
        for f in m.object.fields:
            type_refs(f.type, out)
        if m.object.HasField("additional"):
            type_refs(m.object.additional, out)
        for t in m.object.all_of:
            type_refs(t, out)
    elif which == "union":
        for v in m.union.variants:
            type_refs(v, out)
        out.update(m.union.mapping.values())
    return out


def python_models(models: dict[str, ir.Model]) -> set[str]:
    """The models validated in Python: those marked python_validated, and every model that
    refers to one (a native model cannot hold a value only Python checks)."""
    found = {name for name, m in models.items() if m.python_validated}
    if not found:
        return found
    referrers: dict[str, set[str]] = {}
    for name, m in models.items():
        for ref in model_refs(m):
            referrers.setdefault(ref, set()).add(name)
    stack = list(found)
    while stack:
        for parent in referrers.get(stack.pop(), ()):
            if parent not in found:
                found.add(parent)
                stack.append(parent)
    return found


def reaches_python(t: ir.Type, models: dict[str, ir.Model]) -> bool:
    """Whether a value of type t is validated in Python (it reaches such a model)."""
    refs: set[str] = set()
    type_refs(t, refs)
    return bool(refs) and bool(refs & python_models(models))
