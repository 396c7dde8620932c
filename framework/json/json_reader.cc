#include "framework/json/json_reader.h"

namespace databridge::json {

JsonReader& JsonReader::ForThisThread() {
  thread_local JsonReader reader;
  return reader;
}

absl::StatusOr<simdjson::dom::element> JsonReader::Parse(absl::string_view text) {
  if (text.data() == nullptr) text = absl::string_view("", 0);  // simdjson memcpys from it
  simdjson::dom::element root;
  auto error = parser_.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root);
  if (error) return absl::InvalidArgumentError(simdjson::error_message(error));
  return root;
}

absl::StatusOr<simdjson::dom::element> JsonReader::ParseInPlace(const std::string& text) {
  if (text.capacity() - text.size() < kPadding) return Parse(absl::string_view(text));
  simdjson::dom::element root;
  auto error = parser_.parse(text.data(), text.size(), /*realloc_if_needed=*/false).get(root);
  if (error) return absl::InvalidArgumentError(simdjson::error_message(error));
  return root;
}

absl::StatusOr<simdjson::dom::element> JsonReader::ParseInto(simdjson::dom::document& document,
                                                             const std::string& text) {
  simdjson::dom::element root;  // in place when `text` has the padding, else copied
  auto error = parser_.parse_into_document(document, text).get(root);
  if (error) return absl::InvalidArgumentError(simdjson::error_message(error));
  return root;
}

std::string JsonReader::Minify(simdjson::dom::element element) { return simdjson::minify(element); }

}  // namespace databridge::json
