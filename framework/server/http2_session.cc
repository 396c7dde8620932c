#include "framework/server/http2_session.h"

#include "framework/base/error_kind.h"
#include "framework/base/logging.h"
#include "framework/server/error_response.h"

namespace databridge::server {

Http2Session::Http2Session(const ServerConfig& config, SessionHost* host)
    : config_(config), host_(host), codec_(config.limits, config.http2, this) {}

absl::StatusOr<std::unique_ptr<Session>> Http2Session::ForPriorKnowledge(const ServerConfig& config,
                                                                         SessionHost* host) {
  std::unique_ptr<Http2Session> s(new Http2Session(config, host));
  if (auto st = s->codec_.Start(); !st.ok()) return st;
  return std::unique_ptr<Session>(std::move(s));
}

absl::StatusOr<std::unique_ptr<Session>> Http2Session::ForUpgrade(const ServerConfig& config,
                                                                  SessionHost* host,
                                                                  http::Request request,
                                                                  const std::string& settings) {
  // Refused here, the request is answered 400 over HTTP/1.1 instead of switching.
  if (auto st = http2::Http2Codec::CheckUpgradeSettings(settings, nullptr); !st.ok()) return st;
  std::unique_ptr<Http2Session> s(new Http2Session(config, host));
  s->upgrade_request_ = std::make_unique<http::Request>(std::move(request));
  s->upgrade_settings_ = settings;
  return std::unique_ptr<Session>(std::move(s));
}

void Http2Session::Start() {
  if (!upgrade_request_) return;
  auto request = std::move(upgrade_request_);
  absl::Status s = codec_.StartUpgraded(upgrade_settings_, std::move(*request));
  if (!s.ok()) {
    // Settings were checked before the 101, so only a failed allocation lands here; a
    // codec without a session reports Finished and the connection closes.
    DB_LOG(kError) << "h2c upgrade failed after 101: " << s;
    codec_.Shutdown();
  }
}

void Http2Session::Respond(uint64_t stream, const http::Response& response) {
  codec_.Submit(static_cast<int32_t>(stream), response);
}

void Http2Session::CheckTimeouts(int64_t now_ms) {
  codec_.CheckTimeouts(now_ms, static_cast<int64_t>(config_.request_timeout_s * 1000));
}

void Http2Session::OnRequest(int32_t stream_id, http::Request request) {
  host_->Dispatch(static_cast<uint64_t>(stream_id), std::move(request));
}

void Http2Session::OnRequestError(int32_t stream_id, const absl::Status& status) {
  codec_.Submit(stream_id, ErrorResponse(HttpStatusFor(KindOf(status)), status.message()));
}

}  // namespace databridge::server
