// Http2Session: HTTP/2 on a connection, the Session face of http2::Http2Codec. Stream ids
// are the `stream` numbers the host answers with; every route, validation and error
// behaves as over HTTP/1.1 because requests take the same path through the Worker.
//
//   auto s = Http2Session::ForPriorKnowledge(config, &host);      // preface seen / ALPN h2
//   auto s = Http2Session::ForUpgrade(config, &host, request, settings_header);   // h2c
// Used only on its connection's I/O thread.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_HTTP2_SESSION_H_
#define DATABRIDGE_FRAMEWORK_SERVER_HTTP2_SESSION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "framework/http2/http2_codec.h"
#include "framework/server/config.h"
#include "framework/server/session.h"

namespace databridge::server {

class Http2Session : public Session, public http2::Http2CodecCallbacks {
 public:
  static absl::StatusOr<std::unique_ptr<Session>> ForPriorKnowledge(const ServerConfig& config,
                                                                    SessionHost* host);
  // The upgraded request is dispatched (as stream 1) when the connection Start()s us.
  static absl::StatusOr<std::unique_ptr<Session>> ForUpgrade(const ServerConfig& config,
                                                             SessionHost* host,
                                                             http::Request request,
                                                             const std::string& settings);

  absl::Status Receive(absl::string_view data) override { return codec_.Receive(data); }
  void Respond(uint64_t stream, const http::Response& response) override;
  int64_t SendBody(uint64_t stream, absl::string_view data, bool end) override {
    return codec_.SendBody(static_cast<int32_t>(stream), data, end);
  }
  void AbortBody(uint64_t stream) override { codec_.Reset(static_cast<int32_t>(stream)); }
  void Produce(std::string* out) override { codec_.Produce(out); }
  bool WantsRead() const override { return codec_.WantsRead(); }
  bool Idle() const override { return codec_.Idle(); }
  bool Owes() const override { return false; }  // a half-closed HTTP/2 peer is gone
  bool Finished() const override { return codec_.Finished(); }
  void BeginDrain() override { codec_.Shutdown(); }
  void CheckTimeouts(int64_t now_ms) override;
  void Start() override;

  // http2::Http2CodecCallbacks
  void OnRequest(int32_t stream_id, http::Request request) override;
  void OnRequestError(int32_t stream_id, const absl::Status& status) override;
  std::shared_ptr<http::BodySink> OnBodyStart(int32_t stream_id,
                                              const http::Request& head) override {
    (void)stream_id;
    return host_->OpenBody(head);
  }

 private:
  Http2Session(const ServerConfig& config, SessionHost* host);

  const ServerConfig& config_;
  SessionHost* host_;
  http2::Http2Codec codec_;
  // h2c: the request that asked for the upgrade, and its HTTP2-Settings.
  std::unique_ptr<http::Request> upgrade_request_;
  std::string upgrade_settings_;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_HTTP2_SESSION_H_
