"""App: routes plus the server that runs them.

    app = App(title="Users", version="1.0.0")

    @app.get("/health")
    def health():
        return {"status": "ok"}

    app.run(host="0.0.0.0", port=8000, threads=1)
"""

from __future__ import annotations

import functools
import sys
from typing import Any

from data_bridge.openapi.utils import to_openapi

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

        workers > 1 forks that many processes under a supervisor (data_bridge.supervisor),
        each running `threads` I/O threads on listening sockets the parent bound once (SO_
        REUSEPORT, one per thread): a worker that dies is logged and replaced, SIGTERM/SIGINT
        drain them all, SIGHUP restarts them one at a time without failing a request.
        settings: max_body_bytes, request_timeout, keepalive_timeout, graceful_timeout,
        ssl_certfile + ssl_keyfile (TLS with ALPN h2 / http/1.1), grpc_port (also serve the
        proto services over gRPC, on that port) with grpc_max_receive_message_bytes,
        grpc_max_send_message_bytes (4 MiB), grpc_keepalive_time_ms (2 h),
        grpc_keepalive_timeout_ms (20 s); with ssl_certfile the gRPC port speaks TLS too.
        """
        if workers > 1:
            from .supervisor import Supervisor

            def serve_one(listen_fds: list[int], ready_fd: int) -> None:
                self.run(host, port, threads, 1, listen_fds=listen_fds, ready_fd=ready_fd,
                         **settings)

            code = Supervisor(serve_one, host=host, port=port, threads=threads,
                              workers=workers).run()
            if code:
                raise SystemExit(code)
            return
        from .rpc import grpc_settings
        from .supervisor import notify_ready

        ready_fd = settings.pop("ready_fd", None)
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
        notify_ready(ready_fd)
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
