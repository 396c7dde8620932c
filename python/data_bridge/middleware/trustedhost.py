"""TrustedHostMiddleware: Starlette's options and answers (400 "Invalid host header", or
307 to the www. variant), checked natively before routing (framework/server/host_check.cc).

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=["example.com", "*.example.com"])
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import data_bridge.plan_pb2 as plan

__all__ = ["ENFORCE_DOMAIN_WILDCARD", "TrustedHostMiddleware"]

ENFORCE_DOMAIN_WILDCARD = "Domain wildcard patterns must be like '*.example.com'."


class TrustedHostMiddleware:
    def __init__(self, app: Any = None, allowed_hosts: Optional[Sequence[str]] = None,
                 www_redirect: bool = True) -> None:
        if allowed_hosts is None:
            allowed_hosts = ["*"]
        for pattern in allowed_hosts:
            assert "*" not in pattern[1:], ENFORCE_DOMAIN_WILDCARD
            if pattern.startswith("*") and pattern != "*":
                assert pattern.startswith("*."), ENFORCE_DOMAIN_WILDCARD
        self.allowed_hosts = [p.lower() for p in allowed_hosts]
        self.www_redirect = www_redirect

    def to_plan(self) -> Any:
        return plan.HostRule(trusted_host=plan.HostRule.TrustedHost(
            allowed_hosts=self.allowed_hosts, www_redirect=self.www_redirect))
