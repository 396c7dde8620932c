#include "framework/server/gzip_policy.h"

#include <zlib.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace databridge::server {

bool GzipCompress(absl::string_view in, int level, std::string* out) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer; memLevel 8, zlib's (and Python's) default.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out->resize(deflateBound(&z, in.size()) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(out->size());
  const int rc = deflate(&z, Z_FINISH);
  out->resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END;
}

bool GzipPolicy::Accepts(const http::Request& request) {
  return absl::StrContains(request.headers.Get("accept-encoding"), "gzip");
}

bool GzipPolicy::Excluded(absl::string_view content_type) const {
  std::string media = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(content_type.substr(0, content_type.find(';'))));
  const std::string family = absl::StrCat(media.substr(0, media.find('/')), "/*");
  for (const std::string& e : config_.excluded) {
    if (e == media || e == family) return true;
    if (e == "application/grpc" && absl::StartsWith(media, "application/grpc+")) return true;
  }
  return false;
}

void GzipPolicy::Apply(bool accepted, http::Response* response) const {
  if (response->streaming || response->status == 206 || response->headers.Has("content-encoding") ||
      Excluded(response->content_type) || response->body.size() < config_.minimum_size) {
    return;
  }
  http::AddVary(&response->headers, "Accept-Encoding");
  if (!accepted) return;
  std::string compressed;
  if (!GzipCompress(response->body, config_.level, &compressed)) return;  // sent as it is
  response->body = std::move(compressed);
  response->headers.Set("content-encoding", "gzip");
}

}  // namespace databridge::server
