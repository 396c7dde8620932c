// Endpoint: one routed operation, what it reads from a request and how each parameter is
// typed; Call: a request bound to an Endpoint and ready for its handler.
//
//   Endpoint ep;  ep.id = 0;  ep.method = "GET";  ep.path = "/users/{user_id}";
//   ep.params.push_back({"user_id", ParamSource::kPath, "user_id", int_spec, true});
// Endpoints are built at start-up and read-only after; Calls are moved through one I/O
// thread (from Worker::Poll to the binding layer and back through Worker::Complete).
#ifndef DATABRIDGE_FRAMEWORK_SERVER_ENDPOINT_H_
#define DATABRIDGE_FRAMEWORK_SERVER_ENDPOINT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framework/http/message.h"
#include "framework/validate/compiled.h"
#include "framework/validate/type_spec.h"
#include "framework/validate/value.h"

namespace databridge::server {

enum class ParamSource { kPath, kQuery, kHeader, kCookie, kBody, kRequest };

struct ParamSpec {
  std::string name;  // the handler's parameter name
  ParamSource source = ParamSource::kQuery;
  std::string key;  // path name, query key (alias), or lower-case header name
  validate::TypeSpecPtr type;
  bool required = true;
  // kBody: the media types read (application/json; application/x-www-form-urlencoded for
  // flat objects).
  bool accepts_json = true;
  bool accepts_form = false;
  // FastAPI's Form(): any body that is not a form reads as an empty form (each required
  // field missing), not as a missing body or a 415.
  bool form_or_empty = false;
  // FastAPI's embedded (or several) Body() parameters: the body is an object of their keys
  // (`type`: its kObject, or kAny when Python checks them), each absent key its default or
  // "missing" at ["body", key]; no body (or null) reads as none of them given, a body that
  // is no object as every key missing (plan.Param.embedded).
  bool embedded = false;
  // A generated decoder (codegen/back/cpp) used instead of `type` for JSON bodies and text
  // parameters; `compiled_models` maps its model indices to the binding layer's.
  const validate::CompiledType* compiled = nullptr;
  std::vector<int> compiled_models;
};

struct Endpoint {
  uint32_t id = 0;
  std::string method;
  std::string path;
  std::vector<ParamSpec> params;
  bool wants_request = false;  // some parameter is the Request itself
  bool has_body = false;       // some parameter reads the JSON body
  // Validation failures go to the handler (Call::validation_errors), not a native 422;
  // only with wants_request.
  bool errors_to_handler = false;
  // Answers the requests no route serves (RouteSet::unrouted); not in the route table.
  bool unrouted = false;
  // FastAPI's conventions (plan.Plan.fastapi_errors): a JSON body Python could not decode
  // at all is a 400, not a 422 json_invalid.
  bool fastapi_errors = false;
  // plan.Plan.strict_content_type: with fastapi_errors, a body without a Content-Type is
  // not read as JSON.
  bool strict_content_type = false;
  // Some parameter is checked in Python after the native validators (plan.Param.check): a
  // request that fails natively still goes to the invoker (Call::validation_errors), which
  // runs those checks on what did validate, so their errors join the one 422 as FastAPI's.
  bool python_checks = false;
};

// The client's address and whether the connection is TLS, for handlers that take the
// whole request (kept out of http::Request, which every request carries).
struct Peer {
  std::string host;
  int port = 0;
  bool secure = false;
};

struct Call {
  uint64_t connection = 0;
  uint64_t sequence = 0;
  const Endpoint* endpoint = nullptr;
  std::vector<validate::Value> args;  // aligned with endpoint->params (kMissing: default)
  // Kept only when endpoint->wants_request: the whole request and its path parameters.
  std::shared_ptr<const http::Request> request;
  Peer peer;
  std::vector<std::pair<std::string, std::string>> path_params;
  // Endpoint::errors_to_handler: the request failed validation; these are the errors (a
  // JSON array, the 422's "detail"), and `args` holds only the parameters not in `failed`
  // (FastAPI still solves the dependencies whose own parameters are valid).
  std::string validation_errors;
  std::vector<bool> failed;  // per parameter: its binding reported errors
  // For the unrouted endpoint: the status the request would get (404, 405) and, for
  // 405, the Allow value.
  int unrouted_status = 0;
  std::string allow;
};

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_ENDPOINT_H_
