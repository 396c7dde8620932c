// ServerCodec: the interface every HTTP wire protocol implements for the server side.
// A codec turns bytes into Requests (through ServerCodecCallbacks) and Responses into bytes.
//
//   Http1Codec codec(limits, &callbacks);
//   absl::StatusOr<size_t> used = codec.Feed(bytes);   // error: ErrorKind payload -> status
//   codec.EncodeResponse(response, /*head=*/false, /*keep_alive=*/true, /*http10=*/false, &out);
// One codec per connection; used only on that connection's I/O thread.
#ifndef DATABRIDGE_FRAMEWORK_HTTP_CODEC_H_
#define DATABRIDGE_FRAMEWORK_HTTP_CODEC_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framework/http/message.h"

namespace databridge::http {

// Spare capacity a request body is given where its length is known, so a JSON parser that
// reads past the end (simdjson: 64 bytes) parses it where it lies instead of copying it.
inline constexpr size_t kBodyPadding = 64;

// Limits on what a client may send; each breach is answered with its own 4xx.
struct Limits {
  size_t max_request_line = 8 * 1024;        // 414 past this (request-target)
  size_t max_header_bytes = 32 * 1024;       // 431 past this (all field lines together)
  size_t max_headers = 100;                  // 431 past this many field lines
  size_t max_body_bytes = 10 * 1024 * 1024;  // 413 past this (declared or received)
  // The same for a body a BodySink takes as it arrives (an upload spooled to disk).
  size_t max_upload_bytes = size_t{1} << 30;
};

class ServerCodecCallbacks {
 public:
  virtual ~ServerCodecCallbacks() = default;
  // The first byte of a request arrived (arms the request-read timeout).
  virtual void OnRequestStart() = 0;
  // The client sent `Expect: 100-continue` for an acceptable body (RFC 9110 section 10.1.1).
  virtual void OnContinue() = 0;
  // A request's head is complete and a body follows: a sink to take the body as it arrives
  // (Request::body then stays empty and max_upload_bytes bounds it), or nullptr to collect
  // it into Request::body.
  virtual std::shared_ptr<BodySink> OnBodyStart(const Request& head) {
    (void)head;
    return nullptr;
  }
  // A piece of a body a sink takes arrived: the request-read timeout starts again, so a
  // streamed upload is bounded by how long it stalls, not by how long it takes.
  virtual void OnBodyProgress() {}
  // A complete request. Return false to pause: Feed returns early and parses nothing more
  // until it is called again.
  virtual bool OnRequest(Request request) = 0;
};

class ServerCodec {
 public:
  virtual ~ServerCodec() = default;
  // Parses bytes, calling back for each complete request; returns how many bytes were used
  // (fewer than given only when a callback paused). Errors carry an ErrorKind.
  virtual absl::StatusOr<size_t> Feed(absl::string_view data) = 0;
  // True between a request's first byte and its end.
  virtual bool InRequest() const = 0;
  // The whole response, or for a streaming one its head and first piece: chunked, or for
  // an `http10` client delimited by the connection's close.
  virtual void EncodeResponse(const Response& response, bool head, bool keep_alive, bool http10,
                              std::string* out) = 0;
};

}  // namespace databridge::http

#endif  // DATABRIDGE_FRAMEWORK_HTTP_CODEC_H_
