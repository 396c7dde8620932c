#include "framework/server/connection.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "framework/base/error_kind.h"
#include "framework/http1/http1_codec.h"
#include "framework/net/socket.h"
#include "framework/server/error_response.h"

namespace databridge::server {
namespace {
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxBufferedOut = 4 * 1024 * 1024;  // stop reading past this (slow reader)
constexpr int64_t kLingerMs = 2000;
}  // namespace

int64_t MonotonicMs() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Connection::Connection(uint64_t id, int fd, const ServerConfig& config, ConnectionOwner* owner)
    : id_(id),
      fd_(fd),
      config_(config),
      owner_(owner),
      codec_(std::make_unique<http1::Http1Codec>(config.limits, this)),
      last_active_ms_(MonotonicMs()) {}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::idle() const {
  return slots_.empty() && !codec_->InRequest() && out_.empty() && in_.empty();
}

bool Connection::WantsRead() const {
  if (state_ == State::kLingering) return true;
  return state_ == State::kOpen && !paused_ && !peer_closed_ &&
         out_.size() - out_offset_ < kMaxBufferedOut;
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  ::close(fd_);
  fd_ = -1;
}

void Connection::OnReadable() {
  char buf[kReadChunk];
  size_t n = 0;
  net::IoResult r = net::ReadSome(fd_, buf, sizeof(buf), &n);
  if (r == net::IoResult::kWouldBlock) return;
  if (r == net::IoResult::kClosed && state_ == State::kOpen && !slots_.empty()) {
    // The client half-closed after its requests: answer them, then close (RFC 9112
    // section 9.6 lets a server finish responses it owes).
    peer_closed_ = true;
    return;
  }
  if (r != net::IoResult::kOk) {
    Close();
    return;
  }
  if (state_ == State::kLingering) return;  // discard until EOF
  if (state_ != State::kOpen) return;
  last_active_ms_ = MonotonicMs();
  if (paused_ || !in_.empty()) {
    in_.append(buf, n);
    return;
  }
  auto used = codec_->Feed(absl::string_view(buf, n));
  if (!used.ok()) {
    RespondError(used.status());
    return;
  }
  if (*used < n) in_.assign(buf + *used, n - *used);
}

void Connection::FeedBuffered() {
  while (!paused_ && !in_.empty() && state_ == State::kOpen) {
    auto used = codec_->Feed(in_);
    if (!used.ok()) {
      in_.clear();
      RespondError(used.status());
      return;
    }
    in_.erase(0, *used);
    if (*used == 0) break;
  }
}

void Connection::OnWritable() { Flush(); }

void Connection::OnRequestStart() { request_started_ms_ = MonotonicMs(); }

void Connection::OnContinue() {
  // Only when nothing is queued ahead: an interim response must not overtake earlier
  // responses (RFC 9112 section 9.3). Without it the client sends the body after a wait.
  if (slots_.empty() && out_.size() == out_offset_) out_.append("HTTP/1.1 100 Continue\r\n\r\n");
}

bool Connection::OnRequest(http::Request request) {
  uint64_t sequence = next_sequence_++;
  slots_.push_back(Slot{sequence, request.is_head, request.keep_alive && !draining_});
  owner_->Dispatch(this, sequence, std::move(request));
  if (slots_.size() >= config_.max_pipelined) paused_ = true;
  return !paused_;
}

void Connection::RespondError(const absl::Status& status) {
  // The request that failed to parse gets its own slot after everything already queued.
  http::Response r = ErrorResponse(HttpStatusFor(KindOf(status)), status.message());
  r.close = true;
  uint64_t sequence = next_sequence_++;
  slots_.push_back(Slot{sequence, false, false});
  Respond(sequence, r);
}

void Connection::Respond(uint64_t sequence, const http::Response& response) {
  if (state_ == State::kClosed || slots_.empty()) return;
  uint64_t first = slots_.front().sequence;
  if (sequence < first || sequence - first >= slots_.size()) return;
  Slot& slot = slots_[sequence - first];
  if (slot.ready) return;
  bool keep_alive = slot.keep_alive && !draining_ && !response.close;
  slot.bytes.clear();
  codec_->EncodeResponse(response, slot.head, keep_alive, &slot.bytes);
  slot.ready = true;
  slot.close = !keep_alive;
  MoveReadySlots();
}

void Connection::MoveReadySlots() {
  while (!slots_.empty() && slots_.front().ready) {
    Slot& slot = slots_.front();
    out_.append(slot.bytes);
    bool close = slot.close;
    slots_.pop_front();
    if (close) {
      // Nothing after a closing response is answered.
      state_ = State::kClosing;
      slots_.clear();
      in_.clear();
      break;
    }
  }
  if (state_ == State::kOpen && paused_ && slots_.size() < config_.max_pipelined / 2 + 1) {
    paused_ = false;
    FeedBuffered();
  }
}

void Connection::Flush() {
  const bool had_output = out_offset_ < out_.size();
  while (state_ != State::kClosed && out_offset_ < out_.size()) {
    size_t n = 0;
    net::IoResult r = net::WriteSome(fd_, out_.data() + out_offset_, out_.size() - out_offset_, &n);
    if (r == net::IoResult::kWouldBlock) return;
    if (r != net::IoResult::kOk) {
      Close();
      return;
    }
    out_offset_ += n;
  }
  if (state_ == State::kClosed) return;
  out_.clear();
  out_offset_ = 0;
  if (had_output) last_active_ms_ = MonotonicMs();
  if (state_ == State::kOpen && (draining_ || peer_closed_) && idle()) {
    if (peer_closed_) {
      Close();
      return;
    }
    state_ = State::kClosing;
  }
  if (state_ == State::kClosing) {
    // Lingering close: half-close, then drain the client's unread bytes so the kernel does
    // not answer them with a RST that could destroy our response in flight.
    ::shutdown(fd_, SHUT_WR);
    state_ = State::kLingering;
    linger_deadline_ms_ = last_active_ms_ + kLingerMs;
  }
}

void Connection::BeginDrain() {
  draining_ = true;
  if (state_ == State::kOpen && idle()) Close();
}

void Connection::CheckTimeouts() {
  const int64_t now_ms = MonotonicMs();
  if (state_ == State::kLingering) {
    if (now_ms >= linger_deadline_ms_) Close();
    return;
  }
  if (state_ != State::kOpen) return;
  if (codec_->InRequest()) {
    if (now_ms - request_started_ms_ > static_cast<int64_t>(config_.request_timeout_s * 1000)) {
      RespondError(MakeError(ErrorKind::kRequestTimeout, "request not received in time"));
      Flush();
    }
    return;
  }
  if (idle() &&
      now_ms - last_active_ms_ > static_cast<int64_t>(config_.keepalive_timeout_s * 1000)) {
    Close();
  }
}

}  // namespace databridge::server
