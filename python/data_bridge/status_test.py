"""data_bridge.status: every registered code by its number, the old names deprecated; the
same names, values and warnings as starlette.status (the compat environment's)."""

from __future__ import annotations

import http
import re
import warnings

import pytest
import starlette.status

import data_bridge
from data_bridge import status


def test_reachable_as_the_package_attribute() -> None:
    assert data_bridge.status is status  # as fastapi.status


def test_each_name_carries_its_number() -> None:
    for name in status.__all__:
        m = re.fullmatch(r"(HTTP|WS)_(\d{3,4})_[A-Z_]+", name)
        assert m, name
        assert getattr(status, name) == int(m.group(2)), name


def test_every_standard_http_status_has_a_name() -> None:
    ours = {getattr(status, n) for n in status.__all__ if n.startswith("HTTP_")}
    assert {s.value for s in http.HTTPStatus} <= ours
    assert status.HTTP_422_UNPROCESSABLE_CONTENT == 422
    assert status.WS_1008_POLICY_VIOLATION == 1008


def test_old_names_resolve_with_a_deprecation_warning() -> None:
    with pytest.warns(UserWarning, match="HTTP_422_UNPROCESSABLE_CONTENT"):
        assert status.HTTP_422_UNPROCESSABLE_ENTITY == 422
    with pytest.warns(UserWarning, match="HTTP_413_CONTENT_TOO_LARGE"):
        assert status.HTTP_413_REQUEST_ENTITY_TOO_LARGE == 413
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert status.HTTP_200_OK == 200  # current names never warn
    with pytest.raises(AttributeError):
        status.HTTP_999_NOPE  # noqa: B018



def test_same_as_starlettes() -> None:
    def names(module: object) -> dict[str, int]:
        return {n: getattr(module, n) for n in dir(module) if n.startswith(("HTTP_", "WS_"))}
    assert names(status) == names(starlette.status)
    for old in ("HTTP_413_REQUEST_ENTITY_TOO_LARGE", "HTTP_414_REQUEST_URI_TOO_LONG",
                "HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE", "HTTP_422_UNPROCESSABLE_ENTITY"):
        with pytest.warns(UserWarning) as ours:
            getattr(status, old)
        with pytest.warns(UserWarning) as theirs:
            getattr(starlette.status, old)
        assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
