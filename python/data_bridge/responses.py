"""Response classes a handler may return (plain dict/list/str/bytes work too), with
Starlette's API and header rules:

    return JSONResponse({"id": 1}, status_code=201, headers={"Location": "/items/1"})
    return PlainTextResponse("pong")
    return Response(b"\\x00\\x01", media_type="application/octet-stream")
    return RedirectResponse("/login")                       # 307, Location quoted
    return StreamingResponse(produce(), media_type="application/x-ndjson")  # sent as produced

    response = JSONResponse({"ok": True})
    response.headers["X-Trace"] = "abc"                     # MutableHeaders over raw_headers
    response.set_cookie("session", "s1", httponly=True)

`raw_headers` holds (name, value) latin-1 byte pairs, names lower-case, with the
content-length and content-type Starlette adds (content-type from media_type, "; charset=utf-8"
added for text/*); the runtime reads `status_code`, `body` and `raw_headers`, takes the
content type from them and frames the body itself; a `background` task runs once the
response has been sent (data_bridge.background).
"""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import http.cookies
import importlib
import mimetypes
import os
import stat
import warnings
from typing import Any, AsyncIterable, Iterable, Literal, Mapping, Union
from urllib.parse import quote

from . import _core
from .background import BackgroundTask
from .datastructures import URL, MutableHeaders
from .exceptions import FastAPIDeprecationWarning

__all__ = ["FileResponse", "HTMLResponse", "JSONResponse", "ORJSONResponse", "PlainTextResponse",
           "RedirectResponse", "Response", "StreamingResponse", "UJSONResponse"]


class Response:
    media_type: str | None = None
    charset = "utf-8"

    def __init__(
        self,
        content: Any = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.background = background  # run after the response is sent
        self.body = self.render(content)
        self.init_headers(headers)

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        if isinstance(content, bytes):
            return content
        if isinstance(content, (bytearray, memoryview)):
            return bytes(content)
        encoded: bytes = content.encode(self.charset)
        return encoded

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        """raw_headers from `headers`, then content-length (a body, a status that has one)
        and content-type (media_type), each unless `headers` set it."""
        raw = ([] if headers is None else
               [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()])
        given = {k for k, _ in raw}
        body = getattr(self, "body", None)
        if (body is not None and b"content-length" not in given
                and not (self.status_code < 200 or self.status_code in (204, 304))):
            raw.append((b"content-length", str(len(body)).encode("latin-1")))
        media = self.media_type
        if media is not None and b"content-type" not in given:
            if media.startswith("text/") and "charset=" not in media.lower():
                media += "; charset=" + self.charset
            raw.append((b"content-type", media.encode("latin-1")))
        self.raw_headers = raw

    @property
    def headers(self) -> MutableHeaders:
        """The response's headers, live: changes go to raw_headers."""
        view: MutableHeaders | None = self.__dict__.get("_headers")
        if view is None:
            view = self.__dict__["_headers"] = MutableHeaders(raw=self.raw_headers)
        return view

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: int | None = None,
        expires: datetime.datetime | str | int | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: Literal["lax", "strict", "none"] | None = "lax",
        partitioned: bool = False,
    ) -> None:
        """Adds a Set-Cookie field (http.cookies' quoting and attribute names)."""
        cookie: http.cookies.BaseCookie[str] = http.cookies.SimpleCookie()
        cookie[key] = value
        morsel = cookie[key]
        if max_age is not None:
            morsel["max-age"] = max_age
        if expires is not None:
            morsel["expires"] = (email.utils.format_datetime(expires, usegmt=True)
                                 if isinstance(expires, datetime.datetime)
                                 else expires)
        if path is not None:
            morsel["path"] = path
        if domain is not None:
            morsel["domain"] = domain
        if secure:
            morsel["secure"] = True
        if httponly:
            morsel["httponly"] = True
        if samesite is not None:
            assert samesite.lower() in ("strict", "lax", "none"), \
                "samesite must be either 'strict', 'lax' or 'none'"
            morsel["samesite"] = samesite
        if partitioned:  # http.cookies knows the attribute from Python 3.14 on
            raise ValueError("Partitioned cookies are only supported in Python 3.14 and above.")
        self.raw_headers.append(
            (b"set-cookie", cookie.output(header="").strip().encode("latin-1")))

    def delete_cookie(
        self,
        key: str,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: Literal["lax", "strict", "none"] | None = "lax",
        partitioned: bool = False,
    ) -> None:
        """A Set-Cookie that expires `key` at once."""
        self.set_cookie(key, max_age=0, expires=0, path=path, domain=domain, secure=secure,
                        httponly=httponly, samesite=samesite, partitioned=partitioned)


