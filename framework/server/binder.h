// Bind: from a routed Request to an Endpoint's typed arguments, validating every parameter
// (path, query, header, JSON body) natively and collecting all violations.
//
//   BindResult r = Bind(endpoint, request, match.params);
//   if (!r.status.ok()) -> 415 / other client error;  if (!r.errors.empty()) -> 422
// Runs on I/O threads without the GIL; pure apart from the per-thread JSON parser.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_BINDER_H_
#define DATABRIDGE_FRAMEWORK_SERVER_BINDER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "framework/http/message.h"
#include "framework/server/endpoint.h"
#include "framework/server/multipart_form.h"
#include "framework/validate/validation_error.h"

namespace databridge::server {

struct BindResult {
  absl::Status status;      // non-validation client errors (415), with ErrorKind
  validate::Errors errors;  // 422 when non-empty
  std::vector<validate::Value> args;
  std::vector<bool> failed;  // per parameter, with errors: some are at its location
};

BindResult Bind(const Endpoint& endpoint, const http::Request& request,
                const std::vector<std::pair<std::string, std::string>>& path_params);

// A multipart body's file part as the kFile value a file parameter binds.
validate::Value FilePartValue(const FilePart& part);

// True for application/json and any +json media type (RFC 6839), parameters ignored.
bool IsJsonMediaType(absl::string_view content_type);

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_BINDER_H_
