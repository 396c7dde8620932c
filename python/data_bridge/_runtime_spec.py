"""From the IR to the serving plan (plan.proto) the native runtime reads at start-up
(framework/python/internal/plan_reader.cc). Every route source reaches the runtime this
way, so decorator routes and spec-generated ones validate alike.

    served = runtime_routes(lowered)     # lowered: _schema.Lowered
    served.add_route("GET", "/openapi.json", openapi_json)
    _core.Server(settings_bytes, *served.core_args(), _runtime)
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NoReturn

import data_bridge.ir_pb2 as ir
import data_bridge.plan_pb2 as plan
from data_bridge._type_specs import TypeSpecs

from ._pydantic import Checker, EmbeddedChecker, ResponseModel, checked_hint
from ._schema import BODY_ARG, FORM_ARG, INFER, REQUEST_ARG, Lowered, Models, type_of
from .dependencies import Solver, response_of
from . import _runtime
from .encoders import jsonable_encoder
from .errors import ExceptionHandlers
from .exceptions import HTTPException, RequestValidationError
from .responses import JSONResponse, Response, StreamingResponse

_SOURCES = {ir.Parameter.PATH: plan.Param.PATH, ir.Parameter.QUERY: plan.Param.QUERY,
            ir.Parameter.HEADER: plan.Param.HEADER, ir.Parameter.COOKIE: plan.Param.COOKIE}


@dataclass
class ServedRoutes:
    """The plan and what travels beside it, in the order the plan's indices name."""

    plan: Any  # plan_pb2.Plan
    models: list[Any]  # model classes (TypeSpec.model)
    handlers: list[Callable[..., Any]] = field(default_factory=list)  # one per route
    defaults: list[list[tuple[int, Any]]] = field(default_factory=list)  # (param, default)
    checks: list[Any] = field(default_factory=list)  # pydantic checkers (Param.check)
    services: list[Any] = field(default_factory=list)  # compiled services (capsules)

    def service_index(self, native: Any) -> int:
        for i, s in enumerate(self.services):
            if s is native.SERVICE:
                return i
        self.services.append(native.SERVICE)
        return len(self.services) - 1

    def add_unrouted(self, handlers: ExceptionHandlers,
                     middleware: list[Callable[..., Any]] | None = None) -> None:
        """The answer to requests no route serves, through the app's exception handlers:
        an HTTPException of their status (404, or 405 with Allow), as Starlette raises."""
        def unrouted(**kwargs: Any) -> Any:
            status, allow = kwargs[UNROUTED_ARG]
            raise HTTPException(status, headers={"Allow": allow} if allow else None)

        route = self.plan.routes.add(unrouted=True)
        route.params.add(name=REQUEST_ARG, source=plan.Param.REQUEST, key=REQUEST_ARG,
                         required=True)
        handler = _guarded(unrouted, handlers, True, REQUEST_ARG)
        if middleware:
            handler = _within(middleware, handler, REQUEST_ARG, True, 404)
        self.handlers.append(handler)
        self.defaults.append([])

    def add_route(self, method: str, path: str, handler: Callable[..., Any],
                  status_code: int = 200,
                  middleware: list[Callable[..., Any]] | None = None) -> None:
        """A route without parameters (the OpenAPI document, the docs pages), inside the
        app's HTTP middleware when it has some (as Starlette's app-wide middleware)."""
        route = self.plan.routes.add(method=method, path=path, status_code=status_code)
        if middleware:
            route.params.add(name=REQUEST_ARG, source=plan.Param.REQUEST, key=REQUEST_ARG,
                             required=True)
            page = handler

            def without_request(**kwargs: Any) -> Any:
                return page()
            handler = _within(middleware, without_request, REQUEST_ARG, False, status_code)
        self.handlers.append(handler)
        self.defaults.append([])

    def core_args(self) -> tuple[bytes, list[Any], list[Any], list[Any], list[Any], list[Any]]:
        return (self.plan.SerializeToString(), self.handlers, self.defaults, self.checks,
                self.services, self.models)


