"""Serving an App in-process for tests, on ephemeral ports, with real sockets.

    with serve(app) as base_url:
        httpx.get(base_url + "/health")
    with serve_grpc(app) as (base_url, target):      # also its proto services over gRPC
        grpc.insecure_channel(target)                # (options: see App.run)
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from typing import Any, Iterator

from .applications import App
from .server import Server
from .settings import ServerSettings


@contextlib.contextmanager
def serve(app: App, threads: int = 1, **options: Any) -> Iterator[str]:
    """Serves `app` on 127.0.0.1, any free port; options as App.run's."""
    with _serving(app, threads, False, options) as (url, _):
        yield url


@contextlib.contextmanager
def serve_grpc(app: App, threads: int = 1, **options: Any) -> Iterator[tuple[str, str]]:
    with _serving(app, threads, True, options) as served:
        yield served


@contextlib.contextmanager
def _serving(app: App, threads: int, grpc: bool,
             options: dict[str, Any]) -> Iterator[tuple[str, str]]:
    where = "serve_grpc" if grpc else "serve"
    settings = ServerSettings.from_options(where, app.settings, host="127.0.0.1", port=0,
                                           threads=threads, **options)
    if grpc:
        settings = dataclasses.replace(
            settings, grpc=dataclasses.replace(settings.grpc, port=settings.grpc.port or 0))
    server = Server(app, settings)
    server.start()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield (f"http://127.0.0.1:{server.port}",
               f"127.0.0.1:{server.grpc_port}" if server.grpc_port is not None else "")
    finally:
        server.shutdown()
        thread.join(timeout=30)
