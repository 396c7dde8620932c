// Server: binds one SO_REUSEPORT listener per I/O thread and owns the Workers that serve
// them. It does not run threads itself: the binding layer runs each Worker on a thread
// with that thread's asyncio loop (see framework/python/internal/py_server.h).
//
//   RouteSet routes(config);  routes.Add(...);
//   Server server(std::move(routes));
//   RETURN_IF_ERROR(server.Bind());        // port 0 -> server.port() is the real one
//   ... run server.worker(i) on thread i ...
//   server.Shutdown();                     // any thread: graceful
// Bind and worker() on the starting thread before workers run; Shutdown is thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_SERVER_H_
#define DATABRIDGE_FRAMEWORK_SERVER_SERVER_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "framework/server/route_set.h"
#include "framework/server/worker.h"

namespace databridge::server {

class Server {
 public:
  explicit Server(RouteSet routes) : routes_(std::move(routes)) {}

  absl::Status Bind();
  int port() const { return port_; }
  size_t worker_count() const { return workers_.size(); }
  Worker& worker(size_t i) { return *workers_[i]; }
  const RouteSet& routes() const { return routes_; }
  void Shutdown();

 private:
  RouteSet routes_;
  std::shared_ptr<net::TlsContext> tls_;
  std::vector<std::unique_ptr<Worker>> workers_;
  int port_ = 0;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_SERVER_H_
