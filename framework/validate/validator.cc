#include "framework/validate/validator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "framework/json/json_escape.h"
#include "framework/json/json_reader.h"

namespace databridge::validate {
using json::JsonString;
// The offending input as JSON, built only when an error is reported.
using InputFn = absl::FunctionRef<std::string()>;

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Debian's abseil keeps its own string_view (ABSL_OPTION_USE_STD_STRING_VIEW=0).
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }
absl::string_view Str(element el) { return Sv(el.get_string().value_unsafe()); }

size_t CodePoints(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

const char* Plural(size_t n) { return n == 1 ? "" : "s"; }

// Numeric bounds (pydantic: greater_than_equal, ...). Returns false on a violation.
bool CheckBounds(const TypeSpec& spec, double v, InputFn input, const Location& loc,
                 Errors* errors) {
  bool ok = true;
  auto fail = [&](const char* type, const char* words, const char* key, const Bound& b) {
    AddError(loc, type, absl::StrCat("Input should be ", words, " ", b.text), input(), errors,
             absl::StrCat("{\"", key, "\":", b.text, "}"));
    ok = false;
  };
  if (spec.gt && !(v > spec.gt->value)) fail("greater_than", "greater than", "gt", *spec.gt);
  if (spec.ge && !(v >= spec.ge->value)) {
    fail("greater_than_equal", "greater than or equal to", "ge", *spec.ge);
  }
  if (spec.lt && !(v < spec.lt->value)) fail("less_than", "less than", "lt", *spec.lt);
  if (spec.le && !(v <= spec.le->value)) {
    fail("less_than_equal", "less than or equal to", "le", *spec.le);
  }
  if (spec.multiple_of && spec.multiple_of->value > 0) {
    double q = v / spec.multiple_of->value;
    if (std::fabs(q - std::round(q)) > 1e-9 * std::max(1.0, std::fabs(q))) {
      fail("multiple_of", "a multiple of", "multiple_of", *spec.multiple_of);
    }
  }
  return ok;
}

bool IsDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// RFC 3339 full-date, with real month lengths.
bool IsDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y, m, d;
  if (!IsDigits(s.substr(0, 4)) || !IsDigits(s.substr(5, 2)) || !IsDigits(s.substr(8, 2)) ||
      !absl::SimpleAtoi(s.substr(0, 4), &y) || !absl::SimpleAtoi(s.substr(5, 2), &m) ||
      !absl::SimpleAtoi(s.substr(8, 2), &d)) {
    return false;
  }
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// RFC 3339 date-time: full-date "T" HH:MM:SS[.frac] (Z | +HH:MM | -HH:MM).
bool IsDateTime(absl::string_view s) {
  if (s.size() < 20 || !IsDate(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    return false;
  }
  absl::string_view t = s.substr(11);
  auto two = [](absl::string_view v, int max) {
    int n;
    return v.size() == 2 && IsDigits(v) && absl::SimpleAtoi(v, &n) && n <= max;
  };
  if (t.size() < 9 || !two(t.substr(0, 2), 23) || t[2] != ':' || !two(t.substr(3, 2), 59) ||
      t[5] != ':' || !two(t.substr(6, 2), 60)) {
    return false;
  }
  t = t.substr(8);
  if (!t.empty() && t[0] == '.') {
    size_t n = 1;
    while (n < t.size() && absl::ascii_isdigit(t[n])) ++n;
    if (n == 1) return false;
    t = t.substr(n);
  }
  if (t == "Z" || t == "z") return true;
  return t.size() == 6 && (t[0] == '+' || t[0] == '-') && two(t.substr(1, 2), 23) && t[3] == ':' &&
         two(t.substr(4, 2), 59);
}

// The addr-spec most validators accept: local@domain.tld, no spaces.
bool IsEmail(absl::string_view s) {
  size_t at = s.find('@');
  if (at == absl::string_view::npos || at == 0 || s.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  absl::string_view domain = s.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == absl::string_view::npos || dot == 0 || dot + 1 == domain.size()) return false;
  for (char c : s) {
    if (absl::ascii_isspace(c) || absl::ascii_iscntrl(c)) return false;
  }
  return true;
}

// RFC 3986 absolute URI: scheme ":" hier-part, no spaces.
bool IsUri(absl::string_view s) {
  size_t colon = s.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
  if (!absl::ascii_isalpha(s[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = s[i];
    if (!absl::ascii_isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  for (char c : s) {
    if (absl::ascii_isspace(c) || absl::ascii_iscntrl(c)) return false;
  }
  return true;
}

bool CheckFormat(StringFormat format, absl::string_view s, InputFn input, const Location& loc,
                 Errors* errors) {
  std::string unused;
  switch (format) {
    case StringFormat::kDate:
      if (IsDate(s)) return true;
      AddError(loc, "date_parsing", "Input should be a valid date in the format YYYY-MM-DD",
               input(), errors);
      return false;
    case StringFormat::kDateTime:
      if (IsDateTime(s)) return true;
      AddError(loc, "datetime_parsing", "Input should be a valid datetime (RFC 3339)", input(),
               errors);
      return false;
    case StringFormat::kEmail:
      if (IsEmail(s)) return true;
      AddError(loc, "value_error", "value is not a valid email address", input(), errors);
      return false;
    case StringFormat::kUri:
      if (IsUri(s)) return true;
      AddError(loc, "url_parsing", "Input should be a valid URL", input(), errors);
      return false;
    case StringFormat::kBase64:
      if (absl::Base64Unescape(s, &unused) || absl::WebSafeBase64Unescape(s, &unused)) return true;
      AddError(loc, "base64_decode", "Base64 decoding error", input(), errors);
      return false;
    case StringFormat::kNone:
      return true;
  }
  return true;
}

bool CheckString(const TypeSpec& spec, absl::string_view s, InputFn input, const Location& loc,
                 Errors* errors) {
  bool ok = true;
  if (spec.min_length || spec.max_length) {
    size_t n = CodePoints(s);
    if (spec.min_length && n < *spec.min_length) {
      AddError(loc, "string_too_short",
               absl::StrCat("String should have at least ", *spec.min_length, " character",
                            Plural(*spec.min_length)),
               input(), errors, absl::StrCat("{\"min_length\":", *spec.min_length, "}"));
      ok = false;
    }
    if (spec.max_length && n > *spec.max_length) {
      AddError(loc, "string_too_long",
               absl::StrCat("String should have at most ", *spec.max_length, " character",
                            Plural(*spec.max_length)),
               input(), errors, absl::StrCat("{\"max_length\":", *spec.max_length, "}"));
      ok = false;
    }
  }
  if (spec.format != StringFormat::kNone && !CheckFormat(spec.format, s, input, loc, errors)) {
    ok = false;
  }
  if (spec.pattern && !RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *spec.pattern)) {
    AddError(loc, "string_pattern_mismatch",
             absl::StrCat("String should match pattern '", spec.pattern_text, "'"), input(), errors,
             absl::StrCat("{\"pattern\":", JsonString(spec.pattern_text), "}"));
    ok = false;
  }
  return ok;
}

bool CheckItems(const TypeSpec& spec, size_t n, InputFn input, const Location& loc,
                Errors* errors) {
  bool ok = true;
  if (spec.min_length && n < *spec.min_length) {
    AddError(loc, "too_short",
             absl::StrCat("List should have at least ", *spec.min_length, " item",
                          Plural(*spec.min_length), " after validation, not ", n),
             input(), errors,
             absl::StrCat("{\"field_type\":\"List\",\"min_length\":", *spec.min_length,
                          ",\"actual_length\":", n, "}"));
    ok = false;
  }
  if (spec.max_length && n > *spec.max_length) {
    AddError(loc, "too_long",
             absl::StrCat("List should have at most ", *spec.max_length, " item",
                          Plural(*spec.max_length), " after validation, not ", n),
             input(), errors,
             absl::StrCat("{\"field_type\":\"List\",\"max_length\":", *spec.max_length,
                          ",\"actual_length\":", n, "}"));
    ok = false;
  }
  return ok;
}

bool ParseIntText(absl::string_view text, int64_t* out) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return false;
  return absl::SimpleAtoi(text, out);
}

bool ParseFloatText(absl::string_view text, double* out) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return false;
  return absl::SimpleAtod(text, out);
}

// pydantic's accepted spellings, case-insensitive.
bool ParseBoolText(absl::string_view text, bool* out) {
  std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (t == "1" || t == "on" || t == "t" || t == "true" || t == "y" || t == "yes") {
    *out = true;
    return true;
  }
  if (t == "0" || t == "off" || t == "f" || t == "false" || t == "n" || t == "no") {
    *out = false;
    return true;
  }
  return false;
}

// Accepts 8-4-4-4-12 hyphenated or 32 plain hex digits; writes the canonical form.
bool ParseUuidText(absl::string_view text, std::string* out) {
  std::string hex;
  if (text.size() == 36) {
    for (size_t i = 0; i < 36; ++i) {
      bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash != (text[i] == '-')) return false;
      if (!dash) hex.push_back(text[i]);
    }
  } else if (text.size() == 32) {
    hex = std::string(text);
  } else {
    return false;
  }
  for (char c : hex) {
    if (!absl::ascii_isxdigit(c)) return false;
  }
  hex = absl::AsciiStrToLower(hex);
  *out = absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
  return true;
}

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

Value AnyFromJson(element el) {
  switch (el.type()) {
    case element_type::NULL_VALUE:
      return Value::Null();
    case element_type::BOOL:
      return Value::Bool(el.get_bool().value_unsafe());
    case element_type::INT64:
      return Value::Int(el.get_int64().value_unsafe());
    case element_type::UINT64:
      return Value::Float(static_cast<double>(el.get_uint64().value_unsafe()));
    case element_type::DOUBLE:
      return Value::Float(el.get_double().value_unsafe());
    case element_type::STRING:
      return Value::String(std::string(Str(el)));
    case element_type::ARRAY: {
      Value v = Value::Of(Value::Kind::kList);
      simdjson::dom::array array = el.get_array().value_unsafe();  // not a temporary's member
      for (element item : array) v.items.push_back(AnyFromJson(item));
      return v;
    }
    case element_type::OBJECT: {
      Value v = Value::Of(Value::Kind::kDict);
      simdjson::dom::object object = el.get_object().value_unsafe();
      for (auto field : object) {
        v.keys.emplace_back(field.key);
        v.items.push_back(AnyFromJson(field.value));
      }
      return v;
    }
  }
  return Value::Null();
}

Value ValidateTextUnchecked(const TypeSpec& spec, absl::string_view text, Location& loc,
                            Errors* errors);

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

// pydantic's "enum" error: "Input should be 'a', 'b' or 'c'".
Value CheckAllowed(const TypeSpec& spec, Value v, InputFn input, const Location& loc,
                   Errors* errors) {
  if (spec.allowed_json.empty() || v.kind == Value::Kind::kMissing) return v;
  std::string canonical = CanonicalJson(v);
  for (const std::string& a : spec.allowed_json) {
    if (a == canonical) return v;
  }
  std::string expected;
  for (size_t i = 0; i < spec.allowed_json.size(); ++i) {
    if (i > 0) expected += i + 1 == spec.allowed_json.size() ? " or " : ", ";
    absl::string_view a = spec.allowed_json[i];
    if (a.size() >= 2 && a.front() == '"') a = a.substr(1, a.size() - 2);
    absl::StrAppend(&expected, "'", a, "'");
  }
  AddError(loc, spec.allowed_is_enum ? "enum" : "literal_error",
           absl::StrCat("Input should be ", expected), input(), errors,
           absl::StrCat("{\"expected\":", JsonString(expected), "}"));
  return Value();
}

}  // namespace

Value ValidateText(const TypeSpec& spec, absl::string_view text, Location& loc, Errors* errors) {
  Value v = ValidateTextUnchecked(spec, text, loc, errors);
  if (spec.allowed_json.empty()) return v;
  return CheckAllowed(
      spec, std::move(v), [&] { return JsonString(text); }, loc, errors);
}

namespace {

Value ValidateTextUnchecked(const TypeSpec& spec, absl::string_view text, Location& loc,
                            Errors* errors) {
  // Text from the URL or headers is raw bytes; a JSON document was checked whole by simdjson.
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    AddError(loc, "string_unicode",
             "Input should be a valid string, unable to parse raw data as a unicode string", "null",
             errors);
    return Value();
  }
  auto input = [&] { return JsonString(text); };
  switch (spec.kind) {
    case TypeKind::kInt: {
      int64_t v;
      if (!ParseIntText(text, &v)) {
        AddError(loc, "int_parsing",
                 "Input should be a valid integer, unable to parse string as an integer", input(),
                 errors);
        return Value();
      }
      return IntChecked(spec, v, input, loc, errors);
    }
    case TypeKind::kFloat: {
      double v;
      if (!ParseFloatText(text, &v)) {
        AddError(loc, "float_parsing",
                 "Input should be a valid number, unable to parse string as a number", input(),
                 errors);
        return Value();
      }
      return FloatChecked(spec, v, input, loc, errors);
    }
    case TypeKind::kBool: {
      bool v;
      if (!ParseBoolText(text, &v)) {
        AddError(loc, "bool_parsing", "Input should be a valid boolean, unable to interpret input",
                 input(), errors);
        return Value();
      }
      return Value::Bool(v);
    }
    case TypeKind::kUuid: {
      std::string canonical;
      if (!ParseUuidText(text, &canonical)) {
        AddError(loc, "uuid_parsing", "Input should be a valid UUID, invalid character or length",
                 input(), errors);
        return Value();
      }
      return Value::String(std::move(canonical));
    }
    case TypeKind::kList: {
      Value v = Value::Of(Value::Kind::kList);
      loc.PushIndex(0);
      v.items.push_back(ValidateText(*spec.items, text, loc, errors));
      loc.Pop();
      return v;
    }
    case TypeKind::kString:
    case TypeKind::kAny:
    default:
      return StringChecked(spec, text, input, loc, errors);
  }
}

}  // namespace

