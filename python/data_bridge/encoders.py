"""jsonable_encoder: any value as plain JSON data (dict, list, str, int, float, bool, None),
as `fastapi.encoders.jsonable_encoder` makes it:

    from data_bridge.encoders import jsonable_encoder
    jsonable_encoder(Order(sku="a", at=datetime.now()))   # {"sku": "a", "at": "2026-..."}

Its rules, in order: a `custom_encoder` for the value's type (exact, then by isinstance);
pydantic models through `model_dump(mode="json")` (v1: `.dict()`) with the include/exclude
options; dataclasses through `asdict`; an Enum's value; a path as str; str, int, float and
None as they are; dicts key by key (include/exclude on the top level's keys, keys starting
`_sa` dropped while `sqlalchemy_safe`, None values dropped with `exclude_none`); lists,
tuples, sets, frozensets, deques and generators item by item; then the known types (dates and
times as ISO 8601, timedelta as seconds, Decimal as int or float, bytes decoded, UUID, IP
addresses and networks as str, a compiled pattern as its pattern, pydantic's secrets, URLs
and colours as str); anything else
through dict(obj), then vars(obj), or a ValueError naming both failures. pydantic is looked
up only once it is imported (no value can be one of its models before); v1 models are
dumped with .dict() where FastAPI now refuses them. Held to FastAPI 0.163's behaviour
(encoders_test, against the pinned one in the compat environment).
"""

from __future__ import annotations

import dataclasses
import datetime
import sys
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from ipaddress import (IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface,
                       IPv6Network)
from pathlib import PurePath
from re import Pattern
from types import GeneratorType
from typing import Any, Union
from uuid import UUID

__all__ = ["ENCODERS_BY_TYPE", "decimal_encoder", "isoformat", "jsonable_encoder"]

# What include= and exclude= take: field names, or (pydantic) nested selections.
IncEx = Union[set[int], set[str], dict[int, Any], dict[str, Any]]


def isoformat(o: datetime.date | datetime.time) -> str:
    return o.isoformat()


def decimal_encoder(value: Decimal) -> int | float:
    """An int when the Decimal has no fractional digits (Decimal("1") -> 1), else a float
    (Decimal("1.0") -> 1.0), so integral database numerics round-trip."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


ENCODERS_BY_TYPE: dict[type[Any], Callable[[Any], Any]] = {
    bytes: lambda o: o.decode(),
    datetime.date: isoformat,
    datetime.datetime: isoformat,
    datetime.time: isoformat,
    datetime.timedelta: lambda td: td.total_seconds(),
    Decimal: decimal_encoder,
    Enum: lambda o: o.value,
    frozenset: list,
    deque: list,
    GeneratorType: list,
    IPv4Address: str,
    IPv4Interface: str,
    IPv4Network: str,
    IPv6Address: str,
    IPv6Interface: str,
    IPv6Network: str,
    PurePath: str,
    Pattern: lambda o: o.pattern,
    set: list,
    UUID: str,
}


def _by_base(value: Any) -> Callable[[Any], Any] | None:
    """The encoder of the first known type `value` is an instance of (subclasses)."""
    for cls, encoder in ENCODERS_BY_TYPE.items():
        if isinstance(value, cls):
            return encoder
    str_types, undefined = _pydantic_types()
    if str_types and isinstance(value, str_types):
        return str
    if undefined is not None and isinstance(value, undefined):
        return lambda o: None
    return None


_PYDANTIC: tuple[tuple[type[Any], ...], type[Any] | None] | None = None


def _pydantic_types() -> tuple[tuple[type[Any], ...], type[Any] | None]:
    """pydantic's value types that encode as str (SecretStr as its mask, URLs, emails,
    colours) and pydantic_core's PydanticUndefinedType (None); none until pydantic is
    imported, found once after."""
    global _PYDANTIC
    if _PYDANTIC is not None:
        return _PYDANTIC
    if "pydantic" not in sys.modules:
        return (), None
    found = []
    for module, name in (("pydantic", "SecretStr"), ("pydantic", "SecretBytes"),
                         ("pydantic", "AnyUrl"), ("pydantic", "NameEmail"),
                         ("pydantic.networks", "AnyUrl"), ("pydantic.networks", "NameEmail"),
                         ("pydantic.color", "Color"), ("pydantic_core", "Url"),
                         ("pydantic_extra_types.color", "Color")):
        cls = getattr(sys.modules.get(module), name, None)
        if isinstance(cls, type) and cls not in found:
            found.append(cls)
    undefined = getattr(sys.modules.get("pydantic_core"), "PydanticUndefinedType", None)
    _PYDANTIC = (tuple(found), undefined if isinstance(undefined, type) else None)
    return _PYDANTIC


def _pydantic_dump(obj: Any, include: Any, exclude: Any, by_alias: bool, exclude_unset: bool,
                   exclude_defaults: bool, exclude_none: bool) -> Any:
    """A pydantic model's data (v2: JSON mode; v1: .dict()), or None when obj is none."""
    pydantic = sys.modules.get("pydantic")
    base = getattr(pydantic, "BaseModel", None)
    if base is None or not isinstance(obj, base):
        return None
    options = dict(include=include, exclude=exclude, by_alias=by_alias,
                   exclude_unset=exclude_unset, exclude_defaults=exclude_defaults,
                   exclude_none=exclude_none)
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json", **options)
    return obj.dict(**options)


