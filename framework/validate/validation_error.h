// ValidationError: one violation, in FastAPI's 422 shape
//   {"type": "int_parsing", "loc": ["query", "limit"], "msg": "...", "input": "abc"}
// plus "ctx" where pydantic gives one (bounds, lengths, patterns).
//
//   Location loc({"query", "limit"});
//   errors.push_back(MakeError(loc, "missing", "Field required", "null"));
//   std::string list = ErrorsJson(errors);   // [{...},...]: server::ValidationErrorResponse
//                                            // makes the 422 body of it
// Plain values; built on I/O threads without the GIL.
#ifndef DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATION_ERROR_H_
#define DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATION_ERROR_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace databridge::validate {

// A path of keys and indices: ["body", "tags", 0]. Keys are views: they must outlive the
// Location (spec keys, JSON keys of the document being validated, literals); an error
// keeps its own copy (LocPart), made only when one is reported.
// One step of an error's location, owned: a key or an index.
struct LocPart {
  std::string key;
  size_t index = 0;
  bool is_index = false;
};

class Location {
 public:
  Location() = default;
  Location(std::initializer_list<absl::string_view> keys);
  // In place: a Part built and copied stalls on the partial stores (store forwarding).
  void PushKey(absl::string_view key) { parts_.emplace_back(key, 0, false); }
  void PushIndex(size_t index) { parts_.emplace_back(absl::string_view(), index, true); }
  void Pop() { parts_.pop_back(); }
  // The path as an error keeps it (built only when an error is reported).
  std::vector<LocPart> Parts() const;

 private:
  struct Part {
    Part(absl::string_view k, size_t i, bool is_i) : key(k), index(i), is_index(is_i) {}
    absl::string_view key;
    size_t index;
    bool is_index;
  };
  std::vector<Part> parts_;
};

struct ValidationError {
  std::vector<LocPart> loc;  // query, limit
  std::string type;          // pydantic error type
  std::string msg;
  std::string input_json;  // the offending input as JSON ("null" when absent)
  std::string ctx_json;    // {"ge":1} or empty
};

using Errors = std::vector<ValidationError>;

// ["query","limit"]: the location as FastAPI's 422 body writes it.
std::string LocJson(const std::vector<LocPart>& loc);
// book.authors[0].displayName: as google.rpc.BadRequest's field paths are written.
std::string FieldPath(const std::vector<LocPart>& loc);

void AddError(const Location& loc, absl::string_view type, absl::string_view msg,
              std::string input_json, Errors* errors, std::string ctx_json = "");

// [{"type":...,"loc":...,"msg":...,"input":...[,"ctx":...]},...]
std::string ErrorsJson(const Errors& errors);

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_VALIDATION_ERROR_H_
