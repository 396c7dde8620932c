"""Field rules over gRPC and over HTTP agree: the gRPC server checks each request message on
the message itself (framework/grpc/message_checker.cc), the HTTP binding checks the same
message's JSON form with the compiled validators. For a couple of hundred seeded random Books,
some valid, most not (lengths, bounds, item counts, emails, unknown enum numbers,
timestamps out of range, wrappers, maps), CreateBook over gRPC (grpcio) and POST over HTTP
(httpx) must accept the same ones and report the same violations in the same order."""

from __future__ import annotations

import random
from typing import Any

import grpc
import httpx
import pytest
from google.protobuf import json_format

from data_bridge import App
from data_bridge.testing import serve_grpc
from examples.library import library_api
from examples.library import library_pb2 as pb2
from examples.library.handlers import Library
from google.rpc import error_details_pb2, status_pb2


@pytest.fixture(scope="module")
def served():
    app = App(title="Library")
    app.include(library_api.routes(Library()))
    with serve_grpc(app, threads=2) as (url, target):
        with grpc.insecure_channel(target) as channel, httpx.Client(base_url=url,
                                                                    timeout=10) as client:
            yield channel, client


def _text(rng: random.Random, lengths: list[int]) -> str:
    return "é" * rng.choice(lengths)  # code points, not bytes, are counted


def random_book(rng: random.Random) -> pb2.Book:
    book = pb2.Book()
    if rng.random() < 0.8:
        book.title = _text(rng, [0, 1, 50, 200, 201, 300])
    book.page_count = rng.choice([0, 1, 412, 10000, 10001, -5, 2**40])
    for _ in range(rng.choice([0, 0, 1, 3, 5, 6, 8])):
        author = book.authors.add()
        author.display_name = _text(rng, [0, 1, 4])
        author.email = rng.choice(["", "a@b.org", "nope", "x@y", "@b.org", "ü@ex.com"])
    for _ in range(rng.choice([0, 1, 10, 11])):
        book.tags.append(_text(rng, [0, 5, 20, 21]))
    if rng.random() < 0.3:
        book.format = rng.choice([0, 1, 2, 7])  # 7: a number the enum does not define
    if rng.random() < 0.3:
        book.published.seconds = rng.choice([0, 1_700_000_000, 253402300800])  # last: no JSON
        book.published.nanos = rng.choice([0, 5])
    if rng.random() < 0.3:
        book.edition.value = rng.choice([0, 3])
    if rng.random() < 0.2:
        book.labels["k"] = "v"
    return book


def grpc_violations(channel: Any, book: pb2.Book) -> list[tuple[str, str]] | None:
    create = channel.unary_unary("/library.v1.LibraryService/CreateBook",
                                 request_serializer=pb2.CreateBookRequest.SerializeToString,
                                 response_deserializer=pb2.Book.FromString)
    try:
        create(pb2.CreateBookRequest(parent="shelves/s1", book=book), timeout=10)
        return None
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.INVALID_ARGUMENT, e
        status = status_pb2.Status.FromString(
            dict(e.trailing_metadata())["grpc-status-details-bin"])
        bad = error_details_pb2.BadRequest()
        status.details[0].Unpack(bad)
        return [(v.field, v.description) for v in bad.field_violations]


def _path(loc: list[Any]) -> str:
    out = "book"  # the body is the request's `book`
    for part in loc[1:]:  # after "body"
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def http_violations(client: httpx.Client, book: pb2.Book) -> list[tuple[str, str]] | None:
    try:
        body = json_format.MessageToDict(book)
    except Exception:  # noqa: BLE001 - no JSON form (a Timestamp past 9999): nothing to send
        return []
    r = client.post("/v1/shelves/s1/books", json=body)
    if r.status_code == 200:
        return None
    assert r.status_code == 422, r.text
    return [(_path(e["loc"]), e["msg"]) for e in r.json()["detail"]]


def test_grpc_and_http_agree_on_every_message(served):
    channel, client = served
    rng = random.Random(20261204)
    accepted = rejected = 0
    for i in range(200):
        book = random_book(rng)
        over_grpc = grpc_violations(channel, book)
        over_http = http_violations(client, book)
        if over_http == []:  # no JSON form: the gRPC server lets it through, as before
            assert over_grpc is None, (i, book)
            continue
        assert over_grpc == over_http, (i, book)
        accepted += over_grpc is None
        rejected += over_grpc is not None
    assert accepted >= 5 and rejected >= 60  # the seed covers both sides
