// HostRules: Starlette's TrustedHostMiddleware and HTTPSRedirectMiddleware, natively, in
// the order the app added them. A request they refuse or redirect is answered here,
// before routing, without entering Python.
//
//   HostRules rules({HostRule::Trusted({"example.com", "*.example.com"}, true),
//                    HostRule::HttpsRedirect()});
//   if (auto r = rules.Check(request, secure)) connection->Respond(seq, *r);
#ifndef DATABRIDGE_FRAMEWORK_SERVER_HOST_CHECK_H_
#define DATABRIDGE_FRAMEWORK_SERVER_HOST_CHECK_H_

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "framework/http/message.h"

namespace databridge::server {

struct HostRule {
  enum class Kind { kTrustedHost, kHttpsRedirect };
  Kind kind = Kind::kTrustedHost;
  std::vector<std::string> allowed_hosts;  // lower-case; "*.example.com" wildcards
  bool www_redirect = true;
  bool allow_any = false;  // "*" is among allowed_hosts

  static HostRule Trusted(std::vector<std::string> hosts, bool www_redirect) {
    const bool any = std::find(hosts.begin(), hosts.end(), "*") != hosts.end();
    return HostRule{Kind::kTrustedHost, std::move(hosts), www_redirect, any};
  }
  static HostRule HttpsRedirect() { return HostRule{Kind::kHttpsRedirect, {}, false, false}; }
};

// The Host header split as Starlette's parse_host_header splits it (host keeps the
// brackets of an IP literal); nullopt for an invalid one.
struct ParsedHost {
  std::string host;
  std::string port;  // empty: none
};
std::optional<ParsedHost> ParseHostHeader(absl::string_view value);

class HostRules {
 public:
  explicit HostRules(std::vector<HostRule> rules) : rules_(std::move(rules)) {}
  bool empty() const { return rules_.empty(); }
  // The answer for a request one rule refuses or redirects; nullopt: it goes on.
  std::optional<http::Response> Check(const http::Request& request, bool secure) const;

 private:
  std::vector<HostRule> rules_;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_HOST_CHECK_H_
