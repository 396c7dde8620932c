"""Settings: typed, checked where they are given, and the same defaults the runtime's C++
configs have."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from data_bridge import App, _core
from data_bridge import settings_pb2 as pb
from data_bridge.settings import GRPCSettings, HTTP1Settings, HTTP2Settings, ServerSettings


def test_defaults_are_the_runtimes() -> None:
    ours = ServerSettings().to_proto()
    theirs = pb.ServerSettings.FromString(_core.default_settings())
    ours.grpc.ClearField("enabled")  # the C++ side has no "off": GrpcServer runs when built
    assert ours == theirs


def test_an_unknown_option_is_named_with_a_suggestion() -> None:
    with pytest.raises(TypeError, match=r"App.run: unknown setting 'max_body_byte' "
                                        r"\(did you mean 'max_body_bytes'\?\)"):
        ServerSettings.from_options("App.run", max_body_byte=1)
    with pytest.raises(TypeError, match=r"unknown setting 'grpc_prot' \(did you mean 'grpc_port'"):
        ServerSettings.from_options("App.run", grpc_prot=1)
    with pytest.raises(TypeError, match="unknown setting 'colour'$"):
        ServerSettings.from_options("App.run", colour="red")


@pytest.mark.parametrize("options, error, message", [
    ({"request_timeout": "10"}, TypeError, "setting 'request_timeout' must be a number of seconds, not str '10'"),
    ({"port": 8000.0}, TypeError, "setting 'port' must be an integer, not float 8000.0"),
    ({"port": True}, TypeError, "setting 'port' must be an integer, not bool True"),
    ({"port": 70000}, ValueError, "setting 'port' must be in 0..65535, not 70000"),
    ({"threads": 0}, ValueError, "setting 'threads' must be in 1..1024, not 0"),
    ({"keepalive_timeout": -1}, ValueError, "setting 'keepalive_timeout' must be positive, not -1"),
    ({"http2_max_concurrent_streams": 2**32}, ValueError,
     "setting 'http2_max_concurrent_streams' must be in 1..2147483647, not 4294967296"),
    ({"http1_h2c_upgrade": "no"}, TypeError, "setting 'http1_h2c_upgrade' must be True or False, not 'no'"),
    ({"grpc_port": "50051"}, TypeError, "setting 'grpc_port' must be an integer, not str '50051'"),
    ({"ssl_certfile": "cert.pem"}, ValueError, "settings 'ssl_certfile' and 'ssl_keyfile' go together"),
    ({"http2": {"max_concurrent_streams": 8}}, TypeError, "setting 'http2' must be a HTTP2Settings, not dict"),
])
def test_a_mistyped_option_is_named(options: dict[str, Any], error: type[Exception],
                                    message: str) -> None:
    with pytest.raises(error) as e:
        ServerSettings.from_options("App.run", **options)
    assert str(e.value) == message


def test_options_apply_over_a_base_field_by_field() -> None:
    base = ServerSettings(port=9000, http2=HTTP2Settings(max_concurrent_streams=8))
    s = ServerSettings.from_options("App.run", base, threads=2, http2_initial_window_size=1024,
                                    grpc_port=0, request_timeout=3, host=None)
    assert (s.port, s.threads, s.host, s.request_timeout) == (9000, 2, "127.0.0.1", 3.0)
    assert isinstance(s.request_timeout, float)
    assert s.http2 == HTTP2Settings(max_concurrent_streams=8, initial_window_size=1024)
    assert s.grpc == GRPCSettings(port=0)
    whole = ServerSettings.from_options("x", http1=HTTP1Settings(max_headers=10),
                                        http1_max_pipelined=4)
    assert whole.http1 == HTTP1Settings(max_headers=10, max_pipelined=4)


def test_the_proto_carries_every_field() -> None:
    s = ServerSettings(host="0.0.0.0", port=1, threads=3, max_body_bytes=5, request_timeout=1.5,
                       ssl_certfile="c", ssl_keyfile="k", grpc=GRPCSettings(port=7))
    m = s.to_proto(listen_fds=(4, 5))
    assert (m.host, m.port, m.threads, m.max_body_bytes, m.request_timeout) == (
        "0.0.0.0", 1, 3, 5, 1.5)
    assert (m.ssl_certfile, m.ssl_keyfile, list(m.listen_fds)) == ("c", "k", [4, 5])
    assert (m.grpc.enabled, m.grpc.port) == (True, 7)
    assert not ServerSettings().to_proto().grpc.enabled
    # every dataclass field reaches a proto field of the same name
    for cls, msg in ((HTTP1Settings, m.http1), (HTTP2Settings, m.http2), (GRPCSettings, m.grpc)):
        assert {f.name for f in dataclasses.fields(cls)} <= {f.name for f in msg.DESCRIPTOR.fields}


def test_app_checks_its_settings_when_made_and_run() -> None:
    with pytest.raises(ValueError, match="request_timeout"):
        App(request_timeout=0)
    app = App(max_body_bytes=1024)
    assert app.settings.max_body_bytes == 1024
    with pytest.raises(TypeError, match="App.run: unknown setting 'keepalive'"):
        app.run(port=0, keepalive=1)  # refused before anything binds
