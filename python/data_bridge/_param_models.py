"""Query, header and cookie parameter models (FastAPI's `Annotated[Model, Query()]`, and
Header() and Cookie() alike), and form models (`Annotated[Model, Form()]`): a pydantic
model whose fields are the parameters, or the form's fields.

FastAPI documents each field as a parameter of its own and, per request, gathers the fields
from the query (repeated keys as lists for sequence fields), the headers (names with
underscores converted to hyphens, case-insensitive) or the cookies, adds every other key of
that source (so the model's `extra` policy sees them) and validates the whole dict with
pydantic, reporting errors at [source, field]. A route reads such a parameter through a
dependency step (`reader`) that does exactly that with the request's own multidicts; its
RequestValidationError is the 422 (or goes to the app's handler). Validation is pydantic's,
per request: these models are not lowered into the native validators.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Callable, Mapping, Union

from . import _pydantic
from .datastructures import FormData
from .exceptions import RequestValidationError
from .requests import Request

_SOURCES = ("query", "header", "cookie")


def _strip(hint: Any) -> Any:
    """The hint without Annotated and Optional."""
    while typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) in (Union, types.UnionType):  # Optional[M] and M | None
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return _strip(args[0])
    return hint


def model_of(hint: Any) -> Any:
    """The pydantic v2 model a parameter's hint is (through Annotated and Optional), or
    None."""
    base = _strip(hint)
    if isinstance(base, type) and hasattr(base, "model_fields") and hasattr(
            base, "model_validate"):
        return base
    return None


def _is_sequence(annotation: Any) -> bool:
    base = _strip(annotation)
    origin = typing.get_origin(base) or base
    return isinstance(origin, type) and origin in (list, tuple, set, frozenset) or (
        isinstance(origin, type) and issubclass(origin, (list, tuple, set, frozenset))
        and not issubclass(origin, (str, bytes)))


def _aliases(name: str, field: Any, config: Mapping[str, Any],
             convert: bool) -> list[tuple[str, str]]:
    """(validation alias, request key) pairs in preference order (FastAPI's)."""
    alias = field.validation_alias if isinstance(field.validation_alias, str) else (
        field.alias or name)
    request_alias = alias.replace("_", "-") if convert and alias == name else alias
    pairs = [(alias, request_alias)]
    choices = getattr(field.validation_alias, "choices", None)
    if choices and all(isinstance(c, str) for c in choices):
        pairs = [(c, c) for c in choices]
    if config.get("validate_by_alias") is False or config.get(
            "validate_by_name", config.get("populate_by_name", False)):
        request_name = name.replace("_", "-") if convert else name
        if config.get("validate_by_alias") is False:
            return [(name, request_name)]
        if name not in [a for a, _ in pairs]:
            pairs.append((name, request_name))
    return pairs


def _extras(items: Any, known: set[str]) -> dict[str, Any]:
    """A source's keys no field took, for the model's extra policy: a key's value, or its
    values as a list when it is repeated (FastAPI's grouping)."""
    grouped: dict[str, list[Any]] = {}
    for key, value in items:
        if key not in known:
            grouped.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}


def documented_fields(model: Any, source: str,
                      convert_underscores: bool) -> list[tuple[str, str, Any]]:
    """Each field as FastAPI documents it: (field name, parameter name, FieldInfo)."""
    out = []
    for name, field in model.model_fields.items():
        convert = source == "header" and getattr(field, "convert_underscores",
                                                 convert_underscores)
        out.append((name, _aliases(name, field, model.model_config, convert)[0][1], field))
    return out


def reader(hint: Any, model: Any, source: str, convert_underscores: bool,
           default: Any, has_default: bool) -> Callable[..., Any]:
    """The dependency that reads parameter model `model` (the parameter's type `hint`) from
    a request's `source`."""
    pydantic = _pydantic._pydantic()
    adapter: Any = pydantic.TypeAdapter(hint)
    fields = [(name, field, _aliases(name, field, model.model_config,
                                     source == "header" and getattr(
                                         field, "convert_underscores", convert_underscores)),
               _is_sequence(field.annotation))
              for name, field in model.model_fields.items()]
    extra = model.model_config.get("extra")

    def received(request: Request) -> Any:
        if source == "query":
            return request.query_params
        if source == "header":
            return request.headers
        return request.cookies

    def get(params: Any, key: str, sequence: bool) -> Any:
        if sequence and hasattr(params, "getlist"):
            return params.getlist(key)
        return params.get(key)

    async def read_parameter_model(request: Request) -> Any:
        params = received(request)
        headers = source == "header"
        values: dict[str, Any] = {}
        processed: set[str] = set()
        own: set[str] = set()
        header_aliases: dict[str, str] = {}
        for name, _, aliases, sequence in fields:
            own.update(key.lower() if headers else key for _, key in aliases)
            alias, key = next((pair for pair in aliases if pair[1] in params), aliases[0])
            value = get(params, key, sequence)
            if value is not None and not (sequence and len(value) == 0):
                values[alias] = value
            if headers:
                processed.add(key.lower())
                processed.update(a.lower() for a, k in aliases if a != k)
                if alias != key:
                    header_aliases[name] = key
            else:
                processed.add(key)
        items = params.multi_items() if hasattr(params, "multi_items") else params.items()
        values.update(_extras(items, processed))
        given: Any = values
        if hint is not model and not (own.intersection(params) or (
                extra in ("allow", "forbid") and values)):
            if has_default:
                return default
            given = None
        try:
            return adapter.validate_python(given)
        except pydantic.ValidationError as exc:
            errors = []
            for e in exc.errors(include_url=False):
                loc: tuple[Any, ...] = (source, *e["loc"])
                if header_aliases and len(loc) > 1 and loc[1] in header_aliases and \
                        model.model_config.get("loc_by_alias", True):
                    loc = (loc[0], header_aliases[str(loc[1])], *loc[2:])
                errors.append({**dict(e), "loc": loc})
            raise RequestValidationError(errors) from None

    return read_parameter_model



