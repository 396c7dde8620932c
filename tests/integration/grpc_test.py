"""gRPC end to end: examples/library's service over gRPC C++ with Python handlers, driven by
grpcio's client and grpcurl. All four call kinds, metadata both ways, deadlines and
cancellation reaching the handler, errors with rich details, field rules checked natively,
compression, size limits, malformed messages, health and reflection."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import threading
import time
from typing import Any, AsyncIterator

import grpc
import pytest

from data_bridge import App
from data_bridge.testing import serve_grpc
from examples.library import library_api
from examples.library import library_pb2 as pb2
from examples.library.handlers import Library
from google.rpc import error_details_pb2, status_pb2


def _health_pb2() -> Any:
    """grpc/health/v1/health_pb2.py from @googleapis (the package name `grpc` is grpcio's,
    so it is loaded by path)."""
    import glob
    import importlib.util
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    path = glob.glob(os.path.join(here, "..", "..", "..", "*googleapis", "grpc", "health", "v1",
                                  "health_pb2.py"))[0]
    spec = importlib.util.spec_from_file_location("health_pb2", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


health_pb2 = _health_pb2()

SERVICE = "/library.v1.LibraryService/"
events: list[str] = []


class _Status(grpc.Status):  # what grpcio-status' rpc_status.to_status builds
    def __init__(self, code: grpc.StatusCode, details: str, trailing: Any) -> None:
        self.code, self.details, self.trailing_metadata = code, details, trailing


class SteeredLibrary(Library):
    """The example's handlers, plus behaviours the tests steer through ListBooks."""

    async def GetBook(self, request: pb2.GetBookRequest, context: Any) -> pb2.Book:
        echo = dict(context.invocation_metadata()).get("x-echo")
        if echo is not None:
            context.send_initial_metadata([("x-echo", echo)])
            context.set_trailing_metadata([("x-trailer", "done"), ("x-raw-bin", b"\x00\xff")])
        return await super().GetBook(request, context)

    async def ListBooks(self, request: pb2.ListBooksRequest, context: Any) -> Any:
        token = request.page_token
        if token == "slow":
            events.append("slow started")
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                events.append("slow cancelled")
                raise
        if token == "boom":
            raise RuntimeError("secret internal detail")
        if token == "linger":  # finishes half a second later: shutdown must wait for it
            await asyncio.sleep(0.5)
            return pb2.ListBooksResponse(next_page_token="lingered")
        if token == "time":
            return pb2.ListBooksResponse(next_page_token=f"{context.time_remaining():.3f}")
        if token == "rich":
            bad = error_details_pb2.BadRequest(field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field="page_token",
                                                            description="not that one")])
            status = status_pb2.Status(code=3, message="bad token")
            status.details.add().Pack(bad)
            context.abort_with_status(_Status(grpc.StatusCode.INVALID_ARGUMENT, "bad token", (
                ("grpc-status-details-bin", status.SerializeToString()),)))
        return await super().ListBooks(request, context)

    async def StreamBooks(self, request: pb2.ListBooksRequest,
                          context: Any) -> AsyncIterator[pb2.Book]:
        for i in range(request.page_size * 5):  # many messages: flow control matters
            yield pb2.Book(name=f"{request.parent}/books/{i}", title="t" * 100)
        if request.parent == "shelves/abort":  # after what it yielded, without a pause
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "shelf closed")


@pytest.fixture(scope="module")
def served():
    app = App(title="Library")
    app.include(library_api.routes(SteeredLibrary()))
    with serve_grpc(app, threads=2) as (url, target):
        yield url, target


@pytest.fixture(scope="module")
def channel(served):
    with grpc.insecure_channel(served[1]) as ch:
        yield ch


def rpc(channel, name, request_cls, response_cls, kind="unary_unary"):
    return getattr(channel, kind)(SERVICE + name, request_serializer=request_cls.SerializeToString,
                                  response_deserializer=response_cls.FromString)


def create(channel, title="Dune", parent="shelves/s1"):
    return rpc(channel, "CreateBook", pb2.CreateBookRequest, pb2.Book)(
        pb2.CreateBookRequest(parent=parent, book=pb2.Book(title=title, page_count=412)))


def test_unary_and_metadata_both_ways(channel):
    book = create(channel)
    assert book.name.startswith("shelves/s1/books/") and book.page_count == 412
    get = rpc(channel, "GetBook", pb2.GetBookRequest, pb2.Book)
    got, call = get.with_call(pb2.GetBookRequest(name=book.name), metadata=[("x-echo", "hi")])
    assert got == book
    assert ("x-echo", "hi") in call.initial_metadata()
    trailing = dict(call.trailing_metadata())
    assert trailing["x-trailer"] == "done" and trailing["x-raw-bin"] == b"\x00\xff"


