"""HTTP/2 end to end: h2spec, curl (prior knowledge, h2c Upgrade, TLS+ALPN), httpx, h2load,
and the hardening cases answered with the right RST_STREAM / GOAWAY / status."""

from __future__ import annotations

import re
import signal
import struct
import subprocess
import time

import hpack
import httpx
import pytest

from tests.integration import h2frames as H
from tests.integration.support import hello_server


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem"), "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return str(d / "cert.pem"), str(d / "key.pem")


@pytest.fixture(scope="module")
def server():
    with hello_server("--request-timeout", "1", "--keepalive-timeout", "1",
                      "--max-body-bytes", "1024") as s:
        yield s


@pytest.fixture(scope="module")
def tls_server(certs):
    cert, key = certs
    with hello_server("--ssl-certfile", cert, "--ssl-keyfile", key) as s:
        yield s


def curl(*args: str) -> tuple[str, str]:
    out = subprocess.run(["curl", "-s", "-k", "-w", "\n%{http_version} %{http_code}", *args],
                         capture_output=True, text=True, timeout=30)
    body, _, meta = out.stdout.rpartition("\n")
    return body, meta


# --- conformance -------------------------------------------------------------------------

def run_h2spec(*args: str) -> str:
    out = subprocess.run(["h2spec", *args], capture_output=True, text=True, timeout=120)
    summary = out.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"(\d+) tests, \1 passed, 0 skipped, 0 failed", summary), out.stdout[-3000:]
    return summary


def test_h2spec_every_case_cleartext(server):
    run_h2spec("-h", "127.0.0.1", "-p", str(server.port))


def test_h2spec_every_case_tls(tls_server):
    run_h2spec("-h", "127.0.0.1", "-p", str(tls_server.port), "-t", "-k")


# --- every way in ------------------------------------------------------------------------

def test_curl_prior_knowledge(server):
    body, meta = curl("--http2-prior-knowledge", f"{server.url}/json")
    assert meta == "2 200"
    assert '"message":"Hello, World!"' in body


def test_curl_h2c_upgrade(server):
    body, meta = curl("--http2", f"{server.url}/users/9")
    assert meta == "2 200"
    assert '"id":9' in body
    body, meta = curl("--http2", "-H", "Content-Type: application/json",
                      "--data-binary", '{"name":"up","price":2}', f"{server.url}/items")
    assert meta == "2 201"
    assert body == '{"name":"up","price":2.0,"tags":[]}'


def test_curl_tls_alpn(tls_server):
    url = f"https://127.0.0.1:{tls_server.port}"
    assert curl("--http2", f"{url}/health") == ('{"status":"ok"}', "2 200")
    assert curl("--http1.1", f"{url}/health") == ('{"status":"ok"}', "1.1 200")


def test_httpx_http2_same_behaviour(server):
    with httpx.Client(base_url=server.url, http1=False, http2=True, timeout=10) as c:
        r = c.get("/plaintext")
        assert r.http_version == "HTTP/2"
        assert r.text == "Hello, World!"
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        assert c.get("/search", params={"q": "x"}).json() == {"q": "x", "limit": 10}
        r = c.get("/search", params={"q": "x", "limit": 0})
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["query", "limit"]
        assert c.get("/nope").status_code == 404
        r = c.delete("/users/1")
        assert r.status_code == 405
        assert r.headers["allow"] == "GET, HEAD"
        r = c.get("/boom")
        assert r.status_code == 500
        assert "boom" not in r.text
        r = c.head("/json")
        assert r.status_code == 200 and r.content == b""
        r = c.post("/items", json={"name": "h2", "price": 1.25})
        assert r.status_code == 201 and r.json()["name"] == "h2"


def test_httpx_http2_over_tls(tls_server):
    url = f"https://127.0.0.1:{tls_server.port}"
    with httpx.Client(base_url=url, http2=True, verify=False, timeout=10) as c:
        r = c.get("/users/3")
        assert r.http_version == "HTTP/2"
        assert r.json()["id"] == 3


def test_100_concurrent_streams_on_one_connection():
    with hello_server("--threads", "1") as server:
        start = time.monotonic()
        out = subprocess.run(
            ["h2load", "-n", "100", "-c", "1", "-m", "100", f"{server.url}/sleep?ms=500"],
            capture_output=True, text=True, timeout=60,
        ).stdout
        elapsed = time.monotonic() - start
    assert "100 succeeded" in out, out
    assert "status codes: 100 2xx" in out, out
    assert elapsed < 1.5, f"100 concurrent 500 ms streams took {elapsed:.2f}s\n{out}"


