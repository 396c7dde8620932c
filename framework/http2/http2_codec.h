// Http2Codec: the server side of one HTTP/2 connection (RFC 9113) on nghttp2: frames in,
// Requests out per stream; Responses (with optional trailers) in, frames out.
//
//   Http2Codec codec(limits, &callbacks);
//   RETURN_IF_ERROR(codec.Start());            // or StartUpgraded(...) for h2c
//   codec.Receive(bytes);                       // -> callbacks.OnRequest(stream_id, request)
//   codec.Submit(stream_id, response);          // any order, any time
//   codec.Produce(&out);                        // frames for the wire, flow control honoured
// nghttp2 enforces the protocol (stream states, HPACK, flow control in both directions with
// automatic WINDOW_UPDATE, SETTINGS, the concurrent-stream limit, rapid-reset and
// CONTINUATION-flood limits). On top: header lists over Limits::max_header_bytes answer 431,
// bodies over Limits::max_body_bytes answer 413, PING and SETTINGS floods end the connection
// with GOAWAY(ENHANCE_YOUR_CALM), and request/stall timeouts (CheckTimeouts).
// Response bodies are handed to nghttp2 piecewise as the peer's window allows.
// Until Start or StartUpgraded has succeeded the codec has no session: it reads nothing,
// writes nothing and reports Finished.
// One instance per connection, used on that connection's thread only.
#ifndef DATABRIDGE_FRAMEWORK_HTTP2_HTTP2_CODEC_H_
#define DATABRIDGE_FRAMEWORK_HTTP2_HTTP2_CODEC_H_

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "framework/http/codec.h"
#include "framework/http/message.h"

namespace databridge::http2 {

// The connection preface a client sends first (RFC 9113 section 3.4).
inline constexpr absl::string_view kClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct Settings {
  uint32_t max_concurrent_streams = 128;
  uint32_t initial_window_size = 256 * 1024;
  uint32_t connection_window_size = 1024 * 1024;
  // Token buckets for frames that cost us work and the client nothing.
  uint32_t ping_burst = 64, ping_per_second = 16;
  uint32_t settings_burst = 64, settings_per_second = 16;
};

class Http2CodecCallbacks {
 public:
  virtual ~Http2CodecCallbacks() = default;
  virtual void OnRequest(int32_t stream_id, http::Request request) = 0;
  // A stream the codec refused (431, 413, 408): the host answers it with Submit, in the
  // shape it answers every other error. `status` carries an ErrorKind.
  virtual void OnRequestError(int32_t stream_id, const absl::Status& status) = 0;
  // A request's head is complete and a body follows: a sink to take the body as it
  // arrives, or nullptr to collect it into Request::body (http::ServerCodecCallbacks's).
  virtual std::shared_ptr<http::BodySink> OnBodyStart(int32_t stream_id,
                                                      const http::Request& head) {
    (void)stream_id;
    (void)head;
    return nullptr;
  }
};

class Http2Codec {
 public:
  Http2Codec(const http::Limits& limits, const Settings& settings, Http2CodecCallbacks* callbacks);
  ~Http2Codec();
  Http2Codec(const Http2Codec&) = delete;
  Http2Codec& operator=(const Http2Codec&) = delete;

  // Sends the server preface (SETTINGS).
  absl::Status Start();
  // h2c: the HTTP/1.1 request that asked for the upgrade becomes stream 1 (RFC 7540
  // section 3.2); `http2_settings` is its HTTP2-Settings header (base64url).
  absl::Status StartUpgraded(absl::string_view http2_settings, http::Request request);
  // Whether an HTTP2-Settings header is base64url of a valid SETTINGS payload (RFC 7540
  // section 3.2.1, RFC 9113 section 6.5.2), so that a bad one is answered 400 over
  // HTTP/1.1 before any 101. On the decoded payload: `payload` (may be null).
  static absl::Status CheckUpgradeSettings(absl::string_view http2_settings, std::string* payload);

  // Errors are fatal; a GOAWAY is queued when the peer is still reachable.
  absl::Status Receive(absl::string_view data);
  void Submit(int32_t stream_id, const http::Response& response);
  // A streaming response's next piece (Response::streaming); see Session::SendBody.
  int64_t SendBody(int32_t stream_id, absl::string_view data, bool end);
  // RST_STREAM(INTERNAL_ERROR): a streaming body failed midway.
  void Reset(int32_t stream_id);
  void Produce(std::string* out);

  // Graceful shutdown (RFC 9113 section 6.8): GOAWAY with the last stream we process.
  void Shutdown();
  // Request-read timeouts per stream (408) and stalled peers (no window for our data).
  void CheckTimeouts(int64_t now_ms, int64_t request_timeout_ms);

  bool WantsRead() const;
  // No streams open.
  bool Idle() const { return streams_.empty(); }
  // Nothing more to read or write: close the connection.
  bool Finished() const;

 private:
  struct Stream;
  struct Bucket {
    double tokens;
    int64_t last_ms;
  };

  static int OnBeginFrame(nghttp2_session*, const nghttp2_frame_hd*, void*);
  static int OnBeginHeaders(nghttp2_session*, const nghttp2_frame*, void*);
  static int OnHeader(nghttp2_session*, const nghttp2_frame*, const uint8_t*, size_t,
                      const uint8_t*, size_t, uint8_t, void*);
  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame*, void*);
  static int OnDataChunk(nghttp2_session*, uint8_t, int32_t, const uint8_t*, size_t, void*);
  static int OnStreamClose(nghttp2_session*, int32_t, uint32_t, void*);
  static ssize_t ReadBody(nghttp2_session*, int32_t, uint8_t*, size_t, uint32_t*,
                          nghttp2_data_source*, void*);

  absl::Status Init();
  void Dispatch(int32_t stream_id, Stream* stream);
  void Refuse(int32_t stream_id, Stream* stream, const absl::Status& status);
  // How large the stream's request body may be: max_upload_bytes for one a sink takes.
  size_t BodyLimit(const Stream& stream) const;
  bool Take(Bucket* bucket, uint32_t burst, uint32_t per_second);

  http::Limits limits_;
  Settings settings_;
  Http2CodecCallbacks* callbacks_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<int32_t, std::unique_ptr<Stream>> streams_;
  // The most recently opened client streams (ids increase), to tell a late trailer for one
  // of them from a new stream with a smaller id (RFC 9113 section 5.1.1).
  std::deque<int32_t> recent_streams_;
  Bucket pings_, settings_frames_;
  int64_t last_output_ms_ = 0;
  bool shutting_down_ = false;
};

}  // namespace databridge::http2

#endif  // DATABRIDGE_FRAMEWORK_HTTP2_HTTP2_CODEC_H_
