"""Parameter markers: where a handler parameter comes from and its constraints.

    async def search(q: Annotated[str, Query(min_length=1)],
                     limit: Annotated[int, Query(ge=1, le=100)] = 10,
                     token: Annotated[str | None, Header()] = None): ...

`Field` carries the same constraints for dataclass / TypedDict fields.
"""

from __future__ import annotations

import warnings
from typing import Any

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
    ) -> None:
        """FastAPI's arguments of the same names. The constraints are checked natively;
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
    source = "body"


class Field(Param):
    """Constraints on a dataclass or TypedDict field: Annotated[str, Field(max_length=50)]."""

    source = "field"
