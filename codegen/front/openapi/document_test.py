"""The document loader on both YAML parsers (libyaml's and the pure-Python one): values keep
their lines, and everything a hostile spec can do is refused with `file:line: reason`."""

from __future__ import annotations

import pytest
import yaml

from codegen.front.openapi import document
from codegen.front.openapi.document import MAX_DEPTH, SpecError, loads


@pytest.fixture(params=["libyaml", "python"], autouse=True)
def parser(request, monkeypatch):
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("PyYAML built without libyaml")
        monkeypatch.setattr(document, "_Parser", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(document, "_Parser", yaml.SafeLoader)
    return request.param


def refusal(text: str) -> str:
    with pytest.raises(SpecError) as e:
        loads(text, "f.yaml")
    return str(e.value)


def test_values_and_lines():
    doc = loads("a: 1\nb:\n  - x\n  - {c: true, d: null}\ne: 2.5\nf: '3'\n", "f.yaml")
    assert doc == {"a": 1, "b": ["x", {"c": True, "d": None}], "e": 2.5, "f": "3"}
    assert (doc.line_of("a"), doc.line_of("b"), doc.line_of("f")) == (1, 2, 6)
    assert doc["b"].line == 3 and doc["b"].lines == {0: 3, 1: 4}
    assert doc["b"][1].where("d") == "f.yaml:4"


def test_aliases_share_the_anchored_value():
    doc = loads("a: &s {type: string}\nb: *s\nc: &n 5\nd: *n\n", "f.yaml")
    assert doc["b"] is doc["a"] and doc["d"] == 5


def test_explicit_tags_are_honoured():
    assert loads("a: !!str 12\nb: !!int '7'\n", "f.yaml") == {"a": "12", "b": 7}


@pytest.mark.parametrize("text, expected", [
    ("a: 2001-13-01", "f.yaml:1: not a valid timestamp: '2001-13-01'"),
    ("a: !!float abc", "f.yaml:1: not a valid float: 'abc'"),
    ("a: !!bool maybe", "f.yaml:1: not a valid bool: 'maybe'"),
    ("a: !!timestamp x", "f.yaml:1: not a valid timestamp: 'x'"),
    ("a:\n  b: !foo x", "f.yaml:2: could not determine a constructor for the tag '!foo'"),
    ("a: &x [*x]", "f.yaml:1: a YAML alias refers to a node that contains it"),
    ("a: *y", "f.yaml:1: found undefined alias 'y'"),
    ("a: &x 1\nb: &x 2", "f.yaml:2: found duplicate anchor 'x'"),
    ("a: 1\na: 2", "f.yaml:2: duplicate key 'a'"),
    ("? [1]\n: 2", "f.yaml:1: keys must be scalars"),
    ("a: &a [1]\nb: {*a : 1}", "f.yaml:2: keys must be scalars"),
    ("a: 1\n---\nb: 2", "f.yaml:2: expected a single document in the stream"),
    ("", "f.yaml:1: empty document"),
    ("# only a comment\n", "f.yaml:1: empty document"),
    ("[1]", "f.yaml:1: an OpenAPI document is a mapping at the top level"),
])
def test_refusals(text, expected):
    assert refusal(text) == expected


def test_control_characters_name_their_line(parser):
    assert refusal("a: 1\nb: \x01").startswith("f.yaml:2: not valid YAML/JSON: ")
    # libyaml counts UTF-8 bytes, the pure-Python reader characters: both give the line
    assert refusal("é: ü\nb: x\nc: \x00").startswith("f.yaml:3: not valid YAML/JSON: ")


def test_nesting_past_the_limit_is_refused_without_recursing():
    # A million levels: each parser's own composer recurses per level (libyaml's in C, which
    # overflows the stack); the document is built iteratively and refused at MAX_DEPTH.
    n = 1_000_000
    assert refusal("a: " + "[" * n + "]" * n) == f"f.yaml:1: nested more than {MAX_DEPTH} levels deep"
    # MAX_DEPTH collections, the top-level mapping included, are fine
    value = loads("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), "f.yaml")["a"]
    depth = 1
    while value:
        value, depth = value[0], depth + 1
    assert depth == MAX_DEPTH - 1
    assert refusal("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH) == (
        f"f.yaml:1: nested more than {MAX_DEPTH} levels deep")
    # through an alias, the alias's own depth counts
    deep = "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    assert refusal(f"a: &d {deep}\nb: [[[*d]]]") == (
        f"f.yaml:2: nested more than {MAX_DEPTH} levels deep")


def test_billion_laughs_is_refused():
    text = ("a: &a [" + ",".join(["1"] * 1000) + "]\n"
            "b: &b [" + ",".join(["*a"] * 1000) + "]\n"
            "c: [" + ",".join(["*b"] * 10) + "]\n")
    assert refusal(text) == "f.yaml:2: YAML aliases expand the document past 1000000 nodes"


def test_a_lone_surrogate_is_refused():
    assert refusal("a: 1\nb: \ud800").startswith("f.yaml:2: not valid YAML/JSON: ")


def test_a_sequence_remembers_where_each_member_starts():
    doc = loads("a:\n  - [1,\n     2]\n  - {b: 1,\n     c: 2}\n  - x\n", "f.yaml")
    assert doc["a"].lines == {0: 2, 1: 4, 2: 6}
    assert doc["a"][1].line == 4
