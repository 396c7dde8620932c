#include "framework/server/error_response.h"

#include "framework/json/json_escape.h"

namespace databridge::server {

http::Response DetailResponse(int status, absl::string_view detail_json) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body.reserve(detail_json.size() + 11);
  r.body = "{\"detail\":";
  r.body.append(detail_json.data(), detail_json.size());
  r.body += "}";
  return r;
}

http::Response ErrorResponse(int status, absl::string_view detail) {
  std::string text;
  json::AppendJsonString(detail, &text);
  return DetailResponse(status, text);
}

http::Response ValidationErrorResponse(const validate::Errors& errors) {
  return DetailResponse(422, validate::ErrorsJson(errors));
}

http::Response PlainTextResponse(int status, absl::string_view body) {
  http::Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::string(body);
  return r;
}

}  // namespace databridge::server
