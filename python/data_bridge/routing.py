"""Routes and the decorators that declare them.

    router = Router()

    @router.get("/users/{user_id}", summary="One user", tags=["users"])
    async def get_user(user_id: int): ...

    @router.route("/things", methods=["PUT", "PATCH"], status_code=202)
    def update(...): ...
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from typing import Any, Callable, Sequence, TypeVar

import data_bridge.ir_pb2 as ir

from . import _schema, lifespan as _lifespan
from ._runtime_spec import original_route_handler
from .datastructures import URL
from .exceptions import FastAPIError
from .generated import GeneratedRoutes

_ON_EVENT_DEPRECATED = (
    "on_event is deprecated, use lifespan event handlers instead.\n\n"
    "Read more about it in the [FastAPI docs for Lifespan Events]"
    "(https://fastapi.tiangolo.com/advanced/events/).")
from .openapi.utils import documented_path
from .requests import Request
from .responses import Response
from .staticfiles import StaticFiles
from .utils import generate_unique_id
from ._schema import INFER

F = TypeVar("F", bound=Callable[..., Any])


class NoMatchFound(Exception):
    """No route has the name and path parameters url_path_for was given (Starlette's)."""

    def __init__(self, name: str, path_params: dict[str, Any]) -> None:
        params = ", ".join(list(path_params.keys()))
        super().__init__(f'No route exists for name "{name}" and params "{params}".')


class URLPath(str):
    """A path a route makes (Starlette's): absolute once given the base URL."""

    def __new__(cls, path: str, protocol: str = "", host: str = "") -> URLPath:
        assert protocol in ("http", "websocket", "")
        return str.__new__(cls, path)

    def __init__(self, path: str, protocol: str = "", host: str = "") -> None:
        self.protocol = protocol
        self.host = host

    def make_absolute_url(self, base_url: str | URL) -> URL:
        if isinstance(base_url, str):
            base_url = URL(base_url)
        if self.protocol:
            secure = base_url.is_secure
            scheme = {"http": ("http", "https"), "websocket": ("ws", "wss")}[self.protocol][secure]
        else:
            scheme = base_url.scheme
        netloc = self.host or base_url.netloc
        return URL(scheme=scheme, netloc=netloc, path=base_url.path.rstrip("/") + str(self))


@dataclasses.dataclass
class APIRoute:
    path: str
    endpoint: Callable[..., Any]
    methods: list[str]
    # As given, else the response class's own default (RedirectResponse's 307), else 200.
    status_code: int = 200
    # What a returned value that is not a Response becomes (FastAPI's response_class):
    # None, the App's own rule; JSONResponse, FastAPI's default.
    response_class: type[Any] | None = None
    summary: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    name: str | None = None
    # OpenAPI only (FastAPI's options of the same names): description (else the
    # docstring), the success response's description, deprecated, the operationId (else
    # derived from the name), and whether the route is documented at all.
    description: str | None = None
    response_description: str = "Successful Response"
    deprecated: bool = False
    operation_id: str | None = None
    include_in_schema: bool = True
    # A plain (def) endpoint: True, called on the I/O thread itself (it blocks the thread
    # while it runs); False, in a worker thread as FastAPI does; None, the router's default.
    run_sync_inline: bool | None = None
    # Depends() run before the endpoint's own, results unused: the app's, the routers',
    # then the route's (FastAPI's dependencies=).
    dependencies: list[Any] = dataclasses.field(default_factory=list)
    # More responses to document (FastAPI's responses=): status (or "default", "4XX") ->
    # {"description", "model"}; the include's, the router's, then the route's.
    responses: dict[Any, Any] = dataclasses.field(default_factory=dict)
    # FastAPI's: merged over the operation's OpenAPI object.
    openapi_extra: dict[str, Any] | None = None
    # FastAPI's response_model= (INFER: the return annotation, for JSON response classes;
    # None: none) and its serialization options: what the handler returns is validated
    # against it and serialized by pydantic (_pydantic.ResponseModel).
    response_model: Any = INFER
    response_model_include: Any = None
    response_model_exclude: Any = None
    response_model_by_alias: bool = True
    response_model_exclude_unset: bool = False
    response_model_exclude_defaults: bool = False
    response_model_exclude_none: bool = False
    # Routes documented as the operation's OpenAPI callbacks (FastAPI's callbacks=; never
    # served): the app's, the routers', then the route's.
    callbacks: list[Any] = dataclasses.field(default_factory=list)
    # What names the operation (FastAPI's generate_unique_id_function): the route's, else
    # its routers' (None: neither gave one, data_bridge.utils.generate_unique_id applies);
    # unique_id is its result, the operationId unless operation_id= is given.
    generate_unique_id_function: Callable[[Any], str] | None = None
    unique_id: str = ""
    # The signature analysed once, when the route is added (as FastAPI's `dependant`):
    # putting the app together, its OpenAPI document and serving all reuse it.
    analysis: _schema.RouteAnalysis | None = dataclasses.field(
        default=None, repr=False, compare=False)

    def get_route_handler(self) -> Callable[[Any], Any]:
        """The route's handler: `async (request) -> Response` (FastAPI's). A subclass (a
        route_class=) may wrap it, to time it or to answer what it raises; the request it
        is called with is the one the wrapper was given."""
        return original_route_handler

    def custom_route_handler(self) -> Callable[[Any], Any] | None:
        """get_route_handler()'s result when a subclass changed it (None: the plain
        route, served without one)."""
        handler = self.get_route_handler()
        return None if handler is original_route_handler else handler

    @property
    def path_format(self) -> str:
        """The path as documented (`/files/{rest}` for `/files/{rest:path}`)."""
        return documented_path(self.path)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """This route's path with `path_params` put in, if it is named `name` and they are
        its parameters (Starlette's); else NoMatchFound."""
        params = dict(_schema.path_param_types(self.path))
        if name != self.name or set(path_params) != set(params):
            raise NoMatchFound(name, path_params)
        path = self.path_format
        for key, value in path_params.items():
            text = str(value)
            if params[key] != "path":  # a segment's value: Starlette's convertors' rule
                assert "/" not in text, "May not contain path separators"
                assert text, "Must not be empty"
            path = path.replace("{" + key + "}", text)
        return URLPath(path, protocol="http")


@dataclasses.dataclass
class MountRoute(APIRoute):
    """The route a mounted StaticFiles serves under (`mount_path` + "/{path:path}"): its URL
    for `url_for(name, path=...)` is the mount's path followed by `path`, as Starlette's
    Mount builds it."""

    mount_path: str = ""

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        if name != self.name or set(path_params) != {"path"}:
            raise NoMatchFound(name, path_params)
        return URLPath(self.mount_path + str(path_params["path"]), protocol="http")


# _default_status's answers: found once per class (an app's routes share a few).
_DEFAULT_STATUS: dict[type[Any], int] = {}


def _default_status(response_class: type[Any] | None) -> int:
    """The status a response class answers with unless told (FastAPI reads it from the
    class's __init__: RedirectResponse's 307); 200 for the rest."""
    if response_class is None:
        return 200
    if response_class not in _DEFAULT_STATUS:
        param = inspect.signature(response_class.__init__).parameters.get("status_code")
        default = param.default if param is not None else None
        _DEFAULT_STATUS[response_class] = default if isinstance(default, int) else 200
    return _DEFAULT_STATUS[response_class]


def _check_prefix(prefix: str) -> None:
    if prefix:
        assert prefix.startswith("/"), "A path prefix must start with '/'"
        assert not prefix.endswith("/"), \
            "A path prefix must not end with '/', as the routes will start with '/'"


class Router:
    """Routes and what they share: a path prefix and tags put before each route's own
    (FastAPI's APIRouter: `APIRouter(prefix="/users", tags=["users"])`), the default
    response class, and the lifespan."""

    def __init__(self, *, prefix: str = "", tags: Sequence[Any] | None = None,
                 default_response_class: type[Any] | None = None,
                 on_startup: Sequence[Callable[[], Any]] | None = None,
                 on_shutdown: Sequence[Callable[[], Any]] | None = None,
                 lifespan: Any = None, dependencies: Sequence[Any] | None = None,
                 responses: dict[Any, Any] | None = None,
                 generate_unique_id_function: Callable[[Any], str] | None = None,
                 deprecated: bool | None = None, include_in_schema: bool = True,
                 route_class: type[APIRoute] = APIRoute,
                 callbacks: Sequence[Any] | None = None) -> None:
        _check_prefix(prefix)
        self.callbacks: list[Any] = list(callbacks or [])
        self.route_class = route_class  # what add_route makes (FastAPI's route_class=)
        self.generate_unique_id_function = generate_unique_id_function
        self.deprecated = deprecated  # every route's, when True
        self.include_in_schema = include_in_schema  # False: no route of it documented
        self.responses: dict[Any, Any] = dict(responses or {})
        self.dependencies: list[Any] = list(dependencies or [])
        self.prefix = prefix
        self.tags: list[Any] = list(tags or [])
        self.default_response_class = default_response_class
        # Lifespan (data_bridge.lifespan): given, it replaces the event handlers.
        self.on_startup: list[Callable[[], Any]] = list(on_startup or [])
        self.on_shutdown: list[Callable[[], Any]] = list(on_shutdown or [])
        self.lifespan_context: _lifespan.Lifespan = (
            _lifespan.DefaultLifespan(self).__call__ if lifespan is None
            else _lifespan.as_lifespan_context(lifespan))
        self.routes: list[APIRoute] = []
        self.generated: list[GeneratedRoutes] = []
        self.models = _schema.Models(ir.Service())  # the models the routes' types name

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """The path of the first route named `name` taking these path parameters
        (Starlette's, for app.url_path_for and request.url_for)."""
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)

    def include(self, routes: "Router | GeneratedRoutes", prefix: str = "") -> None:
        """Mount another router's routes, or a generated service's operations."""
        if isinstance(routes, GeneratedRoutes):
            if prefix:
                raise ValueError("generated services keep the paths of their spec")
            self.generated.append(routes)
        else:
            self.include_router(routes, prefix)

    def add_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        methods: Sequence[str] = ("GET",),
        *,
        status_code: int | None = None,
        response_class: type[Any] | None = None,
        summary: str | None = None,
        tags: Sequence[str] | None = None,
        name: str | None = None,
        description: str | None = None,
        response_description: str = "Successful Response",
        deprecated: bool | None = None,
        operation_id: str | None = None,
        include_in_schema: bool = True,
        run_sync_inline: bool | None = None,
        dependencies: Sequence[Any] | None = None,
        responses: dict[Any, Any] | None = None,
        openapi_extra: dict[str, Any] | None = None,
        generate_unique_id_function: Callable[[Any], str] | None = None,
        route_class_override: type[APIRoute] | None = None,
        callbacks: Sequence[Any] | None = None,
        response_model: Any = INFER,
        response_model_include: Any = None,
        response_model_exclude: Any = None,
        response_model_by_alias: bool = True,
        response_model_exclude_unset: bool = False,
        response_model_exclude_defaults: bool = False,
        response_model_exclude_none: bool = False,
    ) -> APIRoute:
        full = self.prefix + path  # a served one starts with "/" (checked in lower())
        response_class = response_class or self.default_response_class
        route = (route_class_override or self.route_class)(
            path=full,
            endpoint=endpoint,
            methods=[m.upper() for m in methods],
            status_code=(status_code if status_code is not None
                         else _default_status(response_class)),
            response_class=response_class,
            summary=summary,
            tags=self.tags + list(tags or []),
            name=name or getattr(endpoint, "__name__", None),
            description=description,
            response_description=response_description,
            deprecated=bool(deprecated or self.deprecated),
            operation_id=operation_id,
            include_in_schema=include_in_schema and self.include_in_schema,
            run_sync_inline=run_sync_inline,
            dependencies=self.dependencies + list(dependencies or []),
            responses={**self.responses, **(responses or {})},
            openapi_extra=openapi_extra,
            generate_unique_id_function=(generate_unique_id_function
                                         or self.generate_unique_id_function),
            callbacks=self.callbacks + list(callbacks or []),
            response_model=response_model,
            response_model_include=response_model_include,
            response_model_exclude=response_model_exclude,
            response_model_by_alias=response_model_by_alias,
            response_model_exclude_unset=response_model_exclude_unset,
            response_model_exclude_defaults=response_model_exclude_defaults,
            response_model_exclude_none=response_model_exclude_none,
        )
        route.unique_id = (route.generate_unique_id_function or generate_unique_id)(route)
        # Analysed now: a bad signature fails at declaration, not at start-up.
        route.analysis = _schema.analyse_route(route, self.models)
        self.routes.append(route)
        return route

    def route(self, path: str, methods: Sequence[str] = ("GET",), **kw: Any) -> Callable[[F], F]:
        def decorator(fn: F) -> F:
            self.add_route(path, fn, methods, **kw)
            return fn

        return decorator

    def api_route(self, path: str, methods: Sequence[str] | None = None,
                  **kw: Any) -> Callable[[F], F]:
        """FastAPI's name for route(); methods default to GET."""
        return self.route(path, methods or ("GET",), **kw)

    def add_api_route(self, path: str, endpoint: Callable[..., Any],
                      methods: Sequence[str] | None = None, **kw: Any) -> APIRoute:
        """FastAPI's name for add_route(); methods default to GET."""
        return self.add_route(path, endpoint, methods or ("GET",), **kw)

    def get(self, path: str, **kw: Any) -> Callable[[F], F]:
        return self.route(path, ["GET"], **kw)

    def post(self, path: str, **kw: Any) -> Callable[[F], F]:
        return self.route(path, ["POST"], **kw)

    def put(self, path: str, **kw: Any) -> Callable[[F], F]:
        return self.route(path, ["PUT"], **kw)

    def patch(self, path: str, **kw: Any) -> Callable[[F], F]:
        return self.route(path, ["PATCH"], **kw)

    def delete(self, path: str, **kw: Any) -> Callable[[F], F]:
        return self.route(path, ["DELETE"], **kw)

    def add_event_handler(self, event_type: str, func: Callable[[], Any]) -> None:
        """Runs `func` at "startup" or "shutdown" (unless the app has a lifespan=)."""
        if event_type == "startup":
            self.on_startup.append(func)
        elif event_type == "shutdown":
            self.on_shutdown.append(func)
        else:
            raise ValueError(f"event_type must be 'startup' or 'shutdown', not {event_type!r}")

    def on_event(self, event_type: str) -> Callable[[F], F]:
        """@app.on_event("startup") / ("shutdown"): FastAPI's older form of lifespan,
        deprecated there (a DeprecationWarning, as FastAPI gives)."""
        warnings.warn(_ON_EVENT_DEPRECATED, DeprecationWarning, stacklevel=2)

        def decorator(func: F) -> F:
            self.add_event_handler(event_type, func)
            return func
        return decorator

    def mount(self, path: str, app: Any, name: str | None = None) -> None:
        """Serves `app` under `path` (Starlette's mount): a StaticFiles, its files at
        `path`/... (GET and HEAD, undocumented). Mounting other ASGI apps is not served
        yet."""
        if not isinstance(app, StaticFiles):
            raise TypeError(f"mount(): only StaticFiles can be mounted yet, not {app!r}")
        _check_prefix(path)

        def serve(request: Request, path: str) -> Response:
            answer: Response = app.respond(request, path)
            return answer

        route = self.add_route(path + "/{path:path}", serve, ["GET", "HEAD"], name=name,
                               include_in_schema=False, route_class_override=MountRoute)
        assert isinstance(route, MountRoute)
        route.mount_path = self.prefix + path

    def include_router(self, router: "Router", prefix: str = "",
                       tags: Sequence[Any] | None = None,
                       dependencies: Sequence[Any] | None = None,
                       responses: dict[Any, Any] | None = None,
                       generate_unique_id_function: Callable[[Any], str] | None = None,
                       deprecated: bool | None = None, include_in_schema: bool = True,
                       callbacks: Sequence[Any] | None = None) -> None:
        """Adds `router`'s routes (as they are now) under `prefix`, `tags` before theirs;
        its lifespan and event handlers join this router's. A route's own
        generate_unique_id_function (or its router's) wins over the one given here, which
        wins over this router's."""
        _check_prefix(prefix)
        if not prefix:
            for r in router.routes:
                if not r.path and not self.prefix:
                    raise FastAPIError(
                        f"Prefix and path cannot be both empty (path operation: {r.name})")
        for handler in router.on_startup:
            self.add_event_handler("startup", handler)
        for handler in router.on_shutdown:
            self.add_event_handler("shutdown", handler)
        self.lifespan_context = _lifespan.merge(self.lifespan_context, router.lifespan_context)
        for r in router.routes:
            self.add_route(
                prefix + r.path,
                r.endpoint,
                r.methods,
                status_code=r.status_code,
                response_class=r.response_class,
                summary=r.summary,
                tags=list(tags or []) + r.tags,
                name=r.name,
                description=r.description,
                response_description=r.response_description,
                deprecated=r.deprecated or deprecated,
                operation_id=r.operation_id,
                include_in_schema=r.include_in_schema and include_in_schema,
                run_sync_inline=r.run_sync_inline,
                dependencies=list(dependencies or []) + r.dependencies,
                responses={**(responses or {}), **r.responses},
                openapi_extra=r.openapi_extra,
                generate_unique_id_function=(r.generate_unique_id_function
                                             or generate_unique_id_function),
                route_class_override=type(r),
                callbacks=list(callbacks or []) + r.callbacks,
                response_model=r.response_model,
                response_model_include=r.response_model_include,
                response_model_exclude=r.response_model_exclude,
                response_model_by_alias=r.response_model_by_alias,
                response_model_exclude_unset=r.response_model_exclude_unset,
                response_model_exclude_defaults=r.response_model_exclude_defaults,
                response_model_exclude_none=r.response_model_exclude_none,
            )

    def lower(self, title: str = "", version: str = "", description: str = "",
              overrides: dict[Any, Any] | None = None,
              webhooks: Sequence[APIRoute] = ()) -> _schema.Lowered:
        """These routes (decorated and generated) in codegen's IR, with how to call each
        handler; `overrides` (dependency -> replacement) planned in; `webhooks`
        documented."""
        for r in self.routes:
            if not r.path:
                raise FastAPIError(f"route {r.name!r} has an empty path: include its router "
                                   "under a prefix")
            if not r.path.startswith("/"):  # callbacks' and webhooks' may: they are not served
                raise ValueError(f"route path must start with '/': {r.path!r}")
        lowered = _schema.lower_routes(self.routes, self.models, title, version, description,
                                       overrides, webhooks)
        for g in self.generated:
            clash = {m.name for m in g.service.models} & {m.name for m in lowered.service.models}
            if clash:
                raise TypeError(f"model names {sorted(clash)} are defined twice")
            lowered.plans += g.plans(len(lowered.service.operations))
            lowered.service.operations.extend(g.service.operations)
            lowered.service.models.extend(g.service.models)
            for m in g.service.models:
                if m.WhichOneof("kind") != "union":
                    lowered.classes[m.name] = g.models.get(m.name)
        return lowered


# FastAPI's name for a router.
APIRouter = Router
