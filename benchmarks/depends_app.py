"""//benchmarks:depends's app, one source for both servers (the framework's imports are
the only difference, chosen by DEPENDS_APP_FRAMEWORK=fastapi|data_bridge): a two-level
Depends chain, an OAuth2 bearer under Security scopes, and CORS middleware."""

from __future__ import annotations

import os
from typing import Any

if os.environ.get("DEPENDS_APP_FRAMEWORK") == "fastapi":
    from fastapi import Depends, FastAPI, Header, HTTPException, Security
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.security import OAuth2PasswordBearer, SecurityScopes
else:
    from data_bridge import Depends, FastAPI, Header, HTTPException, Security
    from data_bridge.middleware.cors import CORSMiddleware
    from data_bridge.security import OAuth2PasswordBearer, SecurityScopes

USERS = {"token-ann": {"name": "ann", "scopes": ["orders", "me"]}}
oauth2 = OAuth2PasswordBearer(tokenUrl="token", scopes={"orders": "Read orders."})


async def get_settings() -> dict[str, Any]:  # the second level
    return {"region": "eu", "currency": "EUR"}


async def get_tenant(settings: dict[str, Any] = Depends(get_settings),
                     x_tenant: str = Header(default="acme")) -> dict[str, Any]:  # the first
    return {"name": x_tenant, "region": settings["region"], "currency": settings["currency"]}


async def current_user(scopes: SecurityScopes, token: str = Depends(oauth2)) -> dict[str, Any]:
    user = USERS.get(token)
    if user is None:
        raise HTTPException(status_code=401, detail="Invalid token",
                            headers={"WWW-Authenticate": "Bearer"})
    for scope in scopes.scopes:
        if scope not in user["scopes"]:
            raise HTTPException(status_code=403, detail="Not enough permissions")
    return user


app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example"],
                   allow_credentials=True, allow_methods=["*"], allow_headers=["*"])


@app.get("/orders/{order_id}")
async def get_order(order_id: int, tenant: dict[str, Any] = Depends(get_tenant),
                    user: dict[str, Any] = Security(current_user, scopes=["orders"])) -> Any:
    return {"id": order_id, "tenant": tenant["name"], "currency": tenant["currency"],
            "owner": user["name"]}
