# No `from __future__ import annotations`: handlers annotate with local names.
"""/openapi.json is FastAPI's for the same app, key for key: operation ids, summaries,
parameter titles and names, `anyOf` for optionals, defaults, models and their fields'
titles and defaults, the response class's media type and the return annotation's schema,
security requirements and schemes, responses=, openapi_extra, tags metadata, servers and
root_path, a custom generate_unique_id_function, and an app that writes its own openapi()
with get_openapi."""

import dataclasses
import enum
import re
import types
from typing import Annotated, Any, Optional

import pytest
from typing_extensions import TypedDict

from tests.compat.differential import differences, namespace


class Color(enum.Enum):
    red = "red"
    green = "green"


class Level(int, enum.Enum):
    low = 1
    high = 2


@dataclasses.dataclass
class Item:
    """An item for sale."""
    name: str
    price: float
    tags: list[str] = dataclasses.field(default_factory=list)
    description: Optional[str] = None
    color: Color = Color.red
    count: int = 3


@dataclasses.dataclass
class Tree:
    label: str
    parent: Optional["Tree"] = None
    children: list["Tree"] = dataclasses.field(default_factory=list)


class Point(TypedDict):
    x: int
    y: int


@dataclasses.dataclass
class Message:
    message: str


@dataclasses.dataclass
class Secret:
    """Only a hidden route reads it: not a component."""
    code: str


def shop(ns: types.SimpleNamespace) -> Any:
    """Parameters of every kind, bodies, enums, return annotations, response classes,
    status codes, a router with a prefix and tags, documentation options."""
    Query, Header, Cookie, Path, Body = ns.Query, ns.Header, ns.Cookie, ns.Path, ns.Body
    app = ns.FastAPI(title="Shop", version="2.0", description="Things to buy")
    router = ns.APIRouter(prefix="/r", tags=["r"])

    @app.get("/items/{item_id}")
    async def read_item(item_id: int, q: str | None = None, short: bool = False):
        """Read one item."""
        return {"item_id": item_id}

    @app.post("/items/", status_code=201, tags=["items"])
    async def create_item(item: Item) -> Item:
        return item

    @app.put("/items/{item_id}")
    def update_item(item_id: Annotated[int, Path(title="The ID", ge=1)], item: Item,
                    x_token: Annotated[str | None, Header()] = None,
                    session: Annotated[str | None, Cookie()] = None):
        return {}

    @app.delete("/items/{item_id}", status_code=204)
    def delete_item(item_id: int) -> None:
        return None

    @app.get("/colors/{color}")
    def color(color: Color, level: Level = Level.low,
              ids: Annotated[list[int], Query()] = [],
              names: Annotated[list[str] | None, Query(alias="name",
                                                       description="Names")] = None) -> dict:
        return {}

    @app.get("/search")
    def search(q: Annotated[str, Query(min_length=2, max_length=50, pattern="^[a-z]+$",
                                       title="Query", examples=["abc"])],
               page: Annotated[int, Query(gt=0, le=1000, deprecated=True)] = 1,
               legacy: Annotated[str | None, Query(include_in_schema=False)] = None,
               ratio: float = 0.5, x_trace: Annotated[str, Header(alias="X-Trace")] = "",
               plain_header: Annotated[str, Header(convert_underscores=False)] = "",
               color: Optional[Color] = None) -> list[Item]:
        return []

    @app.post("/points")
    def points(p: Point) -> Point:
        return p

    @app.post("/num")
    def num(n: Annotated[float, Body()] = 1.5) -> float:
        return n

    @app.post("/trees")
    def trees(tree: Tree) -> list[Tree]:
        return [tree]

    @app.get("/html", response_class=ns.responses.HTMLResponse)
    def html():
        return "<p>"

    @app.get("/text", response_class=ns.responses.PlainTextResponse)
    def text() -> str:
        return "t"

    @app.get("/none")
    def none() -> None:
        return None

    @app.get("/raw")
    def raw() -> ns.Response:
        return ns.Response("x")

    @app.get("/hidden", include_in_schema=False)
    def hidden(q: int):
        return q

    @app.post("/hidden-body", include_in_schema=False)
    def hidden_body(secret: Secret) -> Secret:
        return secret

    @app.get("/documented", summary="Documented one", description="Long text.",
             response_description="The thing", deprecated=True, operation_id="documented_op",
             tags=["a", "b"])
    def documented():
        return {}

    @app.api_route("/multi", methods=["GET"])
    def multi():
        return {}

    @router.get("/redir", response_class=ns.responses.RedirectResponse)
    def redir():
        return "/x"

    @router.get("/{rest:path}", responses={404: {"model": Message}})
    def catch(rest: str, user_agent: Annotated[str | None, Header()] = None):
        return rest

    app.include_router(router)
    return app


