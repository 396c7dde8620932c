#include "framework/server/route_set.h"

namespace databridge::server {

absl::Status RouteSet::Add(Endpoint endpoint) {
  endpoint.id = static_cast<uint32_t>(endpoints_.size());
  for (const ParamSpec& p : endpoint.params) {
    if (p.source == ParamSource::kRequest) endpoint.wants_request = true;
    if (p.source == ParamSource::kBody) endpoint.has_body = true;
  }
  absl::Status s = table_.Add(endpoint.method, endpoint.path, endpoint.id);
  if (!s.ok()) return s;
  endpoints_.push_back(std::make_unique<Endpoint>(std::move(endpoint)));
  return absl::OkStatus();
}

}  // namespace databridge::server
