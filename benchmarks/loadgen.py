"""Measurement harness shared by the benchmarks (docs/ARCHITECTURE.md, "Measuring").

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
import tempfile
import time
from typing import Callable, Sequence

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


def wait_ready(port: int, timeout: float = 30) -> None:
    """Until the port accepts connections (the warm-up run that follows checks answers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(0.3)  # let the server finish starting behind its listener
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not become ready")


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """utime+stime of a process, its threads and its descendants (Granian and uvicorn
    may serve from worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(_stat(int(entry))[1]), []).append(int(entry))
            except (OSError, IndexError):
                pass
    ticks, total, todo = os.sysconf("SC_CLK_TCK"), 0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = _stat(p)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
        todo += children.get(p, [])
    return total / ticks


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
    return parse_wrk(out, url)


def parse_wrk(out: str, url: str) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) from wrk --latency output; non-2xx answers are an error."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    if re.search(r"Non-2xx or 3xx responses", out):
        raise RuntimeError(f"non-2xx responses from {url}:\n{out}")
    return rps, p50, p99


def h2load(url: str, seconds: int, connections: int, streams: int = 32) -> tuple[float, float, float]:
    """HTTP/2 (prior knowledge) load from h2load; percentiles from its per-request log."""
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".log") as log:
        out = subprocess.run(
            ["taskset", "-c", CLIENT_CORE, "h2load", "-t1", f"-c{connections}", f"-m{streams}",
             f"-D{seconds}", "--log-file", log.name, url],
            capture_output=True, text=True, check=True,
        ).stdout
        durations = sorted(int(line.split()[2]) for line in log if line.strip())
    m = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out)
    if m is None or not re.search(r"status codes: \d+ 2xx, 0 3xx, 0 4xx, 0 5xx", out):
        raise RuntimeError(f"h2load failed against {url}:\n{out}")
    if not durations:
        raise RuntimeError(f"h2load logged no requests:\n{out}")
    pct = lambda q: durations[min(len(durations) - 1, int(q * len(durations)))] / 1000  # noqa: E731
    return float(m.group(1)), pct(0.50), pct(0.99)


class Server:
    def __init__(self, name: str, argv: Sequence[str], port: int, env: dict | None = None):
        self.name, self.argv, self.port, self.env = name, list(argv), port, env
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            ["taskset", "-c", SERVER_CORE, *self.argv],
            env=self.env, stdout=subprocess.DEVNULL, stderr=self.log,
        )
        return self

    def log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read()[-2000:].decode(errors="replace")

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def workspace_paths() -> tuple[str, str, str]:
    """(workspace, the benchmarks' venv python, the peers folder); exits when the venv is
    missing (bazelw creates it for //benchmarks targets)."""
    workspace = os.environ.get("BUILD_WORKSPACE_DIRECTORY", os.getcwd())
    venv_python = os.path.join(workspace, ".venv-bench", "bin", "python")
    if not os.path.exists(venv_python):
        raise SystemExit("benchmark environment missing: run through ./bazelw "
                         "(tools/setup.sh bench)")
    return workspace, venv_python, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers")


def data_bridge_server(app: str, threads: int = 1, name: str = "data-bridge",
                       runfiles: str | None = None, python: str = "/usr/bin/python3",
                       app_dir: str | None = None) -> Server:
    """`python -m data_bridge serve <app>` on a free port, with this process's sys.path, or
    with another build's: `runfiles` is the runfiles folder of the same benchmark target
    built in another checkout (an A/B of two versions in one run). `python`: the
    interpreter (one whose site-packages the app needs, such as pydantic v2); `app_dir`:
    put first on the path, where the app module is."""
    import sys

    path = [p for p in sys.path if p]
    if runfiles is not None:
        # The runfiles folder of this benchmark (the py_binary stub puts it on sys.path).
        ours = next((p for p in path if p.endswith(".runfiles")), "<no runfiles>")
        mapped = [p.replace(ours, runfiles, 1) for p in path]
        if not any(runfiles in p for p in mapped):
            raise SystemExit(f"--baseline: no sys.path entry lies under {ours}")
        path = mapped
    if python != "/usr/bin/python3":  # its own packages: none of this interpreter's
        path = [p for p in path if not p.endswith(("dist-packages", "site-packages"))]
    if app_dir is not None:
        path.insert(0, app_dir)
    port = free_port()
    return Server(name, [python, "-m", "data_bridge", "serve", app, "--port",
                         str(port), "--threads", str(threads)], port,
                  env=dict(os.environ, PYTHONPATH=os.pathsep.join(path)))


def uvicorn_server(name: str, venv_python: str, app: str, app_dir: str) -> Server:
    """A peer ASGI app under uvicorn: 1 worker, uvloop, httptools, no access log."""
    port = free_port()
    return Server(name, [venv_python, "-m", "uvicorn", app, "--port", str(port), "--workers",
                         "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log",
                         "--log-level", "warning", "--app-dir", app_dir], port)


def measure(server: Server, scenarios: dict[str, str], seconds: int, connections: int,
            warmup: int = 2, tool=wrk, label: str | None = None,
            check: Callable[[int], None] | None = None,
            after: Callable[[Server], None] | None = None) -> list[Result]:
    """Runs every scenario against one server with `tool` (wrk or h2load); `check(port)`,
    if given, first, once the server is ready (it raises when the answer is wrong);
    `after(server)` once they have run, while the server still runs."""
    results = []
    with server:
        try:
            wait_ready(server.port)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}: {server.name} ({server.argv}) said:\n{server.log_tail()}")
        assert server.proc is not None
        if check is not None:
            check(server.port)
        for name, path in scenarios.items():
            url = f"http://127.0.0.1:{server.port}{path}"
            tool(url, warmup, connections)
            before = cpu_seconds(server.proc.pid)
            rps, p50, p99 = tool(url, seconds, connections)
            cpu = cpu_seconds(server.proc.pid) - before
            results.append(Result(label or server.name, name, rps, p50, p99,
                                  cpu / (rps * seconds) * 1e6))
        if after is not None:
            after(server)
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
          scenarios: Sequence[str], extra: Sequence[str] = ()) -> str:
    """Rows per scenario: ours, each peer (with ours/peer ratio), then `extra` rows shown
    for reference without a ratio."""
    lines = [
        "| scenario | server | req/s | p50 ms | p99 ms | server CPU us/req | ratio (ours / peer) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for sc in scenarios:
        mine = results[(ours, sc)]
        for name in [ours, *peers, *extra]:
            r = results[(name, sc)]
            ratio = f"{mine.rps / r.rps:.2f}x" if name in peers else ""
            lines.append(
                f"| {sc} | {name} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
                f"{r.cpu_us_per_req:.1f} | {ratio} |"
            )
    return "\n".join(lines)


def median(xs: list[float]) -> float:
    return statistics.median(xs)