def secured(ns: types.SimpleNamespace) -> Any:
    """Dependencies' parameters, Security with scopes merged along the graph, the schemes
    FastAPI's security classes document."""
    security, Depends, Security, Query = ns.security, ns.Depends, ns.Security, ns.Query
    oauth = security.OAuth2PasswordBearer(tokenUrl="token", scopes={"read": "Read things",
                                                                    "write": "Write things"})
    basic = security.HTTPBasic(description="Basic auth")
    bearer = security.HTTPBearer(bearerFormat="JWT")
    api_key = security.APIKeyHeader(name="X-Key", auto_error=False)
    cookie_key = security.APIKeyCookie(name="k", scheme_name="CookieKey")
    code = security.OAuth2AuthorizationCodeBearer(authorizationUrl="auth", tokenUrl="tok")
    oidc = security.OpenIdConnect(openIdConnectUrl="https://example.com/.well-known")

    def common(q: Optional[str] = None, skip: int = 0,
               limit: Annotated[int, Query(le=100)] = 10):
        return {"q": q}

    def current_user(scopes: security.SecurityScopes, token: str = Depends(oauth)):
        return token

    app = ns.FastAPI(dependencies=[Depends(common)])

    @app.get("/dep")
    def dep(commons: Annotated[dict, Depends(common)],
            user: Annotated[str, Security(current_user, scopes=["read"])],
            again: Annotated[str, Security(oauth, scopes=["write", "read"])]) -> list[Item]:
        return []

    @app.get("/basic")
    def basic_ep(creds=Depends(basic), key: str | None = Depends(api_key)) -> str:
        return "x"

    @app.get("/others", dependencies=[Depends(bearer), Depends(cookie_key)])
    def others(c=Depends(code), o=Depends(oidc)):
        return {}

    return app


def ordered(ns: types.SimpleNamespace) -> Any:
    """Parameters listed as FastAPI lists them: the endpoint's own first, then its
    dependencies' depth first (route dependencies before the endpoint's), one per name
    (a required declaration over an optional one), a class dependency's __init__."""
    Depends, Header, Query, Cookie = ns.Depends, ns.Header, ns.Query, ns.Cookie

    def leaf(z: int = 0, token: Annotated[str | None, Header()] = None):
        return z

    def middle(y: int, leaf_value: int = Depends(leaf),
               session: Annotated[str | None, Cookie()] = None):
        return y

    class Paging:
        def __init__(self, skip: int = 0, limit: int = 10):
            self.skip, self.limit = skip, limit

    def route_level(r: int = 1):
        return r

    app = ns.FastAPI()

    @app.get("/ordered/{item_id}", dependencies=[Depends(route_level)])
    def endpoint(m: int = Depends(middle), item_id: int = 0, a: str = "",
                 paging: Paging = Depends(), y: Annotated[int, Query()] = 5,
                 x_own: Annotated[str, Header()] = ""):
        return {}

    return app


def decorated(ns: types.SimpleNamespace) -> Any:
    """The document-wide settings, responses= with content and headers, openapi_extra, a
    custom generate_unique_id_function on the app and on a router."""
    app = ns.FastAPI(
        title="Decorated", version="3.1", summary="Short", description="Long",
        terms_of_service="https://example.com/terms",
        contact={"name": "Team", "email": "team@example.com"},
        license_info={"name": "MIT", "identifier": "MIT"},
        openapi_tags=[{"name": "items", "description": "Items", "externalDocs": {
            "url": "https://example.com/items"}}],
        servers=[{"url": "https://api.example.com", "description": "Production"}],
        openapi_external_docs={"url": "https://example.com/docs"},
        generate_unique_id_function=lambda route: f"app-{route.name}",
        responses={500: {"description": "Boom", "headers": {"X-Err": {"schema": {
            "type": "string"}}}}})
    router = ns.APIRouter(generate_unique_id_function=lambda route: f"router-{route.name}")

    @app.get("/image", tags=["items"], responses={
        200: {"content": {"image/png": {}}, "description": "An image or JSON"},
        "4XX": {"model": Message}})
    def image(size: int = 1):
        return {}

    @app.post("/extra", openapi_extra={
        "x-aperture-labs-portal": "blue",
        "requestBody": {"content": {"application/x-yaml": {"schema": {"type": "object"}}},
                        "required": True}})
    def extra():
        return {}

    @router.get("/routed")
    def routed():
        return {}

    @router.get("/own", generate_unique_id_function=lambda route: f"own-{route.name}")
    def own():
        return {}

    app.include_router(router, prefix="/sub")
    return app


