"""decoder(T): JSON bytes to validated Python objects of type T, with the validators the
server runs (native, pydantic's error shape), outside any request.

    decode = decoder(Order)
    order = decode.decode(body)   # Order instance, or RequestValidationError
"""

from __future__ import annotations

from typing import Any

from . import _core
from ._runtime_spec import compiled_rules, type_plan
from .exceptions import RequestValidationError
from .generated import compiled_model


def decoder(tp: Any) -> _core.Decoder:
    """A decoder for tp; a model generated from a spec decodes with its compiled validator
    (decoder(T).compiled is True), anything else with the type specs of its hints."""
    table, root, models = type_plan(tp)
    found = compiled_model(tp)
    if found is not None:
        native, name, classes = found
        order = sorted(n for n, c in classes.items() if c is not None)
        compiled = compiled_rules(native, name, {n: i for i, n in enumerate(order)})
        return _core.Decoder(table, root, [classes[n] for n in order], RequestValidationError,
                             compiled)
    return _core.Decoder(table, root, models, RequestValidationError)
