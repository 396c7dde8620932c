"""Dependency injection as FastAPI's: the graph a route's Depends/Security parameters make,
solved once at start-up into a plan of steps (_schema builds the Graph), and the Solver
that carries the plan out per request.

    async def common(q: str | None = None, limit: int = 10):
        return {"q": q, "limit": limit}

    async def get_db():
        db = connect()
        try:
            yield db              # the route runs here
        finally:
            db.close()            # after the response is sent (scope "request")

    @app.get("/items")
    async def items(commons: Annotated[dict, Depends(common)], db=Depends(get_db)): ...

A dependency's own parameters are the route's: validated natively with the endpoint's (all
violations in one 422) and handed to the Solver by name. Each step is one callable with
where each of its arguments comes from; a dependency met twice with use_cache (the default)
is one step, so it runs once per request. Plain functions and generators run in a worker
thread unless the route runs plain endpoints inline. Teardown: a generator's code after
`yield` runs after the response is sent and its background tasks ran (scope "request", the
default), or as soon as the endpoint returns (scope "function"); an exception the endpoint
raised is thrown into it at the `yield`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import typing
from typing import Any, Callable

from .background import BackgroundTask, BackgroundTasks
from ._pydantic import JSONBytes
from .encoders import jsonable_encoder
from .exceptions import FastAPIError, RequestValidationError
from .responses import JSONResponse, PlainTextResponse, Response
from .params import Depends
from .requests import HTTPConnection, Request
from .security import SecurityScopes

# Where an argument comes from, (kind, detail): ("param", native name), ("dep", step index),
# ("request",), ("background",), ("response",), ("scopes",).
Source = tuple[Any, ...]

_NOT_AWAITED = (
    "Response not awaited. There's a high chance that the application code is raising an "
    "exception and a dependency with yield has a block with a bare except, or a block with "
    "except Exception, and is not raising the exception again. Read more about it in the "
    "docs: https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/"
    "#dependencies-with-yield-and-except")


def call_kind(call: Callable[..., Any]) -> str:
    """"async", "sync", "agen" (async generator) or "gen": how a dependency is called."""
    if inspect.isclass(call):
        return "sync"
    for fn in (call, getattr(call, "__call__", None)):
        if inspect.isasyncgenfunction(fn):
            return "agen"
        if inspect.isgeneratorfunction(fn):
            return "gen"
        if inspect.iscoroutinefunction(fn):
            return "async"
    return "sync"


@dataclasses.dataclass
class Step:
    """One dependency to call: `call` as planned (`original`, unless an override was in
    effect when the plan was made), with its arguments' sources."""

    call: Callable[..., Any]
    original: Callable[..., Any]
    kind: str
    args: list[tuple[str, Source]]
    scope: str  # "request" or "function": when a generator's teardown runs
    scopes: list[str]  # the Security scopes in effect (SecurityScopes)


@dataclasses.dataclass
class Graph:
    """A route's dependencies in solving order, then the endpoint's own arguments."""

    steps: list[Step]
    endpoint_args: list[tuple[str, Source]]
    request: str | None  # the native argument carrying the Request, if a step needs it


class _Teardown(BackgroundTask):
    """A response's background: its tasks, then the request-scope dependencies' exit code
    (what Starlette's response does before FastAPI's exit stack closes)."""

    def __init__(self, tasks: Any, stack: contextlib.AsyncExitStack) -> None:  # noqa: D107
        super().__init__(self._run)
        self.tasks = tasks
        self.stack = stack

    async def _run(self) -> None:
        try:
            if self.tasks is not None:
                await self.tasks()
        except BaseException as exc:
            if not await self.stack.__aexit__(type(exc), exc, exc.__traceback__):
                raise
            return
        await self.stack.aclose()


def response_of(value: Any, json_result: bool, status_code: int) -> Response:
    """The Response the runtime would make of `value`, made in Python (to carry tasks,
    headers or teardown)."""
    if isinstance(value, JSONBytes):  # a response model's serialization
        return Response(bytes(value), status_code=status_code, media_type="application/json")
    if json_result:
        return JSONResponse(jsonable_encoder(value), status_code=status_code)
    if isinstance(value, str):
        return PlainTextResponse(value, status_code=status_code)
    if isinstance(value, bytes):
        return Response(value, status_code=status_code, media_type="application/octet-stream")
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], int):
        return response_of(value[1], False, value[0])
    return JSONResponse(jsonable_encoder(value), status_code=status_code)


def sub_response() -> Response:
    """The `response: Response` a route or dependency may take to set a status, headers or
    cookies on what its returned value becomes (FastAPI's temporal response)."""
    r = Response()
    r.raw_headers = [(k, v) for k, v in r.raw_headers if k != b"content-length"]
    r.status_code = None  # type: ignore[assignment]  # unset: the route's
    return r


