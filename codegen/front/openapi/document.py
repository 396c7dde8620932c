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


MAX_DEPTH = 200  # nesting of mappings and sequences
MAX_NODES = 1_000_000  # after YAML aliases are expanded ("billion laughs")


class _Converter:
    """YAML nodes to Node / Seq / scalars, refusing what would not terminate or fit: an
    alias inside itself, nesting past MAX_DEPTH, aliases expanding past MAX_NODES."""

    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader, self.file = loader, file
        self.nodes = 0
        self.path: set[int] = set()  # ids of the collections being converted

    def convert(self, node: yaml.Node) -> Any:
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self.loader.construct_object(node)  # type: ignore[no-untyped-call]
        line = node.start_mark.line + 1
        if id(node) in self.path:
            raise SpecError(f"{self.file}:{line}: a YAML alias refers to a node that contains it")
        if len(self.path) >= MAX_DEPTH:
            raise SpecError(f"{self.file}:{line}: nested more than {MAX_DEPTH} levels deep")
        self.nodes += len(node.value)
        if self.nodes > MAX_NODES:
            raise SpecError(f"{self.file}:{line}: YAML aliases expand the document past "
                            f"{MAX_NODES} nodes")
        self.path.add(id(node))
        try:
            return self._mapping(node) if isinstance(node, yaml.MappingNode) else self._seq(node)
        finally:
            self.path.discard(id(node))

    def _mapping(self, node: yaml.MappingNode) -> Node:
        out = Node()
        out.file, out.line, out.lines = self.file, node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise SpecError(f"{self.file}:{key_line}: keys must be scalars")
            key = self.loader.construct_object(key_node)  # type: ignore[no-untyped-call]
            if key in out:
                raise SpecError(f"{self.file}:{key_line}: duplicate key {key!r}")
            out[key] = self.convert(value_node)
            out.lines[key] = key_line
        return out

    def _seq(self, node: yaml.SequenceNode) -> Seq:
        seq = Seq()
        seq.file, seq.line, seq.lines = self.file, node.start_mark.line + 1, {}
        for i, item in enumerate(node.value):
            seq.append(self.convert(item))
            seq.lines[i] = item.start_mark.line + 1
        return seq


def loads(text: str, file: str = "<spec>") -> Node:
    try:  # the reader checks every character at construction: outside `loader`'s try
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        raise SpecError(f"{file}:{line}: not valid YAML/JSON: {e.reason} "
                        f"(character {e.character:#x})") from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else 0
        raise SpecError(f"{file}:{line}: not valid YAML/JSON: {e.problem}") from None
    except yaml.YAMLError as e:
        raise SpecError(f"{file}:0: not valid YAML/JSON: {e}") from None
    except RecursionError:  # the composer recurses per nesting level
        line = text.count("\n", 0, loader.get_mark().index) + 1
        raise SpecError(f"{file}:{line}: nested too deeply to read") from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
    if root is None:
        raise SpecError(f"{file}:1: empty document")
    try:
        doc = _Converter(yaml.SafeLoader(""), file).convert(root)
    except yaml.constructor.ConstructorError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else 0
        raise SpecError(f"{file}:{line}: {e.problem}") from None
    if not isinstance(doc, Node):
        raise SpecError(f"{file}:1: an OpenAPI document is a mapping at the top level")
    return doc


def load(path: str, display_name: str | None = None) -> Node:
    with open(path, encoding="utf-8") as f:
        return loads(f.read(), display_name or path)
