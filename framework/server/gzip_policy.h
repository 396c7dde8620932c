// GzipPolicy: Starlette's GZipMiddleware, natively and off the GIL. A complete response of
// at least `minimum_size` bytes (not already encoded, not a 206, not of an excluded media
// type) gets "Vary: Accept-Encoding" and, when its request accepted gzip, a gzip body.
// A streaming response (not encoded, not a 206, not excluded; any size, as Starlette
// decides on its first piece) gets the Vary, and when gzip was accepted its pieces are
// compressed as they come, through one GzipStream, without a flush (zlib keeps what does
// not fill a block until more comes or the end), and no Content-Length.
//
//   GzipPolicy gzip({.minimum_size = 500, .level = 9, .excluded = {"image/*"}});
//   bool accepted = GzipPolicy::Accepts(request);   // at dispatch
//   gzip.Apply(accepted, &response);                 // when the response is complete
//   auto stream = gzip.Begin(accepted, &response);   // a streaming one (null: as it is)
//   stream->Write(piece, end, &out);                 // each piece
// Not thread-safe: a worker's own.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_GZIP_POLICY_H_
#define DATABRIDGE_FRAMEWORK_SERVER_GZIP_POLICY_H_

#include <cstddef>
#include <memory>
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

// One response body compressed piece by piece into one gzip member.
class GzipStream {
 public:
  explicit GzipStream(int level);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Appends what `in` adds to the compressed body (perhaps nothing yet) to *out; `end`:
  // the last piece, after which the member is complete. False when zlib fails.
  bool Write(absl::string_view in, bool end, std::string* out);

 private:
  struct State;
  State* state_;
};

class GzipPolicy {
 public:
  explicit GzipPolicy(GzipConfig config) : config_(std::move(config)) {}
  // As Starlette: "gzip" anywhere in Accept-Encoding.
  static bool Accepts(const http::Request& request);
  void Apply(bool accepted, http::Response* response) const;
  // For a streaming response: its headers as Starlette sends them, its first piece (the
  // body it holds) compressed, and the stream the rest goes through (null: as it is).
  std::unique_ptr<GzipStream> Begin(bool accepted, http::Response* response) const;

 private:
  bool Excluded(absl::string_view content_type) const;

  const GzipConfig config_;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_GZIP_POLICY_H_
