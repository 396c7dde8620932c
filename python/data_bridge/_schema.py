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

import collections
import collections.abc
import dataclasses
import datetime
import decimal
import enum
import http.client
import inspect
import json
import re
import types
import typing
import uuid
from typing import Any, Callable, Sequence

import data_bridge.ir_pb2 as ir

from . import _param_models, _pydantic
from . import dependencies as D
from . import params as P
from ._pydantic import Unlowerable
from ._type_specs import reaches_python
from .datastructures import UploadFile
from .encoders import jsonable_encoder
from .responses import JSONResponse, Response
from .security import SecurityBase
from .utils import is_body_allowed_for_status_code

_NoneType = type(None)
_PATH_PARAM = re.compile(r"{([^}:]+)(?::([^}]*))?}")
_LOCATIONS = {"path": ir.Parameter.PATH, "query": ir.Parameter.QUERY,
              "header": ir.Parameter.HEADER, "cookie": ir.Parameter.COOKIE}


class Models:
    """Named IR models for the Python classes met while lowering."""

    def __init__(self, service: ir.Service) -> None:
        self.service = service
        self.classes: dict[str, Any] = {}
        self._names: dict[Any, str] = {}
        self.types: dict[Any, ir.Type] = {}  # type_of's results by hint (start-up speed)
        # Whether any model met is validated in Python (may stay set after a rollback:
        # then only a walk that finds nothing is made).
        self.any_python = False

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


def _pydantic_constraints(tp: Any, lenient: bool = False) -> dict[str, Any]:
    """The constraints pydantic's and annotated_types' metadata inside Annotated[...] set
    (Field(gt=0), annotated_types.Gt(0), constr(...)); Unlowerable for metadata that does
    more than the native validators (validators, strict, ...)."""
    out: dict[str, Any] = {}
    if typing.get_origin(tp) is typing.Annotated:
        for meta in typing.get_args(tp)[1:]:
            if meta is not None and not isinstance(meta, P.Param):
                try:
                    found = _pydantic.metadata_constraints(meta)
                except Unlowerable:
                    if not lenient:
                        raise
                    continue
                if found:
                    out.update(found)
    return out


def _without_markers(tp: Any) -> Any:
    """The hint without our parameter markers (Query(), Body(), ...) in Annotated[...],
    as pydantic is to read it."""
    if typing.get_origin(tp) is not typing.Annotated:
        return tp
    args = typing.get_args(tp)
    rest = [m for m in args[1:] if not isinstance(m, P.Param)]
    return typing.Annotated[(args[0], *rest)] if rest else args[0]


def _split_optional(tp: Any) -> tuple[Any, bool]:
    """T and True for Optional[T]; a union of several types (None removed) stays one."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not _NoneType]
        nullable = len(args) != len(typing.get_args(tp))
        if len(args) == 1:
            return args[0], nullable
        if nullable:
            return typing.Union[tuple(args)], True
    return tp, False


def _is_typeddict(tp: Any) -> bool:
    """typing's TypedDicts and typing_extensions' (which typing.is_typeddict does not know
    before Python 3.12, and pydantic asks for there)."""
    return typing.is_typeddict(tp) or (isinstance(tp, type) and issubclass(tp, dict)
                                       and hasattr(tp, "__required_keys__"))


def _is_model_class(tp: Any) -> bool:
    return ((dataclasses.is_dataclass(tp) and isinstance(tp, type)) or _is_typeddict(tp)
            or _pydantic.is_model(tp))


_SEQUENCES = (list, tuple, set, frozenset, collections.deque)
# The Python container an array is built as.
_SEQUENCE_KINDS: dict[Any, int] = {set: ir.SET, frozenset: ir.FROZENSET, tuple: ir.TUPLE}


_SCALAR_HINTS = frozenset({int, str, float, bool, uuid.UUID, bytes, datetime.datetime,
                           datetime.date, datetime.time, datetime.timedelta, decimal.Decimal})
# Parsed natively as pydantic parses them (framework/validate/temporal.h).
_TEMPORAL = {datetime.datetime: ir.DATE_TIME, datetime.date: ir.DATE, datetime.time: ir.TIME,
             datetime.timedelta: ir.DURATION}


def _is_upload(tp: Any) -> bool:
    """An UploadFile (or a list of them), also inside Optional[...] or Annotated[...]."""
    tp = _split_annotated(tp)[0]
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType, list, collections.abc.Sequence):
        return any(_is_upload(a) for a in args if a is not _NoneType)
    return isinstance(tp, type) and issubclass(tp, UploadFile)


def is_complex(tp: Any) -> bool:
    """Whether a parameter of this type is the request body unless marked otherwise, as in
    FastAPI: a model (dataclass, TypedDict), a mapping or a sequence (not str or bytes),
    also inside Optional[...] or Annotated[...]."""
    try:
        if tp in _SCALAR_HINTS:
            return False
    except TypeError:  # an unhashable hint (Annotated with unhashable metadata)
        pass
    tp = _split_annotated(tp)[0]
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return any(is_complex(a) for a in typing.get_args(tp))
    kind = origin if origin is not None else tp
    if not isinstance(kind, type):
        return False
    return (_is_model_class(tp) or issubclass(kind, (dict, collections.abc.Mapping))
            or issubclass(kind, _SEQUENCES)
            or (issubclass(kind, collections.abc.Sequence)
                and not issubclass(kind, (str, bytes))))


def _constrain(t: ir.Type, constraints: dict[str, Any]) -> None:
    if not constraints:
        return
    kind = t.WhichOneof("kind")
    numeric = kind == "scalar" and t.scalar in (ir.INT64, ir.DOUBLE)
    sized = (kind == "scalar" and t.scalar == ir.STRING) or kind == "array"
    c = t.constraints
    for key, value in constraints.items():
        if key == "discriminator":
            continue
        if key == "multiple_of":
            if not numeric:
                raise TypeError("'multiple_of' applies to numbers")
            c.multiple_of = float(value)
            continue
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


def type_of(tp: Any, models: Models, marker: P.Param | None = None,
            lenient: bool = False) -> ir.Type:
    """The IR type of a hint (a new message: the caller may change it). Raises
    Unlowerable for what the native validators do not have; `lenient`: instead, the type
    as the document describes it (pydantic validates such values when served)."""
    if marker is not None or lenient:
        return _type_of(tp, models, marker, lenient)
    try:
        known = models.types.get(tp)
    except TypeError:  # an unhashable hint (Annotated with unhashable metadata)
        return _type_of(tp, models, None)
    if known is None:
        known = models.types[tp] = _type_of(tp, models, None)
    t = ir.Type()
    t.CopyFrom(known)
    return t


# Types the native validators do not have, as the document describes them (lenient).
_DOCUMENTED = {
    "datetime.datetime": ir.DATE_TIME, "datetime.date": ir.DATE, "datetime.time": ir.TIME,
    "datetime.timedelta": ir.DURATION, "pydantic.networks.EmailStr": ir.EMAIL,
    "pydantic.networks.HttpUrl": ir.URI, "pydantic.networks.AnyUrl": ir.URI,
    "builtins.bytes": ir.BINARY,
}


def _documented(tp: Any, t: ir.Type) -> None:
    """t as the document describes a type the native validators do not have (pydantic's
    schema for it)."""
    if tp is decimal.Decimal:  # a number, or its exact text
        t.union.types.add(scalar=ir.DOUBLE)
        t.union.types.add(scalar=ir.STRING)
        return
    scalar = _DOCUMENTED.get(f"{getattr(tp, '__module__', '')}.{getattr(tp, '__qualname__', '')}")
    if scalar is None:
        t.any = True
        return
    t.scalar = scalar
    # The lengths pydantic's schema gives the type (a URL's 1 to 2083 characters).
    lengths = _pydantic.schema_lengths(tp)
    for key, value in lengths.items():
        setattr(t.constraints, key, value)


def _literal(values: tuple[Any, ...], t: ir.Type) -> None:
    """Literal[...]: the allowed values; any other value, of any type, is a literal_error."""
    plain = [v.value if isinstance(v, enum.Enum) else v for v in values if v is not None]
    if not all(isinstance(v, (str, int, bool)) for v in plain):
        raise Unlowerable(f"Literal values {values!r}")
    if plain and all(isinstance(v, str) for v in plain):
        t.scalar = ir.STRING
    elif plain and all(isinstance(v, bool) for v in plain):
        t.scalar = ir.BOOL
    elif plain and all(isinstance(v, int) and not isinstance(v, bool) for v in plain):
        t.scalar = ir.INT64
    else:
        t.any = True
    t.constraints.literal = True
    if len(plain) == 1:
        t.constraints.const_json = json.dumps(plain[0])
    else:
        t.constraints.enum_json.extend(json.dumps(v) for v in plain)
    t.nullable = len(plain) != len(values)


def _union(args: tuple[Any, ...], models: Models, discriminator: str | None,
           lenient: bool, t: ir.Type) -> None:
    """Union[A, B, ...] in place: natively only with a discriminator (a tagged union of
    models); pydantic's smart mode for the others is left to it."""
    if not discriminator and not lenient:
        raise Unlowerable("a union without a discriminator")
    for arg in args:
        t.union.types.append(type_of(arg, models, lenient=lenient))
    if not discriminator:
        return
    t.union.discriminator = discriminator
    for arg, variant in zip(args, t.union.types):
        if variant.WhichOneof("kind") != "model":
            raise TypeError(f"a discriminated union's variants are models: {arg!r}")
        model = next(m for m in models.service.models if m.name == variant.model)
        tag = next((f for f in model.object.fields if f.json_name == discriminator
                    or f.name == discriminator), None)
        if tag is None or not (tag.type.constraints.enum_json or tag.type.constraints.const_json):
            raise TypeError(f"{variant.model}: the discriminator {discriminator!r} is no "
                            "Literal field")
        values = list(tag.type.constraints.enum_json) or [tag.type.constraints.const_json]
        for value in values:
            t.union.mapping[str(json.loads(value))] = variant.model


