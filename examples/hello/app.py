"""examples/hello: the service the tests, the benchmarks and the README use."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Annotated

from data_bridge import App, Field, Query

app = App(title="hello", version="1.0.0")


@dataclasses.dataclass
class Item:
    name: Annotated[str, Field(min_length=1, max_length=50)]
    price: Annotated[float, Field(gt=0)]
    tags: list[str] = dataclasses.field(default_factory=list)


@app.get("/plaintext")
async def plaintext() -> str:
    return "Hello, World!"


@app.get("/json")
async def json_message() -> dict:
    return {
        "message": "Hello, World!",
        "status": "success",
        "timestamp": 1234567890,
        "data": {"key": "value"},
    }


@app.get("/users/{user_id}")
async def get_user(user_id: int) -> dict:
    return {
        "id": user_id,
        "name": f"User {user_id}",
        "email": f"user{user_id}@example.com",
        "active": True,
    }


@app.get("/search")
async def search(q: str, limit: Annotated[int, Query(ge=1, le=100)] = 10) -> dict:
    return {"q": q, "limit": limit}


@app.post("/items", status_code=201)
async def create_item(item: Item) -> Item:
    return item


@app.get("/sync")
def sync_handler() -> dict:
    return {"sync": True}


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}


@app.get("/sleep")
async def sleep(ms: Annotated[int, Query(ge=0, le=60_000)] = 0) -> dict:
    await asyncio.sleep(ms / 1000)
    return {"slept_ms": ms}


@app.get("/boom")
async def boom() -> dict:
    raise ValueError("boom: this text must never reach the client")
