"""Serving an App in-process for tests, on ephemeral ports, with real sockets.

    with serve(app) as base_url:
        httpx.get(base_url + "/health")
    with serve_grpc(app) as (base_url, target):      # also its proto services over gRPC
        grpc.insecure_channel(target)                # (grpc_* settings: see App.run)
"""

from __future__ import annotations

import contextlib
import functools
import threading
from typing import Any, Iterator

from . import _runtime
from .applications import App
from .rpc import grpc_settings


@contextlib.contextmanager
def serve(app: App, threads: int = 1, **settings: Any) -> Iterator[str]:
    with _serving(app, threads, False, settings) as (url, _):
        yield url


@contextlib.contextmanager
def serve_grpc(app: App, threads: int = 1, **settings: Any) -> Iterator[tuple[str, str]]:
    with _serving(app, threads, True, settings) as served:
        yield served


@contextlib.contextmanager
def _serving(app: App, threads: int, grpc: bool,
             settings: dict[str, Any]) -> Iterator[tuple[str, str]]:
    grpc_config = grpc_settings(settings)
    server = app.build("127.0.0.1", 0, threads, **settings)
    port = server.bind()
    dispatcher = app.start_grpc("127.0.0.1", 0, threads, **grpc_config) if grpc else None
    run = functools.partial(_runtime.run_worker, grpc=dispatcher)
    thread = threading.Thread(target=server.serve, args=(run,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", f"127.0.0.1:{dispatcher.port}" if dispatcher else ""
    finally:
        if dispatcher is not None:
            dispatcher.shutdown(5.0)
        server.shutdown()
        thread.join(timeout=30)
