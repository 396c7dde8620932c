#include "framework/grpc/health_service.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "grpc/health/v1/health.pb.h"

namespace databridge::rpc {

namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

constexpr int kNotFound = static_cast<int>(absl::StatusCode::kNotFound);

}  // namespace

HealthService::HealthService(std::vector<std::string> services, std::function<void(int)> flush)
    : services_(services.begin(), services.end()), flush_(std::move(flush)) {}

MethodSpec HealthService::Check() {
  return MethodSpec{"/grpc.health.v1.Health/Check", CallKind::kUnary};
}

MethodSpec HealthService::Watch() {
  return MethodSpec{"/grpc.health.v1.Health/Watch", CallKind::kServerStreaming};
}

bool HealthService::Status(const std::string& service, std::string* response) {
  HealthCheckResponse out;
  if (!service.empty() && services_.count(service) == 0) {
    out.set_status(HealthCheckResponse::SERVICE_UNKNOWN);
    out.SerializeToString(response);
    return false;
  }
  out.set_status(serving_ ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
  out.SerializeToString(response);
  return true;
}

void HealthService::Post(CallEvent event) {
  GrpcCall& call = *event.call;
  if (event.kind == CallEvent::kCancelled) {
    std::lock_guard<std::mutex> lock(mu_);
    watchers_.erase(std::remove_if(watchers_.begin(), watchers_.end(),
                                   [&](const Watcher& w) { return w.call == event.call; }),
                    watchers_.end());
    return;
  }
  if (event.kind != CallEvent::kStart) return;
  HealthCheckRequest request;
  if (!request.ParseFromString(event.message)) {
    call.Finish(13, "malformed request message", "", {});  // INTERNAL, as for other methods
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    std::string response;
    bool known = Status(request.service(), &response);
    if (call.kind() == CallKind::kUnary) {  // Check
      if (known) {
        call.Respond(std::move(response), {});
      } else {
        call.Finish(kNotFound, "unknown service", "", {});
      }
    } else {
      call.WriteMany({std::move(response)});
      if (!serving_) {
        call.Finish(0, "", "", {});
      } else {
        watchers_.push_back({event.call, request.service()});
      }
    }
  }
  flush_(call.shard());
}

void HealthService::SetServing(bool serving) {
  std::set<int> shards;
  {
    std::lock_guard<std::mutex> lock(mu_);
    serving_ = serving;
    for (const Watcher& w : watchers_) {
      std::string response;
      Status(w.service, &response);
      w.call->WriteMany({std::move(response)});
      if (!serving_) w.call->Finish(0, "", "", {});
      shards.insert(w.call->shard());
    }
    if (!serving_) watchers_.clear();
  }
  for (int shard : shards) flush_(shard);
}

}  // namespace databridge::rpc
