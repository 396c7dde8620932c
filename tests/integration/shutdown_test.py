"""Graceful shutdown: SIGTERM/SIGINT stop accepting, requests in flight finish, exit 0."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.integration.support import hello_server, server_env, split_responses


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_requests_in_flight_complete(sig):
    with hello_server("--graceful-timeout", "5") as server:
        conns = []
        for _ in range(10):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            # /health first: its answer proves the server has this connection and is
            # working on the /sleep queued behind it.
            s.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
                      b"GET /sleep?ms=800 HTTP/1.1\r\nHost: t\r\n\r\n")
            conns.append(s)
        buffers = []
        for s in conns:
            data = b""
            while b'{"status":"ok"}' not in data:
                data += s.recv(65536)
            buffers.append(data)
        start = time.monotonic()
        server.proc.send_signal(sig)
        time.sleep(0.1)
        # No longer accepting.
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
        for i, s in enumerate(conns):
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buffers[i] += chunk
            s.close()
        code = server.proc.wait(timeout=10)
        elapsed = time.monotonic() - start
    assert code == 0
    for data in buffers:
        responses = split_responses(data)
        assert [r[0] for r in responses] == [200, 200]
        assert responses[1][2] == b'{"slept_ms":800}'
        assert responses[1][1]["connection"] == "close"
    assert elapsed < 3


def test_idle_connections_closed_and_exit_fast():
    with hello_server() as server:
        idle = socket.create_connection(("127.0.0.1", server.port))
        idle.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        assert idle.recv(65536).startswith(b"HTTP/1.1 200")
        start = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        idle.settimeout(5)
        assert idle.recv(65536) == b""  # the idle keep-alive connection is closed
        assert server.proc.wait(timeout=10) == 0
        assert time.monotonic() - start < 2
        idle.close()


def test_grace_period_bounds_shutdown():
    with hello_server("--graceful-timeout", "0.5") as server:
        box: list[object] = []

        def call() -> None:
            try:
                box.append(httpx.get(server.url + "/sleep?ms=10000", timeout=10))
            except Exception as e:  # noqa: BLE001
                box.append(e)

        t = threading.Thread(target=call)
        t.start()
        time.sleep(0.3)
        start = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(timeout=10) == 0
        assert time.monotonic() - start < 3
        t.join(timeout=10)
    assert box and not (isinstance(box[0], httpx.Response) and box[0].status_code == 200)


def test_workers_share_the_port_and_stop_together():
    import os

    port = _free_port()
    env = server_env()
    proc = subprocess.Popen(
        [sys.executable, "-m", "data_bridge", "serve", "examples.hello.app:app",
         "--port", str(port), "--workers", "2"], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        children: list[str] = []
        while time.monotonic() < deadline and len(children) < 2:
            time.sleep(0.2)
            children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                      text=True).stdout.split()
        assert len(children) == 2
        statuses = set()
        for _ in range(50):
            try:
                statuses.add(httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code)
            except httpx.ConnectError:  # a worker still starting
                time.sleep(0.1)
        assert statuses == {200}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        assert all(not os.path.exists(f"/proc/{c}") for c in children)  # reaped
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
