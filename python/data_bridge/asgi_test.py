"""An App driven through ASGI (data_bridge.asgi): httpx.ASGITransport, as FastAPI's async
tests drive apps, under asyncio."""

import asyncio
from typing import Any, MutableMapping

import httpx

from data_bridge import FastAPI, Request
from data_bridge.responses import StreamingResponse

app = FastAPI()


@app.get("/items/{item_id}")
async def read_item(item_id: int, q: str = "") -> dict[str, Any]:
    return {"item_id": item_id, "q": q}


@app.post("/echo")
async def echo(request: Request) -> dict[str, Any]:
    return {"body": (await request.body()).decode(), "type": request.headers["content-type"]}


@app.get("/stream")
async def stream() -> StreamingResponse:
    async def pieces() -> Any:
        for i in range(3):
            yield f"piece {i}\n"
    return StreamingResponse(pieces(), media_type="text/plain")


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def requests() -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return [await client.get("/items/3", params={"q": "x"}),
                await client.post("/echo", json={"a": 1}),
                await client.get("/stream"),
                await client.get("/nowhere"),
                await client.get("/items/nope"),
                await client.head("/items/3")]


def test_requests_are_answered_by_the_native_server() -> None:
    item, echoed, streamed, missing, invalid, head = run(requests())
    assert item.status_code == 200 and item.json() == {"item_id": 3, "q": "x"}
    assert echoed.json() == {"body": '{"a":1}', "type": "application/json"}
    assert streamed.text == "piece 0\npiece 1\npiece 2\n"
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["path", "item_id"]
    # FastAPI's routes take no HEAD for GET: 405, no body (as the server sends it).
    assert head.status_code == 405 and head.headers["allow"] == "GET" and head.content == b""


def test_lifespan_messages_start_and_stop_the_server() -> None:
    async def lifespan() -> list[str]:
        sent: list[str] = []
        messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

        async def receive() -> MutableMapping[str, Any]:
            return next(messages)

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message["type"])
        other = FastAPI()
        await other({"type": "lifespan"}, receive, send)
        return sent
    assert run(lifespan()) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
