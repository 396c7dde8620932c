// RequestData: the native request handed to Python only when a handler asks for a Request.
// Its accessors build Python objects on demand (python/data_bridge/requests.py caches them),
// so handlers that never touch headers never pay for them.
//   req = RequestData(...); req.method; req.headers -> [(name, value), ...]
// Immutable; accessed with the GIL held.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_REQUEST_DATA_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_REQUEST_DATA_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framework/http/message.h"
#include "framework/server/endpoint.h"

namespace databridge::python {

struct RequestData {
  std::shared_ptr<const http::Request> request;
  std::vector<std::pair<std::string, std::string>> path_params;
  server::Peer peer;
};

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_REQUEST_DATA_H_
