// GrpcServer: gRPC C++ serving methods whose handlers live in the binding layer, in the same
// process as the HTTP server and on its own port.
//
//   GrpcServer server(config, {{"/library.v1.LibraryService/GetBook", CallKind::kUnary}}, &sink);
//   absl::StatusOr<int> port = server.Start();
//   ...                                   // sink gets events; handles' operations, then
//   server.Flush(call->shard());          //   Flush: they run on the call's shard thread
//   server.Shutdown(absl::Seconds(10));   // NOT_SERVING, drain calls in flight, stop
// Calls are served on gRPC's asynchronous API by `config.shards` completion queues, each
// driven by one thread of ours that also polls the connections (so a call's network
// reads, events and operations share that thread); the binding layer serves shard i's
// calls on its loop i.
// Methods with a RequestValidator answer INVALID_ARGUMENT (google.rpc.BadRequest details)
// for requests that break their field rules, without running the handler.
// Each method is registered on a raw service named after its proto service, so the
// standard services see it: grpc.health.v1.Health (HealthService, served on the shards like
// the methods) reports SERVING while the server runs, and server reflection lists the
// services (their descriptors must be in protobuf's generated pool: the generated module
// links the service's C++ protos). Unknown methods
// answer UNIMPLEMENTED, oversize messages RESOURCE_EXHAUSTED (gRPC core). Requests
// compressed with gzip are accepted and answered compressed. With a certificate and key
// (GrpcConfig::tls_*), the port speaks TLS.
// Start/Shutdown from one thread; events reach the sink on the shard threads.
#ifndef DATABRIDGE_FRAMEWORK_GRPC_GRPC_SERVER_H_
#define DATABRIDGE_FRAMEWORK_GRPC_GRPC_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "framework/grpc/grpc_call.h"
#include "framework/grpc/health_service.h"
#include "framework/grpc/server_call.h"

namespace databridge::rpc {

struct GrpcConfig {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  int max_receive_message_bytes = 4 << 20;
  int max_send_message_bytes = 4 << 20;
  int keepalive_time_ms = 2 * 60 * 60 * 1000;  // gRPC's default: a ping after 2 h idle
  int keepalive_timeout_ms = 20 * 1000;
  int keepalive_min_ping_interval_ms = 5 * 60 * 1000;  // pings more often are abuse
  int shards = 1;                                      // completion queues and their threads
  // PEM files: TLS on the gRPC port (ALPN h2) when both are set; plaintext otherwise.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class GrpcServer {
 public:
  GrpcServer(GrpcConfig config, std::vector<MethodSpec> methods, CallSink* sink);
  ~GrpcServer();

  // Binds and starts serving; the bound port.
  absl::StatusOr<int> Start();
  // Health turns NOT_SERVING, new calls are refused, calls in flight get until `grace`.
  void Shutdown(absl::Duration grace);
  // Carries out the call operations the binding layer queued on `shard`'s calls
  // (GrpcCall::WriteMany, Finish...) soon, on its thread; call once per batch of them.
  void Flush(int shard);

 private:
  struct ShardThread;
  void StopShards();
  absl::StatusOr<std::shared_ptr<::grpc::ServerCredentials>> Credentials() const;

  GrpcConfig config_;
  std::vector<MethodSpec> methods_;
  CallSink* sink_;
  std::vector<std::unique_ptr<RawService>> services_;
  std::vector<MethodSlot> slots_;
  std::vector<std::unique_ptr<ShardThread>> shards_;
  std::unique_ptr<HealthService> health_;
  std::unique_ptr<::grpc::Server> server_;
  std::vector<std::string> service_names_;
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_GRPC_SERVER_H_
