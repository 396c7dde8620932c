// Session: the protocol half of a connection, HTTP/1.1 (Http1Session) or HTTP/2
// (Http2Session). The Connection owns the transport (socket, TLS, buffers, timeouts) and
// feeds a Session bytes; the Session parses, hands requests to its SessionHost and turns
// responses into bytes.
//
//   absl::Status s = session->Receive(bytes);   // may call host->Dispatch(stream, request)
//   session->Respond(stream, response);          // stream: HTTP/2 stream id, or the
//                                                // HTTP/1.1 request's sequence number
//   session->Produce(&out);                      // bytes for the wire
// HTTP/1.1 can hand over to HTTP/2 (RFC 7540 section 3.2, h2c): TakeUpgrade() returns the
// new session and the bytes it must see; the Connection installs it and calls Start().
// Used only on its connection's I/O thread.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_SESSION_H_
#define DATABRIDGE_FRAMEWORK_SERVER_SESSION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framework/base/clock.h"
#include "framework/http/message.h"

namespace databridge::server {

class SessionHost {
 public:
  virtual ~SessionHost() = default;
  // A complete request; answer later with Session::Respond(stream, ...).
  virtual void Dispatch(uint64_t stream, http::Request request) = 0;
  // A request's head, before its body: a sink to take the body as it arrives (an upload
  // parsed and spooled while it is read), or nullptr to have it collected for Dispatch.
  virtual std::shared_ptr<http::BodySink> OpenBody(const http::Request& head) {
    (void)head;
    return nullptr;
  }
};

class Session;

struct SessionUpgrade {
  std::unique_ptr<Session> session;
  std::string leftover;  // bytes read past the upgrade request
};

class Session {
 public:
  virtual ~Session() = default;
  // Errors are fatal to the connection; any answer (400, GOAWAY) is already queued.
  virtual absl::Status Receive(absl::string_view data) = 0;
  virtual void Respond(uint64_t stream, const http::Response& response) = 0;
  // More of a streaming response's body (Response::streaming); `end`: the last piece.
  // Returns how many of its bytes the session still holds, or -1 when nobody will read
  // them (stream reset, connection finished, HEAD): the producer should stop.
  virtual int64_t SendBody(uint64_t stream, absl::string_view data, bool end) = 0;
  // The producer of a streaming body failed: HTTP/2 resets the stream; HTTP/1.1 closes
  // the connection without the last chunk, so the client sees the body is incomplete.
  virtual void AbortBody(uint64_t stream) = 0;
  virtual void Produce(std::string* out) = 0;
  // False while the session wants no more input (backpressure).
  virtual bool WantsRead() const = 0;
  // Nothing parsed-but-unanswered, nothing in progress.
  virtual bool Idle() const = 0;
  // Requests were dispatched whose responses are still owed (worth finishing after the
  // client half-closes).
  virtual bool Owes() const = 0;
  // The protocol is done with the connection: close once output is flushed.
  virtual bool Finished() const = 0;
  // Graceful shutdown: finish what is in flight, accept nothing new.
  virtual void BeginDrain() = 0;
  // Request-read and stall timeouts; idle keep-alive is the Connection's.
  virtual void CheckTimeouts(int64_t now_ms) = 0;
  virtual std::optional<SessionUpgrade> TakeUpgrade() { return std::nullopt; }
  virtual void Start() {}
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_SESSION_H_
