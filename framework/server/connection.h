// Connection: one accepted socket on one I/O thread: the transport (plain or TLS), the
// protocol choice (ALPN; the HTTP/2 preface on cleartext; h2c Upgrade), buffers, timeouts
// and lingering close. The protocol itself lives in a Session (Http1Session, Http2Session).
//
//   Connection c(id, fd, config, &owner, tls_context_or_null);
//   c.OnReadable();              // read, parse; the owner's Dispatch sees each request
//   c.Respond(stream, response); // whenever the handler finishes
//   c.Flush();                   // write what is ready
// The owner (Worker) routes requests and keeps epoll interest in step with WantsRead/
// WantsWrite. Not thread-safe: owned and used by one I/O thread.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_CONNECTION_H_
#define DATABRIDGE_FRAMEWORK_SERVER_CONNECTION_H_

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>

#include "framework/net/tls.h"
#include "framework/server/config.h"
#include "framework/server/session.h"

namespace databridge::server {

class Connection;

class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  // A complete request; answer later with connection->Respond(stream, ...).
  virtual void Dispatch(Connection* connection, uint64_t stream, http::Request request) = 0;
  // A request's head before its body (SessionHost::OpenBody).
  virtual std::shared_ptr<http::BodySink> OpenBody(const http::Request& head) {
    (void)head;
    return nullptr;
  }
};

class Connection : public SessionHost {
 public:
  Connection(uint64_t id, int fd, const ServerConfig& config, ConnectionOwner* owner,
             const net::TlsContext* tls);
  ~Connection() override;

  uint64_t id() const { return id_; }
  int fd() const { return fd_; }
  // The client's address (from accept), and whether this connection is TLS.
  void set_peer(const sockaddr_storage& peer) { peer_ = peer; }
  const sockaddr_storage& peer() const { return peer_; }
  bool secure() const { return tls_ != nullptr; }

  void OnReadable();
  void OnWritable() { Flush(); }
  void Respond(uint64_t stream, const http::Response& response);
  // Session::SendBody / AbortBody; SendBody's count includes this connection's unwritten
  // output.
  int64_t SendBody(uint64_t stream, absl::string_view data, bool end);
  void AbortBody(uint64_t stream);
  // Writes what the session has ready; moves to lingering close when the protocol is done.
  void Flush();

  // Shutdown: answer what is in flight, then close.
  void BeginDrain();
  // Request-read, keep-alive idle, write-stall and linger timeouts (on the reactor's tick).
  void CheckTimeouts();

  bool closed() const { return state_ == State::kClosed; }
  bool WantsRead() const;
  bool WantsWrite() const;

  // SessionHost
  void Dispatch(uint64_t stream, http::Request request) override;
  std::shared_ptr<http::BodySink> OpenBody(const http::Request& head) override {
    return owner_->OpenBody(head);
  }

 private:
  enum class State { kOpen, kClosing, kLingering, kClosed };

  net::IoResult Handshake();  // TLS; installs the session ALPN chose once done
  net::IoResult ReadTransport(char* buf, size_t cap, size_t* n);
  net::IoResult WriteTransport(const char* data, size_t len, size_t* n);
  void Deliver(absl::string_view data);
  bool ChooseProtocol(absl::string_view data);
  void Install(std::unique_ptr<Session> session);
  bool idle() const;
  // Closes an idle connection (keep-alive timeout, shutdown), with a GOAWAY on HTTP/2.
  void CloseIdle();
  void Close();

  const uint64_t id_;
  int fd_;
  const ServerConfig& config_;
  ConnectionOwner* owner_;
  std::unique_ptr<net::TlsStream> tls_;
  std::unique_ptr<Session> session_;  // null until the protocol is known
  std::string sniff_;                 // cleartext bytes read before the protocol is known
  State state_ = State::kOpen;
  bool draining_ = false;
  bool received_ = false;     // any request bytes arrived (a fresh connection is owed its first)
  bool peer_closed_ = false;  // the client half-closed; answer what is owed, then close
  bool failed_ = false;       // protocol error answered; close once it is written
  std::string out_;
  size_t out_offset_ = 0;
  int64_t accepted_ms_;
  int64_t last_active_ms_;
  int64_t last_write_ms_;
  int64_t linger_deadline_ms_ = 0;
  sockaddr_storage peer_{};  // last: read once per whole-request call, not per read
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_CONNECTION_H_
