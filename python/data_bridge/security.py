"""Security schemes as dependencies (FastAPI's fastapi.security): each reads the request's
credentials and answers 401 "Not authenticated" (with FastAPI's WWW-Authenticate) when
they are missing, or returns None with auto_error=False.

    oauth2 = OAuth2PasswordBearer(tokenUrl="token")

    async def current_user(scopes: SecurityScopes, token: str = Depends(oauth2)): ...

    @app.get("/me")
    async def me(user=Security(current_user, scopes=["me"])): ...

`model` is the scheme's OpenAPI Security Scheme Object, `scheme_name` its name there.
"""

from __future__ import annotations

import binascii
import dataclasses
from base64 import b64decode
from typing import Annotated, Any, Optional

from .exceptions import HTTPException
from .params import Form
from .requests import Request

__all__ = [
    "APIKeyCookie", "APIKeyHeader", "APIKeyQuery", "HTTPAuthorizationCredentials", "HTTPBase",
    "HTTPBasic", "HTTPBasicCredentials", "HTTPBearer", "HTTPDigest", "OAuth2",
    "OAuth2AuthorizationCodeBearer", "OAuth2PasswordBearer", "OpenIdConnect", "SecurityBase",
    "SecurityScopes", "get_authorization_scheme_param",
]


class SecurityScopes:
    """The OAuth2 scopes required by the Security dependencies from the route down to the
    dependency that takes this parameter, in order, each once."""

    def __init__(self, scopes: Optional[list[str]] = None) -> None:
        self.scopes: list[str] = scopes or []
        self.scope_str: str = " ".join(self.scopes)


def get_authorization_scheme_param(value: Optional[str]) -> tuple[str, str]:
    """'Bearer abc' -> ('Bearer', 'abc'); ('', '') for none."""
    if not value:
        return "", ""
    scheme, _, param = value.partition(" ")
    return scheme, param.strip()


@dataclasses.dataclass
class HTTPBasicCredentials:
    username: str
    password: str


@dataclasses.dataclass
class HTTPAuthorizationCredentials:
    scheme: str
    credentials: str


def _openapi(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class SecurityBase:
    model: dict[str, Any]
    scheme_name: str
    auto_error: bool = True
    challenge = "Bearer"  # the WWW-Authenticate of the 401

    def make_not_authenticated_error(self) -> HTTPException:
        return HTTPException(status_code=401, detail="Not authenticated",
                             headers={"WWW-Authenticate": self.challenge})

    def _missing(self) -> None:
        """No credentials: the 401, unless auto_error is off (the caller returns None)."""
        if self.auto_error:
            raise self.make_not_authenticated_error()


class _APIKey(SecurityBase):
    where = "query"
    challenge = "APIKey"

    def __init__(self, *, name: str, scheme_name: Optional[str] = None,
                 description: Optional[str] = None, auto_error: bool = True) -> None:
        self.model = _openapi(type="apiKey", description=description, name=name,
                              **{"in": self.where})
        self.name = name
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error

    def check_api_key(self, api_key: Optional[str]) -> Optional[str]:
        if not api_key:
            self._missing()
            return None
        return api_key


class APIKeyQuery(_APIKey):
    where = "query"

    async def __call__(self, request: Request) -> Optional[str]:
        return self.check_api_key(request.query_params.get(self.name))


class APIKeyHeader(_APIKey):
    where = "header"

    async def __call__(self, request: Request) -> Optional[str]:
        return self.check_api_key(request.headers.get(self.name))


class APIKeyCookie(_APIKey):
    where = "cookie"

    async def __call__(self, request: Request) -> Optional[str]:
        return self.check_api_key(request.cookies.get(self.name))


class HTTPBase(SecurityBase):
    only: Optional[str] = None  # the one scheme accepted (lower-case); None: any

    def __init__(self, *, scheme: str, scheme_name: Optional[str] = None,
                 description: Optional[str] = None, auto_error: bool = True) -> None:
        self.model = _openapi(type="http", description=description, scheme=scheme)
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error
        self.challenge = scheme.title()

    async def __call__(self, request: Request) -> Optional[HTTPAuthorizationCredentials]:
        authorization = request.headers.get("Authorization")
        scheme, credentials = get_authorization_scheme_param(authorization)
        if not (authorization and scheme and credentials) or (
                self.only is not None and scheme.lower() != self.only):
            self._missing()
            return None
        return HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials)


