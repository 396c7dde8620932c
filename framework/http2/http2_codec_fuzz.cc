// Fuzz target: the server side of one HTTP/2 connection (Http2Codec on nghttp2) fed frame
// sequences split at fuzzer-chosen points: requests answered at once or later, with
// bodies, trailers, streamed bodies and resets; timeouts and a graceful shutdown mid-way;
// the codec's output read as a client would (flow control is honoured on our side).
// Half the inputs start as an h2c upgrade (StartUpgraded with settings from the input).
#include <cstdint>
#include <string>
#include <vector>

#include "framework/base/clock.h"
#include "framework/http2/http2_codec.h"
#include "tools/fuzz/fuzz_input.h"

namespace databridge::http2 {
namespace {

class Callbacks : public Http2CodecCallbacks {
 public:
  void OnRequest(int32_t stream_id, http::Request) override { pending.push_back(stream_id); }
  void OnRequestError(int32_t stream_id, const absl::Status&) override {
    pending.push_back(stream_id);
  }
  std::vector<int32_t> pending;
};

void Answer(fuzz::FuzzInput& in, Http2Codec* codec, Callbacks* cb) {
  while (!cb->pending.empty()) {
    size_t i = in.Next(static_cast<uint32_t>(cb->pending.size()));
    int32_t id = cb->pending[i];
    cb->pending.erase(cb->pending.begin() + static_cast<long>(i));
    http::Response r;
    static constexpr int kStatuses[] = {200, 204, 304, 404, 503};
    r.status = kStatuses[in.Next(5)];
    r.body = std::string(in.Next(70000), 'y');
    r.streaming = in.Next(4) == 0;
    if (in.Flip()) r.trailers.Add("grpc-status", "0");
    if (in.Next(4) == 0) r.headers.Add("connection", "close");  // forbidden in HTTP/2
    codec->Submit(id, r);
    if (r.streaming) {
      for (int k = 0; k < 3; ++k) codec->SendBody(id, "piece", in.Next(3) == 0);
      if (in.Next(3) == 0) codec->Reset(id);
    }
    if (in.Next(3) == 0) break;
  }
}

}  // namespace
}  // namespace databridge::http2

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace databridge;         // NOLINT: a fuzz entry point
  using namespace databridge::http2;  // NOLINT
  fuzz::FuzzInput in(data, size);
  http::Limits limits;
  limits.max_body_bytes = 8192;
  limits.max_header_bytes = 4096;
  limits.max_headers = 32;
  Settings settings;
  settings.max_concurrent_streams = 8;
  settings.initial_window_size = 1024;
  Callbacks cb;
  Http2Codec codec(limits, settings, &cb);
  absl::string_view payload = in.payload();
  if (in.Flip()) {
    // h2c: the first line of the payload is the HTTP2-Settings value.
    size_t eol = payload.find('\n');
    absl::string_view header = payload.substr(0, eol);
    payload = eol == absl::string_view::npos ? absl::string_view() : payload.substr(eol + 1);
    http::Request upgraded;
    upgraded.method = "GET";
    upgraded.target = "/";
    if (!codec.StartUpgraded(header, std::move(upgraded)).ok()) {
      codec.Shutdown();  // what the session does; must be safe without a session
      std::string out;
      codec.Produce(&out);
      return 0;
    }
  } else if (!codec.Start().ok()) {
    return 0;
  }
  std::string out;
  size_t at = 0;
  while (at < payload.size() && !codec.Finished()) {
    size_t n = 1 + in.Next(128);
    absl::Status s = codec.Receive(payload.substr(at, n));
    at += n;
    codec.Produce(&out);
    if (!s.ok()) break;
    Answer(in, &codec, &cb);
    if (in.Next(16) == 0) codec.CheckTimeouts(MonotonicMs() + 60'000, 10'000);
    if (in.Next(32) == 0) codec.Shutdown();
    codec.Produce(&out);
    if (out.size() > (1 << 20)) out.clear();
  }
  Answer(in, &codec, &cb);
  codec.Produce(&out);
  return 0;
}
