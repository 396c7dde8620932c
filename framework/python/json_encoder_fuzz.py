"""The Python half of json_encoder_fuzz.cc: turns fuzz bytes into a handler result and says
what json.dumps makes of it.

build(data) reads the bytes as a small program (one opcode byte, then its operands) that
makes any value a handler may return: None, bools, ints of any size, floats (NaN and
infinities included), str (lone surrogates included), list, tuple, dict with keys of every
kind, set, frozenset, Enum / IntEnum / str-Enum members, UUID, date, datetime, time and
dataclass instances, nested. expected(obj) is the reference: json.dumps with the options
EncodeJson documents, and a default= doing for the extra types what EncodeJson does; None
when json.dumps refuses the value (EncodeJson must refuse it too).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import struct
import uuid
from typing import Any, ClassVar, Optional

MAX_DEPTH = 64  # EncodeJson refuses deeper values (256) where json.dumps would not


class Color(enum.Enum):
    RED = "red"
    ONE = 1
    NESTED = (1, "x")


class Level(enum.IntEnum):
    LOW = 1
    HUGE = 2**70


class Mode(str, enum.Enum):
    FAST = "fast"
    QUOTE = 'say "hi"\n'


@dataclasses.dataclass
class Point:
    x: Any
    y: Any = None
    kind: ClassVar[str] = "point"  # not a field: never encoded


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            return 0
        self.pos += 1
        return self.data[self.pos - 1]

    def take(self, n: int) -> bytes:
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out

    def done(self) -> bool:
        return self.pos >= len(self.data)


def build(data: bytes) -> Any:
    return _value(Reader(data), 0)


def _value(r: Reader, depth: int) -> Any:
    op = r.byte() % 24
    if depth >= MAX_DEPTH and op >= 8:
        op %= 8
    if op == 0:
        return None
    if op == 1:
        return True
    if op == 2:
        return False
    if op == 3:
        return int.from_bytes(r.take(8), "little", signed=True)
    if op == 4:
        return int.from_bytes(r.take(r.byte() % 64), "little", signed=True)
    if op == 5:
        raw = r.take(8).ljust(8, b"\0")
        return struct.unpack("<d", raw)[0]
    if op == 6:
        return r.take(r.byte() % 32).decode("utf-8", "surrogateescape" if r.byte() & 1 else
                                            "replace")
    if op == 7:
        return "".join(chr(int.from_bytes(r.take(3), "little") % 0x110000)
                       for _ in range(r.byte() % 8))
    if op in (8, 9):
        items = [_value(r, depth + 1) for _ in range(r.byte() % 6)]
        return items if op == 8 else tuple(items)
    if op == 10:
        out: dict[Any, Any] = {}
        for _ in range(r.byte() % 6):
            key = _key(r, depth + 1)
            try:
                out[key] = _value(r, depth + 1)
            except TypeError:  # an unhashable key
                pass
        return out
    if op in (11, 12):
        members = set()
        for _ in range(r.byte() % 5):
            v = _key(r, depth + 1)
            try:
                members.add(v)
            except TypeError:
                pass
        return members if op == 11 else frozenset(members)
    if op == 13:
        return list(Color)[r.byte() % 3]
    if op == 14:
        return list(Level)[r.byte() % 2]
    if op == 15:
        return list(Mode)[r.byte() % 2]
    if op == 16:
        return uuid.UUID(bytes=r.take(16).ljust(16, b"\0"))
    if op == 17:
        return datetime.date.fromordinal(1 + int.from_bytes(r.take(3), "little") % 3652059)
    if op == 18:
        seconds = int.from_bytes(r.take(5), "little") % (3652059 * 86400)
        tz = datetime.timezone(datetime.timedelta(minutes=r.byte() % 120 - 60)) \
            if r.byte() & 1 else None
        return datetime.datetime(1, 1, 1, tzinfo=tz) + datetime.timedelta(
            seconds=seconds, microseconds=r.byte() * 3907)
    if op == 19:
        return datetime.time(r.byte() % 24, r.byte() % 60, r.byte() % 60, r.byte() * 3907)
    if op == 20:
        return Point(_value(r, depth + 1), _value(r, depth + 1))
    if op == 21:
        return Point(Point(_value(r, depth + 1)))
    if op == 22:  # a reference cycle
        cycle: list[Any] = []
        cycle.append(cycle)
        return cycle
    return object()  # not serialisable


KEYS: list[Any] = [Color.RED, Level.LOW, Mode.FAST, (1, 2), frozenset(), uuid.UUID(int=1)]


def _key(r: Reader, depth: int) -> Any:
    """A scalar (every kind json.dumps takes as a key) or a hashable kind it refuses."""
    if r.byte() & 3:
        return _value(r, max(depth, MAX_DEPTH))
    return KEYS[r.byte() % len(KEYS)]


def _default(o: Any) -> Any:
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return {f.name: getattr(o, f.name) for f in dataclasses.fields(o)}
    if isinstance(o, enum.Enum):
        return o.value
    if isinstance(o, uuid.UUID):
        return str(o)
    if isinstance(o, (datetime.date, datetime.time)):
        return o.isoformat()
    if isinstance(o, (set, frozenset)):
        return list(o)
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def expected(obj: Any) -> Optional[bytes]:
    try:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                          default=_default)
        return text.encode("utf-8")
    except (TypeError, ValueError, RecursionError, UnicodeEncodeError):
        return None
