#include "framework/http/url.h"

#include "absl/strings/str_split.h"

namespace databridge::http {
namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool PercentDecode(absl::string_view in, std::string* out, bool plus_as_space) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

QueryPairs ParseQuery(absl::string_view query) {
  QueryPairs pairs;
  for (absl::string_view piece : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    size_t eq = piece.find('=');
    absl::string_view raw_key = piece.substr(0, eq);
    absl::string_view raw_value =
        eq == absl::string_view::npos ? absl::string_view() : piece.substr(eq + 1);
    std::string key, value;
    if (!PercentDecode(raw_key, &key, true)) key = std::string(raw_key);
    if (!PercentDecode(raw_value, &value, true)) value = std::string(raw_value);
    pairs.emplace_back(std::move(key), std::move(value));
  }
  return pairs;
}

}  // namespace databridge::http