def jsonable_encoder(
    obj: Any,
    include: IncEx | None = None,
    exclude: IncEx | None = None,
    by_alias: bool = True,
    exclude_unset: bool = False,
    exclude_defaults: bool = False,
    exclude_none: bool = False,
    custom_encoder: dict[Any, Callable[[Any], Any]] | None = None,
    sqlalchemy_safe: bool = True,
) -> Any:
    """`obj` as JSON-compatible data (see the module's docstring for the rules)."""
    custom_encoder = custom_encoder or {}
    if custom_encoder:
        if type(obj) in custom_encoder:
            return custom_encoder[type(obj)](obj)
        for cls, encoder in custom_encoder.items():
            if isinstance(obj, cls):
                return encoder(obj)
    if include is not None and not isinstance(include, (set, dict)):
        include = set(include)
    if exclude is not None and not isinstance(exclude, (set, dict)):
        exclude = set(exclude)
    # Options for what is inside (a dict's include/exclude select its own keys only).
    inner: dict[str, Any] = dict(by_alias=by_alias, exclude_unset=exclude_unset,
                                 exclude_defaults=exclude_defaults, exclude_none=exclude_none,
                                 custom_encoder=custom_encoder, sqlalchemy_safe=sqlalchemy_safe)
    dumped = _pydantic_dump(obj, include, exclude, by_alias, exclude_unset, exclude_defaults,
                            exclude_none)
    if dumped is not None:
        return jsonable_encoder(dumped, exclude_none=exclude_none,
                                exclude_defaults=exclude_defaults,
                                sqlalchemy_safe=sqlalchemy_safe)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return jsonable_encoder(dataclasses.asdict(obj), include=include, exclude=exclude,
                                **inner)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, PurePath):
        return str(obj)
    if obj is None or isinstance(obj, (str, int, float)):
        return obj
    if isinstance(obj, dict):
        allowed = set(obj.keys())
        if include is not None:
            allowed &= set(include)
        if exclude is not None:
            allowed -= set(exclude)
        out = {}
        for key, value in obj.items():
            if sqlalchemy_safe and isinstance(key, str) and key.startswith("_sa"):
                continue
            if (value is None and exclude_none) or key not in allowed:
                continue
            out[jsonable_encoder(key, **inner)] = jsonable_encoder(value, **inner)
        return out
    if isinstance(obj, (list, set, frozenset, GeneratorType, tuple, deque)):
        return [jsonable_encoder(item, include=include, exclude=exclude, **inner)
                for item in obj]
    found = ENCODERS_BY_TYPE.get(type(obj)) or _by_base(obj)
    if found is not None:
        return found(obj)
    errors: list[Exception] = []
    try:
        data = dict(obj)
    except Exception as e:
        errors.append(e)
        try:
            data = vars(obj)
        except Exception as e2:
            errors.append(e2)
            raise ValueError(errors) from e2
    return jsonable_encoder(data, include=include, exclude=exclude, **inner)
