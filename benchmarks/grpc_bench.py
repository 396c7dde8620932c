"""./bazelw run //benchmarks:grpc -- [--seconds 10] [--rounds 3]

gRPC: a small unary call (GetBook) and a 100-message server stream (StreamBooks) of the
same service (benchmarks/proto/bench.proto), served by data-bridge (Python handlers on gRPC
C++, 1 I/O thread), grpcio's asyncio server and its thread-pool server running the same
logic, and a plain C++ gRPC server (asynchronous API, one completion-queue thread) as the
native ceiling. Load from a C++
gRPC client (peers/grpc_load.cc; ghz, tried first, tops out near 12k calls/s on one core,
below what the servers answer), 64 calls in flight over 4 connections. Server pinned to
core 0, the client to core 1, alternating rounds, median; server CPU per call from /proc.
Prints a markdown table and writes it to benchmarks/results/grpc.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

from benchmarks import loadgen

STREAM = 100
SCENARIOS = ["unary GetBook", f"server stream, {STREAM} messages"]


def load(client: str, port: int, scenario: str, seconds: int,
         concurrency: int) -> tuple[float, float, float]:
    """(calls/s, p50 ms, p99 ms) from the C++ load client; any failed call is an error."""
    mode = "stream" if scenario.startswith("server stream") else "unary"
    out = subprocess.run(
        ["taskset", "-c", loadgen.CLIENT_CORE, client, f"127.0.0.1:{port}", mode, str(seconds),
         str(concurrency), "4", str(STREAM)],
        capture_output=True, text=True, check=True).stdout
    report = json.loads(out)
    if report["errors"] or not report["calls"]:
        raise RuntimeError(f"load client on port {port}: {report}")
    return report["calls"] / report["seconds"], report["p50_ms"], report["p99_ms"]


def measure(server: loadgen.Server, client: str, seconds: int,
            concurrency: int) -> list[loadgen.Result]:
    results = []
    with server:
        loadgen.wait_ready(server.port)
        assert server.proc is not None
        for name in SCENARIOS:
            load(client, server.port, name, 2, concurrency)  # warm-up, and checks answers
            before = loadgen.cpu_seconds(server.proc.pid)
            rps, p50, p99 = load(client, server.port, name, seconds, concurrency)
            cpu = loadgen.cpu_seconds(server.proc.pid) - before
            results.append(loadgen.Result(server.name, name, rps, p50, p99,
                                          cpu / (rps * seconds) * 1e6))
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()

    workspace, venv_python, peers = loadgen.workspace_paths()
    here = os.path.dirname(os.path.abspath(__file__))
    proto_dir = os.path.join(here, "proto")
    native = os.path.join(here, "peers", "grpc_native_server")
    client = os.path.join(here, "peers", "grpc_load")
    gen = tempfile.mkdtemp()
    pythonpath = os.pathsep.join(p for p in sys.path if p)

    def ours() -> loadgen.Server:
        http, grpc_port = loadgen.free_port(), loadgen.free_port()
        server = loadgen.Server("data-bridge", [
            "/usr/bin/python3", "-m", "data_bridge", "serve", "benchmarks.grpc_app:app",
            "--port", str(http), "--grpc-port", str(grpc_port), "--threads", "1"],
            grpc_port, env=dict(os.environ, PYTHONPATH=pythonpath))
        return server

    def grpcio(mode: str) -> loadgen.Server:
        port = loadgen.free_port()
        return loadgen.Server(f"grpcio {mode}", [
            venv_python, os.path.join(peers, "grpcio_bench.py"), "--mode", mode, "--port",
            str(port), "--gen", gen, "--proto-dir", proto_dir], port)

    def ceiling() -> loadgen.Server:
        port = loadgen.free_port()
        return loadgen.Server("C++ gRPC (ceiling)", [native, str(port)], port)

    makers = [ours, lambda: grpcio("aio"), lambda: grpcio("sync"), ceiling]
    results: list[loadgen.Result] = []
    for round_no in range(args.rounds):
        order = makers if round_no % 2 == 0 else makers[::-1]
        for make in order:
            server = make()
            results += measure(server, client, args.seconds, args.concurrency)
        print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)

    summary = loadgen.best_of(results)
    scenarios = SCENARIOS
    table = loadgen.table(summary, "data-bridge", ["grpcio aio", "grpcio sync"], scenarios,
                          extra=["C++ gRPC (ceiling)"])
    stream = f"server stream, {STREAM} messages"
    msgs = {name: summary[(name, stream)].rps * STREAM
            for name in ["data-bridge", "grpcio aio", "grpcio sync", "C++ gRPC (ceiling)"]}
    text = (
        f"# gRPC benchmark ({datetime.date.today().isoformat()})\n\n"
        f"Machine: {loadgen.machine()}. Server pinned to core {loadgen.SERVER_CORE}, the C++ "
        f"load client (benchmarks/peers/grpc_load.cc: closed loop, {args.concurrency} calls "
        f"in flight over 4 connections) to core {loadgen.CLIENT_CORE}; {args.seconds}s per "
        f"scenario after a 2s warm-up, "
        f"{args.rounds} alternating rounds, median shown. data-bridge: Python handlers on "
        f"gRPC C++, 1 I/O thread; grpcio: the same logic on grpc.aio.server() and on "
        f"grpc.server(ThreadPoolExecutor(16)); the ceiling: the same service in C++ (async "
        f"API, one completion-queue thread). For the stream, req/s counts streams; "
        f"messages/s below.\n\n"
        + table + "\n\n"
        + "| server | stream messages/s | ratio (data-bridge / this) |\n|---|---:|---:|\n"
        + "\n".join(f"| {n} | {m:,.0f} | {msgs['data-bridge'] / m:.2f}x |"
                    for n, m in msgs.items()) + "\n"
    )
    print(text)
    out_dir = os.path.join(workspace, "benchmarks", "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "grpc.md"), "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
