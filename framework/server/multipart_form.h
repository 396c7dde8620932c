// ReadMultipart: a multipart/form-data body read into what a form binds from, with
// Starlette's MultiPartParser rules and limits (what FastAPI answers with): text fields as
// (name, value) pairs, file parts (those with a filename) with their headers and content.
//
//   absl::StatusOr<MultipartForm> form = ReadMultipart(content_type, body);
//   if (!form.ok()) -> 400 {"detail": form.status().message()}
// Errors are kBadRequest with Starlette's messages: "Missing boundary in multipart.",
// "Invalid multipart data.", a part without a Content-Disposition name, more than 1000
// files or fields, a field past 1 MiB. Pure; thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_MULTIPART_FORM_H_
#define DATABRIDGE_FRAMEWORK_SERVER_MULTIPART_FORM_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framework/http/url.h"

namespace databridge::server {

struct FilePart {
  std::string name;
  std::optional<std::string> filename;  // absent: a field part read as a file's bytes
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string data;
};

struct MultipartForm {
  http::QueryPairs fields;      // parts without a filename, in order
  std::vector<FilePart> files;  // parts with one, in order
};

struct MultipartLimits {  // Starlette's defaults
  size_t max_files = 1000;
  size_t max_fields = 1000;
  size_t max_part_size = 1024 * 1024;  // a field's, not a file's
};

bool IsMultipartMediaType(absl::string_view content_type);

absl::StatusOr<MultipartForm> ReadMultipart(absl::string_view content_type, absl::string_view body,
                                            const MultipartLimits& limits = {});

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_MULTIPART_FORM_H_
