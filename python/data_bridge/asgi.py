"""An App as an ASGI 3 application, for what drives apps through ASGI: test transports
(httpx.ASGITransport, as FastAPI's async tests use it) and ASGI servers.

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        response = await client.get("/")

The app is served natively, as always: on the first request the App starts its own server
in this process (127.0.0.1, an ephemeral port, one I/O thread, a thread of its own) and each
ASGI request is forwarded to it over loopback, the response streamed back. The forwarding
uses AnyIO (as the ASGI test transports do), so it runs under asyncio and trio alike. A `lifespan`
scope, when the ASGI server sends one, runs the app's lifespan in that server (startup
before the first request, shutdown at the end); test transports send none, and then the
lifespan does not run (as with Starlette's apps under ASGITransport). The client address
and the scope's root_path are not carried over; websocket scopes are refused (close 1000).
"""

from __future__ import annotations

import importlib
import threading
import weakref
from typing import Any, Awaitable, Callable, MutableMapping

from .server import Server, shut_down
from .settings import ServerSettings

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

# Hop-by-hop headers the forwarding connection has its own of.
_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"content-length", b"upgrade"}


class AsgiBridge:
    """The ASGI entry point of one App (App.__call__)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._finalizer: weakref.finalize | None = None

    def _start(self, lifespan: bool) -> int:
        with self._lock:
            if self._server is None:
                settings = ServerSettings.from_options(
                    "ASGI", self.app.settings, host="127.0.0.1", port=0, threads=1)
                server = Server(self.app, settings, lifespan=lifespan)
                server.start()
                thread = threading.Thread(target=server.serve, daemon=True,
                                          name="data-bridge ASGI")
                thread.start()
                server.wait_started()
                self._server, self._thread = server, thread
                self._finalizer = weakref.finalize(self, shut_down, server, thread)
            return self._server.port

    def _stop(self) -> None:
        with self._lock:
            finalizer, self._finalizer = self._finalizer, None
            self._server = self._thread = None
        if finalizer is not None:
            finalizer()  # shut_down, once

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1000})
        else:
            raise ValueError(f"unsupported ASGI scope type {kind!r}")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        anyio = importlib.import_module("anyio")
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await anyio.to_thread.run_sync(self._start, True)
                except BaseException as exc:  # noqa: BLE001 - reported to the ASGI server
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await anyio.to_thread.run_sync(self._stop)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        anyio = importlib.import_module("anyio")
        buffered = importlib.import_module("anyio.streams.buffered")
        port = self._server.port if self._server is not None else \
            await anyio.to_thread.run_sync(self._start, False)
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        target = scope.get("raw_path") or scope["path"].encode("utf-8")
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        head = [scope["method"].encode("ascii") + b" " + target + b" HTTP/1.1"]
        head += [name + b": " + value for name, value in scope.get("headers", [])
                 if name.lower() not in _HOP]
        head += [b"content-length: " + str(len(body)).encode(), b"connection: close"]
        async with await anyio.connect_tcp("127.0.0.1", port) as stream:
            await stream.send(b"\r\n".join(head) + b"\r\n\r\n" + bytes(body))
            reader = buffered.BufferedByteReceiveStream(stream)
            await _relay(reader, anyio.EndOfStream, scope["method"] == "HEAD", send)


async def _line(reader: Any) -> bytes:
    return bytes(await reader.receive_until(b"\r\n", 65536))


async def _relay(reader: Any, end: type[Exception], head_only: bool, send: Send) -> None:
    """The server's HTTP/1.1 response (sent with connection: close) as ASGI messages, its
    body streamed as it arrives (chunked framing undone)."""
    status = int((await _line(reader)).split()[1])
    headers: list[tuple[bytes, bytes]] = []
    chunked = False
    length: int | None = None
    while line := await _line(reader):
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip()
        if name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
            continue
        if name == b"content-length":
            length = int(value)
        if name != b"connection":
            headers.append((name, value))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if head_only or status in (204, 304) or 100 <= status < 200:
        await send({"type": "http.response.body", "body": b""})
        return
    if chunked:
        while size := int((await _line(reader)).split(b";")[0], 16):
            data = await reader.receive_exactly(size)
            await _line(reader)
            await send({"type": "http.response.body", "body": bytes(data), "more_body": True})
        await _line(reader)
    elif length is not None:
        if length:
            data = await reader.receive_exactly(length)
            await send({"type": "http.response.body", "body": bytes(data), "more_body": True})
    else:
        try:
            while True:
                data = await reader.receive()
                await send({"type": "http.response.body", "body": bytes(data),
                            "more_body": True})
        except end:
            pass
    await send({"type": "http.response.body", "body": b""})
