"""Request: the incoming request, built lazily from the native one.

Only handlers that declare a `Request` parameter get one, and each attribute is converted
to Python on first access:

    async def echo(request: Request):
        request.method, request.path, request.url, request.headers["content-type"],
        request.query_params.getlist("tag"), request.path_params, await request.body(),
        await request.json(), request.cookies, request.state
        request["query_params"]   # mapping access, as the earlier system offered
"""

from __future__ import annotations

import http.cookies
import json
from typing import Any, AsyncIterator, Generator, Iterator, Mapping
from urllib.parse import unquote

from .datastructures import URL, Address, FormData, Headers, QueryParams, State
from .exceptions import HTTPException
from .lifespan import current_app, current_client, current_root_path, current_state

__all__ = ["HTTPConnection", "Headers", "QueryParams", "Request", "URL"]


def parse_cookies(header: str) -> dict[str, str]:
    """One Cookie header's name/value pairs (not SimpleCookie.load, whose old grammar
    refuses much of what browsers send)."""
    out: dict[str, str] = {}
    for chunk in header.split(";"):
        key, eq, value = chunk.partition("=")
        if not eq:
            key, value = "", chunk
        key, value = key.strip(), value.strip()
        if key or value:
            out[key] = http.cookies._unquote(value)
    return out


class HTTPConnection(Mapping[str, Any]):
    """What Starlette's Request and WebSocket share; here the Request is the only kind. A
    parameter annotated with it gets the Request, as under FastAPI."""

    __slots__ = ()


