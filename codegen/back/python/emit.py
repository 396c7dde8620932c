"""codegen/ir -> a typed Python module: models (dataclasses, enums, unions), a handler base
class with one method per operation, and `routes(handlers)` to mount on an App.

    source = to_python(service, spec_name="petstore.yaml")

The output is deterministic and clean under `mypy --strict`. It embeds the IR, so the App
serves the operations exactly as the spec declares them:

    class Handlers(petstore_api.PetstoreHandlers):
        async def getPet(self, *, petId: uuid.UUID) -> petstore_api.Pet: ...
    app.include(petstore_api.routes(Handlers()))
"""

from __future__ import annotations

import base64
import json
import keyword
import re
import textwrap

import data_bridge.ir_pb2 as ir

_SCALARS = {
    ir.BOOL: "bool", ir.INT32: "int", ir.INT64: "int", ir.UINT32: "int", ir.UINT64: "int",
    ir.FLOAT: "float", ir.DOUBLE: "float", ir.STRING: "str", ir.BYTES: "str",
    ir.BINARY: "str", ir.DATE: "str", ir.DATE_TIME: "str", ir.UUID: "uuid.UUID",
    ir.EMAIL: "str", ir.URI: "str", ir.DURATION: "str",
}


def _ident(name: str) -> str:
    s = re.sub(r"\W+", "_", name)
    if not s or s[0].isdigit() or keyword.iskeyword(s):
        s = "f_" + s
    return s


def _class_name(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^0-9A-Za-z]+", name) if w) or "Service"


def annotation(t: ir.Type) -> str:
    kind = t.WhichOneof("kind")
    if kind == "scalar":
        a = _SCALARS[t.scalar]
    elif kind == "array":
        a = f"list[{annotation(t.array)}]"
    elif kind == "map":
        a = f"dict[str, {annotation(t.map)}]"
    elif kind == "model":
        a = _class_name(t.model)
    else:
        a = "Any"
    if t.nullable and a != "Any":
        a = f"Optional[{a}]"
    return a


def _default(t: ir.Type) -> str | None:
    """A Python literal for the type's default, or None when it has none."""
    if not t.default_json:
        return None
    value = json.loads(t.default_json)
    if t.WhichOneof("kind") == "model":
        return None  # enum/model defaults are left to the runtime's JSON value
    return repr(value)


def _enum(m: ir.Model) -> str:
    values = [json.loads(v.json) for v in m.enum.values]
    base = "str, enum.Enum" if all(isinstance(v, str) for v in values) else "enum.IntEnum"
    lines = [f"class {_class_name(m.name)}({base}):"]
    if m.description:
        lines.append(f"    {_docstring(m.description)}")
    used: set[str] = set()
    for v, value in zip(m.enum.values, values):
        name = _ident(v.name.upper()) or "VALUE"
        while name in used:
            name += "_"
        used.add(name)
        lines.append(f"    {name} = {value!r}")
    return "\n".join(lines)


def _object(m: ir.Model) -> str:
    lines = ["@dataclasses.dataclass(kw_only=True)", f"class {_class_name(m.name)}:"]
    if m.description:
        lines.append(f"    {_docstring(m.description)}")
    fields = list(m.object.fields)
    if not fields:
        lines.append("    pass")
    for f in fields:
        a = annotation(f.type)
        name = _ident(f.name)
        if f.required:
            lines.append(f"    {name}: {a}")
        elif (d := _default(f.type)) is not None:
            if d.startswith(("[", "{")):
                lines.append(f"    {name}: {a} = dataclasses.field(default_factory=lambda: {d})")
            else:
                lines.append(f"    {name}: {a} = {d}")
        else:
            opt = a if a.startswith("Optional[") or a == "Any" else f"Optional[{a}]"
            lines.append(f"    {name}: {opt} = None")
    # Optional fields the schema does not let be null: None means absent, and the encoder
    # leaves them out of the JSON it writes.
    absent = sorted(_ident(f.name) for f in fields
                    if not f.required and not f.type.nullable and _default(f.type) is None
                    and f.type.WhichOneof("kind") != "any")
    if absent:
        names = ", ".join(repr(n) for n in absent)  # sorted: the module is deterministic
        lines.append("    __data_bridge_absent_none__: ClassVar[frozenset[str]] = frozenset({"
                     + names + "})")
    return "\n".join(lines)


