"""App: routes plus the server that runs them.

    app = App(title="Users", version="1.0.0")

    @app.get("/health")
    def health():
        return {"status": "ok"}

    app.run(host="0.0.0.0", port=8000, threads=1)
"""

from __future__ import annotations

import sys
import warnings
from typing import Any, Awaitable, Callable, MutableMapping, Sequence, TypeVar

from data_bridge.openapi.docs import docs_pages
from data_bridge.openapi.utils import to_openapi

from . import _core, _runtime
from ._core import encode_json
from ._runtime_spec import runtime_routes
from .asgi import AsgiBridge
from .datastructures import State
from .errors import ExceptionHandlers
from .exception_handlers import http_exception_handler, request_validation_exception_handler
from .exceptions import FastAPIDeprecationWarning, HTTPException, RequestValidationError
from .lifespan import current_root_path
from .middleware import Middleware
from .middleware.base import BaseHTTPMiddleware, is_http_middleware
from .middleware.cors import CORSMiddleware
from .middleware.gzip import GZipMiddleware
from .middleware.httpsredirect import HTTPSRedirectMiddleware
from .middleware.trustedhost import TrustedHostMiddleware
from .responses import JSONResponse, Response
from .routing import Router
from .server import Server
from .settings import ServerSettings
from .supervisor import Supervisor, notify_ready


F = TypeVar("F", bound=Callable[..., Any])


def _document(app: App) -> Callable[..., Response]:
    """The handler serving the app's OpenAPI document: `app.openapi()` (so an app that
    replaces it serves its own), encoded once per document it returns; FastAPI's
    root_path first among the servers unless listed."""
    encoded: list[tuple[Any, Response]] = []

    def openapi_json() -> Response:
        document = app.openapi()
        if app.root_path_in_servers:
            root = current_root_path().rstrip("/")
            if root and root not in {s.get("url") for s in document.get("servers", [])}:
                document = {**document,
                            "servers": [{"url": root}] + document.get("servers", [])}
        if not encoded or encoded[0][0] is not document:
            encoded[:] = [(document, Response(encode_json(document),
                                              media_type="application/json"))]
        return encoded[0][1]

    return openapi_json


def _warn_duplicate_ids(routes: Sequence[Any]) -> None:
    """FastAPI's warning for an operation id the document already has (a route with
    several methods has one id for all of them, as there)."""
    seen: set[str] = set()
    for route in routes:
        if not route.include_in_schema or route.analysis is None:
            continue
        for op, _ in route.analysis.operations:
            if op.id in seen:
                name = getattr(route.endpoint, "__name__", "<unnamed_endpoint>")
                message = f"Duplicate Operation ID {op.id} for function {name}"
                file_name = getattr(route.endpoint, "__globals__", {}).get("__file__")
                if file_name:
                    message += f" at {file_name}"
                warnings.warn(message, stacklevel=1)
            seen.add(op.id)


# The middleware the native server carries out: the plan field each fills, once per app.
_NATIVE_ONCE = {CORSMiddleware: "cors", GZipMiddleware: "gzip"}


def _plan_native(plan: Any, m: Middleware) -> None:
    """Puts one natively carried-out middleware in the serving plan."""
    config = m.cls(None, *m.args, **m.kwargs).to_plan() if hasattr(m.cls, "to_plan") else None
    if m.cls in (TrustedHostMiddleware, HTTPSRedirectMiddleware):
        plan.host_rules.append(config)  # in the order added
    elif m.cls in _NATIVE_ONCE:
        field = _NATIVE_ONCE[m.cls]
        if plan.HasField(field):
            raise TypeError(f"one {m.cls.__name__} per app")
        getattr(plan, field).CopyFrom(config)
    else:
        raise TypeError(f"middleware {getattr(m.cls, '__name__', m.cls)!r} is not supported "
                        "yet (CORS, GZip, TrustedHost, HTTPSRedirect and BaseHTTPMiddleware "
                        "are)")


