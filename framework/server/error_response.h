// Error responses in FastAPI's shape, {"detail": ...}: the one place that body is written.
//
//   connection->Respond(seq, ErrorResponse(404, "Not Found"));   // {"detail":"Not Found"}
//   connection->Respond(seq, ValidationErrorResponse(errors));   // 422 {"detail":[{...}]}
//   DetailResponse(403, encoded_detail);   // an HTTPException's detail, already JSON
// And Starlette's PlainTextResponse, which its middleware and FileResponse refuse with:
//   PlainTextResponse(400, "Invalid host header");
// Pure; thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_ERROR_RESPONSE_H_
#define DATABRIDGE_FRAMEWORK_SERVER_ERROR_RESPONSE_H_

#include "absl/strings/string_view.h"
#include "framework/http/message.h"
#include "framework/validate/validation_error.h"

namespace databridge::server {

http::Response ErrorResponse(int status, absl::string_view detail);
http::Response DetailResponse(int status, absl::string_view detail_json);
http::Response ValidationErrorResponse(const validate::Errors& errors);
http::Response PlainTextResponse(int status, absl::string_view body);

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_ERROR_RESPONSE_H_
