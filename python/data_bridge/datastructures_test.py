"""data_bridge.datastructures against starlette.datastructures (the compat environment's):
the same operations on both give the same results, reprs and failures."""

from __future__ import annotations

from typing import Any, Callable

import pytest
import starlette.datastructures as theirs

from data_bridge import datastructures as ours


def both(action: Callable[[Any], Any]) -> None:
    """Runs action(module) on both modules and compares what comes out."""
    def outcome(module: Any) -> str:
        try:
            return "ok " + repr(action(module))
        except Exception as e:  # the kind of failure is what must match
            return "raised " + type(e).__name__
    got, want = outcome(ours), outcome(theirs)
    # Class names appear in reprs identically; module paths do not appear.
    assert got == want


URLS = [
    "", "/", "/a/b?c=d#frag", "http://example.com", "https://example.com:8443/p?q=1",
    "http://user:pw@example.com:80/x", "http://user@h/", "ws://[::1]:9000/s",
    "http://[fe80::1%25eth0]/", "//host/path", "http://h/%E2%82%AC?x=%20&y", "mailto:a@b",
    "http://h:notaport/", "HTTP://Example.COM/Up",
]


@pytest.mark.parametrize("url", URLS)
def test_url_parts_and_changes(url: str) -> None:
    for part in ("scheme", "netloc", "path", "query", "fragment", "username", "password",
                 "hostname", "port", "is_secure", "components"):
        both(lambda m: getattr(m.URL(url), part))
    both(lambda m: repr(m.URL(url)))
    both(lambda m: str(m.URL(url).replace(scheme="https")))
    both(lambda m: str(m.URL(url).replace(port=8080)))
    both(lambda m: str(m.URL(url).replace(port=None)))
    both(lambda m: str(m.URL(url).replace(hostname="::1")))
    both(lambda m: str(m.URL(url).replace(hostname="other.org", username="u")))
    both(lambda m: str(m.URL(url).replace(password="s3cret", username="me")))
    both(lambda m: repr(m.URL(url).replace(password="s3cret", username="me")))
    both(lambda m: str(m.URL(url).include_query_params(a=1, c="z")))
    both(lambda m: str(m.URL(url).replace_query_params(only="1")))
    both(lambda m: str(m.URL(url).remove_query_params(["c", "x"])))
    both(lambda m: str(m.URL(url).remove_query_params("y")))
    both(lambda m: m.URL(url) == url)
    both(lambda m: hash(m.URL(url)))


def test_url_from_components() -> None:
    both(lambda m: str(m.URL(scheme="https", netloc="h", path="/p", query="a=1")))
    both(lambda m: str(m.URL(path="/only")))
    both(lambda m: m.URL("x", path="/y"))


@pytest.mark.parametrize("host", [
    "example.com", "example.com:8000", "EXAMPLE.com:08000", "h:65535", "h:65536", "h:",
    "h:0000080", "[::1]", "[::1]:443", "[::g]", "[v1.fe:80]", "[V1.x]", "", "a b", "h/p",
    "ex%41mple", "h:1:2", "[::1", "127.0.0.1:80", None,
])
@pytest.mark.parametrize("scheme,server", [("http", ("10.0.0.1", 80)), ("https", ("::1", 8443)),
                                           ("ws", None)])
def test_url_from_a_scope(host: str | None, scheme: str, server: Any) -> None:
    headers = [(b"accept", b"*/*")] + ([(b"host", host.encode())] if host is not None else [])
    for path in ("/a?b", "//x", "/p#q\\r"):
        scope = {"type": "http", "scheme": scheme, "server": server, "path": path,
                 "query_string": b"k=v", "headers": headers}
        both(lambda m: str(m.URL(scope=scope)))


def test_headers() -> None:
    raw = [(b"content-type", b"text/plain"), (b"x-a", b"1"), (b"x-a", b"2"),
           (b"set-cookie", b"a=1"), (b"x-\xe9", b"\xe9")]
    both(lambda m: repr(m.Headers(raw=list(raw))))
    both(lambda m: repr(m.Headers({"Content-Type": "a", "X-B": "b"})))
    for key in ("X-A", "x-a", "missing", "CONTENT-TYPE", "x-\xe9"):
        both(lambda m: m.Headers(raw=list(raw))[key])
        both(lambda m: m.Headers(raw=list(raw)).getlist(key))
        both(lambda m: key in m.Headers(raw=list(raw)))
        both(lambda m: m.Headers(raw=list(raw)).get(key, "dflt"))
    for op in ("keys", "values", "items"):
        both(lambda m: getattr(m.Headers(raw=list(raw)), op)())
    both(lambda m: (len(m.Headers(raw=list(raw))), list(m.Headers(raw=list(raw)))))
    both(lambda m: m.Headers(raw=list(raw)) == m.Headers(raw=list(reversed(raw))))
    both(lambda m: m.Headers(raw=list(raw)) == dict(raw))
    both(lambda m: m.Headers({"a": "1"}, raw=[]))
    scope = {"headers": ((b"a", b"1"),)}
    both(lambda m: (m.Headers(scope=dict(scope)).raw, dict(m.Headers(scope=dict(scope)))))
    both(lambda m: hash(m.Headers()))


