#include "framework/router/route_table.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "framework/http/url.h"

namespace databridge::router {

namespace {
struct Target {
  uint32_t endpoint;
  std::vector<std::string> param_names;
};
}  // namespace

struct RouteTable::Node {
  absl::flat_hash_map<std::string, std::unique_ptr<Node>> literals;
  std::unique_ptr<Node> param;      // "{name}"
  std::unique_ptr<Node> catch_all;  // "{name:path}"; holds only methods
  std::vector<std::pair<std::string, Target>> methods;

  const Target* Find(absl::string_view method) const {
    for (const auto& [m, t] : methods) {
      if (m == method) return &t;
    }
    return nullptr;
  }
};

RouteTable::RouteTable() : root_(std::make_unique<Node>()) {}
RouteTable::~RouteTable() = default;
RouteTable::RouteTable(RouteTable&&) noexcept = default;
RouteTable& RouteTable::operator=(RouteTable&&) noexcept = default;

absl::Status RouteTable::Add(absl::string_view method, absl::string_view path_template,
                             uint32_t endpoint) {
  if (!absl::StartsWith(path_template, "/")) {
    return absl::InvalidArgumentError(absl::StrCat("path must start with '/': ", path_template));
  }
  Node* node = root_.get();
  std::vector<std::string> names;
  std::vector<absl::string_view> segments = absl::StrSplit(path_template.substr(1), '/');
  for (size_t i = 0; i < segments.size(); ++i) {
    absl::string_view seg = segments[i];
    bool open = absl::StrContains(seg, '{'), close = absl::StrContains(seg, '}');
    if (!open && !close) {
      auto& child = node->literals[std::string(seg)];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
      continue;
    }
    if (!absl::StartsWith(seg, "{") || !absl::EndsWith(seg, "}") || seg.size() < 3) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a parameter must fill its whole segment ('{name}'): '", seg, "' in ", path_template));
    }
    absl::string_view inner = seg.substr(1, seg.size() - 2);
    absl::string_view name = inner, convertor;
    if (size_t colon = inner.find(':'); colon != absl::string_view::npos) {
      name = inner.substr(0, colon);
      convertor = inner.substr(colon + 1);
    }
    if (name.empty() || std::find(names.begin(), names.end(), name) != names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("empty or repeated parameter name in ", path_template));
    }
    names.emplace_back(name);
    if (convertor == "path") {
      if (i + 1 != segments.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("'{", name, ":path}' must be the last segment of ", path_template));
      }
      if (!node->catch_all) node->catch_all = std::make_unique<Node>();
      node = node->catch_all.get();
      break;
    }
    if (!convertor.empty() && convertor != "str" && convertor != "int" && convertor != "float" &&
        convertor != "uuid") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown convertor '", convertor, "' in ", path_template));
    }
    if (!node->param) node->param = std::make_unique<Node>();
    node = node->param.get();
  }
  if (node->Find(method) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("duplicate route ", method, " ", path_template));
  }
  node->methods.emplace_back(std::string(method), Target{endpoint, std::move(names)});
  return absl::OkStatus();
}

namespace {

struct Segment {
  absl::string_view text;
  size_t offset;  // where it starts in the path (after the leading '/')
};

// Depth-first over the trie with backtracking; values collects raw parameter values.
template <typename NodeT>
const NodeT* Walk(const NodeT* node, const std::vector<Segment>& segs, size_t i,
                  absl::string_view path, std::vector<absl::string_view>* values) {
  if (i == segs.size()) return node->methods.empty() ? nullptr : node;
  absl::string_view seg = segs[i].text;
  if (auto it = node->literals.find(seg); it != node->literals.end()) {
    if (const NodeT* hit = Walk(it->second.get(), segs, i + 1, path, values)) return hit;
  }
  if (node->param && !seg.empty()) {
    values->push_back(seg);
    if (const NodeT* hit = Walk(node->param.get(), segs, i + 1, path, values)) return hit;
    values->pop_back();
  }
  if (node->catch_all && !node->catch_all->methods.empty()) {
    values->push_back(path.substr(segs[i].offset));
    return node->catch_all.get();
  }
  return nullptr;
}

}  // namespace

RouteMatch RouteTable::Match(absl::string_view method, absl::string_view raw_path) const {
  RouteMatch m;
  if (raw_path.empty() || raw_path[0] != '/') return m;
  absl::string_view path = raw_path.substr(1);
  std::vector<Segment> segs;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    if (slash == absl::string_view::npos) {
      segs.push_back({path.substr(start), start});
      break;
    }
    segs.push_back({path.substr(start, slash - start), start});
    start = slash + 1;
  }
  std::vector<absl::string_view> values;
  const Node* node = Walk(root_.get(), segs, 0, path, &values);
  if (node == nullptr) return m;
  const Target* target = node->Find(method);
  if (target == nullptr && method == "HEAD") target = node->Find("GET");
  if (target == nullptr) {
    std::vector<std::string> allow;
    for (const auto& entry : node->methods) allow.push_back(entry.first);
    if (node->Find("GET") != nullptr && node->Find("HEAD") == nullptr) allow.push_back("HEAD");
    std::sort(allow.begin(), allow.end());
    m.result = RouteMatch::Result::kMethodNotAllowed;
    m.allow = absl::StrJoin(allow, ", ");
    return m;
  }
  m.params.reserve(values.size());
  for (size_t i = 0; i < values.size() && i < target->param_names.size(); ++i) {
    std::string decoded;
    if (!http::PercentDecode(values[i], &decoded)) {
      m.params.clear();
      m.result = RouteMatch::Result::kBadPath;
      return m;
    }
    m.params.emplace_back(target->param_names[i], std::move(decoded));
  }
  m.result = RouteMatch::Result::kFound;
  m.endpoint = target->endpoint;
  return m;
}

}  // namespace databridge::router