class App(Router):
    def __init__(
        self,
        title: str = "data-bridge",
        version: str = "0.1.0",
        description: str = "",
        *,
        max_body_bytes: int | None = None,
        request_timeout: float | None = None,
        keepalive_timeout: float | None = None,
        graceful_timeout: float | None = None,
        openapi_url: str | None = "/openapi.json",
        default_response_class: type[Any] | None = None,
        lifespan: Any = None,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
        redirect_slashes: bool = False,
        run_sync_inline: bool = True,
        exception_handlers: dict[Any, Callable[[Any, Exception], Any]] | None = None,
        settings: ServerSettings | None = None,
        dependencies: Sequence[Any] | None = None,
        middleware: Sequence[Middleware] | None = None,
        responses: dict[Any, Any] | None = None,
        summary: str | None = None,
        terms_of_service: str | None = None,
        contact: dict[str, Any] | None = None,
        license_info: dict[str, Any] | None = None,
        openapi_tags: list[dict[str, Any]] | None = None,
        servers: list[dict[str, Any]] | None = None,
        openapi_external_docs: dict[str, Any] | None = None,
        root_path: str = "",
        root_path_in_servers: bool = True,
        generate_unique_id_function: Callable[[Any], str] | None = None,
        separate_input_output_schemas: bool = True,
        deprecated: bool | None = None,
        include_in_schema: bool = True,
        docs_url: str | None = None,
        redoc_url: str | None = None,
        swagger_ui_oauth2_redirect_url: str | None = "/docs/oauth2-redirect",
        swagger_ui_init_oauth: dict[str, Any] | None = None,
        swagger_ui_parameters: dict[str, Any] | None = None,
        webhooks: Router | None = None,
        callbacks: Sequence[Any] | None = None,
    ) -> None:
        """The keyword settings (None: ServerSettings' default) apply over `settings`.
        default_response_class: what a route's returned value that is not a Response
        becomes (FastAPI's option; None: the App's rule, see the README). lifespan,
        on_startup, on_shutdown: data_bridge.lifespan. redirect_slashes: answer a path no
        route has with 307 to its variant with (or without) a trailing slash when a route
        has that (Starlette's; FastAPI() turns it on). run_sync_inline: plain (def)
        endpoints run on the I/O thread itself (True, the App's default: fastest, but they
        block it while they run) or in a worker thread (False, FastAPI()'s, as FastAPI
        does); a route's own run_sync_inline= wins.
        The document's settings are FastAPI's: summary, terms_of_service, contact,
        license_info, openapi_tags, servers, openapi_external_docs; root_path (put first
        among the servers of /openapi.json when root_path_in_servers; requests are
        routed as they come), generate_unique_id_function (operation ids), deprecated and
        include_in_schema for every route, callbacks (documented with each); webhooks
        (a Router whose routes are documented as the OpenAPI webhooks). docs_url and
        redoc_url serve Swagger UI and ReDoc (data_bridge.openapi.docs) for the document
        at openapi_url (FastAPI() serves them at /docs and /redoc)."""
        super().__init__(default_response_class=default_response_class, lifespan=lifespan,
                         on_startup=on_startup, on_shutdown=on_shutdown,
                         dependencies=dependencies, responses=responses,
                         generate_unique_id_function=generate_unique_id_function,
                         deprecated=deprecated, include_in_schema=include_in_schema,
                         callbacks=callbacks)
        # Requests the app may send on its own, documented as the OpenAPI webhooks
        # (FastAPI's app.webhooks: `@app.webhooks.post("new-subscription")`); not served.
        self.webhooks = webhooks or Router()
        # dependency -> its replacement (FastAPI's, for tests): planned when the server
        # starts, and looked up per request, so changes while it runs apply too.
        self.dependency_overrides: dict[Callable[..., Any], Callable[..., Any]] = {}
        # Starlette's user middleware, outermost first (add_middleware puts one in front).
        self.user_middleware: list[Middleware] = list(middleware or [])
        self.state = State()  # app.state, as Starlette's
        self.redirect_slashes = redirect_slashes
        # A GET route answers HEAD too (the App's rule, Starlette's); FastAPI() turns it off:
        # FastAPI's routes answer only the methods they declare.
        self.implicit_head = True
        self.fastapi_errors = False  # FastAPI's: Starlette's text/plain 500
        self.strict_content_type = False  # FastAPI's: no Content-Type is no JSON
        self.run_sync_inline = run_sync_inline
        # Exception class or status code -> handler(request, exc) (data_bridge.errors).
        self.exception_handlers: dict[Any, Callable[[Any, Exception], Any]] = dict(
            exception_handlers or {})
        self.title = title
        self.version = version
        self.description = description
        self.openapi_url = openapi_url
        self.openapi_version = "3.1.0"
        self.summary = summary
        self.terms_of_service = terms_of_service
        self.contact = contact
        self.license_info = license_info
        self.openapi_tags = openapi_tags
        self.servers: list[dict[str, Any]] = list(servers or [])
        self.openapi_external_docs = openapi_external_docs
        if root_path:
            warnings.warn("The `root_path` parameter is deprecated. Configure the server's root "
                          "path instead, for example with `fastapi run --root-path /api/v1`.",
                          FastAPIDeprecationWarning, stacklevel=2)
        self.root_path = root_path
        self.root_path_in_servers = root_path_in_servers
        self.separate_input_output_schemas = separate_input_output_schemas
        self.docs_url = docs_url
        self.redoc_url = redoc_url
        self.swagger_ui_oauth2_redirect_url = swagger_ui_oauth2_redirect_url
        self.swagger_ui_init_oauth = swagger_ui_init_oauth
        self.swagger_ui_parameters = swagger_ui_parameters
        # The document, made on first use and kept (FastAPI's app.openapi_schema: an app may
        # change it, or set its own); made anew when routes were added since.
        self.openapi_schema: dict[str, Any] | None = None
        self._openapi_routes: tuple[int, ...] = ()
        # The service the server was built from (without overrides or webhooks), kept
        # for the document until it is made.
        self._lowered: tuple[tuple[int, ...], Any] | None = None
        self.settings = ServerSettings.from_options(
            "App()", settings, max_body_bytes=max_body_bytes, request_timeout=request_timeout,
            keepalive_timeout=keepalive_timeout, graceful_timeout=graceful_timeout)

    def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None:
        """Starlette's: `middleware_class(app, *args, **kwargs)` wraps the app, outside
        those added before. Carried out natively: CORSMiddleware
        (data_bridge.middleware.cors); others are refused when the server is built."""
        self.user_middleware.insert(0, Middleware(middleware_class, *args, **kwargs))

    def middleware(self, middleware_type: str) -> Callable[[F], F]:
        """@app.middleware("http"): `async def f(request, call_next)` around every request
        (data_bridge.middleware.base)."""
        if middleware_type != "http":
            raise ValueError(f"middleware type {middleware_type!r}: only 'http' is supported")

        def decorator(func: F) -> F:
            self.add_middleware(BaseHTTPMiddleware, dispatch=func)
            return func
        return decorator

    def add_exception_handler(self, exc_class_or_status_code: Any,
                              handler: Callable[[Any, Exception], Any]) -> None:
        self.exception_handlers[exc_class_or_status_code] = handler

    def exception_handler(self, exc_class_or_status_code: Any) -> Callable[[F], F]:
        """@app.exception_handler(ExcClass or status): handler(request, exc) answers what
        a route's handler raised (data_bridge.errors)."""
        def decorator(func: F) -> F:
            self.add_exception_handler(exc_class_or_status_code, func)
            return func
        return decorator

    @property
    def router(self) -> App:
        """The app's router (FastAPI's app.router): the app itself, which routes."""
        return self

    def _routes_version(self) -> tuple[int, ...]:
        """Changes when routes are added (the document is then made anew, as FastAPI's)."""
        return (len(self.routes), len(self.generated), len(self.webhooks.routes))

    def openapi(self) -> dict[str, Any]:
        """This app's OpenAPI 3.1 document (served at openapi_url), FastAPI's for the same
        routes; kept in `openapi_schema` after the first call."""
        routes = self._routes_version()
        if not self.openapi_schema or self._openapi_routes != routes:
            kept, self._lowered = self._lowered, None
            service = (kept[1] if kept is not None and kept[0] == routes else
                       self.lower(self.title, self.version, self.description,
                                  webhooks=self.webhooks.routes).service)
            _warn_duplicate_ids(self.routes + self.webhooks.routes)
            self.openapi_schema = to_openapi(
                service,
                openapi_version=self.openapi_version, summary=self.summary,
                terms_of_service=self.terms_of_service, contact=self.contact,
                license_info=self.license_info, servers=self.servers,
                tags=self.openapi_tags, external_docs=self.openapi_external_docs,
                separate_input_output_schemas=self.separate_input_output_schemas)
            self._openapi_routes = routes
        return self.openapi_schema

    def build(self, settings: ServerSettings | None = None,
              listen_fds: tuple[int, ...] = ()) -> Any:
        """The native server for this app, not yet bound (see run / testing.serve)."""
        settings = settings or self.settings
        lowered = self.lower(self.title, self.version, self.description,
                             self.dependency_overrides)
        if not self.dependency_overrides and not self.webhooks.routes:
            # What the document is made of too, when it is first asked for.
            self._lowered = (self._routes_version(), lowered.service)
        around = [m.cls(None, *m.args, **m.kwargs) for m in self.user_middleware
                  if is_http_middleware(m.cls)]
        registered = dict(self.exception_handlers)
        if around or any(p.get("route_handler") for p in lowered.plans):
            # call_next, and a custom route class's handler, answer with a Response (or
            # raise what the app's handlers answer): FastAPI's defaults make them
            registered.setdefault(HTTPException, http_exception_handler)
            registered.setdefault(RequestValidationError, request_validation_exception_handler)
        exception_handlers = ExceptionHandlers(registered)
        served = runtime_routes(lowered, sync_inline=self.run_sync_inline,
                                exception_handlers=exception_handlers, overrides=self,
                                middleware=[m.dispatch_func for m in around])
        if exception_handlers.handles_unrouted():
            served.add_unrouted(exception_handlers, [m.dispatch_func for m in around])
        served.plan.redirect_slashes = self.redirect_slashes
        for m in self.user_middleware:
            if not is_http_middleware(m.cls):
                _plan_native(served.plan, m)
        served.plan.no_implicit_head = not self.implicit_head
        served.plan.fastapi_errors = self.fastapi_errors
        served.plan.strict_content_type = self.strict_content_type
        if self.openapi_url and not any(r.path == self.openapi_url for r in self.routes):
            # Starlette's routes (FastAPI adds these as such) answer HEAD beside GET.
            methods = ["GET"] if self.implicit_head else ["GET", "HEAD"]
            taken = {r.path for r in self.routes}
            # The document is written when first asked for, as FastAPI does: start-up does
            # not wait for it.
            pages: list[tuple[str, Callable[..., Any]]] = [
                (self.openapi_url, _document(self)), *docs_pages(self)]
            for path, page in pages:
                if path not in taken:
                    for method in methods:
                        served.add_route(method, path, page,
                                         middleware=[m.dispatch_func for m in around])
        plan, handlers, defaults, checks, services, models = served.core_args()
        return _core.Server(settings.to_proto(listen_fds).SerializeToString(), plan, handlers,
                            defaults, checks, services, _runtime, models)

    async def __call__(self, scope: MutableMapping[str, Any],
                       receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
                       send: Callable[[MutableMapping[str, Any]], Awaitable[None]]) -> None:
        """The app as an ASGI 3 application (data_bridge.asgi: forwarded to its own native
        server in this process), for httpx.ASGITransport in tests and for ASGI servers."""
        bridge = self.__dict__.get("_asgi_bridge")
        if bridge is None:
            bridge = self.__dict__.setdefault("_asgi_bridge", AsgiBridge(self))
        await bridge(scope, receive, send)

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        threads: int | None = None,
        workers: int | None = None,
        *,
        settings: ServerSettings | None = None,
        **options: Any,
    ) -> None:
        """Serve until SIGINT/SIGTERM, then shut down gracefully.

        Arguments and options (data_bridge.settings.ServerSettings; None: the App's
        settings) apply over `settings` (default: the App's); an unknown or mistyped one is a TypeError
        or ValueError naming it, before anything starts. The defaults: 127.0.0.1:8000, one
        I/O thread, one process.
        workers > 1 forks that many processes under a supervisor (data_bridge.supervisor),
        each running `threads` I/O threads on listening sockets the parent bound once (SO_
        REUSEPORT, one per thread): a worker that dies is logged and replaced, SIGTERM/SIGINT
        drain them all, SIGHUP restarts them one at a time without failing a request.
        Options: max_body_bytes, max_upload_bytes, request_timeout, keepalive_timeout, graceful_timeout,
        ssl_certfile + ssl_keyfile (TLS with ALPN h2 / http/1.1), http1 / http2 / grpc
        (HTTP1Settings, HTTP2Settings, GRPCSettings) or their fields one by one: grpc_port
        (also serve the proto services over gRPC, on that port; TLS too with ssl_certfile),
        grpc_max_receive_message_bytes, grpc_max_send_message_bytes (4 MiB),
        grpc_keepalive_time_ms (2 h), grpc_keepalive_timeout_ms (20 s), grpc_batch_scheduling
        (True: the loops serving gRPC calls run SCHED_BATCH),
        http2_max_concurrent_streams (128), http1_max_header_bytes (32 KiB), ...
        """
        resolved = ServerSettings.from_options("App.run", settings or self.settings, host=host,
                                               port=port, threads=threads, workers=workers,
                                               **options)
        if resolved.workers > 1:
            def serve_one(listen_fds: list[int], ready_fd: int) -> None:
                self.serve(resolved, tuple(listen_fds), ready_fd)

            code = Supervisor(serve_one, host=resolved.host, port=resolved.port,
                              threads=resolved.threads, workers=resolved.workers).run()
            if code:
                raise SystemExit(code)
            return
        self.serve(resolved)

    def serve(self, settings: ServerSettings, listen_fds: tuple[int, ...] = (),
              ready_fd: int | None = None) -> None:
        """Serves in this process until SIGINT/SIGTERM (App.run without the supervisor)."""
        server = Server(self, settings, listen_fds)
        server.start()
        scheme = "https" if settings.ssl_certfile else "http"
        threads = settings.threads
        print(
            f"data-bridge: serving {self.title} on {scheme}://{settings.host}:{server.port} "
            + (f"and gRPC on {settings.host}:{server.grpc_port} " if server.grpc_port else "")
            + f"({threads} thread{'' if threads == 1 else 's'})",
            file=sys.stderr,
            flush=True,
        )
        notify_ready(ready_fd)
        server.serve()
        print("data-bridge: stopped", file=sys.stderr, flush=True)

    def grpc_methods(self) -> list[Any]:
        """The RPCs of the proto services included in this app."""
        return [m for g in self.generated if hasattr(g, "grpc_methods") for m in g.grpc_methods()]


class FastAPI(App):
    """App with FastAPI's defaults, for apps moved over from FastAPI by changing imports:
    title "FastAPI", version "0.1.0", JSONResponse as the default response class (a
    returned str is a JSON string, a tuple a JSON array, other values go through
    jsonable_encoder, as under FastAPI), redirect_slashes on, and plain (def) endpoints in
    a worker thread, Swagger UI at /docs and ReDoc at /redoc. App keeps its own
    defaults."""

    def __init__(
        self,
        *,
        title: str = "FastAPI",
        version: str = "0.1.0",
        description: str = "",
        openapi_url: str | None = "/openapi.json",
        docs_url: str | None = "/docs",
        redoc_url: str | None = "/redoc",
        default_response_class: type[Any] = JSONResponse,
        redirect_slashes: bool = True,
        run_sync_inline: bool = False,
        strict_content_type: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(title, version, description, openapi_url=openapi_url,
                         docs_url=docs_url, redoc_url=redoc_url,
                         default_response_class=default_response_class,
                         redirect_slashes=redirect_slashes, run_sync_inline=run_sync_inline,
                         **options)
        self.implicit_head = False
        self.fastapi_errors = True
        self.strict_content_type = strict_content_type