def _type_of(tp: Any, models: Models, marker: P.Param | None,
             lenient: bool = False) -> ir.Type:
    constraints = _pydantic_constraints(tp, lenient)
    tp, inner = _split_annotated(tp)
    marker = marker or inner
    tp, nullable = _split_optional(tp)
    constraints.update(_pydantic_constraints(tp, lenient))
    tp, inner = _split_annotated(tp)
    marker = marker or inner
    if marker is not None:
        constraints.update(marker.constraints())
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
    elif isinstance(tp, type) and tp in _TEMPORAL:
        t.scalar, t.parsed = _TEMPORAL[tp], True
        if constraints.keys() - {"discriminator"} and not lenient:
            raise Unlowerable(f"bounds on {tp.__name__}")
    elif tp is decimal.Decimal:  # documented as pydantic does, read natively
        _documented(tp, t)
        t.parsed = True
        if constraints.keys() - {"discriminator"} and not lenient:
            raise Unlowerable("constraints on Decimal")
    elif isinstance(tp, type) and issubclass(tp, UploadFile):
        t.scalar = ir.UPLOAD
    elif tp is bytes and marker is not None and marker.source == "form":
        t.scalar = ir.UPLOAD_BYTES  # File(): a part's content
    elif tp is Any or tp is object or tp is inspect.Parameter.empty:
        t.any = True
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        t.model = _enum_model(tp, models)
    elif origin is typing.Literal:
        _literal(typing.get_args(tp), t)
        nullable = nullable or t.nullable
    elif origin is typing.Union or origin is types.UnionType:
        _union(typing.get_args(tp), models, constraints.get("discriminator"), lenient, t)
    elif tp in (list, tuple, set, frozenset) or origin in (list, tuple, set, frozenset) or (
        origin is not None and getattr(origin, "__name__", "") in ("Sequence", "List")
    ):
        args = typing.get_args(tp)
        if origin is tuple and len(args) > 1 and args[1] is not Ellipsis and not lenient:
            raise Unlowerable(f"a fixed-length tuple {tp!r}")
        if args and args[0] is bytes and marker is not None and marker.source == "form":
            t.array.scalar = ir.UPLOAD_BYTES  # list[bytes] = File(): the parts' contents
        else:
            t.array.CopyFrom(type_of(args[0], models, lenient=lenient)
                             if args and args[0] is not Ellipsis else ir.Type(any=True))
        t.sequence = _SEQUENCE_KINDS.get(origin or tp, ir.LIST)
    elif tp is dict or origin is dict or (
        origin is not None and getattr(origin, "__name__", "") == "Mapping"
    ):
        args = typing.get_args(tp)
        if args and args[0] is not str and not lenient:
            raise Unlowerable(f"JSON object keys are strings: {tp!r}")
        t.map.CopyFrom(type_of(args[1], models, lenient=lenient) if len(args) == 2
                       else ir.Type(any=True))
    elif _pydantic.is_model(tp):
        t.model = _pydantic_model(tp, models)
    elif _is_model_class(tp):
        t.model = _object_model(tp, models)
    elif lenient:
        _documented(tp, t)
    else:
        raise Unlowerable(f"unsupported parameter type {tp!r}")
    t.nullable = nullable
    if lenient:
        try:
            _constrain(t, constraints)
        except TypeError:
            pass
    else:
        _constrain(t, constraints)
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
    entries: list[tuple[str, bool, Any]]  # name, required, default (or _EMPTY)
    if dataclasses.is_dataclass(cls):
        entries = [(f.name, f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING,
                    _EMPTY if f.default is dataclasses.MISSING else f.default)
                   for f in dataclasses.fields(cls) if f.init]
        models.classes[name] = cls
    else:
        required_keys = getattr(cls, "__required_keys__", frozenset(hints))
        entries = [(n, n in required_keys, _EMPTY) for n in hints]
    for field_name, required, default in entries:
        hint = hints[field_name]
        _, marker = _split_annotated(hint)
        f = model.object.fields.add(
            name=field_name,
            json_name=marker.alias if marker is not None and marker.alias else field_name,
            required=required,
        )
        f.type.CopyFrom(type_of(hint, models))
        if default is not _EMPTY and (dj := _default_json(default)):
            f.type.default_json = dj
        # pydantic's rule: no title on a (nullable) reference to a model.
        _document(f.type, marker, title_of(f.json_name), ref_titled=False)
    return name