def _specs(lowered: Lowered, table: Any) -> TypeSpecs:
    return TypeSpecs(lowered.service.models, sorted(lowered.classes), table)


def _model_map(native: Any, positions: dict[str, int]) -> list[int]:
    """Where each of a generated service's models sits in the runtime's model list (-1: no
    class)."""
    return [positions.get(name, -1) for name in native.MODELS]


def compiled_rules(native: Any, type_name: str,
                   positions: dict[str, int]) -> tuple[Any, str, list[int]]:
    """How the runtime finds a generated decoder: (the service capsule, the type's name,
    the model map)."""
    return native.SERVICE, type_name, _model_map(native, positions)


def message_plan(models: Iterable[ir.Model], name: str) -> tuple[bytes, int]:
    """One model's type specs as the gRPC server checks its messages' field rules with:
    a plan holding them and the model's index (its messages are protobuf's: no classes)."""
    models = list(models)
    table = plan.Plan()
    conv = TypeSpecs(models, sorted(m.name for m in models), table.types)
    root = conv.model_spec(name)
    return table.SerializeToString(), root


def _answered_with(handler: Callable[..., Any], cls: type[Any],
                   status_code: int) -> Callable[..., Any]:
    """`handler` with what it returns made a `cls` response unless it is a Response, as
    FastAPI's response_class= does (the value through jsonable_encoder first; a generator
    endpoint's generator is the response's content as it is, streamed raw)."""
    def answer(value: Any) -> Any:
        if isinstance(value, Response):
            return value
        if inspect.isgenerator(value) or inspect.isasyncgen(value):
            return cls(content=value, status_code=status_code)
        return cls(jsonable_encoder(value), status_code=status_code)

    if inspect.iscoroutinefunction(handler):
        async def answered_async(**kwargs: Any) -> Any:
            return answer(await handler(**kwargs))
        return answered_async

    def answered(**kwargs: Any) -> Any:
        return answer(handler(**kwargs))
    return answered


def _modelled(handler: Callable[..., Any], model: ResponseModel) -> Callable[..., Any]:
    """`handler` with what it returns (but a Response) validated and serialized by its
    response model, as FastAPI's serialize_response."""
    if inspect.iscoroutinefunction(handler):
        async def modelled_async(**kwargs: Any) -> Any:
            value = await handler(**kwargs)
            return value if isinstance(value, Response) else model(value)
        return modelled_async

    def modelled(**kwargs: Any) -> Any:
        value = handler(**kwargs)
        return value if isinstance(value, Response) else model(value)
    return modelled


def _item_serializer(call: dict[str, Any]) -> Callable[[Any], bytes]:
    """How a streamed item becomes a JSON line (FastAPI's): validated and dumped by the
    item type's pydantic adapter with the route's options, else json.dumps of its
    jsonable_encoder form (non-finite floats as null)."""
    item = call.get("stream_item")
    if item is not None:
        options = call["route"]
        model = ResponseModel(item, include=options.response_model_include,
                              exclude=options.response_model_exclude,
                              by_alias=options.response_model_by_alias,
                              exclude_unset=options.response_model_exclude_unset,
                              exclude_defaults=options.response_model_exclude_defaults,
                              exclude_none=options.response_model_exclude_none)
        return lambda value: bytes(model(value)) + b"\n"

    def plain(value: Any) -> bytes:
        return json.dumps(_finite(jsonable_encoder(value))).encode() + b"\n"
    return plain


