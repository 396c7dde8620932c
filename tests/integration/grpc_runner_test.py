"""gRPC handlers of every shape through the native runner (grpc_runner.cc), with grpcio's
client: plain functions as well as coroutines, sync and async generators, a handler that
suspends between messages, set_code without abort, a wrong response type, contextvars kept
per call, a slow reader (flow control), and calls on both loops at once."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import time
from typing import Any, AsyncIterator, Iterator

import grpc
import pytest

from data_bridge import App
from data_bridge.testing import serve_grpc
from examples.library import library_api
from examples.library import library_pb2 as pb2
from examples.library.handlers import Library

SERVICE = "/library.v1.LibraryService/"
seen = contextvars.ContextVar("seen", default="")


class Shapes(Library):
    def GetBook(self, request: pb2.GetBookRequest, context: Any) -> Any:  # a plain function
        if request.name == "wrong-type":
            return pb2.ListBooksResponse()
        if request.name == "set-code":
            context.set_code(grpc.StatusCode.NOT_FOUND)
            context.set_details("set, not raised")
            return pb2.Book()
        before = seen.get()
        seen.set(request.name)
        return pb2.Book(name=request.name, title=before)

    async def ListBooks(self, request: pb2.ListBooksRequest, context: Any) -> Any:
        before = seen.get()
        seen.set(request.parent)
        await asyncio.sleep(0.01)  # suspends: continues as a Task, in the same context
        return pb2.ListBooksResponse(next_page_token=f"{before}|{seen.get()}")

    def StreamBooks(self, request: pb2.ListBooksRequest, context: Any) -> Any:
        mode, _, count = request.page_token.partition(":")  # page_size is at most 100
        if mode == "sync":
            return self._sync(int(count))
        return self._paced(int(count), mode)

    @staticmethod
    def _sync(n: int) -> Iterator[pb2.Book]:
        for i in range(n):
            yield pb2.Book(name=f"sync/{i}")

    @staticmethod
    async def _paced(n: int, token: str) -> AsyncIterator[pb2.Book]:
        for i in range(n):
            if token == "pause" and i % 10 == 0:
                await asyncio.sleep(0.001)
            yield pb2.Book(name=f"paced/{i}", title="t" * 1000)
            if token == "wrong" and i == 3:
                yield pb2.ListBooksResponse()  # type: ignore[misc]


@pytest.fixture(scope="module")
def target():
    app = App(title="Shapes")
    app.include(library_api.routes(Shapes()))
    with serve_grpc(app, threads=2) as (_, target):
        yield target


@pytest.fixture(scope="module")
def channel(target):
    with grpc.insecure_channel(target) as ch:
        yield ch


def unary(channel, name, req, resp):
    return channel.unary_unary(SERVICE + name, request_serializer=req.SerializeToString,
                               response_deserializer=resp.FromString)


def stream(channel, mode, count, timeout=20):
    call = channel.unary_stream(SERVICE + "StreamBooks",
                                request_serializer=pb2.ListBooksRequest.SerializeToString,
                                response_deserializer=pb2.Book.FromString)
    return call(pb2.ListBooksRequest(parent="a", page_token=f"{mode}:{count}"), timeout=timeout)


def test_a_plain_function_answers(channel):
    book = unary(channel, "GetBook", pb2.GetBookRequest, pb2.Book)(
        pb2.GetBookRequest(name="plain"), timeout=10)
    assert book.name == "plain"


def test_each_call_has_its_own_context(channel):
    get = unary(channel, "GetBook", pb2.GetBookRequest, pb2.Book)
    for name in ("first", "second"):
        assert get(pb2.GetBookRequest(name=name), timeout=10).title == ""
    listing = unary(channel, "ListBooks", pb2.ListBooksRequest, pb2.ListBooksResponse)
    futures = [listing.future(pb2.ListBooksRequest(parent=f"p{i}"), timeout=10)
               for i in range(20)]
    assert sorted(f.result().next_page_token for f in futures) == sorted(
        f"|p{i}" for i in range(20))


def test_set_code_without_abort_is_the_status(channel):
    with pytest.raises(grpc.RpcError) as e:
        unary(channel, "GetBook", pb2.GetBookRequest, pb2.Book)(
            pb2.GetBookRequest(name="set-code"), timeout=10)
    assert e.value.code() == grpc.StatusCode.NOT_FOUND
    assert e.value.details() == "set, not raised"


def test_a_wrong_response_type_is_unknown_and_logged(channel, caplog):
    with caplog.at_level(logging.ERROR, logger="data_bridge"):
        with pytest.raises(grpc.RpcError) as e:
            unary(channel, "GetBook", pb2.GetBookRequest, pb2.Book)(
                pb2.GetBookRequest(name="wrong-type"), timeout=10)
    assert e.value.code() == grpc.StatusCode.UNKNOWN
    assert e.value.details() == "Unexpected error in the handler"
    assert "returned ListBooksResponse, not Book" in caplog.text
    assert unary(channel, "GetBook", pb2.GetBookRequest, pb2.Book)(
        pb2.GetBookRequest(name="after"), timeout=10).name == "after"


def test_a_sync_generator_streams(channel):
    names = [b.name for b in stream(channel, "sync", 300)]
    assert names == [f"sync/{i}" for i in range(300)]


def test_a_stream_that_suspends_keeps_its_order(channel):
    names = [b.name for b in stream(channel, "pause", 500)]
    assert names == [f"paced/{i}" for i in range(500)]


def test_a_wrong_item_ends_the_stream_after_what_came_before(channel):
    got = []
    with pytest.raises(grpc.RpcError) as e:
        for b in stream(channel, "wrong", 100):
            got.append(b.name)
    assert e.value.code() == grpc.StatusCode.UNKNOWN
    assert got == [f"paced/{i}" for i in range(4)]


def test_a_slow_reader_gets_every_message(channel):
    """Far more than gRPC's windows hold: the pump must wait for kWritable, then go on."""
    n = 5000
    got = 0
    for i, b in enumerate(stream(channel, "fast", n, timeout=60)):
        assert b.name == f"paced/{i}"
        got += 1
        if i < 200:
            time.sleep(0.002)
    assert got == n


def test_cancelling_a_stream_midway_leaves_the_server_serving(channel):
    call = stream(channel, "fast", 100000, timeout=30)
    for i, _ in enumerate(call):
        if i == 10:
            call.cancel()
            break
    assert unary(channel, "GetBook", pb2.GetBookRequest, pb2.Book)(
        pb2.GetBookRequest(name="still"), timeout=10).name == "still"


def test_many_calls_at_once_on_both_loops(target):
    errors: list[BaseException] = []

    def client(k: int) -> None:
        try:
            with grpc.insecure_channel(target) as ch:
                get = unary(ch, "GetBook", pb2.GetBookRequest, pb2.Book)
                for i in range(50):
                    assert get(pb2.GetBookRequest(name=f"{k}-{i}"), timeout=10).name == f"{k}-{i}"
                names = [b.name for b in stream(ch, "sync", 100)]
                assert len(names) == 100
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
