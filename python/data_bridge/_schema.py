"""Lowers decorator routes (handler signatures and type hints) into codegen's IR, the one
model OpenAPI documents and .proto services lower into too.

    lowered = lower_routes(routes, title="Users", version="1.0.0")
    lowered.service          # ir.Service: models, operations, parameters, bodies
    lowered.plans            # per operation: how to call the handler (which IR parameter,
                             # the body or the Request goes to which Python argument)
    lowered.classes          # model name -> Python class (dataclass, Enum; None: dict)

Types: bool, int, float, str, uuid.UUID, Enum subclasses, list[T] (also tuple/set),
dict[str, T], Any, Optional[T], and dataclasses / TypedDicts (nested) for JSON bodies.
Constraints come from Query/Path/Header/Body/Field markers inside Annotated[...] or as
defaults, with FastAPI's meaning (gt/ge/lt/le, min_length/max_length, pattern).
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import re
import types
import typing
import uuid
from typing import Any, Callable, Sequence

import data_bridge.ir_pb2 as ir

from . import params as P
from .background import BackgroundTasks
from .requests import Request

_NoneType = type(None)
_PATH_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")
_LOCATIONS = {"path": ir.Parameter.PATH, "query": ir.Parameter.QUERY,
              "header": ir.Parameter.HEADER, "cookie": ir.Parameter.COOKIE}


class Models:
    """Named IR models for the Python classes met while lowering."""

    def __init__(self, service: ir.Service) -> None:
        self.service = service
        self.classes: dict[str, Any] = {}
        self._names: dict[Any, str] = {}
        self.types: dict[Any, ir.Type] = {}  # type_of's results by hint (start-up speed)

    def name_for(self, cls: Any) -> tuple[str, bool]:
        """The model name for cls, and whether it is new (to be defined)."""
        if cls in self._names:
            return self._names[cls], False
        name, n = cls.__name__, 2
        while name in self.classes:
            name, n = f"{cls.__name__}{n}", n + 1
        self._names[cls] = name
        self.classes[name] = None
        return name, True

    def mark(self) -> tuple[int, int, int]:
        """Where things stand: models only ever get added (dicts keep insertion order), so
        their counts are enough to go back to."""
        return len(self.service.models), len(self.classes), len(self._names)

    def rollback(self, mark: tuple[int, int, int]) -> None:
        """Forgets the models met since `mark` (a signature that failed half-way)."""
        count, classes, names = mark
        for name in list(self.classes)[classes:]:
            del self.classes[name]
        for cls in list(self._names)[names:]:
            del self._names[cls]
        del self.service.models[count:]
        self.types.clear()


@dataclasses.dataclass
class Lowered:
    service: ir.Service
    plans: list[dict[str, Any]]
    classes: dict[str, Any]


def _split_annotated(tp: Any) -> tuple[Any, P.Param | None]:
    marker = None
    if typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp = args[0]
        for meta in args[1:]:
            if isinstance(meta, P.Param):
                marker = meta
    return tp, marker


def _split_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not _NoneType]
        nullable = len(args) != len(typing.get_args(tp))
        if len(args) == 1:
            return args[0], nullable
        raise TypeError(f"unions other than Optional[T] are not supported: {tp!r}")
    return tp, False


def _is_model_class(tp: Any) -> bool:
    return (dataclasses.is_dataclass(tp) and isinstance(tp, type)) or typing.is_typeddict(tp)


def is_model(tp: Any) -> bool:
    tp, _ = _split_optional(_split_annotated(tp)[0])
    return _is_model_class(_split_annotated(tp)[0])


def _constrain(t: ir.Type, marker: P.Param | None) -> None:
    if marker is None:
        return
    kind = t.WhichOneof("kind")
    numeric = kind == "scalar" and t.scalar in (ir.INT64, ir.DOUBLE)
    sized = (kind == "scalar" and t.scalar == ir.STRING) or kind == "array"
    c = t.constraints
    for key, value in marker.constraints().items():
        if key in ("gt", "ge", "lt", "le"):
            if not numeric:
                raise TypeError(f"'{key}' applies to numbers")
            bound = "minimum" if key[0] == "g" else "maximum"
            setattr(c, bound, float(value))
            setattr(c, "exclusive_" + bound, key in ("gt", "lt"))
        elif key in ("min_length", "max_length"):
            if not sized:
                raise TypeError(f"'{key}' applies to strings and lists")
            setattr(c, key, int(value))
        elif key == "pattern":
            if not (kind == "scalar" and t.scalar == ir.STRING):
                raise TypeError("'pattern' applies to strings")
            c.pattern = value


def type_of(tp: Any, models: Models, marker: P.Param | None = None) -> ir.Type:
    """The IR type of a hint (a new message: the caller may change it)."""
    if marker is not None:
        return _type_of(tp, models, marker)
    try:
        known = models.types.get(tp)
    except TypeError:  # an unhashable hint (Annotated with unhashable metadata)
        return _type_of(tp, models, None)
    if known is None:
        known = models.types[tp] = _type_of(tp, models, None)
    t = ir.Type()
    t.CopyFrom(known)
    return t


def _type_of(tp: Any, models: Models, marker: P.Param | None) -> ir.Type:
    tp, inner = _split_annotated(tp)
    marker = marker or inner
    tp, nullable = _split_optional(tp)
    tp, inner = _split_annotated(tp)
    marker = marker or inner
    origin = typing.get_origin(tp)
    t = ir.Type()
    if tp is bool:
        t.scalar = ir.BOOL
    elif tp is int:
        t.scalar = ir.INT64
    elif tp is float:
        t.scalar = ir.DOUBLE
    elif tp is str:
        t.scalar = ir.STRING
    elif tp is uuid.UUID:
        t.scalar = ir.UUID
    elif tp is Any or tp is object or tp is inspect.Parameter.empty:
        t.any = True
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        t.model = _enum_model(tp, models)
    elif tp in (list, tuple, set, frozenset) or origin in (list, tuple, set, frozenset) or (
        origin is not None and getattr(origin, "__name__", "") in ("Sequence", "List")
    ):
        args = typing.get_args(tp)
        t.array.CopyFrom(type_of(args[0], models) if args and args[0] is not Ellipsis
                         else ir.Type(any=True))
    elif tp is dict or origin is dict or (
        origin is not None and getattr(origin, "__name__", "") == "Mapping"
    ):
        args = typing.get_args(tp)
        if args and args[0] is not str:
            raise TypeError(f"JSON object keys are strings: {tp!r}")
        t.map.CopyFrom(type_of(args[1], models) if len(args) == 2 else ir.Type(any=True))
    elif _is_model_class(tp):
        t.model = _object_model(tp, models)
    else:
        raise TypeError(f"unsupported parameter type {tp!r}")
    t.nullable = nullable
    _constrain(t, marker)
    return t


def _doc(cls: Any) -> str:
    """The class's own docstring: not an inherited one, not dataclass's generated one."""
    doc = cls.__dict__.get("__doc__") or ""
    if dataclasses.is_dataclass(cls) and doc.startswith(cls.__name__ + "("):
        return ""
    return inspect.cleandoc(doc)


def _enum_model(cls: type[enum.Enum], models: Models) -> str:
    name, new = models.name_for(cls)
    if new:
        values = [m.value for m in cls]
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            raise TypeError(f"enum {cls.__name__}: values must be str or int")
        model = models.service.models.add(name=name, description=_doc(cls))
        for member in cls:
            model.enum.values.add(name=member.name, json=json.dumps(member.value))
        models.classes[name] = cls
    return name


def _object_model(cls: Any, models: Models) -> str:
    name, new = models.name_for(cls)
    if not new:
        return name
    model = models.service.models.add(name=name, description=_doc(cls))
    model.object.allow_additional = True
    hints = typing.get_type_hints(cls, include_extras=True)
    if dataclasses.is_dataclass(cls):
        entries = [(f.name, f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING)
                   for f in dataclasses.fields(cls) if f.init]
        models.classes[name] = cls
    else:
        required_keys = getattr(cls, "__required_keys__", frozenset(hints))
        entries = [(n, n in required_keys) for n in hints]
    for field_name, required in entries:
        hint = hints[field_name]
        _, marker = _split_annotated(hint)
        f = model.object.fields.add(
            name=field_name,
            json_name=marker.alias if marker is not None and marker.alias else field_name,
            required=required,
        )
        f.type.CopyFrom(type_of(hint, models))
    return name


def path_params(path: str) -> list[str]:
    return _PATH_PARAM.findall(path)


def _default_json(value: Any) -> str:
    try:
        return json.dumps(value.value if isinstance(value, enum.Enum) else value)
    except (TypeError, ValueError):
        return ""


_EMPTY = inspect.Parameter.empty


def _parameters(fn: Callable[..., Any]) -> list[tuple[str, Any]]:
    """(name, default or _EMPTY) of each parameter, as inspect.signature gives them; read
    from a plain function's code object directly (a fraction of signature()'s cost, which
    counts with thousands of routes). Raises TypeError for *args and **kwargs."""
    code = getattr(fn, "__code__", None)
    if (type(fn) is not types.FunctionType or code is None or hasattr(fn, "__wrapped__")
            or hasattr(fn, "__signature__")):  # decorated, partial, bound, callable objects
        out = []
        for name, p in inspect.signature(fn).parameters.items():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{fn.__qualname__}: *args/**kwargs are not parameters")
            out.append((name, p.default))
        return out
    if code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        raise TypeError(f"{fn.__qualname__}: *args/**kwargs are not parameters")
    positional, names = code.co_argcount, code.co_varnames
    defaults = fn.__defaults__ or ()
    kwdefaults = fn.__kwdefaults__ or {}
    first_default = positional - len(defaults)
    out = [(names[i], defaults[i - first_default] if i >= first_default else _EMPTY)
           for i in range(positional)]
    out.extend((name, kwdefaults.get(name, _EMPTY))
               for name in names[positional:positional + code.co_kwonlyargcount])
    return out


def lower_operation(op: ir.Operation, path: str, endpoint: Callable[..., Any],
                    models: Models, hints: dict[str, Any]) -> list[dict[str, Any]]:
    """Fills op's parameters and body from the signature (and its resolved type hints);
    returns the call plan's args."""
    in_path = set(path_params(path))
    args: list[dict[str, Any]] = []
    for name, default in _parameters(endpoint):
        hint = hints.get(name, Any)
        base, marker = _split_annotated(hint)
        if isinstance(default, P.Param):
            marker = default
            default = default.default
        elif marker is not None and not marker.required and default is _EMPTY:
            default = marker.default
        has_default = default is not _EMPTY and default is not P._UNSET
        if base is Request or (isinstance(base, type) and issubclass(base, Request)):
            args.append({"name": name, "kind": "request"})
            continue
        if isinstance(base, type) and issubclass(base, BackgroundTasks):
            args.append({"name": name, "kind": "background"})  # made per call in Python
            continue
        if name in in_path:
            source = "path"
        elif marker is not None and marker.source in ("query", "header", "cookie", "path", "body"):
            source = marker.source
        elif is_model(hint):
            source = "body"
        else:
            source = "query"
        if source == "path" and name not in in_path:
            raise TypeError(f"{endpoint.__qualname__}: '{name}' is not in the path {path!r}")
        t = type_of(hint, models, marker)
        if has_default and (dj := _default_json(default)):
            t.default_json = dj
        arg: dict[str, Any] = {"name": name}
        if has_default:
            arg["default"] = default
        if source == "body":
            if op.HasField("body"):
                raise TypeError(f"{endpoint.__qualname__}: only one body parameter is supported")
            op.body.media_types.append(ir.Body.JSON)
            op.body.type.CopyFrom(t)
            op.body.required = not has_default
            op.body.name = name
            arg["kind"] = "body"
        else:
            wire = name
            if marker is not None and marker.alias:
                wire = marker.alias
            elif source == "header" and getattr(marker, "convert_underscores", True):
                wire = name.replace("_", "-")
            if source == "header":
                wire = wire.lower()
            p = op.parameters.add(name=name, wire_name=wire, location=_LOCATIONS[source],
                                  required=source == "path" or not has_default,
                                  description=(marker.description or "") if marker else "")
            p.type.CopyFrom(t)
            arg["kind"] = "param"
            arg["index"] = len(op.parameters) - 1
        args.append(arg)
    missing = in_path - {a["name"] for a in args}
    if missing:
        raise TypeError(
            f"{endpoint.__qualname__}: path parameter(s) {sorted(missing)} have no argument")
    return args


