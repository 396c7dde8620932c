#include "framework/validate/scalars.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "framework/json/json_escape.h"
#include "framework/json/json_reader.h"

namespace databridge::validate {

using json::JsonString;
using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

const char* Plural(size_t n) { return n == 1 ? "" : "s"; }

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
// The uuid crate's parse (as pydantic uses it): 32 hex digits, or the hyphenated form
// (8-4-4-4-12) bare, in braces or after "urn:uuid:"; canonical lower-case hyphenated into
// `out`. On failure `why` says what the crate says, found in the same order: a character
// that is no hex digit or hyphen, then the length (no hyphens, bare), the group count, the
// group lengths.
bool ParseUuidText(absl::string_view text, std::string* out, std::string* why) {
  absl::string_view inner = text;
  bool bare = true;
  if (inner.size() >= 2 && inner.front() == '{' && inner.back() == '}') {
    inner = inner.substr(1, inner.size() - 2);
    bare = false;
  } else if (absl::StartsWith(inner, "urn:uuid:")) {
    inner.remove_prefix(9);
    bare = false;
  }
  std::string hex;
  size_t hyphens[4] = {0, 0, 0, 0};
  size_t hyphen_count = 0;
  for (size_t i = 0; i < inner.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(inner[i]);
    if (c == '-') {
      if (hyphen_count < 4) hyphens[hyphen_count] = i;
      ++hyphen_count;
    } else if (absl::ascii_isxdigit(c)) {
      hex.push_back(absl::ascii_tolower(c));
    } else {
      size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;  // one character
      *why = absl::StrCat("invalid character: found `", inner.substr(i, len), "` at ", i);
      return false;
    }
  }
  const bool simple = bare && text.size() == 32;
  const bool hyphenated = inner.size() == 36 && hyphen_count == 4 && hyphens[0] == 8 &&
                          hyphens[1] == 13 && hyphens[2] == 18 && hyphens[3] == 23;
  if (!(simple && hyphen_count == 0) && !hyphenated) {
    static constexpr size_t kStarts[5] = {0, 9, 14, 19, 24};
    static constexpr size_t kLengths[5] = {8, 4, 4, 4, 12};
    if (hyphen_count == 0 && bare) {
      *why = absl::StrCat("invalid length: found ", text.size());
    } else if (hyphen_count != 4) {
      *why = absl::StrCat("invalid group count: expected 5, found ", hyphen_count + 1);
    } else {
      size_t group = 4, found = inner.size() - kStarts[4];
      for (size_t g = 0; g < 4; ++g) {
        if (hyphens[g] != kStarts[g + 1] - 1) {
          group = g;
          found = hyphens[g] - kStarts[g];
          break;
        }
      }
      *why = absl::StrCat("invalid group length in group ", group, ": expected ", kLengths[group],
                          ", found ", found);
    }
    return false;
  }
  *out = absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
  return true;
}

void ReportIntParsing(InputFn input, const Location& loc, Errors* errors) {
  AddError(loc, "int_parsing",
           "Input should be a valid integer, unable to parse string as an integer", input(),
           errors);
}

void ReportFloatParsing(InputFn input, const Location& loc, Errors* errors) {
  AddError(loc, "float_parsing",
           "Input should be a valid number, unable to parse string as a number", input(), errors);
}

void ReportBoolParsing(InputFn input, const Location& loc, Errors* errors) {
  AddError(loc, "bool_parsing", "Input should be a valid boolean, unable to interpret input",
           input(), errors);
}

void ReportUuidParsing(absl::string_view why, InputFn input, const Location& loc, Errors* errors) {
  AddError(loc, "uuid_parsing", absl::StrCat("Input should be a valid UUID, ", why), input(),
           errors, absl::StrCat("{\"error\":", JsonString(why), "}"));
}

}  // namespace

std::string JsonInput(element el) { return json::JsonReader::Minify(el); }

std::string TextInput(absl::string_view text) { return JsonString(text); }

