# No `from __future__ import annotations`: handlers annotate with local names.
"""Background tasks as FastAPI runs them, side by side: a BackgroundTasks parameter (sync
and async tasks, in order), a Response's own background task, a streaming response's,
the value's response carrying the tasks, and a task that raises."""

import asyncio
import types
from typing import Any

import pytest

import data_bridge
import data_bridge.background
import fastapi
import starlette.background
from tests.compat.differential import namespace


def build(ns: types.SimpleNamespace, log: list[str]) -> Any:
    ours = ns.FastAPI is data_bridge.FastAPI
    Tasks = data_bridge.BackgroundTasks if ours else fastapi.BackgroundTasks
    Task = data_bridge.background.BackgroundTask if ours else starlette.background.BackgroundTask
    app = ns.FastAPI()

    async def write_async(what: str) -> None:
        await asyncio.sleep(0.01)
        log.append(f"async {what}")

    def write_sync(what: str, suffix: str = "") -> None:
        log.append(f"sync {what}{suffix}")

    @app.post("/tasks/{name}")
    async def with_tasks(name: str, tasks: Tasks):
        tasks.add_task(write_sync, name, suffix="!")
        tasks.add_task(write_async, name)
        log.append("handler")
        return {"queued": name}

    @app.get("/sync-handler")
    def sync_handler(tasks: Tasks):
        tasks.add_task(write_sync, "from sync handler")
        return "text"

    @app.get("/own")
    def own():
        return ns.responses.PlainTextResponse("own", background=Task(write_sync, "own"))

    @app.get("/both")
    def both(tasks: Tasks):
        tasks.add_task(write_sync, "ignored: the response has its own")
        return ns.responses.JSONResponse({"b": 1}, background=Task(write_sync, "response's"))

    @app.get("/unused")
    def unused(tasks: Tasks):
        return {"none": True}

    @app.get("/stream")
    def stream():
        def body():
            log.append("body")
            yield b"x"
        return ns.responses.StreamingResponse(body(), background=Task(write_sync, "streamed"))

    @app.get("/failing")
    def failing(tasks: Tasks):
        def boom() -> None:
            raise LookupError("in the background")
        tasks.add_task(boom)
        tasks.add_task(write_sync, "after the failure")
        return {"ok": True}

    return app


@pytest.mark.parametrize("method,path", [
    ("POST", "/tasks/a"), ("GET", "/sync-handler"), ("GET", "/own"), ("GET", "/both"),
    ("GET", "/unused"), ("GET", "/stream"),
])
def test_tasks_run_after_the_response(method: str, path: str) -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns, log = namespace(which), []
        with ns.TestClient(build(ns, log)) as client:
            r = client.request(method, path)
            seen.append((r.status_code, r.headers.get("content-type"), r.content, list(log)))
    assert seen[0] == seen[1]


def test_a_failing_task_is_raised_by_the_test_client() -> None:
    for which in ("fastapi", "data_bridge"):
        ns, log = namespace(which), []
        with ns.TestClient(build(ns, log)) as client:
            with pytest.raises(LookupError):
                client.get("/failing")
        assert log == [], which
