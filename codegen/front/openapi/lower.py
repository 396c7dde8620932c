"""OpenAPI 3.0 / 3.1 -> codegen/ir.

    service = lower(document.load("petstore.yaml"))

Covers: local $ref into components (schemas, parameters, requestBodies, responses);
path/query/header/cookie parameters (default style and explode, arrays, required,
defaults); requestBody application/json and application/x-www-form-urlencoded; responses;
schema keywords type (3.1 type lists, 3.0 nullable), format, enum, const, minimum/maximum,
exclusiveMinimum/exclusiveMaximum (3.0 booleans and 3.1 numbers), multipleOf,
minLength/maxLength, pattern (RE2), items, minItems/maxItems, uniqueItems, properties,
required, additionalProperties, allOf (merged), oneOf/anyOf with discriminator, default,
readOnly/writeOnly. Component schemas become named Models; inline objects, enums and
unions get names from where they stand (Order.customer -> OrderCustomer).
Every refusal is a SpecError `file:line: what is wrong`.
"""

from __future__ import annotations

import datetime
import json
import keyword
import re
from typing import Any, Iterable

from codegen.front.openapi.document import Node, Seq, SpecError
import data_bridge.ir_pb2 as ir

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_FORMATS = {
    ("integer", "int32"): ir.INT32,
    ("integer", "int64"): ir.INT64,
    ("integer", None): ir.INT64,
    ("number", "float"): ir.FLOAT,
    ("number", "double"): ir.DOUBLE,
    ("number", None): ir.DOUBLE,
    ("boolean", None): ir.BOOL,
    ("string", None): ir.STRING,
    ("string", "date"): ir.DATE,
    ("string", "date-time"): ir.DATE_TIME,
    ("string", "uuid"): ir.UUID,
    ("string", "email"): ir.EMAIL,
    ("string", "uri"): ir.URI,
    ("string", "byte"): ir.BYTES,
    ("string", "binary"): ir.BINARY,
}
# Formats that only annotate (no checked syntax in the IR): keep the base type.
_FREE_FORMATS = {"password", "hostname", "ipv4", "ipv6", "uri-reference", "time", "duration"}
# Constructs RE2 refuses (it guarantees linear time): lookaround and backreferences.
_NOT_RE2 = re.compile(r"\(\?[=!<]|\(\?<[=!]|\\[1-9]|\(\?P=")
_IDENT = re.compile(r"[^0-9A-Za-z]+")


def _camel(*parts: str) -> str:
    out = ""
    for part in parts:
        for word in _IDENT.split(part):
            if word:
                out += word[0].upper() + word[1:]
    return out or "Model"


def _snake(name: str) -> str:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = _IDENT.sub("_", s).strip("_").lower()
    if not s or s[0].isdigit():
        s = "p_" + s
    return s + "_" if keyword.iskeyword(s) else s


def _members(owner: Node, key: str, names: bool = True) -> Node:
    """owner[key] as a mapping: empty when absent, a located error when not a mapping or,
    with `names`, when a key is not a string (YAML reads `1:`, `true:` and `:` otherwise)."""
    value = owner.get(key)
    if value is None and key not in owner:
        empty = Node()
        empty.file, empty.line, empty.lines = owner.file, owner.line, {}
        return empty
    if not isinstance(value, Node):
        raise owner.error(f"'{key}' must be a mapping", key)
    if names:
        for name in value:
            if not isinstance(name, str):
                raise value.error(f"the keys of '{key}' are names: {name!r} is not a string",
                                  name)
    return value


