"""FastAPI's fastapi.param_functions: the parameter markers, as `from data_bridge import
Query` has them (data_bridge.params defines them)."""

from __future__ import annotations

from .params import Body, Cookie, Depends, File, Form, Header, Path, Query, Security

__all__ = ["Body", "Cookie", "Depends", "File", "Form", "Header", "Path", "Query", "Security"]
