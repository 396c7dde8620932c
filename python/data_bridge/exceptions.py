"""Exceptions a handler raises to choose its error response."""

from __future__ import annotations

import http
from typing import Any, Mapping, Sequence


class HTTPException(Exception):
    """Answer with `status_code` and the JSON body {"detail": detail}.

    raise HTTPException(404, "no such user", headers={"X-Reason": "gone"})
    """

    def __init__(
        self,
        status_code: int,
        detail: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if detail is None:
            try:
                detail = http.HTTPStatus(status_code).phrase
            except ValueError:
                detail = ""
        super().__init__(status_code, detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = dict(headers) if headers else None

    def __repr__(self) -> str:
        return f"HTTPException(status_code={self.status_code!r}, detail={self.detail!r})"


class RequestValidationError(Exception):
    """Answer 422 with {"detail": errors}, in FastAPI's shape.

    raise RequestValidationError([{"type": "value_error", "loc": ["body", "end"],
                                   "msg": "end before start", "input": None}])
    """

    def __init__(self, errors: Sequence[Any]) -> None:
        super().__init__(errors)
        self._errors = list(errors)

    def errors(self) -> list[Any]:
        return self._errors
