"""Shared helpers: run examples/hello (or any app) as a real server process on port 0."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from typing import Callable, Iterator

_READY = re.compile(rb"serving .* on https?://([\d.]+):(\d+)")


class ServerProcess:
    def __init__(self, proc: subprocess.Popen, host: str, port: int) -> None:
        self.proc = proc
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        self.stopped = False  # stop() was called: whatever exit status follows is expected

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        self.stopped = True
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


def server_env() -> dict[str, str]:
    """The environment for a server process a test starts: this interpreter's import path,
    and under --config=sanitize the ASan runtime the test runner kept from real clients."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    preload = os.environ.get("DATA_BRIDGE_SERVER_PRELOAD")
    if preload:
        env["LD_PRELOAD"] = preload
    return env


@contextlib.contextmanager
def hello_server(*extra: str, app: str = "examples.hello.app:app",
                 preexec_fn: Callable[[], None] | None = None) -> Iterator[ServerProcess]:
    """`python -m data_bridge serve examples.hello.app:app --port 0 ...` in a subprocess
    (preexec_fn runs in it before exec: resource limits)."""
    env = server_env()
    proc = subprocess.Popen(
        [sys.executable, "-m", "data_bridge", "serve", app, "--port", "0", *extra],
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=preexec_fn,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    port = None
    lines = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        m = _READY.search(line)
        if m:
            host, port = m.group(1).decode(), int(m.group(2))
            break
    if port is None:
        proc.kill()
        raise RuntimeError(b"server did not start:\n" + b"".join(lines))
    server = ServerProcess(proc, host, port)
    try:
        yield server
    finally:
        # A server that exited by itself with a failure (a crash, a sanitizer report) fails
        # the test that was talking to it, with what it wrote.
        crashed = proc.poll() not in (None, 0) and not server.stopped
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        tail = proc.stderr.read()[-6000:] if crashed else b""
        proc.stderr.close()
        if crashed:
            raise AssertionError(f"the server exited by itself with status {proc.returncode}:\n"
                                 + tail.decode(errors="replace"))


def raw_exchange(
    port: int,
    data: bytes | list[bytes],
    timeout: float = 5.0,
    until_close: bool = True,
    half_close: bool = False,
    pause: float = 0.002,
) -> bytes:
    """Send bytes on a fresh connection and read until the server closes (or timeout).
    A list of pieces is written one write each, `pause` seconds apart, so the server reads
    them separately. With half_close the client shuts down its sending side after the bytes."""
    pieces = [data] if isinstance(data, bytes) else data
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i, piece in enumerate(pieces):
            if i:
                time.sleep(pause)
            try:
                s.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server answered and closed before the rest
        if half_close:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if not until_close:
                    break
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


def split_responses(data: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Parse concatenated HTTP/1.1 responses with Content-Length bodies."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        out.append((status, headers, rest[:n]))
        data = rest[n:]
    return out
