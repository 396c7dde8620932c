"""HTTP/1.1 protocol behaviour over raw sockets: pipelining, chunked bodies,
100-continue, limits (400/413/414/431), timeouts."""

from __future__ import annotations

import socket
import time

import pytest

from tests.integration.support import hello_server, raw_exchange, split_responses


@pytest.fixture(scope="module")
def server():
    with hello_server(
        "--request-timeout", "1", "--keepalive-timeout", "1", "--max-body-bytes", "1024"
    ) as s:
        yield s


def get(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: t\r\n{extra}\r\n".encode()


def test_pipelined_responses_keep_request_order(server):
    # /sleep?ms=200 finishes after /plaintext would: order must still be request order.
    reqs = get("/sleep?ms=200") + get("/plaintext") + get("/users/7") + get("/nope") + get(
        "/json", "Connection: close\r\n"
    )
    responses = split_responses(raw_exchange(server.port, reqs))
    assert [r[0] for r in responses] == [200, 200, 200, 404, 200]
    assert responses[0][2] == b'{"slept_ms":200}'
    assert responses[1][2] == b"Hello, World!"
    assert b'"id":7' in responses[2][2]
    assert responses[4][1]["connection"] == "close"


def test_many_pipelined_requests(server):
    n = 300
    reqs = b"".join(get(f"/users/{i}") for i in range(n)) + get("/health", "Connection: close\r\n")
    responses = split_responses(raw_exchange(server.port, reqs, timeout=10))
    assert len(responses) == n + 1
    for i in range(n):
        assert f'"id":{i},'.encode() in responses[i][2]


def test_chunked_request_body(server):
    body = b'{"name":"chunky","price":2.5}'
    chunked = b"".join(
        f"{len(body[i:i + 7]):x}\r\n".encode() + body[i : i + 7] + b"\r\n" for i in range(0, len(body), 7)
    ) + b"0\r\n\r\n"
    req = (
        b"POST /items HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked
    )
    (resp,) = split_responses(raw_exchange(server.port, req))
    assert resp[0] == 201
    assert resp[2] == b'{"name":"chunky","price":2.5,"tags":[]}'


def test_expect_100_continue(server):
    body = b'{"name":"pen","price":1}'
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(
            b"POST /items HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Expect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        interim = s.recv(1024)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        s.sendall(body)
        final = s.recv(65536)
    assert final.startswith(b"HTTP/1.1 201 Created\r\n")


def test_malformed_request_400(server):
    for bad in (
        b"BREW /pot HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nNo-Colon\r\n\r\n",
        b"GET /health HTTP/1.1\r\nHost: t\r\n\r\nGARBAGE\r\n\r\n",
    ):
        data = raw_exchange(server.port, bad)
        assert data.split(b"\r\n")[0] in (b"HTTP/1.1 400 Bad Request", b"HTTP/1.1 200 OK"), data
        assert data.count(b"HTTP/1.1 400 Bad Request\r\n") == 1, data
        assert b"Connection: close" in data


def test_a_broken_http2_preface_is_closed_without_answer(server):
    # The connection's first line has a request line's three words and no HTTP version: the
    # shape of an HTTP/2 connection preface that is not one (h2spec's 3.5 case), from a peer
    # that would read an HTTP/1.1 answer as a broken frame. Closed, whole or split anywhere.
    junk = b"INVALID CONNECTION PREFACE\r\n\r\n"
    assert raw_exchange(server.port, junk) == b""
    for cut in range(1, len(junk)):
        assert raw_exchange(server.port, [junk[:cut], junk[cut:]]) == b"", cut


def test_other_bytes_that_are_not_http_get_400(server):
    # Anything else is a malformed HTTP/1.1 request, first on the connection or not, however
    # it is split (nginx and uvicorn answer these with 400 too).
    for junk in (b"GARBAGE\r\n\r\n", b"\x16\x03\x01\x00\x05hello\n\r\n"):
        data = raw_exchange(server.port, junk)
        assert data.startswith(b"HTTP/1.1 400 "), (junk, data)
        for cut in range(1, len(junk)):
            data = raw_exchange(server.port, [junk[:cut], junk[cut:]])
            assert data.startswith(b"HTTP/1.1 400 "), (junk, cut, data)


def test_content_length_with_chunked_is_rejected(server):
    data = raw_exchange(
        server.port,
        b"POST /items HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    assert data.startswith(b"HTTP/1.1 400 ")


def test_uri_too_long_414(server):
    data = raw_exchange(server.port, get("/search?q=" + "a" * 9000))
    assert data.startswith(b"HTTP/1.1 414 URI Too Long\r\n")


def test_header_section_too_large_431(server):
    data = raw_exchange(server.port, get("/health", "X-Big: " + "a" * 40000 + "\r\n"))
    assert data.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    many = "".join(f"X-H{i}: v\r\n" for i in range(150))
    data = raw_exchange(server.port, get("/health", many))
    assert data.startswith(b"HTTP/1.1 431 ")


def test_body_over_limit_413(server):
    # Declared: rejected before the body is read.
    data = raw_exchange(
        server.port,
        b"POST /items HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5000\r\n\r\n",
    )
    assert data.startswith(b"HTTP/1.1 413 Content Too Large\r\n")
    # Streamed (chunked) past the limit.
    chunk = b"400\r\n" + b"x" * 1024 + b"\r\n"
    data = raw_exchange(
        server.port,
        b"POST /items HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk * 2,
    )
    assert data.startswith(b"HTTP/1.1 413 ")


def test_server_healthy_after_bad_input(server):
    data = raw_exchange(server.port, get("/health", "Connection: close\r\n"))
    assert split_responses(data)[0][2] == b'{"status":"ok"}'


def test_request_read_timeout_408(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n")  # never finishes its headers
        start = time.monotonic()
        data = s.recv(65536)
        elapsed = time.monotonic() - start
    assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert 0.8 < elapsed < 3


def test_idle_keepalive_timeout_closes(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(get("/health"))
        assert s.recv(65536).startswith(b"HTTP/1.1 200 OK")
        start = time.monotonic()
        assert s.recv(65536) == b""  # closed by the server
        elapsed = time.monotonic() - start
    assert 0.8 < elapsed < 3


def test_half_closed_client_still_gets_its_responses(server):
    reqs = get("/sleep?ms=100") + get("/users/3")
    responses = split_responses(raw_exchange(server.port, reqs, half_close=True))
    assert [r[0] for r in responses] == [200, 200]
    assert responses[0][2] == b'{"slept_ms":100}'


def test_http10_closes_by_default(server):
    data = raw_exchange(server.port, b"GET /health HTTP/1.0\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Connection: close" in data


def test_hostile_bytes_never_take_the_server_down(server):
    """Seeded random and mutated requests: each gets an answer or a close, never a crash."""
    import random

    rng = random.Random(1234)
    valid = (
        b"POST /items HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 27\r\n\r\n{\"name\":\"pen\",\"price\":1.5}"
    )
    for i in range(300):
        if i % 3 == 0:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        else:
            data = bytearray(valid)
            for _ in range(rng.randrange(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data)
        reply = raw_exchange(server.port, data, timeout=3, half_close=True)
        if reply:
            status = int(reply.split(b" ", 2)[1])
            assert status < 500 or status in (408, 505), reply[:200]
    data = raw_exchange(server.port, get("/health", "Connection: close\r\n"))
    assert split_responses(data)[0][2] == b'{"status":"ok"}'
