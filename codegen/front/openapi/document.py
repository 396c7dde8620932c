"""Loads an OpenAPI document (YAML or JSON) keeping the line of every value, so the front
end can say `file:line: what is wrong`.

    doc = load("petstore.yaml")
    doc["paths"].line_of("/pets")      # 12
    doc.where("paths")                 # "petstore.yaml:11"

Mappings load as `Node` (a dict) and sequences as `Seq` (a list); both remember the file,
their own line and each member's line. JSON is read through the YAML loader (JSON is YAML
1.2 for every document OpenAPI allows), so both formats report lines alike.
"""

from __future__ import annotations

from typing import Any

import yaml


class SpecError(Exception):
    """An invalid spec: str(e) is `file:line: message`."""


class _Located:
    file: str
    line: int
    lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)

    def where(self, key: Any = None) -> str:
        return f"{self.file}:{self.line if key is None else self.line_of(key)}"

    def error(self, message: str, key: Any = None) -> SpecError:
        return SpecError(f"{self.where(key)}: {message}")


class Node(dict, _Located):  # type: ignore[type-arg]
    pass


class Seq(list, _Located):  # type: ignore[type-arg]
    pass


MAX_DEPTH = 200  # nesting of mappings and sequences, aliases included
MAX_NODES = 1_000_000  # members of every collection, aliases counted each time ("billion laughs")

# libyaml's parser (C; in PyYAML's wheels and Debian's python3-yaml) where present: it reads a
# large spec an order of magnitude faster than the pure-Python one, with the same events and
# marks. Both parsers are state machines; the document is built from their events below with
# an explicit stack, because both composers recurse per nesting level (libyaml's in C, where a
# deep enough document overflows the stack).
_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Open:
    """A mapping or sequence being built: its members arrive as events."""

    __slots__ = ("value", "anchor", "key", "key_line", "nodes", "height")

    def __init__(self, value: Node | Seq, anchor: str | None, nodes: int) -> None:
        self.value, self.anchor, self.nodes = value, anchor, nodes
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.height = 1  # levels of nesting in this value, itself included

    def wants_key(self) -> bool:
        return self.key is _NO_KEY and type(self.value) is Node


_NO_KEY = object()
_STR = "tag:yaml.org,2002:str"


