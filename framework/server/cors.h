// CorsPolicy: Starlette's CORSMiddleware, natively. A preflight (OPTIONS with Origin and
// Access-Control-Request-Method) is answered without routing or entering Python; every
// other response gets the CORS headers its request's Origin calls for.
//
//   CorsPolicy cors(std::move(config));            // the headers Starlette precomputes
//   if (cors.IsPreflight(request)) connection->Respond(seq, cors.Preflight(request));
//   cors.Decorate(origin, &response);              // when the response is complete
//
// The precomputed header lists (CorsConfig::simple_headers, preflight_headers) are built by
// the Python package exactly as Starlette builds them, so the two cannot drift apart.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_CORS_H_
#define DATABRIDGE_FRAMEWORK_SERVER_CORS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "framework/http/message.h"

namespace re2 {
class RE2;
}

namespace databridge::server {

struct CorsConfig {
  std::vector<std::string> allow_origins;
  std::string allow_origin_regex;  // empty: none (full match, RE2 syntax)
  bool allow_all_origins = false;
  bool allow_credentials = false;
  std::vector<std::string> allow_methods;
  std::vector<std::string> allow_headers;  // lower-case, the safelisted ones included
  bool allow_all_headers = false;
  bool allow_private_network = false;
  bool preflight_explicit_allow_origin = false;
  std::vector<std::pair<std::string, std::string>> simple_headers;
  std::vector<std::pair<std::string, std::string>> preflight_headers;
};

class CorsPolicy {
 public:
  explicit CorsPolicy(CorsConfig config);
  ~CorsPolicy();
  CorsPolicy(const CorsPolicy&) = delete;
  CorsPolicy& operator=(const CorsPolicy&) = delete;

  // False when allow_origin_regex does not compile.
  bool ok() const;
  bool IsPreflight(const http::Request& request) const;
  http::Response Preflight(const http::Request& request) const;
  // Adds what a response to a request with this Origin carries (`origin` empty: none).
  void Decorate(absl::string_view origin, http::Response* response) const;

 private:
  bool IsAllowedOrigin(absl::string_view origin) const;

  const CorsConfig config_;
  std::unique_ptr<re2::RE2> regex_;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_CORS_H_