def _pydantic_model(cls: Any, models: Models) -> str:
    """A pydantic model: its fields natively when the validators can do all it asks,
    else marked python_validated (its fields still lowered, leniently, for the document)."""
    name, new = models.name_for(cls)
    if not new:
        return name
    model = models.service.models.add(name=name, description=_doc(cls))
    models.classes[name] = cls
    config = cls.model_config
    model.object.allow_additional = config.get("extra") != "forbid"
    model.object.pydantic_model = True
    model.object.by_name = bool(config.get("validate_by_name") or config.get("populate_by_name"))
    extra = config.get("json_schema_extra")
    if isinstance(extra, dict):  # merged over the model's schema, as pydantic does
        model.extra_json = json.dumps(extra)
    reason = _pydantic.python_reason(cls)
    for field in _pydantic.fields(cls):
        reason = reason or field.reason
        try:
            t = type_of(field.hint, models)
        except Unlowerable as exc:
            reason = reason or str(exc)
            t = type_of(field.hint, models, lenient=True)
        info = field.info
        f = model.object.fields.add(name=field.name, json_name=field.key,
                                    required=field.required)
        f.type.CopyFrom(t)
        if not field.required and field.factory is None and (
                dj := _default_json(field.default)):
            f.type.default_json = dj
        if info.title:
            f.type.title = info.title
        elif t.WhichOneof("kind") != "model":  # pydantic: none on a (nullable) reference
            f.type.title = title_of(field.key)
        if info.description:
            f.type.description = info.description
        if info.examples is not None:
            f.type.examples_json = _as_json(info.examples)
        if info.deprecated:
            f.type.deprecated = True
        if isinstance(info.json_schema_extra, dict):
            f.type.extra_json = _as_json(info.json_schema_extra)
    model.python_validated = bool(reason)
    models.any_python = models.any_python or model.python_validated
    return name


def _reaches(t: ir.Type, scalars: tuple[int, ...]) -> bool:
    """Whether t is one of these scalars, or a list or union of them."""
    kind = t.WhichOneof("kind")
    if kind == "scalar":
        return t.scalar in scalars
    if kind == "array":
        return _reaches(t.array, scalars)
    if kind == "union":
        return any(_reaches(v, scalars) for v in t.union.types)
    return False


def title_of(name: str) -> str:
    """The title pydantic and FastAPI give a field or parameter named `name`."""
    return name.title().replace("_", " ")


def _as_json(value: Any) -> str:
    return json.dumps(jsonable_encoder(value))


def _document(t: ir.Type, marker: P.Param | None, title: str, ref_titled: bool) -> None:
    """Puts the marker's documentation on t: the title (`title` unless the marker gives
    one; none on a reference to a model unless `ref_titled`, FastAPI's rule for a
    parameter's schema, whose top level is a bare $ref only when not nullable),
    description, examples, deprecated and json_schema_extra."""
    is_ref = t.WhichOneof("kind") == "model"
    if not is_ref or (ref_titled and t.nullable):
        t.title = (marker.title if marker is not None and marker.title else None) or title
    if marker is None:
        return
    if marker.description:
        t.description = marker.description
    if marker.examples is not None:
        t.examples_json = _as_json(marker.examples)
    if marker.deprecated:
        t.deprecated = True
    if marker.json_schema_extra:
        t.extra_json = _as_json(marker.json_schema_extra)


def path_param_types(path: str) -> list[tuple[str, str]]:
    """(name, convertor) of each path parameter; "str" when none is given."""
    return [(name, kind or "str") for name, kind in _PATH_PARAM.findall(path)]


def path_params(path: str) -> list[str]:
    return [name for name, _ in path_param_types(path)]


# _default_json's results for the defaults routes repeat (None, 0, False, ""), by type and
# value (so that 1 and True stay apart): start-up speed with thousands of routes.
_DEFAULTS_JSON: dict[tuple[type, Any], str] = {}


def _default_json(value: Any) -> str:
    key = (type(value), value) if isinstance(value, (str, int, float, type(None))) else None
    if key is not None and key in _DEFAULTS_JSON:
        return _DEFAULTS_JSON[key]
    try:
        text = json.dumps(value.value if isinstance(value, enum.Enum) else value)
    except (TypeError, ValueError):
        text = _pydantic.default_json(value)
    if key is not None:
        _DEFAULTS_JSON[key] = text
    return text


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


class _Infer:
    """response_model= left unset: the return annotation's, as FastAPI infers it."""

    def __repr__(self) -> str:
        return "INFER"


INFER: Any = _Infer()


_STREAMS = (collections.abc.AsyncIterable, collections.abc.AsyncIterator,
            collections.abc.AsyncGenerator, collections.abc.Iterable, collections.abc.Iterator,
            collections.abc.Generator)


