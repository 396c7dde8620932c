"""The interactive docs pages, as FastAPI's fastapi.openapi.docs: Swagger UI (at /docs) and
ReDoc (at /redoc) for an app's OpenAPI document.

    @app.get("/custom-docs", include_in_schema=False)
    def custom_docs():
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="Docs")

FastAPI's pages load Swagger UI and ReDoc from a CDN. Here the apps serve them themselves:
the setup takes them from npm (swagger-ui-dist, redoc; tools/setup.sh docs_ui) and every
app with an OpenAPI document serves them under ASSETS_PATH, so no page reaches outside
the server. The functions take FastAPI's arguments; only the asset URLs' defaults differ.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any, Callable

from ..encoders import jsonable_encoder
from ..lifespan import current_root_path
from ..responses import HTMLResponse, Response

__all__ = [
    "ASSETS_PATH", "get_redoc_html", "get_swagger_ui_html",
    "get_swagger_ui_oauth2_redirect_html", "swagger_ui_default_parameters",
]

# Where an app serves the pages' assets (under its root_path).
ASSETS_PATH = "/_data_bridge/docs"
_ASSETS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
_MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".png": "image/png"}
_ASSETS = ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png",
           "redoc.standalone.js"]

# Swagger UI's settings unless swagger_ui_parameters= changes them (FastAPI's).
swagger_ui_default_parameters: dict[str, Any] = {
    "dom_id": "#swagger-ui",
    "layout": "BaseLayout",
    "deepLinking": True,
    "showExtensions": True,
    "showCommonExtensions": True,
}


def _script_json(value: Any) -> str:
    """JSON that cannot end the <script> it is written into (<, > and & escaped)."""
    text = json.dumps(jsonable_encoder(value))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def get_swagger_ui_html(
    *,
    openapi_url: str,
    title: str,
    swagger_js_url: str = ASSETS_PATH + "/swagger-ui-bundle.js",
    swagger_css_url: str = ASSETS_PATH + "/swagger-ui.css",
    swagger_favicon_url: str = ASSETS_PATH + "/favicon-32x32.png",
    oauth2_redirect_url: str | None = None,
    init_oauth: dict[str, Any] | None = None,
    swagger_ui_parameters: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The Swagger UI page for the document at openapi_url: swagger_ui_parameters over the
    defaults, OAuth2's redirect page at oauth2_redirect_url, init_oauth passed to
    `ui.initOAuth`."""
    settings = {**swagger_ui_default_parameters, **(swagger_ui_parameters or {})}
    options = [f"url: {_script_json(openapi_url)},"]
    options += [f"{_script_json(k)}: {_script_json(v)}," for k, v in settings.items()]
    if oauth2_redirect_url:
        options.append(f"oauth2RedirectUrl: window.location.origin + "
                       f"{_script_json(oauth2_redirect_url)},")
    options.append("presets: [SwaggerUIBundle.presets.apis, "
                   "SwaggerUIBundle.SwaggerUIStandalonePreset],")
    init = f"\nui.initOAuth({_script_json(init_oauth)})" if init_oauth else ""
    newline = "\n    "
    return HTMLResponse(f"""<!DOCTYPE html>
<html>
<head>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link type="text/css" rel="stylesheet" href="{swagger_css_url}">
<link rel="shortcut icon" href="{swagger_favicon_url}">
<title>{title}</title>
</head>
<body>
<div id="swagger-ui"></div>
<script src="{swagger_js_url}"></script>
<script>
const ui = SwaggerUIBundle({{
    {newline.join(options)}
}}){init}
</script>
</body>
</html>
""")


