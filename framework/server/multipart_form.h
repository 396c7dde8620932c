// A multipart/form-data body read into what a form binds from, with Starlette's
// MultiPartParser rules and limits (what FastAPI answers with): text fields as (name, value)
// pairs, file parts (those with a filename) with their headers and content, spooled to an
// anonymous temporary file past 1 MiB as Starlette's UploadFile spools.
//
//   MultipartBody body(content_type);            // an http::BodySink: fed as the body arrives
//   body.Write(piece); ...; body.End();
//   if (!body.status().ok()) -> 400 {"detail": body.status().message()}; else body.form()
//   absl::StatusOr<MultipartForm> form = ReadMultipart(content_type, whole_body);
// Errors are kBadRequest with Starlette's messages: "Missing boundary in multipart.",
// "Invalid multipart data.", a part without a Content-Disposition name, more than 1000
// files or fields, a field past 1 MiB; kInternal when a part cannot be spooled.
// One MultipartBody per body, used on one thread.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_MULTIPART_FORM_H_
#define DATABRIDGE_FRAMEWORK_SERVER_MULTIPART_FORM_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framework/base/temp_file.h"
#include "framework/http/message.h"
#include "framework/http/multipart.h"
#include "framework/http/url.h"

namespace databridge::server {

struct FilePart {
  std::string name;
  std::optional<std::string> filename;  // absent: a field part read as a file's bytes
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string data;                                          // the content while held in memory
  std::shared_ptr<TempFile> file;  // or where it was spooled (data then empty)
};

struct MultipartForm {
  http::QueryPairs fields;      // parts without a filename, in order
  std::vector<FilePart> files;  // parts with one, in order
  std::vector<bool> is_file;    // each part in the body's order: a file's or a field's
};

struct MultipartLimits {  // Starlette's defaults
  size_t max_files = 1000;
  size_t max_fields = 1000;
  size_t max_part_size = 1024 * 1024;  // a field's, not a file's
  size_t spool_bytes = 1024 * 1024;    // a file's content past this goes to disk
};

bool IsMultipartMediaType(absl::string_view content_type);
// application/x-www-form-urlencoded (parameters ignored).
bool IsFormMediaType(absl::string_view content_type);

class MultipartBody : public http::BodySink {
 public:
  explicit MultipartBody(absl::string_view content_type, const MultipartLimits& limits = {});
  ~MultipartBody() override;

  // A body that breaks the framing or Starlette's checks is not an error here: the rest is
  // read and dropped and form() says why, so the request is answered as any other (by its
  // route, its CORS and exception handlers). Only failing to spool (kInternal) stops it.
  absl::Status Write(absl::string_view piece) override;
  absl::Status End() override { return absl::OkStatus(); }
  // OK, or the 400 the body gets.
  const absl::Status& status() const { return status_; }
  // The parts that ended (one the body ends inside is dropped, as python-multipart drops
  // it); meaningful when status() is OK.
  const MultipartForm& form() const;
  MultipartForm TakeForm();

 private:
  class Collector;
  std::unique_ptr<Collector> collector_;
  std::unique_ptr<http::MultipartParser> parser_;
  absl::Status status_;
};

absl::StatusOr<MultipartForm> ReadMultipart(absl::string_view content_type, absl::string_view body,
                                            const MultipartLimits& limits = {});

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_MULTIPART_FORM_H_
