#include "framework/validate/deferred_json.h"

#include <string>

#include "absl/container/inlined_vector.h"
#include "framework/validate/scalars.h"
#include "framework/validate/validator.h"

namespace databridge::validate {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The variant of a union that `el` validates as (ValidateJson's choice).
const TypeSpec* Variant(const TypeSpec& spec, element el) {
  if (!spec.discriminator.empty()) {
    element tag;
    if (el.get_object().value_unsafe().at_key(spec.discriminator).get(tag) != simdjson::SUCCESS) {
      return nullptr;
    }
    const std::string tag_text = TagText(tag);
    for (const auto& [value, index] : spec.mapping) {
      if (value == tag_text) return spec.variants[index].get();
    }
    return nullptr;
  }
  for (const TypeSpecPtr& variant : spec.variants) {
    Location loc;
    Errors errors;
    if (CheckJson(*variant, el, loc, &errors)) return variant.get();
  }
  return nullptr;
}

}  // namespace

Built BuildJson(const TypeSpec& spec, element el, Builder& b) {
  const element_type type = el.type();
  if (type == element_type::NULL_VALUE && (spec.nullable || spec.kind == TypeKind::kAny)) {
    return b.Null();
  }
  // Checked already: the coercions below report nothing (the scratch list stays empty).
  const Location loc;
  Errors scratch;
  if (!spec.allowed_json.empty() && spec.model_index >= 0) {  // an Enum: its member
    const int index = AllowedIndex(spec, el);
    if (index < 0) return b.Null();
    return b.EnumMember(spec.model_index, index, spec.allowed_json[index]);
  }
  switch (spec.kind) {
    case TypeKind::kAny:
      return b.Any(JsonAny(el));
    case TypeKind::kBool: {
      bool v = false;
      JsonBool(el, loc, &scratch, &v);
      return b.Bool(v);
    }
    case TypeKind::kInt: {
      int64_t v = 0;
      JsonInt(el, loc, &scratch, &v);
      return b.Int(v);
    }
    case TypeKind::kFloat: {
      double v = 0;
      JsonFloat(el, loc, &scratch, &v);
      return b.Float(v);
    }
    case TypeKind::kString: {
      absl::string_view v;
      JsonStr(el, loc, &scratch, &v);
      return b.Str(v);
    }
    case TypeKind::kUuid: {
      std::string canonical;
      JsonUuid(el, loc, &scratch, &canonical);
      return b.Uuid(canonical);
    }
    case TypeKind::kFileBytes: {
      absl::string_view v;
      JsonStr(el, loc, &scratch, &v);
      return b.Bytes(v);
    }
    case TypeKind::kDateTime:
    case TypeKind::kDate:
    case TypeKind::kTime:
    case TypeKind::kTimeDelta: {
      Temporal t;
      JsonTemporal(spec.kind, el, loc, &scratch, &t);
      return b.Temporal(spec.kind, t);
    }
    case TypeKind::kDecimal:
      switch (el.type()) {
        case simdjson::dom::element_type::STRING:
          return b.Decimal(JsonText(el));
        case simdjson::dom::element_type::INT64:
          return b.Decimal(std::to_string(el.get_int64().value_unsafe()));
        case simdjson::dom::element_type::UINT64:
          return b.Decimal(std::to_string(el.get_uint64().value_unsafe()));
        default:
          return b.DecimalOfFloat(el.get_double().value_unsafe());
      }
    case TypeKind::kList: {
      simdjson::dom::array array = el.get_array().value_unsafe();
      Built list = b.List(array.size());
      size_t i = 0;
      for (element item : array) b.ListSet(list, i++, BuildJson(*spec.items, item, b));
      if (spec.sequence == TypeSpec::Sequence::kList) return list;
      return b.AsSequence(list, static_cast<int>(spec.sequence));
    }
    case TypeKind::kDict: {
      Built dict = b.Dict();
      simdjson::dom::object object = el.get_object().value_unsafe();
      for (auto field : object) {
        b.DictSet(
            dict, absl::string_view(field.key.data(), field.key.size()),
            spec.items ? BuildJson(*spec.items, field.value, b) : b.Any(JsonAny(field.value)));
      }
      return dict;
    }
    case TypeKind::kUnion: {
      const TypeSpec* variant = Variant(spec, el);
      return variant != nullptr ? BuildJson(*variant, el, b) : b.Null();
    }
    case TypeKind::kObject: {
      const Members members(spec, el.get_object().value_unsafe());
      const size_t n = spec.fields.size();
      absl::InlinedVector<const char*, 16> names(n);
      absl::InlinedVector<Built, 16> fields(n, nullptr);
      for (size_t k = 0; k < n; ++k) {
        names[k] = spec.fields[k].name.c_str();
        if (members.seen(k)) fields[k] = BuildJson(*spec.fields[k].type, members.at(k), b);
      }
      return b.Object(spec.model_index, names.data(), fields.data(), n);
    }
    case TypeKind::kFile:  // never valid JSON (CheckJson refuses it)
      return b.Null();
  }
  return b.Null();
}

}  // namespace databridge::validate
