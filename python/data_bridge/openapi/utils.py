"""The IR (data_bridge.ir_pb2) -> an OpenAPI 3.1 document (a dict, ready for JSON).

    doc = to_openapi(service)

Published by every App at /openapi.json, whatever its routes came from, and written by the
generator's OpenAPI back end (codegen/back/openapi). The document is FastAPI's for the same
routes: models become components/schemas, nullable types `anyOf [T, null]` (as pydantic
writes them), operations with parameters or a body list the 422 validation error, the
security schemes their dependencies name are components/securitySchemes, and, as FastAPI's
`exclude_none` does, no key is written with a null value.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Mapping, Sequence

import data_bridge.ir_pb2 as ir
from data_bridge._type_specs import model_refs, type_refs

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
    ir.TIME: {"type": "string", "format": "time"},
    ir.UPLOAD: {"type": "string", "contentMediaType": "application/octet-stream"},
    ir.UPLOAD_BYTES: {"type": "string", "contentMediaType": "application/octet-stream"},
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


def _ref(name: str, names: Mapping[str, str] = {}) -> dict[str, str]:
    """A reference to the model `name`, by its name in the document (`names`, else its
    own)."""
    return {"$ref": f"#/components/schemas/{names.get(name, name)}"}


# The 422 an operation with something to validate documents (shared: without_nulls copies
# it into the document).
_VALIDATION_ERROR_RESPONSE = {
    "description": "Validation Error",
    "content": {"application/json": {"schema": _ref("HTTPValidationError")}},
}


def schema_of(t: ir.Type, names: Mapping[str, str] = {}) -> dict[str, Any]:
    """t's JSON Schema; `names`: the document's names of models that have another."""
    kind = t.WhichOneof("kind")
    s: dict[str, Any]
    if kind == "scalar":
        s = dict(_SCALARS[t.scalar])
    elif kind == "array":
        s = {"type": "array", "items": schema_of(t.array, names)}
    elif kind == "map":
        # Any value: `true`, as pydantic writes it (the same as an empty schema).
        s = {"type": "object", "additionalProperties": schema_of(t.map, names) or True}
    elif kind == "model":
        s = _ref(t.model, names)
    elif kind == "union":
        s = _variants(t.union, names)
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
    if c.unique_items or (kind == "array" and t.sequence in (ir.SET, ir.FROZENSET)):
        s["uniqueItems"] = True  # a set: documented as pydantic does, not enforced
    if c.enum_json:
        s["enum"] = [json.loads(v) for v in c.enum_json]
    if c.const_json:
        s["const"] = json.loads(c.const_json)
    if t.nullable:
        s = ({"anyOf": [*s["anyOf"], {"type": "null"}]} if list(s) == ["anyOf"]
             else {"anyOf": [s, {"type": "null"}]})
    if t.default_json:
        s["default"] = json.loads(t.default_json)
    if t.title:
        s["title"] = t.title
    if t.description:
        s["description"] = t.description
    if t.deprecated:
        s["deprecated"] = True
    if t.examples_json:
        s["examples"] = json.loads(t.examples_json)
    if t.extra_json:
        s.update(json.loads(t.extra_json))
    return s


def _variants(u: ir.Variants, names: Mapping[str, str]) -> dict[str, Any]:
    """An anonymous union as pydantic writes it: anyOf, or oneOf with the discriminator."""
    variants = [schema_of(v, names) for v in u.types]
    if not u.discriminator:
        return {"anyOf": variants}
    order = [v.model for v in u.types]
    mapping = sorted(u.mapping.items(),
                     key=lambda kv: (order.index(kv[1]) if kv[1] in order else len(order), kv[0]))
    return {"oneOf": variants, "discriminator": {
        "propertyName": u.discriminator,
        "mapping": {k: _ref(v, names)["$ref"] for k, v in mapping}}}


def _num(v: float) -> int | float:
    return int(v) if v.is_integer() else v


def model_schema(m: ir.Model, names: Mapping[str, str] = {}) -> dict[str, Any]:
    which = m.WhichOneof("kind")
    s: dict[str, Any] = {"title": m.name}
    if m.description:
        s["description"] = m.description
    if which == "enum":
        values = [json.loads(v.json) for v in m.enum.values]
        s["enum"] = values
        s["type"] = "string" if all(isinstance(v, str) for v in values) else "integer"
    elif which == "union":
        s["oneOf" if m.union.exclusive else "anyOf"] = [schema_of(v, names)
                                                         for v in m.union.variants]
        if m.union.discriminator:
            s["discriminator"] = {
                "propertyName": m.union.discriminator,
                "mapping": {k: _ref(v, names)["$ref"]
                            for k, v in sorted(m.union.mapping.items())},
            }
    else:
        s["type"] = "object"
        props: dict[str, Any] = {}
        for f in m.object.fields:
            p = schema_of(f.type, names)
            if f.read_only:
                p["readOnly"] = True
            if f.write_only:
                p["writeOnly"] = True
            if f.description:
                p["description"] = f.description
            props[f.json_name] = p
        if props or not m.object.all_of:  # a form body of form models alone: allOf only
            s["properties"] = props
        if m.object.all_of:
            s["allOf"] = [schema_of(t, names) for t in m.object.all_of]
        required = [f.json_name for f in m.object.fields if f.required]
        if required:
            s["required"] = required
        if not m.object.allow_additional:
            s["additionalProperties"] = False
        elif m.object.HasField("additional"):
            s["additionalProperties"] = schema_of(m.object.additional, names)
    if m.extra_json:
        s.update(json.loads(m.extra_json))
    return s


def _reach(roots: set[str], graph: Mapping[str, set[str]]) -> set[str]:
    """The models reachable from `roots` (them included)."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(graph.get(name, ()))
    return seen


