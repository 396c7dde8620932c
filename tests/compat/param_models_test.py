# No `from __future__ import annotations`: handlers annotate with local names.
"""Query, header and cookie parameter models (`Annotated[Model, Query()]`, Header(),
Cookie()) as FastAPI reads them: the fields from their source (repeated query keys as lists,
header names with hyphens, case-insensitive), the model's extra policy over the source's
other keys, pydantic's errors at [source, field] (the missing field's input the dict read),
beside ordinary parameters and dependencies; and each field documented as a parameter.
Form models (`Annotated[Model, Form()]`) alike from the form body, documented as the body."""

import types
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tests.compat.differential import suite


class FilterParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(100, gt=0, le=100, description="page size")
    offset: int = Field(0, ge=0)
    order_by: Literal["created_at", "updated_at"] = "created_at"
    tags: list[str] = []


class Loose(BaseModel):
    q: Optional[str] = None
    page: int = Field(1, alias="p")

    @field_validator("q")
    @classmethod
    def shout(cls, v: Optional[str]) -> Optional[str]:
        return v.upper() if v else v


class CommonHeaders(BaseModel):
    host: str
    save_data: bool
    if_modified_since: Optional[str] = None
    x_tag: list[str] = []


class StrictHeaders(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x_token: str


class LoginForm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    password: str = Field(min_length=3)
    tags: list[str] = []
    remember: bool = False


class Cookies(BaseModel):
    session_id: str
    tracker: Optional[str] = None


def build(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()
    Query, Header, Cookie, Depends = ns.Query, ns.Header, ns.Cookie, ns.Depends

    @app.get("/items/")
    async def read_items(filter_query: Annotated[FilterParams, Query()]):
        return filter_query

    def common(x: int = 0):
        return x

    @app.get("/loose/{item}")
    def loose(item: int, params: Annotated[Loose, Query()], n: int = 1,
              x: int = Depends(common)):
        return {"item": item, "params": params.model_dump(), "n": n, "x": x}

    @app.get("/optional/")
    def optional(params: Annotated[Optional[Loose], Query()] = None):
        return {"params": params.model_dump() if params else None}

    @app.get("/headers/")
    async def read_headers(headers: Annotated[CommonHeaders, Header()]):
        return headers

    @app.get("/strict-headers/")
    async def strict_headers(headers: Annotated[StrictHeaders, Header()]):
        return headers

    @app.post("/login/")
    async def login(data: Annotated[LoginForm, ns.Form()]):
        return data

    # FastAPI documents an optional form model as a Body_ model of its own: not compared.
    @app.post("/maybe-login/", include_in_schema=False)
    def maybe_login(data: Annotated[Optional[LoginForm], ns.Form()] = None):
        return {"data": data.model_dump() if data else None}

    @app.get("/cookies/")
    async def read_cookies(cookies: Annotated[Cookies, Cookie()]):
        return cookies

    return app


CASES = [
    ("/items/", {}),
    ("/items/?limit=5&tags=a&tags=b&order_by=updated_at", {}),
    ("/items/?limit=0&tool=plumbus", {}),
    ("/items/?order_by=x&offset=-1&limit=abc", {}),
    ("/items/?tags=a&tool=1&tool=2", {}),
    ("/loose/3?q=hey&p=4&n=2&x=7&other=1", {}),
    ("/loose/3?page=4", {}),
    ("/loose/x?p=1&n=z", {}),  # native errors only (merged with the model's: to come)
    ("/loose/3?p=y", {}),
    ("/optional/", {}),
    ("/optional/?q=a", {}),
    ("/optional/?p=bad", {}),
    ("/headers/", {"headers": {"save-data": "true", "x-tag": "1"}}),
    ("/headers/", {"headers": {"save-data": "maybe", "If-Modified-Since": "now"}}),
    ("/headers/", {"headers": {"save_data": "true"}}),
    ("/headers/", {}),
    ("/strict-headers/", {"headers": {"x-token": "t"}}),
    ("/cookies/", {"cookies": {"session_id": "s", "tracker": "t", "other": "o"}}),
    ("/cookies/", {}),
]


CASES += [
    ("POST", "/login/", {"data": {"username": "a", "password": "secret", "tags": ["x", "y"]}}),
    ("POST", "/login/", {"data": {"username": "a", "password": "se", "extra": "1"}}),
    ("POST", "/login/", {}),
    ("POST", "/login/", {"data": {"username": "", "password": "abc", "remember": "yes"}}),
    ("POST", "/login/", {"json": {"username": "a"}}),
    ("POST", "/login/", {"files": {"password": (None, b"abcd")}, "data": {"username": "u"}}),
    ("POST", "/maybe-login/", {}),
    ("POST", "/maybe-login/", {"data": {"username": "u", "password": "abc"}}),
    ("POST", "/maybe-login/", {"data": {"password": "ab"}}),
]

pair, test_same_answers, test_the_document_is_fastapis = suite(build, CASES, "GET")


def test_a_file_where_a_form_model_forbids_extras_is_a_422(pair: Any) -> None:
    """The error's input is the UploadFile as jsonable_encoder gives it: its attributes,
    which differ between Starlette's class and ours, so only the rest is compared."""
    answers = [c.post("/login/", files={"f": ("a.txt", b"x")},
                      data={"username": "u", "password": "abc"}) for c in (pair.theirs, pair.ours)]
    assert [r.status_code for r in answers] == [422, 422]
    details = [r.json()["detail"] for r in answers]
    assert [[(e["type"], e["loc"], e["input"]["filename"]) for e in d] for d in details] == [
        [("extra_forbidden", ["body", "f"], "a.txt")]] * 2
