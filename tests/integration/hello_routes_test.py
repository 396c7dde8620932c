"""Every route of examples/hello over real HTTP/1.1 (httpx and curl), plus the earlier
system's integration cases."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from tests.integration.support import hello_server, server_env


@pytest.fixture(scope="module")
def server():
    with hello_server() as s:
        yield s


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def test_plaintext(client):
    r = client.get("/plaintext")
    assert r.status_code == 200
    assert r.text == "Hello, World!"
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["server"] == "data-bridge"
    assert "date" in r.headers
    assert r.headers["content-length"] == "13"


def test_json(client):
    r = client.get("/json")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {
        "message": "Hello, World!",
        "status": "success",
        "timestamp": 1234567890,
        "data": {"key": "value"},
    }


def test_user_path_param_converted_to_int(client):
    r = client.get("/users/42")
    assert r.json() == {
        "id": 42,
        "name": "User 42",
        "email": "user42@example.com",
        "active": True,
    }
    assert isinstance(r.json()["id"], int)


def test_user_path_param_not_int_is_422(client):
    r = client.get("/users/abc")
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["path", "user_id"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "abc",
            }
        ]
    }


def test_search_defaults_and_bounds(client):
    assert client.get("/search", params={"q": "x"}).json() == {"q": "x", "limit": 10}
    assert client.get("/search", params={"q": "a b&c", "limit": 100}).json() == {
        "q": "a b&c",
        "limit": 100,
    }
    r = client.get("/search", params={"q": "x", "limit": 101})
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["type"] == "less_than_equal"
    assert err["loc"] == ["query", "limit"]
    assert err["ctx"] == {"le": 100}


def test_required_query_missing_is_422(client):
    r = client.get("/search")
    assert r.status_code == 422
    assert r.json() == {
        "detail": [{"type": "missing", "loc": ["query", "q"], "msg": "Field required", "input": None}]
    }


def test_every_violation_listed(client):
    r = client.get("/search", params={"limit": "lots"})
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["query", "q"], ["query", "limit"]]


def test_post_item_created(client):
    r = client.post("/items", json={"name": "pen", "price": 1.5, "tags": ["a", "b"]})
    assert r.status_code == 201
    assert r.json() == {"name": "pen", "price": 1.5, "tags": ["a", "b"]}
    r = client.post("/items", json={"name": "pen", "price": 2})
    assert r.status_code == 201
    assert r.json() == {"name": "pen", "price": 2.0, "tags": []}


def test_post_item_invalid(client):
    r = client.post("/items", json={"name": "x" * 51, "price": 0, "tags": "no"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert [(e["loc"], e["type"]) for e in detail] == [
        (["body", "name"], "string_too_long"),
        (["body", "price"], "greater_than"),
        (["body", "tags"], "list_type"),
    ]
    r = client.post("/items", json={"price": 1})
    assert r.json()["detail"] == [
        {"type": "missing", "loc": ["body", "name"], "msg": "Field required", "input": {"price": 1}}
    ]


def test_post_item_malformed_json_and_media_type(client):
    r = client.post("/items", content=b'{"name": ', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "json_invalid"
    r = client.post("/items", content=b"name=pen", headers={"content-type": "text/plain"})
    assert r.status_code == 415
    r = client.post("/items")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body"]


def test_sync_handler(client):
    assert client.get("/sync").json() == {"sync": True}


def test_health(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_sleep(client):
    assert client.get("/sleep", params={"ms": 20}).json() == {"slept_ms": 20}


def test_exception_is_generic_500_then_healthy(client):
    r = client.get("/boom")
    assert r.status_code == 500
    assert "boom" not in r.text
    assert r.json() == {"detail": "Internal Server Error"}
    assert client.get("/health").json() == {"status": "ok"}


def test_unknown_path_404(client):
    r = client.get("/no/such/path")
    assert r.status_code == 404
    assert r.json() == {"detail": "Not Found"}


def test_wrong_method_405_with_allow(client):
    r = client.delete("/users/1")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"
    r = client.get("/items")
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"


def test_head_for_get_routes(client):
    r = client.head("/json")
    assert r.status_code == 200
    assert r.content == b""
    assert int(r.headers["content-length"]) == len(client.get("/json").content)


def test_path_param_special_characters(client):
    # Percent-decoding happens before validation: "%34%32" is "42".
    assert client.get("/users/%34%32").json()["id"] == 42
    r = client.get("/users/a%40b")
    assert r.status_code == 422
    assert r.json()["detail"][0]["input"] == "a@b"


def test_curl_keepalive_reuses_connection(server):
    out = subprocess.run(
        ["curl", "-sv", f"{server.url}/health", f"{server.url}/json"],
        capture_output=True,
        timeout=30,
    )
    assert out.returncode == 0
    assert out.stdout.count(b'"status"') == 2
    assert b"Re-using existing connection" in out.stderr


def test_curl_post_with_expect_continue(server):
    body = json.dumps({"name": "big", "price": 3.0, "tags": ["t" * 10] * 200})
    out = subprocess.run(
        [
            "curl", "-s", "-H", "Expect: 100-continue", "-H", "Content-Type: application/json",
            "--data-binary", body, "-w", "\\n%{http_code}", f"{server.url}/items",
        ],
        capture_output=True,
        timeout=30,
    )
    text, _, code = out.stdout.decode().rpartition("\n")
    assert code == "201"
    assert json.loads(text)["name"] == "big"


def test_the_command_line_refuses_a_bad_setting_before_serving():
    r = subprocess.run([sys.executable, "-m", "data_bridge", "serve", "examples.hello.app:app",
                        "--port", "70000", "--threads", "2"],
                       env=server_env(), capture_output=True, timeout=60)
    assert r.returncode == 1
    assert r.stderr.strip().endswith(
        b"data_bridge serve: setting 'port' must be in 0..65535, not 70000")
    assert b"serving" not in r.stderr
