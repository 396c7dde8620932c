"""The async model: one persistent loop per I/O thread, coroutines stepped at once and
continued on the loop when they suspend, asyncio APIs available inside handlers."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import httpx
import pytest

from data_bridge import App
from data_bridge.testing import serve
from tests.integration.support import hello_server

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="unset")


def test_200_concurrent_sleeps_on_one_thread():
    # Raw asyncio connections: the client's own overhead stays small next to the server's.
    async def one(port: int) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /sleep?ms=500 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data = await reader.read()
        writer.close()
        return data

    async def run(port: int) -> list[bytes]:
        return await asyncio.gather(*(one(port) for _ in range(200)))

    with hello_server("--threads", "1") as server:
        httpx.get(server.url + "/health")  # first connection and imports, outside the window
        start = time.monotonic()
        replies = asyncio.run(run(server.port))
        elapsed = time.monotonic() - start
    assert all(r.startswith(b"HTTP/1.1 200 OK\r\n") for r in replies)
    assert all(r.endswith(b'{"slept_ms":500}') for r in replies)
    assert elapsed < 1.5, f"200 concurrent 500 ms sleeps took {elapsed:.2f}s"


def make_app() -> App:
    app = App()
    loops: set[int] = set()

    @app.get("/loop")
    async def loop_identity() -> dict:
        loop = asyncio.get_running_loop()
        loops.add(id(loop))
        await asyncio.sleep(0)
        return {"same_loop": asyncio.get_running_loop() is loop, "loops_seen": len(loops),
                "thread": threading.current_thread().name != "MainThread"}

    @app.get("/gather")
    async def gather() -> dict:
        async def twice(x: int) -> int:
            await asyncio.sleep(0.01)
            return 2 * x

        results = await asyncio.gather(*(twice(i) for i in range(5)))
        task = asyncio.create_task(twice(21))
        return {"results": results, "task": await task}

    @app.get("/wait_for")
    async def wait_for(ms: int) -> dict:
        try:
            await asyncio.wait_for(asyncio.sleep(ms / 1000), timeout=0.05)
            return {"timed_out": False}
        except asyncio.TimeoutError:
            return {"timed_out": True}

    @app.get("/ctx/{value}")
    async def ctx(value: str) -> dict:
        before = request_id.get()
        request_id.set(value)
        await asyncio.sleep(0.02)
        return {"before": before, "after": request_id.get()}

    @app.get("/current_task")
    async def current_task() -> dict:
        await asyncio.sleep(0)
        return {"in_task": asyncio.current_task() is not None}

    @app.get("/fail_late")
    async def fail_late() -> dict:
        await asyncio.sleep(0.01)
        raise RuntimeError("late failure")

    @app.get("/no_suspend")
    async def no_suspend() -> dict:
        return {"ok": True}

    return app


@pytest.fixture(scope="module")
def client():
    with serve(make_app()) as url, httpx.Client(base_url=url, timeout=10) as c:
        yield c


def test_persistent_loop_per_thread(client):
    for _ in range(5):
        body = client.get("/loop").json()
        assert body["same_loop"] is True
        assert body["thread"] is True
    assert client.get("/loop").json()["loops_seen"] == 1


def test_gather_and_create_task(client):
    assert client.get("/gather").json() == {"results": [0, 2, 4, 6, 8], "task": 42}


def test_wait_for(client):
    assert client.get("/wait_for", params={"ms": 1000}).json() == {"timed_out": True}
    assert client.get("/wait_for", params={"ms": 1}).json() == {"timed_out": False}


def test_contextvars_isolated_per_request(client):
    for value in ("a", "b", "c"):
        assert client.get(f"/ctx/{value}").json() == {"before": "unset", "after": value}


def test_current_task_after_suspension(client):
    assert client.get("/current_task").json() == {"in_task": True}


def test_exception_after_suspension_is_500(client):
    r = client.get("/fail_late")
    assert r.status_code == 500
    assert "late failure" not in r.text
    assert client.get("/no_suspend").json() == {"ok": True}


def test_concurrent_interleaving_in_process(client):
    async def run() -> list[dict]:
        async with httpx.AsyncClient(base_url=str(client.base_url), timeout=10) as c:
            rs = await asyncio.gather(*(c.get(f"/ctx/v{i}") for i in range(30)))
            return [r.json() for r in rs]

    results = asyncio.run(run())
    assert results == [{"before": "unset", "after": f"v{i}"} for i in range(30)]
