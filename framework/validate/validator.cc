#include "framework/validate/validator.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "framework/json/json_escape.h"
#include "framework/validate/scalars.h"

namespace databridge::validate {
using json::JsonString;

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

Value IntChecked(const TypeSpec& spec, int64_t v, InputFn input, const Location& loc,
                 Errors* errors) {
  if (!CheckBounds(spec, static_cast<double>(v), input, loc, errors)) return Value();
  return Value::Int(v);
}

Value FloatChecked(const TypeSpec& spec, double v, InputFn input, const Location& loc,
                   Errors* errors) {
  if (!CheckBounds(spec, v, input, loc, errors)) return Value();
  return Value::Float(v);
}

Value StringChecked(const TypeSpec& spec, absl::string_view s, InputFn input, const Location& loc,
                    Errors* errors) {
  if (!CheckString(spec, s, input, loc, errors)) return Value();
  return Value::String(std::string(s));
}

// Canonical JSON of a validated scalar, to compare with TypeSpec::allowed_json.
std::string CanonicalJson(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kString:
      return JsonString(v.s);
    case Value::Kind::kInt:
      return std::to_string(v.i);
    case Value::Kind::kBool:
      return v.b ? "true" : "false";
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kFloat: {
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof(buf), v.f);
      return std::string(buf, res.ptr);
    }
    default:
      return "";
  }
}

Value CheckAllowed(const TypeSpec& spec, Value v, InputFn input, const Location& loc,
                   Errors* errors) {
  if (spec.allowed_json.empty() || v.kind == Value::Kind::kMissing) return v;
  std::string canonical = CanonicalJson(v);
  for (const std::string& a : spec.allowed_json) {
    if (a == canonical) return v;
  }
  std::vector<absl::string_view> allowed(spec.allowed_json.begin(), spec.allowed_json.end());
  ReportNotAllowed(spec.allowed_is_enum, allowed, input, loc, errors);
  return Value();
}

Value ValidateTextUnchecked(const TypeSpec& spec, absl::string_view text, Location& loc,
                            Errors* errors) {
  if (!TextUtf8(text, loc, errors)) return Value();
  auto input = [&] { return JsonString(text); };
  switch (spec.kind) {
    case TypeKind::kInt: {
      int64_t v;
      if (!TextInt(text, loc, errors, &v)) return Value();
      return IntChecked(spec, v, input, loc, errors);
    }
    case TypeKind::kFloat: {
      double v;
      if (!TextFloat(text, loc, errors, &v)) return Value();
      return FloatChecked(spec, v, input, loc, errors);
    }
    case TypeKind::kBool: {
      bool v;
      if (!TextBool(text, loc, errors, &v)) return Value();
      return Value::Bool(v);
    }
    case TypeKind::kUuid: {
      std::string canonical;
      if (!TextUuid(text, loc, errors, &canonical)) return Value();
      return Value::String(std::move(canonical));
    }
    case TypeKind::kList: {
      Value v = Value::Of(Value::Kind::kList);
      loc.PushIndex(0);
      v.items.push_back(ValidateText(*spec.items, text, loc, errors));
      loc.Pop();
      return v;
    }
    case TypeKind::kFile:  // text where a file was wanted (FastAPI's UploadFile check)
      ReportNotUpload(input, loc, errors);
      return Value();
    case TypeKind::kFileBytes:
      return Value::String(std::string(text));
    case TypeKind::kString:
    case TypeKind::kAny:
    default:
      return StringChecked(spec, text, input, loc, errors);
  }
}

}  // namespace

Value ValidateText(const TypeSpec& spec, absl::string_view text, Location& loc, Errors* errors) {
  Value v = ValidateTextUnchecked(spec, text, loc, errors);
  if (spec.allowed_json.empty()) return v;
  return CheckAllowed(
      spec, std::move(v), [&] { return JsonString(text); }, loc, errors);
}

