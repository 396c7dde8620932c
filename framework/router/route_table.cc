#include "framework/router/route_table.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "framework/http/url.h"

namespace databridge::router {

namespace {

// A path variable: the segments [first, last] it spans, or everything from `first` on.
struct Capture {
  std::string name;
  size_t first = 0;
  size_t last = 0;
  bool rest = false;
};

struct Target {
  uint32_t endpoint;
  std::vector<Capture> captures;
};

enum class Piece { kLiteral, kParam, kCatchAll };

}  // namespace

struct RouteTable::Node {
  absl::flat_hash_map<std::string, std::unique_ptr<Node>> literals;
  std::unique_ptr<Node> param;      // one segment: "{name}", "*"
  std::unique_ptr<Node> catch_all;  // the rest: "{name:path}", "**"; holds only methods
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
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(why, ": ", path_template));
  };
  if (!absl::StartsWith(path_template, "/")) return bad("path must start with '/'");
  // Tokenise into segments; a variable may span several ({name=shelves/*/books/*}).
  std::vector<std::pair<Piece, std::string>> pieces;
  std::vector<Capture> captures;
  absl::string_view rest = path_template.substr(1);
  while (true) {
    if (absl::StartsWith(rest, "{")) {
      size_t close = rest.find('}');
      if (close == absl::string_view::npos) return bad("unterminated '{'");
      absl::string_view inner = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
      if (!rest.empty() && rest[0] != '/') {
        return bad("a parameter must fill its whole segment ('{name}')");
      }
      size_t mark = inner.find_first_of(":=");
      absl::string_view name = inner.substr(0, mark);
      if (name.empty() || absl::StrContains(name, '{')) return bad("empty parameter name");
      for (const Capture& c : captures) {
        if (c.name == name) return bad("repeated parameter name");
      }
      Capture cap;
      cap.name = std::string(name);
      cap.first = pieces.size();
      if (mark == absl::string_view::npos || inner[mark] == ':') {
        absl::string_view convertor =
            mark == absl::string_view::npos ? absl::string_view() : inner.substr(mark + 1);
        if (convertor == "path") {
          cap.rest = true;
          pieces.emplace_back(Piece::kCatchAll, "");
        } else if (convertor.empty() || convertor == "str" || convertor == "int" ||
                   convertor == "float" || convertor == "uuid") {
          pieces.emplace_back(Piece::kParam, "");
        } else {
          return bad(absl::StrCat("unknown convertor '", convertor, "'"));
        }
      } else {
        // google.api.http: {name=pattern}, the pattern's segments literal, "*" or "**".
        for (absl::string_view seg : absl::StrSplit(inner.substr(mark + 1), '/')) {
          if (seg == "*") {
            pieces.emplace_back(Piece::kParam, "");
          } else if (seg == "**") {
            cap.rest = true;
            pieces.emplace_back(Piece::kCatchAll, "");
          } else if (seg.empty() || absl::StrContains(seg, '*')) {
            return bad(absl::StrCat("bad variable pattern segment '", seg, "'"));
          } else {
            pieces.emplace_back(Piece::kLiteral, std::string(seg));
          }
        }
      }
      cap.last = pieces.size() - 1;
      captures.push_back(std::move(cap));
    } else {
      size_t slash = rest.find('/');
      absl::string_view seg = rest.substr(0, slash);
      if (absl::StrContains(seg, '{') || absl::StrContains(seg, '}')) {
        return bad("a parameter must fill its whole segment ('{name}')");
      }
      pieces.emplace_back(Piece::kLiteral, std::string(seg));
      rest = slash == absl::string_view::npos ? absl::string_view() : rest.substr(slash);
    }
    if (rest.empty()) break;
    rest = rest.substr(1);  // the '/'
    if (!pieces.empty() && pieces.back().first == Piece::kCatchAll) {
      return bad("a catch-all ({name:path}, **) must be the last segment");
    }
  }
  Node* node = root_.get();
  for (const auto& [piece, literal] : pieces) {
    std::unique_ptr<Node>* child;
    switch (piece) {
      case Piece::kLiteral:
        child = &node->literals[literal];
        break;
      case Piece::kParam:
        child = &node->param;
        break;
      case Piece::kCatchAll:
        child = &node->catch_all;
        break;
    }
    if (!*child) *child = std::make_unique<Node>();
    node = child->get();
  }
  if (node->Find(method) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("duplicate route ", method, " ", path_template));
  }
  node->methods.emplace_back(std::string(method), Target{endpoint, std::move(captures)});
  return absl::OkStatus();
}

namespace {

struct Segment {
  absl::string_view text;
  size_t offset;  // where it starts in the path (after the leading '/')
};

// Depth-first over the trie with backtracking: literals first, then one-segment
// parameters, then a catch-all.
template <typename NodeT>
const NodeT* Walk(const NodeT* node, const std::vector<Segment>& segs, size_t i) {
  if (i == segs.size()) return node->methods.empty() ? nullptr : node;
  absl::string_view seg = segs[i].text;
  if (auto it = node->literals.find(seg); it != node->literals.end()) {
    if (const NodeT* hit = Walk(it->second.get(), segs, i + 1)) return hit;
  }
  if (node->param && !seg.empty()) {
    if (const NodeT* hit = Walk(node->param.get(), segs, i + 1)) return hit;
  }
  if (node->catch_all && !node->catch_all->methods.empty()) return node->catch_all.get();
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
  const Node* node = Walk(root_.get(), segs, 0);
  if (node == nullptr) return m;
  const Target* target = node->Find(method);
  if (target == nullptr && head_from_get_ && method == "HEAD") target = node->Find("GET");
  if (target == nullptr) {
    std::vector<std::string> allow;
    for (const auto& entry : node->methods) allow.push_back(entry.first);
    if (head_from_get_ && node->Find("GET") != nullptr && node->Find("HEAD") == nullptr) {
      allow.push_back("HEAD");
    }
    std::sort(allow.begin(), allow.end());
    m.result = RouteMatch::Result::kMethodNotAllowed;
    m.allow = absl::StrJoin(allow, ", ");
    return m;
  }
  m.params.reserve(target->captures.size());
  for (const Capture& cap : target->captures) {
    absl::string_view raw;
    if (cap.first >= segs.size()) {
      raw = absl::string_view();  // a catch-all matching nothing
    } else if (cap.rest) {
      raw = path.substr(segs[cap.first].offset);
    } else {
      size_t begin = segs[cap.first].offset;
      size_t end = segs[cap.last].offset + segs[cap.last].text.size();
      raw = path.substr(begin, end - begin);
    }
    std::string decoded;
    if (!http::PercentDecode(raw, &decoded)) {
      m.params.clear();
      m.result = RouteMatch::Result::kBadPath;
      return m;
    }
    m.params.emplace_back(cap.name, std::move(decoded));
  }
  m.result = RouteMatch::Result::kFound;
  m.endpoint = target->endpoint;
  return m;
}

}  // namespace databridge::router
