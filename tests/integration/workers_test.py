"""`--workers N` under the supervisor, with real processes and signals: a worker that dies
is logged with its status and replaced within a second, SIGHUP restarts every worker one at
a time while a client keeps sending requests (none fails, one in flight finishes), SIGTERM
drains them all and the parent exits 0."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Iterator

from tests.integration.support import raw_exchange, server_env, split_responses


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Supervised:
    def __init__(self, proc: subprocess.Popen, port: int) -> None:
        self.proc, self.port = proc, port
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.decode(errors="replace"))

    def log(self) -> str:
        return "".join(self.lines)

    def children(self) -> set[int]:
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                return {int(p) for p in f.read().split()}
        except FileNotFoundError:
            return set()

    def wait_for(self, what, timeout: float = 15.0, what_for: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not what():
            assert time.monotonic() < deadline, f"timed out waiting for {what_for}:\n{self.log()}"
            time.sleep(0.02)

    def serving(self) -> int:
        return self.log().count("data-bridge: serving")


@contextlib.contextmanager
def supervised(workers: int = 2, *extra: str) -> Iterator[Supervised]:
    port = free_port()
    env = server_env()
    proc = subprocess.Popen(
        [sys.executable, "-m", "data_bridge", "serve", "examples.hello.app:app", "--port",
         str(port), "--workers", str(workers), *extra],
        stderr=subprocess.PIPE, env=env)
    s = Supervised(proc, port)
    try:
        s.wait_for(lambda: s.serving() >= workers, what_for=f"{workers} workers")
        yield s
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def health(port: int) -> int:
    data = raw_exchange(port, b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    responses = split_responses(data)
    return responses[0][0] if responses else 0


def test_a_dead_worker_is_logged_and_replaced():
    with supervised(2) as s:
        before = s.children()
        assert len(before) == 2
        victim = min(before)
        os.kill(victim, signal.SIGABRT)  # a crash (SIGSEGV is caught by ASan in CI's run)
        start = time.monotonic()
        s.wait_for(lambda: len(s.children()) == 2 and victim not in s.children(),
                   timeout=5, what_for="a replacement")
        assert time.monotonic() - start < 1.5
        s.wait_for(lambda: f"worker {victim} killed by SIGABRT" in s.log(), what_for="the log")
        s.wait_for(lambda: s.serving() >= 3, what_for="the replacement to serve")
        assert all(health(s.port) == 200 for _ in range(20))
        # A worker that exits with an error is replaced the same way.
        victim = min(s.children())
        os.kill(victim, signal.SIGKILL)
        s.wait_for(lambda: f"worker {victim} killed by SIGKILL" in s.log(), what_for="SIGKILL")
        s.wait_for(lambda: len(s.children()) == 2 and victim not in s.children(),
                   what_for="a second replacement")


def test_the_h2c_reproducer_leaves_every_worker_up():
    request = (b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
               b"Upgrade: h2c\r\nHTTP2-Settings: a=b\r\n\r\n")
    with supervised(2) as s:
        before = s.children()
        for _ in range(10):
            assert raw_exchange(s.port, request).startswith(b"HTTP/1.1 400 ")
        time.sleep(0.3)
        assert s.children() == before
        assert "killed by" not in s.log()


def test_sighup_restarts_workers_one_at_a_time_without_failing_a_request():
    with supervised(2, "--threads", "2") as s:
        old = s.children()
        outcomes: list[int] = []
        stop = threading.Event()

        def client() -> None:
            while not stop.is_set():
                try:
                    outcomes.append(health(s.port))
                except OSError:
                    outcomes.append(-1)

        in_flight: list[bytes] = []
        slow = threading.Thread(target=lambda: in_flight.append(raw_exchange(
            s.port, b"GET /sleep?ms=1500 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            timeout=10)))
        slow.start()
        load = [threading.Thread(target=client) for _ in range(3)]
        for t in load:
            t.start()
        time.sleep(0.3)
        s.proc.send_signal(signal.SIGHUP)
        s.wait_for(lambda: not (s.children() & old) and len(s.children()) == 2, timeout=40,
                   what_for="every worker replaced")
        time.sleep(0.3)
        stop.set()
        for t in load:
            t.join()
        slow.join()
        assert len(outcomes) > 50
        assert set(outcomes) == {200}, f"{outcomes.count(200)} of {len(outcomes)} answered 200"
        assert split_responses(in_flight[0])[0][:1] == (200,)
        assert "restarting 2 workers one at a time" in s.log()


def test_sigterm_drains_every_worker_and_exits_0():
    with supervised(2) as s:
        in_flight: list[bytes] = []
        slow = threading.Thread(target=lambda: in_flight.append(raw_exchange(
            s.port, b"GET /sleep?ms=800 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            timeout=10)))
        slow.start()
        time.sleep(0.2)
        s.proc.send_signal(signal.SIGTERM)
        assert s.proc.wait(timeout=20) == 0
        slow.join()
        assert split_responses(in_flight[0])[0][0] == 200
        assert not s.children()
