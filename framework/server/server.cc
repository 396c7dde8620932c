#include "framework/server/server.h"

#include "absl/strings/str_cat.h"
#include "framework/net/listener.h"

namespace databridge::server {

absl::Status Server::Bind() {
  const ServerConfig& config = routes_.config();
  int threads = config.threads < 1 ? 1 : config.threads;
  int port = config.port;
  if (!config.ssl_certfile.empty() || !config.ssl_keyfile.empty()) {
    auto tls = net::TlsContext::Create(config.ssl_certfile, config.ssl_keyfile, {"h2", "http/1.1"});
    if (!tls.ok()) return tls.status();
    tls_ = *std::move(tls);
  }
  if (!config.listen_fds.empty() && config.listen_fds.size() != static_cast<size_t>(threads)) {
    return absl::InvalidArgumentError(
        absl::StrCat(config.listen_fds.size(), " listening sockets for ", threads, " threads"));
  }
  for (int i = 0; i < threads; ++i) {
    absl::StatusOr<int> fd = config.listen_fds.empty()
                                 ? net::BindListener(config.host, port)
                                 : net::DuplicateListener(config.listen_fds[i]);
    if (!fd.ok()) return fd.status();
    if (i == 0) port = net::LocalPort(*fd);  // port 0: the others share the ephemeral one
    auto worker = std::make_unique<Worker>(routes_, *fd, tls_.get());
    if (auto s = worker->Init(); !s.ok()) return s;
    workers_.push_back(std::move(worker));
  }
  port_ = port;
  return absl::OkStatus();
}

void Server::Shutdown() {
  for (auto& w : workers_) w->RequestShutdown();
}

}  // namespace databridge::server
