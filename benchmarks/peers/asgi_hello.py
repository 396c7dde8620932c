"""The HTTP/2 peer: examples/hello's benchmarked handlers as a plain ASGI app (no framework,
so the peer is as fast as Granian can make it), served by Granian from .venv-bench."""

import json

_JSON = {
    "message": "Hello, World!",
    "status": "success",
    "timestamp": 1234567890,
    "data": {"key": "value"},
}


async def _send(send, status, content_type, body):
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/plaintext":
        await _send(send, 200, b"text/plain; charset=utf-8", b"Hello, World!")
    elif path == "/json":
        await _send(send, 200, b"application/json", json.dumps(_JSON, separators=(",", ":")).encode())
    elif path == "/health":
        await _send(send, 200, b"application/json", b'{"status":"ok"}')
    else:
        await _send(send, 404, b"application/json", b'{"detail":"Not Found"}')
