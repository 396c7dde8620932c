"""TestClient: an httpx.Client for an App, as Starlette's (`fastapi.testclient.TestClient`),
except that requests go to the real server: the app is served in this process on
127.0.0.1 and an ephemeral port, with real sockets and the native runtime.

    client = TestClient(app)
    assert client.get("/items/1").json() == {"id": 1}
    with TestClient(app) as client:      # serves from enter to exit
        ...

The base URL's host (default "testserver") is sent as the Host header, so the app sees the
URL a client of Starlette's TestClient would; the user agent is "testclient". Without
`with`, the server starts on the first request and stops at close(). With
raise_server_exceptions (the default), an exception a handler did not handle during a
request is raised from that request, after its 500 answer, as Starlette's TestClient does; a request returns once the
background tasks it started have run (their exceptions raised the same way). `root_path` is
the served requests' root_path (the server's root_path setting). Not yet: the client
address, websocket_connect.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import httpx

from . import _runtime
from .applications import App
from .server import Server, shut_down
from .settings import ServerSettings

__all__ = ["TestClient"]


class _Forward(httpx.BaseTransport):
    """Sends each request to the served app over a real connection, Host kept."""

    def __init__(self, client: TestClient) -> None:
        self._client = client
        self._http = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        port = self._client._start()
        # A copy goes to the socket: the client keeps the request as made (cookies are
        # stored and redirects resolved against the base URL's host).
        sent = httpx.Request(request.method,
                             request.url.copy_with(scheme="http", host="127.0.0.1", port=port),
                             headers=request.headers, stream=request.stream,
                             extensions=request.extensions)
        return self._http.handle_request(sent)

    def close(self) -> None:
        self._http.close()


class TestClient(httpx.Client):
    __test__ = False  # not a pytest test class

    def __init__(
        self,
        app: App,
        base_url: str = "http://testserver",
        raise_server_exceptions: bool = True,
        root_path: str = "",
        cookies: Any = None,
        headers: dict[str, str] | None = None,
        follow_redirects: bool = True,
    ) -> None:
        self.app = app
        self.raise_server_exceptions = raise_server_exceptions
        self.root_path = root_path
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._in_flight = 0
        self._raised: list[BaseException] = []
        self._entered = False
        self._planned: dict[Any, Any] = {}  # the dependency_overrides the server was planned with
        self._finalizer: weakref.finalize | None = None
        headers = dict(headers or {})
        headers.setdefault("user-agent", "testclient")
        super().__init__(base_url=base_url, headers=headers, transport=_Forward(self),
                         follow_redirects=follow_redirects, cookies=cookies)

    def _overrides(self) -> dict[Any, Any]:
        return dict(getattr(self.app, "dependency_overrides", None) or {})

    def _start(self) -> int:
        # The server plans each route with the app's dependency_overrides of its start (an
        # override's own parameters are read natively): a test that changes them between
        # requests gets a server planned anew, as FastAPI reads them per request. Inside
        # `with` the lifespan's server is kept (its overrides: those planned, or ones taking
        # no other parameters than the planned).
        if (self._server is not None and not self._entered and self._in_flight <= 1
                and self._overrides() != self._planned):
            self._stop()
        with self._lock:
            if self._server is None:
                settings = ServerSettings.from_options(
                    "TestClient", self.app.settings, host="127.0.0.1", port=0, threads=1,
                    root_path=self.root_path or None)
                # The lifespan runs only inside `with`, as with Starlette's TestClient.
                self._planned = self._overrides()
                # Requests report ("testclient", 50000) as their client, as Starlette's.
                server = Server(self.app, settings, lifespan=self._entered,
                                client=("testclient", 50000))
                server.start()
                self._thread = threading.Thread(target=server.serve, daemon=True,
                                                name="data-bridge TestClient")
                self._thread.start()
                self._server = server
                try:
                    server.wait_started()
                except BaseException:
                    self._server = None
                    server.shutdown()
                    self._thread.join(timeout=30)
                    raise
                _runtime.exception_listeners.append(self._heard)
                # A client never closed (a module-level one, as tests often have) stops its
                # server when it is collected or at interpreter exit, before the runtime
                # goes away under the server's thread.
                self._finalizer = weakref.finalize(self, shut_down, server, self._thread)
            return self._server.port

    def _stop(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        if self._heard in _runtime.exception_listeners:
            _runtime.exception_listeners.remove(self._heard)
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        shut_down(server, thread)

    def _heard(self, exc: BaseException) -> None:
        if self._in_flight:
            self._raised.append(exc)

    def request(self, *args: Any, **kwargs: Any) -> httpx.Response:
        self._in_flight += 1
        try:
            response = super().request(*args, **kwargs)
            # As with Starlette's: a request returns once its background tasks are done.
            _runtime.background.wait_idle(timeout=60)
        finally:
            self._in_flight -= 1
        if self._raised and self.raise_server_exceptions:
            exc = self._raised[0]
            self._raised.clear()
            raise exc
        self._raised.clear()
        return response

    def __enter__(self) -> TestClient:
        self._stop()  # a server started outside `with` had no lifespan
        self._entered = True
        self._start()
        return self

    def __exit__(self, *args: Any) -> None:
        self.close()
        self._entered = False

    def close(self) -> None:
        super().close()
        self._stop()
