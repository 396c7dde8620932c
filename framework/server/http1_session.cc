#include "framework/server/http1_session.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "framework/base/error_kind.h"
#include "framework/http1/http1_codec.h"
#include "framework/server/error_response.h"
#include "framework/server/http2_session.h"

namespace databridge::server {
namespace {

bool HasToken(absl::string_view list, absl::string_view token) {
  for (absl::string_view t : absl::StrSplit(list, ',')) {
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(t), token)) return true;
  }
  return false;
}

}  // namespace

Http1Session::Http1Session(const ServerConfig& config, SessionHost* host, bool allow_h2c)
    : config_(config),
      host_(host),
      codec_(std::make_unique<http1::Http1Codec>(config.limits, this)),
      allow_h2c_(allow_h2c) {}

Http1Session::~Http1Session() = default;

bool Http1Session::Idle() const {
  return slots_.empty() && !codec_->InRequest() && in_.empty() && !upgrade_;
}

absl::Status Http1Session::Receive(absl::string_view data) {
  // Nothing after a closing request or response is read (RFC 9112 section 9.6).
  if (finished_ || last_request_) return absl::OkStatus();
  if (!first_line_.done) {
    first_line_.Scan(data);
    if (!first_line_error_.ok()) return DecideFirstLineError(false);
  }
  if (paused_ || !in_.empty()) {
    in_.append(data.data(), data.size());
    return absl::OkStatus();
  }
  auto used = codec_->Feed(data);
  if (!used.ok()) return Refuse(used.status());
  if (*used < data.size()) in_.assign(data.data() + *used, data.size() - *used);
  if (upgrade_) upgrade_->leftover.swap(in_);
  return absl::OkStatus();
}

void Http1Session::FirstLine::Scan(absl::string_view data) {
  size_t eol = data.find('\n');
  absl::string_view line = data.substr(0, eol);
  // Look across the previous read's last bytes, so "HTTP/" split over two reads counts.
  std::string window = tail + std::string(line);
  if (absl::StrContains(absl::AsciiStrToLower(window), "http/")) http = true;
  spaces += static_cast<size_t>(std::count(line.begin(), line.end(), ' '));
  tail = window.substr(window.size() > 4 ? window.size() - 4 : 0);
  scanned += line.size();
  if (eol != absl::string_view::npos) done = true;
}

absl::Status Http1Session::Refuse(const absl::Status& status) {
  if (next_sequence_ == 0 && !first_line_.done) {
    // Broken before the connection's first line has ended: whether to answer depends on
    // whether that line is HTTP/1.x at all, so wait for its end (or the request timeout).
    first_line_error_ = status;
    return absl::OkStatus();
  }
  if (next_sequence_ == 0 && !first_line_.http && first_line_.spaces >= 2) {
    // The connection's first line has a request line's three words but no HTTP version:
    // the shape of an HTTP/2 connection preface that is not one ("PRI * HTTP/2.0" is the
    // only one), from a peer that speaks HTTP/2 and would read an HTTP/1.1 answer as a
    // broken frame. Close without one, as an HTTP/2 endpoint does on an invalid preface
    // (RFC 9113 section 3.4). Anything else is a malformed HTTP/1.1 request: answered.
    finished_ = true;
    return status;
  }
  RespondError(status);
  return status;
}

absl::Status Http1Session::DecideFirstLineError(bool timed_out) {
  constexpr size_t kMaxFirstLineScan = 64 * 1024;
  if (!first_line_.done && !timed_out && first_line_.scanned <= kMaxFirstLineScan) {
    return absl::OkStatus();  // still waiting for the line to end; the bytes are dropped
  }
  first_line_.done = true;
  absl::Status status = first_line_error_;
  first_line_error_ = absl::OkStatus();
  in_.clear();
  return Refuse(status);
}

absl::Status Http1Session::FeedBuffered() {
  while (!paused_ && !in_.empty() && !finished_) {
    auto used = codec_->Feed(in_);
    if (!used.ok()) {
      in_.clear();
      return Refuse(used.status());
    }
    in_.erase(0, *used);
    if (*used == 0) break;
  }
  return absl::OkStatus();
}

void Http1Session::OnRequestStart() { request_started_ms_ = MonotonicMs(); }

void Http1Session::OnContinue() {
  // Only when nothing is queued ahead: an interim response must not overtake earlier
  // responses (RFC 9112 section 9.3). Without it the client sends the body after a wait.
  if (slots_.empty() && out_.empty()) out_.append("HTTP/1.1 100 Continue\r\n\r\n");
}

bool Http1Session::IsH2cUpgrade(const http::Request& request) const {
  return allow_h2c_ && !draining_ && slots_.empty() &&
         HasToken(request.headers.Get("upgrade"), "h2c") && request.headers.Has("http2-settings") &&
         HasToken(request.headers.Get("connection"), "upgrade") &&
         HasToken(request.headers.Get("connection"), "http2-settings");
}