def _response(op: ir.Operation, hints: dict[str, Any], status_code: int,
              models: Models, description: str = "Successful Response") -> None:
    r = op.responses.add(status=status_code, description=description)
    ret = hints.get("return")
    if ret is None or ret is _NoneType:
        return
    mark = models.mark()
    try:
        r.type.CopyFrom(type_of(ret, models))
    except TypeError:  # responses may be anything a handler returns
        models.rollback(mark)
        r.type.CopyFrom(ir.Type(any=True))


@dataclasses.dataclass
class RouteAnalysis:
    """A route's signature analysed once, when it is declared (as FastAPI's
    APIRoute.dependant): per method its operation (parameters, body, response; the id is
    chosen when routes are put together) and the call plan's args. Its types name models
    of the Models it was analysed with."""

    operations: list[tuple[ir.Operation, list[dict[str, Any]]]]


def analyse_route(route: Any, models: Models) -> RouteAnalysis:
    """Raises TypeError for a signature the runtime cannot serve, leaving `models` as it
    was."""
    mark = models.mark()
    try:
        endpoint = route.endpoint
        hints = typing.get_type_hints(endpoint, include_extras=True)
        description = getattr(route, "description", None)
        # FastAPI's default summary: the route's name, words capitalised.
        name = str(getattr(route, "name", None) or getattr(endpoint, "__name__", ""))
        first = ir.Operation(
            path=route.path, summary=route.summary or name.replace("_", " ").title(),
            tags=route.tags,
            description=(description if description is not None
                         else inspect.cleandoc(endpoint.__doc__ or "")),
            deprecated=getattr(route, "deprecated", False),
            hidden=not getattr(route, "include_in_schema", True))
        args = lower_operation(first, route.path, endpoint, models, hints)
        _response(first, hints, route.status_code, models,
                  getattr(route, "response_description", "Successful Response"))
    except BaseException:
        models.rollback(mark)
        raise
    ops = [first] + [ir.Operation() for _ in route.methods[1:]]
    for op, method in zip(ops, route.methods):
        if op is not first:
            op.CopyFrom(first)
        op.method = method
    return RouteAnalysis([(op, args) for op in ops])


