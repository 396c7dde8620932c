"""The app tests/integration/streaming_test serves: StreamingResponse in its shapes."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import AsyncIterator, Iterator

from data_bridge import App, StreamingResponse

app = App(title="Streaming")
gate: dict[str, asyncio.Event] = {}
closed: set[str] = set()  # producers whose generator was closed (client left)


@app.get("/gated/{name}")
async def gated(name: str) -> StreamingResponse:
    """'first', then waits for /release/{name}: a buffered body could not be read before."""
    gate[name] = asyncio.Event()

    async def produce() -> AsyncIterator[str]:
        yield "first\n"
        await gate[name].wait()
        yield "second\n"

    return StreamingResponse(produce(), media_type="text/plain")


@app.post("/release/{name}")
async def release(name: str) -> dict[str, bool]:
    gate[name].set()
    return {"released": True}


@app.get("/big")
async def big(size: int, piece: int = 65536) -> StreamingResponse:
    """`size` bytes (a repeating pattern) in `piece`-byte pieces, produced without pause."""
    pattern = bytes(range(256)) * (piece // 256 + 1)

    async def produce() -> AsyncIterator[bytes]:
        sent = 0
        while sent < size:
            n = min(piece, size - sent)
            yield pattern[:n]
            sent += n

    return StreamingResponse(produce(), media_type="application/octet-stream")


@app.get("/sync")
def sync_lines() -> StreamingResponse:
    def produce() -> Iterator[str]:  # iterated in a worker thread
        for i in range(3):
            yield f"{i}:{threading.current_thread() is threading.main_thread()}\n"

    return StreamingResponse(produce(), headers={"x-kind": "sync"})


@app.get("/fail")
async def fail() -> StreamingResponse:
    async def produce() -> AsyncIterator[bytes]:
        yield b"partial"
        await asyncio.sleep(0.05)
        raise RuntimeError("producer failed midway")

    return StreamingResponse(produce())


@app.get("/fail-first")
async def fail_first() -> StreamingResponse:
    async def produce() -> AsyncIterator[bytes]:
        await asyncio.sleep(0.01)
        raise RuntimeError("producer failed before its first piece")
        yield b"never"  # an async generator

    return StreamingResponse(produce())


@app.get("/empty")
async def empty() -> StreamingResponse:
    async def produce() -> AsyncIterator[bytes]:
        return
        yield b""  # an async generator

    return StreamingResponse(produce(), media_type="text/plain")


@app.get("/endless/{name}")
async def endless(name: str) -> StreamingResponse:
    async def produce() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"tick\n"
                await asyncio.sleep(0.01)
        finally:
            closed.add(name)

    return StreamingResponse(produce())


@app.get("/closed/{name}")
async def was_closed(name: str) -> dict[str, bool]:
    return {"closed": name in closed}


produced: dict[str, int] = {}


@app.get("/flood/{name}")
async def flood(name: str) -> StreamingResponse:
    """64 KiB pieces without pause, as fast as the client takes them (at most 1 GiB)."""
    piece = b"f" * 65536

    async def produce() -> AsyncIterator[bytes]:
        produced[name] = 0
        try:
            for _ in range(16384):
                yield piece
                produced[name] += len(piece)
        finally:
            closed.add(name)

    return StreamingResponse(produce())


@app.get("/produced/{name}")
async def produced_so_far(name: str) -> dict[str, int]:
    return {"bytes": produced.get(name, -1)}


request_tag: contextvars.ContextVar[str] = contextvars.ContextVar("request_tag", default="unset")


@app.get("/tagged/{tag}")
async def tagged(tag: str) -> StreamingResponse:
    """The body runs in the handler's context, as Starlette runs it in the handler's task."""
    request_tag.set(tag)
    await asyncio.sleep(0)  # a handler that suspends: its Task's context carries on

    async def produce() -> AsyncIterator[str]:
        yield request_tag.get()
        await asyncio.sleep(0.001)
        yield "," + request_tag.get()

    return StreamingResponse(produce())