def test_server_streaming_many_messages(channel):
    stream = rpc(channel, "StreamBooks", pb2.ListBooksRequest, pb2.Book, "unary_stream")
    books = list(stream(pb2.ListBooksRequest(parent="shelves/x", page_size=100)))
    assert [b.name for b in books] == [f"shelves/x/books/{i}" for i in range(500)]


def test_server_stream_then_abort(channel):
    stream = rpc(channel, "StreamBooks", pb2.ListBooksRequest, pb2.Book, "unary_stream")
    got = []
    with pytest.raises(grpc.RpcError) as e:
        for book in stream(pb2.ListBooksRequest(parent="shelves/abort", page_size=1)):
            got.append(book.name)
    assert got == [f"shelves/abort/books/{i}" for i in range(5)]
    assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_client_streaming(channel):
    imp = rpc(channel, "ImportBooks", pb2.CreateBookRequest, pb2.ImportBooksResponse,
              "stream_unary")
    requests = (pb2.CreateBookRequest(parent="shelves/imp", book=pb2.Book(title=f"b{i}"))
                for i in range(5))
    response = imp(requests)
    assert response.imported == 5 and all(n.startswith("shelves/imp/books/") for n in response.names)


def test_bidirectional_interleaved(channel):
    book = create(channel, "Talk")
    discuss = rpc(channel, "DiscussBooks", pb2.BookNote, pb2.BookNote, "stream_stream")
    outbox: list[Any] = []
    ready = threading.Condition()

    def notes():
        for i in range(3):
            yield pb2.BookNote(book=book.name, text=f"n{i}")
            with ready:  # the next note only after the answer to this one: really interleaved
                ready.wait_for(lambda: len(outbox) > i, timeout=5)

    for answer in discuss(notes()):
        with ready:
            outbox.append(answer.text)
            ready.notify_all()
    assert outbox == ["noted: n0", "noted: n1", "noted: n2"]


def test_stream_delivers_messages_before_an_abort(channel):
    book = create(channel, "Before")
    discuss = rpc(channel, "DiscussBooks", pb2.BookNote, pb2.BookNote, "stream_stream")
    notes = [pb2.BookNote(book=book.name, text="a"), pb2.BookNote(book=book.name, text="b"),
             pb2.BookNote(book="shelves/none/books/1", text="c")]
    got = []
    with pytest.raises(grpc.RpcError) as e:
        for answer in discuss(iter(notes)):
            got.append(answer.text)
    assert got == ["noted: a", "noted: b"] and e.value.code() == grpc.StatusCode.NOT_FOUND


def test_bidirectional_abort_midway(channel):
    discuss = rpc(channel, "DiscussBooks", pb2.BookNote, pb2.BookNote, "stream_stream")
    with pytest.raises(grpc.RpcError) as e:
        list(discuss(iter([pb2.BookNote(book="shelves/none/books/1", text="x")])))
    assert e.value.code() == grpc.StatusCode.NOT_FOUND


def test_deadline_cancels_the_handler(channel):
    events.clear()
    slow = rpc(channel, "ListBooks", pb2.ListBooksRequest, pb2.ListBooksResponse)
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as e:
        slow(pb2.ListBooksRequest(parent="shelves/s1", page_token="slow"), timeout=0.3)
    assert e.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 3
    for _ in range(100):
        if "slow cancelled" in events:
            break
        time.sleep(0.02)
    assert events == ["slow started", "slow cancelled"]
    left = slow(pb2.ListBooksRequest(page_token="time"), timeout=5).next_page_token
    assert 3 < float(left) <= 5.1


def test_client_cancel_cancels_the_handler(channel):
    events.clear()
    slow = rpc(channel, "ListBooks", pb2.ListBooksRequest, pb2.ListBooksResponse)
    future = slow.future(pb2.ListBooksRequest(page_token="slow"))
    for _ in range(100):
        if events:
            break
        time.sleep(0.02)
    future.cancel()
    for _ in range(100):
        if "slow cancelled" in events:
            break
        time.sleep(0.02)
    assert events == ["slow started", "slow cancelled"]


