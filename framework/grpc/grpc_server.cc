#include "framework/grpc/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/impl/service_type.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "framework/base/logging.h"
#include "grpc/health/v1/health.pb.h"

namespace databridge::rpc {

// Keeps grpc.health.v1's descriptors linked (and so registered in protobuf's generated
// pool), where server reflection looks services up: `grpcurl describe grpc.health.v1.Health`.
__attribute__((used)) static const void* const kHealthDescriptors =
    &descriptor_table_grpc_2fhealth_2fv1_2fhealth_2eproto;

// One proto service: its methods registered as raw bidi callbacks (every call kind has the
// same wire form), so gRPC lists the service (reflection) and routes by path.
class GrpcServer::RawService final : public ::grpc::Service {
 public:
  RawService(const std::vector<std::pair<int, const MethodSpec*>>& methods, CallSink* sink,
             OpQueue* ops) {
    for (const auto& [index, spec] : methods) {
      AddMethod(new ::grpc::internal::RpcServiceMethod(
          spec->path.c_str(), ::grpc::internal::RpcMethod::BIDI_STREAMING, nullptr));
      int method = index;
      const MethodSpec* s = spec;
      MarkMethodRawCallback(
          static_cast<int>(methods_count_++),
          new ::grpc::internal::CallbackBidiHandler<::grpc::ByteBuffer, ::grpc::ByteBuffer>(
              [method, s, sink, ops](::grpc::CallbackServerContext* context) {
                return NewCallReactor(context, method, s, sink, ops);
              }));
    }
  }

 private:
  size_t methods_count_ = 0;
};

GrpcServer::GrpcServer(GrpcConfig config, std::vector<MethodSpec> methods, CallSink* sink)
    : config_(std::move(config)), methods_(std::move(methods)), sink_(sink) {}

GrpcServer::~GrpcServer() {
  if (server_) Shutdown(absl::ZeroDuration());
}

absl::StatusOr<int> GrpcServer::Start() {
  // Group methods by service: "/pkg.Service/Method" -> "pkg.Service".
  std::map<std::string, std::vector<std::pair<int, const MethodSpec*>>> by_service;
  for (size_t i = 0; i < methods_.size(); ++i) {
    const std::string& path = methods_[i].path;
    size_t slash = path.find('/', 1);
    if (path.empty() || path[0] != '/' || slash == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("bad gRPC method path '", path, "'"));
    }
    by_service[path.substr(1, slash - 1)].emplace_back(static_cast<int>(i), &methods_[i]);
  }
  ::grpc::EnableDefaultHealthCheckService(true);
  ::grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  ::grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::StrCat(config_.host, ":", config_.port),
                           ::grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(config_.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(config_.max_send_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, config_.keepalive_time_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, config_.keepalive_timeout_ms);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             config_.keepalive_min_ping_interval_ms);
  for (auto& [name, methods] : by_service) {
    services_.push_back(std::make_unique<RawService>(methods, sink_, &ops_));
    builder.RegisterService(services_.back().get());
    service_names_.push_back(name);
  }
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("gRPC: cannot listen on ", config_.host, ":", config_.port));
  }
  if (auto* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(true);
    for (const std::string& name : service_names_) health->SetServingStatus(name, true);
  }
  DB_LOG(kInfo) << "gRPC serving " << service_names_.size() << " service(s) on " << config_.host
                << ":" << port;
  return port;
}

void GrpcServer::Shutdown(absl::Duration grace) {
  if (!server_) return;
  if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(false);
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoSeconds(grace) +
                    absl::ToChronoMilliseconds(grace - absl::Trunc(grace, absl::Seconds(1))));
  server_->Wait();
  ops_.Drain();
  server_.reset();
}

}  // namespace databridge::rpc
