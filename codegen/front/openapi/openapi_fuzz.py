"""Fuzz target: the OpenAPI front end (document loading and lowering to the IR) on any
bytes. Each input either lowers or is refused with a SpecError naming a file and a real
line; nothing else escapes (no KeyError, TypeError, RecursionError, ...).

    ./bazelw run //tests/fuzz:run -- //codegen/front/openapi:openapi_fuzz   # atheris
    ./bazelw test //codegen/front/openapi:openapi_fuzz                      # replays the corpus

Coverage-guided with atheris (libFuzzer for Python, from PyPI into .tools/fuzz-venv by
tools/setup.sh fuzz) when run with DATA_BRIDGE_FUZZ=1, as tests/fuzz/run.sh does; otherwise
it runs every file of the corpus folders given as arguments once.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

_FUZZING = os.environ.get("DATA_BRIDGE_FUZZ") == "1"

if _FUZZING:
    import atheris

    with atheris.instrument_imports(include=["codegen", "yaml"]):
        from codegen.front.openapi.document import SpecError, loads
        from codegen.front.openapi.lower import lower
else:
    from codegen.front.openapi.document import SpecError, loads
    from codegen.front.openapi.lower import lower

_LOCATED = re.compile(r"^[^:\n]+:[1-9]\d*: .+")  # a real line, not the ":0:" fallback


def check_one(text: str) -> None:
    try:
        lower(loads(text, "fuzz.yaml"))
    except SpecError as e:
        assert _LOCATED.match(str(e)), str(e)


def test_one_input(data: bytes) -> None:
    check_one(data.decode("utf-8", "replace"))


def _replay(paths: list[str]) -> int:
    files = []
    for path in paths:
        if os.path.isdir(path):
            files += [os.path.join(path, n) for n in sorted(os.listdir(path))]
        else:
            files.append(path)
    for name in files:
        with open(name, "rb") as f:
            data = f.read()
        try:
            test_one_input(data)
        except BaseException:
            print(f"openapi_fuzz: {name} fails", file=sys.stderr)
            raise
    print(f"replay: {len(files)} inputs, no crash", file=sys.stderr)
    return 0 if files else 2


def main(argv: list[str]) -> Any:
    if _FUZZING:
        sys.setrecursionlimit(2000)
        atheris.Setup(argv, test_one_input)
        atheris.Fuzz()
    return _replay([a for a in argv[1:] if not a.startswith("-")])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
