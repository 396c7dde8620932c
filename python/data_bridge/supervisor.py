"""Supervisor: the parent of `--workers N` processes, as gunicorn's arbiter.

    Supervisor(serve_one, host="127.0.0.1", port=8000, threads=2, workers=4).run()

The parent binds the listening sockets once (one SO_REUSEPORT socket per I/O thread) and
keeps them open; every worker serves on inherited copies, so connections queued on a socket
survive any one worker's exit. Then it watches:
- a worker that dies (crash, signal, non-zero exit) is logged with its status and replaced
  at once (after a back-off when workers keep dying within a second of starting);
- SIGTERM or SIGINT: forwarded to every worker, which drains (finishes what it has, up to
  its graceful timeout); the parent exits when all have, 0 if all exited cleanly;
- SIGHUP: a rolling restart, one worker at a time: a new worker is started and waited for
  (it reports ready once its listeners are in place), then the old one is drained; no
  request in flight fails and the port never stops accepting;
- SIGTTIN / SIGTTOU: one worker more / fewer (gunicorn's signals).

`serve_one(listen_fds, ready_fd)` runs one worker in the child process; it must write a
byte to ready_fd once it serves and return when the worker has shut down.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import time
from typing import Callable

logger = logging.getLogger("data_bridge")

_WATCHED = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGTTIN,
            signal.SIGTTOU}
_READY_TIMEOUT = 30.0  # seconds a new worker has to come up during a rolling restart
_FAST_DEATH = 1.0  # a worker dying sooner than this after its start is failing to boot


def bind_listeners(host: str, port: int, count: int, backlog: int = 1024) -> list[socket.socket]:
    """`count` SO_REUSEPORT listening sockets on host:port (as the native server binds)."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                               flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sockets: list[socket.socket] = []
    for _ in range(count):
        s = socket.socket(family, kind, proto)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(address)
        s.listen(backlog)
        s.setblocking(False)
        sockets.append(s)
    return sockets