class _Builder:
    """YAML events to Node / Seq / scalars, refusing what would not terminate or fit: an
    alias inside the node it names, nesting past MAX_DEPTH, aliases expanding past MAX_NODES.
    An alias is the anchored value itself (shared, not copied)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.scalars = yaml.SafeLoader("")  # resolves and constructs scalars as safe_load does
        self.anchors: dict[str, tuple[Any, int, int] | None] = {}  # -> (value, nodes, height)
        self.nodes = 0

    def error(self, event: yaml.Event, message: str) -> SpecError:
        return SpecError(f"{self.file}:{event.start_mark.line + 1}: {message}")

    def build(self, parser: Any) -> Any:
        """The one document of the stream, or None for an empty stream."""
        parser.get_event()  # StreamStart
        if parser.check_event(yaml.StreamEndEvent):
            return None
        parser.get_event()  # DocumentStart
        root = self._node(parser)
        parser.get_event()  # DocumentEnd
        if not parser.check_event(yaml.StreamEndEvent):
            raise self.error(parser.get_event(), "expected a single document in the stream")
        return root

    def _node(self, parser: Any) -> Any:
        stack: list[_Open] = []
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = stack.pop()
                if done.anchor is not None:
                    self.anchors[done.anchor] = (done.value, self.nodes - done.nodes, done.height)
                value, height = done.value, done.height
            elif kind is yaml.ScalarEvent:
                value, height = self._scalar(event), 0
            elif kind is yaml.AliasEvent:
                value, height = self._alias(event)
            else:  # MappingStart / SequenceStart
                if stack and stack[-1].wants_key():
                    raise self.error(event, "keys must be scalars")
                if len(stack) >= MAX_DEPTH:
                    raise self.error(event, f"nested more than {MAX_DEPTH} levels deep")
                opened: Node | Seq = Node() if kind is yaml.MappingStartEvent else Seq()
                opened.file, opened.line, opened.lines = self.file, event.start_mark.line + 1, {}
                self._anchor(event, None)  # open: an alias to it from inside is a cycle
                stack.append(_Open(opened, event.anchor, self.nodes))
                continue
            if not stack:
                return value
            if height:
                if len(stack) + height > MAX_DEPTH:
                    raise self.error(event, f"nested more than {MAX_DEPTH} levels deep")
                if stack[-1].wants_key():
                    raise self.error(event, "keys must be scalars")
            self._add(stack[-1], event, value, height)

    def _anchor(self, event: Any, entry: tuple[Any, int, int] | None) -> None:
        if event.anchor is not None:
            if event.anchor in self.anchors:
                raise self.error(event, f"found duplicate anchor {event.anchor!r}")
            self.anchors[event.anchor] = entry

    def _alias(self, event: Any) -> tuple[Any, int]:
        if event.anchor not in self.anchors:
            raise self.error(event, f"found undefined alias {event.anchor!r}")
        entry = self.anchors[event.anchor]
        if entry is None:
            raise self.error(event, "a YAML alias refers to a node that contains it")
        value, nodes, height = entry
        self._count(event, nodes)
        return value, height

    def _scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.scalars.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR:  # most of a spec: the text itself, as SafeConstructor gives it
            value = event.value
        else:
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                   event.style)
            try:
                value = self.scalars.construct_object(node)  # type: ignore[no-untyped-call]
            except yaml.constructor.ConstructorError as e:
                raise self.error(event, str(e.problem)) from None
            except (ValueError, OverflowError, KeyError, AttributeError):
                # SafeConstructor's own failures on a tag's bad value: `2001-13-01`, `!!float
                # x` (ValueError), `!!bool maybe` (KeyError), `!!timestamp x` (AttributeError)
                kind = tag.rsplit(":", 1)[-1]
                raise self.error(event, f"not a valid {kind}: {event.value[:40]!r}") from None
        self._anchor(event, (value, 0, 0))
        return value

    def _add(self, top: _Open, event: Any, value: Any, height: int) -> None:
        # A collection's own line is where it starts; `event` is its end.
        line = value.line if height and not isinstance(event, yaml.AliasEvent) \
            else event.start_mark.line + 1
        if height >= top.height:
            top.height = height + 1
        if type(top.value) is Seq:
            top.value.lines[len(top.value)] = line
            top.value.append(value)
            self._count(event, 1)
        elif top.key is _NO_KEY:  # a scalar: collections were refused as keys
            if value in top.value:
                raise self.error(event, f"duplicate key {value!r}")
            top.key, top.key_line = value, line
        else:
            top.value[top.key] = value
            top.value.lines[top.key] = top.key_line
            top.key = _NO_KEY
            self._count(event, 1)

    def _count(self, event: yaml.Event, nodes: int) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise self.error(event, f"YAML aliases expand the document past {MAX_NODES} nodes")


def _reader_error(text: str, file: str, e: yaml.reader.ReaderError) -> SpecError:
    # The pure-Python reader counts characters; libyaml counts the bytes of the UTF-8 text.
    before = text[: e.position] if _Parser is yaml.SafeLoader else text.encode(
        "utf-8", "surrogatepass")[: e.position].decode("utf-8", "replace")
    return SpecError(f"{file}:{before.count(chr(10)) + 1}: not valid YAML/JSON: {e.reason} "
                     f"(character {e.character:#x})")


def loads(text: str, file: str = "<spec>") -> Node:
    try:  # the pure-Python reader checks every character at construction
        parser = _Parser(text)
    except yaml.reader.ReaderError as e:
        raise _reader_error(text, file, e) from None
    except UnicodeEncodeError as e:  # a lone surrogate (only from a caller's str)
        line = text.count("\n", 0, e.start) + 1
        raise SpecError(f"{file}:{line}: not valid YAML/JSON: not Unicode text") from None
    try:
        doc = _Builder(file).build(parser)
    except yaml.reader.ReaderError as e:  # libyaml's reader: while parsing
        raise _reader_error(text, file, e) from None
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else 0
        raise SpecError(f"{file}:{line}: not valid YAML/JSON: {e.problem}") from None
    except yaml.YAMLError as e:
        raise SpecError(f"{file}:0: not valid YAML/JSON: {e}") from None
    finally:
        parser.dispose()
    if doc is None:
        raise SpecError(f"{file}:1: empty document")
    if not isinstance(doc, Node):
        raise SpecError(f"{file}:1: an OpenAPI document is a mapping at the top level")
    return doc


def load(path: str, display_name: str | None = None) -> Node:
    with open(path, encoding="utf-8") as f:
        return loads(f.read(), display_name or path)
