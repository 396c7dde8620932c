// ServerConfig: every knob of the server, with FastAPI/uvicorn-like defaults.
//
//   ServerConfig c;  c.port = 0;  c.threads = 2;  c.limits.max_body_bytes = 1 << 20;
// A plain value; copied into the server at start-up.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_CONFIG_H_
#define DATABRIDGE_FRAMEWORK_SERVER_CONFIG_H_

#include <string>
#include <vector>

#include "framework/http/codec.h"
#include "framework/http2/http2_codec.h"

namespace databridge::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0: ephemeral (tests)
  int threads = 1;  // I/O threads, each with its own reactor and asyncio loop
  http::Limits limits;
  double request_timeout_s = 10;   // first byte of a request to its end (headers and body)
  double keepalive_timeout_s = 5;  // idle keep-alive connection (uvicorn's default)
  double graceful_timeout_s = 10;  // shutdown: time for requests in flight
  size_t max_pipelined = 64;       // queued responses per connection before reads pause
  http2::Settings http2;           // SETTINGS we advertise, flood limits
  bool allow_h2c_upgrade = true;   // HTTP/1.1 Upgrade: h2c (cleartext only)
  std::string ssl_certfile;        // both set: TLS 1.2/1.3 with ALPN h2, http/1.1
  std::string ssl_keyfile;
  // Listening sockets bound by someone else (a supervisor shares them among its worker
  // processes), one per I/O thread; empty: the server binds its own. Not owned: the server
  // serves on duplicates, so the originals outlive any one worker.
  std::vector<int> listen_fds;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_CONFIG_H_
