# No `from __future__ import annotations`: handlers annotate with local names.
"""TrustedHostMiddleware and HTTPSRedirectMiddleware as Starlette's, side by side: allowed,
wildcard, www redirect, refused and malformed hosts, and the redirect to https (port kept
or dropped), each in both orders. (A Host that is not one by RFC 9110 is refused earlier
here, by the HTTP layer, with its own 400.)"""

import types
from typing import Any

import fastapi.middleware.httpsredirect
import fastapi.middleware.trustedhost
import pytest

import data_bridge.middleware.httpsredirect
import data_bridge.middleware.trustedhost
from tests.compat.differential import namespace


def build(ns: types.SimpleNamespace, stack: str) -> Any:
    ours = ns.FastAPI is not fastapi.FastAPI
    trusted = (data_bridge.middleware.trustedhost.TrustedHostMiddleware if ours
               else fastapi.middleware.trustedhost.TrustedHostMiddleware)
    https = (data_bridge.middleware.httpsredirect.HTTPSRedirectMiddleware if ours
             else fastapi.middleware.httpsredirect.HTTPSRedirectMiddleware)
    app = ns.FastAPI()

    @app.get("/where")
    def where():
        return {"ok": True}

    hosts = ["example.com", "*.example.org", "www.shop.example", "testserver"]
    for name in stack.split("+"):  # innermost first, as add_middleware stacks them
        if name == "trusted":
            app.add_middleware(trusted, allowed_hosts=hosts)
        elif name == "https":
            app.add_middleware(https)
    return app


HOSTS = ["example.com", "EXAMPLE.com:8080", "a.example.org", "example.org", "shop.example",
         "evil.example", "exa_mple.com", "[::1]:8080", "example.com:443"]


@pytest.mark.parametrize("stack", ["trusted", "https", "trusted+https", "https+trusted"])
@pytest.mark.parametrize("host", HOSTS)
def test_same_answers(stack: str, host: str) -> None:
    seen = []
    for which in ("fastapi", "data_bridge"):
        ns = namespace(which)
        with ns.TestClient(build(ns, stack), follow_redirects=False) as client:
            r = client.get("/where?x=1", headers={"host": host})
            seen.append((r.status_code, r.content, r.headers.get("location")))
    assert seen[1] == seen[0]
