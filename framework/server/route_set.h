// RouteSet: the server's read-only routing state shared by every worker: the config, the
// route table and the endpoints it resolves to.
//
//   RouteSet rs(config);
//   RETURN_IF_ERROR(rs.Add(std::move(endpoint)));    // start-up only
//   const Endpoint* ep = rs.endpoint(match.endpoint);
// Mutated only before workers start; then shared by all I/O threads without locks.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_ROUTE_SET_H_
#define DATABRIDGE_FRAMEWORK_SERVER_ROUTE_SET_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "framework/router/route_table.h"
#include "framework/server/config.h"
#include "framework/server/cors.h"
#include "framework/server/endpoint.h"
#include "framework/server/gzip_policy.h"
#include "framework/server/host_check.h"

namespace databridge::server {

class RouteSet {
 public:
  explicit RouteSet(ServerConfig config) : config_(std::move(config)) {}

  // Assigns endpoint.id and registers its method + path.
  absl::Status Add(Endpoint endpoint);

  const ServerConfig& config() const { return config_; }
  const router::RouteTable& table() const { return table_; }
  // Starlette's redirect_slashes: a path no route has, whose variant with (or without) a
  // trailing slash a route has, is answered 307 to that variant.
  void set_redirect_slashes(bool on) { redirect_slashes_ = on; }
  void set_head_from_get(bool on) { table_.set_head_from_get(on); }
  bool redirect_slashes() const { return redirect_slashes_; }
  const Endpoint& endpoint(uint32_t id) const { return *endpoints_[id]; }
  // The endpoint answering requests no route serves (Endpoint::unrouted), or null.
  const Endpoint* unrouted() const { return unrouted_ < 0 ? nullptr : endpoints_[unrouted_].get(); }
  size_t size() const { return endpoints_.size(); }
  // Starlette's CORSMiddleware, natively (null: none).
  void set_cors(std::unique_ptr<CorsPolicy> cors) { cors_ = std::move(cors); }
  const CorsPolicy* cors() const { return cors_.get(); }
  // TrustedHostMiddleware / HTTPSRedirectMiddleware, natively (null: none).
  void set_host_rules(std::unique_ptr<HostRules> rules) { host_rules_ = std::move(rules); }
  const HostRules* host_rules() const { return host_rules_.get(); }
  // Starlette's GZipMiddleware, natively (null: none).
  void set_gzip(std::unique_ptr<GzipPolicy> gzip) { gzip_ = std::move(gzip); }
  const GzipPolicy* gzip() const { return gzip_.get(); }

 private:
  ServerConfig config_;
  bool redirect_slashes_ = false;
  int unrouted_ = -1;
  std::unique_ptr<CorsPolicy> cors_;
  std::unique_ptr<HostRules> host_rules_;
  std::unique_ptr<GzipPolicy> gzip_;
  router::RouteTable table_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_ROUTE_SET_H_
