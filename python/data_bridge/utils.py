"""FastAPI's fastapi.utils helpers that apps use: the default operation id of a route.

    app = FastAPI(generate_unique_id_function=lambda route: f"{route.tags[0]}-{route.name}")
"""

from __future__ import annotations

import re
from typing import Any

from data_bridge.openapi.utils import documented_path

__all__ = ["generate_unique_id", "is_body_allowed_for_status_code"]


def generate_unique_id(route: Any) -> str:
    """FastAPI's default: the route's name, its path with every non-word character an
    underscore, and its (first) method, lower-case: `read_item_items__item_id__get`."""
    operation_id = re.sub(r"\W", "_", f"{route.name}{documented_path(route.path)}")
    return f"{operation_id}_{list(route.methods)[0].lower()}"


def is_body_allowed_for_status_code(status_code: int | str | None) -> bool:
    """Whether a response of this status may have a body (RFC 9110 §15: not 1xx, 204, 205
    or 304); a range ("2XX") or "default" may."""
    if status_code is None:
        return True
    if status_code in {"default", "1XX", "2XX", "3XX", "4XX", "5XX"}:
        return True
    current = int(status_code)
    return not (current < 200 or current in {204, 205, 304})
