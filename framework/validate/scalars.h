// Scalars: the coercion rules and error reports every validator shares, the TypeSpec-driven
// ones (validator.cc) and the compiled ones codegen/back/cpp generates, so both give the same
// pydantic v2 error types and messages (FastAPI's 422 contract) from one place.
//
//   int64_t v;
//   if (JsonInt(el, loc, errors, &v) && !(v >= 1)) {
//     ReportBound(BoundKind::kGe, "1", [&] { return JsonInput(el); }, loc, errors);
//   }
// Lax mode as pydantic: "12" is an int, 1.0 is an int, 0/1 and "true"/"off" are booleans; a
// string never accepts a number. The checks a caller makes itself are plain comparisons;
// everything with a rule or a message is here. Pure functions; no GIL, no allocation unless
// an error is reported.
#ifndef DATABRIDGE_FRAMEWORK_VALIDATE_SCALARS_H_
#define DATABRIDGE_FRAMEWORK_VALIDATE_SCALARS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "framework/validate/temporal.h"
#include "framework/validate/type_spec.h"
#include "framework/validate/validation_error.h"
#include "framework/validate/value.h"
#include "simdjson.h"

namespace databridge::validate {

// The offending input as JSON, built only when an error is reported.
using InputFn = absl::FunctionRef<std::string()>;

// An element as compact JSON (error "input" echoes).
std::string JsonInput(simdjson::dom::element el);
// Text (a URL or header value) as a JSON string, for the same echoes.
std::string TextInput(absl::string_view text);
// A string element's text (the caller checked the type).
inline absl::string_view JsonText(simdjson::dom::element el) {
  std::string_view s = el.get_string().value_unsafe();
  return absl::string_view(s.data(), s.size());
}

// JSON scalars in lax mode; each reports its type or parsing error and returns false.
bool JsonBool(simdjson::dom::element el, const Location& loc, Errors* errors, bool* out);
bool JsonInt(simdjson::dom::element el, const Location& loc, Errors* errors, int64_t* out);
bool JsonFloat(simdjson::dom::element el, const Location& loc, Errors* errors, double* out);
bool JsonStr(simdjson::dom::element el, const Location& loc, Errors* errors,
             absl::string_view* out);
bool JsonUuid(simdjson::dom::element el, const Location& loc, Errors* errors, std::string* out);
// Any JSON value, kept as a Value tree (dict keys in document order).
Value JsonAny(simdjson::dom::element el);
// datetime, date or time (a kDateTime, kDate or kTime spec's kind) from a JSON string or
// number, as pydantic reads it (temporal.h).
bool JsonTemporal(TypeKind kind, simdjson::dom::element el, const Location& loc, Errors* errors,
                  Temporal* out);

// Text scalars (path segments, query values, headers, form fields). TextUtf8 first: URL
// and header text is raw bytes.
bool TextUtf8(absl::string_view text, const Location& loc, Errors* errors);
bool TextBool(absl::string_view text, const Location& loc, Errors* errors, bool* out);
bool TextInt(absl::string_view text, const Location& loc, Errors* errors, int64_t* out);
bool TextFloat(absl::string_view text, const Location& loc, Errors* errors, double* out);
bool TextUuid(absl::string_view text, const Location& loc, Errors* errors, std::string* out);
bool TextTemporal(TypeKind kind, absl::string_view text, const Location& loc, Errors* errors,
                  Temporal* out);
// A Value that JsonTemporal or TextTemporal accepted (its text or number) parsed again.
bool ValueTemporal(TypeKind kind, const Value& v, Temporal* out);
// A decimal.Decimal as pydantic takes one: a JSON number, or text Python's Decimal reads
// (underscores dropped, whitespace around it) that is finite. ASCII digits only.
bool JsonDecimal(simdjson::dom::element el, const Location& loc, Errors* errors);
bool TextDecimal(absl::string_view text, const Location& loc, Errors* errors);

// A value already of the spec's type against the spec's constraints (bounds, multiple_of;
// lengths, format, pattern; item counts), every violation reported; false if any. The
// TypeSpec validators and the gRPC message checker (whose values protobuf parsed) share them.
bool CheckBounds(const TypeSpec& spec, double v, InputFn input, const Location& loc,
                 Errors* errors);
bool CheckString(const TypeSpec& spec, absl::string_view s, InputFn input, const Location& loc,
                 Errors* errors);
bool CheckItems(const TypeSpec& spec, size_t n, InputFn input, const Location& loc, Errors* errors);

// Numeric constraints: the caller compares; these report ("greater than or equal to 1").
// `of_float`: the value is a float, whose ctx gives the bound as one (pydantic's 1.0).
enum class BoundKind { kGt, kGe, kLt, kLe, kMultipleOf };
void ReportBound(BoundKind kind, absl::string_view bound_text, InputFn input, const Location& loc,
                 Errors* errors, bool of_float = false);
bool IsMultipleOf(double v, double step);

// Strings: lengths count code points; patterns are RE2, matched anywhere (JSON Schema).
size_t CodePoints(absl::string_view s);
void ReportStringLength(bool too_long, size_t limit, InputFn input, const Location& loc,
                        Errors* errors);
void ReportPattern(absl::string_view pattern, InputFn input, const Location& loc, Errors* errors);
bool CheckFormat(StringFormat format, absl::string_view s, InputFn input, const Location& loc,
                 Errors* errors);

// Lists.
void ReportItemCount(bool too_long, size_t limit, size_t actual, InputFn input, const Location& loc,
                     Errors* errors);
bool CheckUniqueItems(simdjson::dom::array array, InputFn input, const Location& loc,
                      Errors* errors);

// Enumerations and literals: `allowed_json` holds the canonical JSON of each value.
void ReportNotAllowed(bool is_enum, const std::vector<absl::string_view>& allowed_json,
                      InputFn input, const Location& loc, Errors* errors);

// Containers and objects.
void ReportType(absl::string_view type, InputFn input, const Location& loc, Errors* errors);
// A value that is no file part where an UploadFile is wanted (FastAPI's check of it).
void ReportNotUpload(InputFn input, const Location& loc, Errors* errors);
void ReportMissing(InputFn input, const Location& loc, Errors* errors);
// Not an object where a model was expected: dataclass_type (titled) or dict_type.
// `title`: the class (dataclass, or pydantic model when `pydantic_model`); empty: a dict.
void ReportNotObject(absl::string_view title, bool pydantic_model, InputFn input,
                     const Location& loc, Errors* errors);
void ReportExtra(simdjson::dom::element value, const Location& loc, Errors* errors);

// Tagged unions.
void ReportTagNotFound(absl::string_view discriminator, InputFn input, const Location& loc,
                       Errors* errors);
void ReportTagInvalid(absl::string_view discriminator, absl::string_view tag,
                      absl::string_view expected, InputFn input, const Location& loc,
                      Errors* errors);
// The tag's text: a string's value, anything else as JSON.
std::string TagText(simdjson::dom::element tag);

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_SCALARS_H_
