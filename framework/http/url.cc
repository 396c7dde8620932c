#include "framework/http/url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace databridge::http {
namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// unreserved / sub-delims (RFC 3986 section 2); '%' escapes are checked by the caller.
bool RegNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("-._~!$&'()*+,;=").find(c) != absl::string_view::npos;
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}
}  // namespace

bool ValidAuthority(absl::string_view authority) {
  absl::string_view host = authority, port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos || close == 1) return false;
    for (char c : authority.substr(1, close - 1)) {
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return false;
      }
    }
    absl::string_view rest = authority.substr(close + 1);
    if (rest.empty()) return true;
    if (rest[0] != ':') return false;
    return AllDigits(rest.substr(1));
  }
  size_t colon = authority.find(':');
  if (colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.empty() || !AllDigits(port)) return false;
  }
  for (size_t i = 0; i < host.size(); ++i) {
    if (host[i] == '%') {
      if (i + 2 >= host.size()) return false;
      if (HexValue(host[i + 1]) < 0 || HexValue(host[i + 2]) < 0) return false;
      i += 2;
    } else if (!RegNameChar(host[i])) {
      return false;
    }
  }
  return true;
}

bool HasEncodedNul(absl::string_view path) {
  for (size_t i = path.find('%'); i != absl::string_view::npos; i = path.find('%', i + 1)) {
    if (path.substr(i + 1, 2) == "00") return true;
  }
  return false;
}

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
