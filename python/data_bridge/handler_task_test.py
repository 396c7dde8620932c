"""A handler runs as an asyncio Task from its first line, as under uvicorn (compat
environment): the same app on FastAPI's TestClient and on data_bridge's (a real server)
gives the same answers for what needs a current Task — asyncio.timeout, TaskGroup, AnyIO
sleeps, cancel scopes and task groups, httpx.AsyncClient — and keeps one Task and its
context variables across suspensions."""

from __future__ import annotations

import asyncio
import contextvars
import http.server
import threading
from types import ModuleType
from typing import Any, Iterator

import anyio
import fastapi
import fastapi.concurrency
import fastapi.testclient
import httpx
import pytest

import data_bridge
import data_bridge.concurrency
import data_bridge.testclient

VAR: contextvars.ContextVar[str] = contextvars.ContextVar("VAR", default="unset")


class _Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b'{"upstream": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - its signature
        pass


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def make_app(framework: ModuleType, upstream: str) -> Any:
    app: data_bridge.FastAPI = framework.FastAPI()

    async def tagged() -> str:
        VAR.set("from dependency")
        return "dep"

    @app.get("/task")
    async def task() -> dict[str, Any]:
        first = asyncio.current_task()
        VAR.set("before")
        await asyncio.sleep(0)
        await asyncio.sleep(0.001)
        return {"task": first is not None, "same": asyncio.current_task() is first,
                "var": VAR.get()}

    @app.get("/dependency")
    async def dependency(dep: str = framework.Depends(tagged)) -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"dep": dep, "var": VAR.get()}

    @app.get("/anyio")
    async def anyio_sleep() -> dict[str, Any]:
        await anyio.sleep(0.001)
        return {"slept": True}

    @app.get("/timeout")
    async def timeout() -> dict[str, Any]:
        try:
            async with asyncio.timeout(0.02):
                await asyncio.sleep(5)
        except TimeoutError:
            return {"timed_out": True}
        return {"timed_out": False}

    @app.get("/timeout-past")
    async def timeout_past() -> dict[str, Any]:
        # Expired on entry: the cancellation is delivered before the next step.
        try:
            async with asyncio.timeout_at(0):
                await asyncio.sleep(5)
        except TimeoutError:
            return {"timed_out": True}
        return {"timed_out": False}

    @app.get("/timeout-unused")
    async def timeout_unused() -> dict[str, Any]:
        async with asyncio.timeout(5):
            pass
        return {"done": True}

    @app.get("/move-on")
    async def move_on() -> dict[str, Any]:
        with anyio.move_on_after(0.02) as scope:
            await anyio.sleep(5)
        return {"cancelled": scope.cancelled_caught}

    @app.get("/fail-after")
    async def fail_after() -> dict[str, Any]:
        try:
            with anyio.fail_after(0.02):
                await anyio.sleep(5)
        except TimeoutError:
            return {"timed_out": True}
        return {"timed_out": False}

    @app.get("/task-group")
    async def task_group() -> dict[str, Any]:
        async with asyncio.TaskGroup() as group:
            one = group.create_task(asyncio.sleep(0.001, 1))
            two = group.create_task(asyncio.sleep(0.002, 2))
        return {"sum": one.result() + two.result()}

    @app.get("/anyio-group")
    async def anyio_group() -> dict[str, Any]:
        done: list[int] = []

        async def work(i: int) -> None:
            await anyio.sleep(0.001 * i)
            done.append(i)

        async with anyio.create_task_group() as group:
            for i in range(3):
                group.start_soon(work, i)
        return {"done": done}

    @app.get("/httpx")
    async def fetch() -> Any:
        async with httpx.AsyncClient() as client:
            r = await client.get(upstream, timeout=5)
        return r.json()

    @app.get("/threadpool")
    async def threadpool() -> dict[str, Any]:
        value = await framework.concurrency.run_in_threadpool(lambda: 41)
        return {"value": value + 1}

    return app


PATHS = ["/task", "/dependency", "/anyio", "/timeout", "/timeout-past", "/timeout-unused",
         "/move-on", "/fail-after", "/task-group", "/anyio-group", "/httpx", "/threadpool"]


@pytest.fixture(scope="module")
def answers(upstream: str) -> dict[str, Any]:
    theirs: dict[str, Any] = {}
    with fastapi.testclient.TestClient(make_app(fastapi, upstream)) as client:
        for path in PATHS:
            r = client.get(path)
            theirs[path] = (r.status_code, r.json())
    return theirs


@pytest.fixture(scope="module")
def ours(upstream: str) -> Iterator[data_bridge.testclient.TestClient]:
    with data_bridge.testclient.TestClient(make_app(data_bridge, upstream)) as client:
        yield client


@pytest.mark.parametrize("path", PATHS)
def test_as_fastapi(path: str, answers: dict[str, Any],
                    ours: data_bridge.testclient.TestClient) -> None:
    r = ours.get(path)
    assert (r.status_code, r.json()) == answers[path]
    assert r.status_code == 200


def test_expected_answers(answers: dict[str, Any]) -> None:
    # What the comparison compares: FastAPI's own answers are the ones these handlers mean.
    assert answers["/task"] == (200, {"task": True, "same": True, "var": "before"})
    assert answers["/timeout-past"] == (200, {"timed_out": True})
    assert answers["/httpx"] == (200, {"upstream": True})


def test_many_in_a_row(ours: data_bridge.testclient.TestClient) -> None:
    # The spare Task is reused by handlers that finish at once and renewed by those that
    # suspend; an interleaving of both keeps every answer right.
    for _ in range(20):
        assert ours.get("/timeout-unused").json() == {"done": True}
        assert ours.get("/task").json() == {"task": True, "same": True, "var": "before"}