async def _enter_sync(stack: contextlib.AsyncExitStack, cm: Any, inline: bool) -> Any:
    if inline:
        return stack.enter_context(cm)
    value = await asyncio.to_thread(cm.__enter__)

    async def exit_in_thread(*exc: Any) -> Any:
        return await asyncio.to_thread(cm.__exit__, *exc)
    stack.push_async_exit(exit_in_thread)
    return value


class Solver:
    """The callable the runtime calls for a route with dependencies (or a BackgroundTasks,
    Response or SecurityScopes parameter): the plan's steps, then the endpoint."""

    def __init__(self, graph: Graph, endpoint: Callable[..., Any], *, inline: bool,
                 json_result: bool, status_code: int, overrides: Any = None) -> None:
        self.graph = graph
        self.endpoint = endpoint
        self.inline = inline
        self.json_result = json_result
        self.status_code = status_code
        self.overrides = overrides  # the app: its dependency_overrides, read per request
        self.planned_override = any(s.call is not s.original for s in graph.steps)
        self._lazy: dict[Any, Step] = {}  # (override, step id) -> the step it makes

    async def solve_invalid(self, errors: list[Any], kwargs: dict[str, Any]) -> None:
        """A request whose parameters failed validation, as FastAPI's solve_dependencies
        treats it: each dependency whose own parameters (and dependencies) are all valid is
        still called, in order, and may raise (an auth dependency's 401 comes before the
        422); one that raises RequestValidationError adds its errors. Then the errors are
        raised (the endpoint is not called). `kwargs`: the parameters that did bind."""
        graph = self.graph
        ok = [False] * len(graph.steps)
        values: list[Any] = [None] * len(graph.steps)
        request = kwargs.get(graph.request) if graph.request else None
        stack = contextlib.AsyncExitStack()
        overrides = getattr(self.overrides, "dependency_overrides", None)
        try:
            for i, step in enumerate(graph.steps):
                if any((source[0] == "param" and source[1] not in kwargs)
                       or (source[0] == "dep" and not ok[source[1]])
                       for _, source in step.args):
                    continue
                if overrides or self.planned_override:
                    current = (overrides or {}).get(step.original, step.original)
                    if current is not step.call:
                        step = self._overridden(current, step)
                kw = {name: (kwargs[source[1]] if source[0] == "param" else
                             values[source[1]] if source[0] == "dep" else
                             request if source[0] == "request" else None)
                      for name, source in step.args}
                if any(source[0] not in ("param", "dep", "request") for _, source in step.args):
                    continue  # BackgroundTasks, Response, SecurityScopes: not for a 422
                try:
                    if step.kind == "async":
                        values[i] = await step.call(**kw)
                    elif step.kind == "sync":
                        values[i] = (step.call(**kw) if self.inline
                                     else await asyncio.to_thread(step.call, **kw))
                    elif step.kind == "agen":
                        values[i] = await stack.enter_async_context(
                            contextlib.asynccontextmanager(step.call)(**kw))
                    else:
                        values[i] = await _enter_sync(
                            stack, contextlib.contextmanager(step.call)(**kw), self.inline)
                except RequestValidationError as exc:
                    errors.extend(exc.errors())
                    continue
                ok[i] = True
        finally:
            await stack.aclose()
        raise RequestValidationError(errors)

    async def __call__(self, **kwargs: Any) -> Any:
        graph = self.graph
        values: list[Any] = [None] * len(graph.steps)
        state: dict[str, Any] = {}
        request = kwargs.get(graph.request) if graph.request else None
        stack = contextlib.AsyncExitStack()  # scope "request": closed after the response
        inner = contextlib.AsyncExitStack()  # scope "function": closed when the endpoint returns
        used = False

        def resolve(source: Source, step: Step | None) -> Any:
            kind = source[0]
            if kind == "param":
                return kwargs[source[1]]
            if kind == "dep":
                return values[source[1]]
            if kind == "request":
                return request
            if kind == "background":
                if "tasks" not in state:
                    state["tasks"] = BackgroundTasks()
                return state["tasks"]
            if kind == "response":
                if "response" not in state:
                    state["response"] = sub_response()
                return state["response"]
            return SecurityScopes(list(step.scopes) if step is not None else [])

        overrides = getattr(self.overrides, "dependency_overrides", None)
        try:
            for i, step in enumerate(graph.steps):
                if overrides or self.planned_override:
                    current = (overrides or {}).get(step.original, step.original)
                    if current is not step.call:
                        step = self._overridden(current, step)
                call, kind = step.call, step.kind
                kw = {name: resolve(source, step) for name, source in step.args}
                if kind == "async":
                    values[i] = await call(**kw)
                elif kind == "sync":
                    values[i] = call(**kw) if self.inline else await asyncio.to_thread(call, **kw)
                else:
                    used = True
                    target = inner if step.scope == "function" else stack
                    if kind == "agen":
                        values[i] = await target.enter_async_context(
                            contextlib.asynccontextmanager(call)(**kw))
                    else:
                        values[i] = await _enter_sync(
                            target, contextlib.contextmanager(call)(**kw), self.inline)
            result = self.endpoint(**{name: resolve(source, None)
                                      for name, source in graph.endpoint_args})
            if inspect.isawaitable(result):
                result = await result
        except BaseException as exc:
            if used:
                await self._unwind(exc, inner, stack)
            raise
        if used:
            try:
                await inner.aclose()
            except BaseException as exc:
                await self._unwind(exc, None, stack)
                raise
        return self._answer(result, state.get("tasks"), state.get("response"),
                            stack if used else None)

    @staticmethod
    async def _unwind(exc: BaseException, inner: contextlib.AsyncExitStack | None,
                      stack: contextlib.AsyncExitStack) -> None:
        """Throws `exc` into the generators waiting at their yield (innermost scope first);
        one that swallows it leaves no response to send: FastAPIError, as FastAPI raises."""
        for s in (inner, stack):
            if s is not None and await s.__aexit__(type(exc), exc, exc.__traceback__):
                raise FastAPIError(_NOT_AWAITED) from None

    def _answer(self, result: Any, tasks: BackgroundTasks | None, sub: Response | None,
                stack: contextlib.AsyncExitStack | None) -> Any:
        if isinstance(result, Response):
            if tasks is not None and result.background is None:
                result.background = tasks
            response = result
        else:
            status = sub.status_code if sub is not None and sub.status_code else None
            headers = sub.raw_headers if sub is not None else []
            if stack is None and status is None and not headers and (
                    tasks is None or not tasks.tasks):
                return result  # nothing to add: the runtime answers natively
            response = response_of(result, self.json_result, status or self.status_code)
            response.raw_headers.extend(headers)
            response.background = tasks
        if stack is not None:
            response.background = _Teardown(response.background, stack)
        return response

    def _overridden(self, current: Callable[..., Any], step: Step) -> Step:
        """`step` with an override that was not planned in its place (made once each)."""
        key = (current, id(step))
        made = self._lazy.get(key)
        if made is None:
            made = self._lazy[key] = dataclasses.replace(
                step, call=current, kind=call_kind(current),
                args=override_sources(current, step, self.graph))
        return made


