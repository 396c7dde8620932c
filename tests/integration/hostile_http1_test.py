"""A hostile HTTP/1.1 client, as a table: RFC 9112 cases (smuggling shapes, framing, limits,
versions, Host), each sent whole and split at every byte (inputs over 300 bytes at their
first and last 150 bytes and every 499th between), each checked for its exact answer,
then followed by a healthy request on a new connection. Every refused request gets one
response, with `Connection: close`, and nothing after it."""

from __future__ import annotations

import dataclasses
import signal

import pytest

from tests.integration.support import hello_server, raw_exchange, split_responses

MAX_BODY = 1024


@pytest.fixture(scope="module")
def server():
    with hello_server("--max-body-bytes", str(MAX_BODY), "--request-timeout", "2") as s:
        yield s


@dataclasses.dataclass
class Case:
    name: str
    data: bytes
    status: int  # the status of the last (or only) response
    responses: int = 1  # how many responses come back in all
    closes: bool = True


GET = b"GET /health HTTP/1.1\r\nHost: t\r\n"
POST = b"POST /items HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
BODY = b'{"name":"pen","price":1}'


def chunked(*chunks: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


CASES = [
    # Sanity: the table's machinery accepts what is fine.
    Case("plain", GET + b"Connection: close\r\n\r\n", 200),
    Case("chunked body", POST + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
         + chunked(BODY[:10], BODY[10:]), 201),
    Case("chunk extension", POST + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
         + b"%x;ext=1\r\n%s\r\n0\r\n\r\n" % (len(BODY), BODY), 201),
    Case("absolute-form", b"GET http://example.com/health HTTP/1.1\r\nHost: t\r\n"
         b"Connection: close\r\n\r\n", 200),
    Case("http/1.0 without host", b"GET /health HTTP/1.0\r\n\r\n", 200),
    # Smuggling shapes (RFC 9112 sections 6.1, 6.3).
    Case("content-length and chunked", POST + b"Content-Length: 4\r\nTransfer-Encoding: chunked"
         b"\r\n\r\n0\r\n\r\n", 400),
    Case("chunked and content-length", POST + b"Transfer-Encoding: chunked\r\nContent-Length: 4"
         b"\r\n\r\n0\r\n\r\n", 400),
    Case("chunked, chunked", POST + b"Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
    Case("chunked twice", POST + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"
         b"\r\n\r\n0\r\n\r\n", 400),
    Case("identity, chunked", POST + b"Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", 400),
    Case("chunked, identity", POST + b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
    Case("gzip", POST + b"Transfer-Encoding: gzip\r\n\r\n", 400),
    Case("chunked in http/1.0", b"POST /items HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"0\r\n\r\n", 400),
    Case("two content-lengths", POST + b"Content-Length: 24\r\nContent-Length: 24\r\n\r\n" + BODY,
         400),
    Case("content-length list", POST + b"Content-Length: 24, 24\r\n\r\n" + BODY, 400),
    Case("signed content-length", POST + b"Content-Length: +24\r\n\r\n" + BODY, 400),
    Case("space before colon", b"GET /health HTTP/1.1\r\nHost : t\r\n\r\n", 400),
    Case("space before colon on te", POST + b"Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
    Case("whitespace-led first field line", b"GET /health HTTP/1.1\r\n Host: t\r\n\r\n", 400),
    Case("obs-fold", GET + b"X-A: 1\r\n 2\r\n\r\n", 400),
    # Chunked framing (RFC 9112 section 7.1).
    Case("bad chunk size", POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", 400),
    Case("chunk size overflow", POST + b"Transfer-Encoding: chunked\r\n\r\n"
         b"10000000000000000\r\n", 400),
    Case("chunk data without crlf", POST + b"Transfer-Encoding: chunked\r\n\r\n"
         b"3\r\nabcXY0\r\n\r\n", 400),
    Case("chunk size past the limit", POST + b"Transfer-Encoding: chunked\r\n\r\n"
         b"%x\r\n" % (MAX_BODY + 1), 413),
    Case("chunks past the limit", POST + b"Transfer-Encoding: chunked\r\n\r\n"
         + b"200\r\n" + b"x" * 512 + b"\r\n" + b"200\r\n" + b"x" * 512 + b"\r\n1\r\n", 413),
    Case("long chunk extension", POST + b"Transfer-Encoding: chunked\r\n\r\n1;e="
         + b"a" * 5000 + b"\r\n", 400),
    # Limits.
    Case("declared body past the limit", POST + b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 1),
         413),
    Case("40 KB header section", GET + b"X-Big: " + b"a" * 40_000 + b"\r\n\r\n", 431),
    Case("101 header fields", GET + b"".join(b"X-%d: v\r\n" % i for i in range(100)) + b"\r\n",
         431),
    Case("long target", b"GET /search?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414),
    # Request line and versions (RFC 9112 sections 2.3, 3; RFC 9110 section 15.6.6).
    Case("lowercase version", b"GET /health http/1.1\r\nHost: t\r\n\r\n", 400),
    Case("tab separators", b"GET\t/health\tHTTP/1.1\r\nHost: t\r\n\r\n", 400),
    Case("tab in target", b"GET /hea\tlth HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    Case("unknown method", b"BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    Case("http/2.0 request line", b"GET /health HTTP/2.0\r\nHost: t\r\n\r\n", 505),
    Case("http/1.2", b"GET /health HTTP/1.2\r\nHost: t\r\n\r\n", 505),
    Case("http/0.9", b"GET /health HTTP/0.9\r\nHost: t\r\n\r\n", 505),
    Case("http/9.9", b"GET /health HTTP/9.9\r\nHost: t\r\n\r\n", 505),
    Case("encoded nul in path", b"GET /users/1%00 HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    Case("asterisk-form outside options", b"GET * HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    Case("connect is no proxy", b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443"
         b"\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n", 404),
    # Host (RFC 9112 section 3.2).
    Case("missing host", b"GET /health HTTP/1.1\r\n\r\n", 400),
    Case("two hosts", GET + b"Host: u\r\n\r\n", 400),
    Case("host with space", b"GET /health HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
    Case("host with bad port", b"GET /health HTTP/1.1\r\nHost: t:8o\r\n\r\n", 400),
    Case("host with userinfo", b"GET /health HTTP/1.1\r\nHost: u@t\r\n\r\n", 400),
    Case("absolute-form with userinfo", b"GET http://u@t/health HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    # Field syntax.
    Case("nul in a field value", GET + b"X-A: a\x00b\r\n\r\n", 400),
    Case("cr in a field value", GET + b"X-A: a\rb\r\n\r\n", 400),
    Case("no colon", GET + b"No-Colon\r\n\r\n", 400),
    Case("empty field name", GET + b": v\r\n\r\n", 400),
    # Not HTTP at all, as the connection's first bytes: a malformed request all the same.
    Case("garbage first", b"GARBAGE\r\n\r\n", 400),
    Case("a bare word and a header", b"HELLO\r\nHost: t\r\n\r\n", 400),
    # Errors after an earlier request on the same connection are answered too.
    Case("garbage after a request", GET + b"\r\nGARBAGE\r\n\r\n", 400, responses=2),
    Case("bad header after a request", GET + b"\r\n" + GET + b"X-A: a\x00\r\n\r\n", 400,
         responses=2),
    Case("oversize chunk after a request", GET + b"\r\n" + POST
         + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % (MAX_BODY + 1), 413, responses=2),
]


def split_points(n: int) -> list[int]:
    if n <= 300:
        return list(range(1, n))
    return sorted(set(range(1, 151)) | set(range(n - 150, n)) | set(range(151, n - 150, 499)))


def check(server, case: Case, pieces: list[bytes]) -> None:
    data = raw_exchange(server.port, pieces, timeout=5)
    responses = split_responses(data)
    where = f"{case.name} split at {[len(p) for p in pieces]}"
    assert len(responses) == case.responses, f"{where}: {data[:300]!r}"
    status, headers, _ = responses[-1]
    assert status == case.status, f"{where}: {data[:300]!r}"
    if case.closes:
        assert headers.get("connection") == "close", where
    assert server.proc.poll() is None, f"{where}: the server died"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_case_whole_and_split_anywhere(server, case):
    check(server, case, [case.data])
    for cut in split_points(len(case.data)):
        check(server, case, [case.data[:cut], case.data[cut:]])
    healthy = raw_exchange(server.port, GET + b"Connection: close\r\n\r\n")
    assert split_responses(healthy)[0][2] == b'{"status":"ok"}', case.name


def test_absolute_form_authority_wins_over_host():
    with hello_server(app="tests.integration.hostile_app:app") as s:
        data = raw_exchange(s.port, b"GET http://winner.example:8080/host HTTP/1.1\r\n"
                            b"Host: loser\r\nConnection: close\r\n\r\n")
        (resp,) = split_responses(data)
        assert resp[0] == 200 and resp[2] == b'{"host":"winner.example:8080"}'


@pytest.mark.parametrize("status", [0, 99, 100, 101, 199, 600, 1000, -1])
def test_handler_status_outside_200_599_is_a_logged_500(status):
    with hello_server(app="tests.integration.hostile_app:app") as s:
        data = raw_exchange(s.port, b"GET /status/%d HTTP/1.1\r\nHost: t\r\n"
                            b"Connection: close\r\n\r\n" % status)
        (resp,) = split_responses(data)
        assert resp[0] == 500, data
        assert resp[2] == b'{"detail":"Internal Server Error"}'
        s.proc.send_signal(signal.SIGTERM)
        _, err = s.proc.communicate(timeout=30)
    assert b"ValueError: invalid status code %d" % status in err


@pytest.mark.parametrize("settings", [b"a=b", b"AAAA", b"!!!!", b"AAIAAAAC", b"AAUAAAAA"])
def test_h2c_upgrade_with_bad_settings_is_a_400_before_switching(server, settings):
    # a=b: not base64url (crashed the server); AAAA: 3 bytes, no whole setting (was 101 and
    # never answered); AAIAAAAC: ENABLE_PUSH=2; AAUAAAAA: MAX_FRAME_SIZE=0.
    request = (b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, HTTP2-Settings\r\n"
               b"Upgrade: h2c\r\nHTTP2-Settings: " + settings + b"\r\n\r\n")
    for pieces in ([request], *([request[:cut], request[cut:]] for cut in range(1, len(request)))):
        data = raw_exchange(server.port, pieces)
        assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n"), (settings, data[:200])
        assert b"101" not in data.split(b"\r\n")[0]
    healthy = raw_exchange(server.port, GET + b"Connection: close\r\n\r\n")
    assert split_responses(healthy)[0][0] == 200