Value ValidateTexts(const TypeSpec& spec, const std::vector<absl::string_view>& texts,
                    Location& loc, Errors* errors) {
  if (spec.kind != TypeKind::kList) return ValidateText(spec, texts.back(), loc, errors);
  Value v = Value::Of(Value::Kind::kList);
  size_t before = errors->size();
  for (size_t i = 0; i < texts.size(); ++i) {
    loc.PushIndex(i);
    v.items.push_back(ValidateText(*spec.items, texts[i], loc, errors));
    loc.Pop();
  }
  if (errors->size() != before) return Value();
  if (spec.min_length || spec.max_length) {
    std::string input = "[";
    for (size_t i = 0; i < texts.size(); ++i) {
      if (i > 0) input.push_back(',');
      input += JsonString(texts[i]);
    }
    input.push_back(']');
    if (!CheckItems(
            spec, texts.size(), [&] { return input; }, loc, errors))
      return Value();
  }
  return v;
}

namespace {
Value ValidateJsonUnchecked(const TypeSpec& spec, element el, Location& loc, Errors* errors);
}  // namespace

Value ValidateJson(const TypeSpec& spec, element el, Location& loc, Errors* errors) {
  Value v = ValidateJsonUnchecked(spec, el, loc, errors);
  if (spec.allowed_json.empty()) return v;
  return CheckAllowed(
      spec, std::move(v), [&] { return json::JsonReader::Minify(el); }, loc, errors);
}