def _finite(value: Any) -> Any:
    """inf and nan as None (JSON has neither), through lists and dicts."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def _json_lines(handler: Callable[..., Any], line: Callable[[Any], bytes],
                status_code: int) -> Callable[..., Any]:
    """A generator endpoint answered as FastAPI answers one: a StreamingResponse of
    application/jsonl, a line per item (a plain generator iterated in a worker thread)."""
    async def streamed(**kwargs: Any) -> Any:
        items = handler(**kwargs)
        if inspect.isawaitable(items):  # a plain generator function run in a thread
            items = await items
        if hasattr(items, "__aiter__"):
            async def lines() -> Any:
                async for item in items:
                    yield line(item)
            return StreamingResponse(lines(), status_code, media_type="application/jsonl")
        return StreamingResponse((line(item) for item in items), status_code,
                                 media_type="application/jsonl")
    return streamed


_NO_DEFAULT = object()


def _form_fields(handler: Callable[..., Any], fields: list[tuple[str, str, Any]],
                 body: str = FORM_ARG) -> Callable[..., Any]:
    """`handler` given each Form() (or embedded Body()) parameter (name, key, default) from
    the body the native side validated (a dict of the keys present; an absent one: its
    default), passed as `body`."""
    def unpack(**kwargs: Any) -> Any:
        form = kwargs.pop(body, None) or {}
        for name, key, default in fields:
            kwargs[name] = (form[key] if key in form
                            else None if default is _NO_DEFAULT else default)
        return handler(**kwargs)
    return unpack


def _in_thread(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A plain endpoint called in a worker thread of the loop's pool (FastAPI's threadpool;
    contextvars copied), so that it never blocks the I/O thread."""
    async def threaded(**kwargs: Any) -> Any:
        return await asyncio.to_thread(handler, **kwargs)
    return threaded


ERRORS_ARG = "__data_bridge_errors"  # what the native side passes when validation failed
UNROUTED_ARG = "__data_bridge_unrouted"  # (status, Allow) for the unrouted endpoint


def _body_of(raw: bytes) -> Any:
    """RequestValidationError.body: the body as read (JSON parsed when it is JSON)."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


async def _validation_error(errors: Any, request: Any) -> RequestValidationError:
    """The RequestValidationError of a request the native side found invalid (its
    errors, and its body as FastAPI gives it)."""
    return RequestValidationError(errors, body=_body_of(await request.body()))


def _solves_first(call: dict[str, Any]) -> bool:
    """Whether a request that fails validation still has dependencies to solve first (as
    FastAPI solves those whose own parameters are valid)."""
    graph = call.get("graph")
    return graph is not None and bool(graph.steps)


async def _invalid(handler: Callable[..., Any], errors: Any, kwargs: dict[str, Any],
                   request: Any) -> NoReturn:
    """Raises the RequestValidationError of a request that failed validation
    (Route.errors_to_handler), after solving what FastAPI still solves for it: when
    `handler` is a Solver, the dependencies whose own parameters (in `kwargs`) are valid
    (Solver.solve_invalid), whose raising comes first and whose errors join."""
    solve_invalid = getattr(handler, "solve_invalid", None)
    if solve_invalid is not None:
        try:
            await solve_invalid(list(errors), kwargs)
        except RequestValidationError as exc:
            errors = exc.errors()
    raise await _validation_error(errors, request)


def _dependencies_first(handler: Callable[..., Any], injected: bool,
                        request_name: str) -> Callable[..., Any]:
    """`handler` (a route without exception handlers) with a request that failed
    validation solved as FastAPI solves it (_invalid)."""
    async def first(**kwargs: Any) -> Any:
        request = kwargs.pop(request_name) if injected else kwargs[request_name]
        errors = kwargs.pop(ERRORS_ARG, None)
        if errors is not None:
            await _invalid(handler, errors, kwargs, request)
        result = handler(**kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result
    return first


def _guarded(handler: Callable[..., Any], handlers: ExceptionHandlers,
             injected: bool, request_name: str, routed: bool = False) -> Callable[..., Any]:
    """`handler` with what it raises answered by the app's exception handlers (errors.py);
    `injected`: the Request was added for them and is not the handler's. `routed`: the
    handler is a custom route class's (_routed), which takes the Request and raises the
    validation errors itself."""
    async def guarded(**kwargs: Any) -> Any:
        request = kwargs[request_name] if routed or not injected else kwargs.pop(request_name)
        errors = None if routed else kwargs.pop(ERRORS_ARG, None)
        try:
            if errors is not None:  # the request failed validation (Route.errors_to_handler)
                await _invalid(handler, errors, kwargs, request)
            result = handler(**kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result
        except Exception as exc:
            found, server_error = handlers.lookup(exc)
            if found is None:
                raise
            answer = await handlers.answer(request, exc, found)
            if server_error:  # answered, and still reported, as Starlette does
                _runtime.log_exception(exc, "handler")
            return answer
    return guarded


# The route handler a custom route class's get_route_handler() wraps, for the request being
# served: set around each call of the class's handler (_routed).
_ORIGINAL: contextvars.ContextVar[Callable[[Any], Any]] = contextvars.ContextVar(
    "data_bridge_original_route_handler")


async def original_route_handler(request: Any) -> Response:
    """What APIRoute.get_route_handler() returns: called with the Request, it validates
    (raising RequestValidationError), solves the dependencies, calls the endpoint and
    answers with its Response, as FastAPI's route handler does."""
    result: Response = await _ORIGINAL.get()(request)
    return result


