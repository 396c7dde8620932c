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

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATOR_H_
