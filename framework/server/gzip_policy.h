// GzipPolicy: Starlette's GZipMiddleware, natively and off the GIL. A complete response of
// at least `minimum_size` bytes (not already encoded, not a 206, not of an excluded media
// type) gets "Vary: Accept-Encoding" and, when its request accepted gzip, a gzip body.
//
//   GzipPolicy gzip({.minimum_size = 500, .level = 9, .excluded = {"image/*"}});
//   bool accepted = GzipPolicy::Accepts(request);   // at dispatch
//   gzip.Apply(accepted, &response);                 // when the response is complete
// Streaming responses are sent as they are (their pieces are not compressed).
#ifndef DATABRIDGE_FRAMEWORK_SERVER_GZIP_POLICY_H_
#define DATABRIDGE_FRAMEWORK_SERVER_GZIP_POLICY_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "framework/http/message.h"

namespace databridge::server {

struct GzipConfig {
  size_t minimum_size = 500;
  int level = 9;
  std::vector<std::string> excluded;  // media types, lower-case; "audio/*" wildcards
};

// RFC 1952 gzip of `in` at `level` (zlib); false when zlib fails.
bool GzipCompress(absl::string_view in, int level, std::string* out);

class GzipPolicy {
 public:
  explicit GzipPolicy(GzipConfig config) : config_(std::move(config)) {}
  // As Starlette: "gzip" anywhere in Accept-Encoding.
  static bool Accepts(const http::Request& request);
  void Apply(bool accepted, http::Response* response) const;

 private:
  bool Excluded(absl::string_view content_type) const;

  const GzipConfig config_;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_GZIP_POLICY_H_
