"""./bazelw run //benchmarks:upload -- [--seconds 10] [--rounds 3] [--connections 4]

A 10 MB multipart/form-data upload (one file part and one field) to the same FastAPI app
(peers/fastapi_upload.py: the file read in 1 MiB pieces) on FastAPI + python-multipart under
uvicorn (uvloop, httptools, 1 worker) and moved over to data-bridge by changing its imports
(peers/ported_upload.py, on the compatibility environment's Python). wrk sends the body,
server and wrk pinned to their own cores, alternating rounds, median shown; beside
requests/s, each server's resident memory when ready and its peak after the run (VmHWM).
Prints a markdown table and writes it to benchmarks/results/upload.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from benchmarks import loadgen

BOUNDARY = "bench-boundary"
FILE_BYTES = 10_000_000
HEAD = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nbench\r\n"
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"upload.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
TAIL = f"\r\n--{BOUNDARY}--\r\n"
SCENARIO = "POST /upload (10 MB multipart file)"


def script(directory: str) -> str:
    path = os.path.join(directory, "upload.lua")
    with open(path, "w") as f:
        f.write(f'wrk.method = "POST"\n'
                f'wrk.headers["Content-Type"] = "multipart/form-data; boundary={BOUNDARY}"\n'
                f"wrk.body = {json.dumps(HEAD)} .. string.rep(\"0123456789abcdef\", "
                f"{FILE_BYTES // 16}) .. {json.dumps(TAIL)}\n")
    return path


def check(port: int) -> None:
    """One upload, answered with the file's whole size (so the rows measure real work)."""
    body = HEAD.encode() + b"0123456789abcdef" * (FILE_BYTES // 16) + TAIL.encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/upload", data=body, method="POST",
        headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"})
    with urllib.request.urlopen(request, timeout=60) as r:
        got = json.loads(r.read())
    if got != {"name": "upload.bin", "size": FILE_BYTES, "note": "bench"}:
        raise RuntimeError(f"unexpected answer: {got}")


def memory_kib(pid: int) -> dict[str, int]:
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM")}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    workspace, venv_python, peers = loadgen.workspace_paths()
    lua = script(tempfile.mkdtemp())

    def wrk_upload(url: str, seconds: int, connections: int):
        out = subprocess.run(
            ["taskset", "-c", loadgen.CLIENT_CORE, "wrk", "-t1", f"-c{connections}",
             f"-d{seconds}s", "--timeout", "30s", "--latency", "-s", lua, url],
            capture_output=True, text=True, check=True).stdout
        return loadgen.parse_wrk(out, url)

    def ours() -> loadgen.Server:
        return loadgen.data_bridge_server(
            "ported_upload:app", app_dir=peers,
            python=os.path.join(workspace, ".tools", "compat-venv", "bin", "python"))

    def fastapi() -> loadgen.Server:
        return loadgen.uvicorn_server("fastapi+python-multipart", venv_python,
                                      "fastapi_upload:app", peers)

    results, memory = [], {}
    for round_no in range(args.rounds):
        for make in ([ours, fastapi] if round_no % 2 == 0 else [fastapi, ours]):
            server = make()
            ready: dict[str, int] = {}

            def checked(port: int, server: loadgen.Server = server,
                        ready: dict[str, int] = ready) -> None:
                assert server.proc is not None
                ready.update(memory_kib(server.proc.pid))
                check(port)

            def after(s: loadgen.Server, ready: dict[str, int] = ready) -> None:
                assert s.proc is not None
                memory.setdefault(s.name, []).append((ready["VmRSS"],
                                                      memory_kib(s.proc.pid)["VmHWM"]))

            results += loadgen.measure(server, {SCENARIO: "/upload"}, args.seconds,
                                       args.connections, tool=wrk_upload, check=checked,
                                       after=after)
        print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr)

    summary = loadgen.best_of(results)
    rows = ["| server | resident when ready (MiB) | peak after the run (MiB) | MB/s uploaded |",
            "|---|---:|---:|---:|"]
    for name in ("data-bridge", "fastapi+python-multipart"):
        ready_kib = loadgen.median([m[0] for m in memory[name]])
        peak_kib = loadgen.median([m[1] for m in memory[name]])
        mbps = summary[(name, SCENARIO)].rps * FILE_BYTES / 1e6
        rows.append(f"| {name} | {ready_kib / 1024:.0f} | {peak_kib / 1024:.0f} | {mbps:,.0f} |")
    text = (
        f"# Upload benchmark ({datetime.date.today().isoformat()})\n\n"
        f"Machine: {loadgen.machine()}. A {FILE_BYTES:,}-byte file part and one field as "
        f"multipart/form-data; server pinned to core {loadgen.SERVER_CORE}, wrk (1 thread, "
        f"{args.connections} connections, {args.seconds}s after a 2s warm-up) to core "
        f"{loadgen.CLIENT_CORE}, {args.rounds} alternating rounds, median shown. The same "
        f"FastAPI app (peers/fastapi_upload.py) on uvicorn (uvloop, httptools, 1 worker) and "
        f"on data-bridge with its imports changed (1 I/O thread).\n\n"
        + loadgen.table(summary, "data-bridge", ["fastapi+python-multipart"], [SCENARIO])
        + "\n\nMemory (median over the rounds):\n\n" + "\n".join(rows) + "\n"
    )
    print(text)
    out_dir = os.path.join(workspace, "benchmarks", "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "upload.md"), "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
