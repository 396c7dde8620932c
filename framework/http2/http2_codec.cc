#include "framework/http2/http2_codec.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "framework/base/clock.h"
#include "framework/base/error_kind.h"
#include "framework/http/status_line.h"
#include "framework/http/url.h"

namespace databridge::http2 {

struct Http2Codec::Stream {
  http::Request request;
  int64_t started_ms = 0;
  size_t header_bytes = 0;
  size_t body_bytes = 0;
  bool oversize_headers = false;
  bool dispatched = false;
  bool answered = false;   // refused or dispatched: no further dispatch
  bool responded = false;  // response HEADERS submitted
  bool is_head = false;
  // The response body, handed to nghttp2 piecewise as windows open.
  std::string body;
  size_t offset = 0;
  bool streaming = false;  // more body follows (SendBody) until `ended`
  bool ended = false;
  bool deferred = false;  // nghttp2 waits for SendBody to resume the data
  http::HeaderMap trailers;
};

namespace {

constexpr size_t kRecentStreams = 1024;

Http2Codec* Self(void* user_data) { return static_cast<Http2Codec*>(user_data); }

nghttp2_nv Nv(const std::string& name, const std::string& value) {
  return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE};
}

// Connection-specific fields are forbidden in HTTP/2 (RFC 9113 section 8.2.2).
bool ForbiddenInHttp2(absl::string_view name) {
  return name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
         name == "transfer-encoding" || name == "upgrade" || name == "content-length";
}

void SplitTarget(http::Request* r) {
  absl::string_view target = r->target;
  size_t q = target.find('?');
  r->path = std::string(target.substr(0, q));
  if (q != absl::string_view::npos) r->query = std::string(target.substr(q + 1));
}

}  // namespace

Http2Codec::Http2Codec(const http::Limits& limits, const Settings& settings,
                       Http2CodecCallbacks* callbacks)
    : limits_(limits),
      settings_(settings),
      callbacks_(callbacks),
      pings_{static_cast<double>(settings.ping_burst), MonotonicMs()},
      settings_frames_{static_cast<double>(settings.settings_burst), MonotonicMs()},
      last_output_ms_(MonotonicMs()) {}

Http2Codec::~Http2Codec() {
  if (session_ != nullptr) nghttp2_session_del(session_);
}

absl::Status Http2Codec::Init() {
  nghttp2_session_callbacks* cbs;
  if (nghttp2_session_callbacks_new(&cbs) != 0) return absl::ResourceExhaustedError("nghttp2");
  nghttp2_session_callbacks_set_on_begin_frame_callback(cbs, &OnBeginFrame);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &OnBeginHeaders);
  nghttp2_session_callbacks_set_on_header_callback(cbs, &OnHeader);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &OnFrameRecv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &OnDataChunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &OnStreamClose);
  nghttp2_option* option;
  nghttp2_option_new(&option);
  // Defaults kept on purpose (documented in nghttp2.h): at most 8 CONTINUATION frames per
  // header block, RST_STREAM rate limit (CVE-2023-44487), 1000 unacknowledged PING/SETTINGS
  // ACKs before the connection is dropped.
  int rv = nghttp2_session_server_new2(&session_, cbs, this, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(cbs);
  if (rv != 0) return absl::ResourceExhaustedError("nghttp2_session_server_new2");
  nghttp2_settings_entry iv[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, settings_.max_concurrent_streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, settings_.initial_window_size},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<uint32_t>(limits_.max_header_bytes)},
  };
  if (nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, iv, 3) != 0) {
    return absl::InternalError("nghttp2_submit_settings");
  }
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                        static_cast<int32_t>(settings_.connection_window_size));
  return absl::OkStatus();
}

absl::Status Http2Codec::Start() { return Init(); }