bool JsonBool(element el, const Location& loc, Errors* errors, bool* out) {
  auto input = [&] { return JsonInput(el); };
  switch (el.type()) {
    case element_type::BOOL:
      *out = el.get_bool().value_unsafe();
      return true;
    case element_type::INT64:
    case element_type::UINT64: {
      uint64_t n = el.type() == element_type::INT64
                       ? static_cast<uint64_t>(el.get_int64().value_unsafe())
                       : el.get_uint64().value_unsafe();
      if (n <= 1) {
        *out = n == 1;
        return true;
      }
      ReportBoolParsing(input, loc, errors);
      return false;
    }
    case element_type::STRING:
      if (ParseBoolText(JsonText(el), out)) return true;
      ReportBoolParsing(input, loc, errors);
      return false;
    case element_type::DOUBLE: {  // pydantic (lax, Python input): 0.0 and 1.0
      double d = el.get_double().value_unsafe();
      if (d == 0 || d == 1) {
        *out = d == 1;
        return true;
      }
      AddError(loc, "bool_type", "Input should be a valid boolean", input(), errors);
      return false;
    }
    default:
      AddError(loc, "bool_type", "Input should be a valid boolean", input(), errors);
      return false;
  }
}

bool JsonInt(element el, const Location& loc, Errors* errors, int64_t* out) {
  auto input = [&] { return JsonInput(el); };
  switch (el.type()) {
    case element_type::INT64:
      *out = el.get_int64().value_unsafe();
      return true;
    case element_type::BOOL:  // pydantic (lax, Python input): a bool is an int
      *out = el.get_bool().value_unsafe() ? 1 : 0;
      return true;
    case element_type::DOUBLE: {
      double d = el.get_double().value_unsafe();
      if (std::floor(d) == d && std::fabs(d) < 9.2e18) {
        *out = static_cast<int64_t>(d);
        return true;
      }
      AddError(loc, "int_from_float",
               "Input should be a valid integer, got a number with a fractional part", input(),
               errors);
      return false;
    }
    case element_type::STRING:
      if (ParseIntText(JsonText(el), out)) return true;
      ReportIntParsing(input, loc, errors);
      return false;
    case element_type::UINT64:
      AddError(loc, "int_parsing_size",
               "Unable to parse input string as an integer, exceeded maximum size", input(),
               errors);
      return false;
    default:
      AddError(loc, "int_type", "Input should be a valid integer", input(), errors);
      return false;
  }
}

