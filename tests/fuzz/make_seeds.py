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


def compiled_seeds() -> dict[str, bytes]:
    """Type index (codegen/back/cpp's petstore_api then shapes_api table order), then input."""
    pet = (b'{"name":"Rex","age":null,"weight":"2.5","owner":{"email":"a@b.co"},'
           b'"tags":["x","y"],"kind":{"kind":"cat","lives":7},"attributes":{"legs":4}}')
    bad_pet = (b'{"name":"R2-D2","age":100,"weight":0.7,"owner":{"email":"nope"},'
               b'"tags":["a","a"],"kind":{"kind":"cow"},"attributes":{"legs":"four"},"x":1}')
    node = (b'{"label":"root","children":[{"label":"a","value":3},{"label":"b","value":"xy",'
            b'"grid":[[1.5,2],[]],"mode":"fast"}],"parent":null,'
            b'"id":"123e4567-e89b-12d3-a456-426614174000"}')
    return {
        "cat": b"\x00" + b'{"kind":"cat","lives":9}',
        "dog": b"\x01" + b'{"kind":"dog","barks":true}',
        "new-pet": b"\x04" + pet,
        "new-pet-errors": b"\x04" + bad_pet,
        "pet": b"\x06" + pet[:-1] + b',"id":3}',
        "limit": b"\x07" + b"10",
        "tags": b"\x08" + b"a\xffb\xffc",
        "status": b"\x09" + b"sold",
        "request-id": b"\x0a" + b"123e4567-e89b-12d3-a456-426614174000",
        "create-body": b"\x0b" + pet,
        "pet-id": b"\x0c" + b"-1",
        "node": b"\x0e" + node,
        "node-value": b"\x0f" + b'"abcd"',
        "tree-id": b"\x10" + b"not-a-uuid",
        "depth": b"\x11" + b"1\xff2\xff3\xff4",
        "mode": b"\x12" + b"slow",
        "deep": b"\x13" + b'{"label":"x","parent":' * 40 + b'null' + b'}' * 40,
    }


def json_encoder_seeds() -> dict[str, bytes]:
    """Programs for framework/python/json_encoder_fuzz.py's build()."""
    import struct

    def f(x: float) -> bytes:
        return bytes([5]) + struct.pack("<d", x)

    def s(text: bytes) -> bytes:
        return bytes([6, len(text)]) + text + b"\x01"

    def seq(op: int, items: list[bytes]) -> bytes:
        return bytes([op, len(items)]) + b"".join(items)

    def dict_(pairs: list[tuple[bytes, bytes]]) -> bytes:
        return bytes([10, len(pairs)]) + b"".join(b"\x01" + k + v for k, v in pairs)

    floats = [f(x) for x in (0.0001, 1e16, 1e15, 100000.0, -0.0, 1.5, 1e-7, 123456789.125,
                             5e-324, 1.7976931348623157e308, float("nan"), float("inf"))]
    seeds = {
        "floats": seq(8, floats[:5]),
        "floats-2": seq(9, floats[5:10]),
        "nan": f(float("nan")),
        "ints": seq(8, [b"\x03" + (2**63 - 1).to_bytes(8, "little"),
                        b"\x04\x10" + (2**120).to_bytes(16, "little"), b"\x03" + b"\xff" * 8]),
        "strings": seq(8, [s(b'a"b\\c\n\x01\x7f'), s("é€😀".encode()),
                           s(b"\xed\xa0\x80"), bytes([7, 3]) + b"\x00\xd8\x00" + b"A\x00\x00"
                           + b"\x00\x00\x11"]),
        "dict": dict_([(s(b"k"), b"\x01"), (b"\x03" + bytes(8), b"\x00"), (f(2.5), b"\x02"),
                       (b"\x01", b"\x00"), (b"\x00", b"\x00")]),
        "sets": seq(8, [bytes([11, 2, 1, 3]) + bytes(8) + b"\x01\x01", bytes([12, 0])]),
        "enums": seq(8, [bytes([13, 0]), bytes([13, 2]), bytes([14, 1]), bytes([15, 1])]),
        "uuid-dates": seq(8, [bytes([16]) + bytes(range(16)), bytes([17, 1, 2, 3]),
                              bytes([18, 1, 2, 3, 4, 5, 1, 30, 7]), bytes([19, 13, 14, 15, 16])]),
        "dataclass": bytes([20]) + s(b"x") + bytes([21, 0]),
        "cycle": seq(8, [bytes([22])]),
        "not-serialisable": seq(8, [bytes([23])]),
        "deep": bytes([8, 1]) * 80 + b"\x00",
    }
    return seeds


