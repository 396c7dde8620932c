"""Graceful shutdown: SIGTERM/SIGINT stop accepting, requests in flight finish, exit 0."""

from __future__ import annotations

import signal
import socket
import threading
import time

import httpx
import pytest

from tests.integration.support import hello_server


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_requests_in_flight_complete(sig):
    with hello_server("--graceful-timeout", "5") as server:
        results: list[httpx.Response | Exception] = []

        def call() -> None:
            try:
                results.append(httpx.get(server.url + "/sleep?ms=800", timeout=10))
            except Exception as e:  # noqa: BLE001 - recorded for the assertion
                results.append(e)

        threads = [threading.Thread(target=call) for _ in range(10)]
        for t in threads:
            t.start()
        time.sleep(0.3)  # all ten are in the handler now
        start = time.monotonic()
        server.proc.send_signal(sig)
        time.sleep(0.1)
        # No longer accepting.
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
        for t in threads:
            t.join(timeout=10)
        code = server.proc.wait(timeout=10)
        elapsed = time.monotonic() - start
    assert code == 0
    assert all(isinstance(r, httpx.Response) and r.status_code == 200 for r in results), results
    assert all(r.json() == {"slept_ms": 800} for r in results)
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
