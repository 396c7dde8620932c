"""data-bridge: Python handlers served by a native HTTP runtime.

    from data_bridge import App, Query

    app = App(title="Users", version="1.0.0")

    @app.get("/users/{user_id}")
    async def get_user(user_id: int, verbose: Annotated[bool, Query()] = False):
        return {"id": user_id}

    app.run(port=8000)
"""

from .applications import App
from .decoding import decoder
from .exceptions import HTTPException, RequestValidationError
from .params import Body, Cookie, Field, Header, Path, Query
from .requests import Headers, QueryParams, Request
from .responses import (HTMLResponse, JSONResponse, PlainTextResponse, Response,
                        StreamingResponse)
from .routing import APIRoute, Router

__all__ = [
    "APIRoute",
    "App",
    "Body",
    "Cookie",
    "Field",
    "HTMLResponse",
    "HTTPException",
    "Header",
    "Headers",
    "JSONResponse",
    "Path",
    "PlainTextResponse",
    "StreamingResponse",
    "Query",
    "QueryParams",
    "Request",
    "RequestValidationError",
    "Response",
    "Router",
    "decoder",
]
__version__ = "0.1.0"