def _iso(value: Any) -> str:
    """YAML 1.1 reads `2020-01-01` as a date; JSON (and YAML 1.2) has the text."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _json(value: Any, owner: Node | Seq, key: Any) -> str:
    """A value of the document as JSON text; what JSON cannot hold (!!binary, .nan, keys of
    mixed types) is a located error."""
    try:
        return json.dumps(value, separators=(",", ":"), sort_keys=True, allow_nan=False,
                          default=_iso)
    except (TypeError, ValueError) as e:
        what = f"item {key} of the list" if isinstance(owner, Seq) else repr(key)
        raise owner.error(f"{what} is not a JSON value: {e}", key) from None


class _Lowering:
    def __init__(self, doc: Node) -> None:
        self.doc = doc
        version = doc.get("openapi")
        if not isinstance(version, str) or not re.match(r"3\.[01]\.\d+", version):
            raise doc.error(f"unsupported 'openapi' version {version!r}: need 3.0.x or 3.1.x",
                            "openapi" if "openapi" in doc else None)
        self.v31 = version.startswith("3.1")
        self.models: dict[str, ir.Model] = {}
        self.pending: set[str] = set()
        self.inline: dict[int, str] = {}  # id(inline schema node) -> its model, lowered once
        self.merging: set[int] = set()     # allOf schemas being merged (cycle check)
        self.service = ir.Service()

    # --- references -------------------------------------------------------------------

    def resolve(self, node: Any, kind: str) -> tuple[Any, str | None]:
        """Follows a local $ref to components/<kind>; returns (target, component name)."""
        seen = set()
        name = None
        while isinstance(node, Node) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise node.error(f"only local references ('#/...') are supported, not {ref!r}", "$ref")
            if ref in seen:
                raise node.error(f"reference cycle through {ref}", "$ref")
            seen.add(ref)
            parts = [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]
            target: Any = self.doc
            for p in parts:
                if not isinstance(target, dict) or p not in target:
                    raise node.error(f"unresolved reference {ref}", "$ref")
                target = target[p]
            if len(parts) == 3 and parts[0] == "components" and parts[1] == kind:
                name = parts[2]
            elif kind == "schemas":
                raise node.error(f"a schema reference must point into #/components/schemas: {ref}", "$ref")
            node = target
        return node, name

    # --- schemas ----------------------------------------------------------------------

    def model_for(self, name: str) -> str:
        """Lowers components/schemas/<name> once; returns the model name."""
        if name in self.models or name in self.pending:
            return name
        schemas = _members(_members(self.doc, "components"), "schemas")
        # A component that is only a $ref is an alias: define it as what it points to.
        schema, _ = self.resolve(schemas[name], "schemas")
        if not isinstance(schema, Node):
            raise schemas.error(f"schema {name!r} must be a mapping", name)
        self.pending.add(name)
        self.define(name, schema)
        self.pending.discard(name)
        return name

    def define(self, name: str, schema: Node) -> None:
        model = ir.Model(name=name, description=str(schema.get("description", "")))
        model.source.file, model.source.line = schema.file, schema.line
        if "oneOf" in schema or "anyOf" in schema:
            key = "oneOf" if "oneOf" in schema else "anyOf"
            variants = schema[key]
            if not isinstance(variants, Seq) or not variants:
                raise schema.error(f"'{key}' needs a non-empty list of schemas", key)
            model.union.exclusive = key == "oneOf"
            for i, v in enumerate(variants):
                model.union.variants.append(self.type_of(v, variants, i, f"{name}{i + 1}"))
            disc = schema.get("discriminator")
            if disc is not None:
                if not isinstance(disc, Node) or not isinstance(disc.get("propertyName"), str):
                    raise schema.error("discriminator needs a 'propertyName'", "discriminator")
                model.union.discriminator = disc["propertyName"]
                mapping = _members(disc, "mapping", names=False)  # values, maybe `1:`
                for value, ref in mapping.items():
                    _, target_name = self.resolve(_ref_node(mapping, value, ref), "schemas")
                    if target_name is None:
                        raise mapping.error(f"mapping target {ref!r} is not a component schema", value)
                    model.union.mapping[str(value)] = self.model_for(target_name)
                if not mapping:
                    for v in model.union.variants:
                        if v.WhichOneof("kind") == "model":
                            model.union.mapping[v.model] = v.model
        elif "enum" in schema and schema.get("type") != "object":
            values = schema["enum"]
            if not isinstance(values, Seq) or not values:
                raise schema.error("'enum' needs a non-empty list", "enum")
            for i, value in enumerate(values):
                label = value if isinstance(value, str) else f"V{value}"
                model.enum.values.add(name=_IDENT.sub("_", str(label)).upper().strip("_") or f"V{i}",
                                      json=_json(value, values, i))
        else:
            merged = self.object_schema(schema)
            self.object_model(model, name, merged)
        self.models[name] = model

    def object_schema(self, schema: Node) -> Node:
        """allOf merged into one object schema (properties and required united)."""
        if "allOf" not in schema:
            return schema
        if id(schema) in self.merging:
            raise schema.error("allOf refers back to itself", "allOf")
        self.merging.add(id(schema))
        try:
            return self._merge_all_of(schema)
        finally:
            self.merging.discard(id(schema))

    def _merge_all_of(self, schema: Node) -> Node:
        merged = Node({k: v for k, v in schema.items() if k != "allOf"})
        merged.file, merged.line, merged.lines = schema.file, schema.line, dict(schema.lines)
        props = Node()
        props.file, props.line, props.lines = schema.file, schema.line, {}
        required: list[str] = []
        parts = schema["allOf"]
        if not isinstance(parts, Seq):
            raise schema.error("'allOf' needs a list of schemas", "allOf")
        for i, part in enumerate(parts + [merged]):
            part, _ = self.resolve(part, "schemas")
            part = self.object_schema(part) if isinstance(part, Node) else part
            if not isinstance(part, Node):
                raise parts.error("allOf members must be schemas", i)
            part_props = _members(part, "properties")
            for k, v in part_props.items():
                props[k] = v
                props.lines[k] = part_props.line_of(k)
            part_required = part.get("required", [])
            if not isinstance(part_required, list):
                raise part.error("'required' must be a list of property names", "required")
            required += [r for r in part_required if r not in required]
        merged["properties"] = props
        merged["required"] = Seq(required)
        merged["type"] = "object"
        return merged

    def object_model(self, model: ir.Model, name: str, schema: Node) -> None:
        declared = schema.get("type", "object")
        if declared not in ("object", ["object"]) and not ("properties" in schema):
            raise schema.error(f"component schema {name!r} is not an object, enum or union; "
                               "use it inline or give it properties", "type")
        obj = model.object
        props = _members(schema, "properties")
        required = schema.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise schema.error("'required' must be a list of property names", "required")
        for r in required:
            if r not in props:
                raise schema.error(f"required property {r!r} is not declared", "required")
        for prop, sub in props.items():
            # Keep the wire name where it is an identifier, so generated classes encode back
            # to the same JSON keys.
            ident = str(prop).isidentifier() and not keyword.iskeyword(str(prop))
            field = obj.fields.add(name=str(prop) if ident else _snake(prop), json_name=prop,
                                   required=prop in required)
            field.source.file, field.source.line = props.file, props.line_of(prop)
            field.type.CopyFrom(self.type_of(sub, props, prop, _camel(name, prop)))
            target, _ = self.resolve(sub, "schemas")
            if isinstance(target, Node):
                field.read_only = bool(target.get("readOnly", False))
                field.write_only = bool(target.get("writeOnly", False))
                field.description = str(target.get("description", ""))
        extra = schema.get("additionalProperties", True)
        if extra is False:
            obj.allow_additional = False
        else:
            obj.allow_additional = True
            if isinstance(extra, Node):
                obj.additional.CopyFrom(self.type_of(extra, schema, "additionalProperties",
                                                     _camel(name, "Value")))

    def type_of(self, schema: Any, owner: Node | Seq, key: Any, context: str) -> ir.Type:
        """An inline schema's Type; objects, enums and unions inline become named models."""
        if schema is True or (isinstance(schema, Node) and not schema):
            return ir.Type(any=True)
        if not isinstance(schema, Node):
            raise owner.error("a schema must be a mapping", key)
        if "$ref" in schema:
            target, name = self.resolve(schema, "schemas")
            assert name is not None
            t = ir.Type(model=self.model_for(name))
            # 3.1 allows siblings of $ref; nullable is the one we honour.
            if schema.get("nullable") is True:
                t.nullable = True
            return t
        # anyOf/oneOf [T, {type: null}]: a nullable T (how 3.1 tools, pydantic among them,
        # spell Optional).
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, Seq) and len(variants) == 2:
                nulls = [v for v in variants if isinstance(v, Node) and v.get("type") == "null"
                         and len(v) == 1]
                if len(nulls) == 1:
                    other = variants[1 - variants.index(nulls[0])]
                    inner = self.type_of(other, variants, 1 - variants.index(nulls[0]), context)
                    inner.nullable = True
                    self.defaults(inner, schema)
                    return inner
        t = ir.Type()
        types = schema.get("type")
        nullable = bool(schema.get("nullable", False))
        if schema.get("nullable") is not None and self.v31:
            raise schema.error("'nullable' is OpenAPI 3.0; in 3.1 write type: [T, 'null']", "nullable")
        if isinstance(types, Seq):
            if not self.v31:
                raise schema.error("a list of types is OpenAPI 3.1; in 3.0 use 'nullable'", "type")
            nullable = nullable or "null" in types
            rest = [x for x in types if x != "null"]
            if len(rest) > 1:
                raise schema.error(f"type lists with more than one non-null type are not supported: {list(types)}", "type")
            types = rest[0] if rest else None
        named_enum = types == "string" and isinstance(schema.get("enum"), Seq)
        if "oneOf" in schema or "anyOf" in schema or "allOf" in schema or named_enum or (
            types == "object" or ("properties" in schema and types is None)
        ):
            if types == "object" and "properties" not in schema and "allOf" not in schema:
                add = schema.get("additionalProperties", True)
                t.map.CopyFrom(ir.Type(any=True) if add in (True, None) else
                               self.type_of(add, schema, "additionalProperties", context + "Value"))
                self.constraints(t, schema, "object")
            elif id(schema) in self.inline:
                t.model = self.inline[id(schema)]
            else:
                name = self.unique(context)
                self.inline[id(schema)] = name
                self.pending.add(name)
                self.define(name, schema)
                self.pending.discard(name)
                t.model = name
            t.nullable = nullable
            self.defaults(t, schema)
            return t
        if types == "array":
            items = schema.get("items")
            if items is None:
                raise schema.error("an array schema needs 'items'", "type")
            t.array.CopyFrom(self.type_of(items, schema, "items", context + "Item"))
        elif types in ("string", "integer", "number", "boolean"):
            fmt = schema.get("format")
            if fmt is not None and not isinstance(fmt, str):
                raise schema.error(f"'format' must be a string, not {type(fmt).__name__}",
                                   "format")
            scalar = _FORMATS.get((types, fmt))
            if scalar is None:
                if fmt in _FREE_FORMATS or (fmt is not None and types == "string"):
                    scalar = _FORMATS[(types, None)]
                else:
                    raise schema.error(f"unknown format {fmt!r} for type {types}", "format")
            t.scalar = scalar
        elif types is None:
            t.any = True
        else:
            raise schema.error(f"unknown type {types!r}", "type")
        t.nullable = nullable
        self.constraints(t, schema, types)
        self.defaults(t, schema)
        return t

    def unique(self, base: str) -> str:
        name, n = base, 2
        while name in self.models or name in self.pending or name in _members(
                _members(self.doc, "components"), "schemas"):
            name, n = f"{base}{n}", n + 1
        return name

    def defaults(self, t: ir.Type, schema: Node) -> None:
        if "default" in schema:
            t.default_json = _json(schema["default"], schema, "default")

    def constraints(self, t: ir.Type, schema: Node, types: Any) -> None:
        c = t.constraints
        numeric = types in ("integer", "number")

        def number(key: str) -> float | None:
            if key not in schema:
                return None
            v = schema[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise schema.error(f"'{key}' must be a number", key)
            if not numeric:
                raise schema.error(f"'{key}' applies to numbers, not {types}", key)
            try:
                return float(v)
            except OverflowError:  # an integer past a double's range (YAML 1.1's 3:33:...)
                raise schema.error(f"'{key}' is out of range", key) from None

        if (v := number("minimum")) is not None:
            c.minimum = v
        if (v := number("maximum")) is not None:
            c.maximum = v
        for key, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if key not in schema:
                continue
            v = schema[key]
            if isinstance(v, bool):
                if self.v31:
                    raise schema.error(f"boolean '{key}' is OpenAPI 3.0; in 3.1 give the bound", key)
                if bound not in schema:
                    raise schema.error(f"'{key}: true' needs '{bound}'", key)
                setattr(c, "exclusive_" + bound, v)
            else:
                if not self.v31:
                    raise schema.error(f"numeric '{key}' is OpenAPI 3.1; in 3.0 use '{bound}' and a boolean", key)
                setattr(c, bound, number(key))
                setattr(c, "exclusive_" + bound, True)
        if (v := number("multipleOf")) is not None:
            if v <= 0:
                raise schema.error("'multipleOf' must be greater than 0", "multipleOf")
            c.multiple_of = v

        def count(key: str, applies: Iterable[str]) -> int | None:
            if key not in schema:
                return None
            v = schema[key]
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 2**63:
                raise schema.error(f"'{key}' must be a non-negative integer", key)
            if types not in applies:
                raise schema.error(f"'{key}' does not apply to {types}", key)
            return v

        for key, field, applies in (
            ("minLength", "min_length", ("string",)),
            ("maxLength", "max_length", ("string",)),
            ("minItems", "min_length", ("array",)),
            ("maxItems", "max_length", ("array",)),
            ("minProperties", "min_properties", ("object",)),
            ("maxProperties", "max_properties", ("object",)),
        ):
            if (n := count(key, applies)) is not None:
                setattr(c, field, n)
        if c.HasField("min_length") and c.HasField("max_length") and c.min_length > c.max_length:
            raise schema.error("minimum length is greater than maximum length")
        if c.HasField("minimum") and c.HasField("maximum") and c.minimum > c.maximum:
            raise schema.error("'minimum' is greater than 'maximum'")
        if "pattern" in schema:
            pattern = schema["pattern"]
            if types != "string" or not isinstance(pattern, str):
                raise schema.error("'pattern' is a string and applies to strings", "pattern")
            if _NOT_RE2.search(pattern):
                raise schema.error(f"pattern {pattern!r} needs lookaround or backreferences, "
                                   "which RE2 (linear time) does not support", "pattern")
            try:
                re.compile(pattern)
            except (re.error, OverflowError, RecursionError) as e:  # x{99999999999}, ((((...
                raise schema.error(f"invalid pattern {pattern[:80]!r}: {e}", "pattern") from None
            c.pattern = pattern
        if schema.get("uniqueItems") is True:
            if types != "array":
                raise schema.error("'uniqueItems' applies to arrays", "uniqueItems")
            c.unique_items = True
        if "enum" in schema:
            values = schema["enum"]
            if not isinstance(values, Seq) or not values:
                raise schema.error("'enum' needs a non-empty list", "enum")
            c.enum_json.extend(_json(v, values, i) for i, v in enumerate(values))
        if "const" in schema:
            if not self.v31:
                raise schema.error("'const' is OpenAPI 3.1 (JSON Schema 2020-12)", "const")
            c.const_json = _json(schema["const"], schema, "const")

    # --- operations -------------------------------------------------------------------

    def parameter(self, op: ir.Operation, raw: Any, owner: Seq, index: int) -> None:
        p, _ = self.resolve(raw, "parameters") if isinstance(raw, Node) else (raw, None)
        if not isinstance(p, Node) or "name" not in p or "in" not in p:
            raise owner.error("a parameter needs 'name' and 'in'", index)
        where = p["in"]
        loc = {"path": ir.Parameter.PATH, "query": ir.Parameter.QUERY,
               "header": ir.Parameter.HEADER, "cookie": ir.Parameter.COOKIE}.get(
                   where if isinstance(where, str) else "")
        if loc is None:
            raise p.error(f"unknown parameter location {where!r}", "in")
        name = str(p["name"])
        for existing in op.parameters:
            if existing.wire_name == (name.lower() if loc == ir.Parameter.HEADER else name) and \
                    existing.location == loc:
                op.parameters.remove(existing)  # operation-level overrides path-level
                break
        required = bool(p.get("required", False))
        if loc == ir.Parameter.PATH and not required:
            raise p.error(f"path parameter {name!r} must be required: true", "required")
        if "schema" not in p:
            raise p.error(f"parameter {name!r} needs a 'schema' ('content' is not supported)")
        style, explode = p.get("style"), p.get("explode")
        default_style = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}[where]
        if style not in (None, default_style) or (explode is not None and explode != (default_style == "form")):
            raise p.error(f"only the default style/explode ({default_style}) is supported for {where} parameters", "style" if style else "explode")
        ident = name.isidentifier() and not keyword.iskeyword(name)
        param = op.parameters.add(
            name=name if ident else _snake(name), wire_name=name.lower() if loc == ir.Parameter.HEADER else name,
            location=loc, required=required, description=str(p.get("description", "")))
        param.source.file, param.source.line = p.file, p.line
        param.type.CopyFrom(self.type_of(p["schema"], p, "schema", _camel(op.id, name)))

    def operation(self, path: str, method: str, item: Node, raw: Node) -> None:
        op = ir.Operation(method=method.upper(), path=path)
        op.source.file, op.source.line = raw.file, item.line_of(method)
        op.id = str(raw.get("operationId") or _snake(f"{method}_{path}"))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", op.id):
            raise raw.error(f"operationId {op.id!r} is not an identifier", "operationId")
        if any(o.id == op.id for o in self.service.operations):
            raise raw.error(f"duplicate operationId {op.id!r}", "operationId")
        op.summary = str(raw.get("summary", ""))
        op.description = str(raw.get("description", ""))
        tags = raw.get("tags", [])
        if not isinstance(tags, list):
            raise raw.error("'tags' must be a list", "tags")
        op.tags.extend(str(t) for t in tags)
        op.deprecated = bool(raw.get("deprecated", False))
        for params in (item.get("parameters", Seq()), raw.get("parameters", Seq())):
            if not isinstance(params, Seq):
                raise raw.error("'parameters' must be a list", "parameters")
            for i, p in enumerate(params):
                self.parameter(op, p, params, i)
        declared = {p.wire_name for p in op.parameters if p.location == ir.Parameter.PATH}
        template = set(re.findall(r"{([^}]+)}", path))
        if declared != template:
            raise item.error(f"path parameters {sorted(template)} of {path} and the declared ones "
                             f"{sorted(declared)} differ", method)
        if "requestBody" in raw:
            self.body(op, raw)
        responses = _members(raw, "responses", names=False)  # `200:` reads as an int
        for status, resp in responses.items():
            resp_node, _ = self.resolve(resp, "responses")
            if not isinstance(resp_node, Node):
                raise responses.error("a response must be a mapping", status)
            if str(status) != "default" and not re.fullmatch(r"[1-5][0-9X]{2}", str(status)):
                raise responses.error(f"response key {status!r} is not a status code or 'default'", status)
            code = 0 if str(status) == "default" else int(str(status).replace("X", "0"))
            r = op.responses.add(status=code, description=str(resp_node.get("description", "")))
            content = _members(resp_node, "content")
            media = content.get("application/json")
            if isinstance(media, Node) and "schema" in media:
                r.type.CopyFrom(self.type_of(media["schema"], media, "schema",
                                             _camel(op.id, str(status), "Response")))
        self.service.operations.append(op)

    def body(self, op: ir.Operation, raw: Node) -> None:
        node, _ = self.resolve(raw["requestBody"], "requestBodies")
        if not isinstance(node, Node):
            raise raw.error("requestBody must be a mapping", "requestBody")
        content = node.get("content")
        if not isinstance(content, Node) or not content:
            raise node.error("requestBody needs 'content'")
        b = op.body
        b.required = bool(node.get("required", False))
        b.name = "body"
        b.description = str(node.get("description", ""))
        schema = None
        for media, entry in content.items():
            kind = {"application/json": ir.Body.JSON,
                    "application/x-www-form-urlencoded": ir.Body.FORM}.get(str(media).split(";")[0])
            if kind is None:
                raise content.error(f"unsupported request media type {media!r} "
                                    "(application/json, application/x-www-form-urlencoded)", media)
            b.media_types.append(kind)
            if isinstance(entry, Node) and "schema" in entry:
                schema = schema or (entry, "schema")
        if schema is None:
            raise node.error("requestBody content needs a 'schema'")
        b.type.CopyFrom(self.type_of(schema[0][schema[1]], schema[0], schema[1], _camel(op.id, "Body")))

    def run(self) -> ir.Service:
        info = _members(self.doc, "info")
        s = self.service
        s.title = str(info.get("title", ""))
        s.version = str(info.get("version", ""))
        s.description = str(info.get("description", ""))
        s.name = _snake(s.title) or "service"
        s.source.file, s.source.line = self.doc.file, 1
        # Components first, in document order: inline schemas inside them take their names
        # from the component (NewPet.owner -> NewPetOwner), whoever refers to them.
        for name in _members(_members(self.doc, "components"), "schemas"):
            self.model_for(name)
        paths = self.doc.get("paths")
        if not isinstance(paths, Node):
            raise self.doc.error("the document needs 'paths'", "paths" if "paths" in self.doc else None)
        for path, item in paths.items():
            if not str(path).startswith("/"):
                raise paths.error(f"path {path!r} must start with '/'", path)
            if not isinstance(item, Node):
                raise paths.error("a path item must be a mapping", path)
            for method in _METHODS:
                if method in item:
                    if not isinstance(item[method], Node):
                        raise item.error(f"operation {method} must be a mapping", method)
                    self.operation(str(path), method, item, item[method])
        s.models.extend(self.models[n] for n in sorted(self.models))
        return s


def _ref_node(owner: Node, key: Any, ref: Any) -> Node:
    n = Node({"$ref": ref})
    n.file, n.line, n.lines = owner.file, owner.line_of(key), {"$ref": owner.line_of(key)}
    return n


def lower(doc: Node) -> ir.Service:
    """Lowers a loaded document; raises SpecError with file:line on anything invalid."""
    try:
        return _Lowering(doc).run()
    except SpecError:
        raise
    except RecursionError:
        raise SpecError(f"{doc.file}:0: schemas nest too deeply (or refer to themselves "
                        "without a named model in between)") from None
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise SpecError(f"{doc.file}:0: malformed document ({type(e).__name__}: {e})") from None
