"""Server: one App served, its HTTP server and (with a gRPC port set) its gRPC server
started, drained and stopped together. App.run, the command line, every worker process of the
supervisor and data_bridge.testing all serve through it.

    server = Server(app, settings)       # settings: data_bridge.settings.ServerSettings
    server.start()                        # binds; server.port, server.grpc_port
    server.serve()                        # blocks: on the main thread SIGTERM/SIGINT drain
    server.shutdown()                     # any thread: drain gRPC (its calls need the loops),
                                          # then HTTP; serve() returns when both are done
Draining: the gRPC server turns NOT_SERVING, refuses new calls and gives those in flight the
graceful timeout while the I/O threads' loops still run; then the HTTP server stops
accepting, answers what it has (Connection: close, GOAWAY) and closes, within the same
timeout.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Optional

from . import _runtime
from .lifespan import Running
from .rpc import GrpcServer, start_grpc
from .settings import ServerSettings


class Server:
    def __init__(self, app: Any, settings: ServerSettings,
                 listen_fds: tuple[int, ...] = (), lifespan: bool = True,
                 client: Optional[tuple[str, int]] = None) -> None:
        """lifespan: run the app's lifespan on each I/O thread (False: serve without it,
        as Starlette's TestClient outside a `with` block); client: what every request
        reports as its client (a TestClient's server), None: the connection's peer."""
        self.app = app
        self.lifespan = lifespan
        self.client = client
        self._startup_failure: Optional[BaseException] = None
        self._starting = 0  # I/O threads whose lifespan startup is not over
        self._started = threading.Event()
        self.settings = settings
        self.listen_fds = listen_fds
        self.port = 0
        self.grpc_port: Optional[int] = None
        self._http: Any = None
        self._grpc: Optional[GrpcServer] = None
        self._drain_lock = threading.Lock()
        self._drained = False

    def start(self) -> None:
        """Builds and binds the HTTP server, and starts gRPC when settings.grpc.port is set
        (its calls are served once serve() runs the loops)."""
        self._http = self.app.build(self.settings, self.listen_fds)
        self.port = self._http.bind()
        if self.settings.grpc.port is not None:
            methods = self.app.grpc_methods()
            if not methods:
                raise ValueError("grpc_port given, but the app has no proto services")
            self._grpc = start_grpc(methods, self.settings)
            self.grpc_port = self._grpc.port

    def serve(self) -> None:
        """Runs the I/O threads until shutdown() (or, on the main thread, SIGTERM/SIGINT)."""
        if self._http is None:
            self.start()
        http = self._http
        assert http is not None
        context = getattr(self.app, "lifespan_context", None) if self.lifespan else None
        lifespan = (None if context is None else
                    functools.partial(Running, self.app, context))
        self._starting = self.settings.threads
        http.serve(functools.partial(_runtime.run_worker, grpc=self._grpc, lifespan=lifespan,
                                     started=self._thread_started,
                                     startup_failed=self._startup_failed, app=self.app,
                                     root_path=self.settings.root_path, client=self.client),
                   self._drain_grpc)
        if self._grpc is not None:
            self._grpc.shutdown(0)  # after a drain: nothing left; otherwise stop at once
        if self._startup_failure is not None:
            raise RuntimeError("Application startup failed") from self._startup_failure

    def wait_started(self, timeout: float = 60) -> None:
        """Blocks until every I/O thread has run its lifespan startup (serve() running on
        another thread); raises RuntimeError from the failure if one raised."""
        if not self._started.wait(timeout):
            raise TimeoutError(f"the app did not start within {timeout} s")
        if self._startup_failure is not None:
            raise RuntimeError("Application startup failed") from self._startup_failure

    def _thread_started(self) -> None:
        with self._drain_lock:
            self._starting -= 1
            if self._starting <= 0:
                self._started.set()

    def _startup_failed(self, exc: BaseException) -> None:
        """An I/O thread's lifespan startup raised: everything stops, serve() raises."""
        if self._startup_failure is None:
            self._startup_failure = exc
        self._started.set()
        self.shutdown()

    def shutdown(self) -> None:
        """Drains gRPC, then HTTP; thread-safe, and once is enough."""
        self._drain_grpc()
        if self._http is not None:
            self._http.shutdown()

    def _drain_grpc(self) -> None:
        with self._drain_lock:
            if self._drained or self._grpc is None:
                return
            self._drained = True
        self._grpc.shutdown(self.settings.graceful_timeout)


def shut_down(server: Server, thread: threading.Thread | None) -> None:
    """Stops `server`, served by `thread`, and waits for it (what an in-process server
    registers to run when its owner is collected or at interpreter exit, before the
    runtime goes away under the server's thread)."""
    server.shutdown()
    if thread is not None:
        thread.join(timeout=30)
