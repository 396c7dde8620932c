#include "framework/validate/validator.h"

#include <charconv>
#include <cstring>
#include <new>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "framework/json/json_escape.h"
#include "framework/validate/scalars.h"

namespace databridge::validate {
using json::JsonString;

namespace {

// A check's outcome (CheckJson): Value's kind and scalars, without its containers, and a
// string as a view of the document. What ValidateJsonT<Verdict> returns.
struct Verdict {
  Value::Kind kind = Value::Kind::kMissing;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  absl::string_view s;
  static Verdict Of(Value::Kind k) {
    Verdict v;
    v.kind = k;
    return v;
  }
  static Verdict Null() { return Of(Value::Kind::kNull); }
  static Verdict Bool(bool x) {
    Verdict v = Of(Value::Kind::kBool);
    v.b = x;
    return v;
  }
  static Verdict Int(int64_t x) {
    Verdict v = Of(Value::Kind::kInt);
    v.i = x;
    return v;
  }
  static Verdict Float(double x) {
    Verdict v = Of(Value::Kind::kFloat);
    v.f = x;
    return v;
  }
};

template <typename R>
int AllowedIndexOf(const TypeSpec& spec, const R& v) {
  const absl::string_view text(v.s);
  if (v.kind == Value::Kind::kString) {  // "gold" against "\"gold\"" (no escapes in it)
    for (size_t i = 0; i < spec.allowed_json.size(); ++i) {
      const std::string& a = spec.allowed_json[i];
      if (a.size() == text.size() + 2 && a.front() == '"' &&
          absl::string_view(a).substr(1, text.size()) == text &&
          a.find('\\') == std::string::npos) {
        return static_cast<int>(i);
      }
    }
  }
  std::string canonical;
  switch (v.kind) {
    case Value::Kind::kString:
      canonical = JsonString(text);
      break;
    case Value::Kind::kInt:
      canonical = std::to_string(v.i);
      break;
    case Value::Kind::kBool:
      canonical = v.b ? "true" : "false";
      break;
    case Value::Kind::kNull:
      canonical = "null";
      break;
    case Value::Kind::kFloat: {
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof(buf), v.f);
      canonical.assign(buf, res.ptr);
      break;
    }
    default:
      return -1;
  }
  for (size_t i = 0; i < spec.allowed_json.size(); ++i) {
    if (spec.allowed_json[i] == canonical) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

int AllowedIndex(const TypeSpec& spec, const Value& v) { return AllowedIndexOf(spec, v); }

int AllowedIndex(const TypeSpec& spec, simdjson::dom::element el) {
  const Location loc;
  Errors scratch;  // a checked element: its coercion reports nothing
  Verdict v;
  switch (spec.kind) {
    case TypeKind::kBool:
      v = Verdict::Of(Value::Kind::kBool);
      JsonBool(el, loc, &scratch, &v.b);
      break;
    case TypeKind::kInt:
      v = Verdict::Of(Value::Kind::kInt);
      JsonInt(el, loc, &scratch, &v.i);
      break;
    case TypeKind::kFloat:
      v = Verdict::Of(Value::Kind::kFloat);
      JsonFloat(el, loc, &scratch, &v.f);
      break;
    case TypeKind::kString:
      v = Verdict::Of(Value::Kind::kString);
      JsonStr(el, loc, &scratch, &v.s);
      break;
    default:
      return AllowedIndexOf(spec, JsonAny(el));
  }
  return AllowedIndexOf(spec, v);
}

Members::Members(const TypeSpec& spec, simdjson::dom::object object) {
  const size_t n = spec.fields.size();
  if (n <= kInline) {
    at_ = inline_at_;
    seen_ = inline_seen_;
  } else {
    heap_at_ = std::make_unique<Slot[]>(n);
    heap_seen_ = std::make_unique<uint8_t[]>(n);
    at_ = heap_at_.get();
    seen_ = heap_seen_.get();
  }
  std::memset(seen_, kUnseen, n);
  const Field* fields = spec.fields.data();
  size_t next = 0;
  const bool alt_keys = spec.alt_keys;
  for (auto member : object) {
    const std::string_view key = member.key;
    // The first 8 bytes compared as one word: a key's text in simdjson's string buffer and
    // a std::string's (16-byte inline buffer, or at least 9 bytes) can both be read that far.
    uint64_t head;
    std::memcpy(&head, key.data(), sizeof(head));
    const uint64_t mask = key.size() >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * key.size())) - 1;
    head &= mask;
    auto is = [&](size_t k) {
      const std::string& want = fields[k].key;
      if (want.size() != key.size()) return false;
      uint64_t want_head;
      std::memcpy(&want_head, want.data(), sizeof(want_head));
      return (want_head & mask) == head &&
             (key.size() <= 8 || std::memcmp(want.data() + 8, key.data() + 8, key.size() - 8) == 0);
    };
    size_t k = next;
    if (k >= n || !is(k)) {
      for (k = 0; k < n && !is(k); ++k) {
      }
    }
    if (k == n && alt_keys) {  // a field's name beside its alias: the alias wins
      for (k = 0; k < n && (fields[k].alt_key.empty() || fields[k].alt_key != key); ++k) {
      }
      if (k < n) {
        extra_ = true;  // unless it is the one read: the caller checks
        if (seen_[k] == kUnseen) {
          new (&at_[k].element) simdjson::dom::element(member.value);
          seen_[k] = kByAlt;
        }
        continue;
      }
    }
    if (k == n) {
      extra_ = true;
      continue;
    }
    if (seen_[k] != kByKey) {
      new (&at_[k].element) simdjson::dom::element(member.value);
      seen_[k] = kByKey;
    }
    next = k + 1;
  }
}

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

template <typename R = Value>
R IntChecked(const TypeSpec& spec, int64_t v, InputFn input, const Location& loc, Errors* errors) {
  if (!CheckBounds(spec, static_cast<double>(v), input, loc, errors)) return R();
  return R::Int(v);
}

template <typename R = Value>
R FloatChecked(const TypeSpec& spec, double v, InputFn input, const Location& loc, Errors* errors) {
  if (!CheckBounds(spec, v, input, loc, errors)) return R();
  return R::Float(v);
}

template <typename R = Value>
R StringChecked(const TypeSpec& spec, absl::string_view s, InputFn input, const Location& loc,
                Errors* errors) {
  if (!CheckString(spec, s, input, loc, errors)) return R();
  if constexpr (std::is_same_v<R, Value>) {
    return Value::String(std::string(s));
  } else {
    R v = R::Of(Value::Kind::kString);
    v.s = s;
    return v;
  }
}

template <typename R = Value>
R CheckAllowed(const TypeSpec& spec, R v, InputFn input, const Location& loc, Errors* errors) {
  if (spec.allowed_json.empty() || v.kind == Value::Kind::kMissing) return v;
  if (AllowedIndexOf(spec, v) >= 0) return v;
  std::vector<absl::string_view> allowed(spec.allowed_json.begin(), spec.allowed_json.end());
  ReportNotAllowed(spec.allowed_is_enum, allowed, input, loc, errors);
  return R();
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
    case TypeKind::kDateTime:
    case TypeKind::kDate:
    case TypeKind::kTime:
    case TypeKind::kTimeDelta: {  // kept as text: the binding parses it again to build
      Temporal t;
      if (!TextTemporal(spec.kind, text, loc, errors, &t)) return Value();
      return Value::String(std::string(text));
    }
    case TypeKind::kDecimal:
      if (!TextDecimal(text, loc, errors)) return Value();
      return Value::String(std::string(text));
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

// The JSON validators, in two modes sharing every rule: R = Value makes the Value tree
// (ValidateJson); R = Verdict only decides (CheckJson), allocating nothing on success.
template <typename R>
constexpr bool kBuild = std::is_same_v<R, Value>;

template <typename R>
R ValidateJsonT(const TypeSpec& spec, element el, Location& loc, Errors* errors);

template <typename R>
R ValidateUnion(const TypeSpec& spec, element el, InputFn input, Location& loc, Errors* errors) {
  R v = R::Of(Value::Kind::kObject);
  if (!spec.discriminator.empty()) {
    // pydantic's tagged unions: union_tag_not_found / union_tag_invalid.
    element tag;
    if (el.type() != element_type::OBJECT && !spec.variants.empty() &&
        spec.variants[0]->kind == TypeKind::kObject) {  // pydantic: the models' type error
      ReportNotObject(spec.variants[0]->title, spec.variants[0]->pydantic_model, input, loc,
                      errors);
      return R();
    }
    if (el.type() != element_type::OBJECT ||
        el.get_object().value_unsafe().at_key(spec.discriminator).get(tag) != simdjson::SUCCESS) {
      ReportTagNotFound(spec.discriminator, input, loc, errors);
      return R();
    }
    std::string tag_text = TagText(tag);
    std::string expected;
    for (const auto& [value, index] : spec.mapping) {
      if (value == tag_text) {
        loc.PushKey(value);
        R inner = ValidateJsonT<R>(*spec.variants[index], el, loc, errors);
        loc.Pop();
        if (inner.kind == Value::Kind::kMissing) return R();
        v.i = index;
        if constexpr (kBuild<R>) v.items.push_back(std::move(inner));
        return v;
      }
      absl::StrAppend(&expected, expected.empty() ? "" : ", ", "'", value, "'");
    }
    ReportTagInvalid(spec.discriminator, tag_text, expected, input, loc, errors);
    return R();
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
    R inner = ValidateJsonT<R>(variant, el, loc, &mine);
    loc.Pop();
    if (mine.empty() && inner.kind != Value::Kind::kMissing) {
      v.i = static_cast<int64_t>(i);
      if constexpr (kBuild<R>) v.items.push_back(std::move(inner));
      return v;
    }
    all.insert(all.end(), mine.begin(), mine.end());
  }
  errors->insert(errors->end(), all.begin(), all.end());
  return R();
}

template <typename R>
R ValidateObject(const TypeSpec& spec, element el, InputFn input, Location& loc, Errors* errors) {
  if (el.type() != element_type::OBJECT) {
    ReportNotObject(spec.title, spec.pydantic_model, input, loc, errors);
    return R();
  }
  simdjson::dom::object obj = el.get_object().value_unsafe();
  const Members members(spec, obj);
  R v = R::Of(Value::Kind::kObject);
  if constexpr (kBuild<R>) v.items.reserve(spec.fields.size());
  size_t before = errors->size();
  for (size_t k = 0; k < spec.fields.size(); ++k) {
    const Field& f = spec.fields[k];
    loc.PushKey(members.by_alt(k) ? f.alt_key : f.key);
    if (members.seen(k)) {
      R item = ValidateJsonT<R>(*f.type, members.at(k), loc, errors);
      if constexpr (kBuild<R>) v.items.push_back(std::move(item));
    } else {
      if (f.required) ReportMissing(input, loc, errors);
      if constexpr (kBuild<R>) v.items.emplace_back();
    }
    loc.Pop();
  }
  if (spec.forbid_extra && members.extra()) {
    for (auto field : obj) {
      absl::string_view key(field.key.data(), field.key.size());
      bool declared = false;
      for (size_t k = 0; k < spec.fields.size(); ++k) {  // a name beside its alias is extra
        const Field& f = spec.fields[k];
        declared = declared || f.key == key || (members.by_alt(k) && f.alt_key == key);
      }
      if (!declared) {
        loc.PushKey(key);
        ReportExtra(field.value, loc, errors);
        loc.Pop();
      }
    }
  }
  if (errors->size() != before) return R();
  return v;
}

template <typename R>
R ValidateJsonUnchecked(const TypeSpec& spec, element el, Location& loc, Errors* errors) {
  const element_type type = el.type();
  auto input = [&] { return JsonInput(el); };
  if (type == element_type::NULL_VALUE && (spec.nullable || spec.kind == TypeKind::kAny)) {
    return R::Null();
  }
  switch (spec.kind) {
    case TypeKind::kAny:
      if constexpr (kBuild<R>) {
        return JsonAny(el);
      } else if (!spec.allowed_json.empty()) {  // a literal of any type: compared as a Value
        const Value any = JsonAny(el);
        if (AllowedIndexOf(spec, any) >= 0) return R::Of(Value::Kind::kDict);  // compared
        std::vector<absl::string_view> allowed(spec.allowed_json.begin(), spec.allowed_json.end());
        ReportNotAllowed(spec.allowed_is_enum, allowed, input, loc, errors);
        return R();
      } else {
        return R::Null();
      }
    case TypeKind::kBool: {
      bool b;
      return JsonBool(el, loc, errors, &b) ? R::Bool(b) : R();
    }
    case TypeKind::kInt: {
      int64_t i;
      return JsonInt(el, loc, errors, &i) ? IntChecked<R>(spec, i, input, loc, errors) : R();
    }
    case TypeKind::kFloat: {
      double d;
      return JsonFloat(el, loc, errors, &d) ? FloatChecked<R>(spec, d, input, loc, errors) : R();
    }
    case TypeKind::kString: {
      absl::string_view s;
      return JsonStr(el, loc, errors, &s) ? StringChecked<R>(spec, s, input, loc, errors) : R();
    }
    case TypeKind::kUuid: {
      std::string canonical;
      if (!JsonUuid(el, loc, errors, &canonical)) return R();
      if constexpr (kBuild<R>) {
        return Value::String(std::move(canonical));
      } else {
        return R::Of(Value::Kind::kString);  // never an enumeration's
      }
    }
    case TypeKind::kDateTime:
    case TypeKind::kDate:
    case TypeKind::kTime:
    case TypeKind::kTimeDelta: {  // kept as its text or number: the binding parses it again
      Temporal t;
      if (!JsonTemporal(spec.kind, el, loc, errors, &t)) return R();
      if constexpr (kBuild<R>) {
        if (type == element_type::STRING) return Value::String(std::string(JsonText(el)));
        if (type == element_type::INT64) return Value::Int(el.get_int64().value_unsafe());
        if (type == element_type::BOOL) return Value::Int(el.get_bool().value_unsafe() ? 1 : 0);
        if (type == element_type::DOUBLE) return Value::Float(el.get_double().value_unsafe());
        return Value::Float(static_cast<double>(el.get_uint64().value_unsafe()));
      } else {
        return R::Of(Value::Kind::kString);  // never an enumeration's
      }
    }
    case TypeKind::kDecimal: {  // kept as its text or number: the binding makes the Decimal
      if (!JsonDecimal(el, loc, errors)) return R();
      if constexpr (kBuild<R>) {
        if (type == element_type::STRING) return Value::String(std::string(JsonText(el)));
        if (type == element_type::INT64) return Value::Int(el.get_int64().value_unsafe());
        if (type == element_type::UINT64) {
          return Value::String(std::to_string(el.get_uint64().value_unsafe()));
        }
        return Value::Float(el.get_double().value_unsafe());
      } else {
        return R::Of(Value::Kind::kString);  // never an enumeration's
      }
    }
    case TypeKind::kList: {
      if (type != element_type::ARRAY) {
        ReportType("list_type", input, loc, errors);
        return R();
      }
      R v = R::Of(Value::Kind::kList);
      size_t before = errors->size();
      size_t i = 0;
      simdjson::dom::array array = el.get_array().value_unsafe();
      if (spec.max_length && array.size() > *spec.max_length) {  // pydantic: this error alone
        ReportItemCount(true, *spec.max_length, array.size(), input, loc, errors);
        return R();
      }
      if constexpr (kBuild<R>) v.items.reserve(array.size());
      for (element item : array) {
        loc.PushIndex(i++);
        R built = ValidateJsonT<R>(*spec.items, item, loc, errors);
        if constexpr (kBuild<R>) v.items.push_back(std::move(built));
        loc.Pop();
      }
      // Items' errors come alone too (pydantic counts only a list whose items are valid).
      if (errors->size() != before || !CheckItems(spec, i, input, loc, errors)) return R();
      if (spec.unique_items && !CheckUniqueItems(array, input, loc, errors)) return R();
      return v;
    }
    case TypeKind::kDict: {
      if (type != element_type::OBJECT) {
        ReportType("dict_type", input, loc, errors);
        return R();
      }
      R v = R::Of(Value::Kind::kDict);
      simdjson::dom::object object = el.get_object().value_unsafe();
      for (auto field : object) {
        loc.PushKey(absl::string_view(field.key.data(), field.key.size()));
        if (spec.items) {
          R built = ValidateJsonT<R>(*spec.items, field.value, loc, errors);
          if constexpr (kBuild<R>) {
            v.keys.emplace_back(field.key);
            v.items.push_back(std::move(built));
          }
        } else if constexpr (kBuild<R>) {
          v.keys.emplace_back(field.key);
          v.items.push_back(JsonAny(field.value));
        }
        loc.Pop();
      }
      return v;
    }
    case TypeKind::kUnion:
      return ValidateUnion<R>(spec, el, input, loc, errors);
    case TypeKind::kFile:
      ReportNotUpload(input, loc, errors);
      return R();
    case TypeKind::kFileBytes: {
      absl::string_view s;
      if (!JsonStr(el, loc, errors, &s)) return R();
      if constexpr (kBuild<R>) {
        return Value::String(std::string(s));
      } else {
        return R::Of(Value::Kind::kString);
      }
    }
    case TypeKind::kObject:
      return ValidateObject<R>(spec, el, input, loc, errors);
  }
  return R();
}

template <typename R>
R ValidateJsonT(const TypeSpec& spec, element el, Location& loc, Errors* errors) {
  R v = ValidateJsonUnchecked<R>(spec, el, loc, errors);
  // Optional[Status]: null is allowed beside the enumeration's values.
  if (spec.allowed_json.empty() || (v.kind == Value::Kind::kNull && spec.nullable)) return v;
  if constexpr (!kBuild<R>) {  // a literal of any type, compared already
    if (spec.kind == TypeKind::kAny && v.kind != Value::Kind::kNull) return v;
  }
  return CheckAllowed<R>(
      spec, std::move(v), [&] { return JsonInput(el); }, loc, errors);
}

}  // namespace

Value ValidateJson(const TypeSpec& spec, element el, Location& loc, Errors* errors) {
  return ValidateJsonT<Value>(spec, el, loc, errors);
}

bool CheckJson(const TypeSpec& spec, element el, Location& loc, Errors* errors) {
  size_t before = errors->size();
  Verdict v = ValidateJsonT<Verdict>(spec, el, loc, errors);
  return errors->size() == before && v.kind != Value::Kind::kMissing;
}

}  // namespace databridge::validate
