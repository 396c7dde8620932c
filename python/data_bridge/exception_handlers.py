"""FastAPI's default exception handlers (`fastapi.exception_handlers`), for apps that
override one and still call the default from theirs:

    @app.exception_handler(HTTPException)
    async def logged(request, exc):
        log(exc)
        return await http_exception_handler(request, exc)

How the app picks a handler for an exception a handler raised: data_bridge.errors.
"""

from __future__ import annotations

from typing import Any

from .encoders import jsonable_encoder
from .exceptions import HTTPException, RequestValidationError
from .responses import JSONResponse, Response
from .utils import is_body_allowed_for_status_code

__all__ = ["http_exception_handler", "request_validation_exception_handler"]


async def http_exception_handler(request: Any, exc: HTTPException) -> Response:
    headers = getattr(exc, "headers", None)
    if not is_body_allowed_for_status_code(exc.status_code):
        return Response(status_code=exc.status_code, headers=headers)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)


async def request_validation_exception_handler(request: Any,
                                               exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