def describe(status: int) -> str:
    """'exited with code 3' / 'killed by SIGSEGV' for a waitpid status."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return f"killed by {name}" + (" (core dumped)" if os.WCOREDUMP(status) else "")
    return f"exited with code {os.waitstatus_to_exitcode(status)}"


class Supervisor:
    def __init__(self, serve_one: Callable[[list[int], int], None], *, host: str, port: int,
                 threads: int, workers: int) -> None:
        if port == 0:
            raise ValueError("workers > 1 needs a fixed port (the workers share it)")
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.serve_one = serve_one
        self.wanted = workers
        self.listeners = bind_listeners(host, port, max(1, threads))
        self.children: dict[int, float] = {}  # pid -> start time
        self.ready: dict[int, int] = {}  # pid -> read end of its ready pipe, until it reports
        self.retiring: set[int] = set()  # drained on purpose (restart, fewer workers)
        self.stopping = False
        self.failed = 0
        self.backoff = 0.0
        self.rolling: list[int] = []  # old workers still to replace, in order
        self.replacement: int | None = None  # the new worker the restart waits for
        self.replacement_deadline = 0.0

    # --- processes ---

    def spawn(self) -> int:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                os.close(read_end)
                for sig in _WATCHED:
                    signal.signal(sig, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, set())
                self.serve_one([s.fileno() for s in self.listeners], write_end)
            except BaseException:  # noqa: BLE001 - reported, then the process exits
                logger.exception("worker failed")
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        os.set_blocking(read_end, False)
        self.children[pid] = time.monotonic()
        self.ready[pid] = read_end
        logger.info("worker %d started", pid)
        return pid

    def is_ready(self, pid: int) -> bool:
        fd = self.ready.get(pid)
        if fd is None:
            return pid in self.children
        try:
            got = os.read(fd, 1)
        except BlockingIOError:
            return False
        os.close(fd)
        del self.ready[pid]
        return bool(got)

    def signal_all(self, sig: int) -> None:
        for pid in list(self.children):
            self.kill(pid, sig)

    @staticmethod
    def kill(pid: int, sig: int) -> None:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass

    def retire(self, pid: int) -> None:
        self.retiring.add(pid)
        self.kill(pid, signal.SIGTERM)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            started = self.children.pop(pid, None)
            fd = self.ready.pop(pid, None)
            if fd is not None:
                os.close(fd)
            if started is None:
                continue
            clean = os.waitstatus_to_exitcode(status) == 0
            if pid in self.retiring or self.stopping:
                self.retiring.discard(pid)
                if not clean:
                    self.failed += 1
                    logger.error("worker %d %s while shutting down", pid, describe(status))
                else:
                    logger.info("worker %d stopped", pid)
                continue
            lived = time.monotonic() - started
            logger.error("worker %d %s after %.1f s; starting a new one", pid,
                         describe(status), lived)
            if pid == self.replacement:
                self.replacement = None  # the restart starts another for the same slot
            if lived < _FAST_DEATH:
                self.backoff = min(max(self.backoff * 2, 0.1), 5.0)
            else:
                self.backoff = 0.0

    # --- the loop ---

    def run(self) -> int:
        signal.pthread_sigmask(signal.SIG_BLOCK, _WATCHED)
        try:
            for _ in range(self.wanted):
                self.spawn()
            logger.info("supervising %d workers (pid %d); SIGHUP restarts them one at a time",
                        self.wanted, os.getpid())
            next_spawn = 0.0
            while self.children or not self.stopping:
                info = signal.sigtimedwait(_WATCHED, 0.1)
                if info is not None:
                    self.on_signal(info.si_signo)
                self.reap()
                if self.stopping:
                    continue
                self.step_restart()
                live = [p for p in self.children if p not in self.retiring]
                target = self.wanted + (self.replacement is not None)
                now = time.monotonic()
                if len(live) < target and now >= next_spawn:
                    if self.backoff:
                        logger.warning("workers die as they start; next one in %.1f s",
                                       self.backoff)
                    self.spawn()
                    next_spawn = now + self.backoff
                elif len(live) > target:
                    self.retire(max(p for p in live if p != self.replacement))
        finally:
            for s in self.listeners:
                s.close()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _WATCHED)
        return 1 if self.failed else 0

    def on_signal(self, sig: int) -> None:
        if sig in (signal.SIGTERM, signal.SIGINT):
            if not self.stopping:
                logger.info("received %s: draining %d workers", signal.Signals(sig).name,
                            len(self.children))
            self.stopping = True
            self.signal_all(signal.SIGTERM)
        elif sig == signal.SIGHUP and not self.stopping:
            old = [p for p in self.children if p not in self.retiring]
            logger.info("received SIGHUP: restarting %d workers one at a time", len(old))
            self.rolling = sorted(set(self.rolling) | set(old))
        elif sig == signal.SIGTTIN:
            self.wanted += 1
        elif sig == signal.SIGTTOU and self.wanted > 1:
            self.wanted -= 1

    def step_restart(self) -> None:
        """One step of a rolling restart: start a replacement, wait for it, drain one old."""
        self.rolling = [p for p in self.rolling if p in self.children and p not in self.retiring]
        if not self.rolling:
            return
        if self.replacement is None:
            self.replacement = self.spawn()
            self.replacement_deadline = time.monotonic() + _READY_TIMEOUT
            return
        if self.is_ready(self.replacement):
            self.replacement = None
            self.retire(self.rolling.pop(0))
        elif time.monotonic() > self.replacement_deadline:
            logger.error("worker %d not ready after %.0f s; restart abandoned",
                         self.replacement, _READY_TIMEOUT)
            self.rolling = []
            self.replacement = None


def notify_ready(ready_fd: int | None) -> None:
    """In a worker: tell the supervisor it serves (a no-op outside a supervisor)."""
    if ready_fd is None:
        return
    try:
        os.write(ready_fd, b"1")
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
    finally:
        os.close(ready_fd)
