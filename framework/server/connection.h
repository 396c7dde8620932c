// Connection: one accepted HTTP/1.1 socket on one I/O thread: reads, the codec, the queue
// of responses kept in request order (pipelining), writes, timeouts and lingering close.
//
//   Connection c(id, fd, config, &owner);
//   c.OnReadable();                // parse; the owner's Dispatch sees each request
//   c.Respond(seq, response);      // whenever the handler finishes; order is kept
//   c.Flush();                     // write what is ready
// The owner (Worker) routes requests and keeps epoll interest in step with WantsRead/
// WantsWrite. Not thread-safe: owned and used by one I/O thread.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_CONNECTION_H_
#define DATABRIDGE_FRAMEWORK_SERVER_CONNECTION_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "framework/http/codec.h"
#include "framework/server/config.h"

namespace databridge::server {
// Coarse monotonic milliseconds (vDSO; a few ns).
int64_t MonotonicMs();
}  // namespace databridge::server

namespace databridge::server {

class Connection;

class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  // A complete request; answer later with connection->Respond(sequence, ...).
  virtual void Dispatch(Connection* connection, uint64_t sequence, http::Request request) = 0;
};

class Connection : public http::ServerCodecCallbacks {
 public:
  Connection(uint64_t id, int fd, const ServerConfig& config, ConnectionOwner* owner);
  ~Connection() override;

  uint64_t id() const { return id_; }
  int fd() const { return fd_; }

  void OnReadable();
  void OnWritable();
  void Respond(uint64_t sequence, const http::Response& response);
  // Writes buffered bytes; may move to lingering close.
  void Flush();

  // Shutdown: answer what is in flight with Connection: close, then close.
  void BeginDrain();
  // Request-read, keep-alive idle and linger timeouts (called on the reactor's tick).
  void CheckTimeouts();

  bool closed() const { return state_ == State::kClosed; }
  bool WantsRead() const;
  bool WantsWrite() const { return !out_.empty() && state_ != State::kClosed; }
  bool idle() const;

  // ServerCodecCallbacks
  void OnRequestStart() override;
  void OnContinue() override;
  bool OnRequest(http::Request request) override;

 private:
  enum class State { kOpen, kClosing, kLingering, kClosed };
  struct Slot {
    uint64_t sequence;
    bool head;
    bool keep_alive;
    bool ready = false;
    bool close = false;
    std::string bytes;
  };

  void FeedBuffered();
  void RespondError(const absl::Status& status);
  void MoveReadySlots();
  void Close();

  const uint64_t id_;
  int fd_;
  const ServerConfig& config_;
  ConnectionOwner* owner_;
  std::unique_ptr<http::ServerCodec> codec_;
  State state_ = State::kOpen;
  bool draining_ = false;
  bool paused_ = false;       // the codec paused: too many responses outstanding
  bool peer_closed_ = false;  // the client half-closed; answer what is owed, then close
  std::string in_;            // bytes read but not yet parsed (while paused)
  std::string out_;
  size_t out_offset_ = 0;
  std::deque<Slot> slots_;
  uint64_t next_sequence_ = 0;
  int64_t request_started_ms_ = 0;
  int64_t last_active_ms_ = 0;
  int64_t linger_deadline_ms_ = 0;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_CONNECTION_H_
