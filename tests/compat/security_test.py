# No `from __future__ import annotations`: handlers annotate with local names.
"""The security schemes as FastAPI's, side by side: OAuth2 password bearer under Security
scopes, HTTP Basic (with a realm) and Bearer, API keys in a header, a query and a cookie,
and auto_error=False; the answers (401s with their WWW-Authenticate too) must match."""

import base64
import types
from typing import Annotated, Any, Optional

import pytest

from tests.compat.differential import namespace


def build(ns: types.SimpleNamespace) -> Any:
    s, Depends, Security = ns.security, ns.Depends, ns.Security
    oauth2 = s.OAuth2PasswordBearer(tokenUrl="token", scopes={"items": "Read items."})
    basic = s.HTTPBasic(realm="test")
    bearer = s.HTTPBearer()
    optional_bearer = s.HTTPBearer(auto_error=False)
    header_key = s.APIKeyHeader(name="x-api-key")
    query_key = s.APIKeyQuery(name="api_key")
    cookie_key = s.APIKeyCookie(name="session")

    async def current_user(scopes: s.SecurityScopes, token: str = Depends(oauth2)):
        if token != "good":
            raise ns.HTTPException(status_code=401, detail="Bad token",
                                   headers={"WWW-Authenticate": f'Bearer scope="{scopes.scope_str}"'})
        return {"token": token, "scopes": scopes.scopes}

    app = ns.FastAPI()

    @app.get("/me")
    async def me(user: Annotated[dict, Security(current_user, scopes=["items"])]):
        return user

    @app.get("/basic")
    def by_basic(credentials: Annotated[s.HTTPBasicCredentials, Depends(basic)]):
        return {"username": credentials.username, "password": credentials.password}

    @app.get("/bearer")
    def by_bearer(credentials: s.HTTPAuthorizationCredentials = Depends(bearer)):
        return {"scheme": credentials.scheme, "credentials": credentials.credentials}

    @app.get("/maybe")
    def maybe(credentials: Optional[s.HTTPAuthorizationCredentials] = Depends(optional_bearer)):
        return {"has": credentials is not None}

    @app.get("/keys")
    def keys(h: str = Depends(header_key), q: str = Depends(query_key),
             c: str = Depends(cookie_key)):
        return [h, q, c]

    return app


def basic_auth(text: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(text.encode()).decode()}


CASES = [
    ("/me", {}, {}),
    ("/me", {"Authorization": "Bearer good"}, {}),
    ("/me", {"Authorization": "Bearer bad"}, {}),
    ("/me", {"Authorization": "Basic x"}, {}),
    ("/basic", basic_auth("ann:secret:x"), {}),
    ("/basic", basic_auth("nocolon"), {}),
    ("/basic", {"Authorization": "Basic !!notbase64"}, {}),
    ("/basic", {}, {}),
    ("/bearer", {"Authorization": "Bearer abc"}, {}),
    ("/bearer", {"Authorization": "Token abc"}, {}),
    ("/bearer", {"Authorization": "Bearer"}, {}),
    ("/maybe", {}, {}),
    ("/maybe", {"Authorization": "Bearer z"}, {}),
    ("/keys?api_key=q1", {"x-api-key": "h1"}, {"session": "c1"}),
    ("/keys?api_key=q1", {"x-api-key": "h1"}, {}),
]


@pytest.mark.parametrize("path,headers,cookies", CASES)
def test_same_answers(path: str, headers: dict[str, str], cookies: dict[str, str]) -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        with ns.TestClient(build(ns), cookies=cookies) as client:
            r = client.get(path, headers=headers)
            seen.append((r.status_code, r.json(), r.headers.get("www-authenticate")))
    assert seen[1] == seen[0]
