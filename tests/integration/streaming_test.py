"""StreamingResponse end to end over HTTP/1.1 (chunked; close-delimited for HTTP/1.0) and
HTTP/2 (DATA frames under flow control): bodies arrive as produced, large bodies arrive
whole through backpressure, a failing producer cuts the body short, a client that leaves
stops (and closes) the producer."""

from __future__ import annotations

import hashlib
import socket
import time

import httpx
import pytest

from tests.integration.support import hello_server


@pytest.fixture(scope="module")
def server():
    with hello_server(app="tests.integration.streaming_app:app") as s:
        yield s


@pytest.fixture(params=["http1", "http2"])
def client(request, server):
    h2 = request.param == "http2"
    with httpx.Client(base_url=server.url, http1=not h2, http2=h2, timeout=10) as c:
        yield c


def test_pieces_arrive_as_produced(client):
    name = f"g{id(client)}"
    with client.stream("GET", f"/gated/{name}") as r:
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        assert "content-length" not in r.headers
        lines = r.iter_lines()
        assert next(lines).strip() == "first"  # before the producer may go on
        assert client.post(f"/release/{name}").json() == {"released": True}
        assert [line.strip() for line in lines] == ["second"]


@pytest.mark.parametrize("size", [0, 1, 3 * 1024 * 1024 + 17])
def test_large_bodies_arrive_whole(client, size):
    expected = hashlib.sha256()
    pattern = bytes(range(256)) * 257
    sent = 0
    while sent < size:
        n = min(65536, size - sent)
        expected.update(pattern[:n])
        sent += n
    got = hashlib.sha256()
    received = 0
    with client.stream("GET", "/big", params={"size": size}) as r:
        for piece in r.iter_bytes():
            got.update(piece)
            received += len(piece)
            if received < size // 2:
                time.sleep(0.0005)  # a slow reader at first: the producer must wait
    assert received == size and got.hexdigest() == expected.hexdigest()


def test_plain_iterables_run_in_a_worker_thread(client):
    r = client.get("/sync")
    assert r.headers["x-kind"] == "sync"
    assert r.text == "0:False\n1:False\n2:False\n"


def test_a_failing_producer_cuts_the_body_short(client):
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        with client.stream("GET", "/fail") as r:
            assert r.status_code == 200  # the head was out before the failure
            b"".join(r.iter_bytes())
    assert client.get("/closed/none").status_code == 200  # the server is fine


def test_a_producer_failing_before_its_first_piece_is_a_500(client):
    r = client.get("/fail-first")
    assert r.status_code == 500
    assert r.json() == {"detail": "Internal Server Error"}


def test_an_empty_body_is_an_ordinary_response(client):
    r = client.get("/empty")
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-length"] == "0"


def _read_to_close(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def test_closing_http11_streams_are_still_chunked(server):
    # Close-delimited, a body cut short would look complete; chunked, it cannot.
    data = _read_to_close(
        server.port, b"GET /big?size=1000 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower() and b"connection: close" in head.lower()
    assert body.endswith(b"\r\n0\r\n\r\n")
    cut = _read_to_close(
        server.port, b"GET /fail HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    head, _, body = cut.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    assert body == b"7\r\npartial\r\n"  # no last chunk: visibly incomplete


def test_a_client_that_leaves_stops_the_producer(server):
    for h2 in (False, True):
        name = f"left-{h2}"
        with httpx.Client(base_url=server.url, http1=not h2, http2=h2, timeout=10) as c:
            with c.stream("GET", f"/endless/{name}") as r:
                assert next(r.iter_lines()).strip() == "tick"
            # leaving the block unread: HTTP/2 resets the stream, HTTP/1.1 closes
        deadline = time.monotonic() + 5
        while not httpx.get(f"{server.url}/closed/{name}").json()["closed"]:
            assert time.monotonic() < deadline, f"producer still running ({name})"
            time.sleep(0.05)


def test_head_sends_no_body(server):
    r = httpx.head(f"{server.url}/big", params={"size": 100})
    assert r.status_code == 200 and r.content == b""


def test_http10_bodies_end_with_the_connection(server):
    with socket.create_connection((server.host, server.port), timeout=10) as s:
        s.sendall(b"GET /big?size=100000 HTTP/1.0\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"transfer-encoding" not in head.lower() and b"content-length" not in head.lower()
    assert b"connection: close" in head.lower()
    assert len(body) == 100000


def _produced(server, name: str) -> int:
    return int(httpx.get(f"{server.url}/produced/{name}").json()["bytes"])


def _wait_closed(server, name: str) -> None:
    deadline = time.monotonic() + 5
    while not httpx.get(f"{server.url}/closed/{name}").json()["closed"]:
        assert time.monotonic() < deadline, f"producer still running ({name})"
        time.sleep(0.05)


def _settled(server, name: str) -> int:
    """What the producer made once it stopped making more (it waits for the reader)."""
    last, deadline = -2, time.monotonic() + 5
    while True:
        now = _produced(server, name)
        if now == last and now > 0:
            return now
        assert time.monotonic() < deadline, f"producer of {name} never waited"
        last = now
        time.sleep(0.3)


def test_a_paused_http11_reader_holds_the_producer_back_then_lets_it_go(server):
    """Backpressure is an event, not a poll: while the client reads nothing the producer
    stays at a bounded lead; reading resumes it; leaving while it waits closes it."""
    name = "paused-h1"
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect(("127.0.0.1", server.port))
    s.sendall(f"GET /flood/{name} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    assert s.recv(65536).startswith(b"HTTP/1.1 200")
    lead = _settled(server, name)
    assert lead < 64 * 1024 * 1024  # high-water mark plus socket buffers, not the whole body
    got = 0
    while got < 2 * lead:  # reading frees room: the producer goes on
        got += len(s.recv(1 << 20))
    assert _produced(server, name) > lead
    s.close()  # while it waits again
    _wait_closed(server, name)


def test_a_paused_http2_reader_holds_the_producer_back(server):
    name = "paused-h2"
    with httpx.Client(base_url=server.url, http1=False, http2=True, timeout=10) as c:
        with c.stream("GET", f"/flood/{name}") as r:
            pieces = r.iter_bytes()
            next(pieces)
            lead = _settled(server, name)
            assert lead < 64 * 1024 * 1024
            got = 0
            for piece in pieces:
                got += len(piece)
                if got > 2 * lead:
                    break
            assert _produced(server, name) > lead
    _wait_closed(server, name)


def test_the_body_sees_the_handlers_context(client):
    for tag in ("a", "b"):
        assert client.get(f"/tagged/{tag}").text == f"{tag},{tag}"
