"""Uploads and downloads end to end with real clients (curl, httpx over HTTP/1.1 and
HTTP/2): a multipart/form-data body to a route that reads a form is parsed while it arrives
and its file spooled to disk, so a body many times max_body_bytes passes whole (its digest
checked) while the server's peak memory does not grow with it; max_upload_bytes bounds it
(413). A FileResponse is sent from the file as the client reads it (flat memory too), and
curl's ranges come back as 206s."""

from __future__ import annotations

import hashlib
import os
import subprocess
from typing import Iterator

import httpx
import pytest

from tests.integration.support import hello_server, raw_exchange, split_responses

MiB = 1024 * 1024
SIZE = 64 * MiB  # well past max_body_bytes below, and past what memory may grow by
BOUNDARY = "upload-test-boundary"


@pytest.fixture(scope="module")
def server():
    with hello_server("--max-body-bytes", str(1 * MiB), "--max-upload-bytes", str(80 * MiB),
                      "--request-timeout", "120",
                      app="tests.integration.upload_app:app") as s:
        yield s


def pattern(size: int) -> Iterator[bytes]:
    block = hashlib.sha256(b"seed").digest() * (MiB // 32)
    sent = 0
    while sent < size:
        piece = block[: min(MiB, size - sent)]
        sent += len(piece)
        yield piece


def digest(size: int) -> str:
    h = hashlib.sha256()
    for piece in pattern(size):
        h.update(piece)
    return h.hexdigest()


def multipart(size: int) -> Iterator[bytes]:
    yield (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
           f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    yield from pattern(size)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


# Under AddressSanitizer freed memory sits in its quarantine rather than being reused, so
# resident memory grows with everything allocated: the bound is checked without it.
SANITIZED = bool(os.environ.get("DATA_BRIDGE_SERVER_PRELOAD"))


def check_flat(server, before: int, what: str) -> None:
    grown_kib = peak_kib(server) - before
    if not SANITIZED:
        assert grown_kib < 16 * 1024, f"peak memory grew {grown_kib} KiB for {what}"


def peak_kib(server) -> int:
    with open(f"/proc/{server.proc.pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


@pytest.mark.parametrize("http2", [False, True], ids=["http1", "http2"])
def test_a_large_upload_streams_to_disk_in_flat_memory(server, http2):
    with httpx.Client(base_url=server.url, http1=not http2, http2=http2, timeout=120) as c:
        small = c.post("/upload", files={"file": ("s.txt", b"x" * 1000)})
        assert small.status_code == 200, small.text
        before = peak_kib(server)
        r = c.post("/upload", content=multipart(SIZE),
                   headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"})
        assert r.status_code == 200, r.text
        if http2:
            assert r.http_version == "HTTP/2"
    assert r.json() == {"name": "big.bin", "size": SIZE, "sha256": digest(SIZE), "note": "hi",
                        "extra": 0, "spooled": True}
    check_flat(server, before, f"a {SIZE >> 20} MiB upload")


def test_curl_uploads_a_file_and_fields(server, tmp_path):
    path = tmp_path / "file.bin"
    with open(path, "wb") as f:
        for piece in pattern(5 * MiB):
            f.write(piece)
    out = subprocess.run(
        ["curl", "-sS", "-F", f"file=@{path};filename=f.bin", "-F", "note=curl",
         "-F", "extra=@/etc/hostname", f"{server.url}/upload"],
        check=True, capture_output=True, timeout=60).stdout
    got = httpx.Response(200, content=out).json()
    assert got["size"] == 5 * MiB and got["sha256"] == digest(5 * MiB)
    assert (got["note"], got["extra"]) == ("curl", os.path.getsize("/etc/hostname"))


def test_the_upload_limit_is_413_and_other_bodies_keep_theirs(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.post("/upload", content=multipart(81 * MiB),
                   headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"})
        assert r.status_code == 413
        # A JSON body is held in memory: max_body_bytes (1 MiB) bounds it.
        r = c.post("/json", content=b'{"a": "' + b"x" * (2 * MiB) + b'"}',
                   headers={"content-type": "application/json"})
        assert r.status_code == 413
        # A multipart body to a route that reads none is held too: the same bound.
        r = c.post("/json", content=multipart(2 * MiB),
                   headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"})
        assert r.status_code == 413


def test_a_malformed_upload_is_400_and_the_connection_serves_on(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        r = c.post("/upload", content=b"garbage" * 100000,
                   headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"})
        assert (r.status_code, r.json()) == (400, {"detail": "Invalid multipart data."})
        r = c.post("/upload", content=b"x",
                   headers={"content-type": "multipart/form-data"})
        assert (r.status_code, r.json()) == (400, {"detail": "Missing boundary in multipart."})
        assert c.get("/memory").status_code == 200


def file_digest(size: int, start: int = 0, end: int | None = None) -> str:
    block = bytes(range(251)) * 4177
    data = (block * (size // len(block) + 1))[:size]
    return hashlib.sha256(data[start:end]).hexdigest()


@pytest.mark.parametrize("http2", [False, True], ids=["http1", "http2"])
def test_a_large_file_is_sent_in_flat_memory(server, http2):
    size = SIZE
    with httpx.Client(base_url=server.url, http1=not http2, http2=http2, timeout=120) as c:
        assert c.get("/download", params={"size": 1000}).status_code == 200
        before = peak_kib(server)
        h = hashlib.sha256()
        with c.stream("GET", "/download", params={"size": size}) as r:
            assert r.status_code == 200
            assert r.headers["content-length"] == str(size)
            assert r.headers["content-disposition"] == 'attachment; filename="download.bin"'
            for piece in r.iter_bytes():
                h.update(piece)
    assert h.hexdigest() == file_digest(size)
    check_flat(server, before, f"a {size >> 20} MiB file")


@pytest.mark.parametrize("proto", ["--http1.1", "--http2-prior-knowledge"])
def test_curl_ranges(server, proto):
    size = 5 * MiB
    url = f"{server.url}/download?size={size}"
    out = subprocess.run(["curl", "-sS", proto, "-r", "1000-2999999", "-D", "-", "-o",
                          "/dev/stdout", url], check=True, capture_output=True,
                         timeout=60).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"206"
    assert f"content-range: bytes 1000-2999999/{size}".encode() in head.lower()
    assert hashlib.sha256(body).hexdigest() == file_digest(size, 1000, 3000000)
    out = subprocess.run(["curl", "-sS", proto, "-r", "0-9,-10", "-o", "/dev/stdout", "-w",
                          "%{http_code} %{content_type}", url],
                         check=True, capture_output=True, timeout=60).stdout
    assert out.endswith(b"206 multipart/byteranges; boundary=" + out.rsplit(b"=", 1)[1])
    assert b"Content-Range: bytes 0-9/" in out and f"bytes {size - 10}-{size - 1}/".encode() in out


def raw_upload(body: bytes, boundary: str = BOUNDARY) -> bytes:
    return (f"POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


GOOD_UPLOAD = b"".join(multipart(3000))
RAW_CASES = [
    ("upload", raw_upload(GOOD_UPLOAD), 200, b'"size":3000'),
    ("malformed upload", raw_upload(b"--other\r\n" + GOOD_UPLOAD), 400,
     b'{"detail":"Invalid multipart data."}'),
    ("no boundary", raw_upload(GOOD_UPLOAD, boundary="").replace(b"; boundary=", b""), 400,
     b'{"detail":"Missing boundary in multipart."}'),
    ("part without a name", raw_upload(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--{BOUNDARY}--\r\n"
        .encode()), 400, b'must be provided'),
    ("range", b"GET /download?size=5000 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
     b"Range: bytes=10-19\r\n\r\n", 206, bytes(range(10, 20))),
    ("range past the end", b"GET /download?size=5000 HTTP/1.1\r\nHost: t\r\n"
     b"Connection: close\r\nRange: bytes=6000-\r\n\r\n", 416, b""),
    ("malformed range", b"GET /download?size=5000 HTTP/1.1\r\nHost: t\r\n"
     b"Connection: close\r\nRange: bytes=9-1\r\n\r\n", 400,
     b"Range header: start must be less than end"),
]


@pytest.mark.parametrize("case", RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_error_paths_whole_and_split_anywhere(server, case):
    """Each request sent whole and split at every byte (long ones at their first and last
    150 bytes and every 97th between) gets its one exact answer."""
    name, data, status, expected = case
    n = len(data)
    cuts = [c for c in range(1, n) if c <= 150 or c >= n - 150 or c % 97 == 0]
    for pieces in [[data]] + [[data[:c], data[c:]] for c in cuts]:
        got = split_responses(raw_exchange(server.port, pieces))
        assert len(got) == 1, (name, len(pieces[0]))
        assert got[0][0] == status, (name, len(pieces[0]), got[0])
        assert expected in got[0][2], (name, len(pieces[0]), got[0][2][:200])


def test_an_upload_times_out_when_it_stalls_not_when_it_is_long():
    body = b"".join(multipart(40000))
    with hello_server("--request-timeout", "1", app="tests.integration.upload_app:app") as s:
        # 2.4 s in all, never 1 s without a byte: served.
        data = raw_upload(body)
        step = len(data) // 8 + 1
        pieces = [data[i:i + step] for i in range(0, len(data), step)]
        got = split_responses(raw_exchange(s.port, pieces, pause=0.3, timeout=10))
        assert [r[0] for r in got] == [200]
        # Stalled past the timeout midway: 408.
        got = split_responses(raw_exchange(s.port, [data[:500], data[500:]], pause=1.6,
                                           timeout=10))
        assert [r[0] for r in got] == [408]
        # A body held in memory (not an upload) keeps the whole-request bound.
        slow_json = (b"POST /json HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 8\r\n\r\n")
        got = split_responses(raw_exchange(s.port, [slow_json, b'{"a"', b':1', b'}   '],
                                           pause=0.45, timeout=10))
        assert [r[0] for r in got] == [408]