def _docstring(text: str) -> str:
    text = text.strip().replace('"""', '\\"\\"\\"')
    return f'"""{text}"""'


def _operation(op: ir.Operation) -> str:
    params = ["self"]
    required, optional = [], []
    for p in op.parameters:
        a = annotation(p.type)
        if p.required:
            required.append(f"{_ident(p.name)}: {a}")
        else:
            d = _default(p.type)
            opt = a if a.startswith("Optional[") or a == "Any" or d is not None else f"Optional[{a}]"
            optional.append(f"{_ident(p.name)}: {opt} = {d if d is not None else 'None'}")
    if op.HasField("body"):
        a = annotation(op.body.type)
        name = _ident(op.body.name or "body")
        if op.body.required:
            required.append(f"{name}: {a}")
        else:
            opt = a if a.startswith("Optional[") or a == "Any" else f"Optional[{a}]"
            optional.append(f"{name}: {opt} = None")
    if required or optional:
        params.append("*")
    params += required + optional
    ok = [r for r in op.responses if 200 <= r.status < 300 and r.HasField("type")]
    ret = annotation(ok[0].type) if ok else "Any"
    doc = op.summary or op.description or f"{op.method} {op.path}"
    return textwrap.indent(
        f"async def {_ident(op.id)}({', '.join(params)}) -> {ret}:\n"
        f"    {_docstring(doc)}\n"
        f"    raise NotImplementedError({_ident(op.id)!r})",
        "    ",
    )


def to_python(service: ir.Service, spec_name: str = "") -> str:
    cls = _class_name(service.name) + "Handlers"
    parts = [
        f'"""Generated by data-bridge from {spec_name or service.name}: do not edit.\n\n'
        f"Implement {cls} and mount it: app.include(routes(MyHandlers())).\n"
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import base64",
        "import dataclasses",
        "import enum",
        "import uuid",
        "from typing import Any, ClassVar, Optional, Union",
        "",
        "from data_bridge.generated import GeneratedRoutes, load_native",
        "",
        "__all__ = [" + ", ".join(
            repr(n) for n in sorted([_class_name(m.name) for m in service.models]
                                    + [cls, "routes"])) + "]",
    ]
    # Unions refer to other models by name; aliases go last so every name exists.
    models = sorted(service.models, key=lambda m: m.WhichOneof("kind") == "union")
    classes = []
    for m in models:
        which = m.WhichOneof("kind")
        if which == "enum":
            parts += ["", "", _enum(m)]
            classes.append(_class_name(m.name))
        elif which == "object":
            parts += ["", "", _object(m)]
            classes.append(_class_name(m.name))
        else:
            variants = ", ".join(annotation(v) for v in m.union.variants)
            parts += ["", "", f"{_class_name(m.name)} = Union[{variants}]"]
    parts += ["", "", f"class {cls}:",
              f'    """The operations of {service.title or service.name}: override each one."""']
    for op in service.operations:
        parts += ["", _operation(op)]
    ir_text = base64.b64encode(service.SerializeToString(deterministic=True)).decode()
    wrapped = "\n".join(f'    "{ir_text[i:i + 88]}"' for i in range(0, len(ir_text), 88))
    model_map = ", ".join(f"{name!r}: {name}" for name in classes)
    parts += [
        "", "",
        f"_IR = base64.b64decode(\n{wrapped}\n)" if ir_text else '_IR = b""',
        f"_MODELS: dict[str, Any] = {{{model_map}}}",
        "# The compiled validators (codegen/back/cpp), built beside this module.",
        "_NATIVE = load_native(__name__, _MODELS)",
        "", "",
        f"def routes(handlers: {cls}) -> GeneratedRoutes:",
        '    """The operations, served by `handlers`, ready for App.include."""',
        "    return GeneratedRoutes(_IR, handlers, _MODELS, _NATIVE)",
        "",
    ]
    return "\n".join(parts)