def lower_routes(routes: Sequence[Any], models: Models, title: str = "", version: str = "",
                 description: str = "") -> Lowered:
    """The routes put together as one service, from their analyses (made now for a route
    that has none) and the models they name."""
    service = ir.Service(name=re.sub(r"\W+", "_", title).strip("_").lower() or "app",
                         title=title, version=version, description=description)
    plans: list[dict[str, Any]] = []
    ids: set[str] = set()
    for route in routes:
        analysis = getattr(route, "analysis", None) or analyse_route(route, models)
        for template, args in analysis.operations:
            op = service.operations.add()
            op.CopyFrom(template)
            base = route.name or getattr(route.endpoint, "__name__", "operation")
            op_id, n = (base if len(route.methods) == 1 else f"{base}_{op.method.lower()}"), 2
            given = getattr(route, "operation_id", None)
            if given:
                op_id = given  # as given, as FastAPI takes it (duplicates are the app's)
            while op_id in ids and not given:
                op_id, n = f"{base}_{n}", n + 1
            ids.add(op_id)
            op.id = op_id
            plans.append({"operation": len(service.operations) - 1, "handler": route.endpoint,
                          "status_code": route.status_code, "args": args,
                          "response_class": getattr(route, "response_class", None),
                          "run_sync_inline": getattr(route, "run_sync_inline", None)})
    # Models in name order: the IR is deterministic whatever order routes met them.
    service.models.extend(sorted(models.service.models, key=lambda m: str(m.name)))
    return Lowered(service, plans, dict(models.classes))