bool JsonFloat(element el, const Location& loc, Errors* errors, double* out) {
  auto input = [&] { return JsonInput(el); };
  switch (el.type()) {
    case element_type::DOUBLE:
      *out = el.get_double().value_unsafe();
      return true;
    case element_type::INT64:
      *out = static_cast<double>(el.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      *out = static_cast<double>(el.get_uint64().value_unsafe());
      return true;
    case element_type::BOOL:  // pydantic (lax, Python input): a bool is a number
      *out = el.get_bool().value_unsafe() ? 1.0 : 0.0;
      return true;
    case element_type::STRING:
      if (ParseFloatText(JsonText(el), out)) return true;
      ReportFloatParsing(input, loc, errors);
      return false;
    default:
      AddError(loc, "float_type", "Input should be a valid number", input(), errors);
      return false;
  }
}

bool JsonStr(element el, const Location& loc, Errors* errors, absl::string_view* out) {
  if (el.type() == element_type::STRING) {
    *out = JsonText(el);
    return true;
  }
  AddError(loc, "string_type", "Input should be a valid string", JsonInput(el), errors);
  return false;
}

bool JsonUuid(element el, const Location& loc, Errors* errors, std::string* out) {
  if (el.type() != element_type::STRING) {
    AddError(loc, "uuid_type", "UUID input should be a string, bytes or UUID object", JsonInput(el),
             errors);
    return false;
  }
  std::string why;
  if (ParseUuidText(JsonText(el), out, &why)) return true;
  ReportUuidParsing(
      why, [&] { return JsonInput(el); }, loc, errors);
  return false;
}

namespace {

TemporalKind TemporalOf(TypeKind kind) {
  switch (kind) {
    case TypeKind::kDate:
      return TemporalKind::kDate;
    case TypeKind::kTime:
      return TemporalKind::kTime;
    case TypeKind::kTimeDelta:
      return TemporalKind::kTimeDelta;
    default:
      return TemporalKind::kDateTime;
  }
}

bool ReportTemporal(const TemporalFailure& why, InputFn input, const Location& loc,
                    Errors* errors) {
  AddError(
      loc, why.type, why.message, input(), errors,
      why.error.empty() ? std::string() : absl::StrCat("{\"error\":", JsonString(why.error), "}"));
  return false;
}

}  // namespace

bool JsonTemporal(TypeKind kind, element el, const Location& loc, Errors* errors, Temporal* out) {
  const TemporalKind k = TemporalOf(kind);
  TemporalFailure why;
  bool ok;
  switch (el.type()) {
    case element_type::STRING:
      ok = TemporalFromText(k, JsonText(el), out, &why);
      break;
    case element_type::INT64:
      ok = TemporalFromInt(k, el.get_int64().value_unsafe(), out, &why);
      break;
    case element_type::DOUBLE:
      ok = TemporalFromFloat(k, el.get_double().value_unsafe(), out, &why);
      break;
    case element_type::UINT64:  // past int64: too large for any of them
      ok = TemporalFromFloat(k, static_cast<double>(el.get_uint64().value_unsafe()), out, &why);
      break;
    case element_type::BOOL:  // Python's bool is an int: seconds, for a timedelta only
      if (k == TemporalKind::kTimeDelta) {
        ok = TemporalFromInt(k, el.get_bool().value_unsafe() ? 1 : 0, out, &why);
        break;
      }
      [[fallthrough]];
    default:
      ok = false;
      why = TemporalTypeError(k);
  }
  return ok || ReportTemporal(
                   why, [&] { return JsonInput(el); }, loc, errors);
}

bool TextTemporal(TypeKind kind, absl::string_view text, const Location& loc, Errors* errors,
                  Temporal* out) {
  TemporalFailure why;
  return TemporalFromText(TemporalOf(kind), text, out, &why) ||
         ReportTemporal(
             why, [&] { return TextInput(text); }, loc, errors);
}

bool ValueTemporal(TypeKind kind, const Value& v, Temporal* out) {
  TemporalFailure why;
  switch (v.kind) {
    case Value::Kind::kString:
      return TemporalFromText(TemporalOf(kind), v.s, out, &why);
    case Value::Kind::kInt:
      return TemporalFromInt(TemporalOf(kind), v.i, out, &why);
    case Value::Kind::kFloat:
      return TemporalFromFloat(TemporalOf(kind), v.f, out, &why);
    default:
      return false;
  }
}

namespace {

// Python's str.strip() whitespace, in UTF-8: its length at `s`'s position i (0: none).
size_t SpaceAt(absl::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)) return 1;
  auto is = [&](absl::string_view seq) { return s.substr(i, seq.size()) == seq; };
  if (is("\xc2\x85") || is("\xc2\xa0")) return 2;
  if (is("\xe1\x9a\x80") || is("\xe2\x80\xa8") || is("\xe2\x80\xa9") || is("\xe2\x80\xaf") ||
      is("\xe2\x81\x9f") || is("\xe3\x80\x80")) {
    return 3;
  }
  if (is("\xe2\x80") && i + 2 < s.size() && static_cast<unsigned char>(s[i + 2]) >= 0x80 &&
      static_cast<unsigned char>(s[i + 2]) <= 0x8a) {
    return 3;  // U+2000..U+200A
  }
  return 0;
}

size_t SpaceBefore(absl::string_view s, size_t end) {
  for (size_t n = 1; n <= 3 && n <= end; ++n) {
    if (SpaceAt(s, end - n) == n) return n;
  }
  return 0;
}

enum class DecimalText { kInvalid, kFinite, kSpecial };

