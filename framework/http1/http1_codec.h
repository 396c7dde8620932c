// Http1Codec: HTTP/1.1 server codec on llhttp (Node.js's parser), built strict.
//
//   Http1Codec codec(limits, &callbacks);
//   auto used = codec.Feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");   // -> OnRequest(...)
// Handles keep-alive, pipelining (several requests per Feed, pausable for backpressure),
// chunked request bodies (RFC 9112 section 7.1) and Expect: 100-continue. The same bytes get
// the same answer however they are split across Feed calls.
// Framing is strict (RFC 9112): no whitespace before a field's colon (5.1) or before the
// first field line (2.2), chunk data must end in CRLF (7.1), Transfer-Encoding must be
// exactly `chunked` and never with Content-Length or in HTTP/1.0 (6.1, 6.3, request
// smuggling), HTTP/1.1 requests carry exactly one valid Host (3.2), and an absolute-form
// target's authority replaces Host (3.2.2). Answers: request-target over the limit 414,
// header section or field count over the limit 431, body over the limit 413 (a declared
// Content-Length or chunk size is checked before any of its bytes are read), a version
// other than 1.0/1.1 505, anything else malformed 400.
// Streaming responses (Response::streaming) are chunked, close-delimited only for HTTP/1.0
// clients; AppendChunk / kLastChunk frame the pieces that follow.
// One instance per connection, on that connection's thread.
#ifndef DATABRIDGE_FRAMEWORK_HTTP1_HTTP1_CODEC_H_
#define DATABRIDGE_FRAMEWORK_HTTP1_HTTP1_CODEC_H_

#include <llhttp.h>

#include <string>

#include "absl/status/status.h"
#include "framework/http/codec.h"

namespace databridge::http1 {

// One chunk of a chunked body (RFC 9112 section 7.1); nothing for empty data.
void AppendChunk(absl::string_view data, std::string* out);
inline constexpr absl::string_view kLastChunk = "0\r\n\r\n";

// Chunk extensions (RFC 9112 section 7.1.1) are read and dropped; past this many bytes of
// them in one request, 400 (they cost us parsing and the client nothing).
inline constexpr size_t kMaxChunkExtensionBytes = 4096;

class Http1Codec : public http::ServerCodec {
 public:
  Http1Codec(const http::Limits& limits, http::ServerCodecCallbacks* callbacks);

  absl::StatusOr<size_t> Feed(absl::string_view data) override;
  bool InRequest() const override { return in_request_; }
  void EncodeResponse(const http::Response& response, bool head, bool keep_alive, bool http10,
                      std::string* out) override;

 private:
  static int OnMessageBegin(llhttp_t* p);
  static int OnUrl(llhttp_t* p, const char* at, size_t len);
  static int OnHeaderField(llhttp_t* p, const char* at, size_t len);
  static int OnHeaderValue(llhttp_t* p, const char* at, size_t len);
  static int OnHeaderValueComplete(llhttp_t* p);
  static int OnHeadersComplete(llhttp_t* p);
  static int OnChunkHeader(llhttp_t* p);
  static int OnChunkExtension(llhttp_t* p, const char* at, size_t len);
  static int OnBody(llhttp_t* p, const char* at, size_t len);
  static int OnMessageComplete(llhttp_t* p);

  int Fail(absl::Status status);
  absl::Status CheckRequest(const llhttp_t* p);
  absl::Status ParseError(llhttp_errno_t err);
  bool AddHeaderBytes(size_t len);
  // How large this request's body may be: max_upload_bytes for one a sink takes.
  size_t BodyLimit() const {
    return request_.body_sink ? limits_.max_upload_bytes : limits_.max_body_bytes;
  }

  http::Limits limits_;
  http::ServerCodecCallbacks* callbacks_;
  llhttp_t parser_;
  llhttp_settings_t settings_;
  http::Request request_;
  size_t body_bytes_ = 0;  // of request_'s body so far
  std::string field_, value_;
  bool in_request_ = false;
  size_t header_bytes_ = 0;
  size_t extension_bytes_ = 0;
  absl::Status error_;
};

}  // namespace databridge::http1

#endif  // DATABRIDGE_FRAMEWORK_HTTP1_HTTP1_CODEC_H_