namespace {

Value ValidateJsonUnchecked(const TypeSpec& spec, element el, Location& loc, Errors* errors) {
  const element_type type = el.type();
  auto input = [&] { return json::JsonReader::Minify(el); };
  if (type == element_type::NULL_VALUE && (spec.nullable || spec.kind == TypeKind::kAny)) {
    return Value::Null();
  }
  switch (spec.kind) {
    case TypeKind::kAny:
      return AnyFromJson(el);
    case TypeKind::kBool:
      if (type == element_type::BOOL) return Value::Bool(el.get_bool().value_unsafe());
      if (type == element_type::INT64 || type == element_type::UINT64) {
        uint64_t n = type == element_type::INT64
                         ? static_cast<uint64_t>(el.get_int64().value_unsafe())
                         : el.get_uint64().value_unsafe();
        if (n <= 1) return Value::Bool(n == 1);
        AddError(loc, "bool_parsing", "Input should be a valid boolean, unable to interpret input",
                 input(), errors);
        return Value();
      }
      if (type == element_type::STRING) {
        bool b;
        if (ParseBoolText(Str(el), &b)) return Value::Bool(b);
        AddError(loc, "bool_parsing", "Input should be a valid boolean, unable to interpret input",
                 input(), errors);
        return Value();
      }
      AddError(loc, "bool_type", "Input should be a valid boolean", input(), errors);
      return Value();
    case TypeKind::kInt:
      if (type == element_type::INT64) {
        return IntChecked(spec, el.get_int64().value_unsafe(), input, loc, errors);
      }
      if (type == element_type::DOUBLE) {
        double d = el.get_double().value_unsafe();
        if (std::floor(d) == d && std::fabs(d) < 9.2e18) {
          return IntChecked(spec, static_cast<int64_t>(d), input, loc, errors);
        }
        AddError(loc, "int_from_float",
                 "Input should be a valid integer, got a number with a fractional part", input(),
                 errors);
        return Value();
      }
      if (type == element_type::STRING) {
        int64_t v;
        if (ParseIntText(Str(el), &v)) {
          return IntChecked(spec, v, input, loc, errors);
        }
        AddError(loc, "int_parsing",
                 "Input should be a valid integer, unable to parse string as an integer", input(),
                 errors);
        return Value();
      }
      if (type == element_type::UINT64) {
        AddError(loc, "int_parsing_size",
                 "Unable to parse input string as an integer, exceeded maximum size", input(),
                 errors);
        return Value();
      }
      AddError(loc, "int_type", "Input should be a valid integer", input(), errors);
      return Value();
    case TypeKind::kFloat:
      if (type == element_type::INT64 || type == element_type::UINT64 ||
          type == element_type::DOUBLE) {
        double d = type == element_type::DOUBLE ? el.get_double().value_unsafe()
                   : type == element_type::INT64
                       ? static_cast<double>(el.get_int64().value_unsafe())
                       : static_cast<double>(el.get_uint64().value_unsafe());
        return FloatChecked(spec, d, input, loc, errors);
      }
      if (type == element_type::STRING) {
        double d;
        if (ParseFloatText(Str(el), &d)) {
          return FloatChecked(spec, d, input, loc, errors);
        }
        AddError(loc, "float_parsing",
                 "Input should be a valid number, unable to parse string as a number", input(),
                 errors);
        return Value();
      }
      AddError(loc, "float_type", "Input should be a valid number", input(), errors);
      return Value();
    case TypeKind::kString:
      if (type == element_type::STRING) {
        return StringChecked(spec, Str(el), input, loc, errors);
      }
      AddError(loc, "string_type", "Input should be a valid string", input(), errors);
      return Value();
    case TypeKind::kUuid:
      if (type == element_type::STRING) return ValidateText(spec, Str(el), loc, errors);
      AddError(loc, "uuid_type", "UUID input should be a string, bytes or UUID object", input(),
               errors);
      return Value();
    case TypeKind::kList: {
      if (type != element_type::ARRAY) {
        AddError(loc, "list_type", "Input should be a valid list", input(), errors);
        return Value();
      }
      Value v = Value::Of(Value::Kind::kList);
      size_t before = errors->size();
      size_t i = 0;
      simdjson::dom::array array = el.get_array().value_unsafe();
      v.items.reserve(array.size());
      for (element item : array) {
        loc.PushIndex(i++);
        v.items.push_back(ValidateJson(*spec.items, item, loc, errors));
        loc.Pop();
      }
      if (!CheckItems(spec, i, input, loc, errors) || errors->size() != before) return Value();
      if (spec.unique_items) {
        std::vector<std::string> seen;
        for (element item : array) {
          std::string text = json::JsonReader::Minify(item);
          if (std::find(seen.begin(), seen.end(), text) != seen.end()) {
            AddError(loc, "unique_items", "List should have unique items", input(), errors);
            return Value();
          }
          seen.push_back(std::move(text));
        }
      }
      return v;
    }
    case TypeKind::kDict: {
      if (type != element_type::OBJECT) {
        AddError(loc, "dict_type", "Input should be a valid dictionary", input(), errors);
        return Value();
      }
      Value v = Value::Of(Value::Kind::kDict);
      simdjson::dom::object object = el.get_object().value_unsafe();
      for (auto field : object) {
        loc.PushKey(Sv(field.key));
        v.keys.emplace_back(field.key);
        v.items.push_back(spec.items ? ValidateJson(*spec.items, field.value, loc, errors)
                                     : AnyFromJson(field.value));
        loc.Pop();
      }
      return v;
    }
    case TypeKind::kUnion: {
      Value v = Value::Of(Value::Kind::kObject);
      if (!spec.discriminator.empty()) {
        // pydantic's tagged unions: union_tag_not_found / union_tag_invalid.
        element tag;
        if (type != element_type::OBJECT ||
            el.get_object().value_unsafe().at_key(spec.discriminator).get(tag) !=
                simdjson::SUCCESS) {
          AddError(
              loc, "union_tag_not_found",
              absl::StrCat("Unable to extract tag using discriminator '", spec.discriminator, "'"),
              input(), errors,
              absl::StrCat("{\"discriminator\":", JsonString(spec.discriminator), "}"));
          return Value();
        }
        std::string tag_text = tag.type() == element_type::STRING ? std::string(Str(tag))
                                                                  : json::JsonReader::Minify(tag);
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
        AddError(loc, "union_tag_invalid",
                 absl::StrCat("Input tag '", tag_text, "' found using '", spec.discriminator,
                              "' does not match any of the expected tags: ", expected),
                 input(), errors,
                 absl::StrCat("{\"discriminator\":", JsonString(spec.discriminator),
                              ",\"tag\":", JsonString(tag_text),
                              ",\"expected_tags\":", JsonString(expected), "}"));
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
    case TypeKind::kObject: {
      if (type != element_type::OBJECT) {
        if (spec.title.empty()) {
          AddError(loc, "dict_type", "Input should be a valid dictionary", input(), errors);
        } else {
          AddError(loc, "dataclass_type",
                   absl::StrCat("Input should be a dictionary or an instance of ", spec.title),
                   input(), errors, absl::StrCat("{\"class_name\":", JsonString(spec.title), "}"));
        }
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
          if (f.required) AddError(loc, "missing", "Field required", input(), errors);
          v.items.emplace_back();
        }
        loc.Pop();
      }
      if (spec.forbid_extra) {
        for (auto field : obj) {
          absl::string_view key = Sv(field.key);
          bool declared = false;
          for (const Field& f : spec.fields) declared = declared || f.key == key;
          if (!declared) {
            loc.PushKey(key);
            AddError(loc, "extra_forbidden", "Extra inputs are not permitted",
                     json::JsonReader::Minify(field.value), errors);
            loc.Pop();
          }
        }
      }
      if (errors->size() != before) return Value();
      return v;
    }
  }
  return Value();
}

}  // namespace

}  // namespace databridge::validate