@dataclasses.dataclass
class Invoice:
    id: str
    customer: str
    total: float
    title: Optional[str] = None


@dataclasses.dataclass
class InvoiceEvent:
    description: str
    paid: bool


@dataclasses.dataclass
class Subscription:
    username: str
    monthly_fee: float


def hooks(ns: types.SimpleNamespace) -> Any:
    """FastAPI's documented OpenAPI callbacks (a router's routes, never served, with a
    runtime-expression path) and webhooks (app.webhooks)."""
    callbacks = ns.APIRouter()

    @callbacks.post("{$callback_url}/invoices/{$request.body.id}")
    def invoice_notification(body: InvoiceEvent):
        pass

    app = ns.FastAPI()

    @app.post("/invoices/", callbacks=callbacks.routes)
    def create_invoice(invoice: Invoice, callback_url: Optional[str] = None):
        return {"msg": "Invoice received"}

    @app.webhooks.post("new-subscription")
    def new_subscription(body: Subscription):
        pass

    @app.get("/unbound/{item_id}")
    def unbound():
        return {}

    return app


def custom(ns: types.SimpleNamespace) -> Any:
    """An app replacing app.openapi with FastAPI's documented recipe: get_openapi over its
    routes, then changed by hand, kept in openapi_schema."""
    app = ns.FastAPI()

    @app.get("/items/")
    async def read_items():
        return [{"name": "Foo"}]

    def custom_openapi():
        if app.openapi_schema:
            return app.openapi_schema
        schema = ns.openapi.utils.get_openapi(
            title="Custom title", version="2.5.0", summary="Summary",
            description="Custom description", routes=app.routes)
        schema["info"]["x-logo"] = {"url": "https://example.com/logo.png"}
        app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = custom_openapi
    return app


APPS = [shop, secured, ordered, decorated, hooks, custom]


@pytest.mark.parametrize("build", APPS, ids=[b.__name__ for b in APPS])
def test_the_document_is_fastapis(build: Any) -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        with ns.TestClient(build(ns)) as client:
            r = client.get("/openapi.json")
            assert r.status_code == 200 and r.headers["content-type"] == "application/json"
            seen.append(r.json())
    assert differences(*seen) == []
    assert seen[1] == seen[0]


def test_root_path_is_the_first_server() -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        app = ns.FastAPI(root_path="/api/v1", servers=[{"url": "https://example.com"}])

        @app.get("/x")
        def x():
            return 1

        with ns.TestClient(app) as client:
            seen.append(client.get("/openapi.json").json()["servers"])
    assert seen[1] == seen[0] == [{"url": "/api/v1"}, {"url": "https://example.com"}]


def test_openapi_is_kept_and_made_anew_for_new_routes() -> None:
    ns = namespace("data_bridge")
    app = ns.FastAPI()

    @app.get("/a")
    def a():
        return 1

    first = app.openapi()
    assert app.openapi() is first and app.openapi_schema is first

    @app.get("/b")
    def b():
        return 2

    assert sorted(app.openapi()["paths"]) == ["/a", "/b"]


def test_without_openapi_url_there_is_no_document_and_no_docs() -> None:
    ns = namespace("data_bridge")
    app = ns.FastAPI(openapi_url=None)
    with ns.TestClient(app) as client:
        assert [client.get(p).status_code for p in ("/openapi.json", "/docs", "/redoc")] == [
            404, 404, 404]


@pytest.mark.parametrize("method,path", [("HEAD", "/openapi.json"), ("HEAD", "/docs"),
                                         ("POST", "/openapi.json"), ("PUT", "/redoc")])
def test_the_documents_routes_answer_as_starlettes(method: str, path: str) -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        with ns.TestClient(ns.FastAPI()) as client:
            r = client.request(method, path)
            # Starlette joins a set of methods: their order is the hash seed's.
            allow = sorted(r.headers.get("allow", "").split(", "))
            seen.append((r.status_code, allow, r.content))
    assert seen[1] == seen[0]


def test_duplicate_operation_ids_are_warned_about_as_fastapi_does() -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        app = ns.FastAPI()

        @app.api_route("/both", methods=["GET", "POST"])
        def both():
            return 1

        @app.get("/a", operation_id="same")
        def first():
            return 1

        @app.get("/b", operation_id="same")
        def second():
            return 2

        with pytest.warns(UserWarning) as caught:
            app.openapi()
        # FastAPI names a route with several methods after the first of a set of them: its
        # method is the hash seed's.
        seen.append(sorted(re.sub(r"_(get|post) ", "_<method> ", str(w.message).split(" at ")[0])
                           for w in caught if "Duplicate Operation ID" in str(w.message)))
    assert seen[1] == seen[0]
