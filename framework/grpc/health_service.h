// HealthService: grpc.health.v1.Health (Check and Watch), served natively on the server's
// shards like any other method, its calls handled here instead of by the binding layer.
// gRPC's own health service would run on its callback API, whose threads then also poll
// the connections and hand every call over to the shards (a quarter of a unary call's
// cost).
//
//   HealthService health({"library.v1.LibraryService"}, flush);
//   methods.push_back(HealthService::Check()) ... (their sink: &health)
//   health.SetServing(true);     // "" and every service SERVING
//   health.SetServing(false);    // shutdown: NOT_SERVING; open Watch streams end
// Unknown service names answer NOT_FOUND on Check and SERVICE_UNKNOWN on Watch, as the
// health protocol says. Thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_GRPC_HEALTH_SERVICE_H_
#define DATABRIDGE_FRAMEWORK_GRPC_HEALTH_SERVICE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "framework/grpc/grpc_call.h"

namespace databridge::rpc {

class HealthService final : public CallSink {
 public:
  // `flush(shard)`: carries out operations queued on that shard's calls.
  HealthService(std::vector<std::string> services, std::function<void(int)> flush);

  // The two methods, to serve with this as their sink (Check is the unary one).
  static MethodSpec Check();
  static MethodSpec Watch();

  void SetServing(bool serving);
  void Post(CallEvent event) override;  // shard threads

 private:
  // Serialized HealthCheckResponse for `service`; false when it is unknown.
  bool Status(const std::string& service, std::string* response);

  const std::set<std::string> services_;
  const std::function<void(int)> flush_;
  std::mutex mu_;
  bool serving_ = false;  // false again once shutdown begins: no more Watch streams
  struct Watcher {
    std::shared_ptr<GrpcCall> call;
    std::string service;
  };
  std::vector<Watcher> watchers_;
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_HEALTH_SERVICE_H_
