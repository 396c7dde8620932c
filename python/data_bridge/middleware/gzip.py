"""GZipMiddleware: Starlette's options and behaviour, applied natively and off the GIL
(framework/server/gzip_policy.cc): a complete answer of at least minimum_size bytes, not
already encoded, not a 206 and not of an excluded media type, gets Vary: Accept-Encoding,
and a gzip body when the request accepts gzip.

    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=5)

Streaming answers are compressed piece by piece, as Starlette does (its excluded media types,
server-sent events among them, are left alone).
"""

from __future__ import annotations

from typing import Any

import data_bridge.plan_pb2 as plan

__all__ = ["DEFAULT_EXCLUDED_CONTENT_TYPES", "GZipMiddleware"]

DEFAULT_EXCLUDED_CONTENT_TYPES = (
    "application/grpc", "application/gzip", "application/x-gzip", "application/zip",
    "audio/*", "font/woff", "font/woff2", "image/avif", "image/gif", "image/jpeg",
    "image/png", "image/webp", "text/event-stream", "video/*",
)


class GZipMiddleware:
    def __init__(self, app: Any = None, minimum_size: int = 500, compresslevel: int = 9,
                 thread_minimum_size: int = 128 * 1024, *,
                 exclude_content_types: tuple[str, ...] = DEFAULT_EXCLUDED_CONTENT_TYPES,
                 ) -> None:
        """thread_minimum_size: Starlette's threshold for compressing in a thread; every
        body is compressed off the GIL here, so it changes nothing."""
        if not 0 <= compresslevel <= 9 and compresslevel != -1:
            raise ValueError(f"compresslevel must be -1 or 0..9, not {compresslevel}")
        self.minimum_size = minimum_size
        self.compresslevel = compresslevel
        self.exclude_content_types = tuple(
            t.partition(";")[0].strip().lower() for t in exclude_content_types)

    def to_plan(self) -> Any:
        return plan.Gzip(enabled=True, minimum_size=self.minimum_size,
                         compresslevel=self.compresslevel,
                         exclude_content_types=list(self.exclude_content_types))