class Request(HTTPConnection):
    __slots__ = ("_data", "_headers", "_query", "_body", "_path_params", "_state", "_cookies",
                 "_form", "_scope")

    def __init__(self, data: Any) -> None:
        self._data = data
        self._headers: Headers | None = None
        self._query: QueryParams | None = None
        self._body: bytes | None = None
        self._form: FormData | None = None
        self._path_params: dict[str, str] | None = None
        self._state: State | None = None
        self._cookies: dict[str, str] | None = None
        self._scope: dict[str, Any] | None = None

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
        """As Starlette builds it: the Host header's authority when valid, the path with
        "?", "#" and "\\" escaped, the query string as received."""
        host = self.headers.get("host")
        scope = {"scheme": self._data.scheme, "path": self.path,
                 "query_string": self._data.query_string,
                 "headers": [(b"host", host.encode("latin-1"))] if host is not None else []}
        return URL(scope=scope)

    @property
    def app(self) -> Any:
        """The app serving this request."""
        return current_app()

    @property
    def scope(self) -> dict[str, Any]:
        """The request as an ASGI HTTP connection scope (Starlette's request.scope), made
        on first use: type, asgi, http_version, method, scheme, path, raw_path,
        query_string, root_path, headers (lower-case names, bytes), client, server (None:
        not known here), path_params, app and state. A copy: changing it changes nothing
        the request answers."""
        if self._scope is None:
            raw = self._data.raw_path
            self._scope = {
                "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"},
                "http_version": self._data.http_version, "method": self.method,
                "scheme": self._data.scheme, "path": self.path, "raw_path": raw,
                "query_string": self._data.query_string, "root_path": current_root_path(),
                "headers": list(self.headers.raw),
                "client": current_client() or self._data.client,
                "server": None, "path_params": self.path_params, "app": self.app,
                "state": self.state._state}
        return self._scope

    @property
    def base_url(self) -> URL:
        """The URL of the app's root (its root_path, then "/"), as Starlette's."""
        root = current_root_path()
        host = self.headers.get("host")
        scope = {"scheme": self._data.scheme, "path": root if root.endswith("/") else root + "/",
                 "query_string": b"",
                 "headers": [(b"host", host.encode("latin-1"))] if host is not None else []}
        return URL(scope=scope)

    def url_for(self, name: str, /, **path_params: Any) -> URL:
        """The absolute URL of the route named `name` with these path parameters
        (Starlette's; NoMatchFound when no route has that name and those parameters)."""
        url_path = self.app.url_path_for(name, **path_params)
        result: URL = url_path.make_absolute_url(base_url=self.base_url)
        return result

    @property
    def client(self) -> Address | None:
        """The client's (host, port), as the server's socket sees it (a TestClient's
        requests: ("testclient", 50000), as Starlette's)."""
        peer = current_client() or self._data.client
        return None if peer is None else Address(*peer)

    @property
    def headers(self) -> Headers:
        """Names lower-case, values latin-1 as received (Starlette's Headers)."""
        if self._headers is None:
            self._headers = Headers(raw=[(k.lower().encode("latin-1"), v.encode("latin-1"))
                                         for k, v in self._data.headers])
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        if self._query is None:
            self._query = QueryParams(self.query_string)
        return self._query

    @property
    def cookies(self) -> dict[str, str]:
        """The Cookie header fields' pairs, read as browsers write them (Starlette's rules:
        a chunk without "=" is a value with an empty name, values unquoted as
        http.cookies does, later fields win)."""
        if self._cookies is None:
            self._cookies = {}
            for field in self.headers.getlist("cookie"):
                self._cookies.update(parse_cookies(field))
        return self._cookies

    @property
    def state(self) -> State:
        """This request's state: a shallow copy of its I/O thread's lifespan state, then
        whatever the request sets (Starlette's request.state)."""
        if self._state is None:
            self._state = State(dict(current_state()))
        return self._state

    @property
    def path_params(self) -> dict[str, str]:
        if self._path_params is None:
            self._path_params = dict(self._data.path_params)
        return self._path_params

    def _raw_body(self) -> bytes:
        if self._body is None:
            self._body = bytes(self._data.body)
        return self._body

    async def body(self) -> bytes:
        """The request body (read in full before the handler runs: awaiting never waits)."""
        return self._raw_body()

    async def json(self) -> Any:
        return json.loads(self._raw_body())

    def form(self, *, max_files: int | float = 1000, max_fields: int | float = 1000,
             max_part_size: int = 1024 * 1024) -> "_FormReader":
        """The form body (multipart/form-data or application/x-www-form-urlencoded) as
        Starlette's FormData: awaited, or used as `async with` (its files closed after).
        Read once and kept; a malformed multipart body raises HTTPException(400). An upload
        to a route with Form/File parameters was parsed while it arrived, with Starlette's
        default limits."""
        return _FormReader(self, (max_files, max_fields, max_part_size))

    def _read_form(self, limits: tuple[int | float, int | float, int]) -> FormData:
        if self._form is None:
            big = 2**63 - 1
            files, fields, part = (int(min(x, big)) for x in limits)
            try:
                self._form = FormData(self._data.form(files, fields, part))
            except ValueError as e:
                raise HTTPException(status_code=400, detail=str(e)) from None
        return self._form

    async def close(self) -> None:
        if self._form is not None:
            await self._form.close()

    async def stream(self) -> AsyncIterator[bytes]:
        """The body in pieces, as Starlette's stream(): here one piece, then b""."""
        body = self._raw_body()
        if body:
            yield body
        yield b""

    # Mapping access: the earlier system's dictionary shape for these keys, the scope's
    # (Starlette's request[key]) for the others.
    _KEYS = ("method", "path", "path_params", "query_params", "headers", "body")

    def __getitem__(self, key: str) -> Any:
        if key not in self._KEYS:
            return self.scope[key]
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
            return self._raw_body()
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys((*self._KEYS, *self.scope)))

    def __len__(self) -> int:
        return len(dict.fromkeys((*self._KEYS, *self.scope)))

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path}>"


class _FormReader:
    """What Request.form() returns, as Starlette's AwaitableOrContextManager: awaited it is
    the form; as an async context manager the form, closed on exit."""

    __slots__ = ("_request", "_limits")

    def __init__(self, request: Request,
                 limits: tuple[int | float, int | float, int]) -> None:
        self._request = request
        self._limits = limits

    def __await__(self) -> Generator[Any, None, FormData]:
        return self._get().__await__()

    async def _get(self) -> FormData:
        return self._request._read_form(self._limits)

    async def __aenter__(self) -> FormData:
        return self._request._read_form(self._limits)

    async def __aexit__(self, *exc: Any) -> None:
        await self._request.close()
