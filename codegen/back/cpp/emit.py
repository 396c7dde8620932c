"""The C++ back end: a service's typed structs and compiled validators.

    emit.py service.ir.pb --name orders_api --header examples/orders/orders_api.h \\
        --out-h orders_api.h --out-cc orders_api.cc --out-module orders_api_module.cc

For every model: an `enum class` or a struct (objects; unions hold a std::variant), a
`Decode(element, loc, errors, T*)` that reads simdjson's DOM straight into it (one pass over
an object's keys, fields validated in declaration order, every violation reported with its
location through framework/validate/scalars.h, so messages match the runtime's), and a
builder that hands the value to the binding layer. For every operation: its route (method, path
template), the JSON body's decoder and one text decoder per parameter. All of it is
registered in a validate::CompiledService table (`Service()`), which the runtime finds through the Python
extension `<name>_native` that `--out-module` defines.

The meaning of every constraint comes from data_bridge._type_specs, the same lowering the
runtime's TypeSpec validators read, so compiled and interpreted paths agree (the shared
vectors in tests/vectors run against both).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from codegen.ir import files
import data_bridge.ir_pb2 as ir
from codegen.back.cpp.spec_dicts import SpecDicts
from data_bridge._type_specs import TypeSpecs

Spec = dict[str, Any]

_BOUNDS = [("gt", ">", "kGt"), ("ge", ">=", "kGe"), ("lt", "<", "kLt"), ("le", "<=", "kLe")]
_FORMATS = {"date": "kDate", "date-time": "kDateTime", "email": "kEmail", "uri": "kUri",
            "byte": "kBase64"}
_SCALAR_TYPES = {"bool": "bool", "int": "int64_t", "float": "double", "str": "std::string",
                 "uuid": "std::string", "any": "validate::Value"}
_SIG_JSON = "(simdjson::dom::element el, validate::Location& loc, validate::Errors* errors, {t}* out)"
_SIG_BUILD = "(const {t}& v, validate::Builder& b)"
_SIG_TEXT = "(absl::string_view text, validate::Location& loc, validate::Errors* errors)"
_SIG_TEXTS = ("(const std::vector<absl::string_view>& texts, validate::Location& loc, "
              "validate::Errors* errors)")


def cpp_string(s: str) -> str:
    """A C++ string literal for s (UTF-8 bytes; octal escapes never swallow a next digit)."""
    out = []
    for byte in s.encode():
        c = chr(byte)
        if c in '"\\':
            out.append("\\" + c)
        elif 32 <= byte < 127 and c != "?":  # "?" would start trigraph-like sequences
            out.append(c)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def _ident(name: str) -> str:
    out = re.sub(r"\W", "_", name)
    return "_" + out if not out or out[0].isdigit() else out


def _number(v: float) -> str:
    return repr(float(v))


class Emitter:
    def __init__(self, service: ir.Service, name: str) -> None:
        self.service = service
        self.name = name
        self.order = sorted(m.name for m in service.models)
        self.models = {m.name: m for m in service.models}
        self.specs = SpecDicts(TypeSpecs(service.models, self.order))
        # Model specs by identity: a field's spec `is` its model's (or a modified copy).
        self.named: dict[int, str] = {}
        self.unions: dict[int, str] = {}  # id(variants list) -> union name
        for n in self.order:
            spec = self.specs.model_spec(n)  # objects and unions: memoized, so kept alive
            if spec["kind"] == "object":
                self.named[id(spec)] = n
            elif spec["kind"] == "union":
                self.named[id(spec)] = n
                self.unions[id(spec["variants"])] = n
        self.complete: set[str] = set()  # structs already defined
        self.recursive = self.find_recursive()  # held through a Box wherever held directly
        self.fn_names: dict[str, str] = {}  # (what, key) -> function name
        self.protos: list[str] = []
        self.bodies: list[str] = []
        self.patterns: dict[str, str] = {}
        self.allowed: dict[tuple[str, ...], str] = {}

    # --- naming ------------------------------------------------------------------------

    def model_of(self, spec: Spec) -> str | None:
        """The model a spec refers to (also through a nullable copy), else None."""
        if id(spec) in self.named:
            return self.named[id(spec)]
        if spec.get("enum_class") or (spec["kind"] == "object" and "model" in spec):
            return self.order[spec["model"]]
        if spec["kind"] == "union":
            return self.unions.get(id(spec["variants"]))
        return None

    def cpp_name(self, model: str) -> str:
        return _ident(model)

    def key(self, spec: Spec) -> str:
        """Identifies a spec for function sharing: models by name, the rest by content."""
        model = self.model_of(spec)
        if model is not None:
            return json.dumps({"ref": model, "nullable": bool(spec.get("nullable"))})
        return json.dumps({k: (self.key(v) if k == "items" else v) for k, v in spec.items()},
                          sort_keys=True)

    def build_key(self, spec: Spec) -> str:
        """Builders depend on the shape only, not on the constraints."""
        model = self.model_of(spec)
        if model is not None:
            return self.key(spec)
        inner = f"<{self.build_key(spec['items'])}>" if "items" in spec else ""
        return f"{spec['kind']}{inner}{'?' if spec.get('nullable') else ''}"

    def is_model_ref(self, spec: Spec) -> bool:
        m = self.model_of(spec)
        return m is not None and self.models[m].WhichOneof("kind") != "enum"

    # --- C++ types ---------------------------------------------------------------------

    def ctype(self, spec: Spec, boxed: bool = False) -> str:
        base = self.base_ctype(spec, boxed)
        if spec.get("nullable") and spec["kind"] != "any":
            return f"std::optional<{base}>"
        return base

    def base_ctype(self, spec: Spec, boxed: bool = False) -> str:
        model = self.model_of(spec)
        if model is not None and (spec.get("enum_class") or spec["kind"] in ("object", "union")):
            name = self.cpp_name(model)
            return f"validate::Box<{name}>" if boxed else name
        kind = spec["kind"]
        if kind == "list":
            return f"std::vector<{self.ctype(spec['items'])}>"
        if kind == "dict":
            item = spec["items"]
            return f"std::vector<std::pair<std::string, {self.ctype(item, self.needs_box(item))}>>"
        return _SCALAR_TYPES[kind]

    def needs_box(self, spec: Spec) -> bool:
        """Direct references to a model that contains itself (not through a vector) are
        boxed, wherever they stand: a struct cannot contain itself by value."""
        return self.is_model_ref(spec) and self.model_of(spec) in self.recursive

    def find_recursive(self) -> set[str]:
        def deps(name: str) -> list[str]:
            spec = self.specs.model_spec(name)
            if spec["kind"] == "object":
                return [d for f in spec["fields"] for d in self.strong_deps(f["type"])]
            if spec["kind"] == "union":
                return [d for v in spec["variants"] for d in self.strong_deps(v)]
            return []

        out = set()
        for start in self.order:
            seen, stack = set(), deps(start)
            while stack:
                n = stack.pop()
                if n == start:
                    out.add(start)
                    break
                if n not in seen:
                    seen.add(n)
                    stack += deps(n)
        return out

    # --- functions, generated on demand and shared by key ---------------------------------

    def fn(self, what: str, spec: Spec, boxed: bool = False) -> str:
        k = f"{what}:{boxed}:{self.build_key(spec) if what == 'Build' else self.key(spec)}"
        if k in self.fn_names:
            return self.fn_names[k]
        model = self.model_of(spec)
        plain = model is not None and not spec.get("nullable") and not boxed
        name = (f"{what}{self.cpp_name(model)}" if plain
                else f"{what}{len(self.fn_names)}")
        self.fn_names[k] = name
        if what == "Decode":
            t = self.ctype(spec, boxed)
            sig = _SIG_JSON.format(t=t)
            public = plain and self.models[model].WhichOneof("kind") != "enum"
            self.protos.append(f"{'' if public else 'static '}bool {name}{sig};")
            body = self.json_body(spec, boxed)
            self.bodies.append(f"{'' if public else 'static '}bool {name}{sig} {{\n{body}}}\n")
        elif what == "Build":
            t = self.ctype(spec, boxed)
            sig = _SIG_BUILD.format(t=t)
            self.protos.append(f"static validate::Built {name}{sig};")
            self.bodies.append(f"static validate::Built {name}{sig} {{\n"
                               f"{self.build_body(spec, boxed)}}}\n")
        elif what == "Text":
            self.protos.append(f"static validate::Value {name}{_SIG_TEXT};")
            self.bodies.append(f"static validate::Value {name}{_SIG_TEXT} {{\n"
                               f"{self.text_body(spec)}}}\n")
        return name

    def pattern(self, text: str) -> str:
        if text not in self.patterns:
            name = f"Pattern{len(self.patterns)}"
            self.patterns[text] = name
        return self.patterns[text]

    def allowed_list(self, values: list[str]) -> str:
        key = tuple(values)
        if key not in self.allowed:
            self.allowed[key] = f"kAllowed{len(self.allowed)}"
        return self.allowed[key]

    # --- JSON decoding -------------------------------------------------------------------

    def json_body(self, spec: Spec, boxed: bool) -> str:
        if spec.get("nullable") and spec["kind"] != "any":
            inner = self.strip_nullable(spec)
            f = self.fn("Decode", inner, boxed)
            return ("  if (el.is_null()) {\n    out->reset();\n    return true;\n  }\n"
                    f"  return {f}(el, loc, errors, &out->emplace());\n")
        if boxed:
            return f"  return {self.fn('Decode', spec)}(el, loc, errors, &out->Mutable());\n"
        if self.is_model_ref(spec):  # (constraints beside a model reference have no meaning)
            model = self.model_of(spec)
            assert model is not None
            full = self.specs.model_spec(model)
            if full["kind"] == "object":
                return self.object_body(model, full)
            return self.union_body(model, full)
        kind = spec["kind"]
        if kind == "list":
            return self.list_body(spec)
        if kind == "dict":
            return self.dict_body(spec)
        if kind == "any":
            return "  *out = validate::JsonAny(el);\n  return true;\n"
        return self.scalar_body(spec, "json")

    def strip_nullable(self, spec: Spec) -> Spec:
        model = self.model_of(spec)
        if model is not None and set(spec) - {"nullable"} == set(self.specs.model_spec(model)):
            return self.specs.model_spec(model)
        return {k: v for k, v in spec.items() if k != "nullable"}

    def scalar_body(self, spec: Spec, source: str) -> str:
        """A scalar from JSON (`el`) or text (`text`): parse, check, store / return."""
        kind = spec["kind"] if spec["kind"] in ("bool", "int", "float", "uuid") else "str"
        json_src = source == "json"
        lines = []
        input_fn = "validate::JsonInput(el)" if json_src else "validate::TextInput(text)"
        if not json_src:
            lines.append("  if (!validate::TextUtf8(text, loc, errors)) return validate::Value();")
        fail = "return false;" if json_src else "return validate::Value();"
        var = {"bool": "bool v", "int": "int64_t v", "float": "double v", "uuid": "std::string v",
               "str": "absl::string_view v"}[kind]
        parse = {"bool": "Bool", "int": "Int", "float": "Float", "uuid": "Uuid", "str": "Str"}[kind]
        if json_src:
            lines.append(f"  {var};\n  if (!validate::Json{parse}(el, loc, errors, &v)) {fail}")
        elif kind == "str":
            lines.append("  absl::string_view v = text;")
        else:
            lines.append(f"  {var};\n  if (!validate::Text{parse}(text, loc, errors, &v)) {fail}")
        lines.append(f"  auto input = [&] {{ return {input_fn}; }};\n  (void)input;\n  bool ok = true;")
        if kind in ("int", "float"):
            x = "static_cast<double>(v)" if kind == "int" else "v"
            of_float = "true" if kind == "float" else "false"  # the ctx's bound: 1.0
            for key, op, bound in _BOUNDS:
                if key in spec:
                    value, text = spec[key]
                    lines.append(f"  if (!({x} {op} {_number(value)})) {{\n"
                                 f"    validate::ReportBound(validate::BoundKind::{bound}, "
                                 f"{cpp_string(text)}, input, loc, errors, {of_float});\n"
                                 "    ok = false;\n  }")
            if "multiple_of" in spec:
                value, text = spec["multiple_of"]
                lines.append(f"  if (!validate::IsMultipleOf({x}, {_number(value)})) {{\n"
                             f"    validate::ReportBound(validate::BoundKind::kMultipleOf, "
                             f"{cpp_string(text)}, input, loc, errors, {of_float});\n"
                             "    ok = false;\n  }")
        if kind == "str":
            if "min_length" in spec or "max_length" in spec:
                lines.append("  size_t n = validate::CodePoints(v);")
                if "min_length" in spec:
                    m = spec["min_length"]
                    lines.append(f"  if (n < {m}) {{\n    validate::ReportStringLength(false, {m}, "
                                 "input, loc, errors);\n    ok = false;\n  }")
                if "max_length" in spec:
                    m = spec["max_length"]
                    lines.append(f"  if (n > {m}) {{\n    validate::ReportStringLength(true, {m}, "
                                 "input, loc, errors);\n    ok = false;\n  }")
            if "format" in spec:
                lines.append(f"  if (!validate::CheckFormat(validate::StringFormat::"
                             f"{_FORMATS[spec['format']]}, v, input, loc, errors)) ok = false;")
            if spec.get("pattern"):
                p = self.pattern(spec["pattern"])
                lines.append(f"  if (!RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), {p}())) {{\n"
                             f"    validate::ReportPattern({cpp_string(spec['pattern'])}, input, loc, "
                             "errors);\n    ok = false;\n  }")
        lines.append(f"  if (!ok) {fail}")
        if "enum" in spec:
            lines.append(self.allowed_check(spec, kind, fail))
        elif json_src:
            lines.append("  *out = " + ("std::string(v)" if kind == "str" else
                                        "std::move(v)" if kind == "uuid" else "v") + ";")
            lines.append("  return true;")
        if not json_src and "enum" not in spec:
            make = {"bool": "Bool(v)", "int": "Int(v)", "float": "Float(v)",
                    "uuid": "String(std::move(v))", "str": "String(std::string(v))"}[kind]
            lines.append(f"  return validate::Value::{make};")
        return "\n".join(lines) + "\n"

    def allowed_check(self, spec: Spec, kind: str, fail: str) -> str:
        """Enumerations: the member's index (enum class) or the value itself (literals)."""
        values = [json.loads(v) for v in spec["enum"]]
        enum_class = spec.get("enum_class")
        json_src = fail == "return false;"
        lines = []
        for i, value in enumerate(values):
            if kind == "str" and isinstance(value, str):
                cond = f"v == absl::string_view({cpp_string(value)}, {len(value.encode())})"
            elif kind in ("int", "float") and isinstance(value, (int, float)) \
                    and not isinstance(value, bool):
                cond = f"v == {value!r}" if kind == "int" and isinstance(value, int) \
                    else f"static_cast<double>(v) == {_number(value)}"
            elif kind == "bool" and isinstance(value, bool):
                cond = f"v == {'true' if value else 'false'}"
            else:
                continue
            if json_src and enum_class:
                store = f"*out = static_cast<{self.cpp_name(self.order[spec['model']])}>({i});"
            elif json_src:
                store = "*out = " + ("std::string(v)" if kind == "str" else
                                     "std::move(v)" if kind == "uuid" else "v") + ";"
            else:
                make = {"bool": "Bool(v)", "int": "Int(v)", "float": "Float(v)",
                        "uuid": "String(std::move(v))", "str": "String(std::string(v))"}[kind]
                store = ""
                lines.append(f"  if ({cond}) return validate::Value::{make};")
                continue
            lines.append(f"  if ({cond}) {{\n    {store}\n    return true;\n  }}")
        name = self.allowed_list(spec["enum"])
        lines.append(f"  validate::ReportNotAllowed({'true' if enum_class else 'false'}, {name}(), "
                     f"input, loc, errors);\n  {fail}")
        return "\n".join(lines)

    def list_body(self, spec: Spec) -> str:
        item = spec["items"]
        f = self.fn("Decode", item)
        t = self.ctype(item)
        add = (f"    {t} item{{}};\n    {f}(x, loc, errors, &item);\n    out->push_back(std::move(item));"
               if t == "bool" else f"    {f}(x, loc, errors, &out->emplace_back());")
        lines = ["  auto input = [&] { return validate::JsonInput(el); };",
                 "  if (el.type() != simdjson::dom::element_type::ARRAY) {",
                 '    validate::ReportType("list_type", input, loc, errors);\n    return false;\n  }',
                 "  simdjson::dom::array array = el.get_array().value_unsafe();"]
        if "max_length" in spec:  # pydantic: a list too long is reported alone
            m = spec["max_length"]
            lines.append(f"  if (array.size() > {m}) {{\n    validate::ReportItemCount(true, {m}, "
                         "array.size(), input, loc, errors);\n    return false;\n  }")
        lines += ["  size_t before = errors->size();\n  size_t i = 0;\n  out->clear();\n  out->reserve(array.size());",
                  "  for (simdjson::dom::element x : array) {\n    loc.PushIndex(i++);", add,
                  "    loc.Pop();\n  }",
                  # Items' errors come alone too (pydantic counts only valid items).
                  "  if (errors->size() != before) return false;\n  bool ok = true;",
                  *self.item_counts(spec, "i"), "  if (!ok) return false;"]
        if spec.get("unique_items"):
            lines.append("  return validate::CheckUniqueItems(array, input, loc, errors);")
        else:
            lines.append("  return true;")
        return "\n".join(lines) + "\n"

    @staticmethod
    def item_counts(spec: Spec, count: str) -> list[str]:
        """minItems/maxItems on `count`; each violation reported, `ok` cleared."""
        lines = []
        for key, op, too_long in (("min_length", "<", "false"), ("max_length", ">", "true")):
            if key in spec:
                m = spec[key]
                lines.append(f"  if ({count} {op} {m}) {{\n    validate::ReportItemCount({too_long}, "
                             f"{m}, {count}, input, loc, errors);\n    ok = false;\n  }}")
        return lines

    def dict_body(self, spec: Spec) -> str:
        item = spec["items"]
        f = self.fn("Decode", item, self.needs_box(item))
        return ("  if (el.type() != simdjson::dom::element_type::OBJECT) {\n"
                '    validate::ReportType("dict_type", [&] { return validate::JsonInput(el); }, '
                "loc, errors);\n    return false;\n  }\n"
                "  size_t before = errors->size();\n  out->clear();\n"
                "  simdjson::dom::object obj = el.get_object().value_unsafe();  // not a temporary's\n"
                "  for (auto field : obj) {\n"
                "    absl::string_view key(field.key.data(), field.key.size());\n"
                "    loc.PushKey(key);\n    auto& slot = out->emplace_back();\n"
                "    slot.first.assign(key.data(), key.size());\n"
                f"    {f}(field.value, loc, errors, &slot.second);\n    loc.Pop();\n  }}\n"
                "  return errors->size() == before;\n")

    def object_body(self, model: str, spec: Spec) -> str:
        fields = spec["fields"]
        n = len(fields)
        lines = ["  auto input = [&] { return validate::JsonInput(el); };",
                 "  if (el.type() != simdjson::dom::element_type::OBJECT) {",
                 f"    validate::ReportNotObject({cpp_string(spec.get('title', ''))}, false, input, "
                 "loc, errors);",
                 "    return false;\n  }",
                 "  simdjson::dom::object obj = el.get_object().value_unsafe();"]
        if n:
            lines.append(f"  simdjson::dom::element slots[{n}];\n  bool seen[{n}] = {{}};")
        lines.append("  bool extra = false;\n  for (auto field : obj) {\n"
                     f"    int k = FieldIndex{self.cpp_name(model)}(field.key);")
        if n:
            lines.append("    if (k < 0) {\n      extra = true;\n    } else if (!seen[k]) {\n"
                         "      slots[k] = field.value;\n      seen[k] = true;\n    }\n  }")
        else:
            lines.append("    extra |= k < 0;\n  }")
        lines.append("  (void)extra;\n  size_t before = errors->size();")
        for k, f in enumerate(fields):
            member = _ident(f["name"])
            ftype = f["type"]
            boxed = self.needs_box(ftype)
            dec = self.fn("Decode", ftype, boxed)
            lines.append(f"  loc.PushKey({cpp_string(f['key'])});")
            target = f"&out->{member}" if f["required"] else f"&out->{member}.emplace()"
            missing = ("validate::ReportMissing(input, loc, errors);" if f["required"]
                       else f"out->{member}.reset();")
            lines.append(f"  if (seen[{k}]) {{\n    {dec}(slots[{k}], loc, errors, {target});\n"
                         f"  }} else {{\n    {missing}\n  }}\n  loc.Pop();")
        if spec.get("forbid_extra"):
            lines.append("  if (extra) {\n    for (auto field : obj) {\n"
                         f"      if (FieldIndex{self.cpp_name(model)}(field.key) >= 0) continue;\n"
                         "      loc.PushKey(absl::string_view(field.key.data(), field.key.size()));\n"
                         "      validate::ReportExtra(field.value, loc, errors);\n      loc.Pop();\n"
                         "    }\n  }")
        lines.append("  return errors->size() == before;")
        return "\n".join(lines) + "\n"

    def union_body(self, model: str, spec: Spec) -> str:
        variants = spec["variants"]
        lines: list[str] = []
        if spec.get("discriminator"):
            d = spec["discriminator"]
            lines.append("  auto input = [&] { return validate::JsonInput(el); };")
            lines.append("  simdjson::dom::element tag;\n"
                         "  if (el.type() != simdjson::dom::element_type::OBJECT ||\n"
                         f"      el.get_object().value_unsafe().at_key({cpp_string(d)}).get(tag) != "
                         "simdjson::SUCCESS) {\n"
                         f"    validate::ReportTagNotFound({cpp_string(d)}, input, loc, errors);\n"
                         "    return false;\n  }\n  std::string tag_text = validate::TagText(tag);")
            expected = ", ".join(f"'{value}'" for value in spec["mapping"])
            for value, index in spec["mapping"].items():
                v = variants[index]
                f = self.fn("Decode", v, self.needs_box(v))
                lines.append(f"  if (tag_text == {cpp_string(value)}) {{\n"
                             f"    loc.PushKey({cpp_string(value)});\n"
                             f"    bool ok = {f}(el, loc, errors, &out->value.emplace<{index}>());\n"
                             "    loc.Pop();\n    return ok;\n  }")
            lines.append(f"  validate::ReportTagInvalid({cpp_string(d)}, tag_text, "
                         f"{cpp_string(expected)}, input, loc, errors);\n  return false;")
            return "\n".join(lines) + "\n"
        lines.append("  validate::Errors all;")
        for i, v in enumerate(variants):
            boxed = self.needs_box(v)
            f = self.fn("Decode", v, boxed)
            push = (f"loc.PushKey({cpp_string(v['title'])});" if v.get("title")
                    else f"loc.PushIndex({i});")
            lines.append(f"  {{\n    validate::Errors mine;\n    {push}\n"
                         f"    {self.ctype(v, boxed)} x{{}};\n"
                         f"    bool ok = {f}(el, loc, &mine, &x);\n    loc.Pop();\n"
                         "    if (ok && mine.empty()) {\n"
                         f"      out->value.emplace<{i}>(std::move(x));\n      return true;\n    }}\n"
                         "    all.insert(all.end(), mine.begin(), mine.end());\n  }")
        lines.append("  errors->insert(errors->end(), all.begin(), all.end());\n  return false;")
        return "\n".join(lines) + "\n"

    # --- building ------------------------------------------------------------------------

    def build_body(self, spec: Spec, boxed: bool) -> str:
        if spec.get("nullable") and spec["kind"] != "any":
            f = self.fn("Build", self.strip_nullable(spec), boxed)
            return f"  return v ? {f}(*v, b) : b.Null();\n"
        if boxed:
            return f"  return {self.fn('Build', spec)}(*v, b);\n"
        if spec.get("enum_class"):
            values = ", ".join(cpp_string(v) for v in spec["enum"])
            return (f"  static const char* const kValues[] = {{{values}}};\n"
                    f"  int i = static_cast<int>(v);\n"
                    f"  return b.EnumMember({spec['model']}, i, kValues[i]);\n")
        if self.is_model_ref(spec):
            spec = self.specs.model_spec(self.model_of(spec))  # type: ignore[arg-type]
            if spec["kind"] == "object":
                fields = spec["fields"]
                if not fields:
                    return (f"  return b.Object({spec['model']}, nullptr, nullptr, 0);\n")
                lines = [f"  static const char* const kNames[] = "
                         f"{{{', '.join(cpp_string(f['name']) for f in fields)}}};",
                         f"  validate::Built f[{len(fields)}];"]
                for k, f in enumerate(fields):
                    member = _ident(f["name"])
                    g = self.fn("Build", f["type"], self.needs_box(f["type"]))
                    if f["required"]:
                        lines.append(f"  f[{k}] = {g}(v.{member}, b);")
                    else:
                        lines.append(f"  f[{k}] = v.{member} ? {g}(*v.{member}, b) : nullptr;")
                lines.append(f"  return b.Object({spec['model']}, kNames, f, {len(fields)});")
                return "\n".join(lines) + "\n"
            lines = ["  switch (v.value.index()) {"]
            for i, variant in enumerate(spec["variants"]):
                g = self.fn("Build", variant, self.needs_box(variant))
                lines.append(f"    case {i}:\n      return {g}(std::get<{i}>(v.value), b);")
            lines.append("  }\n  return b.Null();")
            return "\n".join(lines) + "\n"
        kind = spec["kind"]
        if kind == "list":
            g = self.fn("Build", spec["items"])
            return ("  validate::Built list = b.List(v.size());\n"
                    f"  for (size_t i = 0; i < v.size(); ++i) b.ListSet(list, i, {g}(v[i], b));\n"
                    "  return list;\n")
        if kind == "dict":
            g = self.fn("Build", spec["items"], self.needs_box(spec["items"]))
            return ("  validate::Built dict = b.Dict();\n"
                    f"  for (const auto& [key, x] : v) b.DictSet(dict, key, {g}(x, b));\n"
                    "  return dict;\n")
        return {"bool": "  return b.Bool(v);\n", "int": "  return b.Int(v);\n",
                "float": "  return b.Float(v);\n", "str": "  return b.Str(v);\n",
                "uuid": "  return b.Uuid(v);\n", "any": "  return b.Any(v);\n"}[kind]

    # --- text (parameters) ----------------------------------------------------------------

    def text_body(self, spec: Spec) -> str:
        if spec["kind"] in ("bool", "int", "float", "uuid", "str", "any"):
            return self.scalar_body(spec, "text")
        return self.scalar_body({"kind": "str"}, "text")

    def texts_fn(self, spec: Spec, name: str) -> str:
        """Value F(texts, loc, errors), as ValidateTexts: lists take every value."""
        if spec["kind"] != "list":
            one = self.fn("Text", spec)
            return (f"static validate::Value {name}{_SIG_TEXTS} {{\n"
                    f"  return {one}(texts.back(), loc, errors);\n}}\n")
        one = self.fn("Text", spec["items"])
        lines = [f"static validate::Value {name}{_SIG_TEXTS} {{"]
        counted = "min_length" in spec or "max_length" in spec
        if counted:
            lines.append("  auto input = [&] {\n    std::string out = \"[\";\n"
                         "    for (size_t i = 0; i < texts.size(); ++i) {\n"
                         "      if (i > 0) out.push_back(',');\n      out += validate::TextInput(texts[i]);\n"
                         "    }\n    return out + \"]\";\n  };")
        if "max_length" in spec:  # pydantic: a list too long is reported alone
            m = spec["max_length"]
            lines.append(f"  if (texts.size() > {m}) {{\n    validate::ReportItemCount(true, {m}, "
                         "texts.size(), input, loc, errors);\n    return validate::Value();\n  }")
        lines += ["  validate::Value v = validate::Value::Of(validate::Value::Kind::kList);",
                  "  size_t before = errors->size();",
                  "  for (size_t i = 0; i < texts.size(); ++i) {",
                  f"    loc.PushIndex(i);\n    v.items.push_back({one}(texts[i], loc, errors));",
                  "    loc.Pop();\n  }",
                  "  if (errors->size() != before) return validate::Value();"]
        if counted:
            lines.append("  bool ok = true;")
            lines += self.item_counts(spec, "texts.size()")
            lines.append("  if (!ok) return validate::Value();")
        lines.append("  return v;\n}\n")
        return "\n".join(lines)

    # --- structs -------------------------------------------------------------------------

    def strong_deps(self, spec: Spec) -> list[str]:
        """Models a struct holding `spec` by value holds (not through a vector)."""
        if self.is_model_ref(spec):
            return [self.model_of(spec)]  # type: ignore[list-item]
        if spec["kind"] == "dict":
            return self.strong_deps(spec["items"])
        return []

    def structs(self) -> list[str]:
        out: list[str] = []
        for name in self.order:
            m = self.models[name]
            if m.WhichOneof("kind") == "enum":
                members = []
                used: set[str] = set()
                for i, v in enumerate(m.enum.values):
                    ident = "k" + "".join(p[:1].upper() + p[1:] for p in
                                          re.split(r"[^0-9A-Za-z]+", v.name or f"value{i}") if p)
                    while ident in used or ident == "k":
                        ident += "_"
                    used.add(ident)
                    members.append(f"  {ident} = {i},")
                out.append(f"enum class {self.cpp_name(name)} : int32_t {{\n" + "\n".join(members)
                           + "\n};\n")
                self.complete.add(name)
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if name in self.complete or name in visiting:
                return
            visiting.add(name)
            spec = self.specs.model_spec(name)
            members = (spec["fields"] if spec["kind"] == "object"
                       else [{"type": v} for v in spec["variants"]])
            for f in members:
                for dep in self.strong_deps(f["type"]):
                    if dep not in self.recursive:  # (those are boxed: declared is enough)
                        visit(dep)
            if spec["kind"] == "object":
                lines = []
                for f in spec["fields"]:
                    t = self.ctype(f["type"], self.needs_box(f["type"]))
                    if not f["required"]:
                        t = f"std::optional<{t}>"
                    lines.append(f"  {t} {_ident(f['name'])}{{}};")
                out.append(f"struct {self.cpp_name(name)} {{\n" + "\n".join(lines) + "\n};\n")
            else:
                alts = ", ".join(self.ctype(v, self.needs_box(v)) for v in spec["variants"])
                out.append(f"struct {self.cpp_name(name)} {{\n  std::variant<{alts}> value;\n}};\n")
            visiting.discard(name)
            self.complete.add(name)

        for name in self.order:
            if self.models[name].WhichOneof("kind") != "enum":
                visit(name)
        return out

    def field_index(self, name: str) -> str:
        spec = self.specs.model_spec(name)
        by_size: dict[int, list[tuple[str, int]]] = {}
        for k, f in enumerate(spec["fields"]):
            by_size.setdefault(len(f["key"].encode()), []).append((f["key"], k))
        lines = [f"static int FieldIndex{self.cpp_name(name)}(std::string_view key) {{"]
        if by_size:
            lines.append("  switch (key.size()) {")
            for size in sorted(by_size):
                lines.append(f"    case {size}:")
                for key, k in by_size[size]:
                    lines.append(f"      if (key == std::string_view({cpp_string(key)}, {size})) "
                                 f"return {k};")
                lines.append("      break;")
            lines.append("  }")
        else:
            lines.append("  (void)key;")
        lines.append("  return -1;\n}\n")
        return "\n".join(lines)

    # --- files ---------------------------------------------------------------------------

    def emit(self, header_path: str) -> tuple[str, str]:
        structs = self.structs()
        types: list[tuple[str, str, str]] = []  # (name, json fn, texts fn)
        entry_fns: list[str] = []

        def json_entry(label: str, spec: Spec) -> str:
            dec = self.fn("Decode", spec)
            build = self.fn("Build", spec)
            name = f"Compiled{len(entry_fns)}"
            t = self.ctype(spec)
            entry_fns.append(
                f"std::unique_ptr<validate::CompiledValue> {name}(simdjson::dom::element el, "
                "validate::Location& loc, validate::Errors* errors) {\n"
                f"  auto v = std::make_unique<validate::CompiledValueOf<{t}, &{build}>>();\n"
                f"  if (!{dec}(el, loc, errors, &v->value)) return nullptr;\n  return v;\n}}\n")
            return name

        for name in self.order:
            if self.models[name].WhichOneof("kind") != "enum":
                types.append((name, json_entry(name, self.specs.model_spec(name)), "nullptr"))
        for op in self.service.operations:
            for p in op.parameters:
                fname = f"Texts{len(entry_fns)}"
                entry_fns.append(self.texts_fn(self.specs.type_spec(p.type), fname))
                types.append((f"{op.id}.{p.name}", "nullptr", fname))
            if op.HasField("body"):
                types.append((f"{op.id}.body", json_entry(op.id, self.specs.type_spec(op.body.type)),
                              "nullptr"))
        guard = re.sub(r"\W", "_", header_path).upper() + "_"
        ns = _ident(self.name)
        decls = []
        for name in self.order:
            if self.models[name].WhichOneof("kind") != "enum":
                t = self.cpp_name(name)
                decls.append(f"bool Decode{t}{_SIG_JSON.format(t=t)};")
        header = "\n".join([
            f"// Generated by codegen/back/cpp from {self.service.name or self.name}. Do not edit.",
            "// Typed structs and compiled validators: Decode<Model>() reads simdjson's DOM into",
            "// the struct and reports every violation in pydantic's shape; Service() is the",
            "// table the runtime serves the operations' bodies and parameters with.",
            f"#ifndef {guard}", f"#define {guard}", "",
            "#include <cstdint>", "#include <optional>", "#include <string>", "#include <utility>",
            "#include <variant>", "#include <vector>", "",
            '#include "framework/validate/compiled.h"', '#include "simdjson.h"', "",
            f"namespace {ns} {{", "", "namespace validate = ::databridge::validate;", "",
            *[f"struct {self.cpp_name(n)};" for n in self.order
              if self.models[n].WhichOneof("kind") != "enum"], "",
            *structs,
            *decls, "",
            "// This service's route table and compiled types, by name (models,",
            "// \"<operation>.body\", \"<operation>.<parameter>\").",
            "const validate::CompiledService& Service();", "",
            f"}}  // namespace {ns}", "", f"#endif  // {guard}", ""])
        fi = [self.field_index(n) for n in self.order
              if self.models[n].WhichOneof("kind") == "object"]
        patterns = [f"static const RE2& {fname}() {{\n"
                    f"  static const RE2* re = new RE2({cpp_string(text)}, RE2::Quiet);\n"
                    "  return *re;\n}\n" for text, fname in self.patterns.items()]
        allowed = [f"static const std::vector<absl::string_view>& {fname}() {{\n"
                   "  static const auto* v = new std::vector<absl::string_view>{"
                   f"{', '.join(cpp_string(x) for x in values)}}};\n  return *v;\n}}\n"
                   for values, fname in self.allowed.items()]
        models = ", ".join(cpp_string(n) for n in self.order) or '""'
        type_rows = "\n".join(f"    {{{cpp_string(n)}, {j}, {t}}}," for n, j, t in types)
        route_rows = "\n".join(
            f"    {{{cpp_string(op.id)}, {cpp_string(op.method)}, {cpp_string(op.path)}}},"
            for op in self.service.operations)
        body = "\n".join([
            f"// Generated by codegen/back/cpp from {self.service.name or self.name}. Do not edit.",
            f'#include "{header_path}"', "",
            "#include <memory>", "#include <string_view>", "",
            '#include "absl/strings/string_view.h"',
            '#include "framework/validate/scalars.h"', '#include "re2/re2.h"', "",
            f"namespace {ns} {{", "",
            *patterns, *allowed, *fi,
            *[p for p in self.protos if p.startswith("static")], "",
            *self.bodies,
            "namespace {", "", *entry_fns,
            f"const char* const kModels[] = {{{models}}};", "",
            "const validate::CompiledType kTypes[] = {", type_rows or '    {"", nullptr, nullptr},',
            "};", "",
            "const validate::CompiledRoute kRoutes[] = {",
            route_rows or '    {"", "", ""},', "};", "", "}  // namespace", "",
            "const validate::CompiledService& Service() {",
            f"  static const validate::CompiledService service{{validate::kCompiledAbi, "
            f"{cpp_string(self.name)}, kModels, {len(self.order)}, kTypes, {len(types)}, "
            f"kRoutes, {len(self.service.operations)}}};",
            "  return service;\n}", "",
            f"}}  // namespace {ns}", ""])
        return header, body