def _routed(route_handler: Callable[[Any], Any], handler: Callable[..., Any],
            request_name: str, injected: bool, json_result: bool,
            status_code: int) -> Callable[..., Any]:
    """`handler` as the route handler of a custom route class (FastAPI's route_class=):
    `route_handler` (from its get_route_handler()) gets the Request, and the handler it
    wrapped runs `handler` with this request's arguments."""
    async def routed(**kwargs: Any) -> Any:
        request = kwargs.pop(request_name) if injected else kwargs[request_name]
        errors = kwargs.pop(ERRORS_ARG, None)

        async def original(_: Any) -> Response:
            if errors is not None:
                raise await _validation_error(errors, request)
            return await _response(handler, kwargs, json_result, status_code)

        token = _ORIGINAL.set(original)
        try:
            return await route_handler(request)
        finally:
            _ORIGINAL.reset(token)
    return routed


async def _response(handler: Callable[..., Any], kwargs: dict[str, Any], json_result: bool,
                    status_code: int) -> Response:
    """What `handler(**kwargs)` answers, made a Response as the route would (what a
    middleware's call_next and a custom route class's original handler return)."""
    result = handler(**kwargs)
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, Response):
        return result
    answer: Response = response_of(result, json_result, status_code)
    return answer


def _within(middleware: list[Callable[..., Any]], handler: Callable[..., Any],
            request_name: str, json_result: bool, status_code: int) -> Callable[..., Any]:
    """`handler` inside the app's HTTP middleware (outermost first): each one's dispatch
    gets the Request and a call_next answering with the inner Response."""
    async def within(**kwargs: Any) -> Any:
        async def step(index: int, request: Any) -> Any:
            if index == len(middleware):
                return await _response(handler, kwargs, json_result, status_code)

            async def call_next(inner_request: Any) -> Any:
                return await step(index + 1, inner_request)
            return await middleware[index](request, call_next)
        return await step(0, kwargs[request_name])
    return within


