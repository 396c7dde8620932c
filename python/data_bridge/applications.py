"""App: routes plus the server that runs them.

    app = App(title="Users", version="1.0.0")

    @app.get("/health")
    def health():
        return {"status": "ok"}

    app.run(host="0.0.0.0", port=8000, threads=1)
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
from typing import Any

from codegen.back.openapi.emit import to_openapi

from . import _core, _runtime
from ._core import encode_json
from ._runtime_spec import runtime_routes
from .responses import Response
from .routing import Router


DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024


class App(Router):
    def __init__(
        self,
        title: str = "data-bridge",
        version: str = "0.1.0",
        description: str = "",
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        request_timeout: float = 10.0,
        keepalive_timeout: float = 5.0,
        graceful_timeout: float = 10.0,
        openapi_url: str | None = "/openapi.json",
    ) -> None:
        super().__init__()
        self.title = title
        self.version = version
        self.description = description
        self.openapi_url = openapi_url
        self.settings: dict[str, Any] = {
            "max_body_bytes": max_body_bytes,
            "request_timeout": request_timeout,
            "keepalive_timeout": keepalive_timeout,
            "graceful_timeout": graceful_timeout,
        }

    def openapi(self) -> dict[str, Any]:
        """This app's OpenAPI 3.1 document (also served at /openapi.json)."""
        document: dict[str, Any] = to_openapi(
            self.lower(self.title, self.version, self.description).service)
        return document

    def build(self, host: str = "127.0.0.1", port: int = 8000, threads: int = 1, **settings: Any) -> Any:
        """The native server for this app, not yet bound (see run / testing.serve)."""
        config = dict(self.settings)
        config.update({k: v for k, v in settings.items() if v is not None})
        config.update(host=host, port=port, threads=threads)
        lowered = self.lower(self.title, self.version, self.description)
        routes, models = runtime_routes(lowered)
        if self.openapi_url and not any(r.path == self.openapi_url for r in self.routes):
            document = Response(encode_json(to_openapi(lowered.service)),
                                media_type="application/json")

            def openapi_json() -> Response:
                return document

            routes.append({"method": "GET", "path": self.openapi_url, "handler": openapi_json,
                           "status_code": 200, "params": []})
        return _core.Server(config, routes, _runtime, models)

    def run(
        self,
        host: str = "127.0.0.1",
        port: int = 8000,
        threads: int = 1,
        workers: int = 1,
        **settings: Any,
    ) -> None:
        """Serve until SIGINT/SIGTERM, then shut down gracefully.

        workers > 1 forks that many processes, each binding the port with SO_REUSEPORT (the
        kernel spreads connections) and running `threads` I/O threads; the parent forwards
        SIGINT/SIGTERM and exits when they have, 0 if they all did.
        settings: max_body_bytes, request_timeout, keepalive_timeout, graceful_timeout,
        ssl_certfile + ssl_keyfile (TLS with ALPN h2 / http/1.1), grpc_port (also serve the
        proto services over gRPC, on that port) with grpc_max_receive_message_bytes,
        grpc_max_send_message_bytes (4 MiB), grpc_keepalive_time_ms (2 h),
        grpc_keepalive_timeout_ms (20 s); with ssl_certfile the gRPC port speaks TLS too.
        """
        if workers > 1:
            self._run_workers(host, port, threads, workers, settings)
            return
        from .rpc import grpc_settings

        grpc_config = grpc_settings(settings)
        grpc_port = grpc_config.pop("port", None)
        server = self.build(host, port, threads, **settings)
        bound = server.bind()
        grpc = (self.start_grpc(host, grpc_port, threads, **grpc_config)
                if grpc_port is not None else None)
        scheme = "https" if settings.get("ssl_certfile") else "http"
        print(
            f"data-bridge: serving {self.title} on {scheme}://{host}:{bound} "
            + (f"and gRPC on {host}:{grpc.port} " if grpc else "")
            + f"({threads} thread{'' if threads == 1 else 's'})",
            file=sys.stderr,
            flush=True,
        )
        grace = float(settings.get("graceful_timeout") or 10.0)
        server.serve(functools.partial(_runtime.run_worker, grpc=grpc),
                     (lambda: grpc.shutdown(grace)) if grpc else None)
        if grpc:
            grpc.shutdown(0)
        print("data-bridge: stopped", file=sys.stderr, flush=True)

    def grpc_methods(self) -> list[Any]:
        """The RPCs of the proto services included in this app."""
        return [m for g in self.generated if hasattr(g, "grpc_methods") for m in g.grpc_methods()]

    def start_grpc(self, host: str, port: int, threads: int, **settings: Any) -> Any:
        """Starts the gRPC server for this app's proto services (data_bridge.rpc); its loops
        attach when the HTTP server's I/O threads start (run_worker(..., grpc=...))."""
        from .rpc import start_grpc

        methods = self.grpc_methods()
        if not methods:
            raise ValueError("grpc_port given, but the app has no proto services")
        return start_grpc(methods, host, port, threads, **settings)

    def _run_workers(
        self, host: str, port: int, threads: int, workers: int, settings: dict[str, Any]
    ) -> None:
        if port == 0:
            raise ValueError("workers > 1 needs a fixed port (each worker binds it)")
        children: list[int] = []
        for _ in range(workers):
            pid = os.fork()
            if pid == 0:  # the worker: an ordinary single-process server
                code = 0
                try:
                    self.run(host, port, threads, 1, **settings)
                except BaseException:  # noqa: BLE001 - reported, then the process exits
                    logging.getLogger("data_bridge").exception("worker failed")
                    code = 1
                finally:
                    os._exit(code)
            children.append(pid)

        def forward(signum: int, _frame: Any) -> None:
            for child in children:
                try:
                    os.kill(child, signum)
                except ProcessLookupError:
                    pass

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        failed = 0
        for child in children:
            while True:
                try:
                    _, status = os.waitpid(child, 0)
                    break
                except InterruptedError:
                    continue
            failed += os.waitstatus_to_exitcode(status) != 0
        if failed:
            raise SystemExit(1)
