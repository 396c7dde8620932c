"""data_bridge.concurrency against fastapi.concurrency (the compat environment's): the same
results, threads and failures."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from typing import Any, Iterator

import fastapi.concurrency as theirs
import pytest

from data_bridge import concurrency as ours

VAR: contextvars.ContextVar[str] = contextvars.ContextVar("VAR", default="unset")


def work(a: int, b: int = 0) -> tuple[int, bool, str]:
    return a + b, threading.current_thread() is threading.main_thread(), VAR.get()


def gen() -> Iterator[Any]:
    yield 1
    yield threading.current_thread() is threading.main_thread()
    yield VAR.get()


@contextlib.contextmanager
def managed(log: list[str], swallow: bool) -> Iterator[str]:
    log.append("enter")
    try:
        yield "value"
    except KeyError:
        log.append("caught")
        if not swallow:
            raise
    finally:
        log.append("exit")


async def scenario(module: Any) -> Any:
    VAR.set("set by caller")
    out: list[Any] = [await module.run_in_threadpool(work, 1, b=2)]
    out.append([x async for x in module.iterate_in_threadpool(gen())])
    out.append([x async for x in module.iterate_in_threadpool([])])
    with pytest.raises(ZeroDivisionError):
        await module.run_in_threadpool(lambda: 1 / 0)
    for swallow in (True, False):
        log: list[str] = []
        try:
            async with module.contextmanager_in_threadpool(managed(log, swallow)) as v:
                log.append(v)
                raise KeyError("inside")
        except KeyError:
            log.append("propagated")
        out.append(log)
    log = []
    async with module.contextmanager_in_threadpool(managed(log, False)) as v:
        log.append(v)
    out.append(log)
    return out


def test_same_as_fastapis() -> None:
    assert asyncio.run(scenario(ours)) == asyncio.run(scenario(theirs))
