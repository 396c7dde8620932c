"""The IR (data_bridge.ir_pb2) -> an OpenAPI 3.1 document (a dict, ready for JSON).

    doc = to_openapi(service)

Published by every App at /openapi.json, whatever its routes came from, and written by the
generator's OpenAPI back end (codegen/back/openapi). Models become
components/schemas; nullable types become `anyOf [T, null]` (type lists for plain
scalars); operations with parameters or a body list the 422 validation error, as FastAPI's
do.
"""

from __future__ import annotations

import json
import re
from typing import Any

import data_bridge.ir_pb2 as ir

_SCALARS: dict[int, dict[str, str]] = {
    ir.BOOL: {"type": "boolean"},
    ir.INT32: {"type": "integer", "format": "int32"},
    ir.INT64: {"type": "integer"},
    ir.UINT32: {"type": "integer", "format": "int32"},
    ir.UINT64: {"type": "integer"},
    ir.FLOAT: {"type": "number", "format": "float"},
    ir.DOUBLE: {"type": "number"},
    ir.STRING: {"type": "string"},
    ir.BYTES: {"type": "string", "format": "byte"},
    ir.BINARY: {"type": "string", "format": "binary"},
    ir.DATE: {"type": "string", "format": "date"},
    ir.DATE_TIME: {"type": "string", "format": "date-time"},
    ir.UUID: {"type": "string", "format": "uuid"},
    ir.EMAIL: {"type": "string", "format": "email"},
    ir.URI: {"type": "string", "format": "uri"},
    ir.DURATION: {"type": "string", "format": "duration"},
}
_LOCATIONS = {ir.Parameter.PATH: "path", ir.Parameter.QUERY: "query",
              ir.Parameter.HEADER: "header", ir.Parameter.COOKIE: "cookie"}
