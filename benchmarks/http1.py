"""./bazelw run //benchmarks:http1 -- [--seconds 10] [--rounds 3] [--connections 64]
                                      [--baseline RUNFILES]

HTTP/1.1 plaintext, JSON and path parameters: data-bridge (examples/hello, 1 thread)
against FastAPI + uvicorn (uvloop, httptools, 1 worker) serving the same handlers.
--baseline adds another build of data-bridge as a peer (the runfiles folder of
//benchmarks:http1 built in another checkout, e.g. main before a change).
Prints a markdown table and writes it under benchmarks/results/ (http1-ab.md for an A/B).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys

from benchmarks import loadgen

SCENARIOS = {"plaintext": "/plaintext", "json": "/json", "path params": "/users/42"}
BASELINE = "data-bridge (baseline)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="data-bridge I/O threads")
    parser.add_argument("--baseline", help="runfiles of //benchmarks:http1 from another build")
    args = parser.parse_args()

    workspace, venv_python, peers = loadgen.workspace_paths()

    def ours() -> loadgen.Server:
        return loadgen.data_bridge_server("examples.hello.app:app", args.threads)

    def fastapi() -> loadgen.Server:
        return loadgen.uvicorn_server("fastapi+uvicorn", venv_python, "fastapi_hello:app", peers)

    def baseline() -> loadgen.Server:
        return loadgen.data_bridge_server("examples.hello.app:app", args.threads, BASELINE,
                                          args.baseline)

    servers = [ours, fastapi] + ([baseline] if args.baseline else [])
    peer_names = ["fastapi+uvicorn"] + ([BASELINE] if args.baseline else [])
    results = []
    for round_no in range(args.rounds):
        # Alternate which server goes first each round.
        order = servers if round_no % 2 == 0 else servers[::-1]
        for make in order:
            server = make()
            print(f"round {round_no + 1}/{args.rounds}: {server.name}", file=sys.stderr)
            results += loadgen.measure(server, SCENARIOS, args.seconds, args.connections)

    summary = loadgen.best_of(results)
    text = (
        f"# HTTP/1.1 benchmark ({datetime.date.today().isoformat()})\n\n"
        f"Machine: {loadgen.machine()}. Server pinned to core {loadgen.SERVER_CORE}, wrk "
        f"(1 thread, {args.connections} connections, {args.seconds}s per run, 2s warm-up) "
        f"to core {loadgen.CLIENT_CORE}; {args.rounds} alternating rounds, median shown. "
        f"data-bridge: {args.threads} I/O thread(s); FastAPI+uvicorn: 1 worker, uvloop, "
        f"httptools.\n\n"
        + loadgen.table(summary, "data-bridge", peer_names, list(SCENARIOS))
        + "\n"
    )
    print(text)
    out_dir = os.path.join(workspace, "benchmarks", "results")
    os.makedirs(out_dir, exist_ok=True)
    name = "http1.md" if args.threads == 1 else f"http1-threads{args.threads}.md"
    if args.baseline:
        name = name.replace(".md", "-ab.md")
    with open(os.path.join(out_dir, name), "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