// Python's Decimal grammar on `s` without underscores and surrounding whitespace.
DecimalText ReadDecimal(absl::string_view s) {
  size_t start = 0, end = s.size(), n;
  while (start < end && (n = SpaceAt(s, start)) != 0) start += n;
  while (end > start && (n = SpaceBefore(s, end)) != 0) end -= n;
  absl::string_view t = s.substr(start, end - start);
  std::string without;  // copied only when there are underscores to drop (rare)
  if (t.find('_') != absl::string_view::npos) {
    without.reserve(t.size());
    for (char c : t) {
      if (c != '_') without.push_back(c);
    }
    t = without;
  }
  size_t p = 0;
  if (p < t.size() && (t[p] == '+' || t[p] == '-')) ++p;
  const absl::string_view rest = t.substr(p);
  if (absl::EqualsIgnoreCase(rest, "inf") || absl::EqualsIgnoreCase(rest, "infinity")) {
    return DecimalText::kSpecial;
  }
  for (absl::string_view nan : {"nan", "snan"}) {
    if (absl::StartsWithIgnoreCase(rest, nan) &&
        std::all_of(rest.begin() + nan.size(), rest.end(),
                    [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
      return DecimalText::kSpecial;
    }
  }
  auto digit = [&](size_t i) { return i < t.size() && t[i] >= '0' && t[i] <= '9'; };
  // The coefficient's digits, its significant ones (from the first non-zero) and those
  // after the point: Python's Decimal holds exponents in a range (libmpdec's).
  int64_t digits = 0, significant = 0, fraction = 0;
  auto coefficient = [&](bool after_point) {
    for (; digit(p); ++p) {
      ++digits;
      if (significant > 0 || t[p] != '0') ++significant;
      if (after_point) ++fraction;
    }
  };
  coefficient(false);
  if (p < t.size() && t[p] == '.') {
    ++p;
    coefficient(true);
  }
  if (digits == 0) return DecimalText::kInvalid;
  int64_t exponent = 0;
  if (p < t.size() && (t[p] == 'e' || t[p] == 'E')) {
    ++p;
    bool negative = false;
    if (p < t.size() && (t[p] == '+' || t[p] == '-')) negative = t[p++] == '-';
    size_t exponent_digits = 0;
    for (; digit(p); ++p, ++exponent_digits) {
      if (exponent > 400'000'000'000'000'000) return DecimalText::kInvalid;  // far past
      exponent = exponent * 10 + (t[p] - '0');
    }
    if (exponent_digits == 0) return DecimalText::kInvalid;
    if (negative) exponent = -exponent;
  }
  if (p != t.size()) return DecimalText::kInvalid;
  constexpr int64_t kMaxEmax = 999'999'999'999'999'999;      // MPD_MAX_EMAX
  constexpr int64_t kMinEtiny = -1'999'999'999'999'999'997;  // MPD_MIN_ETINY
  exponent -= fraction;
  const int64_t adjusted = exponent + std::max<int64_t>(significant, 1) - 1;
  if (adjusted > kMaxEmax || exponent < kMinEtiny) return DecimalText::kInvalid;
  return DecimalText::kFinite;
}

bool ReportDecimal(DecimalText read, InputFn input, const Location& loc, Errors* errors) {
  if (read == DecimalText::kFinite) return true;
  if (read == DecimalText::kSpecial) {
    AddError(loc, "finite_number", "Input should be a finite number", input(), errors);
  } else {
    AddError(loc, "decimal_parsing", "Input should be a valid decimal", input(), errors);
  }
  return false;
}

}  // namespace

bool JsonDecimal(element el, const Location& loc, Errors* errors) {
  switch (el.type()) {
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:  // simdjson has no infinities
      return true;
    case element_type::STRING:
      return ReportDecimal(
          ReadDecimal(JsonText(el)), [&] { return JsonInput(el); }, loc, errors);
    default:
      AddError(loc, "decimal_type",
               "Decimal input should be an integer, float, string or Decimal object", JsonInput(el),
               errors);
      return false;
  }
}

bool TextDecimal(absl::string_view text, const Location& loc, Errors* errors) {
  return ReportDecimal(
      ReadDecimal(text), [&] { return TextInput(text); }, loc, errors);
}

Value JsonAny(element el) {
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
      return Value::String(std::string(JsonText(el)));
    case element_type::ARRAY: {
      Value v = Value::Of(Value::Kind::kList);
      simdjson::dom::array array = el.get_array().value_unsafe();  // not a temporary's member
      for (element item : array) v.items.push_back(JsonAny(item));
      return v;
    }
    case element_type::OBJECT: {
      Value v = Value::Of(Value::Kind::kDict);
      simdjson::dom::object object = el.get_object().value_unsafe();
      for (auto field : object) {
        v.keys.emplace_back(field.key);
        v.items.push_back(JsonAny(field.value));
      }
      return v;
    }
  }
  return Value::Null();
}

bool TextUtf8(absl::string_view text, const Location& loc, Errors* errors) {
  if (simdjson::validate_utf8(text.data(), text.size())) return true;
  AddError(loc, "string_unicode",
           "Input should be a valid string, unable to parse raw data as a unicode string", "null",
           errors);
  return false;
}

bool TextBool(absl::string_view text, const Location& loc, Errors* errors, bool* out) {
  if (ParseBoolText(text, out)) return true;
  ReportBoolParsing([&] { return JsonString(text); }, loc, errors);
  return false;
}

bool TextInt(absl::string_view text, const Location& loc, Errors* errors, int64_t* out) {
  if (ParseIntText(text, out)) return true;
  ReportIntParsing([&] { return JsonString(text); }, loc, errors);
  return false;
}

bool TextFloat(absl::string_view text, const Location& loc, Errors* errors, double* out) {
  if (ParseFloatText(text, out)) return true;
  ReportFloatParsing([&] { return JsonString(text); }, loc, errors);
  return false;
}

bool TextUuid(absl::string_view text, const Location& loc, Errors* errors, std::string* out) {
  std::string why;
  if (ParseUuidText(text, out, &why)) return true;
  ReportUuidParsing(
      why, [&] { return JsonString(text); }, loc, errors);
  return false;
}

void ReportBound(BoundKind kind, absl::string_view bound_text, InputFn input, const Location& loc,
                 Errors* errors, bool of_float) {
  static const struct {
    const char* type;
    const char* words;
    const char* key;
  } kKinds[] = {
      {"greater_than", "greater than", "gt"},
      {"greater_than_equal", "greater than or equal to", "ge"},
      {"less_than", "less than", "lt"},
      {"less_than_equal", "less than or equal to", "le"},
      {"multiple_of", "a multiple of", "multiple_of"},
  };
  const auto& k = kKinds[static_cast<int>(kind)];
  const bool integral = bound_text.find_first_of(".eEni") == absl::string_view::npos;
  AddError(loc, k.type, absl::StrCat("Input should be ", k.words, " ", bound_text), input(), errors,
           absl::StrCat("{\"", k.key, "\":", bound_text, of_float && integral ? ".0" : "", "}"));
}

bool IsMultipleOf(double v, double step) {
  if (!(step > 0)) return true;
  double q = v / step;
  return std::fabs(q - std::round(q)) <= 1e-9 * std::max(1.0, std::fabs(q));
}

size_t CodePoints(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void ReportStringLength(bool too_long, size_t limit, InputFn input, const Location& loc,
                        Errors* errors) {
  AddError(loc, too_long ? "string_too_long" : "string_too_short",
           absl::StrCat("String should have ", too_long ? "at most " : "at least ", limit,
                        " character", Plural(limit)),
           input(), errors,
           absl::StrCat(too_long ? "{\"max_length\":" : "{\"min_length\":", limit, "}"));
}

void ReportPattern(absl::string_view pattern, InputFn input, const Location& loc, Errors* errors) {
  AddError(loc, "string_pattern_mismatch",
           absl::StrCat("String should match pattern '", pattern, "'"), input(), errors,
           absl::StrCat("{\"pattern\":", JsonString(pattern), "}"));
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

void ReportItemCount(bool too_long, size_t limit, size_t actual, InputFn input, const Location& loc,
                     Errors* errors) {
  AddError(loc, too_long ? "too_long" : "too_short",
           absl::StrCat("List should have ", too_long ? "at most " : "at least ", limit, " item",
                        Plural(limit), " after validation, not ", actual),
           input(), errors,
           absl::StrCat("{\"field_type\":\"List\",",
                        too_long ? "\"max_length\":" : "\"min_length\":", limit,
                        ",\"actual_length\":", actual, "}"));
}

bool CheckUniqueItems(simdjson::dom::array array, InputFn input, const Location& loc,
                      Errors* errors) {
  std::vector<std::string> seen;
  for (element item : array) {
    std::string text = JsonInput(item);
    if (std::find(seen.begin(), seen.end(), text) != seen.end()) {
      AddError(loc, "unique_items", "List should have unique items", input(), errors);
      return false;
    }
    seen.push_back(std::move(text));
  }
  return true;
}

void ReportNotAllowed(bool is_enum, const std::vector<absl::string_view>& allowed_json,
                      InputFn input, const Location& loc, Errors* errors) {
  // pydantic's "enum" error: "Input should be 'a', 'b' or 'c'".
  std::string expected;
  for (size_t i = 0; i < allowed_json.size(); ++i) {
    if (i > 0) expected += i + 1 == allowed_json.size() ? " or " : ", ";
    absl::string_view a = allowed_json[i];
    if (a.size() >= 2 && a.front() == '"') a = a.substr(1, a.size() - 2);
    absl::StrAppend(&expected, "'", a, "'");
  }
  AddError(loc, is_enum ? "enum" : "literal_error", absl::StrCat("Input should be ", expected),
           input(), errors, absl::StrCat("{\"expected\":", JsonString(expected), "}"));
}

void ReportType(absl::string_view type, InputFn input, const Location& loc, Errors* errors) {
  static const std::pair<absl::string_view, const char*> kMessages[] = {
      {"list_type", "Input should be a valid list"},
      {"dict_type", "Input should be a valid dictionary"},
  };
  for (const auto& [t, msg] : kMessages) {
    if (t == type) AddError(loc, type, msg, input(), errors);
  }
}

void ReportMissing(InputFn input, const Location& loc, Errors* errors) {
  AddError(loc, "missing", "Field required", input(), errors);
}

void ReportNotUpload(InputFn input, const Location& loc, Errors* errors) {
  AddError(loc, "value_error", "Value error, Expected UploadFile, received: <class 'str'>", input(),
           errors, "{\"error\":{}}");
}

void ReportNotObject(absl::string_view title, bool pydantic_model, InputFn input,
                     const Location& loc, Errors* errors) {
  if (title.empty()) {
    ReportType("dict_type", input, loc, errors);
    return;
  }
  if (pydantic_model) {
    AddError(loc, "model_attributes_type",
             "Input should be a valid dictionary or object to extract fields from", input(),
             errors);
    return;
  }
  AddError(loc, "dataclass_type",
           absl::StrCat("Input should be a dictionary or an instance of ", title), input(), errors,
           absl::StrCat("{\"class_name\":", JsonString(title), "}"));
}

void ReportExtra(element value, const Location& loc, Errors* errors) {
  AddError(loc, "extra_forbidden", "Extra inputs are not permitted", JsonInput(value), errors);
}

void ReportTagNotFound(absl::string_view discriminator, InputFn input, const Location& loc,
                       Errors* errors) {
  AddError(
      loc, "union_tag_not_found",
      absl::StrCat("Unable to extract tag using discriminator '", discriminator, "'"), input(),
      errors,
      absl::StrCat("{\"discriminator\":", JsonString(absl::StrCat("'", discriminator, "'")), "}"));
}

void ReportTagInvalid(absl::string_view discriminator, absl::string_view tag,
                      absl::string_view expected, InputFn input, const Location& loc,
                      Errors* errors) {
  AddError(
      loc, "union_tag_invalid",
      absl::StrCat("Input tag '", tag, "' found using '", discriminator,
                   "' does not match any of the expected tags: ", expected),
      input(), errors,
      absl::StrCat("{\"discriminator\":", JsonString(absl::StrCat("'", discriminator, "'")),
                   ",\"tag\":", JsonString(tag), ",\"expected_tags\":", JsonString(expected), "}"));
}

std::string TagText(element tag) {
  return tag.type() == element_type::STRING ? std::string(JsonText(tag)) : JsonInput(tag);
}

bool CheckBounds(const TypeSpec& spec, double v, InputFn input, const Location& loc,
                 Errors* errors) {
  bool ok = true;
  auto fail = [&](BoundKind kind, const Bound& b) {
    ReportBound(kind, b.text, input, loc, errors, spec.kind == TypeKind::kFloat);
    ok = false;
  };
  if (spec.gt && !(v > spec.gt->value)) fail(BoundKind::kGt, *spec.gt);
  if (spec.ge && !(v >= spec.ge->value)) fail(BoundKind::kGe, *spec.ge);
  if (spec.lt && !(v < spec.lt->value)) fail(BoundKind::kLt, *spec.lt);
  if (spec.le && !(v <= spec.le->value)) fail(BoundKind::kLe, *spec.le);
  if (spec.multiple_of && !IsMultipleOf(v, spec.multiple_of->value)) {
    fail(BoundKind::kMultipleOf, *spec.multiple_of);
  }
  return ok;
}

bool CheckString(const TypeSpec& spec, absl::string_view s, InputFn input, const Location& loc,
                 Errors* errors) {
  bool ok = true;
  if (spec.min_length || spec.max_length) {
    size_t n = CodePoints(s);
    if (spec.min_length && n < *spec.min_length) {
      ReportStringLength(false, *spec.min_length, input, loc, errors);
      ok = false;
    }
    if (spec.max_length && n > *spec.max_length) {
      ReportStringLength(true, *spec.max_length, input, loc, errors);
      ok = false;
    }
  }
  if (spec.format != StringFormat::kNone && !CheckFormat(spec.format, s, input, loc, errors)) {
    ok = false;
  }
  if (spec.pattern && !RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *spec.pattern)) {
    ReportPattern(spec.pattern_text, input, loc, errors);
    ok = false;
  }
  return ok;
}

bool CheckItems(const TypeSpec& spec, size_t n, InputFn input, const Location& loc,
                Errors* errors) {
  bool ok = true;
  if (spec.min_length && n < *spec.min_length) {
    ReportItemCount(false, *spec.min_length, n, input, loc, errors);
    ok = false;
  }
  if (spec.max_length && n > *spec.max_length) {
    ReportItemCount(true, *spec.max_length, n, input, loc, errors);
    ok = false;
  }
  return ok;
}

}  // namespace databridge::validate
