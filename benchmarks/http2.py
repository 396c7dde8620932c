"""./bazelw run //benchmarks:http2 -- [--seconds 10] [--rounds 3]

HTTP/2 (cleartext, prior knowledge) plaintext and JSON: data-bridge (examples/hello,
1 thread) against Granian (HTTP/2, ASGI, 1 worker, 1 runtime thread) serving the same
handlers as a plain ASGI app; load from h2load (16 connections x 32 streams). Our HTTP/1.1
figures (wrk, 64 connections) from the same run stand beside them. --baseline RUNFILES adds
another build of data-bridge over HTTP/2 as a peer (the runfiles folder of
//benchmarks:http2 built in another checkout); its table goes to http2-ab.md. Prints a markdown table
and writes it to benchmarks/results/http2.md.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import sys

from benchmarks import loadgen

SCENARIOS = {"plaintext": "/plaintext", "json": "/json"}
OURS_H2, GRANIAN, OURS_H1 = "data-bridge h2", "granian h2 (asgi)", "data-bridge http/1.1"
BASELINE_H2 = "data-bridge h2 (baseline)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--streams", type=int, default=32)
    parser.add_argument("--baseline", help="runfiles of //benchmarks:http2 from another build")
    args = parser.parse_args()

    workspace, venv_python, peers = loadgen.workspace_paths()
    venv_bin = os.path.dirname(venv_python)
    h2load = functools.partial(loadgen.h2load, streams=args.streams)

    def ours() -> loadgen.Server:
        return loadgen.data_bridge_server("examples.hello.app:app")

    def granian() -> loadgen.Server:
        port = loadgen.free_port()
        return loadgen.Server(
            GRANIAN,
            [os.path.join(venv_bin, "granian"), "--interface", "asgi", "--http", "2",
             "--workers", "1", "--runtime-threads", "1", "--loop", "uvloop", "--no-ws",
             "--host", "127.0.0.1", "--port", str(port), "--working-dir", peers,
             "asgi_hello:app"],
            port)

    results = []
    for round_no in range(args.rounds):
        runs = [
            lambda: loadgen.measure(ours(), SCENARIOS, args.seconds, args.connections,
                                    tool=h2load, label=OURS_H2),
            lambda: loadgen.measure(granian(), SCENARIOS, args.seconds, args.connections,
                                    tool=h2load),
            lambda: loadgen.measure(ours(), SCENARIOS, args.seconds, 64, label=OURS_H1),
        ]
        if args.baseline:
            runs.append(lambda: loadgen.measure(
                loadgen.data_bridge_server("examples.hello.app:app", runfiles=args.baseline),
                SCENARIOS, args.seconds, args.connections, tool=h2load, label=BASELINE_H2))
        if round_no % 2:
            runs.reverse()
        for run in runs:
            results += run()
        print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)

    summary = loadgen.best_of(results)
    text = (
        f"# HTTP/2 benchmark ({datetime.date.today().isoformat()})\n\n"
        f"Machine: {loadgen.machine()}. Server pinned to core {loadgen.SERVER_CORE}, load "
        f"generator to core {loadgen.CLIENT_CORE}. HTTP/2: h2load, 1 thread, "
        f"{args.connections} connections x {args.streams} streams, cleartext prior knowledge; "
        f"HTTP/1.1: wrk, 1 thread, 64 connections. {args.seconds}s per run after a 2s warm-up, "
        f"{args.rounds} alternating rounds, median shown. data-bridge: 1 I/O thread; Granian: "
        f"1 worker, 1 runtime thread, uvloop, plain ASGI app.\n\n"
        + loadgen.table(summary, OURS_H2, [GRANIAN] + ([BASELINE_H2] if args.baseline else []),
                        list(SCENARIOS), extra=[OURS_H1])
        + "\n"
    )
    print(text)
    out_dir = os.path.join(workspace, "benchmarks", "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "http2-ab.md" if args.baseline else "http2.md"), "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