class HTTPBasic(HTTPBase):
    def __init__(self, *, scheme_name: Optional[str] = None, realm: Optional[str] = None,
                 description: Optional[str] = None, auto_error: bool = True) -> None:
        super().__init__(scheme="basic", scheme_name=scheme_name, description=description,
                         auto_error=auto_error)
        self.realm = realm
        self.challenge = f'Basic realm="{realm}"' if realm else "Basic"

    async def __call__(self, request: Request) -> Optional[HTTPBasicCredentials]:  # type: ignore[override]
        authorization = request.headers.get("Authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if not authorization or scheme.lower() != "basic":
            self._missing()
            return None
        try:
            data = b64decode(param).decode("ascii")
        except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
            raise self.make_not_authenticated_error() from exc
        username, separator, password = data.partition(":")
        if not separator:
            raise self.make_not_authenticated_error()
        return HTTPBasicCredentials(username=username, password=password)


class HTTPBearer(HTTPBase):
    only = "bearer"

    def __init__(self, *, bearerFormat: Optional[str] = None, scheme_name: Optional[str] = None,
                 description: Optional[str] = None, auto_error: bool = True) -> None:
        super().__init__(scheme="bearer", scheme_name=scheme_name, description=description,
                         auto_error=auto_error)
        self.model = _openapi(type="http", description=description, scheme="bearer",
                              bearerFormat=bearerFormat)


class HTTPDigest(HTTPBase):
    only = "digest"

    def __init__(self, *, scheme_name: Optional[str] = None, description: Optional[str] = None,
                 auto_error: bool = True) -> None:
        super().__init__(scheme="digest", scheme_name=scheme_name, description=description,
                         auto_error=auto_error)


class OAuth2(SecurityBase):
    """The Authorization header as sent (OAuth2 flows in `flows`, OpenAPI's OAuthFlows)."""

    def __init__(self, *, flows: Optional[dict[str, Any]] = None,
                 scheme_name: Optional[str] = None, description: Optional[str] = None,
                 auto_error: bool = True) -> None:
        self.model = _openapi(type="oauth2", flows=flows or {}, description=description)
        self.scheme_name = scheme_name or type(self).__name__
        self.auto_error = auto_error

    async def __call__(self, request: Request) -> Optional[str]:
        authorization = request.headers.get("Authorization")
        if not authorization:
            self._missing()
            return None
        return authorization


class _BearerFlow(OAuth2):
    async def __call__(self, request: Request) -> Optional[str]:
        authorization = request.headers.get("Authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if not authorization or scheme.lower() != "bearer":
            self._missing()
            return None
        return param


class OAuth2PasswordBearer(_BearerFlow):
    """The bearer token of the password flow (`tokenUrl`: where clients get one)."""

    def __init__(self, tokenUrl: str, scheme_name: Optional[str] = None,
                 scopes: Optional[dict[str, str]] = None, description: Optional[str] = None,
                 auto_error: bool = True, refreshUrl: Optional[str] = None) -> None:
        flow = _openapi(tokenUrl=tokenUrl, refreshUrl=refreshUrl, scopes=scopes or {})
        super().__init__(flows={"password": flow}, scheme_name=scheme_name,
                         description=description, auto_error=auto_error)


class OAuth2AuthorizationCodeBearer(_BearerFlow):
    def __init__(self, authorizationUrl: str, tokenUrl: str, refreshUrl: Optional[str] = None,
                 scheme_name: Optional[str] = None, scopes: Optional[dict[str, str]] = None,
                 description: Optional[str] = None, auto_error: bool = True) -> None:
        flow = _openapi(authorizationUrl=authorizationUrl, tokenUrl=tokenUrl,
                        refreshUrl=refreshUrl, scopes=scopes or {})
        super().__init__(flows={"authorizationCode": flow}, scheme_name=scheme_name,
                         description=description, auto_error=auto_error)


class OpenIdConnect(OAuth2):
    def __init__(self, *, openIdConnectUrl: str, scheme_name: Optional[str] = None,
                 description: Optional[str] = None, auto_error: bool = True) -> None:
        super().__init__(scheme_name=scheme_name, description=description,
                         auto_error=auto_error)
        self.model = _openapi(type="openIdConnect", openIdConnectUrl=openIdConnectUrl,
                              description=description)


class OAuth2PasswordRequestForm:
    """The form of OAuth2's password flow (RFC 6749 section 4.3.2), as a class dependency:
    `form: Annotated[OAuth2PasswordRequestForm, Depends()]`. username and password are
    required; grant_type, if sent, must be "password"; scope is a space-separated string,
    split into `scopes`; client_id and client_secret are optional (HTTP Basic is the
    usual way to send them)."""

    def __init__(
        self,
        *,
        grant_type: Annotated[Optional[str], Form(pattern="^password$")] = None,
        username: Annotated[str, Form()],
        password: Annotated[str, Form(json_schema_extra={"format": "password"})],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[Optional[str], Form()] = None,
        client_secret: Annotated[Optional[str],
                                 Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        self.grant_type = grant_type
        self.username = username
        self.password = password
        self.scopes = scope.split()
        self.client_id = client_id
        self.client_secret = client_secret


class OAuth2PasswordRequestFormStrict(OAuth2PasswordRequestForm):
    """OAuth2PasswordRequestForm with grant_type required, as the specification asks (and,
    as FastAPI's, its password fields documented as plain strings)."""

    def __init__(
        self,
        grant_type: Annotated[str, Form(pattern="^password$")],
        username: Annotated[str, Form()],
        password: Annotated[str, Form()],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[Optional[str], Form()] = None,
        client_secret: Annotated[Optional[str], Form()] = None,
    ) -> None:
        super().__init__(grant_type=grant_type, username=username, password=password,
                         scope=scope, client_id=client_id, client_secret=client_secret)
