#include "framework/server/multipart_form.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framework/base/error_kind.h"
#include "framework/http/multipart.h"

namespace databridge::server {

namespace {

absl::Status BadRequest(absl::string_view message) {
  return MakeError(ErrorKind::kBadRequest, message);
}

// Collects the parts as Starlette's MultiPartParser does, with its checks.
class Collector : public http::MultipartParser::Sink {
 public:
  explicit Collector(const MultipartLimits& limits) : limits_(limits) {}

  absl::Status OnPartBegin(const http::PartHead& head) override {
    if (!head.name) {
      return Refuse("The Content-Disposition header field \"name\" must be provided.");
    }
    part_ = FilePart{*head.name, head.filename, head.headers, ""};
    if (head.filename) {
      if (++files_ > limits_.max_files) {
        return Refuse(
            absl::StrCat("Too many files. Maximum number of files is ", limits_.max_files, "."));
      }
    } else if (++fields_ > limits_.max_fields) {
      return Refuse(
          absl::StrCat("Too many fields. Maximum number of fields is ", limits_.max_fields, "."));
    }
    return absl::OkStatus();
  }

  absl::Status OnPartData(absl::string_view data) override {
    if (!part_.filename && part_.data.size() + data.size() > limits_.max_part_size) {
      return Refuse(
          absl::StrCat("Part exceeded maximum size of ", limits_.max_part_size / 1024, "KB."));
    }
    part_.data.append(data.data(), data.size());
    return absl::OkStatus();
  }

  absl::Status OnPartEnd() override {
    if (part_.filename) {
      form.files.push_back(std::move(part_));
    } else {
      form.fields.emplace_back(std::move(part_.name), std::move(part_.data));
    }
    part_ = FilePart();
    return absl::OkStatus();
  }

  MultipartForm form;
  bool refused = false;  // a check of Starlette's failed (not the framing)

 private:
  absl::Status Refuse(absl::string_view message) {
    refused = true;
    return BadRequest(message);
  }

  const MultipartLimits& limits_;
  FilePart part_;
  size_t files_ = 0;
  size_t fields_ = 0;
};

}  // namespace

bool IsMultipartMediaType(absl::string_view content_type) {
  absl::string_view media = content_type.substr(0, content_type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(media), "multipart/form-data");
}

absl::StatusOr<MultipartForm> ReadMultipart(absl::string_view content_type, absl::string_view body,
                                            const MultipartLimits& limits) {
  std::optional<std::string> boundary = http::MultipartBoundary(content_type);
  if (!boundary) return BadRequest("Missing boundary in multipart.");
  Collector collector(limits);
  http::MultipartParser parser(*boundary, &collector);
  absl::Status s = parser.Feed(body);
  if (!s.ok()) {  // the collector's checks keep their words; the parser's are one
    return collector.refused ? s : BadRequest("Invalid multipart data.");
  }
  return std::move(collector.form);
}

}  // namespace databridge::server
