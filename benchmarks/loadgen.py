"""Measurement harness shared by the benchmarks (DESIGN.md "Measuring performance honestly").

The server under test is pinned to one core and the load generator (wrk) to the other;
servers run one at a time, alternating between ours and the peer each round. Reported per
scenario: requests/s, p50/p99 latency (from wrk), and the server's CPU time per request
(utime+stime of the server process from /proc, before/after the run).
"""

from __future__ import annotations

import dataclasses
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import time
from typing import Sequence

SERVER_CORE = "0"
CLIENT_CORE = "1"


@dataclasses.dataclass
class Result:
    server: str
    scenario: str
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us_per_req: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not become ready")


def cpu_seconds(pid: int) -> float:
    """utime+stime of a process and its threads (not its children)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def _to_ms(value: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", value)
    if not m:
        return float("nan")
    n, unit = float(m.group(1)), m.group(2)
    return n / 1000 if unit == "us" else n * 1000 if unit == "s" else n


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float, float]:
    out = subprocess.run(
        ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
         "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    if re.search(r"Non-2xx or 3xx responses", out):
        raise RuntimeError(f"non-2xx responses from {url}:\n{out}")
    return rps, p50, p99


class Server:
    def __init__(self, name: str, argv: Sequence[str], port: int, env: dict | None = None):
        self.name, self.argv, self.port, self.env = name, list(argv), port, env
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.proc = subprocess.Popen(
            ["taskset", "-c", SERVER_CORE, *self.argv],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def measure(server: Server, scenarios: dict[str, str], seconds: int, connections: int,
            warmup: int = 2) -> list[Result]:
    results = []
    with server:
        wait_ready(server.port, next(iter(scenarios.values())))
        assert server.proc is not None
        for name, path in scenarios.items():
            url = f"http://127.0.0.1:{server.port}{path}"
            wrk(url, warmup, connections)
            before = cpu_seconds(server.proc.pid)
            rps, p50, p99 = wrk(url, seconds, connections)
            cpu = cpu_seconds(server.proc.pid) - before
            results.append(Result(server.name, name, rps, p50, p99, cpu / (rps * seconds) * 1e6))
    return results


def best_of(results: list[Result]) -> dict[tuple[str, str], Result]:
    """Median run per (server, scenario) over the rounds."""
    grouped: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        grouped.setdefault((r.server, r.scenario), []).append(r)
    out = {}
    for key, rs in grouped.items():
        rs.sort(key=lambda r: r.rps)
        out[key] = rs[len(rs) // 2]
    return out


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def table(results: dict[tuple[str, str], Result], ours: str, peers: Sequence[str],
          scenarios: Sequence[str]) -> str:
    lines = [
        "| scenario | server | req/s | p50 ms | p99 ms | server CPU us/req | ratio (ours / peer) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for sc in scenarios:
        mine = results[(ours, sc)]
        for name in [ours, *peers]:
            r = results[(name, sc)]
            ratio = "" if name == ours else f"{mine.rps / r.rps:.2f}x"
            lines.append(
                f"| {sc} | {name} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
                f"{r.cpu_us_per_req:.1f} | {ratio} |"
            )
    return "\n".join(lines)


def median(xs: list[float]) -> float:
    return statistics.median(xs)