absl::Status Http2Codec::CheckUpgradeSettings(absl::string_view http2_settings,
                                              std::string* payload) {
  std::string decoded;
  for (char c : http2_settings) {  // token68 in the base64url alphabet, no padding
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') {
      return MakeError(ErrorKind::kBadRequest, "malformed HTTP2-Settings");
    }
  }
  if (!absl::WebSafeBase64Unescape(http2_settings, &decoded) || decoded.size() % 6 != 0) {
    return MakeError(ErrorKind::kBadRequest, "malformed HTTP2-Settings");
  }
  for (size_t i = 0; i < decoded.size(); i += 6) {
    const auto* b = reinterpret_cast<const uint8_t*>(decoded.data() + i);
    const uint16_t id = static_cast<uint16_t>(b[0] << 8 | b[1]);
    const uint32_t value = static_cast<uint32_t>(b[2]) << 24 | b[3] << 16 | b[4] << 8 | b[5];
    const bool valid =
        (id != NGHTTP2_SETTINGS_ENABLE_PUSH || value <= 1) &&
        (id != NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE || value <= 0x7fffffffu) &&
        (id != NGHTTP2_SETTINGS_MAX_FRAME_SIZE || (value >= (1u << 14) && value < (1u << 24)));
    if (!valid) return MakeError(ErrorKind::kBadRequest, "invalid setting in HTTP2-Settings");
  }
  if (payload != nullptr) *payload = std::move(decoded);
  return absl::OkStatus();
}

absl::Status Http2Codec::StartUpgraded(absl::string_view http2_settings, http::Request request) {
  std::string payload;
  if (auto s = CheckUpgradeSettings(http2_settings, &payload); !s.ok()) return s;
  if (auto s = Init(); !s.ok()) return s;
  int rv = nghttp2_session_upgrade2(session_, reinterpret_cast<const uint8_t*>(payload.data()),
                                    payload.size(), request.is_head ? 1 : 0, nullptr);
  if (rv != 0) {
    return MakeError(ErrorKind::kBadRequest,
                     absl::StrCat("h2c upgrade refused: ", nghttp2_strerror(rv)));
  }
  auto stream = std::make_unique<Stream>();
  stream->started_ms = MonotonicMs();
  stream->is_head = request.is_head;
  stream->request = std::move(request);
  Stream* s = stream.get();
  streams_.emplace(1, std::move(stream));
  Dispatch(1, s);
  return absl::OkStatus();
}

absl::Status Http2Codec::Receive(absl::string_view data) {
  if (session_ == nullptr) return absl::FailedPreconditionError("HTTP/2 session not started");
  ssize_t rv = nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(data.data()),
                                        data.size());
  if (rv < 0) {
    // Fatal to the session; say why in a GOAWAY before the connection closes.
    const bool abusive = rv == NGHTTP2_ERR_FLOODED || rv == NGHTTP2_ERR_TOO_MANY_CONTINUATIONS;
    nghttp2_session_terminate_session(session_,
                                      abusive ? NGHTTP2_ENHANCE_YOUR_CALM : NGHTTP2_PROTOCOL_ERROR);
    return MakeError(ErrorKind::kBadRequest, absl::StrCat("HTTP/2: ", nghttp2_strerror(rv)));
  }
  return absl::OkStatus();
}

void Http2Codec::Produce(std::string* out) {
  constexpr size_t kMaxChunk = 1 << 20;  // the rest waits for the socket to drain
  if (session_ == nullptr) return;
  size_t produced = 0;
  while (produced < kMaxChunk) {
    const uint8_t* data;
    ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) break;
    out->append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
    produced += static_cast<size_t>(n);
  }
  if (produced > 0) last_output_ms_ = MonotonicMs();
}

bool Http2Codec::WantsRead() const {
  return session_ != nullptr && nghttp2_session_want_read(session_) != 0;
}

bool Http2Codec::Finished() const {
  if (session_ == nullptr) return true;
  bool want_write = nghttp2_session_want_write(session_) != 0;
  if (want_write) return false;
  return nghttp2_session_want_read(session_) == 0 || (shutting_down_ && streams_.empty());
}

void Http2Codec::Shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  if (session_ == nullptr) return;
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE,
                        nghttp2_session_get_last_proc_stream_id(session_), NGHTTP2_NO_ERROR,
                        nullptr, 0);
}