def _is_empty_file(value: Any) -> bool:
    """A file input the browser sent without choosing a file (FastAPI drops it)."""
    return hasattr(value, "filename") and hasattr(value, "size") and not value.filename \
        and not value.size


def form_aliases(model: Any) -> list[tuple[str, str]]:
    """The (validation alias, form key) pairs a form model's fields are read by."""
    return [pair for name, field in model.model_fields.items()
            for pair in _aliases(name, field, model.model_config, False)]


def form_union_models(hint: Any) -> list[Any]:
    """The pydantic models of a form parameter that is a union of several (through
    Annotated and Optional: `Person | Company | None`), as FastAPI reads such a union from
    the form; empty for anything else."""
    base = hint
    while typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    if typing.get_origin(base) not in (Union, types.UnionType):
        return []
    models = []
    for arg in typing.get_args(base):
        if arg is type(None):
            continue
        while typing.get_origin(arg) is typing.Annotated:
            arg = typing.get_args(arg)[0]
        if model_of(arg) is None or arg is not model_of(arg):
            return []
        models.append(arg)
    return models if len(models) > 1 else []


class _FormModel:
    """How one model's values are taken from a form (FastAPI's extraction): each field by
    its aliases (repeated keys for sequences; an empty string or an empty file input is
    absent), every other key offered to the model's extra policy."""

    def __init__(self, model: Any) -> None:
        self.fields = [(_aliases(name, field, model.model_config, False),
                        _is_sequence(field.annotation))
                       for name, field in model.model_fields.items()]
        self.own = {alias for aliases, _ in self.fields for alias, _ in aliases}
        self.extra = model.model_config.get("extra")

    def values(self, form: Any) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for aliases, sequence in self.fields:
            for alias, _ in aliases:
                if sequence:
                    value: Any = [v for v in form.getlist(alias) if not _is_empty_file(v)]
                    if not value:
                        continue
                else:
                    value = form.get(alias)
                    if value is None or value == "" or _is_empty_file(value):
                        continue
                values[alias] = value
                break
        values.update(_extras(form.multi_items(), self.own))
        return values

    def supplied(self, form: Any) -> bool:
        """Whether the form sends any of the model's fields (or, for a model that takes or
        refuses other keys, anything)."""
        return bool(self.own.intersection(form.keys()) or (
            self.extra in ("allow", "forbid") and form))


def form_reader(hint: Any, models: list[Any], discriminator: str | None, default: Any,
                has_default: bool) -> Callable[..., Any]:
    """The dependency that reads a form model (the parameter's type `hint`) from the
    request's whole form body as FastAPI does (_FormModel), validated with pydantic, errors
    at ["body", ...]; a body that is no form reads as an empty one. An Optional model
    nothing of which was sent is its default. A union of models (`models`, more than one)
    gets every key of the form, each variant taking its own fields from them (FastAPI's
    normalising validator per variant), the variant chosen by pydantic (by `discriminator`
    when given)."""
    pydantic = _pydantic._pydantic()
    readers = [_FormModel(m) for m in models]
    if len(models) == 1:
        adapter: Any = pydantic.TypeAdapter(hint)
    else:
        def normalised(model: Any, reader: _FormModel) -> Any:
            def normalise(value: Any) -> Any:
                if not isinstance(value, dict):
                    return value
                items = [(k, item) for k, v in value.items()
                         for item in (v if isinstance(v, list) else [v])]
                return reader.values(FormData(items))
            return typing.Annotated[model, pydantic.BeforeValidator(normalise)]

        union: Any = Union[tuple(normalised(m, r) for m, r in zip(models, readers))]
        if discriminator:
            union = typing.Annotated[union, pydantic.Field(discriminator=discriminator)]
        adapter = pydantic.TypeAdapter(union)
    optional = hint is not models[0] and has_default

    async def read_form_model(request: Request) -> Any:
        form = await request.form()
        if optional and not any(r.supplied(form) for r in readers):
            return default
        if len(models) == 1:
            values = readers[0].values(form)
        else:  # every key, repeated ones as lists
            values = {}
            for key, value in form.multi_items():
                if key in values:
                    held = values[key]
                    values[key] = [*held, value] if isinstance(held, list) else [held, value]
                else:
                    values[key] = value
        try:
            return adapter.validate_python(values)
        except pydantic.ValidationError as exc:
            raise RequestValidationError(
                [{**dict(e), "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
            ) from None

    return read_form_model
