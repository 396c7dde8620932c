// RouteTable: FastAPI-style path templates matched segment by segment (a trie), then by
// method. Templates: "/users/{user_id}", "/files/{rest:path}" (catch-all, last segment only).
//
//   RouteTable t;
//   t.Add("GET", "/users/{user_id}", /*endpoint=*/3);
//   RouteMatch m = t.Match("GET", "/users/a%40b");   // m.endpoint == 3,
//                                                    // m.params == {{"user_id", "a@b"}}
// Literal segments win over parameters, parameters over catch-alls, with backtracking.
// Parameters are percent-decoded after matching, so "%2F" stays inside one segment.
// HEAD falls back to the GET route. Unknown path -> kNotFound; known path, other method ->
// kMethodNotAllowed with `allow` listing the path's methods (RFC 9110 section 15.5.6).
// Built once at start-up, then read-only: Match is safe from any number of threads.
#ifndef DATABRIDGE_FRAMEWORK_ROUTER_ROUTE_TABLE_H_
#define DATABRIDGE_FRAMEWORK_ROUTER_ROUTE_TABLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace databridge::router {

struct RouteMatch {
  enum class Result { kFound, kNotFound, kMethodNotAllowed, kBadPath };
  Result result = Result::kNotFound;
  uint32_t endpoint = 0;
  std::vector<std::pair<std::string, std::string>> params;  // decoded, in template order
  std::string allow;                                        // "GET, HEAD, POST"
};

class RouteTable {
 public:
  RouteTable();
  ~RouteTable();
  RouteTable(RouteTable&&) noexcept;
  RouteTable& operator=(RouteTable&&) noexcept;

  // Registers method + template. Errors: malformed template, duplicate route.
  absl::Status Add(absl::string_view method, absl::string_view path_template, uint32_t endpoint);

  RouteMatch Match(absl::string_view method, absl::string_view raw_path) const;

  // HEAD served by a path's GET route when it has no HEAD of its own, and listed in Allow
  // (the default, as Starlette's routes do); off: HEAD only where declared (FastAPI's
  // APIRoute).
  void set_head_from_get(bool on) { head_from_get_ = on; }

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  bool head_from_get_ = true;
};

}  // namespace databridge::router

#endif  // DATABRIDGE_FRAMEWORK_ROUTER_ROUTE_TABLE_H_