def module_source(name: str, header_path: str, proto_file: str = "") -> str:
    """The extension's one file; for a proto service it also keeps the messages' C++
    descriptors linked (protobuf's generated pool: gRPC server reflection reads it)."""
    ns = _ident(name)
    lines = [f"// Generated by codegen/back/cpp. The Python extension {name}_native: hands",
             f"// {ns}::Service() to the runtime.",
             f'#include "{header_path}"', '#include "framework/python/compiled_module.h"']
    if proto_file:
        table = "descriptor_table_" + "".join(c if c.isalnum() else f"_{ord(c):02x}"
                                              for c in proto_file)
        lines += [f'#include "{proto_file[:-len(".proto")]}.pb.h"', "",
                  "// Referenced, so the linker keeps the descriptors (and registers them).",
                  f"__attribute__((used)) static const void* const kProtoDescriptors = &{table};"]
    lines += ["", f"DATABRIDGE_COMPILED_MODULE({name}_native, {ns}::Service())", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ir")
    parser.add_argument("--name", required=True)
    parser.add_argument("--header", required=True, help="the header's include path")
    parser.add_argument("--out-h", required=True)
    parser.add_argument("--out-cc", required=True)
    parser.add_argument("--out-module", required=True)
    args = parser.parse_args(argv)
    service = files.read_ir(args.ir)
    header, body = Emitter(service, args.name).emit(args.header)
    for path, text in ((args.out_h, header), (args.out_cc, body),
                       (args.out_module, module_source(
                           args.name, args.header,
                           service.source.file if service.rpcs else ""))):
        with open(path, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
