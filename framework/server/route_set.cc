#include "framework/server/route_set.h"

namespace databridge::server {

absl::Status RouteSet::Add(Endpoint endpoint) {
  endpoint.id = static_cast<uint32_t>(endpoints_.size());
  for (const ParamSpec& p : endpoint.params) {
    if (p.source == ParamSource::kRequest) endpoint.wants_request = true;
    if (p.source == ParamSource::kBody) endpoint.has_body = true;
  }
  if (endpoint.unrouted) {
    if (unrouted_ >= 0) return absl::InvalidArgumentError("two endpoints for unrouted requests");
    unrouted_ = static_cast<int>(endpoint.id);
  } else {
    absl::Status s = table_.Add(endpoint.method, endpoint.path, endpoint.id);
    if (!s.ok()) return s;
  }
  endpoints_.push_back(std::make_unique<Endpoint>(std::move(endpoint)));
  return absl::OkStatus();
}

}  // namespace databridge::server
