// ValidationError: one violation, in FastAPI's 422 shape
//   {"type": "int_parsing", "loc": ["query", "limit"], "msg": "...", "input": "abc"}
// plus "ctx" where pydantic gives one (bounds, lengths, patterns).
//
//   Location loc({"query", "limit"});
//   errors.push_back(MakeError(loc, "missing", "Field required", "null"));
//   std::string body = ErrorsToJson(errors);   // {"detail":[...]}
// Plain values; built on I/O threads without the GIL.
#ifndef DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATION_ERROR_H_
#define DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATION_ERROR_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace databridge::validate {

// A path of JSON-encoded location parts: "\"body\"", "\"tags\"", "0".
class Location {
 public:
  Location() = default;
  Location(std::initializer_list<absl::string_view> keys);
  void PushKey(absl::string_view key);
  void PushIndex(size_t index);
  void Pop() { parts_.pop_back(); }
  std::string ToJson() const;

 private:
  std::vector<std::string> parts_;
};

struct ValidationError {
  std::string loc_json;  // ["query","limit"]
  std::string type;      // pydantic error type
  std::string msg;
  std::string input_json;  // the offending input as JSON ("null" when absent)
  std::string ctx_json;    // {"ge":1} or empty
};

using Errors = std::vector<ValidationError>;

void AddError(const Location& loc, absl::string_view type, absl::string_view msg,
              std::string input_json, Errors* errors, std::string ctx_json = "");

// {"detail":[{...},...]}
std::string ErrorsToJson(const Errors& errors);

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATION_ERROR_H_
