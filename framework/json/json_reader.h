// JsonReader: parses request bodies with simdjson's DOM parser, reused per thread (its
// buffers grow once and stay), so a parse allocates nothing in the steady state.
//
//   JsonReader& reader = JsonReader::ForThisThread();
//   absl::StatusOr<simdjson::dom::element> root = reader.Parse(body);
//   std::string text = JsonReader::Minify(*root);   // for error "input" echoes
// The element stays valid until the next Parse on the same thread. Not shareable across
// threads (use ForThisThread on each).
#ifndef DATABRIDGE_FRAMEWORK_JSON_JSON_READER_H_
#define DATABRIDGE_FRAMEWORK_JSON_JSON_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "simdjson.h"

namespace databridge::json {

class JsonReader {
 public:
  static JsonReader& ForThisThread();

  // Errors are InvalidArgument with simdjson's description ("TAPE_ERROR: ...").
  absl::StatusOr<simdjson::dom::element> Parse(absl::string_view text);
  // The same, read in place when the string's spare capacity covers simdjson's padding
  // (kPadding: reserve it where a body is built), else copied as above.
  absl::StatusOr<simdjson::dom::element> ParseInPlace(const std::string& text);
  static constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;
  // Into a document of the caller's, which outlives this reader's next parse (a body checked
  // now and built later), read as ParseInPlace reads.
  absl::StatusOr<simdjson::dom::element> ParseInto(simdjson::dom::document& document,
                                                   const std::string& text);

  static std::string Minify(simdjson::dom::element element);

 private:
  simdjson::dom::parser parser_;
};

}  // namespace databridge::json

#endif  // DATABRIDGE_FRAMEWORK_JSON_JSON_READER_H_
