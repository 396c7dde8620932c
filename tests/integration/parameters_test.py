"""Parameters from signatures (path, query, header, body, Request), validated natively, and
every return type a handler may use. In-process server, real sockets, httpx."""

from __future__ import annotations

import dataclasses
import enum
import uuid
from typing import Annotated, Optional, TypedDict

import httpx
import pytest

from data_bridge import (
    App,
    Body,
    Cookie,
    Field,
    Header,
    HTMLResponse,
    HTTPException,
    JSONResponse,
    Path,
    PlainTextResponse,
    Query,
    Request,
    RequestValidationError,
    Response,
)
from data_bridge.testing import serve


@dataclasses.dataclass
class Address:
    city: Annotated[str, Field(min_length=1)]
    zip: Annotated[str, Field(pattern=r"^\d{5}$")]


@dataclasses.dataclass
class Person:
    name: str
    age: Annotated[int, Field(ge=0, le=150)]
    address: Address
    emails: list[str] = dataclasses.field(default_factory=list)
    nickname: Optional[str] = None

    def __post_init__(self) -> None:
        if self.name == "forbidden":
            raise ValueError("name is forbidden")


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class Size(enum.IntEnum):
    S = 1
    M = 2


@dataclasses.dataclass
class Shirt:
    color: Color
    size: Size = Size.M


@dataclasses.dataclass
class TreeNode:
    name: str
    children: list["TreeNode"] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Chain:
    label: str
    parent: Optional["Chain"] = None  # a nullable reference to the model being defined


class Point(TypedDict):
    x: float
    y: float


def make_app() -> App:
    app = App(title="params")

    @app.get("/typed/{i}/{f}/{s}/{b}/{u}")
    def typed(i: int, f: float, s: str, b: bool, u: uuid.UUID) -> dict:
        return {"i": i, "f": f, "s": s, "b": b, "u": str(u), "types": [
            type(i).__name__, type(f).__name__, type(s).__name__, type(b).__name__,
            type(u).__name__]}

    @app.get("/files/{rest:path}")
    def files(rest: str) -> dict:
        return {"rest": rest}

    @app.get("/query")
    def query(
        tags: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI style default
        n: Annotated[int, Query(alias="count", gt=0)] = 1,
        flag: bool = False,
        name: Optional[str] = None,
        ratio: float = Query(0.5, ge=0, le=1),
    ) -> dict:
        return {"tags": tags, "n": n, "flag": flag, "name": name, "ratio": ratio}

    @app.get("/header")
    def header(
        x_token: Annotated[str, Header()],
        user_agent: Annotated[Optional[str], Header()] = None,
        trace: Annotated[Optional[str], Header(alias="X-Trace-Id")] = None,
    ) -> dict:
        return {"token": x_token, "ua": user_agent, "trace": trace}

    @app.post("/people")
    async def people(person: Person) -> dict:
        assert isinstance(person.address, Address)
        return {"person": person, "kind": type(person).__name__}

    @app.post("/points")
    def points(p: Point) -> dict:
        return {"sum": p["x"] + p["y"], "kind": type(p).__name__}

    @app.post("/raw")
    def raw(payload: Annotated[dict, Body()]) -> dict:
        return {"keys": sorted(payload)}

    @app.put("/items/{item_id}")
    def put_item(item_id: Annotated[int, Path(ge=1)], payload: Annotated[list[int], Body()]) -> dict:
        return {"id": item_id, "total": sum(payload)}

    @app.route("/multi", methods=["PATCH", "DELETE"])
    def multi(request: Request) -> str:
        return request.method

    @app.get("/request/{a}")
    async def request_view(a: str, request: Request) -> dict:
        return {
            "method": request.method,
            "path": request.path,
            "path_params": request.path_params,
            "query": dict(request.query_params),
            "tags": request.query_params.getlist("tag"),
            "header": request.headers["x-custom"],
            "url": str(request.url),
            "url_parts": [request.url.scheme, request.url.hostname, request.url.port,
                          request.url.query],
            "multi": request.headers.getlist("x-multi"),
            "client": list(request.client) if request.client else None,
            "first": request.headers["X-Multi"] if "x-multi" in request.headers else None,
            "mapping": {
                "path_params": request["path_params"],
                "query_params": request["query_params"],
                "has_headers": "x-custom" in request["headers"],
                "body": request["body"].decode(),
            },
        }

    @app.post("/echo_json")
    async def echo_json(request: Request) -> dict:
        return {"json": await request.json(), "len": len(await request.body())}

    @app.get("/responses/{kind}")
    def responses(kind: str):
        if kind == "text":
            return PlainTextResponse("plain", status_code=202, headers={"X-A": "1"})
        if kind == "html":
            return HTMLResponse("<b>hi</b>")
        if kind == "json":
            return JSONResponse({"a": [1, 2.5, None]}, status_code=203)
        if kind == "bytes":
            return b"\x00\x01"
        if kind == "str":
            return "just text"
        if kind == "tuple":
            return 418, {"teapot": True}
        if kind == "raw":
            return Response(b"x", media_type="application/x-custom", headers={"X-B": "2"})
        if kind == "none":
            return None
        if kind == "nocontent":
            return Response(status_code=204)
        if kind == "dataclass":
            return Address(city="Paris", zip="75001")
        if kind == "unserializable":
            return {"x": object()}
        raise HTTPException(404, f"unknown kind {kind}", headers={"X-Kind": kind})

    @app.get("/enum")
    def enum_query(color: Color,
                   sizes: Annotated[list[Size], Query()] = []) -> dict:  # noqa: B006
        return {"color": color.value, "is_member": isinstance(color, Color),
                "sizes": [s.name for s in sizes]}

    @app.post("/shirts")
    def shirts(shirt: Shirt) -> dict:
        return {"color": shirt.color.name, "size": shirt.size.name}

    @app.get("/cookie")
    def cookie(session: Annotated[str, Cookie()], theme: Annotated[str, Cookie()] = "light") -> dict:
        return {"session": session, "theme": theme}

    @app.post("/chain")
    def chain(link: Chain) -> dict:
        labels = []
        node: Optional[Chain] = link
        while node is not None:
            assert isinstance(node, Chain)
            labels.append(node.label)
            node = node.parent
        return {"labels": labels}

    @app.post("/tree")
    def tree(root: TreeNode) -> dict:
        def count(n: TreeNode) -> int:
            assert isinstance(n, TreeNode)
            return 1 + sum(count(c) for c in n.children)

        return {"nodes": count(root)}

    @app.get("/custom_validation")
    def custom_validation() -> dict:
        raise RequestValidationError(
            [{"type": "value_error", "loc": ["query", "x"], "msg": "bad", "input": None}]
        )

    @app.get("/http_exc_default")
    def http_exc_default() -> dict:
        raise HTTPException(403)

    return app


