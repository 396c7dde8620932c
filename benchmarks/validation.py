"""./bazelw run //benchmarks:validation -- [--seconds 10] [--rounds 3]

1. HTTP: POST /orders with a validated ~1 KB JSON body (nested customer, 10 line items,
   enums, patterns) and GET /orders with 5 typed query parameters: data-bridge serving
   examples/orders from its spec (1 thread) against FastAPI + pydantic v2 models of the same
   constraints (uvicorn, uvloop, httptools, 1 worker). wrk, pinned cores, alternating rounds.
   And the FastAPI app itself moved over by changing its imports (peers/ported_orders.py:
   its pydantic models lowered and validated natively), served by data-bridge under the
   compatibility environment's Python (pydantic v2), against the same FastAPI app.
2. In-process: decode + validate the same body into Python objects, data_bridge.decoder
   (the generated Order with its compiled validators; the decorator twin with the runtime's
   type-spec validators) against msgspec.json.Decoder(Struct) (and pydantic's
   model_validate_json for reference), each pinned to the same core.
Prints markdown tables and writes them to benchmarks/results/validation.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

from benchmarks import loadgen

ORDER = {
    "customer": {"name": "Ann Example", "email": "ann@example.com", "tier": "gold"},
    "items": [{"sku": f"ABC-{1000 + i}", "quantity": i + 1, "unit_price": 9.5 + i,
               "currency": "EUR", "gift": i % 3 == 0} for i in range(10)],
    "shipping": {"street": "1 Main Street", "city": "Oslo", "postcode": "0150",
                 "country": "NO"},
    "notes": "Leave at the door, please. " * 4,
    "priority": 3,
}
QUERY = "/orders?status=shipped&min_total=12.5&limit=50&offset=10&customer=Ann"


def post_script(body: bytes, directory: str) -> str:
    path = os.path.join(directory, "post.lua")
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                f"wrk.body = {json.dumps(body.decode())}\n")
    return path


def ours_decode_ns(payload: str, seconds: float) -> dict[str, float]:
    """ns per decode of the payload: the generated Order (compiled validators) and the
    decorator twin (the runtime's type-spec validators)."""
    from data_bridge import decoder
    from examples.orders import handlers, orders_api

    compiled, interpreted = decoder(orders_api.Order), decoder(handlers.Order)
    assert compiled.compiled and not interpreted.compiled
    with open(payload, "rb") as f:
        data = f.read()
    out = {}
    for name, d in (("data-bridge, compiled (generated Order)", compiled),
                    ("data-bridge, type specs (decorator Order)", interpreted)):
        decode = d.decode
        decode(data)
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(1000):
                decode(data)
            n += 1000
        out[name] = (time.perf_counter() - start) / n * 1e9
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--decode-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--payload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.decode_only:  # child process, pinned by the parent
        print(json.dumps(ours_decode_ns(args.payload, args.seconds)))
        return 0

    workspace, venv_python, peers = loadgen.workspace_paths()
    pythonpath = os.pathsep.join(p for p in sys.path if p)
    body = json.dumps(ORDER, separators=(",", ":")).encode()
    tmp = tempfile.mkdtemp()
    payload = os.path.join(tmp, "order.json")
    with open(payload, "wb") as f:
        f.write(body)
    script = post_script(body, tmp)

    def wrk_post(url: str, seconds: int, connections: int):
        out = subprocess.run(
            ["taskset", "-c", loadgen.CLIENT_CORE, "wrk", "-t1", f"-c{connections}",
             f"-d{seconds}s", "--latency", "-s", script, url],
            capture_output=True, text=True, check=True).stdout
        return loadgen.parse_wrk(out, url)

    def ours() -> loadgen.Server:
        return loadgen.data_bridge_server("examples.orders.app:app")

    ported_name = "POST /orders (FastAPI app ported, pydantic models)"

    def ported() -> loadgen.Server:
        return loadgen.data_bridge_server(
            "ported_orders:app", app_dir=peers,
            python=os.path.join(workspace, ".tools", "compat-venv", "bin", "python"))

    def fastapi() -> loadgen.Server:
        return loadgen.uvicorn_server("fastapi+pydantic", venv_python, "fastapi_orders:app",
                                      peers)

    http, decode = [], []
    for round_no in range(args.rounds):
        order = [ours, fastapi] if round_no % 2 == 0 else [fastapi, ours]
        for make in order:
            http += loadgen.measure(make(), {"POST /orders (1 KB body)": "/orders"},
                                    args.seconds, args.connections, tool=wrk_post)
            if make is ours:
                http += loadgen.measure(ported(), {ported_name: "/orders"}, args.seconds,
                                        args.connections, tool=wrk_post)
            else:
                http += loadgen.measure(make(), {ported_name: "/orders"}, args.seconds,
                                        args.connections, tool=wrk_post)
            http += loadgen.measure(make(), {"GET /orders (5 query params)": QUERY},
                                    args.seconds, args.connections)
        mine = subprocess.run(
            ["taskset", "-c", loadgen.SERVER_CORE, sys.executable, sys.argv[0], "--decode-only",
             "--payload", payload, "--seconds", str(min(args.seconds, 5))],
            capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=pythonpath))
        theirs = subprocess.run(
            ["taskset", "-c", loadgen.SERVER_CORE, venv_python,
             os.path.join(peers, "msgspec_orders.py"), payload, str(min(args.seconds, 5))],
            capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=peers))
        ns = json.loads(mine.stdout.splitlines()[-1])
        for line in theirs.stdout.splitlines():
            name, value = line.split()
            ns[name] = float(value)
        decode.append(ns)
        print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)

    summary = loadgen.best_of(http)
    scenarios = ["POST /orders (1 KB body)", ported_name, "GET /orders (5 query params)"]
    med = {k: loadgen.median([d[k] for d in decode]) for k in decode[0]}
    rows = ["| decoder | ns per decode+validate | ratio (msgspec time / this) |", "|---|---:|---:|"]
    for name in med:
        rows.append(f"| {name} | {med[name]:,.0f} | {med['msgspec'] / med[name]:.2f}x |")
    text = (
        f"# Validation benchmark ({datetime.date.today().isoformat()})\n\n"
        f"Machine: {loadgen.machine()}. Body: {len(body)} bytes (nested customer, 10 line "
        f"items, enums, patterns). HTTP: server pinned to core {loadgen.SERVER_CORE}, wrk "
        f"(1 thread, {args.connections} connections, {args.seconds}s after a 2s warm-up) to "
        f"core {loadgen.CLIENT_CORE}, {args.rounds} alternating rounds, median shown. "
        f"data-bridge serves examples/orders from orders.yaml (1 thread); the peer is FastAPI "
        f"with pydantic v2 models of the same constraints (uvicorn, uvloop, httptools, "
        f"1 worker). The ported row serves that FastAPI app itself with its imports changed "
        f"(peers/ported_orders.py), on the compatibility environment's Python.\n\n"
        + loadgen.table(summary, "data-bridge", ["fastapi+pydantic"], scenarios)
        + f"\n\nIn-process decode + validate into Python objects of the same body, pinned to "
        f"core {loadgen.SERVER_CORE}, median of {args.rounds} runs (data-bridge on "
        f"/usr/bin/python3 {sys.version.split()[0]}; msgspec and pydantic in .venv-bench):\n\n"
        + "\n".join(rows) + "\n"
    )
    print(text)
    out_dir = os.path.join(workspace, "benchmarks", "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "validation.md"), "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
