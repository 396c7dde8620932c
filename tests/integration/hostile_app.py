"""The app tests/integration/hostile_http1_test serves beside examples/hello: what the
server saw of Host, and handlers answering with statuses no response may carry."""

from __future__ import annotations

from data_bridge import App, Request, Response

app = App(title="Hostile")


@app.get("/host")
async def host(request: Request) -> dict[str, str]:
    return {"host": request.headers.get("host", "")}


@app.get("/status/{code}")
async def status(code: int) -> Response:
    return Response(b"", status_code=code)
