// Validators: turn text (path segments, query values, headers) and JSON (simdjson DOM)
// into typed Values against a TypeSpec, collecting every violation rather than stopping at
// the first, with pydantic v2's error types and messages (FastAPI's 422 contract).
//
//   Location loc({"query", "limit"});
//   Errors errors;
//   Value v = ValidateText(*spec, "abc", loc, &errors);   // errors[0].type == "int_parsing"
// Coercion follows pydantic's lax mode: "12" is an int in a query string and in JSON,
// 1.0 is an int, 0/1 and "true"/"off" are booleans; a string never accepts a number.
// Pure functions of their arguments; run on I/O threads without the GIL.
#ifndef DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATOR_H_
#define DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATOR_H_

#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "framework/validate/type_spec.h"
#include "framework/validate/validation_error.h"
#include "framework/validate/value.h"
#include "simdjson.h"

namespace databridge::validate {

// One text value (path parameter, single query value, header value).
Value ValidateText(const TypeSpec& spec, absl::string_view text, Location& loc, Errors* errors);

// Repeated values (query keys, repeated headers): a kList spec takes them all, a scalar spec
// takes the last one (as Starlette's QueryParams does). Empty `texts` is not handled here:
// the caller decides between default and "missing".
Value ValidateTexts(const TypeSpec& spec, const std::vector<absl::string_view>& texts,
                    Location& loc, Errors* errors);

// A JSON value.
Value ValidateJson(const TypeSpec& spec, simdjson::dom::element element, Location& loc,
                   Errors* errors);

// An object's members for a kObject spec's fields, found in one pass over the object (the
// field after the last one matched is tried first: members usually come in declaration
// order). The first of repeated keys wins, as in the generated decoders; a field's alt_key
// is read only when its key is absent; `extra`: some key is no field's (or a field's alt_key,
// which is one only when it was not read). Slots live on the stack up to kInline fields.
class Members {
 public:
  Members(const TypeSpec& spec, simdjson::dom::object object);
  bool seen(size_t k) const { return seen_[k] != kUnseen; }
  // Found under the field's alt_key (its errors are located there).
  bool by_alt(size_t k) const { return seen_[k] == kByAlt; }
  simdjson::dom::element at(size_t k) const { return at_[k].element; }  // where seen(k)
  bool extra() const { return extra_; }

 private:
  // Written only where a member is found (no zeroing of the unused ones).
  union Slot {
    Slot() {}
    simdjson::dom::element element;
  };
  static constexpr size_t kInline = 16;
  static constexpr uint8_t kUnseen = 0, kByKey = 1, kByAlt = 2;
  Slot inline_at_[kInline];
  uint8_t inline_seen_[kInline];
  std::unique_ptr<Slot[]> heap_at_;
  std::unique_ptr<uint8_t[]> heap_seen_;
  Slot* at_;
  uint8_t* seen_;
  bool extra_ = false;
};

// Which of spec.allowed_json (an enumeration's or literal's values, canonical JSON) a
// validated scalar is: its index, or -1.
int AllowedIndex(const TypeSpec& spec, const Value& v);
// The same for a JSON element that passed CheckJson against `spec` (its lax coercion
// applied: "2" is 2 for an int enumeration).
int AllowedIndex(const TypeSpec& spec, simdjson::dom::element el);

// The same rules and errors, deciding only: true when `element` is valid. Builds nothing
// (deferred_json.h builds the handler's objects from the element afterwards).
bool CheckJson(const TypeSpec& spec, simdjson::dom::element element, Location& loc, Errors* errors);

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATOR_H_
