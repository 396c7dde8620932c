"""_schema's reading of handler signatures: the code-object fast path gives what
inspect.signature gives, and everything it cannot read goes through signature()."""


import functools
import inspect
from typing import Any

import pytest

from data_bridge._schema import _parameters


def plain(a, b=1, *, c, d=2):  # type: ignore[no-untyped-def]
    pass


async def coroutine(a: int, /, b: str = "x", *, c: float = 1.0) -> None:
    pass


def no_parameters() -> None:
    pass


def decorated_target(x: int, y: int = 3) -> int:
    return x + y


@functools.wraps(decorated_target)
def decorated(*args: Any, **kwargs: Any) -> int:
    return decorated_target(*args, **kwargs)


class Handlers:
    def method(self, q: str, limit: int = 10) -> None:
        pass

    def __call__(self, item_id: int) -> None:
        pass


def expected(fn: Any) -> list[tuple[str, Any]]:
    return [(n, p.default) for n, p in inspect.signature(fn).parameters.items()]


@pytest.mark.parametrize("fn", [
    plain, coroutine, no_parameters, decorated, Handlers().method, Handlers(),
    functools.partial(plain, 5), lambda x, y=None: None,
])
def test_parameters_match_inspect_signature(fn: Any) -> None:
    assert _parameters(fn) == expected(fn)


@pytest.mark.parametrize("fn", [lambda *a: None, lambda **k: None, lambda x, *a, y: None])
def test_star_parameters_are_refused(fn: Any) -> None:
    with pytest.raises(TypeError, match=r"\*args/\*\*kwargs"):
        _parameters(fn)

