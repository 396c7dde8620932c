#include "framework/http/message.h"

#include "absl/strings/ascii.h"

namespace databridge::http {

void HeaderMap::Add(absl::string_view name, absl::string_view value) {
  entries_.emplace_back(absl::AsciiStrToLower(name), std::string(value));
}

absl::string_view HeaderMap::Get(absl::string_view lower_name) const {
  for (const auto& [name, value] : entries_) {
    if (name == lower_name) return value;
  }
  return {};
}

bool HeaderMap::Has(absl::string_view lower_name) const {
  for (const auto& entry : entries_) {
    if (entry.first == lower_name) return true;
  }
  return false;
}

void AppendJsonEscaped(absl::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
}

Response ErrorResponse(int status, absl::string_view detail) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = "{\"detail\":\"";
  AppendJsonEscaped(detail, &r.body);
  r.body += "\"}";
  return r;
}

}  // namespace databridge::http