class JSONResponse(Response):
    """`content` as compact JSON (UTF-8, no NaN or Infinity), encoded natively."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return _core.encode_json(content)


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


_orjson = _optional("orjson")
_ujson = _optional("ujson")
_DEPRECATED = (
    "{0} is deprecated, FastAPI now serializes data directly to JSON bytes via Pydantic when "
    "a return type or response model is set, which is faster and doesn't need a custom "
    "response class. Read more in the FastAPI docs: "
    "https://fastapi.tiangolo.com/advanced/custom-response/#orjson-or-response-model and "
    "https://fastapi.tiangolo.com/tutorial/response-model/")


class ORJSONResponse(JSONResponse):
    """JSON by orjson (not a dependency: install it), as FastAPI's (deprecated there, and
    warned about here the same way, when made)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(_DEPRECATED.format("ORJSONResponse"), FastAPIDeprecationWarning,
                      stacklevel=2)
        super().__init__(*args, **kwargs)

    def render(self, content: Any) -> bytes:
        assert _orjson is not None, "orjson must be installed to use ORJSONResponse"
        encoded: bytes = _orjson.dumps(
            content, option=_orjson.OPT_NON_STR_KEYS | _orjson.OPT_SERIALIZE_NUMPY)
        return encoded


class UJSONResponse(JSONResponse):
    """JSON by ujson (not a dependency: install it), as FastAPI's (deprecated there)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(_DEPRECATED.format("UJSONResponse"), FastAPIDeprecationWarning,
                      stacklevel=2)
        super().__init__(*args, **kwargs)

    def render(self, content: Any) -> bytes:
        assert _ujson is not None, "ujson must be installed to use UJSONResponse"
        return str(_ujson.dumps(content, ensure_ascii=False)).encode("utf-8")


class PlainTextResponse(Response):
    media_type = "text/plain"


class HTMLResponse(Response):
    media_type = "text/html"


class RedirectResponse(Response):
    """An empty response sending the client to `url` (307 unless told), its Location
    percent-quoted where a URL may not hold the character as it is."""

    def __init__(
        self,
        url: str | URL,
        status_code: int = 307,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(content=b"", status_code=status_code, headers=headers,
                         background=background)
        self.headers["location"] = quote(str(url), safe=":/%#?=@[]!$&'()*+,;")


class FileResponse(Response):
    """A file's contents, with Starlette's headers: the media type guessed from `filename`
    or the path, Content-Disposition when a filename is given (RFC 6266's filename* when it
    is not plain ASCII), Accept-Ranges, Content-Length, Last-Modified and an ETag from the
    file's stat (made with the response, so a missing file raises there, as Starlette's
    raises when sending). The server sends the file itself as the client takes it, never
    holding it in memory, and serves a GET's Range as Starlette does (206, multipart/
    byteranges for several, If-Range, 400 and 416): framework/server/file_answer.cc. As
    Starlette's, it has no `body`."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
        filename: str | None = None,
        stat_result: os.stat_result | None = None,
        content_disposition_type: str = "attachment",
    ) -> None:
        self.path = path
        self.status_code = status_code
        self.filename = filename
        if media_type is None:
            media_type = mimetypes.guess_type(filename or path)[0] or "application/octet-stream"
        self.media_type = media_type
        self.background = background
        self.init_headers(headers)
        self.headers.setdefault("accept-ranges", "bytes")
        if filename is not None:
            quoted = quote(filename)
            self.headers.setdefault("content-disposition", (
                f"{content_disposition_type}; filename*=utf-8''{quoted}" if quoted != filename
                else f'{content_disposition_type}; filename="{filename}"'))
        try:
            found = stat_result or os.stat(path)
        except FileNotFoundError:
            raise RuntimeError(f"File at path {path} does not exist.") from None
        if not stat.S_ISREG(found.st_mode):
            raise RuntimeError(f"File at path {path} is not a file.")
        self.stat_result = found
        tag = hashlib.md5(f"{found.st_mtime}-{found.st_size}".encode(), usedforsecurity=False)
        self.headers.setdefault("content-length", str(found.st_size))
        self.headers.setdefault("last-modified", email.utils.formatdate(found.st_mtime,
                                                                         usegmt=True))
        self.headers.setdefault("etag", f'"{tag.hexdigest()}"')



class StreamingResponse(Response):
    """A body sent piece by piece as `content` produces it: an async iterable (an async
    generator, typically) or a plain iterable, iterated in a worker thread as Starlette
    does, of bytes or str. The status and headers go out at once (no content-length); over
    HTTP/1.1 the body is chunked, over HTTP/2 each piece is DATA as soon as the client's
    window allows. The producer waits while the client reads slower, stops when it leaves
    (an async generator is closed), and an exception midway cuts the body short (HTTP/1.1:
    closes the connection before the last chunk; HTTP/2: RST_STREAM)."""

    def __init__(
        self,
        content: Union[AsyncIterable[Any], Iterable[Any]],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.background = background  # run after the whole body is sent
        self.body_iterator = content
        self.init_headers(headers)