def json_stream_of(route: Any, hints: dict[str, Any]) -> tuple[bool, Any]:
    """Whether the route streams JSON lines (FastAPI's: a generator endpoint with the JSON
    response class), and the item type its return annotation names (AsyncIterable[Item],
    Iterator[int], ...; None: items unchecked)."""
    endpoint = getattr(route, "endpoint", None)
    cls = getattr(route, "response_class", None)
    if not (inspect.isasyncgenfunction(endpoint) or inspect.isgeneratorfunction(endpoint)):
        return False, None
    if cls is None or not issubclass(cls, JSONResponse):
        return False, None
    ret = _split_annotated(hints.get("return"))[0]
    if typing.get_origin(ret) in _STREAMS:
        args = typing.get_args(ret)
        return True, args[0] if args else Any
    return True, None


def response_model_of(route: Any, hints: dict[str, Any]) -> Any:
    """The route's response model (None: none): response_model= as given, else for a
    JSON response class (FastAPI's default) the return annotation unless it is a Response
    or None. The App's own rule (no response class) infers none."""
    given = getattr(route, "response_model", INFER)
    if given is not INFER:
        return given
    cls = getattr(route, "response_class", None)
    if cls is None or not issubclass(cls, JSONResponse) or json_stream_of(route, hints)[0]:
        return None
    ret = hints.get("return")
    base = _split_annotated(ret)[0] if ret is not None else None
    if base is None or base is _NoneType or (isinstance(base, type)
                                             and issubclass(base, Response)):
        return None
    return ret


REQUEST_ARG = "__data_bridge_request"  # the Request a route gets for its dependencies or handlers
FORM_ARG = "__data_bridge_form"  # the form body whose fields Form() parameters are
BODY_ARG = "__data_bridge_body"  # the JSON body whose keys embedded Body() parameters are


@dataclasses.dataclass
class _Node:
    """One callable's parameters, for the order FastAPI documents them in: its own (IR
    parameter indices, form field keys), then its dependencies'."""

    params: list[int] = dataclasses.field(default_factory=list)
    forms: list[str] = dataclasses.field(default_factory=list)
    children: list[_Node] = dataclasses.field(default_factory=list)
    solved: int = -1  # when FastAPI validates its parameters: dependencies before dependants


def _qualname(call: Any) -> str:
    return str(getattr(call, "__qualname__", None) or repr(call))


