"""./bazelw run //benchmarks:depends -- [--seconds 10] [--rounds 3] [--connections 64]

FastAPI's features on the request path, same app (benchmarks/depends_app.py) on both:
GET /orders/42 through a two-level Depends chain, an OAuth2 bearer token checked under
Security scopes, and CORS middleware (the request carries an allowed Origin), on
data-bridge (1 I/O thread) and on FastAPI + uvicorn (uvloop, httptools, 1 worker). Each
server's answer is checked first (200, the body, the CORS header). Writes
benchmarks/results/depends.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import urllib.request

from benchmarks import loadgen

PATH = "/orders/42"
HEADERS = {"Authorization": "Bearer token-ann", "Origin": "https://shop.example"}
WANT = {"id": 42, "tenant": "acme", "currency": "EUR", "owner": "ann"}


def check(port: int) -> None:
    """The answer each server gives must be the app's, CORS header included."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{PATH}", headers=HEADERS)
    with urllib.request.urlopen(request, timeout=10) as r:
        body = json.loads(r.read())
        origin = r.headers.get("access-control-allow-origin")
    if body != WANT or origin != HEADERS["Origin"]:
        raise SystemExit(f"port {port}: answered {body!r} with CORS origin {origin!r}")


def wrk_with_headers(url: str, seconds: int, connections: int) -> tuple[float, float, float]:
    argv = ["taskset", "-c", loadgen.CLIENT_CORE, "wrk", "-t1", f"-c{connections}",
            f"-d{seconds}s", "--latency"]
    for name, value in HEADERS.items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout
    return loadgen.parse_wrk(out, url)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    workspace, venv_python, _ = loadgen.workspace_paths()
    here = os.path.dirname(os.path.abspath(__file__))

    def ours() -> loadgen.Server:
        return loadgen.data_bridge_server("benchmarks.depends_app:app")

    def fastapi() -> loadgen.Server:
        server = loadgen.uvicorn_server("fastapi+uvicorn", venv_python, "depends_app:app", here)
        server.env = dict(os.environ, DEPENDS_APP_FRAMEWORK="fastapi")
        return server

    scenarios = {"Depends x2 + Security + CORS": PATH}
    results = []
    for round_no in range(args.rounds):
        order = [ours, fastapi] if round_no % 2 == 0 else [fastapi, ours]
        for make in order:
            server = make()
            print(f"round {round_no + 1}/{args.rounds}: {server.name}", file=sys.stderr)
            results += loadgen.measure(server, scenarios, args.seconds, args.connections,
                                       tool=wrk_with_headers, check=check)
    summary = loadgen.best_of(results)
    text = (
        f"# Depends, Security and CORS benchmark ({datetime.date.today().isoformat()})\n\n"
        f"Machine: {loadgen.machine()}. Same app on both (benchmarks/depends_app.py): "
        f"GET {PATH} with a bearer token and an allowed Origin, through a two-level Depends "
        f"chain, a Security dependency with scopes and CORSMiddleware. Server pinned to "
        f"core {loadgen.SERVER_CORE}, wrk (1 thread, {args.connections} connections, "
        f"{args.seconds}s per run, 2s warm-up) to core {loadgen.CLIENT_CORE}; {args.rounds} "
        f"alternating rounds, median shown. data-bridge: 1 I/O thread; FastAPI+uvicorn: 1 "
        f"worker, uvloop, httptools.\n\n"
        + loadgen.table(summary, "data-bridge", ["fastapi+uvicorn"], list(scenarios)) + "\n")
    print(text)
    out_dir = os.path.join(workspace, "benchmarks", "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "depends.md"), "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
