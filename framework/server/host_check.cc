#include "framework/server/host_check.h"

#include <arpa/inet.h>
#include <re2/re2.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framework/server/error_response.h"

namespace databridge::server {

namespace {

// Starlette's _HOST_RE (case-insensitive): a reg-name, or a bracketed IPv6 / IPvFuture
// literal, then an optional port.
const re2::RE2& HostPattern() {
  static const re2::RE2* const pattern = new re2::RE2(
      R"((?i)([a-z0-9._~%!$&'()*+,;=-]+|\[(?:([a-f0-9]*:[a-f0-9.:]+)|(?-i:v)[a-f0-9]+\.)"
      R"([a-z0-9._~!$&'()*+,;=:-]+)\])(?::([0-9]+))?)");
  return *pattern;
}

http::Response Redirect(std::string location) {
  http::Response r;
  r.status = 307;
  r.headers.Add("location", location);
  return r;
}

std::string PathAndQuery(const http::Request& request) {
  return request.query.empty() ? request.path : absl::StrCat(request.path, "?", request.query);
}

}  // namespace

std::optional<ParsedHost> ParseHostHeader(absl::string_view value) {
  std::string host, ipv6, port;
  if (!re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), HostPattern(), &host,
                           &ipv6, &port)) {
    return std::nullopt;
  }
  if (!ipv6.empty()) {
    in6_addr addr;
    if (inet_pton(AF_INET6, ipv6.c_str(), &addr) != 1) return std::nullopt;
  }
  return ParsedHost{std::move(host), std::move(port)};
}

std::optional<http::Response> HostRules::Check(const http::Request& request, bool secure) const {
  const bool has_host = request.headers.Has("host");
  const absl::string_view netloc = request.headers.Get("host");
  for (const HostRule& rule : rules_) {
    if (rule.kind == HostRule::Kind::kHttpsRedirect) {
      if (secure) continue;
      if (netloc.empty()) return PlainTextResponse(400, "Invalid host header");
      std::optional<ParsedHost> parsed = ParseHostHeader(netloc);
      const bool default_port = parsed && (parsed->port == "80" || parsed->port == "443");
      std::string to = default_port ? parsed->host : std::string(netloc);
      return Redirect(absl::StrCat("https://", to, PathAndQuery(request)));
    }
    if (rule.allow_any) continue;
    std::optional<ParsedHost> parsed =
        has_host ? ParseHostHeader(netloc) : std::optional<ParsedHost>();
    if (!parsed) return PlainTextResponse(400, "Invalid host header");
    const std::string host = absl::AsciiStrToLower(parsed->host);
    bool valid = false, www = false;
    for (const std::string& p : rule.allowed_hosts) {
      if (host == p || (absl::StartsWith(p, "*") && absl::EndsWith(host, p.substr(1)))) {
        valid = true;
        break;
      }
      if (absl::StrCat("www.", host) == p) www = true;
    }
    if (valid) continue;
    if (www && rule.www_redirect) {
      return Redirect(
          absl::StrCat(secure ? "https" : "http", "://www.", netloc, PathAndQuery(request)));
    }
    return PlainTextResponse(400, "Invalid host header");
  }
  return std::nullopt;
}

}  // namespace databridge::server
