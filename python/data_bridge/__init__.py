"""data-bridge: Python handlers served by a native HTTP runtime.

    from data_bridge import App, Query

    app = App(title="Users", version="1.0.0")

    @app.get("/users/{user_id}")
    async def get_user(user_id: int, verbose: Annotated[bool, Query()] = False):
        return {"id": user_id}

    app.run(port=8000)

The names below load their modules (and the native extension) on first use, as pydantic's
do: the code generator imports the IR, type specs and OpenAPI emission from this package
without the runtime.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .applications import App, FastAPI
    from .background import BackgroundTasks
    from .decoding import decoder
    from .exceptions import HTTPException, RequestValidationError
    from .params import (Body, Cookie, Depends, Field, File, Form, Header, Path, Query,
                         Security)
    from .datastructures import Headers, QueryParams, UploadFile
    from .requests import Request
    from .responses import (HTMLResponse, JSONResponse, PlainTextResponse, Response,
                            StreamingResponse)
    from .routing import APIRoute, APIRouter, Router
    from . import status

_MODULE_OF = {
    "APIRoute": "routing",
    "APIRouter": "routing",
    "App": "applications",
    "BackgroundTasks": "background",
    "FastAPI": "applications",
    "Body": "params",
    "Cookie": "params",
    "Depends": "params",
    "Security": "params",
    "Field": "params",
    "File": "params",
    "Form": "params",
    "UploadFile": "datastructures",
    "HTMLResponse": "responses",
    "HTTPException": "exceptions",
    "Header": "params",
    "Headers": "datastructures",
    "JSONResponse": "responses",
    "Path": "params",
    "PlainTextResponse": "responses",
    "StreamingResponse": "responses",
    "Query": "params",
    "QueryParams": "datastructures",
    "Request": "requests",
    "RequestValidationError": "exceptions",
    "Response": "responses",
    "Router": "routing",
    "decoder": "decoding",
}

__all__ = [
    "APIRoute",
    "APIRouter",
    "App",
    "BackgroundTasks",
    "Body",
    "Cookie",
    "Depends",
    "FastAPI",
    "Field",
    "File",
    "Form",
    "HTMLResponse",
    "HTTPException",
    "Header",
    "Headers",
    "JSONResponse",
    "Path",
    "PlainTextResponse",
    "Query",
    "QueryParams",
    "Request",
    "Security",
    "RequestValidationError",
    "Response",
    "Router",
    "StreamingResponse",
    "UploadFile",
    "decoder",
    "status",
]
# Modules reachable as attributes, as `fastapi.status` is.
_SUBMODULES = {"status"}
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    elif module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    else:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
