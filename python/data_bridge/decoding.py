"""decoder(T): JSON bytes to validated Python objects of type T, with the validators the
server runs (native, pydantic's error shape), outside any request.

    decode = decoder(Order)
    order = decode.decode(body)   # Order instance, or RequestValidationError
"""

from __future__ import annotations

from typing import Any

from . import _core
from ._runtime_spec import compiled_ref, type_runtime_spec
from .exceptions import RequestValidationError
from .generated import compiled_model


def decoder(tp: Any) -> _core.Decoder:
    """A decoder for tp; a model generated from a spec decodes with its compiled validator
    (decoder(T).compiled is True), anything else with the type specs of its hints."""
    found = compiled_model(tp)
    if found is not None:
        native, name, classes = found
        order = sorted(n for n, c in classes.items() if c is not None)
        spec, _ = type_runtime_spec(tp)
        ref = compiled_ref(native, name, {n: i for i, n in enumerate(order)})
        return _core.Decoder(spec, [classes[n] for n in order], RequestValidationError, ref)
    spec, models = type_runtime_spec(tp)
    return _core.Decoder(spec, models, RequestValidationError)
