"""Python back end: deterministic output, checked against a golden file; the generated
module imports and its models behave as dataclasses/enums."""

from __future__ import annotations

import os
import sys
import types

from codegen.back.python.emit import to_python
from codegen.front.openapi.document import load
from codegen.front.openapi.lower import lower

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "front", "openapi", "testdata", "petstore.yaml")


def generate() -> str:
    return to_python(lower(load(SPEC, "petstore.yaml")), "petstore.yaml")


def test_matches_golden():
    got = generate()
    if os.environ.get("UPDATE_GOLDEN"):
        with open(os.path.join(os.environ["BUILD_WORKSPACE_DIRECTORY"], "codegen", "back",
                               "python", "testdata", "petstore_api.py.golden"), "w") as f:
            f.write(got)
    with open(os.path.join(HERE, "testdata", "petstore_api.py.golden")) as f:
        assert got == f.read(), "regenerate: UPDATE_GOLDEN=1 bazel run //codegen/back/python:emit_test"
    assert generate() == got  # deterministic


def test_generated_module_works():
    module = types.ModuleType("petstore_api")
    sys.modules["petstore_api"] = module  # dataclasses look their module up
    exec(compile(generate(), "petstore_api.py", "exec"), module.__dict__)  # noqa: S102
    pet = module.NewPet(name="x", owner=module.NewPetOwner(email="a@b.c"))
    assert pet.tags is None and pet.owner.email == "a@b.c"
    assert module.ListPetsStatus("sold") is module.ListPetsStatus.SOLD
    assert set(module.__all__) >= {"Pet", "PetstoreHandlers", "routes"}