def test_large_response_respects_small_windows(server):
    # A 1-byte initial window: the body trickles out as the client opens windows.
    conn = H.RawH2(server.port, initial_window_size=1)
    conn.send(conn.headers(1, H.request_headers("/json")))
    frames = conn.read_frames(timeout=2, until=lambda fs: any(f[0] == H.DATA for f in fs))
    assert H.status_of(conn, 1) == 200
    assert [len(f[3]) for f in frames if f[0] == H.DATA] == [1]
    for _ in range(200):
        conn.send(H.frame(H.WINDOW_UPDATE, 0, 1, struct.pack(">I", 1)))
        conn.read_frames(timeout=0.05, until=lambda fs: any(f[0] == H.DATA for f in fs))
        if conn.bodies.get(1, b"").endswith(b"}}"):
            break
    assert conn.bodies[1].startswith(b'{"message":"Hello, World!"')
    conn.close()


# --- hardening ---------------------------------------------------------------------------

def test_oversize_header_list_is_431(server):
    # Encoded before connecting: pure-Python HPACK takes long enough on a loaded machine
    # for the fixture's 1 s keep-alive timeout to close the connection first (with a GOAWAY).
    encoder = hpack.Encoder()
    block = encoder.encode(H.request_headers("/health", extra=[("x-big", "a" * 40000)]))
    conn = H.RawH2(server.port)
    conn.encoder = encoder
    pieces = [block[i : i + 16384] for i in range(0, len(block), 16384)]
    frames = H.frame(H.HEADERS, H.END_STREAM, 1, pieces[0])
    for i, piece in enumerate(pieces[1:], 1):
        frames += H.frame(H.CONTINUATION, H.END_HEADERS if i == len(pieces) - 1 else 0, 1, piece)
    conn.send(frames)
    conn.read_frames(timeout=3, until=lambda fs: H.status_of(conn, 1) is not None)
    assert H.status_of(conn, 1) == 431
    conn.close()


def test_hpack_bomb_is_refused(server):
    # One 4 KB entry in the dynamic table, then 1,000 one-byte references to it: 4 MB of
    # decoded headers from a 5 KB frame.
    conn = H.RawH2(server.port)
    block = conn.encoder.encode(H.request_headers("/health"))
    value = b"v" * 4000
    literal = b"\x40" + b"\x05x-bmb" + b"\x7f" + bytes([0x80 | ((4000 - 127) & 0x7F), (4000 - 127) >> 7]) + value
    block += literal + b"\xbe" * 1000
    conn.send(H.frame(H.HEADERS, H.END_HEADERS | H.END_STREAM, 1, block))
    frames = conn.read_frames(timeout=3, until=lambda fs: H.status_of(conn, 1) is not None
                              or H.goaway_code(fs) is not None)
    assert H.status_of(conn, 1) == 431 or H.goaway_code(frames) not in (None, H.NO_ERROR)
    conn.close()


def test_continuation_flood_gets_goaway(server):
    conn = H.RawH2(server.port)
    block = conn.encoder.encode(H.request_headers("/health"))
    flood = H.frame(H.HEADERS, 0, 1, block) + b"".join(
        H.frame(H.CONTINUATION, 0, 1, b"") for _ in range(100))
    conn.send(flood)
    frames = conn.read_frames(timeout=3, until=lambda fs: H.goaway_code(fs) is not None)
    assert H.goaway_code(frames) not in (None, H.NO_ERROR)
    conn.close()


def test_rapid_reset_gets_goaway(server):
    conn = H.RawH2(server.port)
    burst = b""
    for i in range(2000):
        sid = 2 * i + 1
        burst += conn.headers(sid, H.request_headers("/sleep?ms=1000"))
        burst += H.frame(H.RST_STREAM, 0, sid, struct.pack(">I", H.CANCEL))
    conn.send(burst)
    frames = conn.read_frames(timeout=5, until=lambda fs: H.goaway_code(fs) is not None)
    assert H.goaway_code(frames) not in (None, H.NO_ERROR)
    conn.close()


@pytest.mark.parametrize("flood", ["ping", "settings"])
def test_control_frame_floods_get_enhance_your_calm(server, flood):
    conn = H.RawH2(server.port)
    one = H.frame(H.PING, 0, 0, b"12345678") if flood == "ping" else H.settings(max_frame_size=16384)
    conn.send(one * 1000)
    frames = conn.read_frames(timeout=5, until=lambda fs: H.goaway_code(fs) is not None)
    assert H.goaway_code(frames) == H.ENHANCE_YOUR_CALM
    conn.close()


def _open_streams(port: int, n: int):
    conn = H.RawH2(port)
    conn.read_frames(timeout=1, until=lambda fs: any(f[0] == H.SETTINGS for f in fs))
    conn.send(b"".join(conn.headers(2 * i + 1, H.request_headers("/sleep?ms=300"))
                       for i in range(n)))
    done = lambda fs: H.goaway_code(fs) is not None or sum(  # noqa: E731
        1 for f in fs if f[0] == H.DATA and f[1] & H.END_STREAM) >= n
    return conn, conn.read_frames(timeout=5, until=done)