def get_redoc_html(
    *,
    openapi_url: str,
    title: str,
    redoc_js_url: str = ASSETS_PATH + "/redoc.standalone.js",
    redoc_favicon_url: str = ASSETS_PATH + "/favicon-32x32.png",
    with_google_fonts: bool = False,
) -> HTMLResponse:
    """The ReDoc page for the document at openapi_url. with_google_fonts loads ReDoc's
    fonts from Google (FastAPI's default; off here, so the page needs no other server)."""
    fonts = ('<link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|'
             'Roboto:300,400,700" rel="stylesheet">\n' if with_google_fonts else "")
    return HTMLResponse(f"""<!DOCTYPE html>
<html>
<head>
<title>{title}</title>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">
{fonts}<link rel="shortcut icon" href="{redoc_favicon_url}">
<style>
  body {{ margin: 0; padding: 0; }}
</style>
</head>
<body>
<noscript>ReDoc requires Javascript to function. Please enable it to browse the documentation.</noscript>
<redoc spec-url="{openapi_url}"></redoc>
<script src="{redoc_js_url}"></script>
</body>
</html>
""")


def _asset(name: str) -> bytes:
    with open(os.path.join(_ASSETS_DIR, name), "rb") as f:
        return f.read()


@functools.lru_cache(maxsize=1)
def _redirect_script() -> str:
    """swagger-ui-dist's oauth2-redirect.js, read once."""
    return _asset("oauth2-redirect.js").decode()


def get_swagger_ui_oauth2_redirect_html() -> HTMLResponse:
    """The page an OAuth2 provider redirects to from Swagger UI's "Authorize": Swagger UI's
    own redirect script (swagger-ui-dist's oauth2-redirect.js) hands the answer back."""
    script = _redirect_script()
    return HTMLResponse(f"""<!doctype html>
<html lang="en-US">
<head><title>Swagger UI: OAuth2 Redirect</title></head>
<body>
<script>
{script}
</script>
</body>
</html>
""")


def _asset_route(name: str) -> Callable[[], Response]:
    """A handler answering one asset, read on first use."""
    kept: list[Response] = []

    def asset() -> Response:
        if not kept:
            kept.append(Response(_asset(name), media_type=_MEDIA_TYPES[os.path.splitext(name)[1]],
                                 headers={"Cache-Control": "public, max-age=86400"}))
        return kept[0]

    return asset


def docs_pages(app: Any) -> list[tuple[str, Callable[[], Response]]]:
    """(path, handler) of what an app with an OpenAPI document serves beside it, as
    FastAPI's setup adds them: the assets, Swagger UI at docs_url (with its OAuth2
    redirect page) and ReDoc at redoc_url, each page pointing at root_path + openapi_url
    (the request's root_path, as FastAPI reads it from the scope)."""
    pages: list[tuple[str, Callable[[], Response]]] = [
        (f"{ASSETS_PATH}/{name}", _asset_route(name)) for name in _ASSETS]
    if app.docs_url:
        redirect = app.swagger_ui_oauth2_redirect_url

        def swagger_ui_html() -> Response:
            root = current_root_path().rstrip("/")
            return get_swagger_ui_html(
                openapi_url=root + app.openapi_url, title=f"{app.title} - Swagger UI",
                swagger_js_url=root + ASSETS_PATH + "/swagger-ui-bundle.js",
                swagger_css_url=root + ASSETS_PATH + "/swagger-ui.css",
                swagger_favicon_url=root + ASSETS_PATH + "/favicon-32x32.png",
                oauth2_redirect_url=root + redirect if redirect else None,
                init_oauth=app.swagger_ui_init_oauth,
                swagger_ui_parameters=app.swagger_ui_parameters)

        pages.append((app.docs_url, swagger_ui_html))
        if redirect:
            pages.append((redirect, get_swagger_ui_oauth2_redirect_html))
    if app.redoc_url:
        def redoc_html() -> Response:
            root = current_root_path().rstrip("/")
            return get_redoc_html(
                openapi_url=root + app.openapi_url, title=f"{app.title} - ReDoc",
                redoc_js_url=root + ASSETS_PATH + "/redoc.standalone.js",
                redoc_favicon_url=root + ASSETS_PATH + "/favicon-32x32.png")

        pages.append((app.redoc_url, redoc_html))
    return pages