def _serving(call: dict[str, Any], route: Any, sync_inline: bool,
             overrides: Any = None,
             middleware: list[Callable[..., Any]] | None = None) -> Callable[..., Any]:
    """The callable the runtime calls for `call`, and how it answers (route.json_result).
    sync_inline: the app's default for plain endpoints (the route's own option wins).
    overrides: what has the app's dependency_overrides."""
    handler: Callable[..., Any] = call["handler"]
    inline = call.get("run_sync_inline")
    inline = sync_inline if inline is None else inline
    if not inline and not (
            inspect.iscoroutinefunction(handler) or inspect.isasyncgenfunction(handler)):
        handler = _in_thread(handler)
    cls = call.get("response_class")
    json_default = cls is not None and (
        issubclass(cls, JSONResponse) and cls.render is JSONResponse.render
        and cls.media_type == JSONResponse.media_type)
    if call.get("json_stream"):
        handler = _json_lines(handler, _item_serializer(call), route.status_code)
    model = call.get("response_model")
    if model is not None and not inspect.isasyncgenfunction(call["handler"]):
        options = call["route"]
        handler = _modelled(handler, ResponseModel(
            model, include=options.response_model_include,
            exclude=options.response_model_exclude,
            by_alias=options.response_model_by_alias,
            exclude_unset=options.response_model_exclude_unset,
            exclude_defaults=options.response_model_exclude_defaults,
            exclude_none=options.response_model_exclude_none,
            to_bytes=json_default or cls is None,
            inferred=getattr(options, "response_model", None) is INFER))
    if cls is None:
        pass  # the App's own rule, natively
    elif json_default:
        route.json_result = True  # FastAPI's default, natively
    else:
        handler = _answered_with(handler, cls, route.status_code)
    graph = call.get("graph")
    if graph is not None:  # dependencies, or BackgroundTasks / Response / SecurityScopes
        handler = Solver(graph, handler, inline=inline, json_result=route.json_result,
                         status_code=route.status_code, overrides=overrides)
    for kind, body in (("form_field", FORM_ARG), ("body_field", BODY_ARG)):
        fields = [(a["name"], a["key"], a.get("default", _NO_DEFAULT)) for a in call["args"]
                  if a["kind"] == kind]
        if fields:
            handler = _form_fields(handler, fields, body)
    handlers = call.get("exception_handlers")
    own = next((a["name"] for a in call["args"] if a["kind"] == "request"), None)
    route_handler = call.get("route_handler")
    if route_handler is not None:
        handler = _routed(route_handler, handler, own or REQUEST_ARG, own is None,
                          route.json_result, route.status_code)
    if handlers:
        handler = _guarded(handler, handlers, own is None, own or REQUEST_ARG,
                           routed=route_handler is not None)
    elif _solves_first(call) and route_handler is None:
        handler = _dependencies_first(handler, own is None, own or REQUEST_ARG)
    if middleware:
        handler = _within(middleware, handler, own or REQUEST_ARG, route.json_result,
                          route.status_code)
    return handler


def _success_schema(op: ir.Operation, status: int) -> ir.Type | None:
    """The JSON schema a generated OpenAPI operation documents for its `status` answer (or
    its 2XX, or default), or None: none, not JSON, a stream, or a proto operation (whose
    messages are what they are)."""
    if op.rpc_response:
        return None
    for want in (status, -2, 0):
        for r in op.responses:
            if r.status == want:
                if not r.HasField("type") or r.item_schema or r.media_type not in (
                        "", "application/json"):
                    return None
                return r.type
    return None


