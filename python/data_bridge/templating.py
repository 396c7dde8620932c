"""Jinja2 templates as Starlette's and FastAPI's (`fastapi.templating`): pages rendered
from a template directory (or a given Environment) into an HTMLResponse.

    templates = Jinja2Templates(directory="templates")

    @app.get("/items/{id}", response_class=HTMLResponse)
    async def item(request: Request, id: str):
        return templates.TemplateResponse(request, "item.html", {"id": id})

The context has the request (and what each context processor adds); templates may call
`url_for(name, **path_params)`, the request's. Autoescaping follows the template's
extension (jinja2.select_autoescape). jinja2 is the app's dependency, as with Starlette.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jinja2

from .background import BackgroundTask
from .datastructures import URL
from .requests import Request
from .responses import HTMLResponse

__all__ = ["Jinja2Templates"]


class _TemplateResponse(HTMLResponse):
    """A rendered template, keeping the template and context it was made with (as tests
    of Starlette apps read them)."""

    def __init__(self, template: Any, context: dict[str, Any], status_code: int = 200,
                 headers: Mapping[str, str] | None = None, media_type: str | None = None,
                 background: BackgroundTask | None = None) -> None:
        self.template = template
        self.context = context
        super().__init__(template.render(context), status_code, headers, media_type,
                         background)


class Jinja2Templates:
    def __init__(
        self,
        directory: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        *,
        context_processors: list[Callable[[Request], dict[str, Any]]] | None = None,
        env: jinja2.Environment | None = None,
    ) -> None:
        assert bool(directory) ^ bool(env), "either 'directory' or 'env' arguments must be passed"
        self.context_processors = context_processors or []
        if directory is not None:
            self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(directory),
                                          autoescape=jinja2.select_autoescape())
        else:
            assert env is not None
            self.env = env
        self._setup_env_defaults(self.env)

    def _setup_env_defaults(self, env: jinja2.Environment) -> None:
        @jinja2.pass_context
        def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
            request: Request = context["request"]
            return request.url_for(name, **path_params)

        env.globals.setdefault("url_for", url_for)

    def get_template(self, name: str) -> jinja2.Template:
        return self.env.get_template(name)

    def TemplateResponse(  # noqa: N802 (Starlette's name)
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> _TemplateResponse:
        """The template `name` rendered with `context` (the request added, then each
        context processor's additions) as an HTML response."""
        context = context or {}
        context.setdefault("request", request)
        for processor in self.context_processors:
            context.update(processor(request))
        return _TemplateResponse(self.get_template(name), context, status_code=status_code,
                                 headers=headers, media_type=media_type, background=background)
