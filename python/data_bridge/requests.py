"""Request: the incoming request, built lazily from the native one.

Only handlers that declare a `Request` parameter get one, and each attribute is converted
to Python on first access:

    async def echo(request: Request):
        request.method, request.path, request.url, request.headers["content-type"],
        request.query_params.getlist("tag"), request.path_params, request.body,
        request.json()
        request["query_params"]   # mapping access, as the earlier system offered
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Mapping
from urllib.parse import parse_qsl, unquote


class Headers(Mapping[str, str]):
    """Case-insensitive, multi-valued header mapping (names lower-case)."""

    __slots__ = ("_items",)

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = [(k.lower(), v) for k, v in items]

    def __getitem__(self, key: str) -> str:
        key = key.lower()
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def getlist(self, key: str) -> list[str]:
        key = key.lower()
        return [v for k, v in self._items if k == key]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k for k, _ in self._items))

    def __len__(self) -> int:
        return len(dict.fromkeys(k for k, _ in self._items))

    def raw(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


class QueryParams(Mapping[str, str]):
    """Query string as a multi-mapping: q["tag"] is the last value, getlist("tag") all."""

    __slots__ = ("_items", "_last")

    def __init__(self, query_string: str) -> None:
        self._items = parse_qsl(query_string, keep_blank_values=True)
        self._last = dict(self._items)

    def __getitem__(self, key: str) -> str:
        return self._last[key]

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self._items if k == key]

    def multi_items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __iter__(self) -> Iterator[str]:
        return iter(self._last)

    def __len__(self) -> int:
        return len(self._last)

    def __repr__(self) -> str:
        return f"QueryParams({self._items!r})"


class URL:
    __slots__ = ("scheme", "netloc", "path", "query")

    def __init__(self, scheme: str, netloc: str, path: str, query: str) -> None:
        self.scheme, self.netloc, self.path, self.query = scheme, netloc, path, query

    def __str__(self) -> str:
        q = f"?{self.query}" if self.query else ""
        return f"{self.scheme}://{self.netloc}{self.path}{q}"

    def __repr__(self) -> str:
        return f"URL({str(self)!r})"


class Request(Mapping[str, Any]):
    __slots__ = ("_data", "_headers", "_query", "_body", "_path_params")

    def __init__(self, data: Any) -> None:
        self._data = data
        self._headers: Headers | None = None
        self._query: QueryParams | None = None
        self._body: bytes | None = None
        self._path_params: dict[str, str] | None = None

    @property
    def method(self) -> str:
        return str(self._data.method)

    @property
    def path(self) -> str:
        return unquote(self._data.raw_path.decode("latin-1"))

    @property
    def query_string(self) -> str:
        return str(self._data.query_string.decode("latin-1"))

    @property
    def url(self) -> URL:
        host = self.headers.get("host", "")
        return URL("http", host, self.path, self.query_string)

    @property
    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = Headers(self._data.headers)
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        if self._query is None:
            self._query = QueryParams(self.query_string)
        return self._query

    @property
    def path_params(self) -> dict[str, str]:
        if self._path_params is None:
            self._path_params = dict(self._data.path_params)
        return self._path_params

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = bytes(self._data.body)
        return self._body

    def json(self) -> Any:
        return json.loads(self.body)

    # Mapping access, the earlier system's dictionary shape.
    _KEYS = ("method", "path", "path_params", "query_params", "headers", "body")

    def __getitem__(self, key: str) -> Any:
        if key == "method":
            return self.method
        if key == "path":
            return self.path
        if key == "path_params":
            return self.path_params
        if key == "query_params":
            return dict(self.query_params)
        if key == "headers":
            return dict(self.headers)
        if key == "body":
            return self.body
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._KEYS)

    def __len__(self) -> int:
        return len(self._KEYS)

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path}>"
