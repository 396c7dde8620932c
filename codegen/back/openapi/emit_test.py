"""OpenAPI 3.1 emission: the petstore survives a round trip through the IR (document ->
IR -> document -> IR gives the same IR), and the emitted document has the expected shape."""

from __future__ import annotations

import json
import os

from data_bridge.openapi.utils import to_openapi
from codegen.front.openapi.document import load, loads
from codegen.front.openapi.lower import lower

PETSTORE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "front",
                        "openapi", "testdata", "petstore.yaml")


def test_round_trip_keeps_the_model():
    first = lower(load(PETSTORE, "petstore.yaml"))
    second = lower(loads(json.dumps(to_openapi(first)), "petstore.yaml"))
    added = {"HTTPValidationError", "ValidationError", "ValidationErrorLocItem"}

    def models(service):
        return [(m.name, m.WhichOneof("kind"), [(f.json_name, f.required, f.type)
                                               for f in m.object.fields])
                for m in service.models if m.name not in added]

    assert models(first) == models(second)
    def params(service):
        out = []
        for o in service.operations:
            for p in o.parameters:
                p.ClearField("source")
            out.append((o.id, o.method, o.path, list(o.parameters), o.body.type))
        return out

    assert params(first) == params(second)


def test_shape():
    doc = to_openapi(lower(load(PETSTORE, "petstore.yaml")))
    assert doc["openapi"] == "3.1.0"
    assert doc["info"] == {"title": "Petstore", "version": "1.0.0"}
    get = doc["paths"]["/pets"]["get"]
    assert get["operationId"] == "listPets"
    assert get["parameters"][0] == {"name": "limit", "in": "query", "required": False,
                                    "schema": {"type": "integer", "format": "int32",
                                               "minimum": 1, "maximum": 100, "default": 20}}
    assert get["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HTTPValidationError"}
    schemas = doc["components"]["schemas"]
    assert schemas["NewPet"]["additionalProperties"] is False
    assert schemas["NewPet"]["properties"]["age"] == {
        "anyOf": [{"type": "integer", "minimum": 0, "exclusiveMaximum": 100},
                  {"type": "null"}]}
    assert schemas["Kind"]["discriminator"]["mapping"]["dog"] == "#/components/schemas/Dog"
    assert schemas["ListPetsStatus"] == {"title": "ListPetsStatus", "enum": ["available", "sold"],
                                         "type": "string"}
    json.dumps(doc)  # serialisable