bool Http1Session::OnRequest(http::Request request) {
  if (IsH2cUpgrade(request)) {
    std::string settings(request.headers.Get("http2-settings"));
    auto h2 = Http2Session::ForUpgrade(config_, host_, std::move(request), settings);
    if (h2.ok()) {
      // RFC 7540 section 3.2: 101, then the server's connection preface over HTTP/2.
      out_.append(
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
      upgrade_ = SessionUpgrade{*std::move(h2), ""};
      paused_ = true;
      return false;
    }
    RespondError(h2.status());
    return false;
  }
  uint64_t sequence = next_sequence_++;
  slots_.push_back(Slot{sequence, request.is_head, request.keep_alive && !draining_,
                        request.version_minor == 0});
  const bool last = !slots_.back().keep_alive;
  host_->Dispatch(sequence, std::move(request));
  if (last) {
    // Connection: close (or HTTP/1.0, CONNECT, draining): requests pipelined behind it are
    // never processed; reading stops here for good.
    last_request_ = true;
    paused_ = true;
    in_.clear();
    return false;
  }
  if (slots_.size() >= config_.max_pipelined) paused_ = true;
  return !paused_;
}

void Http1Session::RespondError(const absl::Status& status) {
  // The request that failed gets its own slot after everything already queued.
  http::Response r = ErrorResponse(HttpStatusFor(KindOf(status)), status.message());
  r.close = true;
  uint64_t sequence = next_sequence_++;
  slots_.push_back(Slot{sequence, false, false, false});
  Respond(sequence, r);
}

Http1Session::Slot* Http1Session::Find(uint64_t sequence) {
  if (slots_.empty()) return nullptr;
  uint64_t first = slots_.front().sequence;
  if (sequence < first || sequence - first >= slots_.size()) return nullptr;
  return &slots_[sequence - first];
}

void Http1Session::Respond(uint64_t sequence, const http::Response& response) {
  Slot* slot = Find(sequence);
  if (slot == nullptr || slot->ready) return;
  // A streamed body to an HTTP/1.0 client can only end with the connection.
  bool keep_alive = slot->keep_alive && !draining_ && !response.close &&
                    !(response.streaming && slot->http10 && response.length < 0);
  slot->bytes.clear();
  codec_->EncodeResponse(response, slot->head, keep_alive, slot->http10, &slot->bytes);
  slot->ready = true;
  slot->close = !keep_alive;
  slot->streaming = response.streaming && !slot->head;
  slot->chunked = response.streaming && !slot->http10 && response.length < 0;
  MoveReadySlots();
}

int64_t Http1Session::SendBody(uint64_t sequence, absl::string_view data, bool end) {
  Slot* slot = Find(sequence);
  if (slot == nullptr || !slot->streaming || slot->ended) return -1;
  if (slot->chunked) {
    http1::AppendChunk(data, &slot->bytes);
    if (end) slot->bytes.append(http1::kLastChunk.data(), http1::kLastChunk.size());
  } else {
    slot->bytes.append(data.data(), data.size());
  }
  slot->ended = end;
  int64_t held = static_cast<int64_t>(slot->bytes.size());
  MoveReadySlots();
  return held + static_cast<int64_t>(out_.size());
}

void Http1Session::AbortBody(uint64_t sequence) {
  Slot* slot = Find(sequence);
  if (slot == nullptr || !slot->streaming || slot->ended) return;
  slot->ended = true;  // without the last chunk
  slot->close = true;
  MoveReadySlots();
}

void Http1Session::MoveReadySlots() {
  while (!slots_.empty() && slots_.front().ready) {
    Slot& slot = slots_.front();
    out_.append(slot.bytes);
    slot.bytes.clear();
    if (slot.streaming && !slot.ended) break;  // the rest of its body comes first
    bool close = slot.close;
    slots_.pop_front();
    if (close) {
      // Nothing after a closing response is answered.
      finished_ = true;
      slots_.clear();
      in_.clear();
      break;
    }
  }
  if (!finished_ && !upgrade_ && !last_request_ && paused_ &&
      slots_.size() < config_.max_pipelined / 2 + 1) {
    paused_ = false;
    FeedBuffered().IgnoreError();  // a parse error queued its own 4xx and finished us
  }
}

void Http1Session::Produce(std::string* out) {
  if (out_.empty()) return;
  if (out->empty()) {
    out->swap(out_);
  } else {
    out->append(out_);
    out_.clear();
  }
}

void Http1Session::BeginDrain() {
  draining_ = true;
  // Idle between requests: done. Before its first request the client is still sending it:
  // that one is answered, with Connection: close.
  if (Idle() && next_sequence_ > 0) finished_ = true;
}

void Http1Session::CheckTimeouts(int64_t now_ms) {
  if (finished_ || !codec_->InRequest()) return;
  if (now_ms - request_started_ms_ > static_cast<int64_t>(config_.request_timeout_s * 1000)) {
    if (!first_line_error_.ok()) {
      DecideFirstLineError(true).IgnoreError();
      return;
    }
    RespondError(MakeError(ErrorKind::kRequestTimeout, "request not received in time"));
  }
}

std::optional<SessionUpgrade> Http1Session::TakeUpgrade() {
  std::optional<SessionUpgrade> up;
  up.swap(upgrade_);
  return up;
}

}  // namespace databridge::server