def test_errors_and_rich_details(channel):
    get = rpc(channel, "GetBook", pb2.GetBookRequest, pb2.Book)
    with pytest.raises(grpc.RpcError) as e:
        get(pb2.GetBookRequest(name="shelves/s1/books/404"))
    assert e.value.code() == grpc.StatusCode.NOT_FOUND
    assert e.value.details() == "no book shelves/s1/books/404"
    listing = rpc(channel, "ListBooks", pb2.ListBooksRequest, pb2.ListBooksResponse)
    with pytest.raises(grpc.RpcError) as e:
        listing(pb2.ListBooksRequest(page_token="rich"))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    raw = dict(e.value.trailing_metadata())["grpc-status-details-bin"]
    status = status_pb2.Status.FromString(raw)
    bad = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad) and bad.field_violations[0].field == "page_token"
    with pytest.raises(grpc.RpcError) as e:
        listing(pb2.ListBooksRequest(page_token="boom"))
    assert e.value.code() == grpc.StatusCode.UNKNOWN
    assert "secret" not in e.value.details()


def test_field_rules_checked_before_the_handler(channel):
    create_book = rpc(channel, "CreateBook", pb2.CreateBookRequest, pb2.Book)
    bad = pb2.CreateBookRequest(parent="shelves/s1", book=pb2.Book(
        page_count=20000, authors=[pb2.Book.Author(display_name="A", email="nope")]))
    with pytest.raises(grpc.RpcError) as e:
        create_book(bad)
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = status_pb2.Status.FromString(dict(e.value.trailing_metadata())["grpc-status-details-bin"])
    violations = error_details_pb2.BadRequest()
    status.details[0].Unpack(violations)
    assert [(v.field, v.description) for v in violations.field_violations] == [
        ("book.title", "Field required"),
        ("book.authors[0].email", "value is not a valid email address"),
        ("book.pageCount", "Input should be less than or equal to 10000"),
    ]
    discuss = rpc(channel, "DiscussBooks", pb2.BookNote, pb2.BookNote, "stream_stream")
    with pytest.raises(grpc.RpcError) as e:  # a stream's message is checked as it arrives
        list(discuss(iter([pb2.BookNote(book="b", text="x" * 300)])))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_hostile_input(channel):
    raw = channel.unary_unary(SERVICE + "GetBook")
    with pytest.raises(grpc.RpcError) as e:
        raw(b"\xff\xff\xff")  # not a protobuf message
    assert e.value.code() == grpc.StatusCode.INTERNAL
    raw_create = channel.unary_unary(SERVICE + "CreateBook")
    with pytest.raises(grpc.RpcError) as e:
        raw_create(b"\x12\x05\x0a")  # truncated nested message, on a method with rules
    assert e.value.code() == grpc.StatusCode.INTERNAL
    with pytest.raises(grpc.RpcError) as e:
        channel.unary_unary("/library.v1.LibraryService/Nope")(b"")
    assert e.value.code() == grpc.StatusCode.UNIMPLEMENTED
    with pytest.raises(grpc.RpcError) as e:
        create(channel, title="x" * (5 << 20))  # over the 4 MiB default
    assert e.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert create(channel).title == "Dune"  # and the server is fine


def test_gzip_compression(served):
    with grpc.insecure_channel(served[1], compression=grpc.Compression.Gzip) as ch:
        book = create(ch, "Z" * 200)
        assert book.title == "Z" * 200


def test_health(channel):
    check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                                response_deserializer=health_pb2.HealthCheckResponse.FromString)
    serving = health_pb2.HealthCheckResponse.SERVING
    assert check(health_pb2.HealthCheckRequest()).status == serving
    assert check(health_pb2.HealthCheckRequest(service="library.v1.LibraryService")).status \
        == serving
    with pytest.raises(grpc.RpcError) as e:
        check(health_pb2.HealthCheckRequest(service="no.Such"))
    assert e.value.code() == grpc.StatusCode.NOT_FOUND


def test_health_watch_follows_the_lifecycle():
    """Watch sends the status at once and on every change: NOT_SERVING when shutdown begins,
    and the stream then ends so it does not hold the drain up."""
    app = App(title="Library")
    app.include(library_api.routes(SteeredLibrary()))
    seen: list[Any] = []
    with serve_grpc(app) as (_, target):
        ch = grpc.insecure_channel(target)
        watch = ch.unary_stream("/grpc.health.v1.Health/Watch",
                                request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                                response_deserializer=health_pb2.HealthCheckResponse.FromString)
        unknown = watch(health_pb2.HealthCheckRequest(service="no.Such"))
        assert next(unknown).status == health_pb2.HealthCheckResponse.SERVICE_UNKNOWN
        unknown.cancel()
        stream = watch(health_pb2.HealthCheckRequest(service="library.v1.LibraryService"))
        seen.append(next(stream).status)
        reader = threading.Thread(target=lambda: seen.extend(r.status for r in stream))
        reader.start()
        started = time.monotonic()
    reader.join(timeout=5)
    ch.close()
    assert not reader.is_alive()
    assert seen == [health_pb2.HealthCheckResponse.SERVING,
                    health_pb2.HealthCheckResponse.NOT_SERVING]
    assert time.monotonic() - started < 5  # the open stream did not hold the drain up


