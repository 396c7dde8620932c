"""Response classes a handler may return (plain dict/list/str/bytes work too).

    return JSONResponse({"id": 1}, status_code=201, headers={"Location": "/items/1"})
    return PlainTextResponse("pong")
    return Response(b"\\x00\\x01", media_type="application/octet-stream")

The runtime reads `status_code`, `body` (bytes), `content_type` and `raw_headers`.
"""

from __future__ import annotations

from typing import Any, Mapping

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
