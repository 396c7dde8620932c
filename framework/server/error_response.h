// ErrorResponse: a response in FastAPI's error shape, {"detail": "<message>"}.
//
//   connection->Respond(seq, ErrorResponse(404, "Not Found"));
// Pure; thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_ERROR_RESPONSE_H_
#define DATABRIDGE_FRAMEWORK_SERVER_ERROR_RESPONSE_H_

#include "absl/strings/string_view.h"
#include "framework/http/message.h"

namespace databridge::server {

http::Response ErrorResponse(int status, absl::string_view detail);

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_ERROR_RESPONSE_H_
