"""Server settings, typed and checked before anything starts: one dataclass per protocol (as
Granian's HTTP1Settings / HTTP2Settings) inside ServerSettings.

    settings = ServerSettings(port=8000, threads=2, http2=HTTP2Settings(max_concurrent_streams=64))
    settings = ServerSettings.from_options("App.run", port=8000, grpc_port=50051)
    ServerSettings(request_timeout="10")   # TypeError: setting 'request_timeout' must be a number

App.run, testing.serve and the command line all build one; the runtime gets it as a
settings.proto message (`to_proto`). Flat keyword options are the App.run spelling:
every field of ServerSettings, `http1`, `http2`, `grpc` (the dataclasses), and the grpc_*
and http2_* fields one by one (grpc_port, grpc_max_receive_message_bytes,
http2_max_concurrent_streams, ...). An unknown name is a TypeError naming it.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from typing import Any, Optional, get_type_hints

import data_bridge.settings_pb2 as pb

MiB = 1024 * 1024


@dataclass(frozen=True)
class HTTP1Settings:
    max_request_line: int = 8 * 1024  # request-target longer: 414
    max_header_bytes: int = 32 * 1024  # header section larger: 431 (HTTP/2: header list)
    max_headers: int = 100  # more field lines: 431
    max_pipelined: int = 64  # responses queued per connection before reads pause
    h2c_upgrade: bool = True  # honour `Upgrade: h2c` on cleartext connections

    def __post_init__(self) -> None:
        _check(self)


@dataclass(frozen=True)
class HTTP2Settings:
    max_concurrent_streams: int = 128
    initial_window_size: int = 256 * 1024  # per stream (RFC 9113 section 6.9.2)
    connection_window_size: int = 1 * MiB

    def __post_init__(self) -> None:
        _check(self)  # windows: at most 2**31 - 1 (RFC 9113 section 6.9.1)


@dataclass(frozen=True)
class GRPCSettings:
    port: Optional[int] = None  # None: no gRPC; 0: any free port
    max_receive_message_bytes: int = 4 * MiB
    max_send_message_bytes: int = 4 * MiB
    keepalive_time_ms: int = 2 * 60 * 60 * 1000  # gRPC's default: a ping after 2 h idle
    keepalive_timeout_ms: int = 20 * 1000
    # The I/O threads serving gRPC calls run SCHED_BATCH: woken by a gRPC thread's burst of
    # calls, a loop waits for that thread to block instead of preempting it at each call,
    # and takes the burst in one pass (on a shared core, ~12% less CPU per unary call).
    batch_scheduling: bool = True

    def __post_init__(self) -> None:
        _check(self)


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000  # 0: any free port
    threads: int = 1  # I/O threads, each with its reactor and asyncio loop
    workers: int = 1  # processes under a supervisor (data_bridge.supervisor)
    max_body_bytes: int = 10 * MiB  # larger: 413
    # A multipart/form-data body to a route that reads a form is parsed as it arrives and
    # its files spooled to disk past 1 MiB: it is bounded by this instead (larger: 413).
    max_upload_bytes: int = 1024 * MiB
    request_timeout: float = 10.0  # seconds from a request's first byte to its end: 408
    keepalive_timeout: float = 5.0  # seconds an idle keep-alive connection stays open
    graceful_timeout: float = 10.0  # seconds requests in flight get at shutdown
    ssl_certfile: Optional[str] = None  # with ssl_keyfile: TLS, ALPN h2 and http/1.1
    ssl_keyfile: Optional[str] = None
    # The ASGI root_path of every request (uvicorn's --root-path): the prefix a proxy in
    # front strips, in request.scope, base_url and url_for, and first among the servers of
    # /openapi.json.
    root_path: str = ""
    http1: HTTP1Settings = field(default_factory=HTTP1Settings)
    http2: HTTP2Settings = field(default_factory=HTTP2Settings)
    grpc: GRPCSettings = field(default_factory=GRPCSettings)

    def __post_init__(self) -> None:
        _check(self)
        if bool(self.ssl_certfile) != bool(self.ssl_keyfile):
            raise ValueError("settings 'ssl_certfile' and 'ssl_keyfile' go together")

    @classmethod
    def from_options(cls, where: str, base: Optional["ServerSettings"] = None,
                     **options: Any) -> "ServerSettings":
        """`base` (default: the defaults) with the App.run-style options applied; None
        values mean "not given". `where` names the caller in errors."""
        top: dict[str, Any] = {}
        nested: dict[str, dict[str, Any]] = {group: {} for group in _GROUPS}
        own = _field_names(cls)
        for name, value in options.items():
            if value is None:
                continue
            prefix, _, rest = name.partition("_")
            if name in own:
                top[name] = value
            elif prefix in _GROUPS and rest in _field_names(_GROUPS[prefix]):
                nested[prefix][rest] = value
            else:
                raise TypeError(f"{where}: unknown setting {name!r}{_suggest(name)}")
        settings = base or _DEFAULTS
        for group, values in nested.items():
            if values:
                inner = top.get(group, getattr(settings, group))
                top[group] = dataclasses.replace(inner, **values)
        return dataclasses.replace(settings, **top)

    def to_proto(self, listen_fds: tuple[int, ...] = ()) -> Any:
        """The settings.proto message the runtime reads: its fields are the dataclasses'
        (workers stays here: the supervisor's; root_path too: the request layer's), None is
        "" and a gRPC port None is off."""
        grpc = dataclasses.asdict(self.grpc)
        grpc.update(enabled=self.grpc.port is not None, port=self.grpc.port or 0)
        top = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
               if f.name not in _GROUPS and f.name not in ("workers", "root_path")}
        return pb.ServerSettings(
            **{k: "" if v is None else v for k, v in top.items()},
            listen_fds=list(listen_fds),
            http1=pb.Http1Settings(**dataclasses.asdict(self.http1)),
            http2=pb.Http2Settings(**dataclasses.asdict(self.http2)),
            grpc=pb.GrpcSettings(**grpc))


def _field_names(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def _all_option_names() -> list[str]:
    names = sorted(_field_names(ServerSettings))
    for group, cls in _GROUPS.items():
        names += [f"{group}_{n}" for n in sorted(_field_names(cls))]
    return names


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, _all_option_names(), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# The range of each integer setting: what the runtime's fields hold (settings.proto: uint32
# for HTTP/2 and HTTP/1.1 counts, int32 for gRPC, uint64 byte limits) and what makes sense.
_RANGES = {"port": (0, 65535), "grpc_port": (0, 65535), "threads": (1, 1024),
           "workers": (1, 1024)}
_GROUP_MAX = {"http1": 2**32 - 1, "http2": 2**31 - 1, "grpc": 2**31 - 1}


def _check(obj: Any) -> None:
    group = next((g for g, cls in _GROUPS.items() if type(obj) is cls), None)
    hints = get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        value, hint = getattr(obj, f.name), hints[f.name]
        name = f"{group}_{f.name}" if group else f.name
        if value is None and hint in (Optional[int], Optional[str]):
            continue
        if hint in (int, Optional[int]):
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"setting {name!r} must be an integer, not "
                                f"{type(value).__name__} {value!r}")
            low, high = _RANGES.get(name, (1, _GROUP_MAX.get(group or "", 2**63 - 1)))
            if not low <= value <= high:
                raise ValueError(f"setting {name!r} must be in {low}..{high}, not {value}")
        elif hint is float:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise TypeError(f"setting {name!r} must be a number of seconds, not "
                                f"{type(value).__name__} {value!r}")
            if not 0 < value < 1e9:
                raise ValueError(f"setting {name!r} must be positive, not {value}")
            object.__setattr__(obj, f.name, float(value))
        elif hint is bool:
            if not isinstance(value, bool):
                raise TypeError(f"setting {name!r} must be True or False, not {value!r}")
        elif hint in (str, Optional[str]):
            if not isinstance(value, str):
                raise TypeError(f"setting {name!r} must be a string, not "
                                f"{type(value).__name__} {value!r}")
        elif not isinstance(value, hint):
            raise TypeError(f"setting {name!r} must be a {hint.__name__}, not "
                            f"{type(value).__name__}")


_GROUPS = {"http1": HTTP1Settings, "http2": HTTP2Settings, "grpc": GRPCSettings}
_DEFAULTS = ServerSettings()
