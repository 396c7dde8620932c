"""OpenAPI front end: the petstore lowers to the golden IR; every invalid spec is refused
with `file:line: what is wrong`."""

from __future__ import annotations

import json
import os
import textwrap

import pytest
import yaml
from google.protobuf import text_format

from codegen.front.openapi.document import SpecError, load, loads
from codegen.front.openapi.lower import lower
import data_bridge.ir_pb2 as ir

HERE = os.path.dirname(os.path.abspath(__file__))


def petstore() -> ir.Service:
    return lower(load(os.path.join(HERE, "testdata", "petstore.yaml"), "petstore.yaml"))


def test_petstore_matches_golden():
    got = text_format.MessageToString(petstore())
    golden_path = os.path.join(HERE, "testdata", "petstore.ir.txtpb")
    if os.environ.get("UPDATE_GOLDEN"):
        with open(os.path.join(os.environ["BUILD_WORKSPACE_DIRECTORY"], "codegen", "front",
                               "openapi", "testdata", "petstore.ir.txtpb"), "w") as f:
            f.write(got)
    with open(golden_path) as f:
        assert got == f.read(), "regenerate: UPDATE_GOLDEN=1 bazel run //codegen/front/openapi:lower_test"


def test_deterministic():
    assert petstore().SerializeToString(deterministic=True) == petstore().SerializeToString(
        deterministic=True)


def test_petstore_highlights():
    s = petstore()
    ops = {o.id: o for o in s.operations}
    assert list(ops) == ["listPets", "createPet", "getPet"]
    limit = ops["listPets"].parameters[0]
    assert (limit.wire_name, limit.location, limit.type.scalar) == ("limit", ir.Parameter.QUERY, ir.INT32)
    assert limit.type.constraints.minimum == 1 and limit.type.default_json == "20"
    assert ops["listPets"].parameters[1].type.array.scalar == ir.STRING
    assert ops["listPets"].parameters[3].wire_name == "x-request-id"
    assert [p.location for p in ops["getPet"].parameters] == [ir.Parameter.PATH, ir.Parameter.COOKIE]
    assert list(ops["createPet"].body.media_types) == [ir.Body.JSON, ir.Body.FORM]
    models = {m.name: m for m in s.models}
    new_pet = {f.json_name: f for f in models["NewPet"].object.fields}
    assert new_pet["age"].type.nullable and new_pet["age"].type.constraints.exclusive_maximum
    assert new_pet["weight"].type.constraints.exclusive_minimum
    assert new_pet["owner"].type.model == "NewPetOwner"
    assert new_pet["attributes"].type.map.scalar == ir.INT64
    assert new_pet["secret"].write_only
    assert not models["NewPet"].object.allow_additional
    pet = {f.json_name for f in models["Pet"].object.fields}
    assert pet == set(new_pet) | {"id"}
    assert dict(models["Kind"].union.mapping) == {"dog": "Dog", "cat": "Cat"}
    assert models["Kind"].union.exclusive and models["Kind"].union.discriminator == "kind"
    assert [v.json for v in models["ListPetsStatus"].enum.values] == ['"available"', '"sold"']
    assert new_pet["name"].source.line == 79


def test_json_documents_report_lines_too():
    doc = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
           "paths": {"/x": {"get": {"operationId": "x", "responses": {},
                                     "parameters": [{"name": "q", "in": "query",
                                                     "schema": {"type": "integer",
                                                                "minimum": 5, "maximum": 1}}]}}}}
    with pytest.raises(SpecError, match=r"^spec.json:1: 'minimum' is greater than 'maximum'$"):
        lower(loads(json.dumps(doc), "spec.json"))
    pretty = json.dumps(doc, indent=2)
    with pytest.raises(SpecError, match=r"^spec.json:\d+: 'minimum' is greater"):
        lower(loads(pretty, "spec.json"))


def bad(body: str, version: str = "3.1.0") -> str:
    text = f"openapi: {version}\ninfo: {{title: T, version: '1'}}\n" + textwrap.dedent(body)
    with pytest.raises(SpecError) as e:
        lower(loads(text, "bad.yaml"))
    return str(e.value)