Value ValidateTexts(const TypeSpec& spec, const std::vector<absl::string_view>& texts,
                    Location& loc, Errors* errors) {
  if (spec.kind != TypeKind::kList) return ValidateText(spec, texts.back(), loc, errors);
  auto list_input = [&] {
    std::string input = "[";
    for (size_t i = 0; i < texts.size(); ++i) {
      if (i > 0) input.push_back(',');
      input += JsonString(texts[i]);
    }
    input.push_back(']');
    return input;
  };
  if (spec.max_length && texts.size() > *spec.max_length) {  // pydantic: this error alone
    ReportItemCount(true, *spec.max_length, texts.size(), list_input, loc, errors);
    return Value();
  }
  Value v = Value::Of(Value::Kind::kList);
  size_t before = errors->size();
  for (size_t i = 0; i < texts.size(); ++i) {
    loc.PushIndex(i);
    v.items.push_back(ValidateText(*spec.items, texts[i], loc, errors));
    loc.Pop();
  }
  if (errors->size() != before) return Value();
  if ((spec.min_length || spec.max_length) &&
      !CheckItems(spec, texts.size(), list_input, loc, errors)) {
    return Value();
  }
  return v;
}

namespace {
Value ValidateJsonUnchecked(const TypeSpec& spec, element el, Location& loc, Errors* errors);

Value ValidateUnion(const TypeSpec& spec, element el, InputFn input, Location& loc,
                    Errors* errors) {
  Value v = Value::Of(Value::Kind::kObject);
  if (!spec.discriminator.empty()) {
    // pydantic's tagged unions: union_tag_not_found / union_tag_invalid.
    element tag;
    if (el.type() != element_type::OBJECT && !spec.variants.empty() &&
        spec.variants[0]->kind == TypeKind::kObject) {  // pydantic: the models' type error
      ReportNotObject(spec.variants[0]->title, spec.variants[0]->pydantic_model, input, loc,
                      errors);
      return Value();
    }
    if (el.type() != element_type::OBJECT ||
        el.get_object().value_unsafe().at_key(spec.discriminator).get(tag) != simdjson::SUCCESS) {
      ReportTagNotFound(spec.discriminator, input, loc, errors);
      return Value();
    }
    std::string tag_text = TagText(tag);
    std::string expected;
    for (const auto& [value, index] : spec.mapping) {
      if (value == tag_text) {
        loc.PushKey(value);
        Value inner = ValidateJson(*spec.variants[index], el, loc, errors);
        loc.Pop();
        if (inner.kind == Value::Kind::kMissing) return Value();
        v.i = index;
        v.items.push_back(std::move(inner));
        return v;
      }
      absl::StrAppend(&expected, expected.empty() ? "" : ", ", "'", value, "'");
    }
    ReportTagInvalid(spec.discriminator, tag_text, expected, input, loc, errors);
    return Value();
  }
  // No tag: the first variant that validates; otherwise every variant's errors, each
  // under the variant's name (as pydantic reports them).
  Errors all;
  for (size_t i = 0; i < spec.variants.size(); ++i) {
    Errors mine;
    const TypeSpec& variant = *spec.variants[i];
    if (variant.title.empty()) {
      loc.PushIndex(i);
    } else {
      loc.PushKey(variant.title);
    }
    Value inner = ValidateJson(variant, el, loc, &mine);
    loc.Pop();
    if (mine.empty() && inner.kind != Value::Kind::kMissing) {
      v.i = static_cast<int64_t>(i);
      v.items.push_back(std::move(inner));
      return v;
    }
    all.insert(all.end(), mine.begin(), mine.end());
  }
  errors->insert(errors->end(), all.begin(), all.end());
  return Value();
}

Value ValidateObject(const TypeSpec& spec, element el, InputFn input, Location& loc,
                     Errors* errors) {
  if (el.type() != element_type::OBJECT) {
    ReportNotObject(spec.title, spec.pydantic_model, input, loc, errors);
    return Value();
  }
  simdjson::dom::object obj = el.get_object().value_unsafe();
  Value v = Value::Of(Value::Kind::kObject);
  v.items.reserve(spec.fields.size());
  size_t before = errors->size();
  for (const Field& f : spec.fields) {
    loc.PushKey(f.key);
    element child;
    if (obj.at_key(f.key).get(child) == simdjson::SUCCESS) {
      v.items.push_back(ValidateJson(*f.type, child, loc, errors));
    } else {
      if (f.required) ReportMissing(input, loc, errors);
      v.items.emplace_back();
    }
    loc.Pop();
  }
  if (spec.forbid_extra) {
    for (auto field : obj) {
      absl::string_view key(field.key.data(), field.key.size());
      bool declared = false;
      for (const Field& f : spec.fields) declared = declared || f.key == key;
      if (!declared) {
        loc.PushKey(key);
        ReportExtra(field.value, loc, errors);
        loc.Pop();
      }
    }
  }
  if (errors->size() != before) return Value();
  return v;
}

}  // namespace

