"""Writes the fuzz targets' seed corpora (run from the repository root with Debian's python3,
which has h2): /usr/bin/python3 tests/fuzz/make_seeds.py

Seeds are named seed-*; files the fuzzers found (crash-*, new coverage kept by hand) live
beside them and are never removed. HTTP/1.1 seeds are the hostile-client table's cases;
HTTP/2 seeds are client frame sequences made with the h2 library.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.getcwd())

import h2.config  # noqa: E402
import h2.connection  # noqa: E402


def fuzz_seed_bytes(first_flip: bool) -> bytes:
    """Two leading bytes whose FuzzInput choice stream starts with Flip() == first_flip
    (tools/fuzz/fuzz_input.h's xorshift, mirrored)."""
    for b0 in range(256):
        state = ((b0 << 8) * 2654435761 + 1) & 0xFFFFFFFF
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        if (state % 2 == 1) == first_flip:
            return bytes([b0, 0])
    raise AssertionError


def write(folder: str, seeds: dict[str, bytes]) -> None:
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if old.startswith("seed-"):
            os.remove(os.path.join(folder, old))
    for name, data in seeds.items():
        with open(os.path.join(folder, "seed-" + name), "wb") as f:
            f.write(data)


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name)


def http1_seeds() -> dict[str, bytes]:
    from tests.integration.hostile_http1_test import CASES

    seeds = {}
    for i, case in enumerate(CASES):
        seeds[slug(case.name)] = bytes([i, 7]) + case.data
    pipelined = b"".join(b"GET /%d HTTP/1.1\r\nHost: t\r\n\r\n" % i for i in range(6))
    seeds["pipelined"] = b"\x01\x02" + pipelined
    seeds["expect-continue"] = (b"\x03\x04POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                                b"Content-Length: 2\r\n\r\n{}")
    h2c = (b"GET / HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
           b"HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
    seeds["h2c-upgrade"] = b"\x05\x06" + h2c + client_frames(upgraded=True)[:200]
    for bad in (b"a=b", b"AAAA", b""):
        seeds["h2c-settings-" + slug(bad.decode() or "empty")] = b"\x07\x08" + h2c.replace(
            b"AAMAAABkAARAAAAAAAIAAAAA", bad)
    seeds["http10-keepalive"] = b"\x09\x0aGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" * 2
    return seeds


def client_frames(upgraded: bool = False, scenario: str = "get") -> bytes:
    config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
    conn = h2.connection.H2Connection(config=config)
    if upgraded:
        conn.initiate_upgrade_connection()
    else:
        conn.initiate_connection()
    out = conn.data_to_send()
    get = [(":method", "GET"), (":scheme", "http"), (":authority", "t"), (":path", "/a?b=1")]
    post = [(":method", "POST"), (":scheme", "http"), (":authority", "t"), (":path", "/items"),
            ("content-type", "application/json")]
    if scenario == "get":
        conn.send_headers(1 if not upgraded else 3, get, end_stream=True)
    elif scenario == "post":
        conn.send_headers(1, post)
        conn.send_data(1, b'{"name":"pen","price":1}')
        conn.send_headers(1, [("x-trailer", "1")], end_stream=True)
    elif scenario == "many":
        for sid in range(1, 40, 2):
            conn.send_headers(sid, get, end_stream=sid % 4 == 1)
        conn.reset_stream(3)
        conn.ping(b"12345678")
        conn.increment_flow_control_window(100000)
        conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 10})
    elif scenario == "goaway":
        conn.send_headers(1, get)
        conn.close_connection()
    out += conn.data_to_send()
    return out


def http2_seeds() -> dict[str, bytes]:
    plain, upgrade = fuzz_seed_bytes(False), fuzz_seed_bytes(True)
    seeds = {name: plain + client_frames(scenario=name) for name in ("get", "post", "many",
                                                                       "goaway")}
    seeds["upgraded"] = upgrade + b"AAMAAABkAARAAAAAAAIAAAAA\n" + client_frames(upgraded=True)
    seeds["upgrade-bad-settings"] = upgrade + b"a=b\n" + client_frames()
    seeds["bad-preface"] = plain + b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"
    return seeds


def binder_seeds() -> dict[str, bytes]:
    sep = b"\xff"
    ok = b'{"name":"pen","price":1.5,"tags":["a","b"],"status":"sold","when":null,' \
         b'"email":"a@b.co","counts":{"x":1},"pet":{"kind":"cat","lives":9},"either":3}'
    return {
        "json": sep.join([b"7", b"limit=10&tag=123e4567-e89b-12d3-a456-426614174000&flag=yes",
                          b"1.5", b"application/json", ok]),
        "form": sep.join([b"1", b"", b"", b"application/x-www-form-urlencoded",
                          b"name=pen&price=2"]),
        "errors": sep.join([b"0", b"limit=1000&tag=x&flag=maybe", b"nan", b"application/json",
                            b'{"name":"PEN","price":-1,"tags":["a","a"],"pet":{"kind":"dog",'
                            b'"bark":1,"x":2}}']),
        "bad-json": sep.join([b"x", b"%zz", b"", b"application/json", b'{"name":']),
        "media-type": sep.join([b"1", b"", b"", b"text/plain", b"hello"]),
    }


def url_seeds() -> dict[str, bytes]:
    return {"query": b"a=1&b=%20x+y&c&&d=%zz", "authority": b"example.com:8080",
            "ipv6": b"[::1]:80", "nul": b"/a%00b", "userinfo": b"u@h", "pct": b"%41%4"}


def main() -> int:
    write("framework/server/http1_session_fuzz_corpus", http1_seeds())
    write("framework/http2/http2_codec_fuzz_corpus", http2_seeds())
    write("framework/server/binder_fuzz_corpus", binder_seeds())
    write("framework/http/url_fuzz_corpus", url_seeds())
    return 0


if __name__ == "__main__":
    sys.exit(main())
