// JSON string escaping (RFC 8259 section 7), shared by every JSON writer in the runtime:
// error bodies, validation errors and the Python result encoder.
//
//   std::string out;
//   AppendJsonString("a \"b\"\n", &out);   // out == "\"a \\\"b\\\"\\n\""
// UTF-8 passes through unescaped (as json.dumps(ensure_ascii=False)); control characters
// become \uXXXX. Pure functions; thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_JSON_JSON_ESCAPE_H_
#define DATABRIDGE_FRAMEWORK_JSON_JSON_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace databridge::json {

// Appends `s` escaped, without quotes.
void AppendJsonEscaped(absl::string_view s, std::string* out);

// Appends `s` as a JSON string literal, with quotes.
void AppendJsonString(absl::string_view s, std::string* out);

// `s` as a JSON string literal.
std::string JsonString(absl::string_view s);

}  // namespace databridge::json

#endif  // DATABRIDGE_FRAMEWORK_JSON_JSON_ESCAPE_H_
