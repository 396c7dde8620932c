#include "framework/server/cors.h"

#include <re2/re2.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace databridge::server {

CorsPolicy::CorsPolicy(CorsConfig config) : config_(std::move(config)) {
  if (!config_.allow_origin_regex.empty()) {
    regex_ = std::make_unique<re2::RE2>(config_.allow_origin_regex, re2::RE2::Quiet);
  }
}

CorsPolicy::~CorsPolicy() = default;

bool CorsPolicy::ok() const { return regex_ == nullptr || regex_->ok(); }

bool CorsPolicy::IsPreflight(const http::Request& request) const {
  return request.method == "OPTIONS" && request.headers.Has("origin") &&
         request.headers.Has("access-control-request-method");
}

bool CorsPolicy::IsAllowedOrigin(absl::string_view origin) const {
  if (config_.allow_all_origins) return true;
  if (regex_ != nullptr &&
      re2::RE2::FullMatch(re2::StringPiece(origin.data(), origin.size()), *regex_))
    return true;
  return std::find(config_.allow_origins.begin(), config_.allow_origins.end(), origin) !=
         config_.allow_origins.end();
}

http::Response CorsPolicy::Preflight(const http::Request& request) const {
  http::Response r;
  for (const auto& [name, value] : config_.preflight_headers) r.headers.Add(name, value);
  std::vector<std::string> failures;
  const absl::string_view origin = request.headers.Get("origin");
  if (IsAllowedOrigin(origin)) {
    if (config_.preflight_explicit_allow_origin) {
      r.headers.Set("access-control-allow-origin", origin);
    }
  } else {
    failures.push_back("origin");
  }
  const absl::string_view method = request.headers.Get("access-control-request-method");
  if (std::find(config_.allow_methods.begin(), config_.allow_methods.end(), method) ==
      config_.allow_methods.end()) {
    failures.push_back("method");
  }
  if (request.headers.Has("access-control-request-headers")) {
    const absl::string_view asked = request.headers.Get("access-control-request-headers");
    if (config_.allow_all_headers) {
      r.headers.Set("access-control-allow-headers", asked);
    } else {
      for (absl::string_view h : absl::StrSplit(asked, ',')) {
        std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(h));
        if (std::find(config_.allow_headers.begin(), config_.allow_headers.end(), name) ==
            config_.allow_headers.end()) {
          failures.push_back("headers");
          break;
        }
      }
    }
  }
  if (request.headers.Has("access-control-request-private-network")) {
    if (config_.allow_private_network) {
      r.headers.Set("access-control-allow-private-network", "true");
    } else {
      failures.push_back("private-network");
    }
  }
  r.content_type = "text/plain; charset=utf-8";
  if (failures.empty()) {
    r.body = "OK";
  } else {
    r.status = 400;
    r.body = absl::StrCat("Disallowed CORS ", absl::StrJoin(failures, ", "));
  }
  return r;
}

namespace {}  // namespace

void CorsPolicy::Decorate(absl::string_view origin, http::Response* response) const {
  if (!origin.empty()) {
    for (const auto& [name, value] : config_.simple_headers) response->headers.Set(name, value);
  }
  if (!origin.empty() && ((config_.allow_all_origins && config_.allow_credentials) ||
                          (!config_.allow_all_origins && IsAllowedOrigin(origin)))) {
    response->headers.Set("access-control-allow-origin", origin);
  }
  http::AddVary(&response->headers, "Origin");
}

}  // namespace databridge::server
