"""The app tests/integration/upload_test serves: uploads read in pieces, a large file to
download, and the server's own memory figures."""

from __future__ import annotations

import hashlib
import os
import tempfile
from typing import Any

from data_bridge import App, File, Form, UploadFile
from data_bridge.responses import FileResponse

app = App(title="Uploads")


@app.post("/upload")
async def upload(file: UploadFile, note: str = Form(""),
                 extra: bytes = File(b"")) -> dict[str, Any]:
    digest = hashlib.sha256()
    size = 0
    while chunk := await file.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    return {"name": file.filename, "size": size, "sha256": digest.hexdigest(), "note": note,
            "extra": len(extra), "spooled": getattr(file.file, "_rolled", None)}


@app.post("/json")
async def json_body(payload: dict[str, Any]) -> dict[str, int]:
    return {"keys": len(payload)}


@app.get("/memory")
def memory() -> dict[str, int]:
    """This process's peak and current resident memory, in KiB (/proc/self/status)."""
    with open("/proc/self/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return {k: int(fields[k].split()[0]) for k in ("VmHWM", "VmRSS")}


@app.get("/download")
def download(size: int) -> Any:
    """A file of `size` bytes (made once), sent by FileResponse."""
    path = os.path.join(tempfile.gettempdir(), f"data-bridge-download-{size}.bin")
    if not os.path.exists(path):
        with open(path + ".tmp", "wb") as f:
            block = bytes(range(251)) * 4177
            for _ in range(size // len(block)):
                f.write(block)
            f.write(block[: size % len(block)])
        os.replace(path + ".tmp", path)
    return FileResponse(path, filename="download.bin")
