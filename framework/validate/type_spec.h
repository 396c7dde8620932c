// TypeSpec: the typed schema one parameter or body field is validated against. Built once
// at start-up (from Python type hints today; from generated code later), then read-only.
//
//   auto limit = std::make_shared<TypeSpec>();
//   limit->kind = TypeKind::kInt;
//   limit->ge = Bound{1, "1"};  limit->le = Bound{100, "100"};
// Shared by all I/O threads without locks (immutable after construction).
#ifndef DATABRIDGE_FRAMEWORK_VALIDATE_TYPE_SPEC_H_
#define DATABRIDGE_FRAMEWORK_VALIDATE_TYPE_SPEC_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "re2/re2.h"

namespace databridge::validate {

enum class TypeKind {
  kAny,  // any JSON value, passed through
  kBool,
  kInt,  // 64-bit signed
  kFloat,
  kString,
  kUuid,       // RFC 9562 text form, normalised to lower-case hyphenated
  kList,       // items
  kObject,     // fields (dataclass / TypedDict)
  kDict,       // any JSON object with values of `items`' type
  kUnion,      // one of `variants` (oneOf/anyOf), chosen by `discriminator` when set
  kFile,       // a file part of a multipart body (an UploadFile)
  kFileBytes,  // a multipart part's content, as bytes
  // datetime.datetime, date and time under pydantic's lax rules (temporal.h): RFC 3339
  // text and unix timestamps.
  kDateTime,
  kDate,
  kTime,
  kTimeDelta,  // datetime.timedelta: ISO 8601 durations, "1 day, 10:20", seconds
  kDecimal,    // decimal.Decimal: a JSON number or a decimal's text, finite
};

// String formats with a checked syntax (JSON Schema "format", proto rules).
enum class StringFormat { kNone, kDate, kDateTime, kEmail, kUri, kBase64 };

// A numeric bound with the text it was written as, for messages ("greater than 0").
struct Bound {
  double value;
  std::string text;
};

struct TypeSpec;
using TypeSpecPtr = std::shared_ptr<const TypeSpec>;

struct Field {
  std::string name;  // attribute / parameter name
  std::string key;   // JSON key (alias), usually == name
  TypeSpecPtr type;
  bool required = true;
  // Also read under this key when `key` is absent (pydantic's validate_by_name: the
  // attribute name beside its alias); empty: none.
  std::string alt_key;
};

struct TypeSpec {
  TypeKind kind = TypeKind::kAny;
  bool nullable = false;  // Optional[T]: JSON null accepted
  std::optional<Bound> gt, ge, lt, le;
  std::optional<size_t> min_length, max_length;  // characters for strings, items for lists
  std::shared_ptr<RE2> pattern;                  // strings; RE2: linear time, no backtracking
  std::string pattern_text;
  StringFormat format = StringFormat::kNone;  // strings
  std::optional<Bound> multiple_of;           // numbers
  bool unique_items = false;                  // lists
  // kList: the Python container built (as databridge.ir.Sequence): list, set, frozenset,
  // tuple. Validation is the same.
  enum class Sequence { kList = 0, kSet = 1, kFrozenSet = 2, kTuple = 3 };
  Sequence sequence = Sequence::kList;
  bool forbid_extra = false;    // objects: undeclared keys are errors
  bool alt_keys = false;        // objects: some field has an alt_key
  bool pydantic_model = false;  // objects: a pydantic model ("model_attributes_type" errors)
  TypeSpecPtr items;            // kList, kDict
  std::vector<Field> fields;    // kObject
  std::string title;            // kObject: class name for messages
  int model_index = -1;         // kObject, enums: index into the binding layer's model table
  // Enumerations: the allowed values as canonical JSON ("\"sold\"", "2"); empty: any.
  std::vector<std::string> allowed_json;
  bool allowed_is_enum = false;  // an Enum class ("enum" errors), else a literal set
  // kUnion: the variants; with a discriminator, `mapping` names the variant (index) for
  // each value of that property; without, the first variant that validates wins.
  std::vector<TypeSpecPtr> variants;
  std::string discriminator;
  std::vector<std::pair<std::string, int>> mapping;
};

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_TYPE_SPEC_H_
