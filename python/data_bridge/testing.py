"""Serving an App in-process for tests, on an ephemeral port, with real sockets.

    with serve(app) as base_url:
        httpx.get(base_url + "/health")
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator

from . import _runtime
from .applications import App


@contextlib.contextmanager
def serve(app: App, threads: int = 1, **settings: Any) -> Iterator[str]:
    server = app.build("127.0.0.1", 0, threads, **settings)
    port = server.bind()
    thread = threading.Thread(target=server.serve, args=(_runtime.run_worker,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)