def _documented_refs(service: ir.Service) -> tuple[set[str], set[str]]:
    """The models the documented operations (webhooks' and callbacks' too) name directly:
    those their requests name (parameters, body), and those their responses name."""
    inputs: set[str] = set()
    outputs: set[str] = set()
    operations = list(service.operations) + list(service.webhooks)
    while operations:
        op = operations.pop()
        if op.hidden:
            continue
        for p in op.parameters:
            type_refs(p.type, inputs)
        if op.HasField("body"):
            type_refs(op.body.type, inputs)
        for r in op.responses:
            if r.HasField("type"):
                type_refs(r.type, outputs)
        for callback in op.callbacks:
            operations.extend(callback.operations)
    return inputs, outputs


def _separate(graph: Mapping[str, set[str]], reads: set[str],
              writes: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The models documented twice, as `Name-Input` for requests and `Name-Output` for
    responses, as FastAPI (pydantic's JSON Schema) does with separate_input_output_schemas:
    those both read and written (`reads`, `writes`: with the models they name) whose
    schema refers, through models, to a model that refers to itself (pydantic's schemas of
    the two modes then never compare equal). Returns the request and the response side's
    names of them."""
    both = reads & writes
    if not both:
        return {}, {}
    cyclic = {name for name in both if name in _reach(graph[name], graph)}
    split = {name for name in both if _reach({name}, graph) & cyclic}
    return ({n: n + "-Input" for n in split}, {n: n + "-Output" for n in split})


def deep_update(main: dict[str, Any], update: dict[str, Any]) -> None:
    """Merges `update` into `main`: dicts key by key, lists appended, the rest replaced
    (FastAPI's deep_dict_update, the rule for openapi_extra and responses=)."""
    for key, value in update.items():
        if isinstance(main.get(key), dict) and isinstance(value, dict):
            deep_update(main[key], value)
        elif isinstance(main.get(key), list) and isinstance(value, list):
            main[key] = main[key] + value
        else:
            main[key] = value


def _examples(out: dict[str, Any], example_json: str, examples_json: str) -> None:
    """OpenAPI's `examples` (a map of Example objects) or else the older `example`."""
    if examples_json:
        out["examples"] = json.loads(examples_json)
    elif example_json:
        out["example"] = json.loads(example_json)


def _parameter(p: ir.Parameter, names: Mapping[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": p.documented_name or p.wire_name,
                             "in": _LOCATIONS[p.location], "required": p.required,
                             "schema": schema_of(p.type, names)}
    if p.description:
        entry["description"] = p.description
    _examples(entry, p.example_json, p.examples_json)
    if p.deprecated:
        entry["deprecated"] = True
    return entry


_BODY_MEDIA = {ir.Body.JSON: "application/json",
               ir.Body.FORM: "application/x-www-form-urlencoded",
               ir.Body.MULTIPART: "multipart/form-data"}


def _request_body(body: ir.Body, names: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if body.required:
        out["required"] = True
    if body.description:
        out["description"] = body.description
    content: dict[str, Any] = {}
    for m in body.media_types:
        media: dict[str, Any] = {"schema": schema_of(body.type, names)}
        _examples(media, body.example_json, body.examples_json)
        content[_BODY_MEDIA[m]] = media
    out["content"] = content
    return out


def _status_key(status: int) -> str:
    return str(status) if status > 0 else f"{-status}XX" if status < 0 else "default"


def _operation(op: ir.Operation, inputs: Mapping[str, str],
               outputs: Mapping[str, str]) -> tuple[dict[str, Any], bool]:
    """The operation's OpenAPI object, and whether it documents the 422 validation error
    (so the document needs its schemas). inputs, outputs: the names of models documented
    apart for requests and responses."""
    out: dict[str, Any] = {}
    if op.tags:
        out["tags"] = list(op.tags)
    if op.summary:
        out["summary"] = op.summary
    if op.description:
        out["description"] = op.description
    out["operationId"] = op.id
    if op.deprecated:
        out["deprecated"] = True
    if op.security:
        out["security"] = [{s.scheme: list(s.scopes)} for s in op.security]
    # Path, query, header, then cookie parameters, one per (in, name) where its first
    # declaration is: the last required declaration of it, else its last (as FastAPI
    # lists them).
    params: dict[tuple[str, str], dict[str, Any]] = {}
    for p in sorted((p for p in op.parameters if not p.hidden),
                    key=lambda p: (p.location, p.documented_position)):
        param = _parameter(p, inputs)
        key = (param["in"], param["name"])
        if param["required"] or not params.get(key, {}).get("required"):
            params[key] = param
    if params:
        out["parameters"] = list(params.values())
    if op.HasField("body"):
        out["requestBody"] = _request_body(op.body, inputs)
    responses: dict[str, Any] = {}
    for r in op.responses:
        entry: dict[str, Any] = {"description": r.description or "Response"}
        if r.HasField("type"):
            entry["content"] = {r.media_type or "application/json": {
                "itemSchema" if r.item_schema else "schema": schema_of(r.type, outputs)}}
        if r.extra_json:
            deep_update(entry, json.loads(r.extra_json))
        responses[_status_key(r.status)] = entry
    # The 422 is documented where the request has something to validate (FastAPI counts
    # hidden parameters too).
    if op.callbacks:
        # As FastAPI documents them (their own 422s do not add the schemas it refers to).
        out["callbacks"] = {}
        for callback in op.callbacks:
            item = out["callbacks"].setdefault(callback.name, {}).setdefault(callback.path, {})
            for cb in callback.operations:
                item[cb.method.lower()] = _operation(cb, inputs, outputs)[0]
    validates = ((len(op.parameters) > 0 or op.HasField("body"))
                 and not {"422", "4XX", "default"} & set(responses))
    if validates:
        responses["422"] = _VALIDATION_ERROR_RESPONSE
    out["responses"] = responses or {"default": {"description": "Response"}}
    if op.extra_json:
        out = copy.deepcopy(out)  # the shared 422 stays as it is
        deep_update(out, json.loads(op.extra_json))
    return out, validates


def without_nulls(value: Any) -> Any:
    """`value` with every null-valued key of its objects left out, as FastAPI's
    jsonable_encoder(exclude_none=True) writes the document."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def documented_path(path: str) -> str:
    """The path as OpenAPI writes it: FastAPI convertors ({rest:path}) and google.api.http
    patterns ({name=shelves/*}) are server-side matching details; just the variable."""
    return re.sub(r"{([^}:=]+)[:=][^}]*}", r"{\1}", path)


def _given(**fields: Any) -> dict[str, Any]:
    """The fields that are set (not None or empty), in order."""
    return {k: v for k, v in fields.items() if v}


def to_openapi(service: ir.Service, *, openapi_version: str = "3.1.0",
               summary: str | None = None, terms_of_service: str | None = None,
               contact: dict[str, Any] | None = None,
               license_info: dict[str, Any] | None = None,
               servers: list[dict[str, Any]] | None = None,
               tags: list[dict[str, Any]] | None = None,
               external_docs: dict[str, Any] | None = None,
               separate_input_output_schemas: bool = False) -> dict[str, Any]:
    """The service's document; the keywords are FastAPI's document-wide settings (info's
    summary, termsOfService, contact and license; servers, tags, externalDocs;
    separate_input_output_schemas, FastAPI's default, not a generated document's: see
    _separate). Its components are the models the documented operations reach."""
    # Only the models documented operations reach are components, as FastAPI's.
    graph = {m.name: model_refs(m) for m in service.models}
    requests, responses = _documented_refs(service)
    reads, writes = _reach(requests, graph), _reach(responses, graph)
    inputs, outputs = (_separate(graph, reads, writes) if separate_input_output_schemas
                       else ({}, {}))
    info = {"title": service.title or service.name,
            **_given(summary=summary, description=service.description,
                     termsOfService=terms_of_service, contact=contact, license=license_info),
            "version": service.version or "0.1.0"}
    needs_errors = False

    def path_items(operations: Sequence[ir.Operation]) -> dict[str, Any]:
        nonlocal needs_errors
        items: dict[str, Any] = {}
        for op in operations:
            if op.hidden:
                continue
            path = documented_path(op.path)
            entry, validates = _operation(op, inputs, outputs)
            needs_errors |= validates
            items.setdefault(path, {})[op.method.lower()] = entry
        return items

    paths = path_items(service.operations)
    webhooks = path_items(service.webhooks)
    schemas: dict[str, Any] = {}
    for m in service.models:
        if m.name not in reads and m.name not in writes:
            continue
        if m.name in inputs:
            schemas[inputs[m.name]] = model_schema(m, inputs)
            schemas[outputs[m.name]] = model_schema(m, outputs)
        else:
            schemas[m.name] = model_schema(m, inputs)
    if needs_errors:
        for name, s in _VALIDATION_ERRORS.items():
            schemas.setdefault(name, s)
    components: dict[str, Any] = {}
    if schemas:
        components["schemas"] = dict(sorted(schemas.items()))
    if service.security_schemes:
        components["securitySchemes"] = {s.name: json.loads(s.json)
                                         for s in service.security_schemes}
    doc = {"openapi": openapi_version, "info": info, **_given(servers=servers), "paths": paths,
           **_given(webhooks=webhooks, components=components, tags=tags,
                    externalDocs=external_docs)}
    result: dict[str, Any] = without_nulls(doc)
    return result


def get_openapi(*, title: str, version: str, openapi_version: str = "3.1.0",
                summary: str | None = None, description: str | None = None,
                routes: Sequence[Any], webhooks: Sequence[Any] | None = None,
                tags: list[dict[str, Any]] | None = None,
                servers: list[dict[str, Any]] | None = None,
                terms_of_service: str | None = None,
                contact: dict[str, Any] | None = None,
                license_info: dict[str, Any] | None = None,
                separate_input_output_schemas: bool = True,
                external_docs: dict[str, Any] | None = None) -> dict[str, Any]:
    """FastAPI's get_openapi: the document of `routes` (an app's `app.routes`), for apps
    that write their own `app.openapi`; `webhooks`: an app's `app.webhooks.routes`."""
    # Imported here, not at the top: this module is also the generator's, which runs
    # without the runtime (and its native extension) that lowering routes needs.
    from data_bridge._schema import lower_routes

    service = lower_routes(list(routes), title=title, version=version,
                           description=description or "", webhooks=webhooks or ()).service
    return to_openapi(service, openapi_version=openapi_version, summary=summary,
                      terms_of_service=terms_of_service, contact=contact,
                      license_info=license_info, servers=servers, tags=tags,
                      external_docs=external_docs,
                      separate_input_output_schemas=separate_input_output_schemas)
