"""examples/petstore end to end: the generated service over real HTTP (httpx), with the
spec's constraints, nested body and oneOf validated natively."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.support import hello_server

NEW_PET = {
    "name": "Rex",
    "status": "available",
    "tags": ["good"],
    "species": {"kind": "dog", "barks": True, "breed": "collie"},
    "owner": {"name": "Ann", "email": "ann@example.com"},
}


@pytest.fixture(scope="module")
def client():
    with hello_server(app="examples.petstore.app:app") as server:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            yield c


def test_create_get_list_delete(client):
    r = client.post("/pets", json=NEW_PET)
    assert r.status_code == 201
    pet = r.json()
    assert pet["id"] == 1 and pet["name"] == "Rex"
    assert pet["species"] == {"kind": "dog", "barks": True, "breed": "collie"}
    assert client.get("/pets/1").json() == pet
    cat = dict(NEW_PET, name="Tom", status="sold", species={"kind": "cat"})
    assert client.post("/pets", json=cat).json()["species"] == {"kind": "cat", "lives": 9}
    assert [p["name"] for p in client.get("/pets").json()] == ["Rex", "Tom"]
    assert [p["name"] for p in client.get("/pets", params={"status": "sold"}).json()] == ["Tom"]
    assert [p["name"] for p in client.get("/pets", params={"tag": "good", "limit": 1}).json()] == ["Rex"]
    assert client.delete("/pets/2").status_code == 204
    assert client.get("/pets/2").status_code == 404


def test_constraints_and_nested_errors(client):
    bad = dict(NEW_PET, name="", tags=["x" * 21], owner={"name": "A", "email": "nope"})
    r = client.post("/pets", json=bad)
    assert r.status_code == 422
    assert [(e["loc"], e["type"]) for e in r.json()["detail"]] == [
        (["body", "name"], "string_too_short"),
        (["body", "tags", 0], "string_too_long"),
        (["body", "owner", "email"], "value_error"),  # format: email
        (["body", "owner", "email"], "string_pattern_mismatch"),
    ]


def test_oneof_with_discriminator(client):
    r = client.post("/pets", json=dict(NEW_PET, species={"kind": "cow"}))
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["type"] == "union_tag_invalid" and err["loc"] == ["body", "species"]
    r = client.post("/pets", json=dict(NEW_PET, species={"kind": "cat", "lives": 10}))
    assert r.json()["detail"][0]["loc"] == ["body", "species", "cat", "lives"]
    r = client.post("/pets", json=dict(NEW_PET, species={"kind": "dog"}))
    assert r.json()["detail"][0] == {"type": "missing", "loc": ["body", "species", "dog", "barks"],
                                     "msg": "Field required", "input": {"kind": "dog"}}


def test_formats_const_and_closed_objects(client):
    r = client.post("/pets", json=dict(NEW_PET, species={"kind": "dog", "barks": True},
                                       owner={"name": "A", "email": "a@b.co", "extra": 1}))
    assert r.status_code == 201  # Owner allows additional properties
    r = client.post("/pets", json=dict(NEW_PET, colour="brown"))
    assert r.status_code == 422
    assert r.json()["detail"] == [{"type": "extra_forbidden", "loc": ["body", "colour"],
                                   "msg": "Extra inputs are not permitted", "input": "brown"}]


def test_parameters(client):
    assert client.get("/pets", params={"limit": 0}).json()["detail"][0]["type"] == "greater_than_equal"
    r = client.get("/pets", params={"status": "lost"})
    assert r.json()["detail"][0]["msg"] == "Input should be 'available', 'pending' or 'sold'"
    assert client.get("/pets/0").status_code == 422
    r = client.get("/pets/1", headers={"X-Request-Id": "not-a-uuid"})
    assert r.json()["detail"][0]["loc"] == ["header", "x-request-id"]


def test_form_body(client):
    pet = client.post("/pets", json=NEW_PET).json()
    r = client.post(f"/pets/{pet['id']}", data={"name": "Max", "status": "sold"})
    assert r.status_code == 200
    assert (r.json()["name"], r.json()["status"]) == ("Max", "sold")
    r = client.post(f"/pets/{pet['id']}", json={"name": "Rex"})
    assert r.json()["name"] == "Rex"
    r = client.post(f"/pets/{pet['id']}", data={"name": "", "status": "lost"})
    assert r.status_code == 422
    assert [(e["loc"], e["type"]) for e in r.json()["detail"]] == [
        (["body", "name"], "string_too_short"), (["body", "status"], "enum")]
    r = client.post(f"/pets/{pet['id']}", content=b"x", headers={"content-type": "text/plain"})
    assert r.status_code == 415


def test_openapi_document_is_published(client):
    doc = client.get("/openapi.json").json()
    assert set(doc["paths"]) == {"/pets", "/pets/{petId}"}
    assert doc["components"]["schemas"]["Species"]["discriminator"]["propertyName"] == "kind"