def test_streams_up_to_the_limit_are_served(server):
    conn, frames = _open_streams(server.port, 128)  # SETTINGS_MAX_CONCURRENT_STREAMS
    assert sum(1 for f in frames if f[0] == H.DATA and f[1] & H.END_STREAM) == 128
    assert H.goaway_code(frames) is None
    conn.close()


def test_streams_past_the_limit_are_a_connection_error(server):
    # RFC 9113 section 5.1.2 allows a stream error (REFUSED_STREAM) or PROTOCOL_ERROR;
    # nghttp2 answers a client that ignores an acknowledged limit with GOAWAY.
    conn, frames = _open_streams(server.port, 200)
    resets = {int.from_bytes(f[3], "big") for f in frames if f[0] == H.RST_STREAM}
    assert H.goaway_code(frames) == H.PROTOCOL_ERROR or resets == {H.REFUSED_STREAM}
    conn.close()


def test_body_over_limit_is_413(server):
    conn = H.RawH2(server.port)
    fields = H.request_headers("/items", "POST", [("content-type", "application/json"),
                                                  ("content-length", "5000")])
    conn.send(conn.headers(1, fields, end_stream=False))
    # Undeclared length, streamed past the limit.
    fields = H.request_headers("/items", "POST", [("content-type", "application/json")])
    conn.send(conn.headers(3, fields, end_stream=False))
    conn.send(H.frame(H.DATA, 0, 3, b"x" * 1000) + H.frame(H.DATA, H.END_STREAM, 3, b"x" * 100))
    conn.read_frames(timeout=3, until=lambda fs: H.status_of(conn, 1) and H.status_of(conn, 3))
    assert H.status_of(conn, 1) == 413
    assert H.status_of(conn, 3) == 413
    conn.close()


def test_incomplete_request_times_out_with_408(server):
    conn = H.RawH2(server.port)
    conn.send(conn.headers(1, H.request_headers("/items", "POST"), end_stream=False))
    conn.read_frames(timeout=4, until=lambda fs: H.status_of(conn, 1) is not None)
    assert H.status_of(conn, 1) == 408
    conn.close()


def test_idle_connection_is_closed(server):
    conn = H.RawH2(server.port)
    start = time.monotonic()
    frames = conn.read_frames(timeout=5)
    assert conn.closed
    assert time.monotonic() - start < 3
    assert H.goaway_code(frames) == H.NO_ERROR  # said before closing (RFC 9113 section 6.8)
    conn.close()


def test_stalled_window_is_closed(server):
    conn = H.RawH2(server.port, initial_window_size=0)
    conn.send(conn.headers(1, H.request_headers("/json")))
    start = time.monotonic()
    conn.read_frames(timeout=6)
    assert conn.closed
    assert time.monotonic() - start < 4
    conn.close()


def test_server_healthy_after_attacks(server):
    body, meta = curl("--http2-prior-knowledge", f"{server.url}/health")
    assert (body, meta) == ('{"status":"ok"}', "2 200")


# --- shutdown ----------------------------------------------------------------------------

def test_graceful_shutdown_sends_goaway_and_finishes_streams():
    with hello_server("--graceful-timeout", "5") as server:
        conn = H.RawH2(server.port)
        # Frames are processed in order: once /health (stream 5) is answered, the server
        # holds both sleeps.
        conn.send(conn.headers(1, H.request_headers("/sleep?ms=600"))
                  + conn.headers(3, H.request_headers("/sleep?ms=300"))
                  + conn.headers(5, H.request_headers("/health")))
        conn.read_frames(timeout=5, until=lambda fs: 5 in conn.bodies)
        server.proc.send_signal(signal.SIGTERM)
        frames = conn.read_frames(timeout=5)
        assert H.goaway_code(frames) == H.NO_ERROR
        assert conn.bodies[1] == b'{"slept_ms":600}'
        assert conn.bodies[3] == b'{"slept_ms":300}'
        assert conn.closed
        assert server.proc.wait(timeout=5) == 0


def test_graceful_shutdown_says_goaway_to_idle_connections():
    # An idle keep-alive connection (its one request answered) closes at once on SIGTERM, and
    # says GOAWAY(NO_ERROR) with the last stream it processed first (RFC 9113 section 6.8).
    with hello_server("--graceful-timeout", "5") as server:
        conn = H.RawH2(server.port)
        conn.send(conn.headers(1, H.request_headers("/health")))
        conn.read_frames(timeout=5, until=lambda fs: 1 in conn.bodies)
        start = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        frames = conn.read_frames(timeout=5, until=lambda fs: H.goaway_code(fs) is not None)
        assert H.goaway_code(frames) == H.NO_ERROR
        last_stream = next(int.from_bytes(p[:4], "big") & 0x7FFFFFFF
                           for t, _, _, p in frames if t == H.GOAWAY)
        assert last_stream == 1
        conn.close()  # as clients do on a GOAWAY with nothing in flight: the server stops
        assert server.proc.wait(timeout=5) == 0
        assert time.monotonic() - start < 2
