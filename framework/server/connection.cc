#include "framework/server/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include "framework/base/clock.h"
#include "framework/base/error_kind.h"
#include "framework/base/logging.h"
#include "framework/http2/http2_codec.h"
#include "framework/net/socket.h"
#include "framework/server/http1_session.h"
#include "framework/server/http2_session.h"

namespace databridge::server {
namespace {
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxBufferedOut = 4 * 1024 * 1024;  // stop reading past this (slow reader)
constexpr int64_t kLingerMs = 2000;
constexpr int kMaxTlsReadsPerEvent = 16;
}  // namespace

Connection::Connection(uint64_t id, int fd, const ServerConfig& config, ConnectionOwner* owner,
                       const net::TlsContext* tls)
    : id_(id),
      fd_(fd),
      config_(config),
      owner_(owner),
      tls_(tls ? std::make_unique<net::TlsStream>(*tls, fd) : nullptr),
      accepted_ms_(MonotonicMs()),
      last_active_ms_(accepted_ms_),
      last_write_ms_(accepted_ms_) {}

Connection::~Connection() {
  session_.reset();
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  ::close(fd_);
  fd_ = -1;
}

bool Connection::idle() const {
  return (session_ == nullptr ? sniff_.empty() : session_->Idle()) && out_offset_ == out_.size();
}

bool Connection::WantsRead() const {
  if (state_ == State::kLingering) return true;
  if (state_ != State::kOpen || peer_closed_ || failed_) return false;
  if (out_.size() - out_offset_ >= kMaxBufferedOut) return false;
  return session_ == nullptr || session_->WantsRead();
}

bool Connection::WantsWrite() const {
  if (state_ == State::kClosed) return false;
  return out_offset_ < out_.size() || (tls_ && tls_->wants_write());
}

net::IoResult Connection::Handshake() {
  if (tls_->handshake_done()) return net::IoResult::kOk;
  net::IoResult r = tls_->Handshake();
  if (r != net::IoResult::kOk) return r;
  // ALPN decides the protocol (RFC 9113 section 3.3); no ALPN means HTTP/1.1.
  if (tls_->alpn() == "h2") {
    auto s = Http2Session::ForPriorKnowledge(config_, this);
    if (!s.ok()) return net::IoResult::kError;
    Install(*std::move(s));
  } else {
    Install(std::make_unique<Http1Session>(config_, this, /*allow_h2c=*/false));
  }
  return r;
}

net::IoResult Connection::ReadTransport(char* buf, size_t cap, size_t* n) {
  if (!tls_) return net::ReadSome(fd_, buf, cap, n);
  if (net::IoResult r = Handshake(); r != net::IoResult::kOk) return r;
  return tls_->Read(buf, cap, n);
}

net::IoResult Connection::WriteTransport(const char* data, size_t len, size_t* n) {
  if (!tls_) return net::WriteSome(fd_, data, len, n);
  if (net::IoResult r = Handshake(); r != net::IoResult::kOk) return r;
  return tls_->Write(data, len, n);
}

void Connection::OnReadable() {
  char buf[kReadChunk];
  for (int i = 0; i < (tls_ ? kMaxTlsReadsPerEvent : 1); ++i) {
    size_t n = 0;
    net::IoResult r = ReadTransport(buf, sizeof(buf), &n);
    if (r == net::IoResult::kWouldBlock) return;
    if (r == net::IoResult::kClosed && state_ == State::kOpen && session_ && session_->Owes()) {
      // The client half-closed after its requests: answer them, then close (RFC 9112
      // section 9.6 lets a server finish the responses it owes).
      peer_closed_ = true;
      return;
    }
    if (r != net::IoResult::kOk) {
      Close();
      return;
    }
    if (state_ != State::kOpen) {
      if (state_ != State::kLingering) return;
      continue;  // lingering: discard until EOF
    }
    last_active_ms_ = MonotonicMs();
    Deliver(absl::string_view(buf, n));
    if (state_ != State::kOpen || !WantsRead()) return;
    if (tls_ && !tls_->pending()) return;
  }
}

bool Connection::ChooseProtocol(absl::string_view data) {
  // Cleartext: HTTP/2 with prior knowledge starts with the client preface (RFC 9113
  // section 3.4); anything else is HTTP/1.1 (which may still Upgrade to h2c).
  sniff_.append(data.data(), data.size());
  const absl::string_view preface = http2::kClientPreface;
  size_t n = std::min(sniff_.size(), preface.size());
  if (absl::string_view(sniff_).substr(0, n) == preface.substr(0, n)) {
    if (sniff_.size() < preface.size()) return false;  // undecided: wait for more
    auto s = Http2Session::ForPriorKnowledge(config_, this);
    if (!s.ok()) {
      Close();
      return false;
    }
    Install(*std::move(s));
  } else {
    Install(std::make_unique<Http1Session>(config_, this, config_.allow_h2c_upgrade));
  }
  return true;
}

void Connection::Install(std::unique_ptr<Session> session) {
  session_ = std::move(session);
  session_->Start();
  if (draining_) session_->BeginDrain();
}

void Connection::Deliver(absl::string_view data) {
  received_ = true;
  std::string first;
  if (session_ == nullptr) {
    if (!ChooseProtocol(data) || session_ == nullptr) return;
    first.swap(sniff_);
    data = first;
  }
  absl::Status s = session_->Receive(data);
  while (s.ok()) {
    std::optional<SessionUpgrade> up = session_->TakeUpgrade();
    if (!up) break;
    session_->Produce(&out_);  // "101 Switching Protocols" goes out first
    Install(std::move(up->session));
    if (!up->leftover.empty()) s = session_->Receive(up->leftover);
  }
  if (!s.ok()) {
    // The session queued its answer (4xx, GOAWAY); read no more.
    DB_LOG(kDebug) << "connection " << id_ << ": " << s.message();
    failed_ = true;
  }
}

void Connection::Dispatch(uint64_t stream, http::Request request) {
  owner_->Dispatch(this, stream, std::move(request));
}

void Connection::Respond(uint64_t stream, const http::Response& response) {
  if (state_ == State::kClosed || session_ == nullptr) return;
  session_->Respond(stream, response);
}

int64_t Connection::SendBody(uint64_t stream, absl::string_view data, bool end) {
  if (state_ != State::kOpen || session_ == nullptr) return -1;
  int64_t held = session_->SendBody(stream, data, end);
  return held < 0 ? held : held + static_cast<int64_t>(out_.size() - out_offset_);
}

void Connection::AbortBody(uint64_t stream) {
  if (state_ == State::kOpen && session_ != nullptr) session_->AbortBody(stream);
}

void Connection::Flush() {
  if (state_ == State::kClosed) return;
  if (tls_ && !tls_->handshake_done()) {
    net::IoResult r = Handshake();
    if (r == net::IoResult::kWouldBlock) return;
    if (r != net::IoResult::kOk) {
      Close();
      return;
    }
  }
  for (;;) {
    if (session_ && state_ == State::kOpen) {
      if (out_offset_ == out_.size()) {
        out_.clear();
        out_offset_ = 0;
      }
      session_->Produce(&out_);
    }
    if (out_offset_ == out_.size()) break;
    size_t n = 0;
    net::IoResult r = WriteTransport(out_.data() + out_offset_, out_.size() - out_offset_, &n);
    if (r == net::IoResult::kWouldBlock) return;
    if (r != net::IoResult::kOk) {
      Close();
      return;
    }
    out_offset_ += n;
    last_write_ms_ = last_active_ms_ = MonotonicMs();
  }
  out_.clear();
  out_offset_ = 0;
  if (state_ == State::kOpen && session_ != nullptr &&
      (failed_ || session_->Finished() || ((draining_ || peer_closed_) && session_->Idle()))) {
    if (peer_closed_ && session_->Idle()) {
      Close();
      return;
    }
    state_ = State::kClosing;
  }
  if (state_ == State::kClosing) {
    // Lingering close: half-close, then drain the client's unread bytes so the kernel does
    // not answer them with a RST that could destroy our response in flight.
    if (tls_) tls_->Shutdown();
    ::shutdown(fd_, SHUT_WR);
    state_ = State::kLingering;
    linger_deadline_ms_ = MonotonicMs() + kLingerMs;
  }
}

void Connection::BeginDrain() {
  draining_ = true;
  // An idle keep-alive connection closes now; a fresh one (accepted, nothing read yet) is
  // waiting for the request its client is sending: it gets that request answered (with
  // Connection: close), bounded by the request timeout and the grace period.
  if (state_ == State::kOpen && idle() && received_) {
    CloseIdle();
    return;
  }
  if (session_) session_->BeginDrain();
}

void Connection::CloseIdle() {
  // HTTP/2 says so with a GOAWAY(NO_ERROR) before closing (RFC 9113 section 6.8), so a client
  // that was about to send knows nothing was processed. HTTP/1.1 has nothing to say and no
  // response in flight to protect with a lingering close: it closes at once.
  draining_ = true;
  if (session_) {
    session_->BeginDrain();
    session_->Produce(&out_);
  }
  if (out_offset_ < out_.size()) Flush();  // writes the GOAWAY, then lingers
  if (state_ == State::kOpen) Close();
}

void Connection::CheckTimeouts() {
  const int64_t now = MonotonicMs();
  const int64_t request_timeout = static_cast<int64_t>(config_.request_timeout_s * 1000);
  if (state_ == State::kLingering) {
    if (now >= linger_deadline_ms_) Close();
    return;
  }
  if (state_ == State::kClosed) return;
  if (out_offset_ < out_.size() && now - last_write_ms_ > request_timeout) {
    Close();  // the client stopped reading
    return;
  }
  if (state_ != State::kOpen) return;
  if (session_ == nullptr) {
    // TLS handshake or protocol choice still pending.
    if (now - accepted_ms_ > request_timeout) Close();
    return;
  }
  session_->CheckTimeouts(now);
  if (idle() && now - last_active_ms_ > static_cast<int64_t>(config_.keepalive_timeout_s * 1000)) {
    CloseIdle();
  }
}

}  // namespace databridge::server