_VALIDATION_ERRORS = {
    "ValidationError": {
        "title": "ValidationError",
        "type": "object",
        "required": ["loc", "msg", "type"],
        "properties": {
            "loc": {"title": "Location", "type": "array",
                    "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"title": "Message", "type": "string"},
            "type": {"title": "Error Type", "type": "string"},
            "input": {"title": "Input"},
            "ctx": {"title": "Context", "type": "object"},
        },
    },
    "HTTPValidationError": {
        "title": "HTTPValidationError",
        "type": "object",
        "properties": {"detail": {"title": "Detail", "type": "array",
                                  "items": {"$ref": "#/components/schemas/ValidationError"}}},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def schema_of(t: ir.Type) -> dict[str, Any]:
    kind = t.WhichOneof("kind")
    s: dict[str, Any]
    if kind == "scalar":
        s = dict(_SCALARS[t.scalar])
    elif kind == "array":
        s = {"type": "array", "items": schema_of(t.array)}
    elif kind == "map":
        s = {"type": "object", "additionalProperties": schema_of(t.map)}
    elif kind == "model":
        s = _ref(t.model)
    else:
        s = {}
    c = t.constraints
    if c.HasField("minimum"):
        s["exclusiveMinimum" if c.exclusive_minimum else "minimum"] = _num(c.minimum)
    if c.HasField("maximum"):
        s["exclusiveMaximum" if c.exclusive_maximum else "maximum"] = _num(c.maximum)
    if c.HasField("multiple_of"):
        s["multipleOf"] = _num(c.multiple_of)
    sized = "Items" if kind == "array" else "Length"
    if c.HasField("min_length"):
        s["min" + sized] = c.min_length
    if c.HasField("max_length"):
        s["max" + sized] = c.max_length
    if c.pattern:
        s["pattern"] = c.pattern
    if c.unique_items:
        s["uniqueItems"] = True
    if c.enum_json:
        s["enum"] = [json.loads(v) for v in c.enum_json]
    if c.const_json:
        s["const"] = json.loads(c.const_json)
    if t.nullable:
        if isinstance(s.get("type"), str):
            s["type"] = [s["type"], "null"]
        else:
            s = {"anyOf": [s, {"type": "null"}]}
    if t.default_json:
        s["default"] = json.loads(t.default_json)
    return s


def _num(v: float) -> int | float:
    return int(v) if v.is_integer() else v


def model_schema(m: ir.Model) -> dict[str, Any]:
    which = m.WhichOneof("kind")
    s: dict[str, Any] = {"title": m.name}
    if m.description:
        s["description"] = m.description
    if which == "enum":
        values = [json.loads(v.json) for v in m.enum.values]
        s["enum"] = values
        s["type"] = "string" if all(isinstance(v, str) for v in values) else "integer"
    elif which == "union":
        s["oneOf" if m.union.exclusive else "anyOf"] = [schema_of(v) for v in m.union.variants]
        if m.union.discriminator:
            s["discriminator"] = {
                "propertyName": m.union.discriminator,
                "mapping": {k: _ref(v)["$ref"] for k, v in sorted(m.union.mapping.items())},
            }
    else:
        s["type"] = "object"
        props: dict[str, Any] = {}
        for f in m.object.fields:
            p = schema_of(f.type)
            if f.read_only:
                p["readOnly"] = True
            if f.write_only:
                p["writeOnly"] = True
            if f.description:
                p["description"] = f.description
            props[f.json_name] = p
        s["properties"] = props
        required = [f.json_name for f in m.object.fields if f.required]
        if required:
            s["required"] = required
        if not m.object.allow_additional:
            s["additionalProperties"] = False
        elif m.object.HasField("additional"):
            s["additionalProperties"] = schema_of(m.object.additional)
    return s


def _operation(op: ir.Operation) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op.id}
    if op.summary:
        out["summary"] = op.summary
    if op.description:
        out["description"] = op.description
    if op.tags:
        out["tags"] = list(op.tags)
    if op.deprecated:
        out["deprecated"] = True
    params = []
    for p in op.parameters:
        entry: dict[str, Any] = {"name": p.wire_name, "in": _LOCATIONS[p.location],
                                 "required": p.required, "schema": schema_of(p.type)}
        if p.description:
            entry["description"] = p.description
        params.append(entry)
    if params:
        out["parameters"] = params
    if op.HasField("body"):
        media = {ir.Body.JSON: "application/json",
                 ir.Body.FORM: "application/x-www-form-urlencoded"}
        out["requestBody"] = {
            "required": op.body.required,
            "content": {media[m]: {"schema": schema_of(op.body.type)}
                        for m in op.body.media_types},
        }
    responses: dict[str, Any] = {}
    for r in op.responses:
        entry = {"description": r.description or "Response"}
        if r.HasField("type"):
            entry["content"] = {"application/json": {"schema": schema_of(r.type)}}
        key = (str(r.status) if r.status > 0 else f"{-r.status}XX" if r.status < 0
               else "default")
        responses[key] = entry
    if (params or op.HasField("body")) and not {"422", "4XX", "default"} & set(responses):
        responses.setdefault("422", {
            "description": "Validation Error",
            "content": {"application/json": {"schema": _ref("HTTPValidationError")}},
        })
    out["responses"] = responses or {"default": {"description": "Response"}}
    return out


def to_openapi(service: ir.Service) -> dict[str, Any]:
    info: dict[str, Any] = {"title": service.title or service.name,
                            "version": service.version or "0.1.0"}
    if service.description:
        info["description"] = service.description
    paths: dict[str, Any] = {}
    needs_errors = False
    for op in service.operations:
        if op.hidden:
            continue
        # FastAPI convertors ({rest:path}) and google.api.http patterns ({name=shelves/*})
        # are server-side matching details: OpenAPI names just the variable.
        path = re.sub(r"{([^}:=]+)[:=][^}]*}", r"{\1}", op.path)
        entry = _operation(op)
        needs_errors |= "422" in entry["responses"]
        paths.setdefault(path, {})[op.method.lower()] = entry
    schemas = {m.name: model_schema(m) for m in service.models}
    if needs_errors:
        for name, s in _VALIDATION_ERRORS.items():
            schemas.setdefault(name, s)
    doc: dict[str, Any] = {"openapi": "3.1.0", "info": info, "paths": paths}
    if schemas:
        doc["components"] = {"schemas": dict(sorted(schemas.items()))}
    return doc
