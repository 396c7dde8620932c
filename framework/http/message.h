// Protocol-neutral HTTP messages: HeaderMap, Request, Response. HTTP/1.1 and HTTP/2 codecs
// produce Requests and consume Responses; routing, validation and handlers see only these.
//
//   Request req;  req.method = "GET";  req.path = "/users/7";
//   req.headers.Add("accept", "*/*");             // names are stored lower-case
//   absl::string_view ua = req.headers.Get("user-agent");
// Plain values: owned by whoever holds them, moved between stages, never shared by threads.
#ifndef DATABRIDGE_FRAMEWORK_HTTP_MESSAGE_H_
#define DATABRIDGE_FRAMEWORK_HTTP_MESSAGE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace databridge::http {

// True when a field name or value holds no CR, LF or NUL, so it can be written as is (a
// handler's "a\r\nb" would otherwise split the header section; RFC 9110 section 5.5).
bool IsSafeFieldText(absl::string_view s);

// Ordered header list; lookups are case-insensitive because names are lower-cased on Add.
class HeaderMap {
 public:
  void Add(absl::string_view name, absl::string_view value);
  // Replaces every `name` field with one holding `value`.
  void Set(absl::string_view name, absl::string_view value);
  // First value for `name` (lower-case), or empty when absent.
  absl::string_view Get(absl::string_view lower_name) const;
  bool Has(absl::string_view lower_name) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// Adds `value` to the response's Vary, joined after what it has (Starlette's way).
void AddVary(HeaderMap* headers, absl::string_view value);

// Takes a request's body as it arrives instead of Request::body (an upload parsed and
// spooled while it is read: ServerCodecCallbacks::OnBodyStart). An error from Write or End
// ends the request, answered with its ErrorKind's status.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual absl::Status Write(absl::string_view piece) = 0;
  virtual absl::Status End() = 0;  // the body is complete
};

struct Request {
  std::string method;  // "GET", as sent
  std::string target;  // request-target as sent: "/users/7?verbose=1"
  std::string path;    // target before '?', still percent-encoded
  std::string query;   // target after '?', without it
  HeaderMap headers;
  std::string body;
  std::shared_ptr<BodySink> body_sink;  // set: the body went there and `body` is empty
  int version_minor = 1;                // HTTP/1.x; 0 for HTTP/1.0
  bool keep_alive = true;
  bool is_head = false;  // HEAD is served by the GET route without a body
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  HeaderMap headers;         // extra headers, beyond Date/Server/Content-*
  std::string body;
  HeaderMap trailers;  // HTTP/2 only (gRPC status); HTTP/1.1 responses omit them
  bool close = false;  // close the connection after sending
  // The body is streamed: `body` is its first piece, the rest follows through
  // Session::SendBody (HTTP/1.1: chunked, or close-delimited; HTTP/2: DATA frames).
  bool streaming = false;
  // A streamed body's whole length when known (a file): sent as Content-Length, the pieces
  // as they are (no chunks); -1: unknown.
  int64_t length = -1;
  // The body is this file's (a FileResponse): the worker opens it and sends it, or the
  // part the request's Range asks for, as the client takes it. `body` is unused.
  std::string file_path;
};

}  // namespace databridge::http

#endif  // DATABRIDGE_FRAMEWORK_HTTP_MESSAGE_H_