@pytest.fixture(scope="module")
def client():
    with serve(make_app()) as url, httpx.Client(base_url=url, timeout=10) as c:
        yield c


def test_typed_path_params(client):
    u = "12345678-1234-5678-1234-567812345678"
    r = client.get(f"/typed/5/2.5/hello/true/{u}")
    assert r.json() == {"i": 5, "f": 2.5, "s": "hello", "b": True, "u": u,
                        "types": ["int", "float", "str", "bool", "UUID"]}
    r = client.get("/typed/x/y/z/maybe/nope")
    assert r.status_code == 422
    assert [e["loc"][1] for e in r.json()["detail"]] == ["i", "f", "b", "u"]


def test_catch_all_path(client):
    assert client.get("/files/a/b/c%20d.txt").json() == {"rest": "a/b/c d.txt"}


def test_query_lists_aliases_defaults(client):
    assert client.get("/query").json() == {
        "tags": [], "n": 1, "flag": False, "name": None, "ratio": 0.5}
    r = client.get("/query", params=[("tags", "a"), ("tags", "b"), ("count", "3"),
                                     ("flag", "yes"), ("name", "zed"), ("ratio", "1")])
    assert r.json() == {"tags": ["a", "b"], "n": 3, "flag": True, "name": "zed", "ratio": 1.0}
    r = client.get("/query", params={"count": "0", "ratio": "2"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert [(e["loc"], e["type"]) for e in detail] == [
        (["query", "count"], "greater_than"), (["query", "ratio"], "less_than_equal")]


def test_headers_underscores_become_dashes(client):
    r = client.get("/header", headers={"X-Token": "t", "User-Agent": "ua/1", "X-Trace-Id": "tr"})
    assert r.json() == {"token": "t", "ua": "ua/1", "trace": "tr"}
    r = client.get("/header")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["header", "x-token"]


def test_nested_dataclass_body(client):
    body = {"name": "Ann", "age": 30, "address": {"city": "Oslo", "zip": "12345"},
            "emails": ["a@b.c"]}
    r = client.post("/people", json=body)
    assert r.status_code == 200
    assert r.json() == {"person": {**body, "nickname": None}, "kind": "Person"}


def test_nested_dataclass_errors(client):
    body = {"name": 1, "age": 200, "address": {"city": "", "zip": "abc"}, "emails": [1]}
    r = client.post("/people", json=body)
    assert r.status_code == 422
    assert [(e["loc"], e["type"]) for e in r.json()["detail"]] == [
        (["body", "name"], "string_type"),
        (["body", "age"], "less_than_equal"),
        (["body", "address", "city"], "string_too_short"),
        (["body", "address", "zip"], "string_pattern_mismatch"),
        (["body", "emails", 0], "string_type"),
    ]


def test_model_post_init_error_is_422(client):
    body = {"name": "forbidden", "age": 1, "address": {"city": "x", "zip": "12345"}}
    r = client.post("/people", json=body)
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "value_error"


def test_typeddict_body(client):
    assert client.post("/points", json={"x": 1, "y": 2.5}).json() == {"sum": 3.5, "kind": "dict"}
    r = client.post("/points", json={"x": 1})
    assert r.json()["detail"][0]["loc"] == ["body", "y"]


def test_body_marker(client):
    assert client.post("/raw", json={"b": 1, "a": [1]}).json() == {"keys": ["a", "b"]}
    assert client.put("/items/3", json=[1, 2, 3]).json() == {"id": 3, "total": 6}
    assert client.put("/items/0", json=[1]).status_code == 422


def test_route_with_methods(client):
    assert client.patch("/multi").text == "PATCH"
    assert client.delete("/multi").text == "DELETE"
    r = client.get("/multi")
    assert r.status_code == 405
    assert r.headers["allow"] == "DELETE, PATCH"


def test_request_object_is_complete(client):
    r = client.get("/request/x%20y?tag=1&tag=2&other=z",
                   headers=[("X-Custom", "c"), ("X-Multi", "a"), ("x-multi", "b")])
    body = r.json()
    assert body["method"] == "GET"
    assert body["path"] == "/request/x y"
    assert body["path_params"] == {"a": "x y"}
    assert body["query"] == {"tag": "2", "other": "z"}
    assert body["tags"] == ["1", "2"]
    assert body["header"] == "c"
    assert body["url"].endswith("/request/x y?tag=1&tag=2&other=z")
    port = int(client.base_url.port)
    assert body["url"] == f"http://127.0.0.1:{port}/request/x y?tag=1&tag=2&other=z"
    assert body["url_parts"] == ["http", "127.0.0.1", port, "tag=1&tag=2&other=z"]
    assert body["multi"] == ["a", "b"] and body["first"] == "a"  # Starlette's Headers
    host, client_port = body["client"]
    assert host == "127.0.0.1" and 0 < client_port < 65536 and client_port != port
    assert body["mapping"] == {
        "path_params": {"a": "x y"},
        "query_params": {"tag": "2", "other": "z"},
        "has_headers": True,
        "body": "",
    }


def test_request_json(client):
    r = client.post("/echo_json", json={"k": [1, 2]})
    assert r.json() == {"json": {"k": [1, 2]}, "len": len(r.request.content)}


@pytest.mark.parametrize(
    "kind,status,ctype,body",
    [
        ("text", 202, "text/plain; charset=utf-8", b"plain"),
        ("html", 200, "text/html; charset=utf-8", b"<b>hi</b>"),
        ("json", 203, "application/json", b'{"a":[1,2.5,null]}'),
        ("bytes", 200, "application/octet-stream", b"\x00\x01"),
        ("str", 200, "text/plain; charset=utf-8", b"just text"),
        ("tuple", 418, "application/json", b'{"teapot":true}'),
        ("raw", 200, "application/x-custom", b"x"),
        ("none", 200, "application/json", b"null"),
        ("dataclass", 200, "application/json", b'{"city":"Paris","zip":"75001"}'),
    ],
)
def test_return_types(client, kind, status, ctype, body):
    r = client.get(f"/responses/{kind}")
    assert r.status_code == status
    assert r.headers["content-type"] == ctype
    assert r.content == body


def test_response_headers_and_204(client):
    assert client.get("/responses/text").headers["x-a"] == "1"
    assert client.get("/responses/raw").headers["x-b"] == "2"
    r = client.get("/responses/nocontent")
    assert r.status_code == 204
    assert r.content == b""
    assert "content-length" not in r.headers


def test_http_exception(client):
    r = client.get("/responses/zzz")
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown kind zzz"}
    assert r.headers["x-kind"] == "zzz"
    r = client.get("/http_exc_default")
    assert r.status_code == 403
    assert r.json() == {"detail": "Forbidden"}


def test_unserializable_result_is_500(client):
    r = client.get("/responses/unserializable")
    assert r.status_code == 500
    assert r.json() == {"detail": "Internal Server Error"}


def test_raised_validation_error(client):
    r = client.get("/custom_validation")
    assert r.status_code == 422
    assert r.json() == {"detail": [{"type": "value_error", "loc": ["query", "x"], "msg": "bad",
                                    "input": None}]}


def test_bad_signatures_fail_at_declaration():
    app = App()
    with pytest.raises(TypeError):
        @app.get("/y")
        def g(when: complex) -> None: ...


def test_a_path_parameter_without_an_argument_is_matched_and_left_alone():
    # As in FastAPI: the route matches it, the handler reads it from the Request if at all.
    app = App()

    @app.get("/x/{unbound}")
    def f(request: Request) -> dict:
        return request.path_params

    with serve(app) as url:
        assert httpx.get(url + "/x/abc").json() == {"unbound": "abc"}


def test_enum_parameters(client):
    r = client.get("/enum", params=[("color", "green"), ("sizes", "1"), ("sizes", "2")])
    assert r.json() == {"color": "green", "is_member": True, "sizes": ["S", "M"]}
    r = client.get("/enum", params={"color": "blue"})
    assert r.status_code == 422
    assert r.json()["detail"] == [{
        "type": "enum", "loc": ["query", "color"], "msg": "Input should be 'red' or 'green'",
        "input": "blue", "ctx": {"expected": "'red' or 'green'"}}]


def test_enum_fields_in_bodies(client):
    assert client.post("/shirts", json={"color": "red"}).json() == {"color": "RED", "size": "M"}
    r = client.post("/shirts", json={"color": "red", "size": 3})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "size"]
    assert r.json()["detail"][0]["msg"] == "Input should be '1' or '2'"


def test_cookies(client):
    r = client.get("/cookie", headers={"Cookie": "a=1; session=abc; theme=dark"})
    assert r.json() == {"session": "abc", "theme": "dark"}
    assert client.get("/cookie", headers={"Cookie": "session=x"}).json()["theme"] == "light"
    r = client.get("/cookie")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["cookie", "session"]


def test_openapi_document(client):
    doc = client.get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "params"
    query = doc["paths"]["/query"]["get"]
    assert {p["name"]: p["in"] for p in query["parameters"]} == {
        "tags": "query", "count": "query", "flag": "query", "name": "query", "ratio": "query"}
    ratio = next(p for p in query["parameters"] if p["name"] == "ratio")
    assert ratio["schema"] == {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
                               "title": "Ratio"}
    person = doc["components"]["schemas"]["Person"]
    assert person["required"] == ["name", "age", "address"]
    assert person["properties"]["address"] == {"$ref": "#/components/schemas/Address"}
    assert doc["components"]["schemas"]["Color"] == {"title": "Color", "enum": ["red", "green"],
                                                     "type": "string"}
    assert "/openapi.json" not in doc["paths"]
    assert doc["paths"]["/files/{rest}"]["get"]["parameters"][0]["in"] == "path"


def test_recursive_models(client):
    tree = {"name": "a", "children": [{"name": "b"}, {"name": "c", "children": [{"name": "d"}]}]}
    assert client.post("/tree", json=tree).json() == {"nodes": 4}
    bad = {"name": "a", "children": [{"name": "b", "children": [{"name": 5}]}]}
    r = client.post("/tree", json=bad)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "children", 0, "children", 0, "name"]
    deep: dict = {"name": "x"}
    for _ in range(200):
        deep = {"name": "x", "children": [deep]}
    assert client.post("/tree", json=deep).json() == {"nodes": 201}


def test_nullable_reference_to_the_model_itself_is_validated_in_full(client):
    good = {"label": "a", "parent": {"label": "b", "parent": None}}
    assert client.post("/chain", json=good).json() == {"labels": ["a", "b"]}
    r = client.post("/chain", json={"label": "a", "parent": {"label": 5}})
    assert r.status_code == 422
    assert [(e["loc"], e["type"]) for e in r.json()["detail"]] == [
        (["body", "parent", "label"], "string_type")]
    r = client.post("/chain", json={"label": "a", "parent": {}})
    assert r.status_code == 422
    assert [(e["loc"], e["type"]) for e in r.json()["detail"]] == [
        (["body", "parent", "label"], "missing")]


def test_request_scheme_and_client_over_tls(tmp_path):
    import subprocess
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    with serve(make_app(), ssl_certfile=str(cert), ssl_keyfile=str(key)) as url:
        https = url.replace("http://", "https://")
        with httpx.Client(base_url=https, verify=False, timeout=10) as c:
            body = c.get("/request/t", headers={"X-Custom": "c"}).json()
    assert body["url"].startswith("https://127.0.0.1:") and body["url_parts"][0] == "https"
    assert body["client"][0] == "127.0.0.1"
