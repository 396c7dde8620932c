// Http1Session: HTTP/1.1 on a connection: the codec, and the queue of responses kept in
// request order (pipelining), with backpressure when too many are outstanding.
//
//   Http1Session s(config, &host);
//   s.Receive("GET / HTTP/1.1\r\n...");   // host->Dispatch(sequence, request)
//   s.Respond(sequence, response);        // any order; written in request order
// Also recognises `Upgrade: h2c` (RFC 7540 section 3.2) and hands over to HTTP/2.
// Malformed requests are answered (400, 413, 431, 505, ...) and the connection closed,
// however the bytes were split (`GARBAGE\r\n\r\n` too); only a connection whose very first
// line has three words and no HTTP version, the shape of an HTTP/2 connection preface that
// is not one, is closed without an answer (RFC 9113 section 3.4).
// Used only on its connection's I/O thread.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_HTTP1_SESSION_H_
#define DATABRIDGE_FRAMEWORK_SERVER_HTTP1_SESSION_H_

#include <deque>
#include <memory>
#include <string>

#include "framework/http/codec.h"
#include "framework/server/config.h"
#include "framework/server/session.h"

namespace databridge::server {

class Http1Session : public Session, public http::ServerCodecCallbacks {
 public:
  // allow_h2c: honour `Upgrade: h2c` (cleartext connections only, RFC 9113 section 3.1).
  Http1Session(const ServerConfig& config, SessionHost* host, bool allow_h2c);
  ~Http1Session() override;

  absl::Status Receive(absl::string_view data) override;
  void Respond(uint64_t stream, const http::Response& response) override;
  int64_t SendBody(uint64_t stream, absl::string_view data, bool end) override;
  void AbortBody(uint64_t stream) override;
  void Produce(std::string* out) override;
  bool WantsRead() const override { return !paused_ && !finished_; }
  bool Idle() const override;
  bool Owes() const override { return !slots_.empty(); }
  bool Finished() const override { return finished_; }
  void BeginDrain() override;
  void CheckTimeouts(int64_t now_ms) override;
  std::optional<SessionUpgrade> TakeUpgrade() override;

  // http::ServerCodecCallbacks
  void OnRequestStart() override;
  void OnContinue() override;
  bool OnRequest(http::Request request) override;
  std::shared_ptr<http::BodySink> OnBodyStart(const http::Request& head) override {
    return host_->OpenBody(head);
  }
  void OnBodyProgress() override { request_started_ms_ = MonotonicMs(); }

 private:
  struct Slot {
    uint64_t sequence;
    bool head;
    bool keep_alive;
    bool http10;           // an HTTP/1.0 client: streamed bodies end with the close, else chunked
    bool chunked = false;  // the streamed body goes in chunks (its length unknown)
    bool ready = false;    // the response (or a streaming response's head) is encoded
    bool close = false;
    bool streaming = false;  // more body follows (SendBody) until `ended`
    bool ended = false;
    std::string bytes;  // encoded, not yet moved to out_
  };
  Slot* Find(uint64_t sequence);

  // What the connection's first line looked like (read across however many reads).
  struct FirstLine {
    void Scan(absl::string_view data);
    bool done = false;  // its LF was seen
    bool http = false;  // it carries "HTTP/" (any case): an HTTP/1.x attempt
    size_t spaces = 0;  // two or more: a request line's shape (method target version)
    size_t scanned = 0;
    std::string tail;  // the last bytes before the current read
  };

  absl::Status FeedBuffered();
  // A parse error: answered (4xx, then close), or the connection closed without an answer
  // when its first line has a request line's shape but no HTTP version (a broken HTTP/2
  // connection preface).
  absl::Status Refuse(const absl::Status& status);
  absl::Status DecideFirstLineError(bool timed_out);
  void RespondError(const absl::Status& status);
  void MoveReadySlots();
  bool IsH2cUpgrade(const http::Request& request) const;

  const ServerConfig& config_;
  SessionHost* host_;
  std::unique_ptr<http::ServerCodec> codec_;
  std::deque<Slot> slots_;
  std::string in_;   // bytes read but not yet parsed (while paused)
  std::string out_;  // ready for the wire
  uint64_t next_sequence_ = 0;
  int64_t request_started_ms_ = 0;
  bool paused_ = false;
  bool draining_ = false;
  bool finished_ = false;      // a closing response was queued
  bool last_request_ = false;  // a request that closes the connection was dispatched
  const bool allow_h2c_;
  std::optional<SessionUpgrade> upgrade_;
  FirstLine first_line_;
  absl::Status first_line_error_;  // a parse error held until the first line ends
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_HTTP1_SESSION_H_