def call_hints(call: Callable[..., Any]) -> dict[str, Any]:
    """The resolved type hints of what calling `call` takes: a function's, a class's
    __init__, a callable object's __call__."""
    if inspect.isclass(call):
        target: Any = call.__init__
    elif inspect.isfunction(call) or inspect.ismethod(call):
        target = call
    else:
        target = getattr(type(call), "__call__", call)
    return typing.get_type_hints(target, include_extras=True)


def depends_of(hint: Any, default: Any) -> Depends | None:
    """The Depends marking a parameter: its default, or inside Annotated[...]."""
    if isinstance(default, Depends):
        return default
    if typing.get_origin(hint) is typing.Annotated:
        for meta in typing.get_args(hint)[1:]:
            if isinstance(meta, Depends):
                return meta
    return None


def special_source(base: Any) -> Source | None:
    """What a parameter of this (unannotated) type is given by the Solver rather than read
    from the request: the Request, the request's BackgroundTasks, the sub-response, the
    SecurityScopes; None for any other type."""
    if not isinstance(base, type):
        return None
    if issubclass(base, HTTPConnection):  # Request, or Starlette's base class of it
        return ("request",)
    if issubclass(base, BackgroundTasks):
        return ("background",)
    if issubclass(base, Response):
        return ("response",)
    if base is SecurityScopes:
        return ("scopes",)
    return None


def override_sources(call: Callable[..., Any], step: Step,
                     graph: Graph) -> list[tuple[str, Source]]:
    """The sources of an override set after the plan was made: its parameters by name from
    the overridden step's, a Request, BackgroundTasks, Response or SecurityScopes by type,
    a Depends on a callable the plan has a step for; others keep their defaults. The plan's
    native parameters are the original's, so an override needing a parameter the original
    does not declare is a TypeError: set it before the server starts and it is planned."""
    by_name = dict(step.args)
    hints = call_hints(call)
    out: list[tuple[str, Source]] = []
    for name, p in inspect.signature(call).parameters.items():
        hint = hints.get(name)
        dep = depends_of(hint, p.default)
        base = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
        special = special_source(base)
        if name in by_name:
            out.append((name, by_name[name]))
        elif special is not None:
            out.append((name, special))
        elif dep is not None:
            target = dep.dependency or base
            index = next((i for i, s in enumerate(graph.steps) if s.original is target), None)
            if index is None:
                raise TypeError(f"dependency override {call!r}: its Depends({target!r}) is "
                                "not in the route's plan; set the override before the "
                                "server starts")
            out.append((name, ("dep", index)))
        elif p.default is inspect.Parameter.empty:
            raise TypeError(f"dependency override {call!r}: parameter {name!r} is not one "
                            f"of {step.original!r}'s; set the override before the server "
                            "starts and it is planned with its own parameters")
    return out
