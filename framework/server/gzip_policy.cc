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

struct GzipStream::State {
  z_stream z{};
  bool ok = false;
};

GzipStream::GzipStream(int level) : state_(new State) {
  state_->ok = deflateInit2(&state_->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

GzipStream::~GzipStream() {
  if (state_->ok) deflateEnd(&state_->z);
  delete state_;
}

bool GzipStream::Write(absl::string_view in, bool end, std::string* out) {
  if (!state_->ok) return false;
  z_stream& z = state_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  const int flush = end ? Z_FINISH : Z_NO_FLUSH;
  int rc;
  do {
    const size_t before = out->size();
    const size_t room = deflateBound(&z, z.avail_in) + 64;
    out->resize(before + room);
    z.next_out = reinterpret_cast<Bytef*>(out->data() + before);
    z.avail_out = static_cast<uInt>(room);
    rc = deflate(&z, flush);
    out->resize(before + room - z.avail_out);
    if (rc == Z_STREAM_ERROR) {
      state_->ok = false;
      return false;
    }
  } while (z.avail_out == 0 || (end && rc != Z_STREAM_END));
  return true;
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

std::unique_ptr<GzipStream> GzipPolicy::Begin(bool accepted, http::Response* response) const {
  if (!response->streaming || response->status == 206 ||
      response->headers.Has("content-encoding") || Excluded(response->content_type)) {
    return nullptr;
  }
  http::AddVary(&response->headers, "Accept-Encoding");
  if (!accepted) return nullptr;
  response->headers.Set("content-encoding", "gzip");
  auto stream = std::make_unique<GzipStream>(config_.level);
  std::string first;  // the body held so far is the first piece
  if (!stream->Write(response->body, false, &first)) return nullptr;
  response->body = std::move(first);
  return stream;
}

}  // namespace databridge::server
