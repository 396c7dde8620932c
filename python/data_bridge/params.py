"""Parameter markers: where a handler parameter comes from and its constraints.

    async def search(q: Annotated[str, Query(min_length=1)],
                     limit: Annotated[int, Query(ge=1, le=100)] = 10,
                     token: Annotated[str | None, Header()] = None): ...

`Field` carries the same constraints for dataclass / TypedDict fields.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

from .exceptions import FastAPIDeprecationWarning

_UNSET: Any = ...


class Param:
    source = "query"

    def __init__(
        self,
        default: Any = _UNSET,
        *,
        alias: str | None = None,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        regex: str | None = None,
        title: str | None = None,
        description: str | None = None,
        examples: list[Any] | None = None,
        example: Any = _UNSET,
        openapi_examples: dict[str, Any] | None = None,
        deprecated: bool | str | None = None,
        include_in_schema: bool = True,
        json_schema_extra: dict[str, Any] | None = None,
        discriminator: str | None = None,
    ) -> None:
        """FastAPI's arguments of the same names. The constraints are checked natively
        (discriminator: the property naming a union's model);
        title, description, examples (and the older example, openapi_examples),
        deprecated, include_in_schema and json_schema_extra document the parameter."""
        if regex is not None:
            warnings.warn("`regex` has been deprecated, please use `pattern` instead",
                          FastAPIDeprecationWarning, stacklevel=3)
        self.default = default
        self.alias = alias
        self.gt, self.ge, self.lt, self.le = gt, ge, lt, le
        self.min_length, self.max_length = min_length, max_length
        self.pattern = pattern or regex
        self.title = title
        self.description = description
        self.examples = examples
        self.example = example
        self.openapi_examples = openapi_examples
        self.deprecated = deprecated
        self.include_in_schema = include_in_schema
        self.json_schema_extra = json_schema_extra
        self.discriminator = discriminator

    @property
    def required(self) -> bool:
        return self.default is _UNSET

    def constraints(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in (
                ("gt", self.gt),
                ("ge", self.ge),
                ("lt", self.lt),
                ("le", self.le),
                ("min_length", self.min_length),
                ("max_length", self.max_length),
                ("pattern", self.pattern),
                ("discriminator", self.discriminator),
            )
            if v is not None
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({'' if self.required else repr(self.default)})"


class Query(Param):
    source = "query"


class Path(Param):
    source = "path"


class Header(Param):
    source = "header"

    def __init__(self, default: Any = _UNSET, *, convert_underscores: bool = True, **kw: Any):
        super().__init__(default, **kw)
        self.convert_underscores = convert_underscores


class Cookie(Param):
    source = "cookie"


class Body(Param):
    """The request body, or with embed=True (or beside other Body() parameters) one key
    of a JSON object body, as FastAPI's Body()."""

    source = "body"

    def __init__(self, default: Any = _UNSET, *, embed: bool | None = None,
                 media_type: str = "application/json", **kw: Any) -> None:
        super().__init__(default, **kw)
        self.embed = embed
        self.media_type = media_type


class Form(Body):
    """A field of an application/x-www-form-urlencoded body (FastAPI's Form()): the
    operation's Form() parameters, its dependencies' included, are that body's fields."""

    source = "form"

    def __init__(self, default: Any = _UNSET, *, media_type: str =
                 "application/x-www-form-urlencoded", **kw: Any) -> None:
        super().__init__(default, **kw)
        self.media_type = media_type


class File(Form):
    """A file part of a multipart/form-data body (FastAPI's File()): an UploadFile, or
    with a bytes annotation the part's content."""

    def __init__(self, default: Any = _UNSET, *, media_type: str = "multipart/form-data",
                 **kw: Any) -> None:
        super().__init__(default, media_type=media_type, **kw)


class Field(Param):
    """Constraints on a dataclass or TypedDict field: Annotated[str, Field(max_length=50)]."""

    source = "field"


class Depends:
    """A parameter solved by calling `dependency` (FastAPI's Depends): a function,
    coroutine function, class, or (async) generator function whose code after `yield`
    runs after the response is sent. Its own parameters are the route's. Without a
    dependency, the parameter's annotation is called (`commons: Commons = Depends()`).
    use_cache: one call per request however often the graph names it (False: each time).
    scope: when a generator's exit code runs, "request" (after the response, the
    default) or "function" (as soon as the endpoint returns)."""

    def __init__(self, dependency: Any = None, *, use_cache: bool = True,
                 scope: str | None = None) -> None:
        if scope not in (None, "request", "function"):
            raise ValueError(f"Depends scope must be 'function' or 'request', not {scope!r}")
        self.dependency = dependency
        self.use_cache = use_cache
        self.scope = scope

    def __repr__(self) -> str:
        attr = getattr(self.dependency, "__name__", type(self.dependency).__name__)
        cache = "" if self.use_cache else ", use_cache=False"
        return f"{type(self).__name__}({attr}{cache})"


class Security(Depends):
    """Depends with OAuth2 scopes the dependency (and those it depends on) need: they
    reach a SecurityScopes parameter, and document the operation's security."""

    def __init__(self, dependency: Any = None, *, scopes: Sequence[str] | None = None,
                 use_cache: bool = True) -> None:
        super().__init__(dependency, use_cache=use_cache)
        self.scopes = list(scopes or [])
