"""./bazelw run //benchmarks:startup -- [--routes 2000] [--rounds 3]

Start-up of an app with N typed routes: data-bridge (python -m data_bridge serve) against
FastAPI under uvicorn (uvloop, httptools, 1 worker), the same routes in each: path, query,
header and body parameters with constraints, dataclass bodies for us and pydantic v2 models
for FastAPI, a few models shared by many routes, as real apps have. Each server is started
as a fresh process pinned to one core; the figures are the wall time from exec to the first
200 answer on a route, then to the first 200 on /openapi.json (FastAPI builds its document
on that first request; we build it at start-up), and the server's resident memory then.
Rounds alternate; the median of each is reported. Writes benchmarks/results/startup.md.
Both servers start as installed code does: with Python's bytecode cache (a
PYTHONDONTWRITEBYTECODE in the environment is dropped for them), after one start of each
that is not counted and writes it (pip compiles an installed package's; this one's
runfiles and the generated apps have none until then).
"""

from __future__ import annotations

import argparse
import datetime
import os
import socket
import statistics
import sys
import tempfile
import time

from benchmarks import loadgen

_MODELS = '''
@dataclass
class Address:
    street: Annotated[str, Field(min_length=1, max_length=100)]
    city: str
    postcode: Annotated[str, Field(pattern=r"^[0-9]{4,5}$")]


@dataclass
class Order:
    sku: Annotated[str, Field(min_length=3)]
    quantity: Annotated[int, Field(ge=1, le=1000)]
    address: Address
    notes: Optional[str] = None
'''

_FASTAPI_MODELS = '''
class Address(BaseModel):
    street: Annotated[str, Field(min_length=1, max_length=100)]
    city: str
    postcode: Annotated[str, Field(pattern=r"^[0-9]{4,5}$")]


class Order(BaseModel):
    sku: Annotated[str, Field(min_length=3)]
    quantity: Annotated[int, Field(ge=1, le=1000)]
    address: Address
    notes: Optional[str] = None
'''

_ROUTES = '''
@app.get("/r{i}/items/{{item_id}}")
async def items_{i}(item_id: int, q: Optional[str] = None,
                    limit: Annotated[int, Query(ge=1, le=100)] = 10) -> dict:
    return {{"item_id": item_id, "q": q, "limit": limit}}


@app.post("/r{i}/orders", status_code=201)
async def orders_{i}(order: Order) -> dict:
    return {{"sku": order.sku}}


@app.get("/r{i}/users/{{user_id}}")
async def users_{i}(user_id: uuid.UUID, verbose: bool = False) -> dict:
    return {{"user_id": str(user_id)}}


@app.put("/r{i}/things/{{name}}")
async def things_{i}(name: Annotated[str, Path(max_length=20)], order: Order,
                     x_token: Annotated[Optional[str], Header()] = None) -> dict:
    return {{"name": name}}
'''


def write_apps(directory: str, routes: int) -> None:
    """startup_ours.py and startup_fastapi.py, `routes` routes each (four shapes)."""
    groups = "".join(_ROUTES.format(i=i) for i in range(routes // 4))
    ours = ("import uuid\nfrom dataclasses import dataclass\nfrom typing import Annotated, "
            "Optional\n\nfrom data_bridge import App, Field, Header, Path, Query\n"
            + _MODELS + "\napp = App(title='startup')\n" + groups)
    theirs = ("import uuid\nfrom typing import Annotated, Optional\n\n"
              "from fastapi import FastAPI, Header, Path, Query\n"
              "from pydantic import BaseModel, Field\n"
              + _FASTAPI_MODELS + "\napp = FastAPI(title='startup')\n" + groups)
    for name, text in (("startup_ours.py", ours), ("startup_fastapi.py", theirs)):
        with open(os.path.join(directory, name), "w") as f:
            f.write(text)


def first_ok(port: int, path: str, deadline: float) -> bool:
    """Polls until `GET path` answers 200 (True) or the deadline passes."""
    request = f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(request)
                head = s.recv(64)
                if head.startswith(b"HTTP/1.1 200"):
                    while s.recv(65536):
                        pass
                    return True
        except OSError:
            pass
        time.sleep(0.005)
    return False


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def one_start(server: loadgen.Server) -> tuple[float, float, float]:
    """(seconds to the first route answer, to the first /openapi.json, MB resident)."""
    start = time.monotonic()
    with server:
        assert server.proc is not None
        if not first_ok(server.port, "/r0/items/1", start + 120):
            raise RuntimeError(f"{server.name} did not answer:\n{server.log_tail()}")
        route = time.monotonic() - start
        if not first_ok(server.port, "/openapi.json", start + 120):
            raise RuntimeError(f"{server.name}: no /openapi.json:\n{server.log_tail()}")
        document = time.monotonic() - start
        return route, document, rss_mb(server.proc.pid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="startup")
    parser.add_argument("--routes", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    workspace, venv_python, _ = loadgen.workspace_paths()
    results: dict[str, list[tuple[float, float, float]]] = {"data-bridge": [], "FastAPI": []}
    with tempfile.TemporaryDirectory() as d:
        write_apps(d, args.routes)

        def servers() -> tuple[loadgen.Server, loadgen.Server]:
            ours = loadgen.data_bridge_server("startup_ours:app")
            theirs = loadgen.uvicorn_server("FastAPI", venv_python, "startup_fastapi:app", d)
            for server in (ours, theirs):
                env = dict(server.env or os.environ)
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                server.env = env
            assert ours.env is not None
            ours.env["PYTHONPATH"] = d + os.pathsep + ours.env.get("PYTHONPATH", "")
            return ours, theirs

        for server in servers():  # writes the bytecode caches
            one_start(server)
        for _ in range(args.rounds):
            ours, theirs = servers()
            results["data-bridge"].append(one_start(ours))
            results["FastAPI"].append(one_start(theirs))
    med = {name: tuple(statistics.median(r[k] for r in runs) for k in range(3))
           for name, runs in results.items()}
    ours, theirs = med["data-bridge"], med["FastAPI"]
    lines = [
        f"# Start-up, {args.routes} typed routes ({datetime.date.today()}, {loadgen.machine()})",
        "",
        f"Median of {args.rounds} alternating fresh starts, each server pinned to one core. "
        "`./bazelw run //benchmarks:startup`.",
        "",
        "| server | first route answer (s) | first /openapi.json (s) | resident (MB) |",
        "|---|---:|---:|---:|",
        *(f"| {n} | {m[0]:.2f} | {m[1]:.2f} | {m[2]:.0f} |" for n, m in med.items()),
        f"| ratio (data-bridge / FastAPI) | {ours[0] / theirs[0]:.2f}x | "
        f"{ours[1] / theirs[1]:.2f}x | {ours[2] / theirs[2]:.2f}x |",
        "",
        "Every round: " + "; ".join(
            f"{n}: " + ", ".join(f"{r[0]:.2f}/{r[1]:.2f} s {r[2]:.0f} MB" for r in runs)
            for n, runs in results.items()),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = os.path.join(workspace, "benchmarks", "results", "startup.md")
    with open(out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
