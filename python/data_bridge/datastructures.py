"""The request and response data types of Starlette's `starlette.datastructures` (which
FastAPI re-exports), with their behaviour: URL, Address, Headers and MutableHeaders (raw
latin-1 byte pairs, names lower-case, first value wins), ImmutableMultiDict, MultiDict and
QueryParams (last value wins, every value kept), State, CommaSeparatedStrings and Secret.

    url = URL("https://user:pw@example.com:8443/a?x=1")
    url.replace(port=None).include_query_params(y=2)   # https://user:pw@example.com/a?x=1&y=2
    h = MutableHeaders({"Content-Type": "text/plain"}); h.append("vary", "origin")
    QueryParams("a=1&a=2")["a"]                         # "2"; .getlist("a") == ["1", "2"]

datastructures_test holds each to Starlette's own (the compat environment's).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import re
import tempfile
from collections.abc import (ItemsView, Iterable, Iterator, KeysView, Mapping, Sequence,
                             ValuesView)
from shlex import shlex
from typing import Any, BinaryIO, NamedTuple, TypeVar, Union
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

__all__ = ["URL", "Address", "CommaSeparatedStrings", "Headers", "ImmutableMultiDict",
           "MultiDict", "MutableHeaders", "QueryParams", "Secret", "State"]


class Address(NamedTuple):
    host: str
    port: int


_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class URL:
    """A URL string with its parts (urllib's split, made once on first use).

    URL("http://a/b?c=d"), URL(scheme="https", netloc="h", path="/p"), or URL(scope=scope)
    for an ASGI scope (its Host header, else its server address, else a relative URL)."""

    def __init__(self, url: str = "", scope: Mapping[str, Any] | None = None,
                 **components: Any) -> None:
        if scope is not None:
            assert not url, 'Cannot set both "url" and "scope".'
            assert not components, 'Cannot set both "scope" and "**components".'
            url = _url_of_scope(scope)
        elif components:
            assert not url, 'Cannot set both "url" and "**components".'
            url = URL("").replace(**components).components.geturl()
        self._url = url
        self._parts: SplitResult | None = None

    @property
    def components(self) -> SplitResult:
        if self._parts is None:
            self._parts = urlsplit(self._url)
        return self._parts

    @property
    def scheme(self) -> str:
        return self.components.scheme

    @property
    def netloc(self) -> str:
        return self.components.netloc

    @property
    def path(self) -> str:
        return self.components.path

    @property
    def query(self) -> str:
        return self.components.query

    @property
    def fragment(self) -> str:
        return self.components.fragment

    @property
    def username(self) -> str | None:
        return self.components.username

    @property
    def password(self) -> str | None:
        return self.components.password

    @property
    def hostname(self) -> str | None:
        return self.components.hostname

    @property
    def port(self) -> int | None:
        return self.components.port

    @property
    def is_secure(self) -> bool:
        return self.scheme in ("https", "wss")

    def replace(self, **kwargs: Any) -> URL:
        """A URL with the given parts replaced: scheme, netloc, path, query, fragment, or the
        netloc's own hostname, port, username and password."""
        if kwargs.keys() & {"username", "password", "hostname", "port"}:
            kwargs["netloc"] = self._netloc_with(
                kwargs.pop("hostname", None), kwargs.pop("port", self.port),
                kwargs.pop("username", self.username), kwargs.pop("password", self.password))
        return self.__class__(self.components._replace(**kwargs).geturl())

    def _netloc_with(self, hostname: str | None, port: int | None, username: str | None,
                     password: str | None) -> str:
        if hostname is None:  # this URL's host, as written (brackets kept, port dropped)
            hostname = self.netloc.rpartition("@")[2]
            if hostname and not hostname.endswith("]"):
                hostname = hostname.rsplit(":", 1)[0]
        elif ":" in hostname and not hostname.startswith("["):
            try:
                ipaddress.IPv6Address(hostname)
                hostname = f"[{hostname}]"
            except ValueError:
                pass
        netloc = hostname if port is None else f"{hostname}:{port}"
        if username is None:
            return netloc
        userinfo = username if password is None else f"{username}:{password}"
        return f"{userinfo}@{netloc}"

    def include_query_params(self, **kwargs: Any) -> URL:
        params = MultiDict(parse_qsl(self.query, keep_blank_values=True))
        params.update({str(k): str(v) for k, v in kwargs.items()})
        return self.replace(query=urlencode(params.multi_items()))

    def replace_query_params(self, **kwargs: Any) -> URL:
        return self.replace(query=urlencode([(str(k), str(v)) for k, v in kwargs.items()]))

    def remove_query_params(self, keys: str | Sequence[str]) -> URL:
        params = MultiDict(parse_qsl(self.query, keep_blank_values=True))
        for key in [keys] if isinstance(keys, str) else keys:
            params.pop(key, None)
        return self.replace(query=urlencode(params.multi_items()))

    def __eq__(self, other: Any) -> bool:
        return str(self) == str(other)

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self._url

    def __repr__(self) -> str:
        shown = str(self.replace(password="********")) if self.password else self._url
        return f"{self.__class__.__name__}({shown!r})"


def _url_of_scope(scope: Mapping[str, Any]) -> str:
    scheme: str = scope.get("scheme", "http")
    path: str = scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    query = scope.get("query_string", b"").decode()
    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), None)
    netloc = host if host is not None and _valid_host(host) else None
    if netloc is None and scope.get("server") is not None:
        name, port = scope["server"]
        if ":" in name and not name.startswith("["):
            name = f"[{name}]"
        netloc = name if port == _DEFAULT_PORTS[scheme] else f"{name}:{port}"
    if netloc is not None:
        return SplitResult(scheme, netloc, path, query, "").geturl()
    if path.startswith("//"):  # with no host, "//x" would read as an authority
        path = "/%2F" + path[2:]
    return f"{path}?{query}" if query else path


