"""HTTPSRedirectMiddleware: a request over plain HTTP is answered 307 to its https:// URL
(the port dropped when it is 80 or 443), natively before routing."""

from __future__ import annotations

from typing import Any

import data_bridge.plan_pb2 as plan

__all__ = ["HTTPSRedirectMiddleware"]


class HTTPSRedirectMiddleware:
    def __init__(self, app: Any = None) -> None:
        self.app = app

    def to_plan(self) -> Any:
        return plan.HostRule(https_redirect=True)
