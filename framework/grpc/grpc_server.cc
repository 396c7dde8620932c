#include "framework/grpc/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "framework/base/logging.h"
#include "grpc/health/v1/health.pb.h"

namespace databridge::rpc {

// Keeps grpc.health.v1's descriptors linked (and so registered in protobuf's generated
// pool), where server reflection looks services up: `grpcurl describe grpc.health.v1.Health`.
__attribute__((used)) static const void* const kHealthDescriptors =
    &descriptor_table_grpc_2fhealth_2fv1_2fhealth_2eproto;

// A shard: its completion queue, the operations queued for it and the thread driving both.
// Members are destroyed in reverse: the thread is joined first, the queue last.
struct GrpcServer::ShardThread {
  std::unique_ptr<::grpc::ServerCompletionQueue> cq;
  std::unique_ptr<OpQueue> ops;
  Shard shard;
  std::thread thread;
  CallSink* sink = nullptr;
  int index = 0;

  // Completions are taken without blocking while there are any; before blocking, the sink
  // hears the burst is over (CallSink::Idle), so its consumer is woken once per burst.
  void Run() {
    void* tag;
    bool ok;
    const gpr_timespec now = gpr_time_0(GPR_CLOCK_MONOTONIC);
    for (;;) {
      switch (cq->AsyncNext(&tag, &ok, now)) {
        case ::grpc::CompletionQueue::GOT_EVENT:
          static_cast<CqTag*>(tag)->Complete(ok);
          continue;
        case ::grpc::CompletionQueue::TIMEOUT:
          break;
        case ::grpc::CompletionQueue::SHUTDOWN:
          if (sink != nullptr) sink->Idle(index);
          return;
      }
      if (sink != nullptr) sink->Idle(index);
      if (!cq->Next(&tag, &ok)) return;
      static_cast<CqTag*>(tag)->Complete(ok);
    }
  }
};

// Calls of each method waiting in gRPC per shard: more than one lets a burst of new calls
// be matched in one pass.
constexpr int kAwaitedCalls = 8;

GrpcServer::GrpcServer(GrpcConfig config, std::vector<MethodSpec> methods, CallSink* sink)
    : config_(std::move(config)), methods_(std::move(methods)), sink_(sink) {
  // gRPC locks absl::Mutexes on every call; Debian's Abseil is built with deadlock
  // detection on, a lock-graph update per lock (~3% of a unary call's CPU).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

GrpcServer::~GrpcServer() {
  if (server_) Shutdown(absl::ZeroDuration());
}

absl::StatusOr<int> GrpcServer::Start() {
  // Group methods by service: "/pkg.Service/Method" -> "pkg.Service".
  auto service_of = [](const std::string& path) { return path.substr(1, path.find('/', 1) - 1); };
  for (const MethodSpec& spec : methods_) {
    if (spec.path.size() < 2 || spec.path[0] != '/' ||
        spec.path.find('/', 1) == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("bad gRPC method path '", spec.path, "'"));
    }
    std::string name = service_of(spec.path);
    if (std::find(service_names_.begin(), service_names_.end(), name) == service_names_.end()) {
      service_names_.push_back(std::move(name));
    }
  }
  health_ = std::make_unique<HealthService>(service_names_, [this](int shard) { Flush(shard); });
  const size_t ours = methods_.size();
  methods_.push_back(HealthService::Check());
  methods_.push_back(HealthService::Watch());
  std::map<std::string, RawService*> by_service;
  slots_.reserve(methods_.size());
  for (size_t i = 0; i < methods_.size(); ++i) {
    const MethodSpec& spec = methods_[i];
    RawService*& service = by_service[service_of(spec.path)];
    if (service == nullptr) {
      services_.push_back(std::make_unique<RawService>());
      service = services_.back().get();
    }
    CallSink* sink = i < ours ? sink_ : health_.get();
    slots_.push_back(
        {service, service->Add(spec.path, spec.kind), static_cast<int>(i), &spec, sink});
  }
  ::grpc::EnableDefaultHealthCheckService(false);  // ours: HealthService
  ::grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  ::grpc::ServerBuilder builder;
  int port = 0;
  absl::StatusOr<std::shared_ptr<::grpc::ServerCredentials>> credentials = Credentials();
  if (!credentials.ok()) return credentials.status();
  builder.AddListeningPort(absl::StrCat(config_.host, ":", config_.port), *credentials, &port);
  builder.SetMaxReceiveMessageSize(config_.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(config_.max_send_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, config_.keepalive_time_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, config_.keepalive_timeout_ms);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             config_.keepalive_min_ping_interval_ms);
  for (auto& service : services_) builder.RegisterService(service.get());
  for (int i = 0; i < std::max(config_.shards, 1); ++i) {
    auto shard = std::make_unique<ShardThread>();
    shard->cq = builder.AddCompletionQueue();
    shard->ops = std::make_unique<OpQueue>(shard->cq.get());
    shard->shard = Shard{i, shard->cq.get(), shard->ops.get()};
    shard->sink = sink_;
    shard->index = i;
    shards_.push_back(std::move(shard));
  }
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    server_.reset();
    StopShards();
    return absl::UnavailableError(
        absl::StrCat("gRPC: cannot listen on ", config_.host, ":", config_.port));
  }
  for (auto& shard : shards_) {
    for (const MethodSlot& slot : slots_) {
      for (int i = 0; i < kAwaitedCalls; ++i) ServerCall::Await(&slot, &shard->shard);
    }
    shard->thread = std::thread([s = shard.get()] { s->Run(); });
  }
  health_->SetServing(true);
  DB_LOG(kInfo) << "gRPC serving " << service_names_.size() << " service(s) on " << config_.host
                << ":" << port << " (" << shards_.size() << " shard(s)"
                << (config_.tls_cert_file.empty() ? "" : ", TLS") << ")";
  return port;
}

absl::StatusOr<std::shared_ptr<::grpc::ServerCredentials>> GrpcServer::Credentials() const {
  if (config_.tls_cert_file.empty() && config_.tls_key_file.empty()) {
    return ::grpc::InsecureServerCredentials();
  }
  ::grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  for (auto [path, pem] : {std::pair{&config_.tls_cert_file, &pair.cert_chain},
                           std::pair{&config_.tls_key_file, &pair.private_key}}) {
    std::ifstream in(*path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || text.str().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("gRPC TLS: cannot read '", *path, "'"));
    }
    *pem = text.str();
  }
  ::grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back(std::move(pair));
  return ::grpc::SslServerCredentials(options);
}

void GrpcServer::Flush(int shard) { shards_[shard]->ops->Kick(); }

void GrpcServer::Shutdown(absl::Duration grace) {
  if (!server_) return;
  health_->SetServing(false);  // NOT_SERVING; Watch streams end, so they do not hold the drain
  // Waits for calls in flight (the shards still serve them) until the deadline, then
  // cancels the rest.
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoSeconds(grace) +
                    absl::ToChronoMilliseconds(grace - absl::Trunc(grace, absl::Seconds(1))));
  server_->Wait();
  StopShards();
  server_.reset();
}

void GrpcServer::StopShards() {
  for (auto& shard : shards_) {
    shard->ops->Close();
    shard->cq->Shutdown();  // Next returns false once every event is delivered
  }
  for (auto& shard : shards_) {
    if (shard->thread.joinable()) {
      shard->thread.join();
    } else {  // never started: drain here
      shard->Run();
    }
  }
  // The shards stay until the server is destroyed: the binding layer may still flush
  // (closed queues ignore it).
}

}  // namespace databridge::rpc
