"""Background tasks: work a handler leaves to run after its response is sent, as
Starlette's `starlette.background` (and `fastapi.BackgroundTasks`) has them.

    @app.post("/signup")
    async def signup(email: str, tasks: BackgroundTasks):
        tasks.add_task(send_welcome, email)      # runs once the answer is out
        return {"ok": True}

    return JSONResponse(..., background=BackgroundTask(cleanup, path))

Coroutine functions are awaited on the I/O thread's loop; plain functions run in a worker
thread (asyncio.to_thread), as Starlette's threadpool runs them. The tasks of one response
run one after another, in the order added; one that raises is logged and ends the rest.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Callable, Sequence

__all__ = ["BackgroundTask", "BackgroundTasks"]


class BackgroundTask:
    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.is_async = inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
            getattr(func, "__call__", None))

    async def __call__(self) -> None:
        if self.is_async:
            await self.func(*self.args, **self.kwargs)
        else:
            await asyncio.to_thread(self.func, *self.args, **self.kwargs)


class BackgroundTasks(BackgroundTask):
    """Tasks added one by one (add_task), run in order; a handler parameter of this type
    gets a fresh one per request."""

    def __init__(self, tasks: Sequence[BackgroundTask] | None = None) -> None:
        self.tasks = list(tasks) if tasks else []

    def add_task(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.tasks.append(BackgroundTask(func, *args, **kwargs))

    async def __call__(self) -> None:
        for task in self.tasks:
            await task()
