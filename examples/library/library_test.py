"""examples/library end to end: a .proto service's google.api.http bindings over HTTP/1.1
and HTTP/2 (httpx): nested field paths, a body mapping, an additional binding, response
fields in proto3 JSON, field rules checked natively, gRPC errors as HTTP statuses."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.integration.support import hello_server

BOOK = {
    "title": "Dune",
    "authors": [{"displayName": "Frank Herbert", "email": "frank@example.com"}],
    "pageCount": "412",
    "format": "HARDCOVER",
    "published": "1965-08-01T00:00:00Z",
    "edition": 1,
    "labels": {"genre": "sf"},
    "tags": ["classic"],
}


@pytest.fixture(scope="module", params=["http1", "http2"])
def client(request):
    with hello_server(app="examples.library.app:app") as server:
        http2 = request.param == "http2"
        with httpx.Client(base_url=server.url, timeout=10, http1=not http2, http2=http2) as c:
            yield c


def test_create_get_list_update_delete(client):
    r = client.post("/v1/shelves/s1/books", json=BOOK)
    assert r.status_code == 200, r.text
    book = r.json()
    assert book["name"].startswith("shelves/s1/books/")
    assert book["pageCount"] == "412"  # int64 as a string (proto3 JSON)
    assert book["authors"][0]["displayName"] == "Frank Herbert"
    assert book["published"] == "1965-08-01T00:00:00Z"
    assert client.get(f"/v1/{book['name']}").json() == book
    book_id = book["name"].rsplit("/", 1)[1]
    assert client.get(f"/v1/books/{book_id}").json() == book  # additional binding
    listed = client.get("/v1/shelves/s1/books", params={"pageSize": 10}).json()
    assert book in listed["books"]
    r = client.patch(f"/v1/{book['name']}", json={"title": "Dune Messiah"})
    assert r.json()["title"] == "Dune Messiah"
    assert client.delete(f"/v1/{book['name']}").json() == {}
    gone = client.get(f"/v1/{book['name']}")
    assert gone.status_code == 404  # NOT_FOUND, as a google.rpc.Status body
    assert gone.json() == {"code": 5, "message": f"no book {book['name']}", "details": []}


def test_server_streaming_as_ndjson(client):
    for title in ("A", "B"):
        client.post("/v1/shelves/nd/books", json=dict(BOOK, title=title))
    r = client.get("/v1/shelves/nd/books:stream")
    assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
    lines = r.text.splitlines()
    assert [json.loads(line)["title"] for line in lines] == ["A", "B"]


def test_field_rules_are_checked_natively(client):
    bad = dict(BOOK, title="", pageCount=0, authors=[{"displayName": "", "email": "x"}])
    del bad["title"]
    r = client.post("/v1/shelves/s1/books", json=bad)
    assert r.status_code == 422
    assert [(e["loc"], e["type"]) for e in r.json()["detail"]] == [
        (["body", "title"], "missing"),
        (["body", "authors", 0, "displayName"], "string_too_short"),
        (["body", "authors", 0, "email"], "value_error"),
        (["body", "pageCount"], "greater_than_equal"),
    ]
    r = client.post("/v1/shelves/s1/books", json=dict(BOOK, format="PAPERBACK", colour="red"))
    assert [e["type"] for e in r.json()["detail"]] == ["enum", "extra_forbidden"]
    r = client.get("/v1/shelves/s1/books", params={"pageSize": 101})
    assert r.json()["detail"][0]["loc"] == ["query", "pageSize"]


def test_unbound_paths_and_methods(client):
    assert client.get("/v1/shelves/s1/racks/2").status_code == 404
    r = client.put("/v1/shelves/s1/books/1")
    assert r.status_code == 405
    assert r.headers["allow"] == "DELETE, GET, HEAD, PATCH"


def test_openapi_document(client):
    doc = client.get("/openapi.json").json()
    assert "/v1/{name}" in doc["paths"] and "/v1/{parent}/books" in doc["paths"]
    assert doc["components"]["schemas"]["Book"]["properties"]["pageCount"]["type"] == "integer"