def _pb2_type(full_name: str, package: str) -> str:
    """library.v1.Book.Author in package library.v1 -> pb2.Book.Author (Any elsewhere)."""
    if package and full_name.startswith(package + "."):
        return "pb2." + full_name[len(package) + 1:]
    return "Any"


def to_python_proto(service: ir.Service, spec_name: str = "") -> str:
    """The module for a .proto service: handlers take and return the protoc `_pb2`
    messages (as grpcio servicers do), with a grpcio-like context."""
    source = service.source.file or spec_name
    pb2_module = source[: -len(".proto")].replace("/", ".") + "_pb2"
    cls = _class_name(service.title or service.name) + "Handlers"
    parts = [
        f'"""Generated by data-bridge from {source}: do not edit.\n\n'
        f"Implement {cls} and mount it: app.include(routes(MyHandlers())).\n"
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import base64",
        "from typing import Any, AsyncIterator",
        "",
        "from data_bridge.generated import ProtoRoutes, load_native",
        "from data_bridge.rpc_context import ServicerContext",
        "",
        "# The compiled validators and the messages' C++ classes (codegen/back/cpp), built",
        "# beside this module; messages reach HTTP handlers through the proto3 JSON mapping.",
        "# Loaded before the _pb2 module: protobuf's C++-backed Python classes then run the",
        "# generated C++ code (their descriptor pool reads the C++ one first) instead of",
        "# reflection.",
        "_NATIVE = load_native(__name__, {})",
        "",
        f"import {pb2_module} as pb2  # noqa: E402  (after the C++ classes: see above)",
        "",
        f"__all__ = [{cls!r}, 'routes']",
        "",
        "",
        f"class {cls}:",
        f'    """The RPCs of {service.title or service.name} with HTTP bindings: override each."""',
    ]
    bindings: dict[str, list[str]] = {}
    for op in service.operations:
        bindings.setdefault(op.handler or op.id, []).append(f"{op.method} {op.path}")
    for rpc in service.rpcs:
        req = _pb2_type(rpc.request, service.name)
        resp = _pb2_type(rpc.response, service.name)
        arg = f"requests: AsyncIterator[{req}]" if rpc.client_streaming else f"request: {req}"
        served = ", ".join([f"gRPC {rpc.path}"] + bindings.get(rpc.name, []))
        if rpc.server_streaming:  # an async generator in the subclass
            head = f"def {_ident(rpc.name)}(self, {arg}, context: ServicerContext) -> AsyncIterator[{resp}]:"
        else:
            head = f"async def {_ident(rpc.name)}(self, {arg}, context: ServicerContext) -> {resp}:"
        parts += ["", textwrap.indent(
            f"{head}\n    {_docstring(served)}\n"
            f"    raise NotImplementedError({rpc.name!r})", "    ")]
    ir_text = base64.b64encode(service.SerializeToString(deterministic=True)).decode()
    wrapped = "\n".join(f'    "{ir_text[i:i + 88]}"' for i in range(0, len(ir_text), 88))
    parts += [
        "", "",
        f"_IR = base64.b64decode(\n{wrapped}\n)",
        "", "",
        f"def routes(handlers: {cls}) -> ProtoRoutes:",
        '    """The HTTP bindings, served by `handlers`, ready for App.include."""',
        "    return ProtoRoutes(_IR, handlers, pb2, _NATIVE)",
        "",
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python_back")
    parser.add_argument("ir", help="serialized ir.Service")
    parser.add_argument("--out", required=True)
    parser.add_argument("--spec-name", default="")
    args = parser.parse_args(argv)
    from codegen.ir.files import read_ir

    service = read_ir(args.ir)
    proto = bool(service.rpcs) or any(op.rpc_request for op in service.operations)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(to_python_proto(service, args.spec_name) if proto
                else to_python(service, args.spec_name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