def test_same_handlers_serve_http(served, channel):
    import httpx

    book = create(channel, "Both")
    r = httpx.get(served[0] + "/v1/" + book.name)
    assert r.status_code == 200 and r.json()["title"] == "Both"


def test_transcoded_stream_is_ndjson_as_produced(served):
    """StreamBooks over HTTP: one JSON line per message; an abort after messages ends the
    stream with an {"error": google.rpc.Status} line, an abort before any chooses the HTTP
    status (FAILED_PRECONDITION: 400)."""
    import httpx

    with httpx.stream("GET", served[0] + "/v1/shelves/abort/books:stream",
                      params={"pageSize": 1}) as r:
        assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
        lines = [json.loads(line) for line in r.iter_lines() if line.strip()]
    assert [b["name"] for b in lines[:-1]] == [f"shelves/abort/books/{i}" for i in range(5)]
    assert lines[-1] == {"error": {"code": 9, "message": "shelf closed", "details": []}}
    r = httpx.get(served[0] + "/v1/shelves/abort/books:stream", params={"pageSize": 0})
    assert r.status_code == 400
    assert r.json() == {"code": 9, "message": "shelf closed", "details": []}


def test_grpcurl_reflection_and_calls(served):
    """No .proto files given: everything grpcurl knows comes from server reflection."""
    grpcurl_path = shutil.which("grpcurl")  # installed by tools/setup.sh (go install)
    assert grpcurl_path, "grpcurl missing: run tools/setup.sh debian"

    def grpcurl(*args: str, data: Any = None) -> str:
        cmd = [grpcurl_path, "-plaintext"]
        if data is not None:
            cmd += ["-d", json.dumps(data)]
        out = subprocess.run(cmd + [served[1], *args], capture_output=True, text=True,
                             timeout=20)
        assert out.returncode == 0, out.stderr
        return out.stdout

    services = grpcurl("list").split()
    assert {"library.v1.LibraryService", "grpc.health.v1.Health"} <= set(services)
    described = grpcurl("describe", "library.v1.LibraryService")
    assert "rpc DiscussBooks ( stream .library.v1.BookNote ) returns ( stream .library.v1.BookNote )" \
        in described
    assert "message Book {" in grpcurl("describe", "library.v1.Book")
    book = json.loads(grpcurl("library.v1.LibraryService/CreateBook",
                              data={"parent": "shelves/cli", "book": {"title": "CLI"}}))
    assert book["title"] == "CLI"
    streamed = grpcurl("library.v1.LibraryService/StreamBooks",
                       data={"parent": "shelves/cli", "pageSize": 3})
    assert streamed.count('"name"') == 15
    assert json.loads(grpcurl("grpc.health.v1.Health/Check"))["status"] == "SERVING"


def test_shutdown_drains_calls_in_flight():
    app = App(title="Library")
    app.include(library_api.routes(SteeredLibrary()))
    outcome: list[Any] = []
    with serve_grpc(app) as (_, target):
        ch = grpc.insecure_channel(target)
        listing = rpc(ch, "ListBooks", pb2.ListBooksRequest, pb2.ListBooksResponse)
        future = listing.future(pb2.ListBooksRequest(page_token="linger"))
        time.sleep(0.1)  # in flight when the server starts shutting down below
    outcome.append(future.result(timeout=5).next_page_token)
    ch.close()
    assert outcome == ["lingered"]


def test_tls_shares_the_http_certificate(tmp_path):
    """ssl_certfile/ssl_keyfile put TLS on both ports: HTTPS, and gRPC over TLS (ALPN h2)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)
    app = App(title="Library")
    app.include(library_api.routes(SteeredLibrary()))
    with serve_grpc(app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as (_, target):
        credentials = grpc.ssl_channel_credentials(root_certificates=cert.read_bytes())
        with grpc.secure_channel(target, credentials) as ch:
            assert create(ch, "Secure").title == "Secure"
        with grpc.insecure_channel(target) as ch:  # plaintext is not spoken there
            with pytest.raises(grpc.RpcError) as e:
                create(ch, "Plain")
            assert e.value.code() == grpc.StatusCode.UNAVAILABLE


def test_message_size_limit_is_a_setting():
    app = App(title="Library")
    app.include(library_api.routes(SteeredLibrary()))
    with serve_grpc(app, grpc_max_receive_message_bytes=1024) as (_, target):
        with grpc.insecure_channel(target) as ch:
            assert create(ch, "x" * 100).title == "x" * 100
            with pytest.raises(grpc.RpcError) as e:
                create(ch, "x" * 2000)
            assert e.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