def runtime_routes(lowered: Lowered, sync_inline: bool = True,
                   exception_handlers: ExceptionHandlers | None = None,
                   overrides: Any = None,
                   middleware: list[Callable[..., Any]] | None = None) -> ServedRoutes:
    served = ServedRoutes(plan.Plan(), [])
    conv = _specs(lowered, served.plan.types)
    seen: set[tuple[str, str]] = set()
    for call in lowered.plans:
        op = lowered.service.operations[call["operation"]]
        if (op.method, op.path) in seen:  # a later route of the same method and path never
            continue  # matches (Starlette takes the first); FastAPI keeps both, so do we
        seen.add((op.method, op.path))
        route = served.plan.routes.add(method=op.method, path=op.path,
                                       status_code=call["status_code"])
        native = call.get("native")
        defaults: list[tuple[int, Any]] = []
        args = list(call["args"])
        solves_first = _solves_first(call) and call.get("route_handler") is None
        if (exception_handlers or solves_first) and not any(a["kind"] == "request"
                                                            for a in args):
            args.append({"name": REQUEST_ARG, "kind": "request"})  # for the handlers
        # A request that fails validation goes to Python when the app answers it or when
        # the route has dependencies FastAPI would still solve first (Solver.solve_invalid).
        route.errors_to_handler = solves_first
        if exception_handlers:
            call = dict(call, exception_handlers=exception_handlers)
            route.errors_to_handler = solves_first or exception_handlers.handles_validation()
        # A Form() parameter is a field of the form body (the "form" arg), an embedded
        # Body() one a key of the JSON body, not a parameter of its own: Python takes it
        # out of the body (_form_fields).
        keys = [a for a in args if a["kind"] == "body_field"]
        args = [a for a in args if a["kind"] not in ("form_field", "body_field")]
        for i, arg in enumerate(args):
            p = route.params.add(name=arg["name"])
            if arg["kind"] == "request":
                p.source, p.key, p.required = plan.Param.REQUEST, arg["name"], True
            elif arg["kind"] == "form":
                p.source, p.key, p.required = plan.Param.BODY, arg["name"], op.body.required
                p.type = conv.type_spec(op.body.type)
                p.accepts_form = p.form_or_empty = True
            elif arg["kind"] == "body":
                p.source, p.key, p.required = plan.Param.BODY, arg["name"], op.body.required
                p.type = conv.type_spec(op.body.type)
                media = set(op.body.media_types)
                p.accepts_json = ir.Body.JSON in media or not media
                p.accepts_form = ir.Body.FORM in media or ir.Body.MULTIPART in media
                if arg.get("embedded"):  # keys of an object, each missing at ["body", key]
                    p.embedded, p.required = True, False
                    if op.body.type.model in conv.in_python():
                        p.check = len(served.checks)
                        served.checks.append(EmbeddedChecker(
                            [(a["key"], checked_hint(*a["hint"]), "default" not in a)
                             for a in keys]))
            else:
                param = op.parameters[arg["index"]]
                p.source, p.key = _SOURCES[param.location], param.wire_name
                p.required = param.required
                p.type = conv.type_spec(param.type)
            if native is not None and "compiled" in arg:
                p.compiled.service = served.service_index(native)
                p.compiled.type = arg["compiled"]
                p.compiled.models[:] = _model_map(native, conv.positions)
            if "check" in arg:  # pydantic validates it: natively only JSON (or text)
                hint, constraints, loc = arg["check"]
                p.check = len(served.checks)
                served.checks.append(Checker(checked_hint(hint, constraints), loc))
                listed = (p.source != plan.Param.BODY and op.parameters[arg["index"]].type
                          .WhichOneof("kind") == "array")
                p.type = conv.type_spec(ir.Type(array=ir.Type(any=True)) if listed
                                        else ir.Type(any=True))
            if "default" in arg:
                defaults.append((i, arg["default"]))
        if native is not None:  # registered from the generated route table
            route.compiled_service = served.service_index(native)
            route.operation = call["operation_id"]
            if (checked := _success_schema(op, route.status_code)) is not None:
                route.response_type = conv.type_spec(checked)
        served.handlers.append(_serving(call, route, sync_inline, overrides, middleware))
        served.defaults.append(defaults)
    served.models = [lowered.classes[name] for name in conv.order]
    return served


def type_plan(tp: Any) -> tuple[bytes, int, list[Any]]:
    """One Python type as Decoder takes it: a plan holding its types, the root's index and
    its model classes."""
    service = ir.Service()
    models = Models(service)
    t = type_of(tp, models)
    table = plan.Plan()
    conv = _specs(Lowered(service, [], models.classes), table.types)
    root = conv.type_spec(t)
    return table.SerializeToString(), root, [models.classes[name] for name in conv.order]
