#include "framework/python/internal/settings_reader.h"

#include "absl/status/status.h"

namespace databridge::python {

absl::StatusOr<settings::ServerSettings> ParseSettings(absl::string_view bytes) {
  settings::ServerSettings s;
  if (!s.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("server settings: not a databridge.settings.ServerSettings");
  }
  return s;
}

server::ServerConfig ToServerConfig(const settings::ServerSettings& s) {
  server::ServerConfig c;
  c.host = s.host();
  c.port = s.port();
  c.threads = s.threads();
  c.limits.max_body_bytes = s.max_body_bytes();
  c.limits.max_upload_bytes = s.max_upload_bytes();
  c.limits.max_request_line = s.http1().max_request_line();
  c.limits.max_header_bytes = s.http1().max_header_bytes();
  c.limits.max_headers = s.http1().max_headers();
  c.max_pipelined = s.http1().max_pipelined();
  c.allow_h2c_upgrade = s.http1().h2c_upgrade();
  c.request_timeout_s = s.request_timeout();
  c.keepalive_timeout_s = s.keepalive_timeout();
  c.graceful_timeout_s = s.graceful_timeout();
  c.ssl_certfile = s.ssl_certfile();
  c.ssl_keyfile = s.ssl_keyfile();
  c.listen_fds.assign(s.listen_fds().begin(), s.listen_fds().end());
  c.http2.max_concurrent_streams = s.http2().max_concurrent_streams();
  c.http2.initial_window_size = s.http2().initial_window_size();
  c.http2.connection_window_size = s.http2().connection_window_size();
  return c;
}

rpc::GrpcConfig ToGrpcConfig(const settings::ServerSettings& s, int shards) {
  rpc::GrpcConfig c;
  c.host = s.host();
  c.port = s.grpc().port();
  c.max_receive_message_bytes = s.grpc().max_receive_message_bytes();
  c.max_send_message_bytes = s.grpc().max_send_message_bytes();
  c.keepalive_time_ms = s.grpc().keepalive_time_ms();
  c.keepalive_timeout_ms = s.grpc().keepalive_timeout_ms();
  c.tls_cert_file = s.ssl_certfile();
  c.tls_key_file = s.ssl_keyfile();
  c.shards = shards;
  return c;
}

settings::ServerSettings DefaultSettings() {
  const server::ServerConfig c;
  const rpc::GrpcConfig g;
  settings::ServerSettings s;
  s.set_host(c.host);
  s.set_port(c.port);
  s.set_threads(c.threads);
  s.set_max_body_bytes(c.limits.max_body_bytes);
  s.set_max_upload_bytes(c.limits.max_upload_bytes);
  s.set_request_timeout(c.request_timeout_s);
  s.set_keepalive_timeout(c.keepalive_timeout_s);
  s.set_graceful_timeout(c.graceful_timeout_s);
  settings::Http1Settings* h1 = s.mutable_http1();
  h1->set_max_request_line(c.limits.max_request_line);
  h1->set_max_header_bytes(c.limits.max_header_bytes);
  h1->set_max_headers(c.limits.max_headers);
  h1->set_max_pipelined(static_cast<uint32_t>(c.max_pipelined));
  h1->set_h2c_upgrade(c.allow_h2c_upgrade);
  settings::Http2Settings* h2 = s.mutable_http2();
  h2->set_max_concurrent_streams(c.http2.max_concurrent_streams);
  h2->set_initial_window_size(c.http2.initial_window_size);
  h2->set_connection_window_size(c.http2.connection_window_size);
  settings::GrpcSettings* grpc = s.mutable_grpc();
  grpc->set_port(g.port);
  grpc->set_max_receive_message_bytes(g.max_receive_message_bytes);
  grpc->set_max_send_message_bytes(g.max_send_message_bytes);
  grpc->set_keepalive_time_ms(g.keepalive_time_ms);
  grpc->set_keepalive_timeout_ms(g.keepalive_timeout_ms);
  grpc->set_batch_scheduling(true);  // PyGrpcServer's loops (py_grpc.cc)
  return s;
}

}  // namespace databridge::python