def lowering_seeds() -> dict[str, bytes]:
    """.proto sources for codegen/front/proto's lowering: the example and error test files,
    and the shapes they do not have."""
    seeds = {}
    for path in ("examples/library/library.proto", "codegen/front/proto/testdata/bad_path.proto",
                 "codegen/front/proto/testdata/bad_stream.proto"):
        with open(path, "rb") as f:
            seeds[slug(os.path.basename(path))] = f.read()
    seeds["shapes"] = b"""syntax = "proto3";
package shapes.v1;
import "google/api/annotations.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/any.proto";
message Node { enum Kind { KIND_UNSPECIFIED = 0; LEAF = 1; }
  string id = 1; repeated Node children = 2; map<string, Node> named = 3;
  oneof pick { int32 n = 4; string s = 5; } google.protobuf.Struct meta = 6;
  google.protobuf.Duration ttl = 7; google.protobuf.Any extra = 8; bytes blob = 9;
  optional double weight = 10; }
message Get { string id = 1; Node.Kind kind = 2; }
service Trees {
  rpc GetNode(Get) returns (Node) { option (google.api.http) = { get: "/v1/{id=nodes/*}/x:get"
    response_body: "children" additional_bindings { post: "/v1/nodes:get" body: "*" } }; }
  rpc Watch(Get) returns (stream Node) { option (google.api.http) = { custom { kind: "HEAD"
    path: "/v1/{id}" } }; }
}
"""
    seeds["bad-template"] = (b'syntax = "proto3"; package p; import "google/api/annotations.proto";'
                             b' message M { string a = 1; } service S { rpc R(M) returns (M) {'
                             b' option (google.api.http) = { get: "/v1/{a" }; } }')
    return seeds


def openapi_seeds() -> dict[str, bytes]:
    """OpenAPI documents: the test and example specs, and damaged shapes."""
    seeds = {}
    for path in ("codegen/front/openapi/testdata/petstore.yaml", "examples/orders/orders.yaml",
                 "examples/petstore/petstore.yaml", "codegen/back/cpp/testdata/shapes.yaml"):
        with open(path, "rb") as f:
            seeds[slug(path.split("/")[-3] + "-" + os.path.basename(path))] = f.read()
    seeds["json"] = (b'{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a/{id}":'
                     b'{"get":{"operationId":"a","parameters":[{"name":"id","in":"path",'
                     b'"required":true,"schema":{"type":"integer"}}],"responses":{"200":'
                     b'{"description":"ok"}}}}}}')
    seeds["ref-cycle"] = (b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
                          b"components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n"
                          b"    B: {$ref: '#/components/schemas/A'}\n")
    seeds["anchors"] = b"a: &x [*x]\n"
    return seeds


def main() -> int:
    write("framework/server/http1_session_fuzz_corpus", http1_seeds())
    write("framework/http2/http2_codec_fuzz_corpus", http2_seeds())
    write("framework/server/binder_fuzz_corpus", binder_seeds())
    write("framework/http/url_fuzz_corpus", url_seeds())
    write("codegen/back/cpp/compiled_fuzz_corpus", compiled_seeds())
    write("framework/python/json_encoder_fuzz_corpus", json_encoder_seeds())
    write("codegen/front/proto/lowering_fuzz_corpus", lowering_seeds())
    write("codegen/front/openapi/openapi_fuzz_corpus", openapi_seeds())
    return 0


if __name__ == "__main__":
    sys.exit(main())