def test_mutable_headers() -> None:
    def edit(m: Any) -> Any:
        h = m.MutableHeaders(raw=[(b"x-a", b"1"), (b"b", b"2"), (b"x-a", b"3")])
        h["X-A"] = "new"
        h["c"] = "4"
        h.append("c", "5")
        first = h.setdefault("b", "ignored"), h.setdefault("d", "6")
        del h["missing"]
        h.add_vary_header("Origin")
        h.add_vary_header("Accept")
        h |= {"e": "7", "c": "8"}
        merged = h | {"f": "9"}
        copy = h.mutablecopy()
        del copy["x-a"]
        h.update({"b": "10"})
        h.raw.append((b"raw", b"live"))
        return first, h.raw, merged.raw, copy.raw, repr(h), len(h)
    both(edit)
    both(lambda m: m.MutableHeaders() | [("a", "b")])
    both(lambda m: m.MutableHeaders().__ior__(3))


def test_query_params_and_multidicts() -> None:
    for source in ("a=1&a=2&b=&c", b"x=%20y&x=z", [("a", 1), ("b", None)], {"k": "v"},
                   "", "a=1;b=2", "%zz=1&=2"):
        both(lambda m: repr(m.QueryParams(source)))
        both(lambda m: str(m.QueryParams(source)))
        both(lambda m: (list(m.QueryParams(source).items()), len(m.QueryParams(source))))
        both(lambda m: (m.QueryParams(source).getlist("a"), m.QueryParams(source).get("a")))
        both(lambda m: m.QueryParams(source).multi_items())
    both(lambda m: repr(m.QueryParams("a=1", b=2)))
    both(lambda m: m.QueryParams("a=1&b=2") == m.QueryParams("b=2&a=1"))
    both(lambda m: m.QueryParams("a", "b"))

    def edit(m: Any) -> Any:
        d = m.MultiDict([("a", 1), ("b", 2), ("a", 3)], c=4)
        out = [d["a"], d.getlist("a"), list(d.keys()), list(d.values())]
        d["a"] = 5
        d.append("b", 6)
        out += [d.setdefault("z", 0), d.setdefault("b", 9), d.poplist("b"), d.pop("q", "no")]
        d.setlist("y", [7, 8])
        d.setlist("c", [])
        d.update([("a", 10), ("a", 11)], w=1)
        out.append(d.popitem())
        del d["a"]
        out += [d.multi_items(), repr(d), d == m.MultiDict(d.multi_items()), "y" in d]
        d.clear()
        out.append(repr(d))
        return out
    both(edit)
    both(lambda m: repr(m.ImmutableMultiDict(m.ImmutableMultiDict([("a", 1)]), b=2)))
    both(lambda m: m.ImmutableMultiDict([("a", 1)]) == [("a", 1)])
    both(lambda m: hash(m.ImmutableMultiDict()))


def test_state_secret_strings_address() -> None:
    def use(m: Any) -> Any:
        s = m.State({"a": 1})
        s.b = 2
        s["c"] = 3
        out = [s.a, s["b"], len(s), sorted(s)]
        del s.a
        del s["b"]
        out.append(sorted(s))
        try:
            s.missing
        except AttributeError as e:
            out.append(str(e))
        return out
    both(use)
    both(lambda m: (repr(m.Secret("pw")), str(m.Secret("pw")), bool(m.Secret(""))))
    for value in ("a, b,c", "'a, b', c", "", ["x", "y"], "  spaced  ,x"):
        both(lambda m: (repr(m.CommaSeparatedStrings(value)),
                        str(m.CommaSeparatedStrings(value)), len(m.CommaSeparatedStrings(value)),
                        m.CommaSeparatedStrings(value)[0:1]))
    both(lambda m: (m.Address("h", 1), m.Address("h", 1).port))
