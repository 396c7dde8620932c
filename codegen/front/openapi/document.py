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


def _convert(node: yaml.Node, loader: yaml.SafeLoader, file: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = Node()
        out.file, out.line, out.lines = file, node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)  # type: ignore[no-untyped-call]
            if isinstance(key, (list, dict)):
                raise SpecError(f"{file}:{key_node.start_mark.line + 1}: keys must be scalars")
            if key in out:
                raise SpecError(f"{file}:{key_node.start_mark.line + 1}: duplicate key {key!r}")
            out[key] = _convert(value_node, loader, file)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = Seq()
        seq.file, seq.line, seq.lines = file, node.start_mark.line + 1, {}
        for i, item in enumerate(node.value):
            seq.append(_convert(item, loader, file))
            seq.lines[i] = item.start_mark.line + 1
        return seq
    return loader.construct_object(node)  # type: ignore[no-untyped-call]


def loads(text: str, file: str = "<spec>") -> Node:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else 0
        raise SpecError(f"{file}:{line}: not valid YAML/JSON: {e.problem}") from None
    except yaml.YAMLError as e:
        raise SpecError(f"{file}:0: not valid YAML/JSON: {e}") from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
    if root is None:
        raise SpecError(f"{file}:1: empty document")
    try:
        doc = _convert(root, yaml.SafeLoader(""), file)
    except yaml.constructor.ConstructorError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else 0
        raise SpecError(f"{file}:{line}: {e.problem}") from None
    if not isinstance(doc, Node):
        raise SpecError(f"{file}:1: an OpenAPI document is a mapping at the top level")
    return doc


def load(path: str, display_name: str | None = None) -> Node:
    with open(path, encoding="utf-8") as f:
        return loads(f.read(), display_name or path)
