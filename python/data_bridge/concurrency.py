"""Running blocking code from async handlers, as `fastapi.concurrency` (Starlette's) has it:

    rows = await run_in_threadpool(db.query, "select 1")
    async for line in iterate_in_threadpool(open("big.txt")): ...
    async with contextmanager_in_threadpool(lock_file(path)) as handle: ...

Each call runs in the loop's default thread pool (asyncio.to_thread), in a copy of the
caller's contextvars context.
"""

from __future__ import annotations

import asyncio
import functools
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any, AsyncIterator, Callable, Iterable, Iterator, TypeVar

__all__ = ["asynccontextmanager", "contextmanager_in_threadpool", "iterate_in_threadpool",
           "run_in_threadpool"]

T = TypeVar("T")


async def run_in_threadpool(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(functools.partial(func, *args, **kwargs))


class _Exhausted(Exception):
    """StopIteration cannot cross a thread's future: this stands in for it."""


def _next(iterator: Iterator[T]) -> T:
    try:
        return next(iterator)
    except StopIteration:
        raise _Exhausted from None


async def iterate_in_threadpool(iterable: Iterable[T]) -> AsyncIterator[T]:
    """The items of a blocking iterator, each produced in a worker thread."""
    iterator = iter(iterable)
    while True:
        try:
            yield await asyncio.to_thread(_next, iterator)
        except _Exhausted:
            return


@asynccontextmanager
async def contextmanager_in_threadpool(cm: AbstractContextManager[T]) -> AsyncIterator[T]:
    """A blocking context manager entered and exited in worker threads; its exit runs even
    when the awaiting task is cancelled meanwhile."""
    value = await asyncio.to_thread(cm.__enter__)
    try:
        yield value
    except BaseException as e:
        suppress = await asyncio.shield(asyncio.to_thread(cm.__exit__, type(e), e,
                                                          e.__traceback__))
        if not suppress:
            raise
    else:
        await asyncio.shield(asyncio.to_thread(cm.__exit__, None, None, None))