bool Http2Codec::Take(Bucket* b, uint32_t burst, uint32_t per_second) {
  int64_t now = MonotonicMs();
  b->tokens = std::min<double>(burst, b->tokens + (now - b->last_ms) * per_second / 1000.0);
  b->last_ms = now;
  if (b->tokens < 1) return false;
  b->tokens -= 1;
  return true;
}

void Http2Codec::CheckTimeouts(int64_t now_ms, int64_t request_timeout_ms) {
  if (session_ == nullptr) return;
  std::vector<std::pair<int32_t, Stream*>> late;
  bool sending = false;
  for (auto& [id, s] : streams_) {
    if (!s->dispatched && !s->answered && now_ms - s->started_ms > request_timeout_ms) {
      late.emplace_back(id, s.get());
    }
    if (s->responded && s->offset < s->body.size()) sending = true;
  }
  for (auto& [id, s] : late) {
    Refuse(id, s, MakeError(ErrorKind::kRequestTimeout, "request not received in time"));
  }
  if (sending && now_ms - last_output_ms_ > request_timeout_ms) {
    // The peer opened no window for our data for a whole timeout: a stalled (or Slowloris-
    // style reading) client. Give up on the connection.
    nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
  }
}

void Http2Codec::Refuse(int32_t stream_id, Stream* stream, const absl::Status& status) {
  if (stream->answered) return;
  stream->answered = true;
  callbacks_->OnRequestError(stream_id, status);
}

void Http2Codec::Dispatch(int32_t stream_id, Stream* stream) {
  if (stream->answered || stream->dispatched) return;
  SplitTarget(&stream->request);
  if (http::HasEncodedNul(stream->request.path)) {
    Refuse(stream_id, stream, MakeError(ErrorKind::kBadRequest, "NUL in the request path"));
    return;
  }
  if (stream->request.body_sink) {
    if (absl::Status s = stream->request.body_sink->End(); !s.ok()) {
      Refuse(stream_id, stream, s);
      return;
    }
  }
  stream->dispatched = true;
  stream->request.version_minor = 1;
  callbacks_->OnRequest(stream_id, std::move(stream->request));
}

void Http2Codec::Submit(int32_t stream_id, const http::Response& response) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return;  // reset or closed meanwhile: nobody to answer
  Stream* s = it->second.get();
  if (s->responded) return;
  const bool is_head = s->is_head;
  s->responded = true;
  s->answered = true;

  const int status = response.status;
  const bool bodyless = status < 200 || status == 204 || status == 304;
  std::vector<std::pair<std::string, std::string>> fields;
  fields.reserve(response.headers.size() + 5);
  fields.emplace_back(":status", std::to_string(status));
  fields.emplace_back("server", "data-bridge");
  fields.emplace_back("date", std::string(http::HttpDate()));
  if (!response.content_type.empty()) fields.emplace_back("content-type", response.content_type);
  for (const auto& [name, value] : response.headers.entries()) {
    if (ForbiddenInHttp2(name) || !http::IsSafeFieldText(name) || !http::IsSafeFieldText(value))
      continue;
    fields.emplace_back(name, value);
  }
  if (!bodyless && !response.streaming) {
    fields.emplace_back("content-length", std::to_string(response.body.size()));
  } else if (!bodyless && response.length >= 0) {
    fields.emplace_back("content-length", std::to_string(response.length));
  }
  std::vector<nghttp2_nv> nva;
  nva.reserve(fields.size());
  for (const auto& [n, v] : fields) nva.push_back(Nv(n, v));

  const bool has_trailers = response.trailers.size() > 0 && !is_head && !bodyless;
  const bool streaming = response.streaming && !is_head && !bodyless;
  if ((bodyless || is_head || response.body.empty()) && !has_trailers && !streaming) {
    nghttp2_submit_response(session_, stream_id, nva.data(), nva.size(), nullptr);
    return;
  }
  s->body = is_head ? std::string() : response.body;
  s->offset = 0;
  s->streaming = streaming;
  s->trailers = has_trailers ? response.trailers : http::HeaderMap();
  nghttp2_data_provider provider;
  provider.source.ptr = s;
  provider.read_callback = &ReadBody;
  nghttp2_submit_response(session_, stream_id, nva.data(), nva.size(), &provider);
}