Value ValidateJson(const TypeSpec& spec, element el, Location& loc, Errors* errors) {
  Value v = ValidateJsonUnchecked(spec, el, loc, errors);
  // Optional[Status]: null is allowed beside the enumeration's values.
  if (spec.allowed_json.empty() || (v.kind == Value::Kind::kNull && spec.nullable)) return v;
  return CheckAllowed(
      spec, std::move(v), [&] { return JsonInput(el); }, loc, errors);
}

namespace {

Value ValidateJsonUnchecked(const TypeSpec& spec, element el, Location& loc, Errors* errors) {
  const element_type type = el.type();
  auto input = [&] { return JsonInput(el); };
  if (type == element_type::NULL_VALUE && (spec.nullable || spec.kind == TypeKind::kAny)) {
    return Value::Null();
  }
  switch (spec.kind) {
    case TypeKind::kAny:
      return JsonAny(el);
    case TypeKind::kBool: {
      bool b;
      return JsonBool(el, loc, errors, &b) ? Value::Bool(b) : Value();
    }
    case TypeKind::kInt: {
      int64_t i;
      return JsonInt(el, loc, errors, &i) ? IntChecked(spec, i, input, loc, errors) : Value();
    }
    case TypeKind::kFloat: {
      double d;
      return JsonFloat(el, loc, errors, &d) ? FloatChecked(spec, d, input, loc, errors) : Value();
    }
    case TypeKind::kString: {
      absl::string_view s;
      return JsonStr(el, loc, errors, &s) ? StringChecked(spec, s, input, loc, errors) : Value();
    }
    case TypeKind::kUuid: {
      std::string canonical;
      return JsonUuid(el, loc, errors, &canonical) ? Value::String(std::move(canonical)) : Value();
    }
    case TypeKind::kList: {
      if (type != element_type::ARRAY) {
        ReportType("list_type", input, loc, errors);
        return Value();
      }
      Value v = Value::Of(Value::Kind::kList);
      size_t before = errors->size();
      size_t i = 0;
      simdjson::dom::array array = el.get_array().value_unsafe();
      if (spec.max_length && array.size() > *spec.max_length) {  // pydantic: this error alone
        ReportItemCount(true, *spec.max_length, array.size(), input, loc, errors);
        return Value();
      }
      v.items.reserve(array.size());
      for (element item : array) {
        loc.PushIndex(i++);
        v.items.push_back(ValidateJson(*spec.items, item, loc, errors));
        loc.Pop();
      }
      // Items' errors come alone too (pydantic counts only a list whose items are valid).
      if (errors->size() != before || !CheckItems(spec, i, input, loc, errors)) return Value();
      if (spec.unique_items && !CheckUniqueItems(array, input, loc, errors)) return Value();
      return v;
    }
    case TypeKind::kDict: {
      if (type != element_type::OBJECT) {
        ReportType("dict_type", input, loc, errors);
        return Value();
      }
      Value v = Value::Of(Value::Kind::kDict);
      simdjson::dom::object object = el.get_object().value_unsafe();
      for (auto field : object) {
        loc.PushKey(absl::string_view(field.key.data(), field.key.size()));
        v.keys.emplace_back(field.key);
        v.items.push_back(spec.items ? ValidateJson(*spec.items, field.value, loc, errors)
                                     : JsonAny(field.value));
        loc.Pop();
      }
      return v;
    }
    case TypeKind::kUnion:
      return ValidateUnion(spec, el, input, loc, errors);
    case TypeKind::kFile:
      ReportNotUpload(input, loc, errors);
      return Value();
    case TypeKind::kFileBytes: {
      absl::string_view s;
      return JsonStr(el, loc, errors, &s) ? Value::String(std::string(s)) : Value();
    }
    case TypeKind::kObject:
      return ValidateObject(spec, el, input, loc, errors);
  }
  return Value();
}

}  // namespace

}  // namespace databridge::validate