# RFC 3986 3.2.2's host (a non-empty reg-name, or an IP literal: IPv6 or "v" IPvFuture) and
# an optional port, as Starlette accepts a Host header for building the URL.
_HOST = re.compile(
    r"(?:[A-Za-z0-9\-._~%!$&'()*+,;=]+"
    r"|\[(?:(?P<ipv6>[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]+)|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\])"
    r"(?::(?P<port>[0-9]+))?")


def _valid_host(host: str) -> bool:
    """A Host header worth building a URL from: a host by RFC 3986 (a valid IPv6 address
    inside brackets) and a port, if any, of at most 65535."""
    m = _HOST.fullmatch(host)
    if m is None:
        return False
    if m["ipv6"] is not None:
        try:
            ipaddress.IPv6Address(m["ipv6"])
        except ValueError:
            return False
    port = (m["port"] or "").lstrip("0")
    return len(port) <= 5 and int(port or "0") <= 65535


K = TypeVar("K")
V = TypeVar("V")


class ImmutableMultiDict(Mapping[K, V]):
    """A mapping that keeps every (key, value) pair: [key] and items() give a key's last
    value, getlist() and multi_items() all of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        assert len(args) < 2, "Too many arguments."
        source: Any = args[0] if args else []
        if kwargs:
            source = (ImmutableMultiDict(source).multi_items()
                      + ImmutableMultiDict(kwargs).multi_items())
        if not source:
            pairs: list[tuple[Any, Any]] = []
        elif hasattr(source, "multi_items"):
            pairs = list(source.multi_items())
        elif hasattr(source, "items"):
            pairs = list(source.items())
        else:
            pairs = list(source)
        self._list = pairs
        self._dict: dict[Any, Any] = dict(pairs)

    def getlist(self, key: Any) -> list[V]:
        return [v for k, v in self._list if k == key]

    def keys(self) -> KeysView[K]:
        return self._dict.keys()

    def values(self) -> ValuesView[V]:
        return self._dict.values()

    def items(self) -> ItemsView[K, V]:
        return self._dict.items()

    def multi_items(self) -> list[tuple[K, V]]:
        return list(self._list)

    def __getitem__(self, key: K) -> V:
        value: V = self._dict[key]
        return value

    def __contains__(self, key: Any) -> bool:
        return key in self._dict

    def __iter__(self) -> Iterator[K]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, self.__class__):
            return False
        return sorted(self._list, key=_first) == sorted(other._list, key=_first)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.multi_items()!r})"


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


class MultiDict(ImmutableMultiDict[Any, Any]):
    """ImmutableMultiDict with changes: [key] = v replaces all of key's values."""

    def __setitem__(self, key: Any, value: Any) -> None:
        self.setlist(key, [value])

    def __delitem__(self, key: Any) -> None:
        del self._dict[key]
        self._drop(key)

    def _drop(self, key: Any) -> None:
        self._list = [(k, v) for k, v in self._list if k != key]

    def pop(self, key: Any, default: Any = None) -> Any:
        self._drop(key)
        return self._dict.pop(key, default)

    def popitem(self) -> tuple[Any, Any]:
        key, value = self._dict.popitem()
        self._drop(key)
        return key, value

    def poplist(self, key: Any) -> list[Any]:
        values = self.getlist(key)
        self.pop(key)
        return values

    def clear(self) -> None:
        self._dict.clear()
        self._list.clear()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self._dict:
            self.append(key, default)
        return self._dict[key]

    def setlist(self, key: Any, values: list[Any]) -> None:
        if not values:
            self.pop(key, None)
            return
        self._drop(key)
        self._list.extend((key, v) for v in values)
        self._dict[key] = values[-1]

    def append(self, key: Any, value: Any) -> None:
        self._list.append((key, value))
        self._dict[key] = value

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Each key given replaces all of that key's values."""
        given = MultiDict(*args, **kwargs)
        self._list = [(k, v) for k, v in self._list if k not in given._dict]
        self._list.extend(given.multi_items())
        self._dict.update(given._dict)