@pytest.mark.parametrize(
    "body,version,expected",
    [
        ("paths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/B'}}}\n", "3.1.0",
         "bad.yaml:4: unresolved reference #/components/schemas/B"),
        ("paths:\n  /a/{id}:\n    get:\n      responses: {}\n", "3.1.0",
         "bad.yaml:5: path parameters ['id'] of /a/{id} and the declared ones [] differ"),
        ("paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {type: strin}}\n",
         "3.1.0", "bad.yaml:7: unknown type 'strin'"),
        ("paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {type: string, pattern: '(?=x)'}}\n",
         "3.1.0", "bad.yaml:7: pattern '(?=x)' needs lookaround or backreferences, which RE2 (linear time) does not support"),
        ("paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {type: string, nullable: true}}\n",
         "3.1.0", "bad.yaml:7: 'nullable' is OpenAPI 3.0; in 3.1 write type: [T, 'null']"),
        ("paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {type: [string, 'null']}}\n",
         "3.0.3", "bad.yaml:7: a list of types is OpenAPI 3.1; in 3.0 use 'nullable'"),
        ("paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, style: spaceDelimited, schema: {type: string}}\n",
         "3.1.0", "bad.yaml:7: only the default style/explode (form) is supported for query parameters"),
        ("paths:\n  /a:\n    post:\n      requestBody:\n        content: {text/plain: {schema: {type: string}}}\n",
         "3.1.0", "bad.yaml:7: unsupported request media type 'text/plain' (application/json, application/x-www-form-urlencoded)"),
        ("paths:\n  /a:\n    get: {operationId: 'bad id'}\n", "3.1.0",
         "bad.yaml:5: operationId 'bad id' is not an identifier"),
        ("paths: {}\ncomponents: {schemas: {A: {type: object, required: [x], properties: {y: {type: string}}}}}\n",
         "3.1.0", "bad.yaml:4: required property 'x' is not declared"),
        ("paths: [1]\n", "3.1.0", "bad.yaml:3: the document needs 'paths'"),
        ("paths: {}\n", "2.0", "bad.yaml:1: unsupported 'openapi' version 2.0: need 3.0.x or 3.1.x"),
        ("paths:\n  /a: {get: {}}\n  /a: {put: {}}\n", "3.1.0", "bad.yaml:5: duplicate key '/a'"),
        ("paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {type: string, default: !!binary aGk=}}\n",
         "3.1.0", "bad.yaml:7: 'default' is not a JSON value: bytes is not a JSON value"),
        ("paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {type: number, enum: [1, .nan]}}\n",
         "3.1.0", "bad.yaml:7: item 1 of the list is not a JSON value: Out of range float values are not JSON compliant"),
        ("paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, schema: {type: object, default: {1: a, b: c}}}\n",
         "3.1.0", "bad.yaml:7: 'default' is not a JSON value: '<' not supported between instances of 'str' and 'int'"),
        ("paths: {/a: [\n", "3.1.0", "bad.yaml:4: not valid YAML/JSON: " + (
            "did not find expected node content" if yaml.__with_libyaml__
            else "expected the node content, but found '<stream end>'")),
    ],
)
def test_invalid_specs_name_file_and_line(body, version, expected):
    assert bad(body, version) == expected


def test_yaml_dates_are_their_json_text():
    text = ("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n"
            "      parameters:\n        - {name: d, in: query, schema: {type: string,"
            " format: date, default: 2020-01-01}}\n")
    [p] = lower(loads(text, "d.yaml")).operations[0].parameters
    assert p.type.default_json == '"2020-01-01"'  # as YAML 1.2 and JSON read it


def test_a_bound_past_a_doubles_range_is_a_located_error():
    """YAML 1.1 reads 3:33:3:... as one sexagesimal integer, far past any float."""
    text = ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n"
            "  schemas:\n    P:\n      type: object\n      properties:\n"
            "        w: {type: number, exclusiveMinimum: " + ":".join(["33"] * 300) + "}\n")
    with pytest.raises(SpecError, match=r"^t\.yaml:9: .*'exclusiveMinimum' is out of range"):
        lower(loads(text, "t.yaml"))
