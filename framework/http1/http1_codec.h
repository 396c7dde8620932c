// Http1Codec: HTTP/1.1 server codec on Debian's http-parser (nodejs/http-parser 2.9).
//
//   Http1Codec codec(limits, &callbacks);
//   auto used = codec.Feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");   // -> OnRequest(...)
// Handles keep-alive, pipelining (several requests per Feed, pausable for backpressure),
// chunked request bodies (RFC 9112 section 7.1) and Expect: 100-continue. Enforces Limits:
// request-target 414, header section 431, body 413 (declared Content-Length is checked
// before any body byte is read); everything else malformed is 400. Transfer-Encoding with
// Content-Length is rejected (RFC 9112 section 6.3, request smuggling).
// Streaming responses (Response::streaming) are chunked when the connection stays open and
// close-delimited otherwise; AppendChunk / kLastChunk frame the pieces that follow.
// One instance per connection, on that connection's thread.
#ifndef DATABRIDGE_FRAMEWORK_HTTP1_HTTP1_CODEC_H_
#define DATABRIDGE_FRAMEWORK_HTTP1_HTTP1_CODEC_H_

#include <http_parser.h>

#include <string>

#include "absl/status/status.h"
#include "framework/http/codec.h"

namespace databridge::http1 {

// One chunk of a chunked body (RFC 9112 section 7.1); nothing for empty data.
void AppendChunk(absl::string_view data, std::string* out);
inline constexpr absl::string_view kLastChunk = "0\r\n\r\n";

class Http1Codec : public http::ServerCodec {
 public:
  Http1Codec(const http::Limits& limits, http::ServerCodecCallbacks* callbacks);

  absl::StatusOr<size_t> Feed(absl::string_view data) override;
  bool InRequest() const override { return in_request_; }
  void EncodeResponse(const http::Response& response, bool head, bool keep_alive,
                      std::string* out) override;

 private:
  static int OnMessageBegin(http_parser* p);
  static int OnUrl(http_parser* p, const char* at, size_t len);
  static int OnHeaderField(http_parser* p, const char* at, size_t len);
  static int OnHeaderValue(http_parser* p, const char* at, size_t len);
  static int OnHeadersComplete(http_parser* p);
  static int OnBody(http_parser* p, const char* at, size_t len);
  static int OnMessageComplete(http_parser* p);

  int Fail(absl::Status status);
  void CommitHeader();
  void Reset();

  http::Limits limits_;
  http::ServerCodecCallbacks* callbacks_;
  http_parser parser_;
  http_parser_settings settings_;
  http::Request request_;
  std::string field_, value_;
  bool in_value_ = false;
  bool in_request_ = false;
  size_t header_bytes_ = 0;
  absl::Status error_;
};

}  // namespace databridge::http1

#endif  // DATABRIDGE_FRAMEWORK_HTTP1_HTTP1_CODEC_H_