ssize_t Http2Codec::ReadBody(nghttp2_session* session, int32_t stream_id, uint8_t* buf,
                             size_t length, uint32_t* data_flags, nghttp2_data_source* source,
                             void*) {
  Stream* s = static_cast<Stream*>(source->ptr);
  size_t n = std::min(length, s->body.size() - s->offset);
  std::memcpy(buf, s->body.data() + s->offset, n);
  s->offset += n;
  if (s->offset == s->body.size() && s->streaming && !s->ended) {
    s->body.clear();  // all handed over; more comes through SendBody
    s->offset = 0;
    if (n > 0) return static_cast<ssize_t>(n);
    s->deferred = true;
    return NGHTTP2_ERR_DEFERRED;
  }
  if (s->offset == s->body.size()) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    if (s->trailers.size() > 0) {
      std::vector<nghttp2_nv> nva;
      for (const auto& [name, value] : s->trailers.entries()) {
        if (!ForbiddenInHttp2(name) && http::IsSafeFieldText(name) &&
            http::IsSafeFieldText(value)) {
          nva.push_back(Nv(name, value));
        }
      }
      if (nghttp2_submit_trailer(session, stream_id, nva.data(), nva.size()) == 0) {
        *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      }
    }
  }
  return static_cast<ssize_t>(n);
}

int64_t Http2Codec::SendBody(int32_t stream_id, absl::string_view data, bool end) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return -1;  // reset or closed: nobody reads it
  Stream* s = it->second.get();
  if (!s->streaming || s->ended) return -1;
  s->body.append(data.data(), data.size());
  s->ended = end;
  if (s->deferred) {
    s->deferred = false;
    nghttp2_session_resume_data(session_, stream_id);
  }
  return static_cast<int64_t>(s->body.size() - s->offset);
}

void Http2Codec::Reset(int32_t stream_id) {
  if (streams_.count(stream_id) == 0) return;
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_INTERNAL_ERROR);
}

int Http2Codec::OnBeginFrame(nghttp2_session* session, const nghttp2_frame_hd* hd,
                             void* user_data) {
  Http2Codec* self = Self(user_data);
  if (hd->type != NGHTTP2_HEADERS || (hd->stream_id & 1) == 0 || self->recent_streams_.empty() ||
      hd->stream_id >= self->recent_streams_.back() ||
      (self->recent_streams_.size() == kRecentStreams &&
       hd->stream_id < self->recent_streams_.front())) {
    return 0;
  }
  // HEADERS on a lower id than one already opened: fine as a trailer of a stream we know;
  // otherwise it would open a stream below the highest one, a connection error that
  // nghttp2 itself only ignores.
  if (std::find(self->recent_streams_.begin(), self->recent_streams_.end(), hd->stream_id) ==
      self->recent_streams_.end()) {
    nghttp2_session_terminate_session(session, NGHTTP2_PROTOCOL_ERROR);
  }
  return 0;
}

int Http2Codec::OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  Http2Codec* self = Self(user_data);
  self->recent_streams_.push_back(frame->hd.stream_id);
  if (self->recent_streams_.size() > kRecentStreams) self->recent_streams_.pop_front();
  auto stream = std::make_unique<Stream>();
  stream->started_ms = MonotonicMs();
  self->streams_[frame->hd.stream_id] = std::move(stream);
  return 0;
}

