// URL pieces: percent-decoding (RFC 3986 section 2.1), authorities (Host), and
// application/x-www-form-urlencoded query strings (WHATWG URL "application/x-www-form-urlencoded
// parsing": '+' is a space).
//
//   std::string out;  if (!PercentDecode("a%40b", &out)) ...   // out == "a@b"
//   for (auto& [k, v] : ParseQuery("q=a+b&tag=x&tag=y")) ...
// Pure functions; thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_HTTP_URL_H_
#define DATABRIDGE_FRAMEWORK_HTTP_URL_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace databridge::http {

// Decodes %XX escapes into *out. Returns false on a malformed escape ("%4", "%zz").
// With plus_as_space, '+' decodes to ' ' (query strings only; never in paths).
bool PercentDecode(absl::string_view in, std::string* out, bool plus_as_space = false);

// An authority as Host carries it (RFC 9110 section 7.2, RFC 3986 section 3.2): a reg-name,
// IPv4 address or [IP-literal], then an optional ":port"; no userinfo. Empty is valid (a
// target without an authority, RFC 9112 section 3.2).
bool ValidAuthority(absl::string_view authority);

// A request path with "%00" in it: a NUL byte once decoded, refused everywhere.
bool HasEncodedNul(absl::string_view path);

using QueryPairs = std::vector<std::pair<std::string, std::string>>;

// Splits on '&', then on the first '='; decodes both sides. Malformed escapes are kept
// literally (as browsers and Starlette do); empty pieces are skipped.
QueryPairs ParseQuery(absl::string_view query);

}  // namespace databridge::http

#endif  // DATABRIDGE_FRAMEWORK_HTTP_URL_H_