class QueryParams(ImmutableMultiDict[str, str]):
    """A query string's parameters, from the string itself (str or bytes), pairs or a mapping;
    str() gives it back form-encoded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        assert len(args) < 2, "Too many arguments."
        source = args[0] if args else []
        if isinstance(source, bytes):
            source = source.decode("latin-1")
        if isinstance(source, str):
            super().__init__(parse_qsl(source, keep_blank_values=True), **kwargs)
        else:
            super().__init__(*args, **kwargs)
        self._list = [(str(k), str(v)) for k, v in self._list]
        self._dict = {str(k): str(v) for k, v in self._dict.items()}

    def __str__(self) -> str:
        return urlencode(self._list)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({str(self)!r})"


def _name(key: str) -> bytes:
    return key.lower().encode("latin-1")


class Headers(Mapping[str, str]):
    """Header fields as an immutable, case-insensitive multi-mapping over raw (name, value)
    latin-1 byte pairs: [name] is the first value, getlist(name) every one; keys(), values()
    and items() are lists with repeats, len() counts fields."""

    def __init__(self, headers: Mapping[str, str] | None = None,
                 raw: list[tuple[bytes, bytes]] | None = None,
                 scope: Any = None) -> None:
        self._list: list[tuple[bytes, bytes]] = []
        if headers is not None:
            assert raw is None, 'Cannot set both "headers" and "raw".'
            assert scope is None, 'Cannot set both "headers" and "scope".'
            self._list = [(_name(k), v.encode("latin-1")) for k, v in headers.items()]
        elif raw is not None:
            assert scope is None, 'Cannot set both "raw" and "scope".'
            self._list = raw
        elif scope is not None:  # shared with the scope, which may hold any iterable
            self._list = scope["headers"] = list(scope["headers"])

    @property
    def raw(self) -> list[tuple[bytes, bytes]]:
        return list(self._list)

    def keys(self) -> list[str]:  # type: ignore[override]
        return [k.decode("latin-1") for k, _ in self._list]

    def values(self) -> list[str]:  # type: ignore[override]
        return [v.decode("latin-1") for _, v in self._list]

    def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self._list]

    def getlist(self, key: str) -> list[str]:
        name = _name(key)
        return [v.decode("latin-1") for k, v in self._list if k == name]

    def mutablecopy(self) -> MutableHeaders:
        return MutableHeaders(raw=self._list[:])

    def __getitem__(self, key: str) -> str:
        name = _name(key)
        for k, v in self._list:
            if k == name:
                return v.decode("latin-1")
        raise KeyError(key)

    def __contains__(self, key: Any) -> bool:
        name = _name(key)
        return any(k == name for k, _ in self._list)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._list)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Headers) and sorted(self._list) == sorted(other._list)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        as_dict = dict(self.items())
        if len(as_dict) == len(self):
            return f"{self.__class__.__name__}({as_dict!r})"
        return f"{self.__class__.__name__}(raw={self.raw!r})"


class MutableHeaders(Headers):
    """Headers with changes: [name] = value replaces every field of that name (keeping the
    first's place), append() adds one more; .raw is the live list."""

    def __setitem__(self, key: str, value: str) -> None:
        name, data = _name(key), value.encode("latin-1")
        at = [i for i, (k, _) in enumerate(self._list) if k == name]
        if not at:
            self._list.append((name, data))
            return
        self._list[at[0]] = (name, data)
        for i in reversed(at[1:]):
            del self._list[i]

    def __delitem__(self, key: str) -> None:
        name = _name(key)
        self._list[:] = [(k, v) for k, v in self._list if k != name]

    def __ior__(self, other: Mapping[str, str]) -> MutableHeaders:
        if not isinstance(other, Mapping):
            raise TypeError(f"Expected a mapping but got {other.__class__.__name__}")
        self.update(other)
        return self

    def __or__(self, other: Mapping[str, str]) -> MutableHeaders:
        if not isinstance(other, Mapping):
            raise TypeError(f"Expected a mapping but got {other.__class__.__name__}")
        merged = self.mutablecopy()
        merged.update(other)
        return merged

    @property
    def raw(self) -> list[tuple[bytes, bytes]]:
        return self._list

    def setdefault(self, key: str, value: str) -> str:
        name = _name(key)
        for k, v in self._list:
            if k == name:
                return v.decode("latin-1")
        self._list.append((name, value.encode("latin-1")))
        return value

    def update(self, other: Mapping[str, str]) -> None:
        for key, value in other.items():
            self[key] = value

    def append(self, key: str, value: str) -> None:
        self._list.append((_name(key), value.encode("latin-1")))

    def add_vary_header(self, vary: str) -> None:
        self["vary"] = ", ".join([*self.getlist("vary"), vary])


class State:
    """Attributes kept for an app or a request: state.user = ..., state["user"]."""

    _state: dict[str, Any]

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        object.__setattr__(self, "_state", {} if state is None else state)

    def __setattr__(self, key: Any, value: Any) -> None:
        self._state[key] = value

    def __getattr__(self, key: Any) -> Any:
        try:
            return self._state[key]
        except KeyError:
            raise AttributeError(
                f"'{self.__class__.__name__}' object has no attribute '{key}'") from None

    def __delattr__(self, key: Any) -> None:
        del self._state[key]

    def __getitem__(self, key: str) -> Any:
        return self._state[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._state[key] = value

    def __delitem__(self, key: str) -> None:
        del self._state[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._state)

    def __len__(self) -> int:
        return len(self._state)


class Secret:
    """A value whose repr hides it (settings, credentials): str() gives it."""

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}('**********')"

    def __str__(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)


class CommaSeparatedStrings(Sequence[str]):
    """A comma-separated setting ("a, 'b c', d") as a sequence of its stripped items."""

    def __init__(self, value: Union[str, Iterable[str]]) -> None:
        if isinstance(value, str):
            lexer = shlex(value, posix=True)
            lexer.whitespace = ","
            lexer.whitespace_split = True
            self._items = [item.strip() for item in lexer]
        else:
            self._items = list(value)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        return self._items[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({[item for item in self]!r})"

    def __str__(self) -> str:
        return ", ".join(repr(item) for item in self)


class UploadFile:
    """A file part of a multipart/form-data body (Starlette's and FastAPI's UploadFile):
    its content in `file` (a SpooledTemporaryFile: in memory up to 1 MiB, then on disk),
    `filename`, `size`, the part's `headers` and their `content_type`. read/write/seek/
    close are coroutines; on a file rolled to disk they run in a worker thread."""

    def __init__(self, file: BinaryIO, *, size: int | None = None,
                 filename: str | None = None, headers: Headers | None = None) -> None:
        self.filename = filename
        self.file = file
        self.size = size
        self.headers = headers or Headers()

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type", None)

    @property
    def _in_memory(self) -> bool:
        # A SpooledTemporaryFile says whether it rolled to disk; any other file may block.
        return not getattr(self.file, "_rolled", True)

    async def write(self, data: bytes) -> None:
        if self.size is not None:
            self.size += len(data)
        if self._in_memory:
            self.file.write(data)
        else:
            await _to_thread(self.file.write, data)

    async def read(self, size: int = -1) -> bytes:
        if self._in_memory:
            return self.file.read(size)
        return await _to_thread(self.file.read, size)

    async def seek(self, offset: int) -> None:
        if self._in_memory:
            self.file.seek(offset)
        else:
            await _to_thread(self.file.seek, offset)

    async def close(self) -> None:
        if self._in_memory:
            self.file.close()
        else:
            await _to_thread(self.file.close)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(filename={self.filename!r}, size={self.size!r}, "
                f"headers={self.headers!r})")


_to_thread = asyncio.to_thread


# What UploadFile spools in memory before it rolls to disk (Starlette's spool_max_size).
SPOOL_MAX_SIZE = 1024 * 1024


def make_upload(filename: str | None, headers: list[tuple[bytes, bytes]],
                data: bytes | int) -> UploadFile:
    """The UploadFile of a multipart part the native side read, the file at its start: its
    bytes in a SpooledTemporaryFile, or (an int) the descriptor, now this file's, of the
    anonymous temporary file the native side spooled a part past SPOOL_MAX_SIZE to as it
    arrived."""
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)
    if isinstance(data, int):
        # Already on disk: the spooled file starts rolled over, onto that file (what
        # Starlette's would be after writing as much).
        on_disk = os.fdopen(data, "w+b")
        size = on_disk.seek(0, os.SEEK_END)
        on_disk.seek(0)
        vars(file).update(_file=on_disk, _rolled=True)
    else:
        file.write(data)
        file.seek(0)
        size = len(data)
    return UploadFile(file, size=size, filename=filename,  # type: ignore[arg-type]
                      headers=Headers(raw=headers))


class FormData(ImmutableMultiDict[str, Union[UploadFile, str]]):
    """A form's fields (str) and files (UploadFile), as Starlette's FormData."""

    async def close(self) -> None:
        for _, value in self.multi_items():
            if isinstance(value, UploadFile):
                await value.close()
