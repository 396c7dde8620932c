"""CORSMiddleware: Starlette's options and behaviour, carried out natively (the worker
answers preflights before routing, without entering Python, and adds the CORS headers to
every other answer, framework/server/cors.cc).

    app.add_middleware(CORSMiddleware, allow_origins=["https://example.com"],
                       allow_credentials=True, allow_methods=["*"], allow_headers=["*"])

allow_origin_regex is matched whole, with RE2 (the syntax common to Python's re).
"""

from __future__ import annotations

from typing import Any, Collection, Optional

import data_bridge.plan_pb2 as plan

__all__ = ["ALL_METHODS", "SAFELISTED_HEADERS", "CORSMiddleware"]

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
SAFELISTED_HEADERS = {"Accept", "Accept-Language", "Content-Language", "Content-Type"}


class CORSMiddleware:
    def __init__(self, app: Any = None, allow_origins: Collection[str] = (),
                 allow_methods: Collection[str] = ("GET",), allow_headers: Collection[str] = (),
                 allow_credentials: bool = False, allow_origin_regex: Optional[str] = None,
                 allow_private_network: bool = False, expose_headers: Collection[str] = (),
                 max_age: int = 600) -> None:
        """`app` is Starlette's positional slot (the wrapped app); unused here."""
        if "*" in allow_methods:
            allow_methods = ALL_METHODS
        self.allow_origins = list(allow_origins)
        self.allow_methods = list(allow_methods)
        self.allow_all_origins = "*" in allow_origins
        self.allow_all_headers = "*" in allow_headers
        self.allow_credentials = allow_credentials
        self.allow_origin_regex = allow_origin_regex
        self.allow_private_network = allow_private_network
        self.preflight_explicit_allow_origin = not self.allow_all_origins or allow_credentials
        # The headers Starlette precomputes, in its order.
        simple: dict[str, str] = {}
        if self.allow_all_origins:
            simple["Access-Control-Allow-Origin"] = "*"
        if allow_credentials:
            simple["Access-Control-Allow-Credentials"] = "true"
        if expose_headers:
            simple["Access-Control-Expose-Headers"] = ", ".join(expose_headers)
        preflight = {"Vary": "Origin, Access-Control-Request-Method, "
                             "Access-Control-Request-Headers, "
                             "Access-Control-Request-Private-Network"}
        if not self.preflight_explicit_allow_origin:
            preflight["Access-Control-Allow-Origin"] = "*"
        preflight["Access-Control-Allow-Methods"] = ", ".join(allow_methods)
        preflight["Access-Control-Max-Age"] = str(max_age)
        headers = sorted(SAFELISTED_HEADERS | set(allow_headers))
        if headers and not self.allow_all_headers:
            preflight["Access-Control-Allow-Headers"] = ", ".join(headers)
        if allow_credentials:
            preflight["Access-Control-Allow-Credentials"] = "true"
        self.allow_headers = [h.lower() for h in headers]
        self.simple_headers = simple
        self.preflight_headers = preflight

    def to_plan(self) -> Any:
        """The plan.proto Cors message the worker reads."""
        return plan.Cors(
            enabled=True, allow_origins=self.allow_origins,
            allow_origin_regex=self.allow_origin_regex or "",
            allow_all_origins=self.allow_all_origins, allow_credentials=self.allow_credentials,
            allow_methods=self.allow_methods, allow_headers=self.allow_headers,
            allow_all_headers=self.allow_all_headers,
            allow_private_network=self.allow_private_network,
            preflight_explicit_allow_origin=self.preflight_explicit_allow_origin,
            simple_headers=[plan.Cors.Header(name=k, value=v)
                            for k, v in self.simple_headers.items()],
            preflight_headers=[plan.Cors.Header(name=k, value=v)
                               for k, v in self.preflight_headers.items()])
