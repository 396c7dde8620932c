"""C++ back end: deterministic output, checked against golden files; string literals that
survive any input."""

from __future__ import annotations

import os

from codegen.back.cpp.emit import Emitter, cpp_string
from codegen.front.openapi.document import load
from codegen.front.openapi.lower import lower

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "front", "openapi", "testdata", "petstore.yaml")


def generate() -> tuple[str, str]:
    service = lower(load(SPEC, "petstore.yaml"))
    return Emitter(service, "petstore_api").emit("codegen/back/cpp/petstore_api.h")


def test_matches_golden():
    header, source = generate()
    for name, got in (("petstore_api.h.golden", header), ("petstore_api.cc.golden", source)):
        if os.environ.get("UPDATE_GOLDEN"):
            with open(os.path.join(os.environ["BUILD_WORKSPACE_DIRECTORY"], "codegen", "back",
                                   "cpp", "testdata", name), "w") as f:
                f.write(got)
        with open(os.path.join(HERE, "testdata", name)) as f:
            assert got == f.read(), "regenerate: UPDATE_GOLDEN=1 bazel run //codegen/back/cpp:emit_test"
    assert generate() == (header, source)  # deterministic


def test_cpp_string_escapes():
    assert cpp_string('a"b\\c') == '"a\\"b\\\\c"'
    assert cpp_string("é\n?") == '"\\303\\251\\012\\077"'
    assert cpp_string("\x001") == '"\\0001"'  # octal escapes never swallow a next digit