int Http2Codec::OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                         size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                         void* user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
    return 0;  // request trailers: not exposed
  }
  Http2Codec* self = Self(user_data);
  auto it = self->streams_.find(frame->hd.stream_id);
  if (it == self->streams_.end()) return 0;
  Stream* s = it->second.get();
  // RFC 9113 section 6.5.2: a field costs its name, its value and 32 octets.
  s->header_bytes += namelen + valuelen + 32;
  if (s->header_bytes > self->limits_.max_header_bytes ||
      s->request.headers.size() >= self->limits_.max_headers) {
    s->oversize_headers = true;
    return 0;
  }
  absl::string_view n(reinterpret_cast<const char*>(name), namelen);
  absl::string_view v(reinterpret_cast<const char*>(value), valuelen);
  if (!n.empty() && n[0] == ':') {
    if (n == ":method") {
      s->request.method = std::string(v);
      s->request.is_head = s->is_head = v == "HEAD";
    } else if (n == ":path") {
      s->request.target = std::string(v);
    } else if (n == ":authority") {
      s->request.headers.Add("host", v);
    }
    return 0;
  }
  s->request.headers.Add(n, v);
  return 0;
}

int Http2Codec::OnFrameRecv(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
  Http2Codec* self = Self(user_data);
  switch (frame->hd.type) {
    case NGHTTP2_HEADERS:
    case NGHTTP2_DATA: {
      auto it = self->streams_.find(frame->hd.stream_id);
      if (it == self->streams_.end()) return 0;
      Stream* s = it->second.get();
      if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
        if (s->oversize_headers) {
          self->Refuse(frame->hd.stream_id, s,
                       MakeError(ErrorKind::kHeaderTooLarge, "header list too large"));
          return 0;
        }
        if (!(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {  // a body follows
          SplitTarget(&s->request);
          s->request.body_sink = self->callbacks_->OnBodyStart(frame->hd.stream_id, s->request);
        }
        uint64_t length = 0;
        absl::string_view declared = s->request.headers.Get("content-length");
        if (!declared.empty() && absl::SimpleAtoi(declared, &length) &&
            length > self->BodyLimit(*s)) {
          self->Refuse(frame->hd.stream_id, s,
                       MakeError(ErrorKind::kPayloadTooLarge, "request body too large"));
          return 0;
        }
      }
      if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) self->Dispatch(frame->hd.stream_id, s);
      return 0;
    }
    case NGHTTP2_PING:
      if (!(frame->hd.flags & NGHTTP2_FLAG_ACK) &&
          !self->Take(&self->pings_, self->settings_.ping_burst, self->settings_.ping_per_second)) {
        nghttp2_session_terminate_session(session, NGHTTP2_ENHANCE_YOUR_CALM);
      }
      return 0;
    case NGHTTP2_SETTINGS:
      if (!(frame->hd.flags & NGHTTP2_FLAG_ACK) &&
          !self->Take(&self->settings_frames_, self->settings_.settings_burst,
                      self->settings_.settings_per_second)) {
        nghttp2_session_terminate_session(session, NGHTTP2_ENHANCE_YOUR_CALM);
      }
      return 0;
    default:
      return 0;
  }
}

int Http2Codec::OnDataChunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                            size_t len, void* user_data) {
  Http2Codec* self = Self(user_data);
  auto it = self->streams_.find(stream_id);
  if (it == self->streams_.end()) return 0;
  Stream* s = it->second.get();
  if (s->answered || s->dispatched) return 0;  // refused already: discard
  if (s->body_bytes + len > self->BodyLimit(*s)) {
    self->Refuse(stream_id, s, MakeError(ErrorKind::kPayloadTooLarge, "request body too large"));
    s->request.body.clear();
    s->request.body_sink.reset();
    return 0;
  }
  s->body_bytes += len;
  absl::string_view piece(reinterpret_cast<const char*>(data), len);
  if (s->request.body_sink == nullptr) {
    s->request.body.append(piece.data(), piece.size());
  } else if (absl::Status w = s->request.body_sink->Write(piece); !w.ok()) {
    self->Refuse(stream_id, s, w);
    s->request.body_sink.reset();
  } else {
    s->started_ms = MonotonicMs();  // a streamed upload times out when it stalls
  }
  return 0;
}

size_t Http2Codec::BodyLimit(const Stream& stream) const {
  return stream.request.body_sink ? limits_.max_upload_bytes : limits_.max_body_bytes;
}

int Http2Codec::OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t, void* user_data) {
  Self(user_data)->streams_.erase(stream_id);
  return 0;
}

}  // namespace databridge::http2
