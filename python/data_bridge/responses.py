"""Response classes a handler may return (plain dict/list/str/bytes work too).

    return JSONResponse({"id": 1}, status_code=201, headers={"Location": "/items/1"})
    return PlainTextResponse("pong")
    return Response(b"\\x00\\x01", media_type="application/octet-stream")
    return StreamingResponse(produce(), media_type="application/x-ndjson")  # sent as produced

The runtime reads `status_code`, `body` (bytes), `content_type` and `raw_headers`.
"""

from __future__ import annotations

from typing import Any, AsyncIterable, Iterable, Mapping, Union

from . import _core


class Response:
    media_type: str | None = None
    charset = "utf-8"

    __slots__ = ("status_code", "body", "content_type", "raw_headers")

    def __init__(
        self,
        content: Any = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None:
        self.status_code = status_code
        media = media_type if media_type is not None else self.media_type
        self.body = self.render(content)
        if media is not None and media.startswith("text/") and "charset=" not in media:
            media = f"{media}; charset={self.charset}"
        self.content_type = media
        self.raw_headers = list(headers.items()) if headers else []

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        if isinstance(content, (bytes, bytearray, memoryview)):
            return bytes(content)
        return str(content).encode(self.charset)

    @property
    def headers(self) -> dict[str, str]:
        return dict(self.raw_headers)


class JSONResponse(Response):
    media_type = "application/json"
    __slots__ = ()

    def render(self, content: Any) -> bytes:
        return _core.encode_json(content)


class PlainTextResponse(Response):
    media_type = "text/plain"
    __slots__ = ()


class HTMLResponse(Response):
    media_type = "text/html"
    __slots__ = ()


class StreamingResponse(Response):
    """A body sent piece by piece as `content` produces it: an async iterable (an async
    generator, typically) or a plain iterable, iterated in a worker thread as Starlette
    does, of bytes or str. The status and headers go out at once; over HTTP/1.1 the body is
    chunked, over HTTP/2 each piece is DATA as soon as the client's window allows. The
    producer waits while the client reads slower, stops when it leaves (an async
    generator is closed), and an exception midway cuts the body short (HTTP/1.1: closes
    the connection before the last chunk; HTTP/2: RST_STREAM)."""

    __slots__ = ("body_iterator",)

    def __init__(
        self,
        content: Union[AsyncIterable[Any], Iterable[Any]],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None:
        super().__init__(None, status_code, headers, media_type)
        self.body_iterator = content