class _Lowering:
    """One route's signature and its dependencies' lowered into an operation: the native
    parameters (shared where two callables read the same one), and the steps to call."""

    def __init__(self, op: ir.Operation, path: str, models: Models,
                 overrides: dict[Any, Any]) -> None:
        self.op = op
        self.path = path
        self.in_path = set(path_params(path))
        self.models = models
        self.overrides = overrides
        self.args: list[dict[str, Any]] = []
        # (location, wire, type) -> arg name and the IR parameter's index
        self.shared: dict[tuple[Any, ...], tuple[str, int]] = {}
        # The callables' parameters as FastAPI documents them: a callable's own, then its
        # dependencies', depth first.
        self.root = _Node()
        self.node = self.root
        # Form() fields by key: their type and whether required, and the arg reading each.
        self.forms: dict[str, tuple[ir.Type, bool, str]] = {}
        # Form models (Annotated[Model, Form()]): each as the form body's schema documents
        # it, and whether it is required.
        self.form_models: list[tuple[ir.Type, bool, bool]] = []  # type, required, one model
        # Body() parameters by key: their arg, type, marker, required and embed.
        self.bodies: dict[str, dict[str, Any]] = {}
        self.steps: list[D.Step] = []
        self.keys: dict[tuple[Any, ...], int] = {}  # cache key -> step
        self.request: str | None = None  # the endpoint's own Request parameter
        self.wants_request = False
        self.special = False  # BackgroundTasks, Response or SecurityScopes somewhere
        self.schemes: dict[str, str] = {}  # security scheme name -> its OpenAPI object
        self.solved = 0  # callables whose parameters are lowered, in FastAPI's solving order
        self.nodes: dict[str, _Node] = {}  # native argument -> the callable that declared it

    def secure(self, scheme: SecurityBase, scopes: list[str]) -> None:
        """The operation asks for `scheme` with `scopes` (merged into an earlier
        requirement of the same scheme, as FastAPI does)."""
        name = scheme.scheme_name
        self.schemes[name] = _as_json(scheme.model)
        found = next((r for r in self.op.security if r.scheme == name), None)
        if found is None:
            found = self.op.security.add(scheme=name)
        found.scopes.extend(s for s in scopes if s not in found.scopes)

    def step(self, dep: P.Depends, call: Callable[..., Any], scopes: list[str]) -> int:
        own = list(scopes)
        for scope in getattr(dep, "scopes", None) or []:
            if scope not in own:
                own.append(scope)
        planned = self.overrides.get(call, call)
        kind = D.call_kind(planned)
        scope = dep.scope or "request"
        if isinstance(call, SecurityBase):
            self.secure(call, own)
        key = (call, tuple(sorted(set(own))), scope)
        if dep.use_cache and key in self.keys:
            return self.keys[key]
        parent, self.node = self.node, _Node()
        parent.children.append(self.node)
        args = self.signature(planned, D.call_hints(planned),
                              f"{len(self.steps) + 1}:{_qualname(planned)}.", own)
        self.node.solved = self.solved
        self.solved += 1
        self.node = parent
        self.steps.append(D.Step(planned, call, kind, args, scope, own))
        index = len(self.steps) - 1
        if dep.use_cache:
            self.keys[key] = index
        return index

    def signature(self, fn: Callable[..., Any], hints: dict[str, Any], prefix: str,
                  scopes: list[str]) -> list[tuple[str, D.Source]]:
        out: list[tuple[str, D.Source]] = []
        for name, default in _parameters(fn):
            hint = hints.get(name, Any)
            dep = D.depends_of(hint, default)
            base = _split_annotated(hint)[0]
            if dep is not None:
                target = dep.dependency if dep.dependency is not None else base
                if target is Any or target is None:
                    raise TypeError(f"{_qualname(fn)}: Depends() on '{name}' needs a "
                                    "dependency or an annotation to call")
                out.append((name, ("dep", self.step(dep, target, scopes))))
            else:
                out.append((name, self.param(fn, name, default, hint, prefix)))
        return out

    @staticmethod
    def examples(target: Any, marker: P.Param) -> None:
        """FastAPI's openapi_examples (else the older example) of a parameter or body."""
        if marker.openapi_examples:
            target.examples_json = _as_json(marker.openapi_examples)
        elif marker.example is not P._UNSET:
            target.example_json = _as_json(marker.example)

    def param(self, fn: Callable[..., Any], name: str, default: Any, hint: Any,
              prefix: str) -> D.Source:
        base, marker = _split_annotated(hint)
        if isinstance(default, P.Param):
            marker = default
            default = default.default
        elif marker is not None and not marker.required and default is _EMPTY:
            default = marker.default
        has_default = default is not _EMPTY and default is not P._UNSET
        special = D.special_source(base)
        if special == ("request",):
            self.wants_request = True
            if not prefix and self.request is None:
                self.request = name
                self.args.append({"name": name, "kind": "request"})
            return special
        if special is not None:
            self.special = True
            return special
        if name in self.in_path:
            source = "path"
        elif marker is not None and marker.source in ("query", "header", "cookie", "path", "body",
                                                      "form"):
            source = marker.source
        elif _is_upload(hint):
            source = "form"  # FastAPI's File() for an UploadFile without a marker
        elif is_complex(hint):
            source = "body"
        else:
            source = "query"
        if source == "path" and name not in self.in_path:
            raise TypeError(f"{_qualname(fn)}: '{name}' is not in the path {self.path!r}")
        if source in ("query", "header", "cookie") and (
                model := _param_models.model_of(hint)) is not None:
            return self.param_model(hint, model, source, marker, default, has_default)
        if source == "form" and (
                (model := _param_models.model_of(hint)) is not None
                or (union := _param_models.form_union_models(hint))):
            return self.form_model(name, hint, [model] if model is not None else union,
                                   marker, default, has_default)
        t, check = self.typed(hint, marker, source)
        # A path parameter is always there: FastAPI documents no default for it.
        if has_default and source != "path" and (dj := _default_json(default)):
            t.default_json = dj
        alias = marker.alias if marker is not None and marker.alias else None
        if alias is None and source == "header" and getattr(marker, "convert_underscores",
                                                            True):
            alias = name.replace("_", "-")
        if source == "body":
            return self.body_param(fn, {"name": prefix + name, "kind": "body_field",
                                        "key": alias or name,
                                        "hint": (_without_markers(hint),
                                                 marker.constraints() if marker else {}),
                                        **({"default": default} if has_default else {})},
                                   t, marker, check)
        # A form field is a field of the body's model: pydantic's rule for its title.
        _document(t, marker, title_of(alias or name), ref_titled=source != "form")
        if source == "form":
            return self.form_field({"name": prefix + name, "kind": "form_field",
                                    "key": alias or name,
                                    **({"default": default} if has_default else {})}, t)
        op = self.op
        arg: dict[str, Any] = {"name": prefix + name}
        if has_default:
            arg["default"] = default
        if check is not None:  # (hint, constraints): pydantic validates the value
            arg["check"] = (*check, (source, alias or name))
        wire = (alias or name).lower() if source == "header" else alias or name
        key = (source, wire, t.SerializeToString(deterministic=True), has_default,
               repr(default) if has_default else "")
        if key in self.shared:  # another callable reads the same parameter: one value
            shared, index = self.shared[key]
            self.node.params.append(index)
            return ("param", shared)
        p = op.parameters.add(name=name, wire_name=wire, location=_LOCATIONS[source],
                              required=source == "path" or not has_default,
                              description=(marker.description or "") if marker else "",
                              documented_name=alias or name)
        p.type.CopyFrom(t)
        if marker is not None:
            p.deprecated = bool(marker.deprecated)
            p.hidden = not marker.include_in_schema
            self.examples(p, marker)
        arg["kind"] = "param"
        arg["index"] = len(op.parameters) - 1
        self.args.append(arg)
        self.nodes[arg["name"]] = self.node
        self.shared[key] = (arg["name"], arg["index"])
        self.node.params.append(arg["index"])
        return ("param", arg["name"])

    def param_model(self, hint: Any, model: Any, source: str, marker: P.Param | None,
                    default: Any, has_default: bool) -> D.Source:
        """A query, header or cookie parameter model: its fields documented as parameters
        (as FastAPI documents them), the value read by a step (_param_models.reader)."""
        if not _pydantic.available():
            raise TypeError("a parameter model needs pydantic v2")
        convert = getattr(marker, "convert_underscores", True)
        for name, wire, field in _param_models.documented_fields(model, source, convert):
            annotated = typing.Annotated[(field.annotation, *field.metadata)] \
                if field.metadata else field.annotation
            t = type_of(annotated, self.models, None, lenient=True)
            # A model with a default (an optional one) needs none of its fields.
            required = field.is_required() and not has_default
            if not required and field.default_factory is None and (
                    dj := _default_json(field.default)):
                t.default_json = dj
            _document(t, None, field.title or title_of(field.alias or name), ref_titled=True)
            if field.description:
                t.description = field.description
            p = self.op.parameters.add(
                name=name, wire_name=wire.lower() if source == "header" else wire,
                location=_LOCATIONS[source], required=required,
                description=field.description or "", documented_name=wire)
            p.type.CopyFrom(t)
            p.deprecated = bool(field.deprecated)
            self.node.params.append(len(self.op.parameters) - 1)
        read = _param_models.reader(_without_markers(hint), model, source, convert, default,
                                    has_default)
        return ("dep", self.step(P.Depends(read, use_cache=False), read, []))

    def form_model(self, name: str, hint: Any, models: list[Any], marker: P.Param | None,
                   default: Any, has_default: bool) -> D.Source:
        """A form model (`Annotated[Model, Form()]`): read from the whole form by a step
        (_param_models.form_reader), beside other form models and Form() fields as FastAPI
        reads them; documented as the form body itself when it is alone, else among its
        body model's allOf (form_models_body)."""
        if not _pydantic.available():
            raise TypeError("a form model needs pydantic v2")
        if self.bodies:
            raise TypeError("a form model beside Body() parameters is not supported")
        discriminator = getattr(marker, "discriminator", None) if marker is not None else None
        if len(models) == 1:
            t = type_of(models[0], self.models, marker, lenient=True)
        else:  # a union: oneOf the models (by the discriminator when given), titled
            t = type_of(typing.Union[tuple(models)], self.models, marker, lenient=True)
            t.title = title_of(name)
        if has_default:  # FastAPI's optional form model: none of its fields, or the model
            names = sorted({alias for m in models
                            for alias, _ in _param_models.form_aliases(m)})
            absent = ir.Type(any=True, extra_json=json.dumps(
                {"not": {"anyOf": [{"required": [n]} for n in names]}}))
            one = ir.Type(title=title_of(name))
            t.ClearField("title")
            one.union.types.add().CopyFrom(t)
            doc = ir.Type()
            doc.union.types.add().CopyFrom(absent)
            doc.union.types.add().CopyFrom(one)
            t = doc
        self.form_models.append((t, not has_default, len(models) == 1))
        read = _param_models.form_reader(_without_markers(hint), models, discriminator,
                                         default, has_default)
        return ("dep", self.step(P.Depends(read, use_cache=False), read, []))

    def form_models_body(self, name: str) -> None:
        """The form body's documentation when it has form models: the one model alone is
        the body; with others or with Form() fields, the body's model (form_body's, made
        here when there are no fields) lists them in allOf."""
        if not self.form_models:
            return
        body = self.op.body
        if len(self.form_models) == 1 and not self.forms and self.form_models[0][2]:
            t, required, _ = self.form_models[0]
            body.type.CopyFrom(t)
            body.media_types.append(ir.Body.MULTIPART if _reaches(t, (ir.UPLOAD, ir.UPLOAD_BYTES))
                                    else ir.Body.FORM)
            body.required = required
            body.name = FORM_ARG
            return
        if not self.forms:
            if name not in self.models.classes:
                self.models.service.models.add(name=name).object.allow_additional = True
                self.models.classes[name] = None
            body.type.model = name
            body.media_types.append(ir.Body.FORM)
            body.name = FORM_ARG
        model = next(m for m in self.models.service.models if m.name == name)
        if not model.object.all_of:  # analysed before (another plan of the route): as then
            model.object.all_of.extend(t for t, _, _ in self.form_models)
        if any(_reaches(t, (ir.UPLOAD, ir.UPLOAD_BYTES)) for t, _, _ in self.form_models):
            del body.media_types[:]
            body.media_types.append(ir.Body.MULTIPART)
        body.required = body.required or any(required for _, required, _ in self.form_models)

    def body_param(self, fn: Callable[..., Any], arg: dict[str, Any], t: ir.Type,
                   marker: P.Param | None, check: Any) -> D.Source:
        """A Body() parameter (its arg: name, key, default if any): the body, or one key of
        it when the operation has several or it is embedded (body(), once all are met)."""
        key = arg["key"]
        if key in self.bodies:  # another callable reads the same key: one value
            return ("param", self.bodies[key]["arg"]["name"])
        if check is not None:
            arg["check"] = check
        self.args.append(arg)
        self.bodies[key] = {"arg": arg, "type": t, "marker": marker,
                            "required": "default" not in arg,
                            "embed": bool(getattr(marker, "embed", False))}
        return ("param", arg["name"])

    def body(self, name: str) -> None:
        """The operation's body from its Body() parameters: the one parameter itself, else
        (several, or embedded) a flat model `name` (FastAPI's Body_<unique id>) whose keys
        they are, each missing one reported at ["body", key] as FastAPI does."""
        if not self.bodies:
            return
        if self.forms:
            raise TypeError("Form() parameters and a JSON body in one operation are not "
                            "supported")
        body = self.op.body
        body.media_types.append(ir.Body.JSON)
        entries = list(self.bodies.values())
        if len(entries) == 1 and not entries[0]["embed"]:
            entry = entries[0]
            arg, marker = entry["arg"], entry["marker"]
            _document(entry["type"], marker, title_of(arg["key"]), ref_titled=True)
            body.type.CopyFrom(entry["type"])
            body.required = entry["required"]
            body.name = arg["name"]
            if marker is not None:
                self.examples(body, marker)
            arg["kind"] = "body"
            if "check" in arg:
                arg["check"] = (*arg["check"], ("body",))
            return
        if name not in self.models.classes:  # analysed before (another plan of the route)
            model = self.models.service.models.add(name=name)
            model.object.allow_additional = True
            # A key pydantic checks: pydantic checks them all (_pydantic.EmbeddedChecker).
            model.python_validated = any("check" in e["arg"] for e in entries)
            for entry in entries:
                key = entry["arg"]["key"]
                _document(entry["type"], entry["marker"], title_of(key), ref_titled=False)
                model.object.fields.add(name=key, json_name=key, required=entry["required"],
                                        type=entry["type"])
            self.models.classes[name] = None  # a dict of the keys present
        body.type.model = name
        body.required = any(entry["required"] for entry in entries)
        body.name = BODY_ARG
        self.args.append({"name": BODY_ARG, "kind": "body", "embedded": True})

    def typed(self, hint: Any, marker: P.Param | None,
              source: str) -> tuple[ir.Type, tuple[Any, dict[str, Any]] | None]:
        """A parameter's IR type, and when pydantic validates it (a type or model the
        native validators do not have) the hint and the marker's constraints to check it
        with."""
        base = _without_markers(hint)
        constraints = marker.constraints() if marker is not None else {}
        try:
            t = type_of(hint, self.models, marker)
        except Unlowerable:
            if not _pydantic.available() or source == "form":
                raise
            return type_of(hint, self.models, marker, lenient=True), (base, constraints)
        # Only once some model is validated in Python can a type reach one (start-up:
        # thousands of parameters need no walk over the models).
        if self.models.any_python and reaches_python(
                t, {m.name: m for m in self.models.service.models}):
            if source == "form":
                raise TypeError("a Form() field validated by pydantic is not supported")
            return t, (base, constraints)
        return t, None

    def form_field(self, arg: dict[str, Any], t: ir.Type) -> D.Source:
        """A Form() parameter (its arg: name, key, default if any): a field of the
        operation's form body (one per key, shared by every callable that reads it)."""
        key = arg["key"]
        self.node.forms.append(key)
        if key not in self.forms:
            self.forms[key] = (t, "default" not in arg, arg["name"])
            self.args.append(arg)
        return ("param", self.forms[key][2])

    def in_solving_order(self) -> None:
        """Orders the native arguments as FastAPI validates them, so their errors come in
        its order: each callable's after its dependencies', and a callable's path, query,
        header and cookie parameters in turn (the body's come after them all)."""
        rank = {ir.Parameter.PATH: 0, ir.Parameter.QUERY: 1, ir.Parameter.HEADER: 2,
                ir.Parameter.COOKIE: 3}

        def key(item: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
            i, arg = item
            if arg["kind"] != "param":
                return (self.root.solved + 1, 0, i)
            node = self.nodes.get(arg["name"], self.root)
            return (node.solved, rank.get(self.op.parameters[arg["index"]].location, 4), i)

        self.args = [arg for _, arg in sorted(enumerate(self.args), key=key)]

    def document_order(self) -> list[str]:
        """Numbers the parameters in the order FastAPI lists them: the endpoint's own
        first, then each dependency's, depth first (the native order, in which their
        errors come, puts dependencies first); returns the form fields' keys so ordered."""
        positions: dict[int, int] = {}
        forms: dict[str, None] = {}
        stack = [self.root]
        while stack:
            node = stack.pop()
            for index in node.params:
                positions.setdefault(index, len(positions))
            forms.update(dict.fromkeys(node.forms))
            stack.extend(reversed(node.children))
        for index, position in positions.items():
            self.op.parameters[index].documented_position = position
        return list(forms)

    def form_body(self, name: str, order: list[str]) -> None:
        """The Form() fields as the operation's body: a flat model `name` (FastAPI's
        Body_<unique id>) read from an application/x-www-form-urlencoded body."""
        if self.op.HasField("body"):
            raise TypeError("Form() parameters and a JSON body in one operation are not "
                            "supported")
        if name not in self.models.classes:  # analysed before (another plan of the route)
            model = self.models.service.models.add(name=name)
            model.object.allow_additional = True
            for key in order:
                t, required, _ = self.forms[key]
                model.object.fields.add(name=key, json_name=key, required=required,
                                        type=t)
            self.models.classes[name] = None  # a dict of the fields
        body = self.op.body
        files = any(_reaches(self.forms[key][0], (ir.UPLOAD, ir.UPLOAD_BYTES)) for key in order)
        body.media_types.append(ir.Body.MULTIPART if files else ir.Body.FORM)
        body.type.model = name
        body.required = any(required for _, required, _ in self.forms.values())
        body.name = FORM_ARG
        self.args.append({"name": FORM_ARG, "kind": "form"})


def lower_operation(op: ir.Operation, path: str, endpoint: Callable[..., Any],
                    models: Models, hints: dict[str, Any],
                    dependencies: Sequence[P.Depends] = (),
                    overrides: dict[Any, Any] | None = None, form_model: str = "",
                    ) -> tuple[list[dict[str, Any]], D.Graph | None, dict[str, str]]:
    """Fills op's parameters and body from the signature (and its resolved type hints) and
    its dependencies' (`dependencies`: the route's own, solved first, results unused);
    returns the native arguments, the dependency plan when the route needs more than its
    own parameters, and the security schemes op.security names. Form() parameters become
    the fields of a form body, the model `form_model`."""
    lowering = _Lowering(op, path, models, overrides or {})
    for dep in dependencies:
        if dep.dependency is None:
            raise TypeError(f"{_qualname(endpoint)}: dependencies= entries need a callable")
        lowering.step(dep, dep.dependency, [])
    own = lowering.signature(endpoint, hints, "", [])
    lowering.root.solved = lowering.solved
    lowering.in_solving_order()
    forms = lowering.document_order()
    if forms:
        lowering.form_body(form_model or f"Body_{_qualname(endpoint)}", forms)
    lowering.form_models_body(form_model or f"Body_{_qualname(endpoint)}")
    lowering.body(form_model or f"Body_{_qualname(endpoint)}")
    if not lowering.steps and not lowering.special:
        return lowering.args, None, lowering.schemes
    request = lowering.request
    if lowering.wants_request and request is None:
        request = REQUEST_ARG
        lowering.args.append({"name": REQUEST_ARG, "kind": "request"})
    return lowering.args, D.Graph(lowering.steps, own, request), lowering.schemes


def _response(op: ir.Operation, route: Any, hints: dict[str, Any], models: Models) -> None:
    """The success response as FastAPI documents it: the response class's media type, and
    for a JSON class the return annotation's schema (titled after the route's unique id),
    or any JSON without one; a string for other classes; no content for a class without a
    media type or a status without a body."""
    r = op.responses.add(status=route.status_code,
                         description=getattr(route, "response_description",
                                             "Successful Response"))
    cls = getattr(route, "response_class", None)
    media = JSONResponse.media_type if cls is None else cls.media_type
    if not media or not is_body_allowed_for_status_code(route.status_code):
        return
    r.media_type = media
    if cls is not None and not issubclass(cls, JSONResponse):
        r.type.scalar = ir.STRING
        return
    streams, item = json_stream_of(route, hints)
    if streams:  # JSON lines: each item's schema
        r.media_type, r.item_schema = "application/jsonl", True
        if item is None or item is Any:
            r.type.any = True
        else:
            r.type.CopyFrom(type_of(item, models, lenient=True))
            _document(r.type, None, title_of("StreamItem_" + getattr(route, "unique_id", "")),
                      ref_titled=True)
        return
    given = getattr(route, "response_model", INFER)
    ret = hints.get("return") if given is INFER else given
    if ret is None or ret is _NoneType or (isinstance(ret, type) and issubclass(ret, Response)):
        r.type.any = True
        return
    mark = models.mark()
    try:
        r.type.CopyFrom(type_of(ret, models, lenient=_pydantic.available()))
    except TypeError:  # responses may be anything a handler returns
        models.rollback(mark)
        r.type.CopyFrom(ir.Type(any=True))
        return
    _document(r.type, None, title_of("Response_" + getattr(route, "unique_id", "")),
              ref_titled=True)


_RANGES = {"1XX": "Information", "2XX": "Success", "3XX": "Redirection",
           "4XX": "Client Error", "5XX": "Server Error", "DEFAULT": "Default Response"}


def _more_responses(op: ir.Operation, responses: dict[Any, Any], models: Models) -> None:
    """FastAPI's responses=: each status's description (else the status's phrase), the
    model its body has (in the success response's media type) and the rest of what is
    given (content, headers, links: merged over it), after the success response (merged
    into it for its status)."""
    media = op.responses[0].media_type if op.responses else ""
    for key, spec in responses.items():
        text = str(key).upper()
        if text == "DEFAULT":
            status = 0
        elif text in _RANGES:
            status = -int(text[0])
        else:
            status = int(key)
        phrase = _RANGES.get(text) or http.client.responses.get(status) or "Additional Response"
        found = next((r for r in op.responses if r.status == status), None)
        r = found if found is not None else op.responses.add(status=status)
        r.description = spec.get("description") or (r.description if found else "") or phrase
        if spec.get("model") is not None:
            r.type.CopyFrom(type_of(spec["model"], models))
            r.media_type = media
        rest = {k: v for k, v in spec.items() if k not in ("model", "description")}
        if rest:
            r.extra_json = _as_json(rest)


@dataclasses.dataclass
class RouteAnalysis:
    """A route's signature analysed once, when it is declared (as FastAPI's
    APIRoute.dependant): per method its operation (parameters, body, responses, security,
    the operationId) and the call plan's args. Its types name models
    of the Models it was analysed with."""

    operations: list[tuple[ir.Operation, list[dict[str, Any]]]]
    graph: D.Graph | None = None  # its dependencies' plan (None: the handler alone)
    response_model: Any = None  # what its returned values are validated against
    # A generator endpoint streaming JSON lines (FastAPI's), and the type each item is
    # validated against (None: none).
    json_stream: bool = False
    stream_item: Any = None
    overrides: dict[Any, Any] = dataclasses.field(default_factory=dict)  # planned with
    # The security schemes its operations name: name -> OpenAPI object (JSON text).
    schemes: dict[str, str] = dataclasses.field(default_factory=dict)
    models: Models | None = None  # what it was analysed with

    def calls(self) -> set[Any]:
        """The dependencies (as declared) the plan calls."""
        return {s.original for s in self.graph.steps} if self.graph else set()


def analyse_route(route: Any, models: Models,
                  overrides: dict[Any, Any] | None = None) -> RouteAnalysis:
    """Raises TypeError for a signature the runtime cannot serve, leaving `models` as it
    was. `overrides`: dependency -> its replacement, planned in its place."""
    mark = models.mark()
    try:
        endpoint = route.endpoint
        hints = typing.get_type_hints(endpoint, include_extras=True)
        description = getattr(route, "description", None)
        # FastAPI's default summary: the route's name, words capitalised.
        name = str(getattr(route, "name", None) or getattr(endpoint, "__name__", ""))
        first = ir.Operation(
            path=route.path, summary=route.summary or name.replace("_", " ").title(),
            # An Enum tag is its value (FastAPI's `tags=[Tags.items]`).
            tags=[t.value if isinstance(t, enum.Enum) else t for t in route.tags],
            # A docstring ends, for the document, at a form feed (FastAPI's cut).
            description=(description if description is not None
                         else inspect.cleandoc(endpoint.__doc__ or "").split("\f")[0].strip()),
            deprecated=getattr(route, "deprecated", False),
            hidden=not getattr(route, "include_in_schema", True))
        args, graph, schemes = lower_operation(
            first, route.path, endpoint, models, hints,
            getattr(route, "dependencies", None) or (), overrides,
            form_model="Body_" + (getattr(route, "unique_id", "") or name))
        _response(first, route, hints, models)
        _more_responses(first, getattr(route, "responses", None) or {}, models)
        extra = getattr(route, "openapi_extra", None)
        if extra:
            first.extra_json = _as_json(extra)
        for callback in getattr(route, "callbacks", None) or ():
            documented = first.callbacks.add(name=callback.name,
                                             path=getattr(callback, "path_format", callback.path))
            documented.operations.extend(
                op for op, _ in analyse_route(callback, models).operations)
        first.id = getattr(route, "operation_id", None) or getattr(route, "unique_id", "")
    except BaseException:
        models.rollback(mark)
        raise
    ops = [first] + [ir.Operation() for _ in route.methods[1:]]
    for op, method in zip(ops, route.methods):
        if op is not first:
            op.CopyFrom(first)
        op.method = method
    streams, item = json_stream_of(route, hints)
    return RouteAnalysis([(op, args) for op in ops], graph, response_model_of(route, hints),
                         streams, item, dict(overrides or {}), schemes, models)


def lower_routes(routes: Sequence[Any], models: Models | None = None, title: str = "",
                 version: str = "", description: str = "",
                 overrides: dict[Any, Any] | None = None,
                 webhooks: Sequence[Any] = ()) -> Lowered:
    """The routes put together as one service, from their analyses (made now for a route
    that has none, or whose dependencies `overrides` replaces) and the models they name
    (`models`: those they were analysed with, a router's). `webhooks`: routes documented
    as the service's webhooks (FastAPI's app.webhooks), analysed with the same models."""
    if models is None:
        found = next((r.analysis.models for r in routes
                      if getattr(r, "analysis", None) is not None), None)
        models = found if found is not None else Models(ir.Service())
    service = ir.Service(name=re.sub(r"\W+", "_", title).strip("_").lower() or "app",
                         title=title, version=version, description=description)
    plans: list[dict[str, Any]] = []
    schemes: dict[str, str] = {}
    for route in routes:
        analysis = getattr(route, "analysis", None)
        if analysis is None or (overrides and analysis.calls() & set(overrides)):
            analysis = analyse_route(route, models, overrides)
        if getattr(route, "include_in_schema", True):
            schemes.update(analysis.schemes)
        for template, args in analysis.operations:
            op = service.operations.add()
            op.CopyFrom(template)
            plans.append({"operation": len(service.operations) - 1, "handler": route.endpoint,
                          "status_code": route.status_code, "args": args,
                          "response_class": getattr(route, "response_class", None),
                          "graph": analysis.graph,
                          "response_model": analysis.response_model,
                          "json_stream": analysis.json_stream,
                          "stream_item": analysis.stream_item,
                          "route": route,
                          "run_sync_inline": getattr(route, "run_sync_inline", None),
                          "route_handler": (route.custom_route_handler()
                                            if hasattr(route, "custom_route_handler")
                                            else None)})
    for route in webhooks:
        analysis = analyse_route(route, models)
        if getattr(route, "include_in_schema", True):
            schemes.update(analysis.schemes)
        service.webhooks.extend(op for op, _ in analysis.operations)
    service.security_schemes.extend(ir.SecurityScheme(name=k, json=v)
                                    for k, v in schemes.items())
    # Models in name order: the IR is deterministic whatever order routes met them.
    service.models.extend(sorted(models.service.models, key=lambda m: str(m.name)))
    return Lowered(service, plans, dict(models.classes))
