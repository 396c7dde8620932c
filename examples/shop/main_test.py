"""The shop's tests, as written for FastAPI (only the imports changed)."""

from data_bridge.testclient import TestClient

from examples.shop.db import Database, database
from examples.shop.dependencies import get_db
from examples.shop.main import app
from examples.shop.routers import items

client = TestClient(app)
TOKEN = {"x-token": "fake-super-secret-token"}


def test_root() -> None:
    response = client.get("/?token=jessica")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello Bigger Applications!"}


def test_root_needs_the_query_token() -> None:
    response = client.get("/")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "token"]
    response = client.get("/?token=other")
    assert response.status_code == 400
    assert response.json() == {"detail": "No Jessica token provided"}


def test_users() -> None:
    assert client.get("/users/?token=jessica").json() == [
        {"username": "Rick"}, {"username": "Morty"}]
    assert client.get("/users/me?token=jessica").json() == {"username": "fakecurrentuser"}
    assert client.get("/users/ann?token=jessica").json() == {"username": "ann"}


def test_read_item_closes_the_session() -> None:
    database.log.clear()
    response = client.get("/items/plumbus?token=jessica", headers=TOKEN)
    assert response.status_code == 200
    assert response.json() == {"name": "Plumbus", "item_id": "plumbus"}
    assert database.log == ["open", "close"]


def test_read_item_bad_token() -> None:
    response = client.get("/items/plumbus?token=jessica", headers={"x-token": "nope"})
    assert response.status_code == 400
    assert response.json() == {"detail": "X-Token header invalid"}


def test_read_missing_item() -> None:
    response = client.get("/items/nothing?token=jessica", headers=TOKEN)
    assert response.status_code == 404
    assert response.json() == {"detail": "Item not found"}


def test_update_item_runs_its_background_task() -> None:
    response = client.put("/items/plumbus?token=jessica", headers=TOKEN,
                          json={"name": "The Plumbus", "price": 3.5})
    assert response.status_code == 200
    assert response.json() == {"item_id": "plumbus", "name": "The Plumbus"}
    assert items.audit[-1] == "updated plumbus"


def test_update_item_forbidden_and_invalid() -> None:
    response = client.put("/items/gun?token=jessica", headers=TOKEN, json={"name": "x"})
    assert response.status_code == 403
    response = client.put("/items/plumbus?token=jessica", headers=TOKEN, json={"price": 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


def test_trailing_slash_redirect() -> None:
    response = client.get("/items?token=jessica", headers=TOKEN, follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].endswith("/items/?token=jessica")


def test_custom_exception_handler() -> None:
    response = client.get("/stock/gun?token=jessica")
    assert response.status_code == 409
    assert response.json() == {"message": "gun is out of stock"}


def test_cors() -> None:
    response = client.options("/items/", headers={
        "origin": "https://shop.example", "access-control-request-method": "PUT"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://shop.example"
    response = client.get("/?token=jessica", headers={"origin": "https://shop.example"})
    assert response.headers["access-control-allow-origin"] == "https://shop.example"


def test_override_the_database() -> None:
    class Fake(Database):
        def get(self, key: str) -> dict[str, str]:
            return {"name": "Fake " + key}

    def fake_db():
        yield Fake({}, [])

    app.dependency_overrides[get_db] = fake_db
    try:
        response = client.get("/items/anything?token=jessica", headers=TOKEN)
        assert response.json() == {"name": "Fake anything", "item_id": "anything"}
    finally:
        app.dependency_overrides.clear()
    response = client.get("/items/anything?token=jessica", headers=TOKEN)
    assert response.status_code == 404


def test_lifespan_client() -> None:
    with TestClient(app) as scoped:
        assert scoped.get("/users/me?token=jessica").status_code == 200
