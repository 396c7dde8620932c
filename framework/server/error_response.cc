#include "framework/server/error_response.h"

#include "framework/json/json_escape.h"

namespace databridge::server {

http::Response ErrorResponse(int status, absl::string_view detail) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = "{\"detail\":";
  json::AppendJsonString(detail, &r.body);
  r.body += "}";
  return r;
}

}  // namespace databridge::server
