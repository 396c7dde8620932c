"""decoder(T): JSON bytes to validated Python objects of type T, with the validators the
server runs (native, pydantic's error shape), outside any request.

    decode = decoder(Order)
    order = decode.decode(body)   # Order instance, or RequestValidationError
"""

from __future__ import annotations

from typing import Any

from . import _core
from ._runtime_spec import type_runtime_spec
from .exceptions import RequestValidationError


def decoder(tp: Any) -> _core.Decoder:
    spec, models = type_runtime_spec(tp)
    return _core.Decoder(spec, models, RequestValidationError)
