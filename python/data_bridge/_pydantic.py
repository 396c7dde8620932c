"""pydantic (v2) read once at start-up: what of a model the native validators do, what they
leave to pydantic, and how the runtime builds instances without validating twice.

    is_model(Item)                 # a pydantic v2 BaseModel subclass
    python_reason(Item)            # why pydantic validates it when served ("" : natively)
    fields(Item)                   # its fields as _schema lowers them
    checker(list[Item], ("body",)) # validates a JSON value in Python, errors under "body"

A model is validated natively when its validation is only what the native validators do:
types they know, constraints (gt/ge/lt/le/multiple_of, lengths, pattern), aliases, defaults
and default factories, Literal, discriminated unions, extra="forbid", datetime, date, time,
timedelta and Decimal. Anything else (field or model validators, strict mode, validation
aliases that are paths or choices, str_* options, types such as EmailStr, bounds on dates or
Decimals) makes
pydantic validate the value that reaches the model, as a whole, with FastAPI's locations:
never skipped. Native instances are built as `model_construct` builds them
(construction()).

pydantic is imported by the app, not here: nothing of it is loaded unless the app did.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import sys
import typing
from typing import Any, Callable, Sequence

from .encoders import jsonable_encoder
from .exceptions import ResponseValidationError


class Unlowerable(TypeError):
    """A type or constraint the native validators do not have: pydantic validates it."""


def _pydantic() -> Any:
    """The pydantic module when the app uses version 2; None otherwise."""
    module = sys.modules.get("pydantic")
    if module is None or not hasattr(module, "TypeAdapter"):
        return None
    return module


def is_model(tp: Any) -> bool:
    pydantic = _pydantic()
    return (pydantic is not None and isinstance(tp, type)
            and issubclass(tp, pydantic.BaseModel) and tp is not pydantic.BaseModel)


def available() -> bool:
    """Whether pydantic v2 can validate what the native validators cannot."""
    return _pydantic() is not None


# model_config keys that change nothing the native validators do (validation-wise).
_NEUTRAL_CONFIG = frozenset({
    "title", "json_schema_extra", "frozen", "from_attributes", "arbitrary_types_allowed",
    "protected_namespaces", "ser_json_timedelta", "ser_json_bytes", "ser_json_inf_nan",
    "ser_json_temporal", "val_temporal_unit", "json_encoders", "alias_generator",
    "use_attribute_docstrings", "defer_build", "revalidate_instances", "validate_assignment",
    "regex_engine", "plugin_settings", "json_schema_serialization_defaults_required",
    "json_schema_mode_override", "cache_strings", "serialize_by_alias", "loc_by_alias",
    "validation_error_cause", "extra", "populate_by_name", "validate_by_name",
    "validate_by_alias", "allow_inf_nan", "url_preserve_empty_path", "polymorphic_serialization",
    "schema_generator", "ignored_types", "undefined_types_warning",
})


def python_reason(cls: Any) -> str:
    """Why the model `cls` is validated by pydantic when served; empty: natively."""
    decorators = cls.__pydantic_decorators__
    for kind in ("validators", "field_validators", "root_validators", "model_validators"):
        if getattr(decorators, kind, None):
            return kind.replace("_", " ")
    config = cls.model_config
    for key, value in config.items():
        if key not in _NEUTRAL_CONFIG and value not in (None, False):
            return f"model_config {key}={value!r}"
    if config.get("extra") not in (None, "ignore", "forbid"):
        return f"model_config extra={config['extra']!r}"
    if config.get("allow_inf_nan") is False:
        return "model_config allow_inf_nan=False"
    if config.get("validate_by_alias") is False:  # by name alone (by name and alias: natively)
        if any((f.alias or n) != n for n, f in cls.model_fields.items()):
            return "fields read by name only"
    if getattr(cls, "__pydantic_root_model__", False):
        return "a RootModel"
    return ""


def _undefined(value: Any) -> bool:
    return type(value).__name__ == "PydanticUndefinedType"


class Field:
    """One field of a model as the lowering reads it."""

    __slots__ = ("name", "key", "required", "default", "factory", "hint", "info", "reason")

    def __init__(self, name: str, info: Any) -> None:
        self.name = name
        self.info = info
        self.reason = ""
        alias = info.validation_alias if info.validation_alias is not None else info.alias
        if alias is not None and not isinstance(alias, str):
            self.reason = "a validation alias that is a path or choices"
        self.key: str = alias if isinstance(alias, str) else name
        self.required: bool = info.is_required()
        self.default: Any = None if _undefined(info.default) else info.default
        self.factory: Callable[[], Any] | None = info.default_factory
        if self.factory is not None and _takes_data(self.factory):
            self.reason = "a default factory of the validated data"
        if getattr(info, "validate_default", None):
            self.reason = "validate_default"
        metadata = [m for m in info.metadata if m is not None]
        self.hint: Any = info.annotation
        if metadata or info.discriminator is not None:
            extra = [info] if info.discriminator is not None else []
            self.hint = typing.Annotated[(info.annotation, *metadata, *extra)]


def _takes_data(factory: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in params)


def fields(cls: Any) -> list[Field]:
    return [Field(name, info) for name, info in cls.model_fields.items()]


def metadata_constraints(meta: Any) -> dict[str, Any] | None:
    """The constraints an Annotated metadata entry of pydantic's or annotated_types' sets
    (gt, ge, lt, le, multiple_of, min_length, max_length, pattern, discriminator); None when
    it is not one of theirs. Raises Unlowerable for one that does more (strict, strip
    whitespace, validators, predicates)."""
    module = type(meta).__module__ or ""
    if not (module.startswith("annotated_types") or module.startswith("pydantic")):
        return None
    name = type(meta).__name__
    out: dict[str, Any] = {}
    if name == "FieldInfo":
        for inner in meta.metadata:
            if inner is not None:
                found = metadata_constraints(inner)
                if found is None:
                    raise Unlowerable(f"Annotated metadata {inner!r}")
                out.update(found)
        if meta.discriminator is not None:
            if not isinstance(meta.discriminator, str):
                raise Unlowerable("a callable discriminator")
            out["discriminator"] = meta.discriminator
        return out
    if name in ("Gt", "Ge", "Lt", "Le", "MultipleOf", "MinLen", "MaxLen"):
        key = {"Gt": "gt", "Ge": "ge", "Lt": "lt", "Le": "le", "MultipleOf": "multiple_of",
               "MinLen": "min_length", "MaxLen": "max_length"}[name]
        out[key] = getattr(meta, key)
        return out
    if name in ("Interval", "Len", "StringConstraints", "_PydanticGeneralMetadata"):
        values = vars(meta) if name == "_PydanticGeneralMetadata" else {
            k: getattr(meta, k) for k in getattr(type(meta), "__dataclass_fields__", {})}
        for key, value in values.items():
            if value is None:
                continue
            if key in ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length",
                       "pattern"):
                out[key] = value.pattern if hasattr(value, "pattern") else value
            elif key in ("max_digits", "decimal_places", "allow_inf_nan") and value is True:
                continue
            else:
                raise Unlowerable(f"the constraint {key}={value!r}")
        return out
    raise Unlowerable(f"Annotated metadata {meta!r}")


def schema_lengths(tp: Any) -> dict[str, int]:
    """minLength / maxLength of pydantic's JSON schema for `tp` (as min_length and
    max_length); empty without pydantic v2 or when it has none."""
    pydantic = _pydantic()  # the app's types are pydantic's only when it imported pydantic
    if pydantic is None:
        return {}
    try:
        schema = pydantic.TypeAdapter(tp).json_schema()
    except Exception:  # noqa: BLE001 - a type pydantic cannot describe: no lengths
        return {}
    return {ours: schema[theirs] for theirs, ours in (("minLength", "min_length"),
                                                      ("maxLength", "max_length"))
            if isinstance(schema.get(theirs), int)}


def default_json(value: Any) -> str:
    """A default as pydantic's schema writes it (Decimal as its text, dates in ISO form),
    as JSON text; empty without pydantic or for a value it cannot write."""
    core = sys.modules.get("pydantic_core")
    if core is None:
        return ""
    try:
        return json.dumps(core.to_jsonable_python(value))
    except (TypeError, ValueError, core.PydanticSerializationError):
        return ""


def _unset(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("ResponseModel used before its adapter was made")


class JSONBytes(bytes):
    """A value already serialized as JSON (a response model's pydantic serialization): the
    runtime sends these bytes as the JSON body as they are."""


class ResponseModel:
    """FastAPI's response_model: what a handler returns (not a Response) validated against
    the model (TypeAdapter.validate_python, from attributes) and serialized by pydantic with
    FastAPI's options; to JSON bytes for the default JSON response, else to JSON-able
    values for the response class. A value that does not fit raises
    ResponseValidationError (a logged 500). The adapter is made on first use (pydantic
    imported then); without pydantic v2 an `inferred` model (a return annotation) is not
    checked, as there is nothing to check it with, and a given one is an error."""

    def __init__(self, hint: Any, *, include: Any = None, exclude: Any = None,
                 by_alias: bool = True, exclude_unset: bool = False,
                 exclude_defaults: bool = False, exclude_none: bool = False,
                 to_bytes: bool = True, inferred: bool = False) -> None:
        self.hint = hint
        self.inferred = inferred
        self.passthrough = False
        self.options = {"include": include, "exclude": exclude, "by_alias": by_alias,
                        "exclude_unset": exclude_unset, "exclude_defaults": exclude_defaults,
                        "exclude_none": exclude_none}
        self.to_bytes = to_bytes
        self.adapter: Any = None
        self._validate: Callable[..., Any] = _unset
        self._dump: Callable[..., Any] = _unset

    def __call__(self, value: Any) -> Any:
        if self.passthrough:
            return value
        if self.adapter is None:
            pydantic: Any = None
            try:
                pydantic = importlib.import_module("pydantic")
            except ImportError:
                pass
            if not hasattr(pydantic, "TypeAdapter"):
                if self.inferred:
                    self.passthrough = True
                    return value
                raise TypeError("response_model= needs pydantic v2")
            self.adapter = pydantic.TypeAdapter(self.hint)
            self.error = pydantic.ValidationError
            # The adapter's core validator and serializer, called as its validate_python
            # and dump_json / dump_python(mode="json") call them, without their wrappers'
            # per-call cost (their other arguments keep their defaults).
            self._validate = self.adapter.validator.validate_python
            serializer = self.adapter.serializer
            self._dump = functools.partial(
                serializer.to_json if self.to_bytes else serializer.to_python,
                **self.options, **({} if self.to_bytes else {"mode": "json"}))
        try:
            checked = self._validate(value, from_attributes=True)
        except self.error as exc:
            raise ResponseValidationError(
                [{**e, "loc": ("response",) + tuple(e["loc"])}
                 for e in exc.errors(include_url=False)], body=value) from None
        if self.to_bytes:
            return JSONBytes(self._dump(checked))
        return self._dump(checked)


class Invalid(Exception):
    """What a checker raises for a value pydantic refused: the errors as FastAPI's 422
    lists them (JSON text), under the parameter's location."""

    def __init__(self, errors_json: str) -> None:
        super().__init__(errors_json)
        self.errors_json = errors_json


class Checker:
    """Validates a parameter's value (as JSON gave it) with pydantic, as FastAPI does
    (TypeAdapter.validate_python, lax); a refusal raises Invalid with FastAPI's errors."""

    def __init__(self, hint: Any, loc: Sequence[str | int]) -> None:
        pydantic = _pydantic()
        assert pydantic is not None
        self.adapter = pydantic.TypeAdapter(hint)
        self.error = pydantic.ValidationError
        self.loc = tuple(loc)

    def __call__(self, value: Any) -> Any:
        try:
            return self.adapter.validate_python(value, from_attributes=True)
        except self.error as exc:
            errors = [{**e, "loc": self.loc + tuple(e["loc"])}
                      for e in exc.errors(include_url=False)]
            raise Invalid(json.dumps(jsonable_encoder(errors), ensure_ascii=False,
                                     separators=(",", ":"))) from None


class EmbeddedChecker:
    """Validates a JSON object body whose keys are Body() parameters with pydantic, as
    FastAPI does when one of them needs it: each key by its own type at ["body", key]; a
    key absent takes its default or is missing; a body that is no object has every key
    missing. Returns the keys' values (absent ones left out)."""

    def __init__(self, fields: list[tuple[str, Any, bool]]) -> None:
        pydantic = _pydantic()
        assert pydantic is not None
        self.fields = [(key, pydantic.TypeAdapter(hint), required)
                       for key, hint, required in fields]
        self.error = pydantic.ValidationError

    def __call__(self, body: Any) -> dict[str, Any]:
        errors: list[dict[str, Any]] = []
        out: dict[str, Any] = {}
        keys: dict[str, Any] = body if isinstance(body, dict) else {}
        for key, adapter, required in self.fields:
            loc = ("body", key)
            if body is not None and not isinstance(body, dict) or (key not in keys and required):
                errors.append({"type": "missing", "loc": loc, "msg": "Field required",
                               "input": None})
            elif key in keys:
                try:
                    out[key] = adapter.validate_python(keys[key], from_attributes=True)
                except self.error as exc:
                    errors.extend({**e, "loc": loc + tuple(e["loc"])}
                                  for e in exc.errors(include_url=False))
        if errors:
            raise Invalid(json.dumps(jsonable_encoder(errors), ensure_ascii=False,
                                     separators=(",", ":")))
        return out


def checked_hint(hint: Any, constraints: dict[str, Any]) -> Any:
    """`hint` with a parameter marker's constraints as pydantic reads them."""
    if not constraints:
        return hint
    pydantic = _pydantic()
    return typing.Annotated[hint, pydantic.Field(**constraints)]


# How construction() says a missing field is filled: not at all (required), with a value
# shared by every instance, with a deep copy of it (an unhashable default, as pydantic
# copies it), or by calling the factory.
REQUIRED, SHARED, COPIED, FACTORY = 0, 1, 2, 3


def construction(cls: Any) -> tuple[bool, list[tuple[int, Any]]]:
    """How the runtime builds an instance of a natively validated model: whether directly
    (the instance's __dict__, fields set, no extra, no private state: what model_construct
    does for a model without private attributes or model_post_init), else through
    cls.model_construct; and per field how a missing one is filled."""
    direct = not cls.__private_attributes__ and cls.__pydantic_post_init__ is None
    fills: list[tuple[int, Any]] = []
    for f in fields(cls):
        if f.required:
            fills.append((REQUIRED, None))
        elif f.factory is not None:
            fills.append((FACTORY, f.factory))
        else:
            try:
                hash(f.default)
                fills.append((SHARED, f.default))
            except TypeError:
                fills.append((COPIED, f.default))
    return direct, fills

