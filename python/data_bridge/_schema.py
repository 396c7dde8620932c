"""Lowers handler signatures and type hints into the runtime's route descriptions.

Each route becomes a plain dict the native side reads once at start-up
(framework/python/spec_reader.cc):

    {"method": "GET", "path": "/users/{user_id}", "handler": fn, "status_code": 200,
     "params": [{"name": "user_id", "source": "path", "key": "user_id", "required": True,
                 "type": {"kind": "int"}}]}

Types: int, float, str, bool, uuid.UUID, list[T], dict[str, T], Any, Optional[T], and
dataclasses / TypedDicts (nested) for JSON bodies; constraints come from Query/Path/Header/
Body/Field markers inside Annotated[...] or as defaults.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import types
import typing
import uuid
from typing import Any, Callable

from . import params as P
from .requests import Request

_NoneType = type(None)
_PATH_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")


class Models:
    """The classes object specs refer to by index (dataclasses; None for TypedDict)."""

    def __init__(self) -> None:
        self.classes: list[Any] = []
        self._index: dict[Any, int] = {}

    def index(self, cls: Any, construct: bool) -> int:
        if cls not in self._index:
            self._index[cls] = len(self.classes)
            self.classes.append(cls if construct else None)
        return self._index[cls]


def _bound(value: float) -> tuple[float, str]:
    return (float(value), str(value))


def _apply_constraints(spec: dict[str, Any], marker: P.Param | None) -> dict[str, Any]:
    if marker is None:
        return spec
    for key, value in marker.constraints().items():
        if key in ("gt", "ge", "lt", "le"):
            if spec["kind"] not in ("int", "float"):
                raise TypeError(f"'{key}' applies to numbers, not {spec['kind']}")
            spec[key] = _bound(value)
        elif key in ("min_length", "max_length"):
            if spec["kind"] not in ("str", "list"):
                raise TypeError(f"'{key}' applies to strings and lists, not {spec['kind']}")
            spec[key] = int(value)
        elif key == "pattern":
            if spec["kind"] != "str":
                raise TypeError(f"'pattern' applies to strings, not {spec['kind']}")
            spec["pattern"] = value
    return spec


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


def is_model(tp: Any) -> bool:
    tp, _ = _split_optional(_split_annotated(tp)[0])
    return (dataclasses.is_dataclass(tp) and isinstance(tp, type)) or typing.is_typeddict(tp)


def type_spec(tp: Any, models: Models, marker: P.Param | None = None) -> dict[str, Any]:
    tp, inner_marker = _split_annotated(tp)
    marker = marker or inner_marker
    tp, nullable = _split_optional(tp)
    tp, inner_marker = _split_annotated(tp)
    marker = marker or inner_marker
    origin = typing.get_origin(tp)
    spec: dict[str, Any]
    if tp is bool:
        spec = {"kind": "bool"}
    elif tp is int:
        spec = {"kind": "int"}
    elif tp is float:
        spec = {"kind": "float"}
    elif tp is str:
        spec = {"kind": "str"}
    elif tp is uuid.UUID:
        spec = {"kind": "uuid"}
    elif tp is Any or tp is object or tp is inspect.Parameter.empty:
        spec = {"kind": "any"}
    elif tp in (list, tuple, set) or origin in (list, typing.List, tuple, set, frozenset) or (
        origin is not None and origin.__name__ in ("Sequence", "List")
    ):
        args = typing.get_args(tp)
        spec = {"kind": "list"}
        if args and args[0] is not Ellipsis:
            spec["items"] = type_spec(args[0], models)
    elif tp is dict or origin in (dict, typing.Dict) or (
        origin is not None and getattr(origin, "__name__", "") == "Mapping"
    ):
        args = typing.get_args(tp)
        spec = {"kind": "dict"}
        if len(args) == 2:
            if args[0] is not str:
                raise TypeError(f"JSON object keys are strings: {tp!r}")
            spec["items"] = type_spec(args[1], models)
    elif dataclasses.is_dataclass(tp) and isinstance(tp, type):
        spec = _object_spec(tp, models, construct=True)
    elif typing.is_typeddict(tp):
        spec = _object_spec(tp, models, construct=False)
    else:
        raise TypeError(f"unsupported parameter type {tp!r}")
    if nullable:
        spec["nullable"] = True
    return _apply_constraints(spec, marker)


def _object_spec(cls: Any, models: Models, construct: bool) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = []
    if construct:
        for f in dataclasses.fields(cls):
            if not f.init:
                continue
            required = (
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            )
            fields.append(_field(f.name, hints[f.name], required, models))
    else:
        required_keys = getattr(cls, "__required_keys__", frozenset(hints))
        for name, hint in hints.items():
            fields.append(_field(name, hint, name in required_keys, models))
    return {
        "kind": "object",
        "title": cls.__name__,
        "fields": fields,
        "model": models.index(cls, construct),
    }


def _field(name: str, hint: Any, required: bool, models: Models) -> dict[str, Any]:
    _, marker = _split_annotated(hint)
    key = marker.alias if marker is not None and marker.alias else name
    return {"name": name, "key": key, "required": required, "type": type_spec(hint, models)}


def path_params(path: str) -> list[str]:
    return _PATH_PARAM.findall(path)


def lower_params(
    path: str, endpoint: Callable[..., Any], models: Models
) -> list[dict[str, Any]]:
    """One description per handler parameter, classified as FastAPI does."""
    signature = inspect.signature(endpoint)
    hints = typing.get_type_hints(endpoint, include_extras=True)
    in_path = set(path_params(path))
    out = []
    body_params = 0
    for name, param in signature.parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"{endpoint.__qualname__}: *args/**kwargs are not parameters")
        hint = hints.get(name, Any)
        base, marker = _split_annotated(hint)
        default = param.default
        if isinstance(default, P.Param):
            marker = default
            default = default.default
        elif marker is not None and not marker.required:
            default = marker.default if default is param.empty else default
        has_default = default is not param.empty and default is not P._UNSET
        desc: dict[str, Any] = {"name": name}
        if base is Request or (isinstance(base, type) and issubclass(base, Request)):
            desc.update(source="request", key=name, required=True)
            out.append(desc)
            continue
        if name in in_path:
            source = "path"
        elif marker is not None and marker.source in ("query", "header", "path", "body"):
            source = marker.source
        elif is_model(hint):
            source = "body"
        else:
            source = "query"
        if source == "path" and name not in in_path:
            raise TypeError(f"{endpoint.__qualname__}: '{name}' is not in the path {path!r}")
        if source == "body":
            body_params += 1
        key = name
        if marker is not None and marker.alias:
            key = marker.alias
        elif source == "header" and getattr(marker, "convert_underscores", True):
            key = name.replace("_", "-")
        if source == "header":
            key = key.lower()
        desc.update(
            source=source,
            key=key,
            required=source == "path" or not has_default,
            type=type_spec(hint, models, marker),
        )
        if has_default:
            desc["default"] = default
        out.append(desc)
    if body_params > 1:
        raise TypeError(f"{endpoint.__qualname__}: only one body parameter is supported")
    missing = in_path - {d["name"] for d in out}
    if missing:
        raise TypeError(
            f"{endpoint.__qualname__}: path parameter(s) {sorted(missing)} have no argument"
        )
    return out
